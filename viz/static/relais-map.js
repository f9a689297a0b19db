// Draws the network map from the page's JSON block, builds the list beside it (the same facts, for the
// keyboard and screen readers) and keeps the map, the filters, the search, the organisation panel and the
// list in step. A fixed file: the CSP forbids inline scripts, and the directory's text only ever reaches
// the page as DOM text (textContent, attributes), never as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("relais-map-data").textContent);
  var words = data.words || {};
  var kinds = data.kinds || [];
  var lang = document.documentElement.lang || "fr";
  var list = document.getElementById("org-list");
  var entries = {};
  var shown = {};

  function el(tag, attributes, text) {
    var e = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (a) { e.setAttribute(a, attributes[a]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function optionWords(select, code) {  // the filters name each code on the map in words: the list reuses them
    var field = document.getElementById(select);
    var option = field && code ? Array.prototype.find.call(field.options, function (o) { return o.value === code; }) : null;
    return option ? option.textContent : "—";
  }

  function line(kind) {
    var span = el("span", {"class": kind.dashes ? "line dashed" : "line", "aria-hidden": "true"});
    span.style.borderTopColor = kind.color;
    return span;
  }

  function visNode(n) {  // the colour follows from the sector, a marked organisation is bordered in red
    var colour = (data.sectors || {})[n.sector] || "#999";
    return Object.assign({}, n, {
      title: n.title ? n.label + "\n" + n.title : n.label,
      value: n.value || 1,
      color: n.mark ? {background: colour, border: "#d7191c"} : colour,
      borderWidth: n.mark ? 4 : 1
    });
  }

  function visEdge(link) {  // [a, b, kind…] → a vis edge styled by its first kind, its tooltip naming every kind
    var ks = link.slice(2).map(function (k) { return kinds[k]; });
    var first = ks[0] || {color: "#999999", dashes: true};
    return {
      from: data.nodes[link[0]].id, to: data.nodes[link[1]].id,
      kinds: ks.map(function (k) { return k.id; }),
      color: {color: first.color, highlight: first.color, hover: first.color},
      dashes: first.dashes, width: 2,
      title: ks.map(function (k) { return k.words; }).join(", ")
    };
  }

  var count = data.nodes.length;
  var drawn = data.aggregated ? data.edges : data.edges.filter(function (l) { return l[0] < count && l[1] < count; }).map(visEdge);
  var nodes = new vis.DataSet(data.nodes.map(visNode));
  var edges = new vis.DataSet(drawn);

  function partnersOf() {  // index → kind index → partner indices, both ways, from the links
    var found = {};
    if (data.aggregated) { return found; }
    data.edges.forEach(function (link) {
      link.slice(2).forEach(function (k) {
        [[link[0], link[1]], [link[1], link[0]]].forEach(function (p) {
          var mine = found[p[0]] = found[p[0]] || {};
          (mine[k] = mine[k] || []).push(p[1]);
        });
      });
    });
    return found;
  }

  function nameOf(i) { return i < count ? data.nodes[i].label : data.outside[i - count]; }

  function byName(a, b) { return folded(nameOf(a)).localeCompare(folded(nameOf(b))); }

  function partnersList(mine) {  // by link kind; a partner on the map is a button that focuses it
    if (!mine) { return el("p", {}, words.no_partner); }
    var dl = el("dl");
    kinds.forEach(function (kind, k) {
      if (!mine[k]) { return; }
      var row = el("div", {"data-kind": kind.id});
      var dt = el("dt");
      dt.append(line(kind), " " + kind.words);
      var ul = el("ul");
      mine[k].sort(byName).forEach(function (p) {
        var li = el("li");
        li.append(p < count ? el("button", {type: "button", "class": "link", "data-focus": data.nodes[p].id}, nameOf(p))
          : nameOf(p));
        ul.append(li);
      });
      var dd = el("dd");
      dd.append(ul);
      row.append(dt, dd);
      dl.append(row);
    });
    return dl;
  }

  function pages(id) {  // the organisation's record and its links, in the page's language
    var query = new URLSearchParams({organisation: id, lang: lang}).toString();
    var p = el("p");
    p.append(el("a", {href: "/organisation?" + query}, words.record), " · ",
      el("a", {href: "/coordination/links?" + query}, words.manage_links));
    return p;
  }

  function entry(n, mine) {  // one organisation (or group of an aggregated map) of the list
    var li = el("li", {id: "org-" + n.id, "data-id": n.id, "data-name": n.label, "data-division": n.division || "",
      "data-sector": n.sector || "", "data-type": n.type || ""});
    var facts = [data.aggregated ? n.title : optionWords("f-type", n.type), optionWords("f-division", n.division),
      optionWords("f-sector", n.sector)];
    if (n.mark) { facts.push((data.marks || {})[n.mark] || ""); }
    var show = el("p");
    show.append(el("button", {type: "button", "class": "link", "data-focus": n.id}, words.show_on_map));
    li.append(el("h3", {}, n.label), el("p", {"class": "facts"}, facts.join(" · ")), show);
    if (!data.aggregated) { li.append(partnersList(mine), pages(n.id)); }
    return li;
  }

  function buildList() {
    var partners = partnersOf();
    var order = data.nodes.map(function (n, i) { return i; }).sort(byName);
    var names = document.getElementById("org-names");
    order.forEach(function (i) {
      var n = data.nodes[i];
      var li = entry(n, partners[i]);
      entries[n.id] = li;
      shown[n.id] = true;
      list.append(li);
      names.append(el("option", {value: n.label}));
    });
  }

  buildList();
  var nodeView = new vis.DataView(nodes, {filter: function (n) { return shown[n.id] === true; }});
  var edgeView = new vis.DataView(edges, {filter: edgeShown});
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
    var visible = 0;
    Object.keys(entries).forEach(function (id) {
      var li = entries[id];
      shown[id] = matches(li, filters);
      li.hidden = !shown[id];
      if (shown[id]) { visible += 1; }
      Array.prototype.forEach.call(li.querySelectorAll("[data-kind]"), function (row) {
        row.hidden = chosen[row.dataset.kind] === false;
      });
    });
    nodeView.refresh();
    edgeView.refresh();
    var status = document.getElementById("shown");
    if (status) { status.textContent = (words.shown || "{n}").replace("{n}", String(visible)); }
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
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function search(event) {
    event.preventDefault();
    var wanted = folded(value("q").trim());
    var status = document.getElementById("search-status");
    var ids = Object.keys(entries);
    var found = wanted && (ids.find(function (id) { return folded(entries[id].dataset.name) === wanted; }) ||
      ids.find(function (id) { return folded(entries[id].dataset.name).indexOf(wanted) !== -1; }));
    if (!found) {
      status.textContent = wanted ? (words.search_none || "").replace("{q}", value("q").trim()) : "";
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
