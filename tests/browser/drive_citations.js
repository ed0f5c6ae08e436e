// A cited table row, end to end: ask the widget about a step of a crawled decision, read the citation
// (the document's name, the row's labelled fields), open the viewer from a field's link (a table with
// the row and the cell highlighted), open it at a paragraph quote, and open a long document.
// usage: node drive_citations.js BASE_URL SHOT_DIR QUESTION PARAGRAPH_QUERY BIG_VIEWER_URL
// (PARAGRAPH_QUERY: "start=S&end=E" of a paragraph quote; BIG_VIEWER_URL: the viewer at a row of a long
// document, possibly on another server)   prints one JSON line
"use strict";
const path = require("path");
const { askInWidget, launch, run } = require("./browser");

async function viewerState(page) {
  await page.waitForSelector("body[data-rendered]", { timeout: 30000 });
  // a few frames later (blocks near the target laid out for real): still in view
  await page.evaluate(() => new Promise((done) => setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(done)), 300)));
  return page.evaluate(() => {
    const hitRow = document.querySelector("tr.hit");
    const cell = document.querySelector("td.hit-cell");
    const target = cell || document.getElementById("hit");
    const box = target ? target.getBoundingClientRect() : null;
    return {
      title: document.getElementById("title").textContent,
      status: document.getElementById("status").textContent,
      tables: document.querySelectorAll("#text table").length,
      rows: document.querySelectorAll("#text tr").length,
      plainBlocks: document.querySelectorAll("#text .lines").length,
      hitTableFirstRow: hitRow ? Array.from(hitRow.closest("table").rows[0].cells).map((td) => td.textContent) : null,
      hitRows: document.querySelectorAll("tr.hit").length,
      hitRowCells: hitRow ? Array.from(hitRow.cells).map((td) => td.textContent) : null,
      hitRowId: hitRow ? hitRow.id : null,
      hitCells: Array.from(document.querySelectorAll("td.hit-cell")).map((td) => td.textContent),
      marks: Array.from(document.querySelectorAll("mark")).map((m) => m.textContent),
      markId: (document.querySelector("mark") || {}).id || null,
      focused: !!target && document.activeElement === target,
      targetInView: !!box && box.top >= 0 && box.bottom <= window.innerHeight,
      injected: document.querySelectorAll("#text img, #text script, #text b").length,
      text: document.getElementById("text").textContent,
      renderMs: Number(document.body.getAttribute("data-render-ms")),
    };
  });
}

run(async function main() {
  const [base, shots, question, paragraphQuery, bigUrl] = process.argv.slice(2);
  const { context, out, close } = await launch(base, [bigUrl]);
  try {
    const page = context.pages()[0] || (await context.newPage());
    const answer = await askInWidget(page, base, question);
    const cite = answer.locator('[data-testid="cchc-citation"]').first();
    // keyboard: focus the summary, Enter opens the citation
    await cite.locator("summary").focus();
    await page.keyboard.press("Enter");
    await cite.locator('[data-testid="cchc-fields"]').waitFor({ state: "visible", timeout: 5000 });
    out.answer = await answer.locator(".text").textContent();
    out.summary = await cite.locator("summary").textContent();
    out.citationText = await cite.textContent();
    out.blockquotes = await cite.locator("blockquote").count();
    out.fields = await cite.locator('[data-testid="cchc-field"]').evaluateAll((rows) => rows.map((row) => ({
      label: row.querySelector("dt").textContent,
      text: row.querySelector("dd").textContent,
      href: (row.querySelector("a") || {}).href || null,
    })));
    out.fieldLabelAfter = await cite.locator("dt").first().evaluate((dt) => getComputedStyle(dt, "::after").content);
    out.meta = await cite.locator(".meta").textContent();
    out.rowHref = await cite.locator("a", { hasText: "Xem trong văn bản" }).getAttribute("href");
    await cite.scrollIntoViewIfNeeded();
    await cite.screenshot({ path: path.join(shots, "citation-row.png") });

    // the "Đơn vị/người thực hiện" field opens the viewer at its row and cell
    const fieldHref = out.fields.find((f) => f.label === "Đơn vị/người thực hiện").href;
    const viewer = await context.newPage();
    await viewer.goto(fieldHref, { waitUntil: "load" });
    out.viewerField = await viewerState(viewer);
    delete out.viewerField.text;
    await viewer.screenshot({ path: path.join(shots, "viewer-row.png") });

    // the row link without a field: the row alone
    await viewer.goto(new URL(out.rowHref, base).toString(), { waitUntil: "load" });
    out.viewerRow = await viewerState(viewer);
    delete out.viewerRow.text;

    // a paragraph quote is still a <mark>, in plain text
    const docId = new URL(out.rowHref, base).searchParams.get("doc");
    await viewer.goto(`${base}/viewer?doc=${encodeURIComponent(docId)}&${paragraphQuery}`, { waitUntil: "load" });
    out.viewerParagraph = await viewerState(viewer);
    delete out.viewerParagraph.text;

    // a span the text does not have any more: the text, and a note
    await viewer.goto(`${base}/viewer?doc=${encodeURIComponent(docId)}&start=999999&end=1000000`, { waitUntil: "load" });
    out.viewerGone = await viewerState(viewer);
    delete out.viewerGone.text;

    // a long document (thousands of lines, tables and prose, HTML-looking text) stays fast
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 375, height: 700 });
    const started = Date.now();
    await phone.goto(bigUrl, { waitUntil: "load" });
    out.viewerBig = await viewerState(phone);
    out.viewerBig.loadMs = Date.now() - started;
    out.viewerBig.textWithoutSpaces = out.viewerBig.text.replace(/\s+/g, "");
    delete out.viewerBig.text;
    out.viewerBig.pageWidth = await phone.evaluate(() => document.documentElement.scrollWidth);
    await phone.screenshot({ path: path.join(shots, "viewer-big-mobile.png") });
  } finally {
    await close();
  }
  return out;
});
