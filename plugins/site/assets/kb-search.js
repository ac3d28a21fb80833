/* kb: the site's search box answers from kb's search API when it is reachable,
 * and stays Material's built-in (browser) search when it is not. */
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
  if (!api) return;

  var escape = function (text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  };
  var ask = function (query, limit) {
    var url = api + "/search?q=" + encodeURIComponent(query) + "&limit=" + (limit || 8) +
      (lang ? "&lang=" + encodeURIComponent(lang) : "");
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
  var itemHtml = function (hit) {
    return '<li class="md-search-result__item"><a href="' + escape(root + hit.url) +
      '" class="md-search-result__link" tabindex="-1" data-kb-path="' + escape(hit.path) + '">' +
      '<article class="md-search-result__article md-typeset"><h1>' + escape(hit.title) +
      "</h1><p>" + hit.snippet + "</p></article></a></li>";
  };

  /* The results page: /search/?q= */
  var page = document.getElementById("kb-search-page");
  var showPage = function (query, available) {
    if (!page) return;
    if (!query) { page.innerHTML = "<p>" + escape(t("type", "Type a question in the search box.")) + "</p>"; return; }
    if (!available) {
      page.innerHTML = "<p>" + escape(t("offline", "Showing the browser's search results.")) + "</p>";
      var input = document.querySelector('[data-md-component="search-query"]');
      if (input) { input.value = query; input.focus(); input.dispatchEvent(new KeyboardEvent("keyup")); }
      return;
    }
    ask(query, 20).then(function (answer) {
      var html = "";
      if (answer.did_you_mean) {
        html += '<p class="kb-did-you-mean">' + escape(t("did_you_mean", "Did you mean")) +
          ': <a href="?q=' + encodeURIComponent(answer.did_you_mean) + '">' +
          escape(answer.did_you_mean) + "</a>?</p>";
      }
      if (!answer.results || !answer.results.length) {
        html += '<p class="kb-no-answer">' + escape(t("none", "No article answers this yet.")) + "</p>";
      } else {
        html += '<ol class="kb-search-results">' + answer.results.map(function (hit) {
          return '<li><a href="' + escape(root + hit.url) + '" data-kb-path="' + escape(hit.path) +
            '"><strong>' + escape(hit.title) + "</strong></a><br><small>" + hit.snippet + "</small></li>";
        }).join("") + "</ol>";
      }
      page.innerHTML = html;
    });
  };

  /* The header's search box */
  var takeOver = function () {
    var input = document.querySelector('[data-md-component="search-query"]');
    var list = document.querySelector(".md-search-result__list");
    var info = document.querySelector(".md-search-result__meta");
    if (!input || !list) return;
    var timer = null;
    var latest = 0;
    var render = function () {
      var query = input.value.trim();
      var ticket = ++latest;
      if (!query) { list.innerHTML = ""; if (info) info.textContent = t("type", "Type to start searching"); return; }
      ask(query, 8).then(function (answer) {
        if (ticket !== latest) return;
        var hits = answer.results || [];
        if (info) {
          info.innerHTML = hits.length
            ? escape(t("matching", "Matching articles")) + ": " + hits.length
            : escape(t("none", "No article answers this yet.")) +
              (answer.did_you_mean ? " " + escape(t("did_you_mean", "Did you mean")) + ": " + escape(answer.did_you_mean) + "?" : "");
        }
        list.innerHTML = hits.map(itemHtml).join("") +
          '<li class="md-search-result__item"><a class="md-search-result__link" href="' +
          escape(root + "search/?q=" + encodeURIComponent(query)) + '"><article class="md-search-result__article"><p>' +
          escape(t("all", "All results")) + " →</p></article></a></li>";
      }).catch(function () { /* keep what is shown */ });
    };
    var schedule = function () { clearTimeout(timer); timer = setTimeout(render, 150); };
    ["keyup", "input"].forEach(function (type) {
      document.addEventListener(type, function (event) {
        if (event.target !== input) return;
        event.stopImmediatePropagation(); /* Material's own search stays idle */
        if (type === "input" || !/^(Arrow|Enter|Escape|Tab)/.test(event.key || "")) schedule();
      }, true);
    });
    input.addEventListener("focus", function () { setTimeout(render, 50); });
    document.documentElement.setAttribute("data-kb-search", "api");
    if (input.value.trim()) render(); /* typed before the API answered: replace the browser's results */
  };

  var start = function () {
    var query = new URLSearchParams(location.search).get("q") || "";
    health().then(function (available) {
      if (available) takeOver();
      else document.documentElement.setAttribute("data-kb-search", "browser");
      showPage(query, available);
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
