// Browser script of the local Pitchly's workspace page (served as its own file so the page's CSP needs no inline script).
// Plain ES2017 with no template literals, since it lives in a string; it reads everything it needs from the DOM.

export const WORKSPACE_SCRIPT = `"use strict";
(function () {
  var body = document.body;
  var pluginOrigin = body.getAttribute("data-plugin-origin");
  var frame = document.getElementById("plugin-frame");
  var panel = document.getElementById("plugin-panel");
  var focusButton = document.getElementById("toggle-focus");
  var statusText = document.getElementById("status");
  var logList = document.getElementById("log");
  var ORDER = ["workspace", "person", "table", "activeCell", "focus"];
  var state = {
    workspace: { workspaceId: body.getAttribute("data-workspace-id") },
    person: { personId: body.getAttribute("data-person-id") },
    table: null,
    activeCell: null,
    focus: { isFocused: true }
  };
  var ready = false;

  function log(direction, type, data) {
    var item = document.createElement("li");
    item.setAttribute("data-direction", direction === "\\u2192" ? "out" : "in");
    item.setAttribute("data-type", type);
    item.textContent = direction + " " + type + (data ? " " + JSON.stringify(data) : "");
    logList.insertBefore(item, logList.firstChild);
    while (logList.children.length > 50) logList.removeChild(logList.lastElementChild);
  }

  // Before "ready" nothing is sent; after it, the browser itself drops a message while the frame shows
  // another origin (the consent page), because every message names the plugin's origin as its target.
  function post(type) {
    if (!ready || !state[type] || !frame.contentWindow) return;
    frame.contentWindow.postMessage({ type: type, data: state[type] }, pluginOrigin);
    log("\\u2192", type, state[type]);
  }

  function selectCell(button, send) {
    var previous = document.querySelector("button.cell.active");
    if (previous) {
      previous.classList.remove("active");
      previous.setAttribute("aria-pressed", "false");
    }
    button.classList.add("active");
    button.setAttribute("aria-pressed", "true");
    state.activeCell = { fieldId: button.getAttribute("data-field-id"), recordId: button.getAttribute("data-record-id") };
    body.setAttribute("data-active-record", state.activeCell.recordId);
    if (send) post("activeCell");
  }

  function selectTable(tableId, send) {
    var grids = document.querySelectorAll("table.grid");
    for (var i = 0; i < grids.length; i++) grids[i].hidden = grids[i].getAttribute("data-table-id") !== tableId;
    var tabs = document.querySelectorAll("button.table-tab");
    for (var j = 0; j < tabs.length; j++) {
      tabs[j].setAttribute("aria-pressed", String(tabs[j].getAttribute("data-table-id") === tableId));
    }
    state.table = { tableId: tableId };
    body.setAttribute("data-active-table", tableId);
    var first = document.querySelector('table.grid[data-table-id="' + tableId + '"] button.cell');
    if (first) selectCell(first, false);
    if (send) {
      post("table");
      post("activeCell");
    }
  }

  function toggleFocus() {
    var isFocused = !state.focus.isFocused;
    state.focus = { isFocused: isFocused };
    panel.classList.toggle("collapsed", !isFocused);
    focusButton.textContent = isFocused ? "Hide plugin" : "Show plugin";
    post("focus");
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("button") : null;
    if (!target) return;
    if (target.classList.contains("table-tab")) selectTable(target.getAttribute("data-table-id"), true);
    else if (target.classList.contains("cell")) selectCell(target, true);
    else if (target === focusButton) toggleFocus();
  });

  window.addEventListener("message", function (event) {
    // Pitchly's side of the check the plugin makes: only the framed plugin, speaking from its own origin.
    if (event.source !== frame.contentWindow || event.origin !== pluginOrigin) return;
    var message = event.data;
    if (!message || typeof message !== "object" || typeof message.type !== "string") return;
    log("\\u2190", message.type, message.data);
    if (message.type !== "ready") return;
    ready = true;
    body.setAttribute("data-ready", "true");
    statusText.textContent = "Plugin ready: state sent to " + pluginOrigin;
    ORDER.forEach(post);
  });

  var firstTab = document.querySelector("button.table-tab");
  if (firstTab) selectTable(firstTab.getAttribute("data-table-id"), false);
})();
`;
