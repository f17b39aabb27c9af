/* The explorer (explorer.html.j2): draws the latency-throughput chart from the JSON payload, shows a point's figures
   on hover, highlights and hides configs from the legend, finds a config by name, and sorts table[data-sortable].
   Every figure and label comes formatted in the payload; config names are data and only ever set as textContent.
   Nothing is fetched. */
(function () {
  "use strict";

  // The script sits in the middle of the page: it starts once the whole document is parsed (the sizing table comes
  // after it) and laid out enough for the plot to have a width.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  function start() {
    var root = document.getElementById("explorer");
    var dataNode = document.getElementById("explorer-data");
    if (root && dataNode) {
      explorer(root, JSON.parse(dataNode.textContent));
    }
    var tables = document.querySelectorAll("table[data-sortable]");
    for (var t = 0; t < tables.length; t++) {
      sortable(tables[t]);
    }
  }

  function explorer(root, data) {
    var W = 900, H = 520, M = { left: 66, right: 18, top: 14, bottom: 46 }; // W, H: the plot's size in CSS px
    var PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#7F3C8D",
                   "#11A579", "#3969AC", "#E73F74", "#80BA5A", "#4B4B8F", "#A5AA99"];
    var HIT_RADIUS = 14; // CSS px: the viewBox is the chart's size on the screen, so text and dots keep their size
    var svg = document.getElementById("ex-chart");
    var NS = svg.namespaceURI; // the HTML parser put the element in the SVG namespace
    var tooltip = document.getElementById("ex-tooltip");
    var legend = document.getElementById("ex-legend");
    var search = document.getElementById("ex-search");
    var ySelect = document.getElementById("ex-y");
    var status = document.getElementById("ex-status");
    var pts = data.points;
    var n = pts.config.length;
    var configs = data.configs;
    var shown = configs.map(function () { return true; });
    var hovered = null; // the config whose legend entry is under the mouse or has the keyboard focus
    var pointed = null; // the config of the point whose tooltip shows
    var matches = null; // indices of the configs the search finds, or null without a search
    var yKey = "per_instance";
    var current = -1; // the point whose tooltip shows
    var px = new Float64Array(n), py = new Float64Array(n);
    var byConfig = configs.map(function () { return []; });
    for (var i = 0; i < n; i++) {
      byConfig[pts.config[i]].push(i);
    }

    var axesLayer = el("g", { "class": "ex-axes" }, svg);
    var curvesLayer = el("g", { "class": "ex-curves" }, svg);
    var hoverRing = el("circle", { "class": "ex-hover", r: 7, cx: -100, cy: -100 }, svg);
    var groups = configs.map(function (c, k) {
      var g = el("g", { "class": "ex-curve", "data-config": String(k) }, curvesLayer);
      var colour = colourOf(k);
      g.line = el("path", { "class": "ex-line", stroke: colour }, g);
      g.bad = el("path", { "class": "ex-bad" }, g);
      g.ok = el("path", { "class": "ex-ok", stroke: colour }, g);
      g.chosen = el("path", { "class": "ex-chosen" }, g);
      return g;
    });
    var entries = configs.map(function (c, k) { return legendEntry(c, k); });

    root.hidden = false; // shown before drawing, so that the plot has a width
    draw();
    updateStatus();

    ySelect.addEventListener("change", function () { yKey = ySelect.value; hide(); draw(); });
    document.getElementById("ex-show-all").addEventListener("click", function () { setAll(true); });
    document.getElementById("ex-hide-all").addEventListener("click", function () { setAll(false); });
    search.addEventListener("input", onSearch);
    // Up and down arrows move along the legend's shown entries (Tab reaches them too).
    legend.addEventListener("keydown", function (e) {
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      var list = entries.filter(function (x) { return !x.li.hidden; }).map(function (x) { return x.button; });
      var at = list.indexOf(document.activeElement);
      var next = list[at + (e.key === "ArrowDown" ? 1 : -1)];
      if (next) { next.focus(); e.preventDefault(); }
    });
    search.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { search.value = ""; onSearch(); }
    });
    var last = null, frame = 0; // one hit test per animation frame, however fast the mouse moves
    svg.addEventListener("mousemove", function (e) {
      last = e;
      if (!frame) frame = window.requestAnimationFrame(function () { frame = 0; if (last) hitTest(last); });
    });
    svg.addEventListener("mouseleave", function () { last = null; hide(); });
    // The chart is drawn at its size on the screen; the plot's width settles once the page is laid out, and
    // changes with the window.
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        if (Math.round(svg.parentNode.clientWidth) === W) return;
        var was = current;
        draw();
        if (was >= 0) show(was); else hide();
      }).observe(svg.parentNode);
    }

    function colourOf(k) { return PALETTE[k % PALETTE.length]; }

    function el(name, attrs, parent) {
      var node = document.createElementNS(NS, name);
      for (var a in attrs) {
        if (Object.prototype.hasOwnProperty.call(attrs, a)) node.setAttribute(a, attrs[a]);
      }
      if (parent) parent.appendChild(node);
      return node;
    }

    function scale(axis, v, from, to) {
      var lo = axis.min, hi = axis.max;
      var f = axis.log ? (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (v - lo) / (hi - lo);
      return from + f * (to - from);
    }
    function sx(v) { return scale(data.axes.x, v, M.left, W - M.right); }
    function sy(v) { return scale(data.axes[yKey], v, H - M.bottom, M.top); }
    function r1(v) { return Math.round(v * 10) / 10; }

    function draw() {
      W = Math.max(320, Math.round(svg.parentNode.clientWidth));
      H = Math.round(Math.min(W * 0.62, 620));
      svg.setAttribute("viewBox", "0 0 " + W + " " + H);
      legend.style.maxHeight = H + "px";
      while (axesLayer.firstChild) axesLayer.removeChild(axesLayer.firstChild);
      drawAxes();
      var ys = pts["rps_" + yKey];
      for (var i = 0; i < n; i++) {
        px[i] = sx(pts.latency_ms[i]);
        py[i] = sy(ys[i]);
      }
      for (var k = 0; k < configs.length; k++) {
        var line = [], ok = [], bad = [], chosen = [];
        var idx = byConfig[k];
        for (var j = 0; j < idx.length; j++) {
          var p = idx[j], x = r1(px[p]), y = r1(py[p]);
          line.push((j ? "L" : "M") + x + " " + y);
          (pts.feasible[p] ? ok : bad).push("M" + x + " " + y + "h0.01");
          if (pts.recommended[p]) chosen.push(star(x, y, 11));
          else if (pts.chosen[p]) chosen.push(ring(x, y, 7));
        }
        var g = groups[k];
        g.line.setAttribute("d", line.join(""));
        g.ok.setAttribute("d", ok.join(""));
        g.bad.setAttribute("d", bad.join(""));
        g.chosen.setAttribute("d", chosen.join(""));
      }
    }

    function ring(x, y, r) {
      return "M" + (x - r) + " " + y + "a" + r + " " + r + " 0 1 0 " + 2 * r + " 0a" + r + " " + r + " 0 1 0 " + -2 * r + " 0";
    }
    function star(x, y, r) {
      var d = "";
      for (var s = 0; s < 10; s++) {
        var a = -Math.PI / 2 + s * Math.PI / 5, rr = s % 2 ? r * 0.45 : r;
        d += (s ? "L" : "M") + r1(x + rr * Math.cos(a)) + " " + r1(y + rr * Math.sin(a));
      }
      return d + "Z";
    }

    function drawAxes() {
      var xa = data.axes.x, ya = data.axes[yKey];
      el("rect", { "class": "ex-frame", x: M.left, y: M.top, width: W - M.left - M.right, height: H - M.top - M.bottom },
         axesLayer);
      xa.ticks.forEach(function (t) {
        var x = r1(sx(t[0]));
        el("line", { "class": "ex-grid", x1: x, x2: x, y1: M.top, y2: H - M.bottom }, axesLayer);
        text(t[1], { "class": "ex-tick", x: x, y: H - M.bottom + 16, "text-anchor": "middle" });
      });
      ya.ticks.forEach(function (t) {
        var y = r1(sy(t[0]));
        el("line", { "class": "ex-grid", x1: M.left, x2: W - M.right, y1: y, y2: y }, axesLayer);
        text(t[1], { "class": "ex-tick", x: M.left - 6, y: y + 4, "text-anchor": "end" });
      });
      data.sla.forEach(function (s) {
        var x = r1(sx(s.value));
        el("line", { "class": "ex-sla", x1: x, x2: x, y1: M.top, y2: H - M.bottom }, axesLayer);
        text(s.label, { "class": "ex-sla-label", x: x + 4, y: M.top + 12 });
      });
      text(xa.title, { "class": "ex-title", x: (M.left + W - M.right) / 2, y: H - 8, "text-anchor": "middle" });
      text(ya.title, { "class": "ex-title", x: 14, y: (M.top + H - M.bottom) / 2, "text-anchor": "middle",
                       transform: "rotate(-90 14 " + (M.top + H - M.bottom) / 2 + ")" });
    }

    function text(s, attrs) {
      var node = el("text", attrs, axesLayer);
      node.textContent = s;
      return node;
    }

    function legendEntry(c, k) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.setAttribute("aria-pressed", "true");
      b.title = "Click to hide or show this config";
      var sw = document.createElement("span");
      sw.className = "ex-swatch";
      sw.style.background = colourOf(k);
      var words = document.createElement("span");
      var name = document.createElement("span");
      name.className = "ex-name";
      name.textContent = c.name;
      words.appendChild(name);
      if (c.recommended || !c.feasible) {
        var tag = document.createElement("span");
        tag.className = "ex-tag";
        tag.textContent = c.recommended ? "recommended" : "no point meets the SLA";
        words.appendChild(tag);
      }
      b.appendChild(sw);
      b.appendChild(words);
      b.addEventListener("click", function () { setShown(k, !shown[k]); });
      b.addEventListener("mouseenter", function () { hovered = k; applyFocus(); });
      b.addEventListener("mouseleave", function () { if (hovered === k) { hovered = null; applyFocus(); } });
      b.addEventListener("focus", function () { hovered = k; applyFocus(); });
      b.addEventListener("blur", function () { if (hovered === k) { hovered = null; applyFocus(); } });
      li.appendChild(b);
      legend.appendChild(li);
      return { li: li, button: b };
    }

    function setShown(k, on) {
      shown[k] = on;
      groups[k].classList.toggle("ex-off", !on);
      entries[k].button.setAttribute("aria-pressed", on ? "true" : "false");
      hide();
      updateStatus();
    }
    function setAll(on) {
      for (var k = 0; k < configs.length; k++) {
        if (matches === null || matches.indexOf(k) >= 0) setShown(k, on);
      }
    }

    function onSearch() {
      var q = search.value.trim().toLowerCase();
      matches = null;
      if (q) {
        matches = [];
        for (var k = 0; k < configs.length; k++) {
          if (configs[k].name.toLowerCase().indexOf(q) >= 0) matches.push(k);
        }
      }
      for (var j = 0; j < configs.length; j++) {
        var hit = matches !== null && matches.indexOf(j) >= 0;
        entries[j].li.hidden = matches !== null && !hit;
        entries[j].li.classList.toggle("ex-match", hit);
      }
      applyFocus();
      updateStatus();
    }

    function applyFocus() {
      var focus = hovered !== null ? [hovered] : pointed !== null ? [pointed] : matches;
      svg.classList.toggle("ex-dim", focus !== null);
      for (var k = 0; k < configs.length; k++) {
        groups[k].classList.toggle("ex-focus", focus !== null && focus.indexOf(k) >= 0);
      }
      if (focus) {
        focus.forEach(function (k) { curvesLayer.appendChild(groups[k]); }); // drawn on top of the others
      }
    }

    function updateStatus() {
      var visible = shown.filter(Boolean).length;
      var s = visible + " of " + configs.length + " configs shown";
      if (matches !== null) s += "; " + matches.length + " match the search";
      if (data.left_out) s += "; " + data.left_out + " points without a plottable latency left out";
      status.textContent = s;
    }

    function hitTest(e) {
      var m = svg.getScreenCTM();
      if (!m) return;
      var at = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
      var best = -1, bestD = HIT_RADIUS * HIT_RADIUS;
      for (var i = 0; i < n; i++) {
        if (!shown[pts.config[i]]) continue;
        var dx = px[i] - at.x, dy = py[i] - at.y, d = dx * dx + dy * dy;
        if (d <= bestD) { best = i; bestD = d; }
      }
      if (best < 0) hide(); else show(best);
    }

    function show(i) {
      var c = configs[pts.config[i]];
      while (tooltip.firstChild) tooltip.removeChild(tooltip.firstChild);
      line(c.name, "ex-tt-name");
      line(pts.load[i]);
      line(data.metric + " " + pts.latency_text[i] + " " + data.units.latency);
      line(pts.rps_per_instance_text[i] + " " + data.units.rps_per_instance);
      line(pts.rps_per_gpu_text[i] + " " + data.units.rps_per_gpu);
      var flags = [pts.feasible[i] ? "meets the SLA" : "breaks the SLA"];
      if (pts.recommended[i]) flags.push("the recommended point");
      else if (pts.chosen[i]) flags.push("the point this config is sized at");
      if (pts.frontier[i]) flags.push("on the Pareto frontier");
      line(flags.join("; "), "ex-tt-flags");
      current = i;
      if (pointed !== pts.config[i]) { pointed = pts.config[i]; applyFocus(); }
      tooltip.setAttribute("data-point", String(i));
      tooltip.hidden = false;
      hoverRing.setAttribute("cx", px[i]);
      hoverRing.setAttribute("cy", py[i]);
      // Beside the point, inside the plot: the tooltip is placed in CSS pixels of the plot's box.
      var left = px[i] + 14, top = py[i] + 14;
      var tw = tooltip.offsetWidth, th = tooltip.offsetHeight;
      if (left + tw > W) left = Math.max(0, px[i] - 14 - tw);
      if (top + th > H) top = Math.max(0, py[i] - 14 - th);
      tooltip.style.left = left + "px";
      tooltip.style.top = top + "px";
    }
    function line(s, cls) {
      var d = document.createElement("div");
      if (cls) d.className = cls;
      d.textContent = s;
      tooltip.appendChild(d);
    }
    function hide() {
      current = -1;
      if (pointed !== null) { pointed = null; applyFocus(); }
      tooltip.hidden = true;
      tooltip.removeAttribute("data-point");
      hoverRing.setAttribute("cx", -100);
      hoverRing.setAttribute("cy", -100);
    }
  }

  /* A table sorts by a column when its heading is clicked: numbers as numbers, text in natural order (cfg-2 before
     cfg-10), blanks (an em dash, nothing, or a cell spanning several columns) last either way, ties in the order
     the table had. A cell's data-sort attribute, when present, is the value sorted on. */
  function sortable(table) {
    if (!table.tHead || !table.tBodies.length) return;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    for (var r = 0; r < rows.length; r++) {
      for (var c = 0; c < rows[r].cells.length; c++) {
        if (rows[r].cells[c].rowSpan > 1) return; // grouped rows cannot be reordered one by one
      }
    }
    rows.forEach(function (row, i) { row.setAttribute("data-order", String(i)); });
    var heads = table.tHead.rows[table.tHead.rows.length - 1].cells;
    Array.prototype.forEach.call(heads, function (th, k) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "ex-sort";
      while (th.firstChild) b.appendChild(th.firstChild);
      th.appendChild(b);
      // On the whole heading cell (the button's own click bubbles here): anywhere in the heading sorts.
      th.addEventListener("click", function () {
        var up = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        sortBy(body, k, up);
      });
    });
  }

  function sortBy(body, k, up) {
    var rows = Array.prototype.slice.call(body.rows);
    var keys = rows.map(function (row) { return value(cellAt(row, k)); });
    var numeric = keys.every(function (v) { return v === null || v.n !== null; });
    var order = rows.map(function (row, i) { return i; });
    order.sort(function (a, b) {
      var va = keys[a], vb = keys[b];
      if (va === null || vb === null) {
        if (va !== vb) return va === null ? 1 : -1;
      } else {
        var d = numeric ? va.n - vb.n : va.s.localeCompare(vb.s, undefined, { numeric: true, sensitivity: "base" });
        if (d) return up ? d : -d;
      }
      return Number(rows[a].getAttribute("data-order")) - Number(rows[b].getAttribute("data-order"));
    });
    order.forEach(function (i) { body.appendChild(rows[i]); });
  }

  function cellAt(row, k) {
    var col = 0;
    for (var c = 0; c < row.cells.length; c++) {
      var span = row.cells[c].colSpan || 1;
      if (k < col + span) return span === 1 ? row.cells[c] : null;
      col += span;
    }
    return null;
  }

  /* What a cell sorts by: null for a blank, else its text (badges such as "recommended" left out) and the number
     it starts with as the report writes numbers ($1,234; -$0.50; 16; 45.3; 35%; 1e-05; inf), or null for none. */
  function value(cell) {
    if (!cell) return null;
    var s = (cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : ownText(cell)).trim();
    if (s === "" || s === "\u2014") return null;
    var m = /^(-)?\$?(inf|(?:[0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)(?:e[-+]?[0-9]+)?)/i.exec(s);
    var v = null;
    if (m) {
      v = m[2].toLowerCase() === "inf" ? Infinity : Number(m[2].replace(/,/g, ""));
      if (m[1]) v = -v;
    }
    return { n: v, s: s };
  }

  function ownText(node) {
    var s = "";
    for (var c = node.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3) s += c.nodeValue;
      else if (c.nodeType === 1 && !c.classList.contains("badge")) s += ownText(c);
    }
    return s;
  }
})();
