// The quote viewer (/viewer?doc=&start=&end=): loads a plan's cleaned text and marks the cited span.
// Served as a file, not inline, so the page's Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  var doc = params.get("doc") || "";
  var start = parseInt(params.get("start"), 10);
  var end = parseInt(params.get("end"), 10);
  var box = document.getElementById("text");
  function fail(msg) { box.textContent = msg; box.className = "error"; }
  if (!doc) { fail("Thiếu mã văn bản."); return; }
  var base = "/v1/documents/" + encodeURIComponent(doc);
  fetch(base).then(function (r) { return r.ok ? r.json() : null; }).then(function (d) {
    if (!d) return;
    document.getElementById("title").textContent = d.title || d.doc_id;
    document.title = d.title || d.doc_id;
    document.getElementById("meta").textContent = [d.number, d.issuer, d.date].filter(Boolean).join(" · ");
  }).catch(function () {});
  fetch(base + "/text").then(function (r) {
    return r.json().then(function (body) { return { ok: r.ok, body: body }; });
  }).then(function (res) {
    if (!res.ok) { fail(res.body && res.body.detail || "Không tải được văn bản."); return; }
    var text = res.body.text || "";
    box.textContent = "";
    if (isNaN(start) || isNaN(end) || start < 0 || end > text.length || start >= end) {
      box.textContent = text;
      return;
    }
    box.appendChild(document.createTextNode(text.slice(0, start)));
    var mark = document.createElement("mark");
    mark.id = "hit";
    mark.textContent = text.slice(start, end);
    box.appendChild(mark);
    box.appendChild(document.createTextNode(text.slice(end)));
    mark.scrollIntoView({ block: "center" });
  }).catch(function () { fail("Không kết nối được máy chủ."); });
})();
