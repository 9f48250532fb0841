// The sequence browser of a video page: plain static files (the data is inline), so it works from file://.
(function () {
  "use strict";
  var root = document.getElementById("browser");
  if (!root) return;
  var data = JSON.parse(document.getElementById("browse-data").textContent);
  var folder = root.getAttribute("data-folder");
  var sequences = data.sequences, order = sequences.map(function (_, i) { return i; }), position = 0;
  var sprite = document.getElementById("browse-sprite");
  var scores = document.querySelector("#browse-scores tbody");
  var list = document.getElementById("browse-list");
  var label = document.getElementById("browse-position");

  function num(x) { return x.toFixed(1); }

  function show() {
    var s = sequences[order[position]];
    sprite.src = folder + "/" + s.sprite;
    sprite.alt = "test sequence " + (s.index + 1) + ": input, truth, model and baselines";
    sprite.setAttribute("data-index", s.index);
    label.textContent = "test sequence " + (s.index + 1) + " (" + (position + 1) + " of " + order.length + ")";
    scores.innerHTML = "";
    data.methods.forEach(function (m) {
      var row = document.createElement("tr");
      row.className = m === "model" ? "model" : "baseline";
      row.setAttribute("data-method", m);
      [m, num(s.mse[m]), s.by_frame[m].map(num).join(" · ")].forEach(function (text, k) {
        var cell = document.createElement(k === 0 ? "th" : "td");
        cell.textContent = text;
        row.appendChild(cell);
      });
      scores.appendChild(row);
    });
    Array.prototype.forEach.call(list.children, function (a) {
      a.classList.toggle("current", Number(a.getAttribute("data-index")) === s.index);
    });
  }

  function sortBy(kind) {
    order = sequences.map(function (_, i) { return i; });
    if (kind === "worst") order.sort(function (a, b) { return sequences[b].mse.model - sequences[a].mse.model; });
    if (kind === "flow" && data.methods.indexOf("optical flow") >= 0) {
      var gain = function (i) { return sequences[i].mse["optical flow"] - sequences[i].mse.model; };
      order.sort(function (a, b) { return gain(a) - gain(b); });
    }
    list.innerHTML = "";
    order.forEach(function (i, k) {
      var a = document.createElement("a");
      a.href = "#browse";
      a.textContent = String(sequences[i].index + 1);  // numbered as the GIFs and sheets number them
      a.setAttribute("data-index", sequences[i].index);
      a.addEventListener("click", function (event) { event.preventDefault(); position = k; show(); });
      list.appendChild(a);
      list.appendChild(document.createTextNode(" "));
    });
    position = 0;
    show();
  }

  document.getElementById("browse-next").addEventListener("click", function () {
    position = (position + 1) % order.length; show();
  });
  document.getElementById("browse-prev").addEventListener("click", function () {
    position = (position - 1 + order.length) % order.length; show();
  });
  document.getElementById("browse-sort").addEventListener("change", function (event) { sortBy(event.target.value); });
  sortBy("index");
})();
