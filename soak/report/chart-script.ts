// The browser side of chart.html, as a string inlined into the page (no external assets): draws
// three panels — gateway throughput, gateway p99, RSS per process — on one time axis, shades
// every fault window (settle lighter) with its name, marks unexpected answers in red, then sets
// data-rendered="true" on the <svg> and data-points on each series, which the browser test reads.
export const CHART_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('soak-data').textContent);
  var NS = 'http://www.w3.org/2000/svg';
  var W = 1100, LEFT = 70, RIGHT = 190, PANEL = 170, GAP = 46, TOP = 104;
  var names = ['gateway requests / s', 'gateway p99 latency (ms)', 'RSS per process (MiB)'];
  var H = TOP + 3 * PANEL + 2 * GAP + 40;
  var svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  svg.setAttribute('width', W);
  svg.setAttribute('height', H);
  svg.setAttribute('id', 'chart');
  document.getElementById('chart-holder').appendChild(svg);
  function el(name, attrs, parent, text) {
    var node = document.createElementNS(NS, name);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    (parent || svg).appendChild(node);
    return node;
  }
  var span = Math.max(1, data.durationS);
  function x(s) { return LEFT + (Math.min(Math.max(s, 0), span) / span) * (W - LEFT - RIGHT); }
  var palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf',
    '#bcbd22', '#7f7f7f', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd'];
  var faultColour = {};
  var windows = data.windows;
  windows.forEach(function (w) {
    if (!(w.name in faultColour)) faultColour[w.name] = palette[Object.keys(faultColour).length % palette.length];
  });
  // Fault labels in four rows above the panels, so neighbours do not overlap.
  var rowEnds = [0, 0, 0, 0];
  windows.forEach(function (w) {
    var colour = faultColour[w.name];
    var y0 = TOP, y1 = TOP + 3 * PANEL + 2 * GAP;
    var g = el('g', { 'class': 'fault', 'data-fault': w.name });
    el('title', {}, g, w.name + (w.detail ? ' (' + w.detail + ')' : '') + ': ' + w.start.toFixed(1) + '–' + w.end.toFixed(1) + ' s, settle to ' + w.settleEnd.toFixed(1) + ' s');
    el('rect', { x: x(w.start), y: y0, width: Math.max(1, x(w.end) - x(w.start)), height: y1 - y0, fill: colour, 'fill-opacity': 0.18 }, g);
    // A short settle is a lighter band; a long one (the revocation's propagation) only a line,
    // or it would tint half the run.
    if (w.settleEnd - w.end <= 10) {
      el('rect', { x: x(w.end), y: y0, width: Math.max(0, x(w.settleEnd) - x(w.end)), height: y1 - y0, fill: colour, 'fill-opacity': 0.07 }, g);
    } else if (w.settleEnd <= span) {
      el('line', { x1: x(w.settleEnd), x2: x(w.settleEnd), y1: y0, y2: y1, stroke: colour, 'stroke-width': 1.5, 'stroke-dasharray': '6,3' }, g);
      el('text', { x: x(w.settleEnd) + 3, y: y1 - 4, 'font-size': 10, fill: colour }, g, w.name + ': settled');
    }
    // The first of four rows where the label has room; none (a long run): colour and hover only.
    var width = w.name.length * 6.2 + 8;
    var row = rowEnds.findIndex(function (end) { return x(w.start) > end; });
    if (row < 0) return;
    rowEnds[row] = x(w.start) + width;
    el('line', { x1: x(w.start), x2: x(w.start), y1: 14 + row * 19, y2: y0, stroke: colour, 'stroke-width': 1, 'stroke-dasharray': '2,2' }, g);
    el('text', { x: x(w.start) + 3, y: 24 + row * 19, 'font-size': 11, fill: colour }, g, w.name);
  });
  function panel(index, series, unit) {
    var y0 = TOP + index * (PANEL + GAP);
    var max = 0;
    series.forEach(function (s) { s.points.forEach(function (p) { if (p[1] > max) max = p[1]; }); });
    max = max > 0 ? max * 1.1 : 1;
    function y(v) { return y0 + PANEL - (v / max) * PANEL; }
    el('rect', { x: LEFT, y: y0, width: W - LEFT - RIGHT, height: PANEL, fill: 'none', stroke: '#999' });
    el('text', { x: LEFT, y: y0 - 8, 'font-size': 13, 'font-weight': 'bold' }, null, names[index]);
    for (var t = 0; t <= 4; t++) {
      var v = (max * t) / 4;
      el('text', { x: LEFT - 6, y: y(v) + 4, 'font-size': 10, 'text-anchor': 'end', fill: '#555' }, null, v >= 100 ? v.toFixed(0) : v.toFixed(1));
      el('line', { x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v), stroke: '#eee' });
    }
    series.forEach(function (s, i) {
      if (s.points.length === 0) return;
      var d = s.points.map(function (p, j) { return (j ? 'L' : 'M') + x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1); }).join('');
      var colour = s.colour || palette[i % palette.length];
      var path = el('path', { d: d, fill: 'none', stroke: colour, 'stroke-width': s.width || 1.5, 'class': 'series', 'data-series': s.name, 'data-points': s.points.length });
      el('title', {}, path, s.name);
      if (series.length > 1) {
        el('line', { x1: W - RIGHT + 10, x2: W - RIGHT + 26, y1: y0 + 8 + i * 13, y2: y0 + 8 + i * 13, stroke: colour, 'stroke-width': 2 });
        el('text', { x: W - RIGHT + 30, y: y0 + 12 + i * 13, 'font-size': 10 }, null, s.name);
      }
    });
    return y;
  }
  panel(0, [{ name: 'requests/s', points: data.timeline.map(function (b) { return [b.s, b.rps]; }), colour: '#222', width: 1.8 }]);
  panel(1, [{ name: 'p99 ms', points: data.timeline.map(function (b) { return [b.s, b.p99Ms]; }), colour: '#d62728', width: 1.8 }]);
  panel(2, data.rss.map(function (r) { return { name: r.name, points: r.points }; }));
  // Unexpected answers: red ticks under the throughput panel, one per answer (capped in the data).
  data.unexpected.forEach(function (s) {
    var m = el('line', { x1: x(s), x2: x(s), y1: TOP + PANEL - 12, y2: TOP + PANEL, stroke: '#d00', 'stroke-width': 2, 'class': 'unexpected' });
    el('title', {}, m, 'unexpected answer at ' + s.toFixed(1) + ' s');
  });
  // Which colour is which fault, beside the throughput panel.
  Object.keys(faultColour).forEach(function (name, i) {
    el('rect', { x: W - RIGHT + 10, y: TOP + i * 13, width: 14, height: 10, fill: faultColour[name], 'fill-opacity': 0.5 });
    el('text', { x: W - RIGHT + 28, y: TOP + 9 + i * 13, 'font-size': 10 }, null, name);
  });
  var axisY = TOP + 3 * PANEL + 2 * GAP;
  for (var k = 0; k <= 10; k++) {
    var s = (span * k) / 10;
    el('text', { x: x(s), y: axisY + 16, 'font-size': 10, 'text-anchor': 'middle' }, null, s.toFixed(0) + ' s');
  }
  svg.dataset.rendered = 'true';
  svg.dataset.series = String(svg.querySelectorAll('path.series').length);
})();
`;
