// tabs.js: the phone's three areas (Abstimmung · Fragen · Applaus & Stimmung) as WAI-ARIA tabs.
// Without this script the page shows a list of in-page links and the three panels one below
// the other; with it, one panel at a time (roles, aria-selected, roving tabindex, arrow keys,
// Home/End; automatic activation). No user-visible strings here: the badge's word and the
// announcement are in templates/participant.html, translated.
//
// - The choice survives pushes (the socket swaps regions inside the panels, never a panel or
//   the tab bar) and a reload (sessionStorage, per room page). A link to something inside a
//   panel (#qa-title after sorting, a shared #panel-qa) shows that panel.
// - Something new in a panel that is not shown (a poll opened, a question appeared in the
//   public list) puts a badge on its tab ("neu": text, not colour alone) and says so once in
//   the polite live region #tab-news; showing the tab clears both.
(function () {
  "use strict";

  var nav, tabs = [], panels = {}, seen = {}, news = null;
  // Per room page: another room starts on its first tab.
  var storageKey = "live-tab:" + location.pathname + ":" + (new URLSearchParams(location.search).get("room") || "");

  function remember(key) {
    try { sessionStorage.setItem(storageKey, key); } catch (e) { /* private mode: no memory */ }
  }

  function remembered() {
    try { return sessionStorage.getItem(storageKey); } catch (e) { return null; }
  }

  function keyOf(tab) { return tab.getAttribute("data-tab"); }

  function selected() {
    for (var i = 0; i < tabs.length; i++) {
      if (tabs[i].getAttribute("aria-selected") === "true") return keyOf(tabs[i]);
    }
    return null;
  }

  function badge(tab) { return tab.querySelector(".tab-badge"); }

  function clearNews(tab) {
    var b = badge(tab);
    if (b) b.hidden = true;
    if (news && news.getAttribute("data-from") === keyOf(tab)) {
      news.textContent = "";
      news.removeAttribute("data-from");
    }
  }

  // A panel's own script (data-script: the applause engine, a sixth of what a phone would load
  // first) loads when the panel is first shown; without working tabs, at once.
  function loadScriptOf(el) {
    var src = el && el.getAttribute("data-script");
    if (!src || el.getAttribute("data-script-loaded")) return;
    el.setAttribute("data-script-loaded", "true");
    var script = document.createElement("script");
    script.src = src;
    document.head.appendChild(script);
  }

  function loadAllScripts() {
    var all = document.querySelectorAll("[data-script]");
    for (var i = 0; i < all.length; i++) loadScriptOf(all[i]);
  }

  function select(key, focus) {
    if (!panels[key]) return;
    for (var i = 0; i < tabs.length; i++) {
      var tab = tabs[i], on = keyOf(tab) === key;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      panels[keyOf(tab)].hidden = !on;
      if (on) {
        clearNews(tab);
        loadScriptOf(panels[key]);
        if (focus) tab.focus();
      }
    }
    remember(key);
  }

  // ---- what is in a panel, to notice what is new ---------------------------------------
  // Open polls: a poll card that holds a form (its vote form); questions: the public list.
  function currentIds(key) {
    var ids = [], nodes, i;
    if (key === "polls") {
      nodes = panels.polls.querySelectorAll("article[id^='poll-']");
      for (i = 0; i < nodes.length; i++) if (nodes[i].querySelector("form")) ids.push(nodes[i].id);
    } else if (key === "qa") {
      nodes = panels.qa.querySelectorAll("#qa-list li[id^='q-']");
      for (i = 0; i < nodes.length; i++) ids.push(nodes[i].id);
    }
    return ids;
  }

  function look(announce) {
    var shown = selected();
    for (var i = 0; i < tabs.length; i++) {
      var key = keyOf(tabs[i]);
      if (!badge(tabs[i])) continue;
      var known = seen[key] || (seen[key] = {});
      var ids = currentIds(key), fresh = false;
      for (var j = 0; j < ids.length; j++) {
        if (!known[ids[j]]) { known[ids[j]] = true; fresh = true; }
      }
      if (fresh && announce && key !== shown) {
        var b = badge(tabs[i]);
        if (b.hidden) {
          b.hidden = false;
          if (news) {
            news.textContent = tabs[i].getAttribute("data-news") || "";
            news.setAttribute("data-from", key);
          }
        }
      }
    }
  }

  // ---- keyboard: arrows move and select, Home/End jump --------------------------------
  function onKey(evt) {
    var index = tabs.indexOf(evt.currentTarget), next = null;
    if (evt.key === "ArrowRight" || evt.key === "ArrowDown") next = (index + 1) % tabs.length;
    else if (evt.key === "ArrowLeft" || evt.key === "ArrowUp") next = (index - 1 + tabs.length) % tabs.length;
    else if (evt.key === "Home") next = 0;
    else if (evt.key === "End") next = tabs.length - 1;
    else if (evt.key === " ") next = index; // a link would scroll the page instead
    if (next === null) return;
    evt.preventDefault();
    select(keyOf(tabs[next]), true);
  }

  function onClick(evt) {
    evt.preventDefault(); // no jump, no hash: the choice is kept in sessionStorage
    select(keyOf(evt.currentTarget), false);
  }

  // The panel that holds the element a fragment link points at, if any.
  function panelOfHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id ? document.getElementById(id) : null;
    var panel = target && target.closest ? target.closest("[data-panel]") : null;
    return panel ? panel.getAttribute("data-panel") : null;
  }

  function init() {
    nav = document.querySelector("[data-tabs]");
    if (!nav) return loadAllScripts();
    var list = nav.querySelector("ul");
    var links = nav.querySelectorAll("a[data-tab]");
    for (var i = 0; i < links.length; i++) {
      var panel = document.getElementById("panel-" + keyOf(links[i]));
      if (!panel) return loadAllScripts(); // half a tab set is worse than none: the plain page
      panels[keyOf(links[i])] = panel;
      tabs.push(links[i]);
    }
    news = document.getElementById("tab-news");
    list.setAttribute("role", "tablist");
    list.setAttribute("aria-label", nav.getAttribute("aria-label") || "");
    for (var j = 0; j < tabs.length; j++) {
      var tab = tabs[j];
      tab.parentNode.setAttribute("role", "presentation");
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", "panel-" + keyOf(tab));
      panels[keyOf(tab)].setAttribute("role", "tabpanel");
      panels[keyOf(tab)].setAttribute("aria-labelledby", tab.id);
      tab.addEventListener("click", onClick);
      tab.addEventListener("keydown", onKey);
    }
    nav.classList.add("tabs-ready");
    var start = panelOfHash() || remembered();
    select(panels[start] ? start : keyOf(tabs[0]), false);
    look(false);
  }

  window.addEventListener("hashchange", function () {
    var key = panelOfHash();
    if (key && key !== selected()) {
      select(key, false);
      var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (target) target.scrollIntoView();
    }
  });
  document.addEventListener("htmx:wsAfterMessage", function () { if (tabs.length) look(true); });
  document.addEventListener("htmx:afterSettle", function () { if (tabs.length) look(true); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
