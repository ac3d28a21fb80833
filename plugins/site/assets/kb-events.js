/* kb: what a customer does on the help site, sent to kb's events API
 * (POST {kb-search-api}/events, the contract in deflection/events.py): article views,
 * settled searches, result clicks, "Was this helpful?" votes, contact-support and
 * suggested-article clicks.
 *
 * Loaded by partials/integrations/analytics/custom.html, i.e. only with
 * `extra.analytics.provider: custom` (and, with `extra.consent`, once the reader
 * agrees). No cookies and nothing in localStorage: the server derives a daily visitor
 * key. Without an API address, or when the API does not answer, nothing is sent and
 * the feedback form stays hidden (an API slower than kb-search.js waits for is asked
 * again, patiently). kb-search.js tells this script, through DOM events,
 * whether the API answers and which results it rendered (see the top of that file).
 *
 * Material adds this script from the <head>, async: it may run before the rest of the
 * head (the API's address, the article: meta tags) and the article (the feedback
 * widget) are parsed. It starts once they are; reading them at once, it now and then
 * found no widget on a busy machine, and the widget stayed hidden. */
(function (run) {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})(function () {
  "use strict";
  if (window.__kbEvents) return; /* loaded twice: count everything once */
  window.__kbEvents = true;

  var meta = function (name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") || "" : "";
  };
  var api = meta("kb-search-api").replace(/\/+$/, "");
  if (!api) return;
  var endpoint = api + "/events";
  var lang = meta("kb-lang") || document.documentElement.lang || "";
  if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(lang)) lang = ""; /* the API refuses others */
  var article = meta("kb-article");
  var SETTLE_MS = 1000; /* a search counts once the reader stopped typing this long */
  var BATCH = 20;       /* events per request; the API takes up to 50 and 16 KiB */
  var RETRIES = 3;

  /* Text as the API accepts it: no NUL, well-formed, at most `max` characters. */
  var clip = function (text, max) {
    text = String(text || "").replace(/\u0000/g, "").trim();
    if (text.toWellFormed) text = text.toWellFormed();
    var chars = Array.from(text);
    return chars.length > max ? chars.slice(0, max).join("").trim() : text;
  };

  var uuid = function () {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    /* randomUUID exists only on https and localhost; build the same version 4 by hand */
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  };

  /* Sending. `available` is null until kb-search.js (or our own check) knows whether
   * the API answers; events wait in `queue` until then. */
  var available = null;
  var queue = [];
  var scheduled = false;

  var post = function (batch, attempt) {
    var body = JSON.stringify({ events: batch });
    if (attempt === 0 && navigator.sendBeacon) {
      try {
        if (navigator.sendBeacon(endpoint, body)) return; /* a string goes as text/plain */
      } catch (e) { /* fall back to fetch */ }
    }
    if (!window.fetch) return;
    fetch(endpoint, { method: "POST", body: body, keepalive: true, credentials: "omit",
                      headers: { "Content-Type": "text/plain;charset=UTF-8" } })
      .then(function (r) {
        if (r.status === 429 || r.status >= 500) retry(batch, attempt, r.headers.get("Retry-After"));
      })
      .catch(function () { retry(batch, attempt, null); });
  };
  /* The same events, with the same ids: the API stores each id once. */
  var retry = function (batch, attempt, after) {
    if (attempt >= RETRIES) return;
    var wait = after && !isNaN(after) ? Number(after) * 1000 : 1000 * Math.pow(2, attempt);
    setTimeout(function () { post(batch, attempt + 1); }, Math.min(wait, 30000));
  };
  var flush = function (force) {
    scheduled = false;
    if (available === false) { queue = []; return; }
    if (available === null && !force) return;
    while (queue.length) post(queue.splice(0, BATCH), 0);
  };
  /* Events recorded in one task go out in one request, in order. */
  var record = function (type, fields) {
    if (available === false) return;
    var event = { id: uuid(), type: type };
    if (lang) event.lang = lang;
    Object.keys(fields || {}).forEach(function (key) {
      var value = fields[key];
      if (value !== undefined && value !== null && value !== "") event[key] = value;
    });
    queue.push(event);
    if (!scheduled) { scheduled = true; Promise.resolve().then(function () { flush(false); }); }
  };

  /* The header's search box: one `search` per settled query, never per keystroke. */
  var QUERY_BOX = '[data-md-component="search-query"]';
  var search = { pending: null, timer: null, last: null, onEnter: false };
  var typed = function () {
    var box = document.querySelector(QUERY_BOX);
    return box ? box.value.trim() : null;
  };
  /* `clicked`: a result of the pending query was opened, so it counts even if the
   * reader has typed on since; otherwise only results of what the box holds count. */
  var settle = function (clicked) {
    clearTimeout(search.timer);
    var done = search.pending;
    search.pending = null;
    search.onEnter = false;
    if (!done || done.query === search.last) return;
    if (!clicked && typed() !== null && typed() !== done.query) return;
    search.last = done.query;
    record("search", { query: clip(done.query, 200), results: done.results });
  };
  document.addEventListener("kb:search-results", function (event) {
    var d = event.detail || {};
    if (d.source !== "box" || !d.query) return;
    search.pending = { query: d.query, results: d.results || 0 };
    clearTimeout(search.timer);
    if (search.onEnter && typed() === d.query) settle(false);
    else search.timer = setTimeout(function () { settle(false); }, SETTLE_MS);
  });
  /* window, capturing: kb-search.js stops these events at the document */
  window.addEventListener("input", function (event) {
    if (!event.target.matches || !event.target.matches(QUERY_BOX)) return;
    clearTimeout(search.timer); /* still typing: wait for the results of what is typed */
    search.onEnter = false;
    if (!event.target.value.trim()) search.pending = null;
  }, true);
  window.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches || !event.target.matches(QUERY_BOX)) return;
    if (search.pending && search.pending.query === event.target.value.trim()) settle(false);
    else search.onEnter = true; /* settle as soon as this query's results are shown */
  }, true);

  /* Clicks on results, suggestions and the contact button. Capturing, so the event is
   * queued before the browser follows the link; sendBeacon outlives the page. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link) return;
    var list = link.closest("[data-kb-query]");
    if (list && link.hasAttribute("data-kb-path")) {
      var fields = { query: clip(list.getAttribute("data-kb-query"), 200),
                     path: clip(link.getAttribute("data-kb-path"), 300),
                     rank: Number(link.getAttribute("data-kb-rank")) || 1 };
      if (link.closest(".kb-contact")) {
        record("suggestion_click", fields);
      } else {
        if (link.closest(".md-search-result__list")) settle(true);
        record("result_click", fields);
      }
    } else if (link.closest(".md-search-result__list")) {
      settle(true); /* "All results →" */
    } else if (link.hasAttribute("data-kb-contact")) {
      var question = document.getElementById("kb-contact-question");
      record("contact_click", { query: clip(question ? question.value : "", 200) });
    } else {
      return;
    }
    flush(true);
  }, true);

  /* An article's view, once it is actually shown (not while prerendered in the background).
   * Going back or forward to a page the browser kept in its back/forward cache runs no
   * script again (the page keeps its state): that return is a view too, as analytics
   * tools count it (`pageshow` with `persisted`), and, restored hidden, counts once shown.
   * Only the view: the feedback widget keeps its state, so a vote is never made twice. */
  var viewed = false;
  var view = function () {
    if (viewed || !article || document.visibilityState === "hidden") return;
    viewed = true;
    record("view", { path: clip(article, 300) });
  };
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    viewed = false;
    view();
  });

  /* "Was this helpful?": one vote per article and page load
   * (a page restored from the back/forward cache keeps it). "No" counts when the reader
   * sends the form, or leaves the page without sending it: then with the reason picked,
   * if any, never the unsent comment (what they wrote stays theirs until they send it). */
  var widget = document.querySelector("[data-kb-feedback]");
  var leaving = [];
  var feedback = function () {
    if (!widget || !article) return;
    var form = widget.querySelector("form");
    var why = widget.querySelector(".kb-feedback__why");
    var thanks = widget.querySelector(".kb-feedback__thanks");
    var comment = widget.querySelector(".kb-feedback__comment");
    var count = widget.querySelector(".kb-feedback__count");
    var yes = widget.querySelector('[data-kb-vote="yes"]');
    var no = widget.querySelector('[data-kb-vote="no"]');
    var saidNo = false;
    var voted = false;
    var vote = function (helpful, fields) {
      if (voted) return;
      voted = true;
      record("vote", Object.assign({ path: clip(article, 300), helpful: helpful }, fields));
      flush(true);
      form.hidden = true;
      thanks.textContent = thanks.getAttribute(helpful ? "data-kb-thanks-yes" : "data-kb-thanks-no");
      thanks.focus();
    };
    var counted = function () {
      var format = count.getAttribute("data-kb-format") || "{n} / {max}";
      count.textContent = format.replace("{n}", comment.value.length).replace("{max}", comment.maxLength);
    };
    yes.addEventListener("click", function () { vote(true, {}); });
    no.addEventListener("click", function () {
      saidNo = true;
      no.setAttribute("aria-expanded", "true");
      no.classList.add("kb-feedback__vote--chosen");
      why.hidden = false;
    });
    comment.addEventListener("input", counted);
    var reason = function () {
      var picked = form.querySelector('input[name="reason"]:checked');
      return picked ? picked.value : undefined;
    };
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      vote(false, { reason: reason(), comment: clip(comment.value, 2000) || undefined });
    });
    leaving.push(function () { if (saidNo) vote(false, { reason: reason() }); });
    counted();
    widget.hidden = false;
  };

  window.addEventListener("pagehide", function () {
    settle(false);
    leaving.forEach(function (leave) { leave(); });
    flush(true);
  });

  var ready = function (answers) {
    if (available !== null) return;
    available = !!answers;
    if (!available) { queue = []; return; }
    feedback();
    flush(false);
  };

  /* Ask the API ourselves, without kb-search.js's 1.5 s limit: that one picks the
   * search quickly, but an API that answers slowly (a busy server, a cold start) still
   * takes votes and events. Nothing is sent until it answers; an error is "down". */
  var asked = false;
  var ask = function () {
    if (asked || available !== null) return;
    asked = true;
    fetch(api + "/health", { credentials: "omit" })
      .then(function (r) { ready(r.ok); })
      .catch(function () { ready(false); });
  };
  var heard = function (up) { if (up) ready(true); else ask(); };

  var start = function () {
    view();
    document.addEventListener("visibilitychange", view);
    var known = document.documentElement.getAttribute("data-kb-api");
    if (known) { heard(known === "up"); return; }
    document.addEventListener("kb:api", function (event) { heard(event.detail && event.detail.available); });
    setTimeout(ask, 4000); /* kb-search.js answers within ~2 s; without it, ask ourselves */
  };
  start();
});
