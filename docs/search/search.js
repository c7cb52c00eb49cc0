// papersift search, without a server: an inverted index of titles, authors, arXiv IDs,
// comments and abstracts, read in four steps of parallel requests (see src/render/search/):
// manifest.json (the segments: closed years, and the months of the newest year), each
// segment's papers.json (its days and the first word of each chunk; scores.json too for the
// minimum-score filter), the chunks that
// hold the query's words, and the day files of the results shown. Papers are ranked by BM25
// (weights computed at build time, the title counting five times the abstract) and must hold
// every word; the word being typed also matches as the start of a word. Results are built as
// DOM nodes with textContent, so text from arXiv stays inert.
(function () {
  "use strict";

  var INDEX_VERSION = 4;
  var PAGE_SIZE = 10;
  var DATE = /^\d{4}-\d{2}-\d{2}$/;
  // Base-32 digits of the postings: the last digit of a number (and a weight), and the others.
  var LAST_DIGIT = "0123456789abcdefghijklmnopqrstuv";
  var MORE_DIGITS = "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-";
  var WORD = /\d{4}\.\d{4,5}|[\p{Alphabetic}\p{N}]+/gu;
  var MAX_WORD_CHARS = 40;
  // A result's day file lists this many authors, and how many more there are.
  var AUTHORS_LISTED = 3;

  var digitValue = {};
  var manifest = null;
  var loads = {};
  var matches = [];
  var shown = 0;
  var searchNumber = 0;
  var elements = {};

  for (var d = 0; d < 32; d += 1) {
    digitValue[LAST_DIGIT.charAt(d)] = { value: d, more: false };
    digitValue[MORE_DIGITS.charAt(d)] = { value: d, more: true };
  }

  // Lower case without accents, so "Celine" finds "Céline": as the index folds its words.
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // The words of a text the index can hold: no stop word, none of one letter or over 40.
  function wordsOf(text, keepStopWords) {
    return (fold(text).match(WORD) || []).filter(function (word) {
      var length = Array.from(word).length;
      return length >= 2 && length <= MAX_WORD_CHARS && (keepStopWords || manifest.stop.indexOf(word) < 0);
    });
  }

  // The words of a query, each a whole word; while the query is being typed, the last word (no
  // space after it yet) also as the start of a word. Quotes are accepted: all the words of a
  // phrase must occur.
  function parseTerms(text, marker, typing) {
    var terms = [];
    var pattern = /"([^"]*)"|(\S+)/g;
    var found;
    var typed = null;
    while ((found = pattern.exec(text)) !== null) {
      var quoted = found[1] !== undefined;
      var raw = quoted ? found[1] : found[2];
      var last = typing && !quoted && pattern.lastIndex === text.length;
      var all = wordsOf(raw, true);
      all.forEach(function (word, index) {
        var isTyped = last && index === all.length - 1;
        if (isTyped) {
          typed = { key: marker + word, prefix: true };
        } else if (manifest.stop.indexOf(word) < 0) {
          terms.push({ key: marker + word, prefix: false });
        }
      });
    }
    if (typed) {
      terms.push(typed);
    }
    var seen = {};
    return terms.filter(function (term) {
      var id = term.key + (term.prefix ? "*" : "");
      return seen[id] ? false : (seen[id] = true);
    });
  }

  function readCriteria(typing) {
    var minScore = parseInt(elements.minScore.value, 10);
    var topic = elements.topic ? elements.topic.value : "";
    var words = parseTerms(elements.query.value, "", typing === "query");
    var authors = elements.author ? parseTerms(elements.author.value, "@", typing === "author") : [];
    return {
      text: elements.query.value.trim(),
      words: words,
      filters: authors.concat(topic ? [{ key: "#" + topic, prefix: false }] : []),
      from: DATE.test(elements.from.value) ? elements.from.value : "",
      to: DATE.test(elements.to.value) ? elements.to.value : "",
      minScore: isNaN(minScore) ? 0 : minScore,
      topic: topic,
      authorText: elements.author ? elements.author.value.trim() : ""
    };
  }

  function isEmpty(criteria) {
    return criteria.words.length === 0 && criteria.filters.length === 0 && !criteria.from && !criteria.to && criteria.minScore <= 0;
  }

  function setStatus(text) {
    elements.status.textContent = text;
  }

  function fetchJson(url) {
    if (!loads[url]) {
      loads[url] = window.fetch(url).then(function (response) {
        if (!response.ok) {
          throw new Error(url + " answered " + response.status);
        }
        return response.json();
      }).then(function (json) {
        if (!json || json.v !== INDEX_VERSION) {
          throw new Error(url + " is not a search index this page understands");
        }
        return json;
      });
      loads[url].catch(function () {
        delete loads[url];
      });
    }
    return loads[url];
  }

  // A segment's table of papers, with where each day's papers start, and its scores when the
  // search needs them.
  function loadSegment(segment, criteria) {
    var scores = criteria.minScore > 0 ? fetchJson(segment.name + "/scores.json") : Promise.resolve(null);
    return Promise.all([fetchJson(segment.name + "/papers.json"), scores]).then(function (loaded) {
      var table = loaded[0];
      if (loaded[1] && !table.scores) {
        table.scores = String(loaded[1].scores);
      }
      if (!table.starts) {
        var starts = [];
        var total = 0;
        table.counts.forEach(function (count) {
          starts.push(total);
          total += count;
        });
        table.starts = starts;
        table.size = total;
      }
      return table;
    });
  }

  // The last place in an ascending list whose value is not after `value` (0 when none is):
  // the chunk a word would be in, from the chunks' first words; the day of a paper number,
  // from where each day's papers start.
  function lastAtMost(sorted, value) {
    var low = 0;
    var high = sorted.length - 1;
    while (low < high) {
      var middle = (low + high + 1) >> 1;
      if (sorted[middle] <= value) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }

  function chunksFor(table, term) {
    var first = lastAtMost(table.chunks, term.key);
    var last = term.prefix ? lastAtMost(table.chunks, term.key + "\uffff") : first;
    var numbers = [];
    for (var n = first; n <= last && table.chunks.length > 0; n += 1) {
      numbers.push(n);
    }
    return numbers;
  }

  // Postings text to a map from paper number to weight: each number is four times the gap to
  // the previous paper plus the weight, in base 32.
  function decode(text, into) {
    var number = -1;
    var value = 0;
    for (var i = 0; i < text.length; i += 1) {
      var digit = digitValue[text.charAt(i)];
      if (!digit) {
        throw new Error("the search index is damaged");
      }
      value = value * 32 + digit.value;
      if (digit.more) {
        continue;
      }
      number += Math.floor(value / 4);
      var weight = value % 4;
      var previous = into.get(number);
      into.set(number, previous === undefined || weight > previous ? weight : previous);
      value = 0;
    }
    return into;
  }

  // A term's papers in one segment: number → weight (the best over the words a prefix matches).
  function postingsIn(segment, table, term) {
    return Promise.all(chunksFor(table, term).map(function (n) {
      return fetchJson(segment.name + "/" + n + ".json");
    })).then(function (chunks) {
      var found = new Map();
      chunks.forEach(function (chunk) {
        chunk.words.forEach(function (entry) {
          var word = entry[0];
          if (term.prefix ? word.lastIndexOf(term.key, 0) === 0 : word === term.key) {
            decode(entry[1], found);
          }
        });
      });
      return found;
    });
  }

  // Every paper of a segment in the date range that passes the score filter.
  function candidate(segment, table, number, criteria) {
    var day = lastAtMost(table.starts, number);
    var date = String(table.days[day]);
    if ((criteria.from && date < criteria.from) || (criteria.to && date > criteria.to)) {
      return null;
    }
    // Papers selected for a followed author have no score and always pass.
    if (criteria.minScore > 0) {
      var score = table.scores.charAt(number);
      if (score !== "~" && LAST_DIGIT.indexOf(score) < criteria.minScore) {
        return null;
      }
    }
    return { segment: segment, table: table, number: number, day: day, date: date, rank: 0 };
  }

  // The matches of one segment: papers holding every word and passing every filter, with the
  // words' weights; `frequency` collects how many papers hold each word, for its IDF.
  function searchSegment(segment, criteria) {
    return loadSegment(segment, criteria).then(function (table) {
      var terms = criteria.words.concat(criteria.filters);
      return Promise.all(terms.map(function (term) {
        return postingsIn(segment, table, term);
      })).then(function (postings) {
        return { segment: segment, table: table, postings: postings };
      });
    });
  }

  function rankAll(results, criteria) {
    var wordCount = criteria.words.length;
    var frequency = [];
    for (var w = 0; w < wordCount; w += 1) {
      frequency.push(results.reduce(function (sum, result) {
        return sum + result.postings[w].size;
      }, 0));
    }
    var total = Math.max(manifest.total, 1);
    var idf = frequency.map(function (df) {
      return Math.log(1 + (total - df + 0.5) / (df + 0.5));
    });
    var found = [];
    results.forEach(function (result) {
      var table = result.table;
      var numbers;
      if (result.postings.length === 0) {
        numbers = [];
        for (var n = 0; n < table.size; n += 1) {
          numbers.push(n);
        }
      } else {
        // The shortest list first: every other must hold its papers.
        var smallest = result.postings.reduce(function (a, b) {
          return b.size < a.size ? b : a;
        });
        numbers = Array.from(smallest.keys()).filter(function (number) {
          return result.postings.every(function (list) {
            return list.has(number);
          });
        });
      }
      numbers.forEach(function (number) {
        var match = candidate(result.segment, table, number, criteria);
        if (match) {
          for (var i = 0; i < wordCount; i += 1) {
            match.rank += idf[i] * result.postings[i].get(number);
          }
          found.push(match);
        }
      });
    });
    // Best matches first, then the newest day first, then page order.
    found.sort(function (a, b) {
      if (a.rank !== b.rank) {
        return b.rank - a.rank;
      }
      if (a.date !== b.date) {
        return a.date < b.date ? 1 : -1;
      }
      return a.number - b.number;
    });
    return found;
  }

  function segmentsFor(criteria) {
    return manifest.segments.filter(function (segment) {
      return (!criteria.from || segment.last >= criteria.from) && (!criteria.to || segment.first <= criteria.to);
    });
  }

  // The row a result shows, from its day's file.
  function loadRow(match) {
    return fetchJson("days/" + match.date.slice(0, 4) + "/" + match.date.slice(5) + ".json").then(function (day) {
      var row = day.papers[match.number - match.table.starts[match.day]];
      if (!row) {
        throw new Error("the search index and the day files of " + match.date + " disagree");
      }
      match.row = {
        number: row[0],
        id: String(row[1]),
        title: String(row[2]),
        authors: String(row[3]),
        moreAuthors: row[4],
        comment: row[5] === null ? "" : String(row[5]),
        relevance: row[6],
        novelty: row[7]
      };
      return match;
    });
  }

  function dayLink(match) {
    if (!DATE.test(match.date) || typeof match.row.number !== "number") {
      return null;
    }
    return "../" + match.date.replace(/-/g, "/") + "/#link" + Math.floor(match.row.number);
  }

  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function resultItem(match) {
    var paper = match.row;
    var item = element("li", "search-result paper-card");
    item.setAttribute("data-id", paper.id);
    var heading = element("p", "search-title");
    var href = dayLink(match);
    var title = href ? element("a", "", paper.title) : element("span", "", paper.title);
    if (href) {
      title.href = href;
    }
    heading.appendChild(title);
    item.appendChild(heading);
    var details = [match.date, "arXiv " + paper.id];
    if (typeof paper.relevance === "number") {
      details.push("relevance " + paper.relevance + (typeof paper.novelty === "number" ? " · novelty " + paper.novelty : ""));
    }
    item.appendChild(element("p", "detail", details.join(" · ")));
    if (paper.authors) {
      var more = paper.moreAuthors > 0 ? ", et al. (" + (paper.moreAuthors + AUTHORS_LISTED) + " authors)" : "";
      item.appendChild(element("p", "authors", paper.authors + more));
    }
    if (paper.comment) {
      item.appendChild(element("p", "search-comment", paper.comment));
    }
    return item;
  }

  // Shows the next page of results, each as soon as its day file and those before it are in.
  function showMore(number) {
    var page = matches.slice(shown, shown + PAGE_SIZE);
    shown += page.length;
    elements.more.hidden = true;
    var shownInOrder = Promise.resolve();
    page.forEach(function (match) {
      var loaded = loadRow(match);
      shownInOrder = shownInOrder.then(function () {
        return loaded;
      }).then(function () {
        if (number === searchNumber) {
          var item = resultItem(match);
          elements.results.appendChild(item);
          // The reader's "want" / "not for me" marks (site.js), as on every paper card.
          if (window.papersiftMarks) {
            window.papersiftMarks.attach(item);
          }
        }
      });
    });
    return shownInOrder.then(function () {
      if (number === searchNumber) {
        elements.more.hidden = matches.length <= shown;
      }
    });
  }

  function clearResults() {
    var list = elements.results;
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    shown = 0;
    elements.more.hidden = true;
  }

  function countText(count) {
    return count === 1 ? "1 paper" : count + " papers";
  }

  function updateAddress(criteria) {
    var params = new URLSearchParams();
    if (criteria.text) {
      params.set("q", criteria.text);
    }
    if (criteria.from) {
      params.set("from", criteria.from);
    }
    if (criteria.to) {
      params.set("to", criteria.to);
    }
    if (criteria.minScore > 0) {
      params.set("min", String(criteria.minScore));
    }
    if (criteria.topic) {
      params.set("topic", criteria.topic);
    }
    if (criteria.authorText) {
      params.set("author", criteria.authorText);
    }
    var query = params.toString();
    window.history.replaceState(null, "", query ? "?" + query : window.location.pathname);
  }

  function fail(number, error) {
    if (number === searchNumber) {
      setStatus("The search index could not be loaded: " + error.message);
    }
  }

  // Searches as the form stands; `typing` names the field being typed in, if any.
  function search(typing) {
    if (!manifest) {
      return;
    }
    var number = (searchNumber += 1);
    var criteria = readCriteria(typing);
    updateAddress(criteria);
    matches = [];
    if (isEmpty(criteria)) {
      clearResults();
      setStatus("Type words or an author, or choose dates, a minimum score or a topic, to search " + countText(manifest.total) + ".");
      return;
    }
    var segments = segmentsFor(criteria);
    if (segments.length === 0) {
      clearResults();
      setStatus("No papers in that date range.");
      return;
    }
    setStatus("Searching " + countText(manifest.total) + "…");
    Promise.all(segments.map(function (segment) {
      return searchSegment(segment, criteria);
    })).then(function (results) {
      if (number !== searchNumber) {
        return undefined;
      }
      matches = rankAll(results, criteria);
      clearResults();
      setStatus(matches.length === 0 ? "No paper matches." : countText(matches.length) + " found.");
      return showMore(number);
    }).catch(function (error) {
      fail(number, error);
    });
  }

  // The year menu names the year the date range is, if it is one.
  function showYear() {
    if (!elements.year) {
      return;
    }
    var from = elements.from.value;
    var year = from.slice(0, 4);
    var whole = from === year + "-01-01" && elements.to.value === year + "-12-31";
    var listed = Array.prototype.some.call(elements.year.options, function (option) {
      return option.value === year;
    });
    elements.year.value = whole && listed ? year : "";
  }

  function readAddress() {
    var params = new URLSearchParams(window.location.search);
    elements.query.value = params.get("q") || "";
    elements.from.value = DATE.test(params.get("from") || "") ? params.get("from") : "";
    elements.to.value = DATE.test(params.get("to") || "") ? params.get("to") : "";
    var minScore = parseInt(params.get("min") || "", 10);
    elements.minScore.value = isNaN(minScore) ? "" : String(minScore);
    if (elements.author) {
      elements.author.value = params.get("author") || "";
    }
    if (elements.topic) {
      var topic = params.get("topic") || "";
      var known = Array.prototype.some.call(elements.topic.options, function (option) {
        return option.value === topic;
      });
      elements.topic.value = known ? topic : "";
    }
  }

  function start() {
    elements = {
      form: document.getElementById("search-form"),
      query: document.getElementById("search-query"),
      from: document.getElementById("search-from"),
      to: document.getElementById("search-to"),
      minScore: document.getElementById("search-min-score"),
      topic: document.getElementById("search-topic"),
      author: document.getElementById("search-author"),
      year: document.getElementById("search-year"),
      status: document.getElementById("search-status"),
      results: document.getElementById("search-results"),
      more: document.getElementById("search-more")
    };
    if (!elements.form) {
      return;
    }
    readAddress();
    showYear();
    var timer = null;
    var whileTyping = function (field) {
      return function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          search(field);
        }, 250);
      };
    };
    elements.form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      search(null);
    });
    elements.query.addEventListener("input", whileTyping("query"));
    if (elements.author) {
      elements.author.addEventListener("input", whileTyping("author"));
    }
    [elements.from, elements.to, elements.minScore, elements.topic].filter(Boolean).forEach(function (input) {
      input.addEventListener("change", function () {
        showYear();
        search(null);
      });
    });
    // A year is a date range: choosing one fills the two dates.
    if (elements.year) {
      elements.year.addEventListener("change", function () {
        var year = elements.year.value;
        elements.from.value = year ? year + "-01-01" : "";
        elements.to.value = year ? year + "-12-31" : "";
        search(null);
      });
    }
    elements.more.addEventListener("click", function () {
      var first = shown;
      var number = searchNumber;
      showMore(number).then(function () {
        var link = elements.results.children[first] && elements.results.children[first].querySelector("a");
        if (link) {
          link.focus();
        }
      }).catch(function (error) {
        fail(number, error);
      });
    });
    setStatus("Loading the search index…");
    fetchJson("manifest.json").then(function (loaded) {
      if (!Array.isArray(loaded.segments) || !Array.isArray(loaded.stop)) {
        throw new Error("manifest.json is not a search index this page understands");
      }
      manifest = {
        total: loaded.total,
        stop: loaded.stop.map(String),
        // [name, first day, last day, papers], newest first.
        segments: loaded.segments.map(function (row) {
          return { name: String(row[0]), first: String(row[1]), last: String(row[2]), count: row[3] };
        })
      };
      // The segments' tables are small and every query needs them: fetched now, while the
      // reader types, a query waits only for its words' chunks.
      manifest.segments.forEach(function (segment) {
        loadSegment(segment, { minScore: 0 }).catch(function () {});
      });
      if (manifest.segments.length > 0) {
        elements.from.min = elements.to.min = manifest.segments[manifest.segments.length - 1].first;
        elements.from.max = elements.to.max = manifest.segments[0].last;
      }
      search(null);
    }).catch(function (error) {
      setStatus("The search index could not be loaded: " + error.message);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
