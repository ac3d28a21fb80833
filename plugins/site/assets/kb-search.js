/* kb: the site's search box answers from kb's search API when it is reachable,
 * and stays (or becomes, once the API stops answering) Material's built-in browser search
 * when it is not. The contact page's suggestions come from the same API.
 *
 * kb-events.js (loaded only when the site measures) learns from DOM events what
 * this script did, so neither waits for the other:
 *   kb:api             {available}            once the API answered /health (or did not)
 *   kb:search-results  {query, results, source: "box"|"page"}  results were rendered
 *   kb:suggestions     {query, results}       the contact page listed suggestions
 * Rendered result links carry data-kb-path and data-kb-rank (1 = first); their list
 * carries data-kb-query, the query they answer. */
(function () {
  "use strict";
  var meta = function (name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : "";
  };
  var api = meta("kb-search-api");
  var lang = meta("kb-lang") || document.documentElement.lang || "";
  var root = meta("kb-site-root") || "./";
  var words = {};
  try { words = JSON.parse(meta("kb-search-words") || "{}"); } catch (e) { words = {}; }
  var t = function (key, fallback) { return words[key] || fallback; };
  var announce = function (name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  };

  /* The browser's search (Material's), when there is no API or it does not answer.
   * Material reads the box through `split`; the box keeps showing what was typed.
   * - Thai has no spaces, and Material splits only at its separator: the index has its
   *   Thai words split already (plugins/site/browser_search.py), the query's are split
   *   here (the browser's Intl.Segmenter).
   * - Material keeps no stems and finds words that begin like the query's (it adds "*"):
   *   a query word loses its ending, so "passwords" finds "password" and "пароля" finds
   *   "пароль" and "паролем". */
  var ENDINGS = [
    { word: /^[a-z]+$/i, ending: /(?:ing|ed|s)$/i, not: /(?:ss|us)$/i, keep: 4 },
    { word: /^[\u0400-\u04FF]+$/, keep: 3, ending: new RegExp("(?:иями|ями|ами|иях|ях|ах|ого|" +
      "его|ому|ему|ыми|ими|ой|ей|ий|ый|ая|яя|ое|ее|ую|юю|ом|ем|ов|ев|ам|ям|ться|тся|ать|ять|" +
      "еть|ить|ешь|ете|ет|ют|ут|ит|ат|ят|ся|ть|ии|ия|ие|ью|а|я|о|е|ы|и|у|ю|ь|й)$", "i") }
  ];
  var withoutEnding = function (word) {
    for (var i = 0; i < ENDINGS.length; i++) {
      var rule = ENDINGS[i];
      if (!rule.word.test(word) || (rule.not && rule.not.test(word))) continue;
      var ending = rule.ending.exec(word);
      if (!ending || word.length - ending[0].length < rule.keep) continue;
      /* "resetting" → "resett" → "reset" */
      return word.slice(0, ending.index).replace(/([b-df-hj-np-tv-z])\1$/i, "$1");
    }
    return word;
  };
  /* a plain word, perhaps with the punctuation that ends a question after it */
  var PLAIN = /^([A-Za-z\u0400-\u04FF]+)([?!.,;:]*)$/;
  var thai = window.Intl && Intl.Segmenter ? new Intl.Segmenter("th", { granularity: "word" }) : null;
  var split = function (text) {
    if (thai) {
      text = text.replace(/[\u0E00-\u0E7F]+/g, function (run) {
        return Array.from(thai.segment(run), function (s) { return s.segment; }).join(" ");
      });
    }
    /* Material searches a "quoted phrase", +word, -word, word~1 and word^2 as written, and
     * "requests.get" as one token: only plain words outside quotes lose their endings */
    return text.split(/("[^"]*"?)/).map(function (part, quoted) {
      if (quoted % 2) return part;
      return part.split(/(\s+)/).map(function (token) {
        var plain = PLAIN.exec(token);
        return plain ? withoutEnding(plain[1]) + plain[2] : token;
      }).join("");
    }).join("");
  };
  var browserSearch = function () {
    document.documentElement.setAttribute("data-kb-search", "browser");
    var input = document.querySelector('[data-md-component="search-query"]');
    if (!input) return;
    var value = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value");
    Object.defineProperty(input, "value", {
      configurable: true,
      get: function () { return split(value.get.call(this)); },
      set: function (text) { value.set.call(this, text); }
    });
    /* Material searches on keyup; text that arrives without one (a paste from the menu,
     * an input method's composed word, whose last input event is still composing) is
     * searched too */
    var search = function () { input.dispatchEvent(new KeyboardEvent("keyup")); };
    input.addEventListener("input", function (event) { if (!event.isComposing) search(); });
    input.addEventListener("compositionend", search);
    if (value.get.call(input).trim()) search(); /* typed before this search took over */
    /* search.suggest: Material writes its completion of the last word behind the box, from
     * what it read ("reset password" for "resetting pass"): put the typed words back, so
     * it lines up with the box, and accept it with → as Material does */
    var ghost = document.querySelector('[data-md-component="search-suggest"]');
    if (!ghost) return;
    var words = function (text) { return text.split(/([\s-]+)/); };
    new MutationObserver(function () {
      var said = ghost.textContent;
      if (!said) return;
      var raw = value.get.call(input);
      var typed = words(raw);
      var completed = words(said);
      var fixed = "";
      if (completed.length === typed.length && words(split(raw)).length === typed.length) {
        var last = completed[completed.length - 1];
        var own = typed[typed.length - 1];
        fixed = typed.slice(0, -1).join("") + (last.indexOf(own) === 0 ? last : own);
      }
      if (fixed !== said) ghost.textContent = fixed;
    }).observe(ghost, { childList: true, characterData: true, subtree: true });
    input.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowRight") return;
      event.stopPropagation(); /* Material's check counts what it read, not what was typed */
      var raw = value.get.call(input);
      var said = ghost.textContent;
      if (input.selectionStart !== raw.length || said.length <= raw.length ||
          said.indexOf(raw) !== 0) return;
      value.set.call(input, said);
      search();
    });
  };

  var escape = function (text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  };
  var ask = function (query, limit, asTyped) {
    var url = api + "/search?q=" + encodeURIComponent(query) + "&limit=" + (limit || 8) +
      (lang ? "&lang=" + encodeURIComponent(lang) : "") + (asTyped ? "&as_typed=true" : "");
    return fetch(url, { credentials: "omit" }).then(function (r) {
      if (!r.ok && r.status >= 500) throw new Error("search API " + r.status);
      return r.json();
    });
  };
  var health = function () {
    var controller = "AbortController" in window ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, 1500);
    return fetch(api + "/health", { credentials: "omit", signal: controller && controller.signal })
      .then(function (r) { clearTimeout(timer); return r.ok; })
      .catch(function () { clearTimeout(timer); return false; });
  };
  var linkAttrs = function (hit, i) {
    return 'href="' + escape(root + hit.url) + '" data-kb-path="' +
      escape(hit.path) + '" data-kb-rank="' + (i + 1) + '"';
  };
  /* data-kb-own: Material's search must not replace these items (see takeOver);
   * data-md-score: Material's Enter key opens the item with the highest score. */
  var itemHtml = function (hit, i) {
    return '<li class="md-search-result__item" data-kb-own><a ' + linkAttrs(hit, i) +
      ' class="md-search-result__link" tabindex="-1">' +
      '<article class="md-search-result__article md-typeset" data-md-score="' +
      (Number(hit.score) || 0) + '"><h1>' + escape(hit.title) +
      "</h1><p>" + hit.snippet + "</p></article></a></li>";
  };

  /* The API stopped answering after the page loaded: the browser's search answers from
   * now on, as on static hosting. */
  var apiStopped = false;
  var fallBack = function () {
    if (apiStopped) return;
    apiStopped = true;
    browserSearch();
  };

  /* The results page: /search/?q=&lang= (one page for every language: the search box
   * links to it with the reader's language, so a Russian question is searched as Russian,
   * and the results carry that language for screen readers) */
  var page = document.getElementById("kb-search-page");
  var params = new URLSearchParams(location.search);
  var asked = page ? params.get("lang") || "" : "";
  var asTyped = !!page && params.get("as_typed") === "true"; /* "Search instead for" */
  if (/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(asked)) lang = asked;
  var inLang = function () { return lang ? "&lang=" + encodeURIComponent(lang) : ""; };
  var showPage = function (query, available) {
    if (!page) return;
    if (!query) { page.innerHTML = "<p>" + escape(t("type", "Type a question in the search box.")) + "</p>"; return; }
    if (!available) {
      page.innerHTML = "<p>" + escape(t("offline", "Showing the browser's search results.")) + "</p>";
      var input = document.querySelector('[data-md-component="search-query"]');
      if (input) { input.value = query; input.focus(); input.dispatchEvent(new KeyboardEvent("keyup")); }
      return;
    }
    /* Material opens its search dialog over any page with ?q= (its deep links): this page
     * answers the query itself, so close the dialog as Escape does. Closing also drops ?q=
     * from the address: put it back, so the page can still be shared and reloaded. */
    var toggle = document.querySelector('[data-md-toggle="search"]');
    if (toggle && toggle.checked) {
      var address = location.href;
      toggle.click();
      history.replaceState(history.state, "", address);
      document.querySelector('[data-md-component="search-query"]').blur();
    }
    if (lang && lang !== document.documentElement.lang) page.setAttribute("lang", lang);
    ask(query, 20, asTyped).then(function (answer) {
      var html = "";
      if (answer.corrected) {
        html += '<p class="kb-did-you-mean">' + escape(t("showing", "Showing results for")) +
          ": <strong>" + escape(answer.did_you_mean) + "</strong>. " +
          escape(t("instead", "Search instead for")) + ': <a href="?q=' +
          encodeURIComponent(query) + inLang() + '&as_typed=true">' + escape(query) + "</a></p>";
      } else if (answer.did_you_mean) {
        html += '<p class="kb-did-you-mean">' + escape(t("did_you_mean", "Did you mean")) +
          ': <a href="?q=' + encodeURIComponent(answer.did_you_mean) + inLang() + '">' +
          escape(answer.did_you_mean) + "</a>?</p>";
      }
      if (!answer.results || !answer.results.length) {
        html += '<p class="kb-no-answer">' + escape(t("none", "No article answers this yet.")) + "</p>";
      } else {
        html += '<ol class="kb-search-results" data-kb-query="' + escape(query) + '">' +
          answer.results.map(function (hit, i) {
            return "<li><a " + linkAttrs(hit, i) + "><strong>" + escape(hit.title) +
              "</strong></a><br><small>" + hit.snippet + "</small></li>";
          }).join("") + "</ol>";
      }
      page.innerHTML = html;
      announce("kb:search-results", { query: query, results: (answer.results || []).length,
                                      source: "page" });
    }).catch(function () { fallBack(); showPage(query, false); });
  };

  /* The header's search box */
  var takeOver = function () {
    var input = document.querySelector('[data-md-component="search-query"]');
    var list = document.querySelector(".md-search-result__list");
    var info = document.querySelector(".md-search-result__meta");
    if (!input || !list) return;
    /* Focus stays in the box while results change: a screen reader hears their number from
     * a status of kb's own (Material rewrites its meta line too, which would be read twice) */
    var status = document.createElement("p");
    status.className = "kb-visually-hidden";
    status.id = "kb-search-status";
    status.setAttribute("role", "status");
    list.parentNode.insertBefore(status, list);
    var tell = function (text) { if (info) info.innerHTML = text; status.textContent = info ? info.textContent : ""; };
    var timer = null;
    var latest = 0;
    var shown = null; /* what this script last listed, to put back if Material overwrites it */
    var render = function (then) {
      var query = input.value.trim();
      var ticket = ++latest;
      if (!query) { shown = null; list.innerHTML = ""; tell(escape(t("type", "Type to start searching"))); return; }
      ask(query, 8).then(function (answer) {
        if (ticket !== latest || apiStopped) return;
        var hits = answer.results || [];
        tell(hits.length
          ? escape(t("matching", "Matching articles")) + ": " + hits.length +
            (answer.corrected ? " · " + escape(t("showing", "Showing results for")) + ": " + escape(answer.did_you_mean) : "")
          : escape(t("none", "No article answers this yet.")) +
            (answer.did_you_mean ? " " + escape(t("did_you_mean", "Did you mean")) + ": " + escape(answer.did_you_mean) + "?" : ""));
        list.setAttribute("data-kb-query", query);
        list.innerHTML = hits.map(itemHtml).join("") +
          '<li class="md-search-result__item" data-kb-own><a class="md-search-result__link" href="' +
          escape(root + "search/?q=" + encodeURIComponent(query) + inLang()) +
          '"><article class="md-search-result__article" data-md-score="-1"><p>' +
          escape(t("all", "All results")) + " →</p></article></a></li>";
        shown = { query: query, html: list.innerHTML, info: info ? info.innerHTML : "" };
        announce("kb:search-results", { query: query, results: hits.length, source: "box" });
        if (then) then();
      }).catch(function () {
        shown = null; /* the list is Material's from now on */
        list.removeAttribute("data-kb-query");
        fallBack();
      });
    };
    var schedule = function () { clearTimeout(timer); timer = setTimeout(render, 150); };
    ["keyup", "input"].forEach(function (type) {
      document.addEventListener(type, function (event) {
        if (event.target !== input || apiStopped) return;
        event.stopImmediatePropagation(); /* Material's own search stays idle */
        if (type === "input" || !/^(Arrow|Enter|Escape|Tab)/.test(event.key || "")) schedule();
      }, true);
    });
    input.addEventListener("focus", function () {
      var before = input.value;
      /* show what the box holds; once the reader types, the debounce above renders */
      setTimeout(function () { if (input.value === before && !apiStopped) render(); }, 50);
    });
    /* Enter opens the best result (Material's keyboard handler does it): when the list
     * still shows an earlier query's results, answer what was typed first. */
    document.addEventListener("keydown", function (event) {
      if (event.target !== input || event.key !== "Enter" || apiStopped || !input.value.trim()) return;
      if (shown && shown.query === input.value.trim()) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      clearTimeout(timer);
      render(function () {
        var best = list.querySelector("a[data-kb-path]");
        if (best) best.click();
      });
    }, true);
    /* Material's search still answers once its worker is ready and when the box gains or
     * loses the focus (↓ moves it to the first result): put this script's results back, so
     * what the reader sees and clicks is the API's answer. Material's answer took the
     * focused result away with it: the same place in the list takes the focus back. */
    var focused = -1;
    list.addEventListener("focusin", function (event) {
      focused = Array.prototype.indexOf.call(list.querySelectorAll("a"), event.target);
    });
    /* this script's list is never empty ("All results" is always there): an empty list is
     * Material's answer that found nothing (as in Thai, whose words it cannot split here) */
    var ours = function () {
      return list.children.length && Array.prototype.every.call(list.children, function (item) {
        return item.hasAttribute("data-kb-own");
      });
    };
    new MutationObserver(function () {
      if (!shown || ours()) return;
      var lost = focused >= 0 && document.activeElement === document.body;
      list.innerHTML = shown.html;
      if (info) info.innerHTML = shown.info;
      var link = lost && list.querySelectorAll("a")[focused];
      if (link) link.focus();
    }).observe(list, { childList: true });
    document.documentElement.setAttribute("data-kb-search", "api");
    if (input.value.trim()) render(); /* typed before the API answered: replace the browser's results */
  };

  /* The contact page: articles that may answer, while the customer types */
  var suggestions = function () {
    var box = document.getElementById("kb-contact-question");
    var section = document.querySelector(".kb-contact__suggestions");
    if (!box || !section) return;
    var list = section.querySelector("ol");
    var status = document.getElementById("kb-contact-status");
    var told = function (n) {
      if (status) status.textContent = n ? (status.getAttribute("data-kb-format") || "{n}").replace("{n}", n) : "";
    };
    var timer = null;
    var latest = 0;
    var suggest = function () {
      var query = box.value.trim();
      var ticket = ++latest;
      if (query.length < 2) { section.hidden = true; list.innerHTML = ""; told(0); return; }
      ask(query, 5).then(function (answer) {
        if (ticket !== latest) return;
        var hits = answer.results || [];
        list.setAttribute("data-kb-query", query);
        list.innerHTML = hits.map(function (hit, i) {
          return "<li><a " + linkAttrs(hit, i) + ">" + escape(hit.title) + "</a>" +
            (hit.snippet ? "<br><small>" + hit.snippet + "</small>" : "") + "</li>";
        }).join("");
        section.hidden = !hits.length;
        told(hits.length);
        announce("kb:suggestions", { query: query, results: hits.length });
      }).catch(function () { /* keep what is shown */ });
    };
    box.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(suggest, 300); });
    if (box.value.trim()) suggest(); /* typed before the API answered */
  };

  var start = function () {
    if (!api) { browserSearch(); return; }
    var query = new URLSearchParams(location.search).get("q") || "";
    health().then(function (available) {
      document.documentElement.setAttribute("data-kb-api", available ? "up" : "down");
      if (available) { takeOver(); suggestions(); }
      else browserSearch();
      showPage(query, available);
      announce("kb:api", { available: available });
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
