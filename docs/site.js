// papersift: the colour theme (follows the system until the reader picks one; the choice is
// kept in localStorage) and the j / k keys that move between the papers of a day page.
// Pages read fine without this script: the theme button stays hidden and the system decides.
(function () {
  "use strict";
  var KEY = "papersift-theme";
  var LABELS = { auto: "Theme: automatic", dark: "Theme: dark", light: "Theme: light" };
  var NEXT = { auto: "dark", dark: "light", light: "auto" };
  var root = document.documentElement;

  function storedTheme() {
    try {
      var theme = window.localStorage.getItem(KEY);
      return Object.prototype.hasOwnProperty.call(LABELS, theme) ? theme : "auto";
    } catch (error) {
      return "auto";
    }
  }

  function applyTheme(theme) {
    if (theme === "auto") {
      root.removeAttribute("data-theme");
    } else {
      root.setAttribute("data-theme", theme);
    }
  }

  function saveTheme(theme) {
    try {
      if (theme === "auto") {
        window.localStorage.removeItem(KEY);
      } else {
        window.localStorage.setItem(KEY, theme);
      }
    } catch (error) {
      // Storage may be disabled; the choice then lasts for this page only.
    }
  }

  // Runs in <head>, before the page is painted, so a chosen theme never flashes.
  applyTheme(storedTheme());

  function setUpThemeButton() {
    var button = document.querySelector(".theme-toggle");
    if (!button) {
      return;
    }
    var theme = storedTheme();
    button.textContent = LABELS[theme];
    button.hidden = false;
    button.addEventListener("click", function () {
      theme = NEXT[theme];
      saveTheme(theme);
      applyTheme(theme);
      button.textContent = LABELS[theme];
    });
  }

  function isTyping(element) {
    return element && (element.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName));
  }

  // ---- Reader state: read papers, marks ("want" — the star — and "not for me"), the last
  // visit and the relevance floor, kept in this browser's localStorage under a key of this
  // site's own path (two papersift sites on one host keep apart). Nothing is sent anywhere
  // unless the reader presses "Send my marks", which opens GitHub's editor on the site's own
  // repository with the marks filled in. ----
  var OLD_STORE = "papersift:reader:v1";
  var SITE_ROOT = (function () {
    var script = document.currentScript;
    try {
      return new URL(script ? script.src : "./", window.location.href).pathname.replace(/[^\/]*$/, "");
    } catch (error) {
      return "/";
    }
  })();
  var STORE = OLD_STORE + ":" + SITE_ROOT;
  // GitHub refuses addresses much over 8 KB; each "send" link stays within this.
  var MAX_URL = 6000;

  function loadState() {
    var state = null;
    try {
      var storage = window.localStorage;
      // Marks made before keys carried the site's path are taken over once.
      state = JSON.parse(storage.getItem(STORE) || storage.getItem(OLD_STORE) || "null");
    } catch (error) {
      state = null;
    }
    if (!state || typeof state !== "object") {
      state = {};
    }
    state.read = state.read || {};
    state.starred = state.starred || {};
    state.marks = state.marks || {};
    state.sent = state.sent || {};
    // Stars from before marks existed are "want" marks.
    Object.keys(state.starred).forEach(function (id) {
      if (!state.marks[id]) {
        state.marks[id] = { label: "want", at: "", title: state.starred[id].title || "" };
      }
    });
    return state;
  }

  function saveState(state) {
    try {
      window.localStorage.setItem(STORE, JSON.stringify(state));
    } catch (error) {
      // Storage full or disabled: the page works, it just forgets.
    }
  }

  function papersOnPage() {
    return Array.prototype.slice.call(document.querySelectorAll("article.paper[data-id]"));
  }

  function paperAt(element) {
    return element && element.closest ? element.closest("article.paper[data-id]") : null;
  }

  // The paper in focus, or the first one at the top of the window.
  function currentPaper() {
    var focused = paperAt(document.activeElement);
    if (focused) {
      return focused;
    }
    var papers = papersOnPage();
    var current = null;
    papers.forEach(function (paper) {
      if (paper.getBoundingClientRect().top <= 8) {
        current = paper;
      }
    });
    return current || papers[0] || null;
  }

  function markOf(state, id) {
    var mark = state.marks[id];
    return mark && mark.label !== "cleared" ? mark.label : "";
  }

  var MARK_TEXT = {
    want: ["☆ Want", "★ Wanted"],
    not_for_me: ["Not for me", "✕ Not for me"]
  };

  function showState(card, state) {
    var id = card.getAttribute("data-id");
    var read = Boolean(state.read[id]);
    var mark = markOf(state, id);
    card.classList.toggle("is-read", read);
    card.classList.toggle("is-starred", mark === "want");
    card.classList.toggle("is-not-for-me", mark === "not_for_me");
    [["button.star", "want"], ["button.not-for-me", "not_for_me"]].forEach(function (pair) {
      var button = card.querySelector(pair[0]);
      if (button) {
        var on = mark === pair[1];
        button.textContent = MARK_TEXT[pair[1]][on ? 1 : 0];
        button.setAttribute("aria-pressed", on ? "true" : "false");
      }
    });
    var readButton = card.querySelector("button.mark-read");
    if (readButton) {
      readButton.textContent = read ? "Read ✓" : "Mark read";
      readButton.setAttribute("aria-pressed", read ? "true" : "false");
    }
  }

  function showEverywhere(state) {
    document.querySelectorAll("[data-id].paper, [data-id].paper-card").forEach(function (card) {
      showState(card, state);
    });
    showSendPanel(state);
  }

  // A card's text without its leading label ("Authors:", "Abstract:").
  function cardText(card, selector) {
    var node = card.querySelector(selector);
    return node ? node.textContent.replace(/^\s*[A-Za-z]+:\s*/, "").replace(/\s+/g, " ").trim() : "";
  }

  function today() {
    var now = new Date();
    var pad = function (n) {
      return (n < 10 ? "0" : "") + n;
    };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  // Sets a card's mark, or takes it back when it is set already ("toggle off").
  function setMark(card, label) {
    var state = loadState();
    var id = card.getAttribute("data-id");
    // The paper's full entry on this page, when there is one, has its authors, abstract and
    // BibTeX (a spotlight line or a topic list has only the title).
    Array.prototype.forEach.call(document.querySelectorAll("article.paper[data-id]"), function (full) {
      if (full.getAttribute("data-id") === id) {
        card = full;
      }
    });
    var next = markOf(state, id) === label ? "" : label;
    if (next) {
      var heading = card.querySelector("h2 a, h3 a, a");
      state.marks[id] = {
        label: next,
        at: today(),
        title: heading ? heading.textContent.replace(/\s+/g, " ").trim() : "",
        authors: cardText(card, ".authors"),
        abstract: cardText(card, "p.abstract")
      };
    } else if (state.sent[id]) {
      // The repository has the mark: it must hear that it was taken back.
      state.marks[id] = { label: "cleared", at: today() };
    } else {
      delete state.marks[id];
    }
    if (next === "want") {
      var bib = document.getElementById("bib-" + card.id);
      state.starred[id] = { title: state.marks[id].title || id, bibtex: bib ? bib.textContent : "" };
    } else {
      delete state.starred[id];
    }
    saveState(state);
    showEverywhere(state);
  }

  function toggle(paper, kind) {
    if (kind === "starred") {
      setMark(paper, "want");
      return;
    }
    var state = loadState();
    var id = paper.getAttribute("data-id");
    if (state.read[id]) {
      delete state.read[id];
    } else {
      state.read[id] = 1;
    }
    saveState(state);
    showState(paper, state);
  }

  // The "want" and "not for me" buttons of a card, in its actions row (made when missing).
  function attachMarks(card) {
    if (card.querySelector("button.star")) {
      return;
    }
    var row = card.querySelector("p.actions");
    if (!row) {
      row = document.createElement("span");
      row.className = "marks";
      card.appendChild(document.createTextNode(" "));
      card.appendChild(row);
    }
    [["star", "want"], ["not-for-me", "not_for_me"]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = pair[0];
      button.addEventListener("click", function () {
        setMark(card, pair[1]);
      });
      row.appendChild(document.createTextNode(" "));
      row.appendChild(button);
    });
    showState(card, loadState());
    showSendPanel(loadState());
  }

  // The marks the repository does not have yet, as JSONL lines, each under MAX_URL encoded.
  function pendingLines(state) {
    return Object.keys(state.marks).sort().filter(function (id) {
      var mark = state.marks[id];
      return state.sent[id] !== mark.label && !(mark.label === "cleared" && !state.sent[id]);
    }).map(function (id) {
      var mark = state.marks[id];
      var line = { id: id, label: mark.label, at: mark.at || today(), source: "site" };
      ["title", "authors", "abstract"].forEach(function (key) {
        if (mark[key] && mark.label !== "cleared") {
          line[key] = mark[key];
        }
      });
      var text = JSON.stringify(line);
      // A very long abstract would not fit one address: papersift finds the text itself.
      while (encodeURIComponent(text).length > MAX_URL - 400 && (line.abstract || line.authors)) {
        delete line[line.abstract ? "abstract" : "authors"];
        text = JSON.stringify(line);
      }
      return { id: id, label: mark.label, text: text };
    });
  }

  function randomName() {
    var bytes = new Uint8Array(4);
    (window.crypto || { getRandomValues: function (b) { return b; } }).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
  }

  // The pending lines in parts whose GitHub new-file address stays under MAX_URL.
  function sendParts(state, repository, branch) {
    var parts = [];
    var base = "https://github.com/" + repository + "/new/" + encodeURIComponent(branch);
    var stamp = today() + "-" + randomName();
    var address = function (lines, number) {
      var name = "data/labels/" + stamp + (number > 1 ? "-" + number : "") + ".jsonl";
      var body = lines.map(function (l) { return l.text; }).join("\n") + "\n";
      return { name: name, body: body, url: base + "?filename=" + encodeURIComponent(name) + "&value=" + encodeURIComponent(body) };
    };
    var current = [];
    pendingLines(state).forEach(function (line) {
      if (current.length > 0 && address(current.concat([line]), parts.length + 1).url.length > MAX_URL) {
        parts.push(current);
        current = [];
      }
      current.push(line);
    });
    if (current.length > 0) {
      parts.push(current);
    }
    return parts.map(function (lines, index) {
      var made = address(lines, index + 1);
      made.lines = lines;
      return made;
    });
  }

  function markSent(lines) {
    var state = loadState();
    lines.forEach(function (line) {
      if (line.label === "cleared") {
        delete state.sent[line.id];
        delete state.marks[line.id];
      } else {
        state.sent[line.id] = line.label;
      }
    });
    state.lastSent = new Date().toISOString().slice(0, 16).replace("T", " ");
    saveState(state);
    showSendPanel(state);
  }

  // "Send my marks": one link a part, each opening GitHub's editor with a new file in
  // data/labels/ for the owner to commit; without site.repository, a download instead.
  function showSendPanel(state) {
    var cards = document.querySelectorAll("[data-id].paper, [data-id].paper-card");
    var panel = document.querySelector(".marks-panel");
    if (cards.length === 0 && !panel) {
      return;
    }
    if (!panel) {
      panel = document.createElement("div");
      panel.className = "marks-panel detail";
      var home = document.querySelector(".reader-tools") || document.querySelector("main h1");
      if (home && home.classList.contains("reader-tools")) {
        home.appendChild(panel);
      } else if (home) {
        home.insertAdjacentElement("afterend", panel);
      } else {
        return;
      }
    }
    while (panel.firstChild) {
      panel.removeChild(panel.firstChild);
    }
    var repository = document.body.getAttribute("data-repository") || "";
    var branch = document.body.getAttribute("data-branch") || "main";
    var parts = repository ? sendParts(state, repository, branch) : [];
    var pending = pendingLines(state).length;
    var status = document.createElement("p");
    status.className = "marks-status";
    status.textContent = (pending === 0 ? "Every mark is in the repository." :
      pending + (pending === 1 ? " mark" : " marks") + " not yet sent to the repository" +
      (parts.length > 1 ? ", in " + parts.length + " files (GitHub takes one at a time): press each and commit it." : ".")) +
      (state.lastSent ? " Marks last sent " + state.lastSent + "." : "");
    panel.appendChild(status);
    panel.hidden = pending === 0 && !state.lastSent;
    if (pending === 0) {
      return;
    }
    var row = document.createElement("p");
    if (repository) {
      parts.forEach(function (part, index) {
        var link = document.createElement("a");
        link.className = "button send-marks";
        link.href = part.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = parts.length === 1 ? "Send my marks to the repository" :
          "Send part " + (index + 1) + " of " + parts.length;
        link.addEventListener("click", function () {
          markSent(part.lines);
        });
        row.appendChild(link);
        row.appendChild(document.createTextNode(" "));
      });
    } else {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "send-marks";
      button.textContent = "Download my marks";
      button.addEventListener("click", function () {
        var lines = pendingLines(loadState());
        download(today() + "-" + randomName() + ".jsonl", "application/x-ndjson",
          lines.map(function (l) { return l.text; }).join("\n") + "\n");
        markSent(lines);
      });
      row.appendChild(button);
      row.appendChild(document.createTextNode(" Put the file in data/labels/ of the site's repository and commit it (or run papersift labels import FILE). Set site.repository in config.toml to send marks in one click."));
    }
    panel.appendChild(row);
  }

  window.papersiftMarks = { attach: attachMarks };

  function applyFloor(floor) {
    papersOnPage().forEach(function (paper) {
      var relevance = parseInt(paper.getAttribute("data-relevance") || "", 10);
      var hidden = floor > 0 && !isNaN(relevance) && relevance < floor;
      paper.hidden = hidden;
      Array.prototype.forEach.call(document.querySelectorAll(".toc li > a"), function (entry) {
        if (entry.getAttribute("href").slice(1) === paper.id) {
          entry.parentElement.hidden = hidden;
        }
      });
    });
  }

  function download(name, type, text) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: type }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function setUpReader() {
    var state = loadState();
    var papers = papersOnPage();
    papers.forEach(function (paper) {
      var row = paper.querySelector("p.actions");
      if (!row) {
        return;
      }
      attachMarks(paper);
      var read = document.createElement("button");
      read.type = "button";
      read.className = "mark-read";
      read.addEventListener("click", function () {
        toggle(paper, "read");
      });
      row.appendChild(document.createTextNode(" "));
      row.appendChild(read);
      showState(paper, state);
    });
    document.querySelectorAll("[data-id].paper-card").forEach(attachMarks);
    var tools = document.querySelector(".reader-tools");
    if (tools && papers.length > 0) {
      tools.hidden = false;
      var floor = document.getElementById("relevance-floor");
      floor.value = String(state.floor || 0);
      applyFloor(state.floor || 0);
      floor.addEventListener("change", function () {
        var current = loadState();
        current.floor = parseInt(floor.value, 10) || 0;
        saveState(current);
        applyFloor(current.floor);
      });
      document.getElementById("export-bibtex").addEventListener("click", function () {
        var starred = loadState().starred;
        var entries = Object.keys(starred).sort().map(function (id) {
          return starred[id].bibtex || "";
        });
        download("papersift-starred.bib", "text/plain", entries.join("\n\n") + "\n");
      });
      document.getElementById("export-ids").addEventListener("click", function () {
        var ids = Object.keys(loadState().starred).sort();
        download("papersift-starred.json", "application/json", JSON.stringify(ids) + "\n");
      });
    }
    // "New since your last visit": days newer than the newest day seen on an earlier visit.
    var dated = Array.prototype.slice.call(document.querySelectorAll("[data-day]"));
    if (dated.length > 0) {
      var seen = state.lastSeen || "";
      var newest = seen;
      dated.forEach(function (element) {
        var day = element.getAttribute("data-day");
        if (seen && day > seen) {
          var badge = document.createElement("span");
          badge.className = "badge new-badge";
          badge.textContent = "new since your last visit";
          element.appendChild(document.createTextNode(" "));
          element.appendChild(badge);
        }
        if (day > newest) {
          newest = day;
        }
      });
      var stored = loadState();
      stored.lastSeen = newest;
      saveState(stored);
    }
  }

  // j/k next and previous paper, o open it on arXiv, s want (star), x not for me, m mark read,
  // / search, ? the keys.
  function onKey(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) {
      return;
    }
    var key = event.key;
    if (key === "?") {
      var map = document.querySelector(".key-hint");
      if (map) {
        map.hidden = false;
        map.classList.toggle("key-map-open");
        event.preventDefault();
      }
      return;
    }
    if (key === "/") {
      var search = document.querySelector('a[href$="search/"]');
      if (search) {
        window.location.href = search.href;
        event.preventDefault();
      }
      return;
    }
    var paper = currentPaper();
    if (!paper) {
      return;
    }
    if (key === "o") {
      var open = paper.querySelector("h2 a, h3 a");
      if (open) {
        window.location.href = open.href;
        event.preventDefault();
      }
      return;
    }
    if (key === "s" || key === "m") {
      toggle(paper, key === "s" ? "starred" : "read");
      event.preventDefault();
      return;
    }
    if (key === "x") {
      setMark(paper, "not_for_me");
      event.preventDefault();
      return;
    }
    if (key !== "j" && key !== "k") {
      return;
    }
    var papers = papersOnPage().filter(function (p) {
      return !p.hidden;
    });
    var current = papers.indexOf(paper);
    if (!paperAt(document.activeElement) && paper.getBoundingClientRect().top > 8) {
      current = -1;
    }
    var next = key === "j" ? current + 1 : current - 1;
    next = Math.max(0, Math.min(papers.length - 1, next));
    var link = papers[next] && papers[next].querySelector("h2 a, h3 a");
    if (link) {
      link.focus();
      papers[next].scrollIntoView({ block: "start" });
      event.preventDefault();
    }
  }

  // "Copy BibTeX" buttons: the entry is in the page (a <details> block), so they only copy it.
  function setUpCopyButtons() {
    document.querySelectorAll("button.copy-bibtex").forEach(function (button) {
      var entry = document.getElementById(button.getAttribute("data-bibtex"));
      if (!entry || !navigator.clipboard) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(entry.textContent).then(function () {
          button.textContent = "Copied";
        }, function () {
          button.textContent = "Copy failed: select the BibTeX below";
        });
      });
    });
  }

  // On a phone the table of contents starts closed and long abstracts show three lines with a
  // "more" button; the whole text stays in the page for search engines, print and no-JS readers.
  function setUpFolding() {
    var phone = window.matchMedia && window.matchMedia("(max-width: 40rem)").matches;
    var toc = document.querySelector("details.toc");
    if (toc && phone) {
      toc.open = false;
    }
    document.querySelectorAll("p.abstract").forEach(function (abstract) {
      if (abstract.textContent.length < 320) {
        return;
      }
      abstract.classList.add("folded");
      var more = document.createElement("button");
      more.type = "button";
      more.className = "more";
      more.textContent = "more";
      more.setAttribute("aria-expanded", "false");
      more.addEventListener("click", function () {
        var folded = abstract.classList.toggle("folded");
        more.textContent = folded ? "more" : "less";
        more.setAttribute("aria-expanded", folded ? "false" : "true");
      });
      abstract.insertAdjacentElement("afterend", more);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpThemeButton();
    document.addEventListener("keydown", onKey);
    setUpCopyButtons();
    setUpFolding();
    setUpReader();
    // The keys work only with this script, so only it tells of them.
    var hint = document.querySelector(".key-hint");
    if (hint) {
      hint.hidden = false;
    }
  });
})();
