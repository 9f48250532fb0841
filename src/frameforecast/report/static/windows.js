// The forecast-window browser of a series page, and the series browser of a panel page (each window then carries
// its own series: values, times, and the model's interval as a band): plain static files (the data is inline), so
// it works from file://.
(function () {
  "use strict";
  var root = document.getElementById("windows");
  if (!root) return;
  var data = JSON.parse(document.getElementById("windows-data").textContent);
  var windows = data.windows, values = data.values, times = data.times, MODEL = data.model || "model";
  var others = data.methods.filter(function (m) { return m !== MODEL; });
  function use(w) { if (w.values) { values = w.values; times = w.times; } }
  var order = windows.map(function (_, i) { return i; }), position = 0, zoom = 1;
  var svg = document.getElementById("windows-plot");
  var label = document.getElementById("windows-position");
  var scores = document.querySelector("#windows-scores tbody");
  var compare = document.getElementById("windows-compare");
  var WIDTH = 900, HEIGHT = 300, PAD = 48;

  others.forEach(function (m) {
    var option = document.createElement("option");
    option.value = m; option.textContent = m;
    compare.appendChild(option);
  });
  // compared first with the strongest alternative: the lowest mean RMSE over the windows
  var meanRmse = function (m) {
    var have = windows.filter(function (w) { return m in w.rmse; });
    return have.reduce(function (s, w) { return s + w.rmse[m]; }, 0) / Math.max(have.length, 1);
  };
  compare.value = others.slice().sort(function (a, b) { return meanRmse(a) - meanRmse(b); })[0];
  function other() { return compare.value; }
  function num(x) { return Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4); }

  function visible(w) {
    // the window plus context before it: two seasons or the window's length, scaled by the zoom
    var length = w.end - w.start;
    var context = Math.round(Math.max(2 * data.season, length) * zoom);
    var lo = Math.max(0, w.start - context), hi = Math.min(values.length, w.end + Math.round(length * (zoom - 1) / 2));
    return [lo, Math.max(hi, w.end)];
  }

  function path(id, xs, ys, scaleX, scaleY, cls) {
    var d = xs.map(function (x, k) { return (k ? "L" : "M") + scaleX(x).toFixed(1) + "," + scaleY(ys[k]).toFixed(1); });
    var p = document.createElementNS("http://www.w3.org/2000/svg", "path");
    p.setAttribute("id", id); p.setAttribute("class", cls); p.setAttribute("d", d.join(""));
    p.setAttribute("data-points", xs.length);
    svg.appendChild(p);
  }

  function text(x, y, content, anchor) {
    var t = document.createElementNS("http://www.w3.org/2000/svg", "text");
    t.setAttribute("x", x); t.setAttribute("y", y); t.setAttribute("text-anchor", anchor || "start");
    t.textContent = content;
    svg.appendChild(t);
  }

  function draw(w) {
    var range = visible(w), lo = range[0], hi = range[1];
    var shown = [values.slice(lo, hi), w.forecasts[MODEL], w.forecasts[other()] || []];
    if (w.band) shown.push(w.band.low, w.band.high);
    var all = [].concat.apply([], shown);
    var low = Math.min.apply(null, all), high = Math.max.apply(null, all);
    if (high === low) high = low + 1;
    var scaleX = function (i) { return PAD + (i - lo) / Math.max(hi - 1 - lo, 1) * (WIDTH - 2 * PAD); };
    var scaleY = function (v) { return HEIGHT - PAD / 2 - (v - low) / (high - low) * (HEIGHT - PAD); };
    svg.innerHTML = "";
    var band = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    band.setAttribute("x", scaleX(w.start)); band.setAttribute("y", 0); band.setAttribute("class", "window-band");
    band.setAttribute("width", Math.max(scaleX(w.end - 1) - scaleX(w.start), 2)); band.setAttribute("height", HEIGHT);
    svg.appendChild(band);
    var range_ = function (a, b) { var r = []; for (var i = a; i < b; i++) r.push(i); return r; };
    var steps = range_(w.start, w.end);
    if (w.band) {
      var outline = steps.concat(steps.slice().reverse());
      path("band-model", outline, w.band.low.concat(w.band.high.slice().reverse()), scaleX, scaleY, "band");
    }
    path("line-truth", range_(lo, hi), values.slice(lo, hi), scaleX, scaleY, "truth");
    if (w.forecasts[other()]) path("line-other", steps, w.forecasts[other()], scaleX, scaleY, "other");
    path("line-model", steps, w.forecasts[MODEL], scaleX, scaleY, "model");
    text(PAD, HEIGHT - 4, times[lo]);
    text(WIDTH - PAD, HEIGHT - 4, times[hi - 1], "end");
    text(4, 14, num(high)); text(4, HEIGHT - PAD / 2, num(low));
    text(WIDTH / 2, HEIGHT - 4, "time (" + data.time_label + ")", "middle");
    text(WIDTH - PAD, 14, data.unit + ": truth grey, " + MODEL + " red" + (w.band ? " (interval shaded)" : "") +
      ", " + other() + " blue dashed", "end");
    svg.setAttribute("data-range", lo + "-" + hi);
    svg.setAttribute("data-window", w.start);
  }

  function show() {
    var w = windows[order[position]];
    use(w);
    label.textContent = w.name + ": " + times[w.start] + " – " + times[w.end - 1] + " (" + (position + 1) +
      " of " + order.length + ")";
    label.setAttribute("data-start", w.start);
    draw(w);
    scores.innerHTML = "";
    data.methods.filter(function (m) { return m in w.rmse; }).forEach(function (m) {
      var row = document.createElement("tr");
      row.className = m === MODEL ? "model" : (m === other() ? "compared" : "baseline");
      row.setAttribute("data-method", m);
      [m, num(w.rmse[m])].forEach(function (content, k) {
        var cell = document.createElement(k === 0 ? "th" : "td");
        cell.textContent = content;
        row.appendChild(cell);
      });
      scores.appendChild(row);
    });
  }

  function sortBy(kind) {
    order = windows.map(function (_, i) { return i; });
    if (kind === "worst") order.sort(function (a, b) { return windows[b].rmse[MODEL] - windows[a].rmse[MODEL]; });
    var gain = function (i) { return (windows[i].rmse[other()] || 0) - windows[i].rmse[MODEL]; };
    if (kind === "gain") order.sort(function (a, b) { return gain(a) - gain(b); });
    if (kind === "best") order.sort(function (a, b) { return gain(b) - gain(a); });
    position = 0;
    show();
  }

  var sort = document.getElementById("windows-sort");
  document.getElementById("windows-next").addEventListener("click", function () {
    position = (position + 1) % order.length; show();
  });
  document.getElementById("windows-prev").addEventListener("click", function () {
    position = (position - 1 + order.length) % order.length; show();
  });
  document.getElementById("windows-zoom-in").addEventListener("click", function () { zoom = Math.max(zoom / 2, 0.125); show(); });
  document.getElementById("windows-zoom-out").addEventListener("click", function () { zoom = Math.min(zoom * 2, 64); show(); });
  sort.addEventListener("change", function (event) { sortBy(event.target.value); });
  compare.addEventListener("change", function () {
    if (sort.value === "gain" || sort.value === "best") sortBy(sort.value); else show();
  });
  svg.setAttribute("viewBox", "0 0 " + WIDTH + " " + HEIGHT);
  sortBy("index");
})();
