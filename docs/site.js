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

  // ---- Reader state: read, starred, the last visit and the relevance floor, kept in this
  // browser's localStorage only; nothing is sent anywhere. ----
  var STORE = "papersift:reader:v1";

  function loadState() {
    var state = null;
    try {
      state = JSON.parse(window.localStorage.getItem(STORE) || "null");
    } catch (error) {
      state = null;
    }
    if (!state || typeof state !== "object") {
      state = {};
    }
    state.read = state.read || {};
    state.starred = state.starred || {};
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

  function showState(paper, state) {
    var id = paper.getAttribute("data-id");
    var read = Boolean(state.read[id]);
    var starred = Boolean(state.starred[id]);
    paper.classList.toggle("is-read", read);
    paper.classList.toggle("is-starred", starred);
    var star = paper.querySelector("button.star");
    if (star) {
      star.textContent = starred ? "★ Starred" : "☆ Star";
      star.setAttribute("aria-pressed", starred ? "true" : "false");
    }
    var mark = paper.querySelector("button.mark-read");
    if (mark) {
      mark.textContent = read ? "Read ✓" : "Mark read";
      mark.setAttribute("aria-pressed", read ? "true" : "false");
    }
  }

  function toggle(paper, kind) {
    var state = loadState();
    var id = paper.getAttribute("data-id");
    if (kind === "starred") {
      if (state.starred[id]) {
        delete state.starred[id];
      } else {
        var bib = document.getElementById("bib-" + paper.id);
        state.starred[id] = {
          title: (paper.querySelector("h2 a, h3 a") || {}).textContent || id,
          bibtex: bib ? bib.textContent : ""
        };
      }
    } else if (state.read[id]) {
      delete state.read[id];
    } else {
      state.read[id] = 1;
    }
    saveState(state);
    showState(paper, state);
  }

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
      [["star", "starred"], ["mark-read", "read"]].forEach(function (pair) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = pair[0];
        button.addEventListener("click", function () {
          toggle(paper, pair[1]);
        });
        row.appendChild(document.createTextNode(" "));
        row.appendChild(button);
      });
      showState(paper, state);
    });
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

  // j/k next and previous paper, o open it on arXiv, s star, m mark read, / search, ? the keys.
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
