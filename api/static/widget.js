/*!
 * CCHC chat widget: one tag embeds it in any page.
 *   <script src="https://HOST/static/widget.js" data-api="https://HOST" defer></script>
 * Optional attributes: data-title, data-open="true", data-history="4" (turns sent back).
 * No dependencies, no external resources; styles live in a shadow root so the host page's
 * CSS neither leaks in nor out. Text from the server is only ever set with textContent.
 */
(function () {
  "use strict";
  if (window.__cchcWidget) return;
  window.__cchcWidget = true;

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  var scriptUrl = script && script.src ? new URL(script.src, location.href) : new URL(location.href);
  var API = ((script && script.getAttribute("data-api")) || scriptUrl.origin).replace(/\/+$/, "");
  var TITLE = (script && script.getAttribute("data-title")) || "Hỏi về kế hoạch CCHC";
  var MAX_TURNS = parseInt((script && script.getAttribute("data-history")) || "4", 10) || 4;

  var T = {
    open: "Mở trợ lý hỏi đáp về kế hoạch CCHC",
    close: "Đóng",
    send: "Gửi",
    placeholder: "Nhập câu hỏi…",
    intro: "Xin chào! Hãy hỏi về các kế hoạch cải cách hành chính, ví dụ: “Ai chủ trì nhiệm vụ III.5?”",
    thinking: "Đang tìm trong tài liệu…",
    notFound: "Không tìm thấy trong tài liệu",
    sources: "Nguồn trích dẫn",
    view: "Xem trong văn bản",
    viewField: "Xem ô này trong văn bản",
    document: "Văn bản",
    error: "Không kết nối được máy chủ. Vui lòng thử lại.",
    busy: "Bạn gửi quá nhiều câu hỏi, vui lòng thử lại sau ít phút.",
    clear: "Cuộc trò chuyện mới",
    you: "Bạn",
    bot: "Trợ lý",
    section: "Mục",
    task: "Nhiệm vụ",
    page: "Trang"
  };

  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box}",
    ".root{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1b1b1b}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;",
    "padding:12px 18px;border:0;border-radius:28px;background:#b3261e;color:#fff;font:inherit;font-weight:600;",
    "box-shadow:0 4px 14px rgba(0,0,0,.3);cursor:pointer}",
    ".launcher:hover{background:#8f1d17}",
    ".launcher svg{width:22px;height:22px;fill:currentColor}",
    "button:focus-visible,textarea:focus-visible,summary:focus-visible,a:focus-visible{outline:3px solid #f5b400;outline-offset:2px}",
    ".panel{position:fixed;right:20px;bottom:20px;z-index:2147483001;width:380px;max-width:calc(100vw - 24px);",
    "height:560px;max-height:calc(100vh - 40px);display:flex;flex-direction:column;background:#fff;",
    "border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.35);overflow:hidden}",
    ".panel[hidden],.launcher[hidden]{display:none}",
    ".head{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:10px 12px;background:#b3261e;color:#fff}",
    ".head h2{margin:0;font-size:16px;font-weight:700}",
    ".head .tools{display:flex;gap:4px}",
    ".icon{border:0;background:transparent;color:#fff;font:inherit;font-size:20px;line-height:1;padding:4px 8px;border-radius:6px;cursor:pointer}",
    ".icon:hover{background:rgba(255,255,255,.18)}",
    ".log{flex:1;overflow-y:auto;padding:12px;background:#f6f6f4;display:flex;flex-direction:column;gap:10px}",
    ".msg{max-width:92%;padding:8px 11px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}",
    ".msg.user{align-self:flex-end;background:#b3261e;color:#fff;border-bottom-right-radius:3px}",
    ".msg.bot{align-self:flex-start;background:#fff;border:1px solid #e2e2de;border-bottom-left-radius:3px}",
    ".msg.pending .text:empty::after{content:attr(data-wait);color:#666;font-style:italic}",
    ".msg.abstained{background:#fff8e1;border:1px dashed #c79100}",
    ".badge{display:inline-block;margin-bottom:4px;padding:1px 8px;border-radius:10px;background:#c79100;color:#fff;font-size:12px;font-weight:700}",
    ".msg.error{background:#fdecea;border:1px solid #e57373;color:#7f1d1d}",
    ".cites{margin:8px 0 0;padding:0;list-style:none;white-space:normal}",
    ".cites-title{margin-top:8px;font-size:12px;font-weight:700;color:#555;text-transform:uppercase;letter-spacing:.03em}",
    ".cite{margin-top:4px;border:1px solid #e2e2de;border-radius:6px;background:#fafaf8}",
    ".cite summary{cursor:pointer;padding:4px 8px;font-size:13px;color:#0b4f8a;list-style-position:inside}",
    ".cite .num{font-weight:700;margin-right:4px}",
    ".cite .body{padding:4px 10px 8px;font-size:13px}",
    ".cite blockquote{margin:4px 0;padding:4px 8px;border-left:3px solid #b3261e;background:#fff;white-space:pre-wrap;tab-size:2}",
    ".cite .meta{color:#555;font-size:12px}",
    ".fields{margin:4px 0;padding:4px 8px;border-left:3px solid #b3261e;background:#fff}",
    ".field{margin:2px 0}",
    ".field dt{display:inline;font-weight:600;color:#555}",
    ".field dt::after{content:': '}",
    ".field dd{display:inline;margin:0;white-space:pre-wrap}",
    ".cite .field a{color:inherit;font-size:inherit;text-decoration:underline dotted #888}",
    ".cite a{color:#0b4f8a;font-size:12px}",
    ".form{display:flex;gap:8px;padding:10px;border-top:1px solid #e2e2de;background:#fff}",
    ".form textarea{flex:1;resize:none;height:44px;max-height:120px;padding:10px;border:1px solid #b9b9b4;border-radius:8px;font:inherit}",
    ".form button{padding:0 16px;border:0;border-radius:8px;background:#b3261e;color:#fff;font:inherit;font-weight:600;cursor:pointer}",
    ".form button:disabled{background:#999;cursor:wait}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;max-width:100vw;height:100%;max-height:100%;border-radius:0}",
    ".launcher{right:12px;bottom:12px}.msg{max-width:100%}}",
    "@media (prefers-reduced-motion:no-preference){.panel{animation:pop .15s ease-out}@keyframes pop{from{opacity:0;transform:translateY(12px)}to{opacity:1;transform:none}}}"
  ].join("\n");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
        if (k === "text") node.textContent = attrs[k];
        else if (k === "className") node.className = attrs[k];
        else node.setAttribute(k, attrs[k]);
      }
    }
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function svgChat() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    var p = document.createElementNS(ns, "path");
    p.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2zm3 6v2h10V9H7zm0 4v2h7v-2H7z");
    svg.appendChild(p);
    return svg;
  }

  // A constructed style sheet where the browser has them, so a page whose Content-Security-Policy
  // forbids inline styles (style-src 'self', like this service's own pages) still styles the widget;
  // a <style> element otherwise.
  function addStyles(target) {
    if (target !== host && "adoptedStyleSheets" in target && typeof CSSStyleSheet === "function") {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        target.adoptedStyleSheets = [sheet];
        return;
      } catch (e) { /* an older engine: fall back to a <style> element */ }
    }
    target.appendChild(el("style", { text: CSS }));
  }

  // ---- DOM -------------------------------------------------------------------------
  var host = el("div", { id: "cchc-chat-widget" });
  var shadow = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var root = el("div", { className: "root" });

  var launcher = el("button", {
    type: "button", className: "launcher", "aria-label": T.open, "aria-expanded": "false",
    "aria-controls": "cchc-panel", "data-testid": "cchc-launcher"
  }, [svgChat(), el("span", { text: "Hỏi đáp CCHC" })]);

  var titleId = "cchc-title";
  var closeBtn = el("button", { type: "button", className: "icon", "aria-label": T.close, title: T.close, text: "×" });
  var clearBtn = el("button", { type: "button", className: "icon", "aria-label": T.clear, title: T.clear, text: "↺" });
  var log = el("div", { className: "log", role: "log", tabindex: "0", "aria-live": "polite", "aria-relevant": "additions", "aria-labelledby": titleId });
  var input = el("textarea", {
    rows: "1", placeholder: T.placeholder, "aria-label": T.placeholder, maxlength: "1000",
    enterkeyhint: "send", "data-testid": "cchc-input"
  });
  var sendBtn = el("button", { type: "submit", text: T.send, "data-testid": "cchc-send" });
  var form = el("form", { className: "form", novalidate: "" }, [input, sendBtn]);
  var panel = el("div", {
    id: "cchc-panel", className: "panel", role: "dialog", "aria-modal": "false", "aria-labelledby": titleId, hidden: ""
  }, [
    el("div", { className: "head" }, [el("h2", { id: titleId, text: TITLE }), el("div", { className: "tools" }, [clearBtn, closeBtn])]),
    log,
    form
  ]);
  root.appendChild(launcher);
  root.appendChild(panel);
  addStyles(shadow);
  shadow.appendChild(root);

  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);

  // ---- state -------------------------------------------------------------------------
  var history = [];  // [{question, answer, task_id, doc_id}], oldest first
  var pending = false;
  var controller = null;

  function intro() {
    while (log.firstChild) log.removeChild(log.firstChild);
    log.appendChild(el("div", { className: "msg bot", text: T.intro }));
  }
  intro();

  function openPanel() {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    input.focus();
  }
  function closePanel() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", openPanel);
  closeBtn.addEventListener("click", closePanel);
  clearBtn.addEventListener("click", function () {
    if (controller) controller.abort();
    history = [];
    intro();
    input.focus();
  });
  panel.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") { ev.preventDefault(); closePanel(); }
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      submit();
    }
  });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); submit(); });

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  // ---- rendering -----------------------------------------------------------------------
  // A row already named by a word ("Bước 2") is not called a task; "III.5", "III.1 (tiếp)" are.
  function taskLabel(id) {
    var bare = id.replace(/\([^)]*\)/g, "");
    return bare !== bare.toUpperCase() ? id : T.task + " " + id;
  }

  function viewerHref(docId, start, end, field) {
    var href = API + "/viewer?doc=" + encodeURIComponent(docId);
    if (start != null && end != null) href += "&start=" + encodeURIComponent(start) + "&end=" + encodeURIComponent(end);
    if (field) href += "&fstart=" + encodeURIComponent(field.start) + "&fend=" + encodeURIComponent(field.end);
    return href;
  }

  function link(href, text, label) {
    var a = el("a", { target: "_blank", rel: "noopener", text: text });
    if (label) a.setAttribute("aria-label", label);
    a.href = href;
    return a;
  }

  // A cited table row: its cells under the table's own labels ("Thời hạn giải quyết: 1 ngày"),
  // each opening the document at that cell.
  function fieldList(c) {
    return el("dl", { className: "fields", "data-testid": "cchc-fields" }, c.fields.map(function (f) {
      var value = el("dd", null, [
        c.doc_id && f.start != null && f.end != null
          ? link(viewerHref(c.doc_id, c.start, c.end, f), f.text || "", (f.label || "") + ": " + (f.text || "") + " — " + T.viewField)
          : document.createTextNode(f.text || "")
      ]);
      return el("div", { className: "field", "data-testid": "cchc-field" }, [el("dt", { text: f.label || "" }), value]);
    }));
  }

  function citationNode(c, i) {
    var label = c.source || c.title || T.document;  // how people name the document, never its internal id
    var where = [];
    if (c.section) where.push(T.section + " " + c.section);
    if (c.task_id) where.push(taskLabel(c.task_id));
    if (c.page != null) where.push(T.page + " " + c.page);
    var summary = el("summary", null, [
      el("span", { className: "num", text: "[" + (i + 1) + "]" }),
      el("span", { text: label + (where.length ? " — " + where.join(", ") : "") })
    ]);
    var about = [];
    if (c.title && c.title !== label) about.push(c.title);
    if (c.issuer && label.toLowerCase().indexOf(c.issuer.toLowerCase()) < 0) about.push(c.issuer);
    var body = el("div", { className: "body" }, [
      c.fields && c.fields.length ? fieldList(c) : el("blockquote", { text: c.quote || "" }),
      about.length ? el("div", { className: "meta", text: about.join(" · ") }) : null
    ]);
    if (c.doc_id) body.appendChild(link(viewerHref(c.doc_id, c.start, c.end, null), T.view));
    return el("li", null, [el("details", { className: "cite", "data-testid": "cchc-citation" }, [summary, body])]);
  }

  function renderCitations(msg, citations) {
    var old = msg.querySelector(".cites-wrap");
    if (old) msg.removeChild(old);
    if (!citations || !citations.length) return;
    var list = el("ol", { className: "cites", "aria-label": T.sources });
    citations.forEach(function (c, i) { list.appendChild(citationNode(c, i)); });
    msg.appendChild(el("div", { className: "cites-wrap" }, [el("div", { className: "cites-title", text: T.sources }), list]));
  }

  function finish(msg, textNode, answer) {
    msg.classList.remove("pending");
    msg.removeAttribute("aria-busy");
    textNode.textContent = answer.answer || "";
    if (answer.abstained) {
      msg.classList.add("abstained");
      if (!msg.querySelector(".badge")) msg.insertBefore(el("div", { className: "badge", text: T.notFound }), textNode);
    }
    renderCitations(msg, answer.citations);
    var first = (answer.citations || [])[0];
    history.push({
      question: answer.question,
      answer: answer.answer || "",
      task_id: answer.task ? answer.task.task_id : (first && first.task_id) || null,
      doc_id: answer.task ? answer.task.doc_id : (first && first.doc_id) || null
    });
    if (history.length > MAX_TURNS) history = history.slice(-MAX_TURNS);
  }

  function showError(msg, textNode, text) {
    msg.classList.remove("pending");
    msg.classList.add("error");
    msg.removeAttribute("aria-busy");
    textNode.textContent = text;
  }

  // ---- network -------------------------------------------------------------------------
  function parseEvent(block) {
    var event = "message", data = [];
    block.split(/\r?\n/).forEach(function (line) {
      if (!line || line.charAt(0) === ":") return;
      var idx = line.indexOf(":");
      var field = idx < 0 ? line : line.slice(0, idx);
      var value = idx < 0 ? "" : line.slice(idx + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    });
    if (!data.length) return null;
    try { return { event: event, data: JSON.parse(data.join("\n")) }; } catch (e) { return null; }
  }

  // A refused origin (CORS) and an unreachable server look the same to the page: fetch only says
  // "TypeError". A no-cors request needs no CORS permission, so if it gets through, the server is
  // up and it is this page's origin that is not allowed. Told once per page, in the console, for
  // the administrator; the user only sees the plain T.error.
  var diagnosed = false;
  function explainConnectionFailure() {
    if (diagnosed || !window.fetch || !window.console) return;
    diagnosed = true;
    var origin = location.origin;
    var tag = "[Trợ lý CCHC / CCHC widget] ";
    fetch(API + "/healthz", { mode: "no-cors", cache: "no-store" }).then(function () {
      console.error(tag + "Máy chủ " + API + " đang chạy nhưng không cho phép trang có origin " + origin +
        " (CORS). Thêm " + origin + " vào CCHC_CORS_ORIGINS của máy chủ (ví dụ CCHC_CORS_ORIGINS=" + origin +
        ") rồi khởi động lại dịch vụ. — The server at " + API + " is up but does not allow this page's origin " +
        origin + ": add it to CCHC_CORS_ORIGINS on the server and restart it.");
    }, function () {
      var mixed = location.protocol === "https:" && API.indexOf("http:") === 0;
      console.error(tag + "Không kết nối được " + API + " từ trang " + origin + ": máy chủ chưa chạy, địa chỉ data-api sai, " +
        (mixed ? "trang https gọi máy chủ http (trình duyệt chặn), " : "") +
        "hoặc tường lửa / proxy / Content-Security-Policy (connect-src) chặn. Nếu máy chủ đang chạy, kiểm tra cả " +
        "CCHC_CORS_ORIGINS có " + origin + ". — Cannot reach " + API + " from " + origin + ": server down, wrong data-api, " +
        (mixed ? "an https page calling an http server (blocked), " : "") +
        "or a firewall/proxy/CSP connect-src blocks it; if the server is up, check that CCHC_CORS_ORIGINS lists " + origin + ".");
    });
  }

  function errorText(res, body) {
    if (body && typeof body.detail === "string") return body.detail;
    if (res.status === 429) return T.busy;
    return T.error;
  }

  function submit() {
    var question = input.value.trim();
    if (!question || pending) return;
    pending = true;
    sendBtn.disabled = true;
    input.value = "";
    log.appendChild(el("div", { className: "msg user" }, [el("span", { className: "sr", text: T.you + ": " }), el("span", { text: question })]));
    var textNode = el("div", { className: "text", "data-wait": T.thinking });
    var msg = el("div", { className: "msg bot pending", "aria-busy": "true", "data-testid": "cchc-answer" }, [
      el("span", { className: "sr", text: T.bot + ": " }), textNode
    ]);
    log.appendChild(msg);
    scrollDown();

    controller = window.AbortController ? new AbortController() : null;
    var done = false;
    var answered = false;
    var streamed = "";

    function handle(ev) {
      if (!ev) return;
      if (ev.event === "token" && ev.data && typeof ev.data.text === "string") {
        streamed += ev.data.text;
        textNode.textContent = streamed;
      } else if (ev.event === "citations" && Array.isArray(ev.data)) {
        renderCitations(msg, ev.data);
      } else if (ev.event === "done" && ev.data) {
        done = true;
        finish(msg, textNode, ev.data);
      } else if (ev.event === "error" && ev.data) {
        done = true;
        showError(msg, textNode, ev.data.detail || T.error);
      }
      scrollDown();
    }

    fetch(API + "/v1/chat/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
      body: JSON.stringify({ question: question, history: history.slice(-MAX_TURNS) }),
      signal: controller ? controller.signal : undefined
    }).then(function (res) {
      answered = true;
      if (!res.ok) {
        return res.json().catch(function () { return null; }).then(function (body) {
          done = true;
          showError(msg, textNode, errorText(res, body));
        });
      }
      var buffer = "";
      function consume(chunk, flush) {
        buffer += chunk;
        var parts = buffer.split(/\r?\n\r?\n/);
        buffer = flush ? "" : parts.pop();
        parts.forEach(function (p) { handle(parseEvent(p)); });
      }
      if (!res.body || !res.body.getReader) {
        return res.text().then(function (t) { consume(t, true); });
      }
      var reader = res.body.getReader();
      var decoder = new TextDecoder("utf-8");
      function pump() {
        return reader.read().then(function (r) {
          if (r.done) { consume(decoder.decode(), true); return; }
          consume(decoder.decode(r.value, { stream: true }), false);
          return pump();
        });
      }
      return pump();
    }).catch(function (err) {
      if (err && err.name === "AbortError") return;
      done = true;
      showError(msg, textNode, T.error);
      if (!answered) explainConnectionFailure();  // the request never got a response at all
    }).then(function () {
      if (!done && msg.parentNode) showError(msg, textNode, T.error);
      pending = false;
      sendBtn.disabled = false;
      controller = null;
      if (!panel.hidden) input.focus();
      scrollDown();
    });
  }

  if (script && script.getAttribute("data-open") === "true") {
    if (document.body) openPanel(); else document.addEventListener("DOMContentLoaded", openPanel);
  }
})();
