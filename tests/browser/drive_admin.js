// Drives the admin page: wrong then right key, drag-and-drop upload of a good plan and two bad
// files, the document list and a plan's task records, then asks the chat widget about the new plan,
// then deletes it.  usage: node drive_admin.js BASE_URL KEY SHOT_DIR   (prints one JSON line)
"use strict";
const path = require("path");
const { askInWidget, launch, run } = require("./browser");

const PLAN = [
  "KẾ HOẠCH",
  "",
  "Cải cách hành chính phường Thử Nghiệm năm 2026",
  "",
  "I. MỤC TIÊU",
  "",
  "- 97% hồ sơ thủ tục hành chính của phường Thử Nghiệm được giải quyết trực tuyến.",
  "",
].join("\n");
const QUESTION = "Phường Thử Nghiệm giải quyết trực tuyến bao nhiêu phần trăm hồ sơ?";

run(async function main() {
  const [base, key, shots] = process.argv.slice(2);
  const { context, out, close } = await launch(base);
  try {
    const page = context.pages()[0] || (await context.newPage());
    await page.goto(base + "/admin", { waitUntil: "load" });
    await page.waitForSelector("body[data-docs-loaded]");
    out.docsBefore = await page.locator('[data-testid="admin-doc"]').count();
    out.uploadDisabledBefore = (await page.locator("#upload").getAttribute("aria-disabled")) === "true";

    await page.fill('[data-testid="admin-key"]', "sai-khoa");
    await page.click('[data-testid="admin-login"]');
    await page.waitForFunction(() => document.querySelector("#key-status").className === "err");
    out.wrongKeyStatus = await page.textContent('[data-testid="admin-key-status"]');

    await page.fill('[data-testid="admin-key"]', key);
    await page.click('[data-testid="admin-login"]');
    await page.waitForFunction(() => document.querySelector("#upload").getAttribute("aria-disabled") === "false");
    out.keyStatus = await page.textContent('[data-testid="admin-key-status"]');

    // a plan's task records
    const withTasks = page.locator('[data-testid="admin-doc"]', { hasText: "Phụ lục" }).first();
    out.taskCountCell = (await withTasks.locator("td").nth(7).textContent()).trim();
    await withTasks.locator('[data-testid="admin-show-tasks"]').click();
    await page.locator('[data-testid="admin-task"]').first().waitFor({ timeout: 10000 });
    out.taskRows = await page.locator('[data-testid="admin-task"]').count();
    out.firstTask = await page.locator('[data-testid="admin-task"]').first().locator("td").allTextContents();
    await withTasks.locator('[data-testid="admin-show-tasks"]').click();

    // drag and drop three files onto the zone
    const dataTransfer = await page.evaluateHandle((plan) => {
      const dt = new DataTransfer();
      dt.items.add(new File([plan], "ke_hoach_thu_nghiem.md", { type: "text/markdown" }));
      dt.items.add(new File(["khong phai pdf"], "hong.pdf", { type: "application/pdf" }));
      dt.items.add(new File([new Uint8Array([137, 80, 78, 71])], "anh.png", { type: "image/png" }));
      return dt;
    }, PLAN);
    await page.dispatchEvent('[data-testid="admin-drop"]', "dragenter", { dataTransfer });
    await page.dispatchEvent('[data-testid="admin-drop"]', "drop", { dataTransfer });
    await page.waitForFunction(() => document.querySelector("#summary").textContent.length > 0, null, { timeout: 60000 });
    out.summary = await page.textContent('[data-testid="admin-summary"]');
    out.uploads = await page.locator('[data-testid="admin-upload"]').evaluateAll((items) => items.map((li) => ({
      name: li.getAttribute("data-name"),
      result: li.getAttribute("data-result"),
      progress: li.querySelector("progress").value,
      status: li.lastChild.textContent,
    })));
    await page.waitForSelector('[data-testid="admin-doc"][data-doc-id="ke_hoach_thu_nghiem"]', { timeout: 10000 });
    out.newDocRow = await page.locator('[data-doc-id="ke_hoach_thu_nghiem"] td').allTextContents();
    await page.screenshot({ path: path.join(shots, "admin.png"), fullPage: true });

    // the new plan answers in the chat widget
    const answer = await askInWidget(page, base, QUESTION);
    out.answer = await answer.locator(".text").textContent();
    out.answerCitation = await answer.locator('[data-testid="cchc-citation"] summary').first().textContent();
    await page.screenshot({ path: path.join(shots, "admin-answer.png") });

    // back on the admin page (still logged in in this tab), delete the plan: two clicks
    await page.goto(base + "/admin", { waitUntil: "load" });
    await page.waitForFunction(() => document.querySelector("#upload").getAttribute("aria-disabled") === "false");
    const del = page.locator('[data-doc-id="ke_hoach_thu_nghiem"] [data-testid="admin-delete"]');
    await del.click();
    out.armedLabel = await del.textContent();
    await del.click();
    await page.locator('[data-doc-id="ke_hoach_thu_nghiem"]').waitFor({ state: "detached", timeout: 30000 });
    out.deleteStatus = await page.textContent("#docs-status");
    out.docsAfter = await page.locator('[data-testid="admin-doc"]').count();
  } finally {
    await close();
  }
  return out;
});
