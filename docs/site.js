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

  // j: next paper, k: previous paper, on pages that list papers.
  function onKey(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) {
      return;
    }
    if (event.key !== "j" && event.key !== "k") {
      return;
    }
    var papers = Array.prototype.slice.call(document.querySelectorAll("article.paper"));
    if (papers.length === 0) {
      return;
    }
    var current = -1;
    for (var i = 0; i < papers.length; i += 1) {
      if (papers[i].contains(document.activeElement)) {
        current = i;
      }
    }
    if (current < 0) {
      for (var j = 0; j < papers.length; j += 1) {
        if (papers[j].getBoundingClientRect().top <= 8) {
          current = j;
        }
      }
    }
    var next = event.key === "j" ? current + 1 : current - 1;
    next = Math.max(0, Math.min(papers.length - 1, next));
    var link = papers[next].querySelector("h2 a, h3 a");
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
    // The keys work only with this script, so only it tells of them.
    var hint = document.querySelector(".key-hint");
    if (hint) {
      hint.hidden = false;
    }
  });
})();
