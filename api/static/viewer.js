/*!
 * The quote viewer: /viewer?doc=ID&start=S&end=E[&fstart=FS&fend=FE]
 * Shows a plan's cleaned text (the text citation offsets point into) with [S, E) highlighted.
 * Runs of tab-separated lines (table rows, as the ingest writes them) are shown as a table, one row
 * per line and one cell per tab-separated piece: a row the span covers is highlighted as a row, and
 * the cell holding [FS, FE) (a cited field of that row) as a cell. Server text is only ever set as
 * text (textContent, text nodes), never as HTML.
 */
(function () {
  "use strict";

  var TAB = "\t";
  // plain lines per block: thousands of lines stay fast because each block is one text node
  var BLOCK_LINES = 200;
  var T = {
    loading: "Đang tải…",
    missingDoc: "Thiếu mã văn bản.",
    failed: "Không tải được văn bản.",
    network: "Không kết nối được máy chủ.",
    document: "Văn bản",
    spanGone: "Không tìm thấy đoạn được trích dẫn trong văn bản (văn bản có thể đã được cập nhật)."
  };

  var params = new URLSearchParams(location.search);
  var doc = params.get("doc") || "";
  var box = document.getElementById("text");
  var status = document.getElementById("status");

  function offset(name) {
    var value = params.get(name);
    return value !== null && /^\d{1,10}$/.test(value) ? parseInt(value, 10) : -1;
  }

  /** {start, end} when the URL names a non-empty span inside a text of `length` characters, else null. */
  function span(startName, endName, length) {
    var start = offset(startName), end = offset(endName);
    return start >= 0 && end > start && end <= length ? { start: start, end: end } : null;
  }

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "";
  }

  // ---- rendering ---------------------------------------------------------------------------

  /** Appends `text` (which starts at character `start` of the document) to `parent`, the part inside
   * `hit` wrapped in a <mark>; the first mark of the page is #hit. */
  function appendMarked(parent, text, start, hit, found) {
    var end = start + text.length;
    if (!hit || hit.end <= start || hit.start >= end) {
      parent.appendChild(document.createTextNode(text));
      return;
    }
    var a = Math.max(hit.start, start) - start;
    var b = Math.min(hit.end, end) - start;
    if (a > 0) parent.appendChild(document.createTextNode(text.slice(0, a)));
    var mark = document.createElement("mark");
    mark.textContent = text.slice(a, b);
    parent.appendChild(mark);
    if (!found.first) { mark.id = "hit"; found.first = mark; }
    if (b < text.length) parent.appendChild(document.createTextNode(text.slice(b)));
  }

  /** Plain lines as one pre-wrapped block. */
  function plainBlock(lines, start, hit, found) {
    var div = document.createElement("div");
    div.className = "lines";
    appendMarked(div, lines.join("\n"), start, hit, found);
    // a block's last line break draws nothing: an empty last line needs one more to show
    if (lines[lines.length - 1] === "") div.appendChild(document.createTextNode("\n"));
    return div;
  }

  function blankEdges(line) {
    return { lead: /^\s*/.exec(line)[0].length, trail: /\s*$/.exec(line)[0].length };
  }

  /** Tab-separated lines as a table. A row whose text the hit covers is highlighted whole (tr.hit);
   * a hit inside a row marks the text it covers; the cell holding the field is td.hit-cell. */
  function tableBlock(lines, start, hit, field, found) {
    var rows = [], width = 0;
    for (var i = 0; i < lines.length; i++) {
      rows.push(lines[i].split(TAB));
      if (rows[i].length > width) width = rows[i].length;
    }
    var tbody = document.createElement("tbody");
    var pos = start;
    for (var r = 0; r < rows.length; r++) {
      var line = lines[r], lineEnd = pos + line.length, edges = blankEdges(line);
      var tr = document.createElement("tr");
      var whole = !!hit && hit.start <= pos + edges.lead && hit.end >= lineEnd - edges.trail;
      if (whole) {
        tr.className = "hit";
        if (!found.first) { tr.id = "hit"; found.first = tr; }
      }
      var cells = rows[r], cellStart = pos;
      for (var c = 0; c < cells.length; c++) {
        var td = document.createElement("td");
        var cellEnd = cellStart + cells[c].length;
        if (c === cells.length - 1 && cells.length < width) td.colSpan = width - cells.length + 1;  // a group row
        if (whole) td.textContent = cells[c];
        else appendMarked(td, cells[c], cellStart, hit, found);
        if (field && field.start < cellEnd && field.end > cellStart) {
          td.className = "hit-cell";
          if (!found.cell) { td.id = "hit-cell"; found.cell = td; }
        }
        tr.appendChild(td);
        cellStart = cellEnd + 1;
      }
      tbody.appendChild(tr);
      pos = lineEnd + 1;
    }
    var table = document.createElement("table");
    table.appendChild(tbody);
    var wrap = document.createElement("div");
    wrap.className = "table-wrap";
    wrap.appendChild(table);
    return wrap;
  }

  /** The whole text as blocks: runs of tab-separated lines become tables, other lines plain blocks
   * of at most BLOCK_LINES lines (not cut inside the hit, so a quote stays one mark). Returns the
   * element to scroll to: the cited cell, else the first highlighted row or mark. */
  function render(text, hit, field) {
    var lines = text.split("\n");
    if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();  // the text's last line break ends a line
    var frag = document.createDocumentFragment();
    var found = { first: null, cell: null };
    var pos = 0, i = 0;
    while (i < lines.length) {
      var tabular = lines[i].indexOf(TAB) >= 0;
      var start = pos, j = i;
      while (j < lines.length && (lines[j].indexOf(TAB) >= 0) === tabular) {
        if (!tabular && j - i >= BLOCK_LINES && !(hit && pos > hit.start && pos < hit.end)) break;
        pos += lines[j].length + 1;
        j++;
      }
      var run = lines.slice(i, j);
      frag.appendChild(tabular ? tableBlock(run, start, hit, field, found) : plainBlock(run, start, hit, found));
      i = j;
    }
    box.textContent = "";
    box.appendChild(frag);
    return found.cell || found.first;
  }

  function show(text) {
    var t0 = window.performance ? performance.now() : 0;
    var hit = span("start", "end", text.length);
    var field = span("fstart", "fend", text.length);
    var wanted = params.get("start") !== null || params.get("fstart") !== null;
    var target = render(text, hit, field);
    say(wanted && !target ? T.spanGone : "", false);
    if (target) {
      target.tabIndex = -1;  // focusable, so keyboard and screen-reader users land on the quote
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: "center" });
    }
    void box.offsetHeight;  // the first layout is part of the cost of showing the text
    document.body.setAttribute("data-render-ms", String(Math.round((window.performance ? performance.now() : 0) - t0)));
    document.body.setAttribute("data-rendered", "true");
  }

  // ---- loading -----------------------------------------------------------------------------

  if (!doc) { say(T.missingDoc, true); return; }
  say(T.loading, false);
  var base = new URL("v1/documents/" + encodeURIComponent(doc), document.baseURI).toString();

  fetch(base).then(function (r) { return r.ok ? r.json() : null; }).then(function (d) {
    if (!d) return;
    var name = d.title || d.number || T.document;
    document.getElementById("title").textContent = name;
    document.title = name;
    document.getElementById("meta").textContent = [d.number, d.issuer, d.date].filter(Boolean).join(" · ");
  }).catch(function () { /* the header keeps its generic title; the text below says what failed */ });

  fetch(base + "/text").then(function (r) {
    return r.json().catch(function () { return null; }).then(function (body) { return { ok: r.ok, body: body }; });
  }).then(function (res) {
    if (!res.ok || !res.body) { say((res.body && res.body.detail) || T.failed, true); return; }
    show(res.body.text || "");
  }).catch(function () { say(T.network, true); });
})();
