/*!
 * The admin page: log in with the admin key, upload plans by drag and drop (with progress and
 * per-file results), list the plans with their metadata and task counts, show a plan's task
 * records, delete a plan. It only calls the public API; server text is set with textContent.
 */
(function () {
  "use strict";

  var ALLOWED = [".pdf", ".docx", ".md", ".txt"];
  var KEY_STORE = "cchc-admin-key";
  var T = {
    checking: "Đang kiểm tra khóa…",
    loggedIn: "Đã đăng nhập. Có thể tải lên và xóa tài liệu.",
    loggedOut: "Nhập khóa quản trị để tải lên hoặc xóa tài liệu.",
    badKey: "Khóa quản trị không đúng.",
    network: "Không kết nối được máy chủ.",
    waiting: "Đang chờ…",
    uploading: "Đang tải lên… ",
    processing: "Đang phân tích và lập chỉ mục…",
    badType: "Định dạng không được hỗ trợ; chỉ nhận PDF, DOCX, MD hoặc TXT.",
    added: "Đã nạp: ",
    chunks: " đoạn",
    tasks: " nhiệm vụ",
    loading: "Đang tải danh sách…",
    noDocs: "Chưa có tài liệu nào.",
    showTasks: "Nhiệm vụ",
    hideTasks: "Ẩn nhiệm vụ",
    noTasks: "Tài liệu này không có bảng nhiệm vụ.",
    del: "Xóa",
    confirmDel: "Bấm lần nữa để xóa",
    deleted: "Đã xóa tài liệu ",
    ocr: "OCR"
  };

  function $(id) { return document.getElementById(id); }
  function api(path) { return new URL(path, document.baseURI).toString(); }

  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (k === "text") node.textContent = props[k];
      else if (k === "className") node.className = props[k];
      else node.setAttribute(k, props[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function setStatus(node, text, kind) {
    node.textContent = text || "";
    node.className = kind || "";
  }

  function detailOf(body, status) {
    if (body && typeof body.detail === "string") return body.detail;
    return "Lỗi " + status;
  }

  // -- the key ----------------------------------------------------------------------------------
  var key = sessionStorage.getItem(KEY_STORE) || "";

  function setLoggedIn(on) {
    $("upload").setAttribute("aria-disabled", on ? "false" : "true");
    $("logout").hidden = !on;
    $("files").disabled = !on;
  }

  function checkKey(candidate) {
    setStatus($("key-status"), T.checking);
    return fetch(api("v1/admin/check"), { headers: { "X-API-Key": candidate } }).then(function (res) {
      if (res.ok) {
        key = candidate;
        sessionStorage.setItem(KEY_STORE, key);
        setLoggedIn(true);
        setStatus($("key-status"), T.loggedIn, "ok");
        return;
      }
      return res.json().catch(function () { return null; }).then(function (body) {
        logout();
        setStatus($("key-status"), res.status === 401 ? T.badKey : detailOf(body, res.status), "err");
      });
    }, function () {
      setStatus($("key-status"), T.network, "err");
    });
  }

  function logout() {
    key = "";
    sessionStorage.removeItem(KEY_STORE);
    setLoggedIn(false);
    setStatus($("key-status"), T.loggedOut);
  }

  $("key-form").addEventListener("submit", function (e) {
    e.preventDefault();
    checkKey($("key").value.trim());
    $("key").value = "";
  });
  $("logout").addEventListener("click", logout);

  // -- uploads ----------------------------------------------------------------------------------
  function extOf(name) {
    var dot = name.lastIndexOf(".");
    return dot >= 0 ? name.slice(dot).toLowerCase() : "";
  }

  function humanSize(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + " KB";
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  function uploadOne(file, row) {
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", api("v1/documents"));
      xhr.setRequestHeader("X-API-Key", key);
      xhr.responseType = "json";
      xhr.upload.onprogress = function (e) {
        if (!e.lengthComputable) return;
        row.progress.value = Math.round((e.loaded / e.total) * 100);
        row.status.textContent = T.uploading + row.progress.value + "%";
      };
      xhr.upload.onload = function () {
        row.progress.value = 100;
        row.status.textContent = T.processing;
      };
      xhr.onload = function () {
        var body = xhr.response;
        row.progress.value = 100;
        if (xhr.status === 201 && body) {
          var title = body.title || body.doc_id;
          setStatus(row.status, T.added + title + " — " + body.chunks + T.chunks + ", " + body.tasks + T.tasks, "ok");
          row.item.setAttribute("data-result", "ok");
          row.item.setAttribute("data-doc-id", body.doc_id);
          resolve(true);
        } else {
          if (xhr.status === 401) logout();
          setStatus(row.status, detailOf(body, xhr.status), "err");
          row.item.setAttribute("data-result", "error");
          resolve(false);
        }
      };
      xhr.onerror = function () {
        setStatus(row.status, T.network, "err");
        row.item.setAttribute("data-result", "error");
        resolve(false);
      };
      var form = new FormData();
      form.append("file", file, file.name);
      xhr.send(form);
    });
  }

  function handleFiles(fileList) {
    var files = Array.prototype.slice.call(fileList || []);
    if (!files.length || !key) return;
    var list = $("uploads");
    list.textContent = "";
    var rows = files.map(function (file) {
      var progress = el("progress", { max: "100", value: "0" });
      var status = el("span", { text: T.waiting });
      var item = el("li", { "data-testid": "admin-upload", "data-name": file.name }, [
        el("span", { className: "name", text: file.name + " (" + humanSize(file.size) + ")" }), progress, status
      ]);
      list.appendChild(item);
      return { file: file, item: item, progress: progress, status: status };
    });
    setStatus($("summary"), "");
    var ok = 0, failed = 0;
    // one after another: the server ingests one file at a time anyway
    var chain = Promise.resolve();
    rows.forEach(function (row) {
      chain = chain.then(function () {
        if (ALLOWED.indexOf(extOf(row.file.name)) < 0) {
          setStatus(row.status, T.badType, "err");
          row.item.setAttribute("data-result", "error");
          failed++;
          return;
        }
        return uploadOne(row.file, row).then(function (good) { if (good) ok++; else failed++; });
      });
    });
    chain.then(function () {
      setStatus($("summary"), "Đã xử lý " + rows.length + " tệp: " + ok + " đã nạp, " + failed + " lỗi.",
                failed ? "err" : "ok");
      loadDocuments();
    });
  }

  var drop = $("drop");
  ["dragenter", "dragover"].forEach(function (type) {
    drop.addEventListener(type, function (e) { e.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (type) {
    drop.addEventListener(type, function (e) { e.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (e) { handleFiles(e.dataTransfer && e.dataTransfer.files); });
  drop.addEventListener("click", function () { if (key) $("files").click(); });
  drop.addEventListener("keydown", function (e) {
    if ((e.key === "Enter" || e.key === " ") && key) { e.preventDefault(); $("files").click(); }
  });
  $("files").addEventListener("change", function () { handleFiles($("files").files); $("files").value = ""; });
  // a file dropped beside the zone must not make the browser leave the page
  window.addEventListener("dragover", function (e) { e.preventDefault(); });
  window.addEventListener("drop", function (e) { e.preventDefault(); });

  // -- documents --------------------------------------------------------------------------------
  function cell(text, className) { return el("td", { text: text == null ? "" : String(text), className: className || "" }); }

  function taskTable(tasks) {
    if (!tasks.length) return el("p", { text: T.noTasks });
    var head = el("tr", {}, ["STT", "Nội dung", "Chủ trì", "Phối hợp", "Sản phẩm", "Thời gian", "Trang"].map(function (h) {
      return el("th", { scope: "col", text: h });
    }));
    var body = el("tbody", {}, tasks.map(function (t) {
      return el("tr", { "data-testid": "admin-task" }, [
        cell(t.task_id), cell(t.content), cell(t.lead), cell(t.cooperating), cell(t.product), cell(t.deadline),
        cell(t.page, "num")
      ]);
    }));
    return el("table", { className: "task-table" }, [el("thead", {}, [head]), body]);
  }

  function toggleTasks(doc, row, button) {
    var next = row.nextSibling;
    if (next && next.classList && next.classList.contains("tasks")) {
      next.parentNode.removeChild(next);
      button.textContent = T.showTasks + " (" + doc.tasks + ")";
      button.setAttribute("aria-expanded", "false");
      return;
    }
    var holder = el("td", { colspan: "9", text: T.loading });
    var detail = el("tr", { className: "tasks", "data-testid": "admin-tasks" }, [holder]);
    row.parentNode.insertBefore(detail, row.nextSibling);
    button.textContent = T.hideTasks;
    button.setAttribute("aria-expanded", "true");
    fetch(api("v1/tasks?doc_id=" + encodeURIComponent(doc.doc_id))).then(function (res) {
      return res.json().then(function (body) {
        holder.textContent = "";
        if (!res.ok) { holder.appendChild(el("p", { className: "err", text: detailOf(body, res.status) })); return; }
        holder.appendChild(taskTable(body));
      });
    }, function () { holder.textContent = T.network; });
  }

  function deleteDoc(doc, button) {
    if (button.getAttribute("data-armed") !== "true") {
      button.setAttribute("data-armed", "true");
      button.textContent = T.confirmDel;
      setTimeout(function () {
        button.setAttribute("data-armed", "false");
        button.textContent = T.del;
      }, 5000);
      return;
    }
    button.disabled = true;
    fetch(api("v1/documents/" + encodeURIComponent(doc.doc_id)), { method: "DELETE", headers: { "X-API-Key": key } })
      .then(function (res) {
        return res.json().catch(function () { return null; }).then(function (body) {
          if (res.ok) {
            setStatus($("docs-status"), T.deleted + (doc.title || doc.doc_id) + ".", "ok");
          } else {
            if (res.status === 401) logout();
            setStatus($("docs-status"), detailOf(body, res.status), "err");
          }
          loadDocuments();
        });
      }, function () { setStatus($("docs-status"), T.network, "err"); button.disabled = false; });
  }

  function docRow(doc) {
    var tasksBtn = el("button", { type: "button", className: "secondary", "aria-expanded": "false",
                                  "data-testid": "admin-show-tasks", text: T.showTasks + " (" + doc.tasks + ")" });
    var delBtn = el("button", { type: "button", className: "danger", "data-testid": "admin-delete", text: T.del });
    var title = el("td", {}, [el("span", { text: doc.title || doc.doc_id })]);
    if (doc.ocr_damaged) title.appendChild(el("span", { className: "badge", text: " " + T.ocr, title: "văn bản quét (OCR)" }));
    var row = el("tr", { "data-doc-id": doc.doc_id, "data-testid": "admin-doc" }, [
      title, cell(doc.kind), cell(doc.number), cell(doc.date), cell(doc.issuer), cell(doc.pages, "num"),
      cell(doc.chunks, "num"), cell(doc.tasks, "num"), el("td", { className: "actions" }, [tasksBtn, delBtn])
    ]);
    tasksBtn.addEventListener("click", function () { toggleTasks(doc, row, tasksBtn); });
    delBtn.addEventListener("click", function () {
      if (!key) { setStatus($("docs-status"), T.loggedOut, "err"); return; }
      deleteDoc(doc, delBtn);
    });
    return row;
  }

  function loadDocuments() {
    var tbody = $("docs").querySelector("tbody");
    return fetch(api("v1/documents")).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) { setStatus($("docs-status"), detailOf(body, res.status), "err"); return; }
        tbody.textContent = "";
        body.forEach(function (doc) { tbody.appendChild(docRow(doc)); });
        $("doc-count").textContent = "(" + body.length + ")";
        if (!body.length) setStatus($("docs-status"), T.noDocs);
        document.body.setAttribute("data-docs-loaded", String(body.length));
      });
    }, function () { setStatus($("docs-status"), T.network, "err"); });
  }

  setLoggedIn(false);
  setStatus($("key-status"), T.loggedOut);
  if (key) checkKey(key);
  loadDocuments();
})();
