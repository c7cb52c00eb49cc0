// papersift search, without a server. The page loads manifest.json (the half-months and their
// paper counts), then only the index files (index-YYYY-MM-1.json for days 1-15, -2 for the rest)
// that the chosen date range needs, all requested at once and read newest first, and shows
// results as each one arrives. Results are built as DOM nodes with
// textContent, so titles and comments from arXiv stay inert text.
(function () {
  "use strict";

  var INDEX_VERSION = 3;
  var PAGE_SIZE = 50;
  var DATE = /^\d{4}-\d{2}-\d{2}$/;

  var manifest = null;
  var chunkLoads = {};
  var matches = [];
  var shown = PAGE_SIZE;
  var searchNumber = 0;
  var elements = {};

  // Lower case without accents, so "Celine" finds "Céline".
  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // Folded text as whole words between single spaces (" mixture of experts "), so a term
  // matches whole words only: "gan" finds "GAN", never "organ".
  function words(text) {
    return " " + fold(text).replace(/[^\p{L}\p{N}]+/gu, " ").trim() + " ";
  }

  // Words, or "quoted phrases", all of which must occur as whole words; the last one, while it
  // is being typed (no space after it yet), also as the start of a word.
  function parseTerms(text) {
    var terms = [];
    var pattern = /"([^"]*)"|(\S+)/g;
    var found;
    while ((found = pattern.exec(text)) !== null) {
      var term = words(found[1] !== undefined ? found[1] : found[2]).trim();
      if (term) {
        terms.push({ text: term, prefix: false, quoted: found[1] !== undefined });
      }
    }
    if (terms.length > 0 && !/\s$/.test(text) && !terms[terms.length - 1].quoted) {
      terms[terms.length - 1].prefix = true;
    }
    return terms;
  }

  function occurs(haystack, term) {
    return haystack.indexOf(" " + term.text + (term.prefix ? "" : " ")) >= 0;
  }

  // Title matches count twice: a paper about the words ranks above one that mentions them.
  function relevanceOf(paper, terms) {
    var score = 0;
    terms.forEach(function (term) {
      score += occurs(paper.titleWords, term) ? 2 : 1;
    });
    return score;
  }

  function readCriteria() {
    var minScore = parseInt(elements.minScore.value, 10);
    return {
      text: elements.query.value.trim(),
      terms: parseTerms(elements.query.value),
      from: DATE.test(elements.from.value) ? elements.from.value : "",
      to: DATE.test(elements.to.value) ? elements.to.value : "",
      minScore: isNaN(minScore) ? 0 : minScore,
      topic: elements.topic ? elements.topic.value : "",
      author: elements.author ? parseTerms(elements.author.value) : [],
      authorText: elements.author ? elements.author.value.trim() : ""
    };
  }

  function isEmpty(criteria) {
    return criteria.terms.length === 0 && !criteria.from && !criteria.to && criteria.minScore <= 0 && !criteria.topic && criteria.author.length === 0;
  }

  function setStatus(text) {
    elements.status.textContent = text;
  }

  function fetchJson(url) {
    return window.fetch(url).then(function (response) {
      if (!response.ok) {
        throw new Error(url + " answered " + response.status);
      }
      return response.json();
    });
  }

  // One month's papers, fetched once.
  function loadChunk(chunk) {
    if (!chunkLoads[chunk.file]) {
      chunkLoads[chunk.file] = fetchJson(chunk.file).then(function (index) {
        if (index.v !== INDEX_VERSION || !Array.isArray(index.papers) || !Array.isArray(index.days) || !Array.isArray(index.topics)) {
          throw new Error(chunk.file + " is not a search index this page understands");
        }
        return index.papers.map(function (row) {
          return {
            date: String(index.days[row[0]]),
            number: row[1],
            id: String(row[2]),
            title: String(row[3]),
            authors: String(row[4]),
            authorWords: words(row[4]),
            comment: row[5] === null ? "" : String(row[5]),
            relevance: row[6],
            novelty: row[7],
            topics: (row[8] || []).map(function (i) { return String(index.topics[i]); }),
            titleWords: words(row[3]),
            haystack: words([row[3], row[4], row[2], row[5] || ""].join(" "))
          };
        });
      });
    }
    return chunkLoads[chunk.file];
  }

  function chunksFor(criteria) {
    return manifest.chunks.filter(function (chunk) {
      return (!criteria.from || chunk.last >= criteria.from) && (!criteria.to || chunk.first <= criteria.to);
    });
  }

  function matchesPaper(paper, criteria) {
    if ((criteria.from && paper.date < criteria.from) || (criteria.to && paper.date > criteria.to)) {
      return false;
    }
    // Keyword-scored days judge no novelty: their papers count the neutral 5 it ranks them by.
    var scored = typeof paper.relevance === "number";
    var novelty = typeof paper.novelty === "number" ? paper.novelty : 5;
    if (criteria.minScore > 0 && scored && paper.relevance + novelty < criteria.minScore) {
      return false;
    }
    if (criteria.topic && paper.topics.indexOf(criteria.topic) < 0) {
      return false;
    }
    for (var a = 0; a < criteria.author.length; a += 1) {
      if (!occurs(paper.authorWords, criteria.author[a])) {
        return false;
      }
    }
    for (var i = 0; i < criteria.terms.length; i += 1) {
      if (!occurs(paper.haystack, criteria.terms[i])) {
        return false;
      }
    }
    return true;
  }

  function shortAuthors(authors) {
    var names = authors.split(", ");
    return names.length <= 7 ? authors : names.slice(0, 6).join(", ") + ", et al. (" + names.length + " authors)";
  }

  function dayLink(paper) {
    if (!DATE.test(paper.date) || typeof paper.number !== "number") {
      return null;
    }
    return "../" + paper.date.replace(/-/g, "/") + "/#link" + Math.floor(paper.number);
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

  function resultItem(paper) {
    var item = element("li", "search-result");
    var heading = element("p", "search-title");
    var href = dayLink(paper);
    var title = href ? element("a", "", paper.title) : element("span", "", paper.title);
    if (href) {
      title.href = href;
    }
    heading.appendChild(title);
    item.appendChild(heading);
    var details = [paper.date, "arXiv " + paper.id];
    if (typeof paper.relevance === "number") {
      details.push("relevance " + paper.relevance + (typeof paper.novelty === "number" ? " · novelty " + paper.novelty : ""));
    }
    item.appendChild(element("p", "detail", details.join(" · ")));
    if (paper.authors) {
      item.appendChild(element("p", "authors", shortAuthors(paper.authors)));
    }
    if (paper.comment) {
      item.appendChild(element("p", "search-comment", paper.comment));
    }
    return item;
  }

  function showResults() {
    var list = elements.results;
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    var fragment = document.createDocumentFragment();
    matches.slice(0, shown).forEach(function (paper) {
      fragment.appendChild(resultItem(paper));
    });
    list.appendChild(fragment);
    elements.more.hidden = matches.length <= shown;
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

  function search() {
    if (!manifest) {
      return;
    }
    var number = (searchNumber += 1);
    var criteria = readCriteria();
    updateAddress(criteria);
    matches = [];
    shown = PAGE_SIZE;
    if (isEmpty(criteria)) {
      showResults();
      setStatus("Type words or an author, or choose dates, a minimum score or a topic, to search " + countText(manifest.total) + ".");
      return;
    }
    var chunks = chunksFor(criteria);
    if (chunks.length === 0) {
      showResults();
      setStatus("No papers in that date range.");
      return;
    }
    var found = [];
    var loads = chunks.map(loadChunk);
    var step = function (index) {
      if (index >= chunks.length) {
        setStatus(found.length === 0 ? "No paper matches." : countText(found.length) + " found.");
        return undefined;
      }
      setStatus((found.length ? countText(found.length) + " found so far; " : "") + "searching " + chunks[index].first.slice(0, 7) + "…");
      return loads[index].then(function (papers) {
        if (number !== searchNumber) {
          return undefined;
        }
        var inChunk = papers.filter(function (paper) {
          return matchesPaper(paper, criteria);
        });
        inChunk.forEach(function (paper) {
          paper.rank = relevanceOf(paper, criteria.terms);
        });
        found = found.concat(inChunk);
        // Best matches first, then newest day first, then page order.
        found.sort(function (a, b) {
          if (a.rank !== b.rank) {
            return b.rank - a.rank;
          }
          return a.date === b.date ? a.number - b.number : (a.date < b.date ? 1 : -1);
        });
        matches = found;
        showResults();
        return step(index + 1);
      });
    };
    step(0).catch(function (error) {
      if (number === searchNumber) {
        setStatus("The search index could not be loaded: " + error.message);
      }
    });
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
      status: document.getElementById("search-status"),
      results: document.getElementById("search-results"),
      more: document.getElementById("search-more")
    };
    if (!elements.form) {
      return;
    }
    readAddress();
    var timer = null;
    elements.form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      search();
    });
    elements.query.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 250);
    });
    if (elements.author) {
      elements.author.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(search, 250);
      });
    }
    [elements.from, elements.to, elements.minScore, elements.topic].filter(Boolean).forEach(function (input) {
      input.addEventListener("change", search);
    });
    elements.more.addEventListener("click", function () {
      shown += PAGE_SIZE;
      showResults();
      var first = elements.results.children[shown - PAGE_SIZE];
      var link = first && first.querySelector("a");
      if (link) {
        link.focus();
      }
    });
    setStatus("Loading the search index…");
    fetchJson("manifest.json").then(function (loaded) {
      if (loaded.v !== INDEX_VERSION || !Array.isArray(loaded.chunks)) {
        throw new Error("manifest.json is not a search index this page understands");
      }
      manifest = {
        total: loaded.total,
        // [month, half, count, first, last]; the file name follows from the first two.
        chunks: loaded.chunks.map(function (row) {
          return {
            month: String(row[0]),
            half: row[1],
            count: row[2],
            first: String(row[3]),
            last: String(row[4]),
            file: "index-" + row[0] + "-" + row[1] + ".json"
          };
        })
      };
      if (manifest.chunks.length > 0) {
        elements.from.min = elements.to.min = manifest.chunks[manifest.chunks.length - 1].first;
        elements.from.max = elements.to.max = manifest.chunks[0].last;
      }
      search();
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
