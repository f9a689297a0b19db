// Draws the network map from the page's JSON block and keeps the map, the filters, the search, the
// organisation panel and the list beside the map in step. A fixed file: the CSP forbids inline scripts,
// and nothing here is built from the directory's text (names reach the page as escaped HTML or as data).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("relais-map-data").textContent);
  var words = data.words || {};
  var entries = {};
  Array.prototype.forEach.call(document.querySelectorAll("#org-list > li[data-id]"), function (li) {
    entries[li.dataset.id] = li;
  });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var shown = {};
  var nodeView = new vis.DataView(nodes, {filter: function (n) { return shown[n.id] === true; }});
  var edgeView = new vis.DataView(edges, {filter: edgeShown});
  Object.keys(entries).forEach(function (id) { shown[id] = true; });
  var network = new vis.Network(document.getElementById("map"), {}, data.options);
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({physics: false});
    network.storePositions();  // a node filtered out and back comes back where it was
    network.fit();
    window.relaisMapReady = true;  // the layout is still: the browser tests wait for it before a screenshot
  });
  network.setData({nodes: nodeView, edges: edgeView});  // after the listener: stabilising may end at once
  window.relaisNetwork = network;  // for the browser tests and the curious: the map is data, not code

  function value(id) {
    var field = document.getElementById(id);
    return field ? field.value : "";
  }

  function kindsChosen() {
    var chosen = {};
    Array.prototype.forEach.call(document.querySelectorAll("input[name=kind]"), function (box) {
      chosen[box.value] = box.checked;
    });
    return chosen;
  }

  function edgeShown(e) {
    if (!shown[e.from] || !shown[e.to]) { return false; }
    if (!e.kinds) { return true; }
    var chosen = kindsChosen();
    return e.kinds.some(function (k) { return chosen[k] !== false; });
  }

  function matches(li, filters) {
    return (!filters.division || li.dataset.division === filters.division) &&
      (!filters.sector || li.dataset.sector === filters.sector) &&
      (!filters.type || li.dataset.type === filters.type);
  }

  function applyFilters() {
    var filters = {division: value("f-division"), sector: value("f-sector"), type: value("f-type")};
    var chosen = kindsChosen();
    var count = 0;
    Object.keys(entries).forEach(function (id) {
      var li = entries[id];
      shown[id] = matches(li, filters);
      li.hidden = !shown[id];
      if (shown[id]) { count += 1; }
      Array.prototype.forEach.call(li.querySelectorAll("[data-kind]"), function (row) {
        row.hidden = chosen[row.dataset.kind] === false;
      });
    });
    nodeView.refresh();
    edgeView.refresh();
    var status = document.getElementById("shown");
    if (status) { status.textContent = (words.shown || "{n}").replace("{n}", String(count)); }
  }

  function closePanel() {
    var panel = document.getElementById("org-panel");
    panel.hidden = true;
    network.unselectAll();
  }

  function openPanel(id, moveFocus) {
    var li = entries[id];
    var panel = document.getElementById("org-panel");
    if (!li || !panel) { return; }
    var body = panel.querySelector(".panel-body");
    var copy = li.cloneNode(true);
    copy.removeAttribute("id");
    body.replaceChildren.apply(body, Array.prototype.slice.call(copy.childNodes));
    Array.prototype.forEach.call(body.querySelectorAll("[id]"), function (e) { e.removeAttribute("id"); });
    panel.hidden = false;
    if (moveFocus) { panel.querySelector("h2").focus(); }
  }

  function focusOrganisation(id, moveFocus) {
    if (!entries[id]) { return; }
    if (!shown[id]) {  // a hidden organisation: clear the filters that hide it
      ["f-division", "f-sector", "f-type"].forEach(function (f) {
        var field = document.getElementById(f);
        if (field) { field.value = ""; }
      });
      applyFilters();
    }
    var around = network.getConnectedNodes(id).filter(function (n) { return shown[n]; });
    network.selectNodes([id], true);
    network.fit({nodes: [id].concat(around), animation: {duration: 400}});
    openPanel(id, moveFocus);
  }

  function folded(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function search(event) {
    event.preventDefault();
    var wanted = folded(value("q").trim());
    var status = document.getElementById("search-status");
    var ids = Object.keys(entries);
    var found = wanted && (ids.find(function (id) { return folded(entries[id].dataset.name) === wanted; }) ||
      ids.find(function (id) { return folded(entries[id].dataset.name).indexOf(wanted) !== -1; }));
    if (!found) {
      status.textContent = wanted ? (words.none || "").replace("{q}", value("q").trim()) : "";
      return;
    }
    status.textContent = "";
    focusOrganisation(found, true);
  }

  document.getElementById("map-filters").addEventListener("change", applyFilters);
  document.getElementById("map-search").addEventListener("submit", search);
  document.getElementById("panel-close").addEventListener("click", closePanel);
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-focus]") : null;
    if (button) { focusOrganisation(button.dataset.focus, true); }
  });
  network.on("click", function (params) {
    if (params.nodes.length && entries[params.nodes[0]]) { openPanel(params.nodes[0], false); }
  });
  applyFilters();
})();
