// Opens /docs (Swagger UI) and /redoc (ReDoc) with the network cut off outside the service and
// reports what they rendered.  usage: node drive_docs.js BASE_URL SHOT_DIR   (prints one JSON line)
"use strict";
const path = require("path");
const { launch, run } = require("./browser");

run(async function main() {
  const [base, shots] = process.argv.slice(2);
  const { context, out, close } = await launch(base);
  try {
    const page = context.pages()[0] || (await context.newPage());
    await page.goto(base + "/docs", { waitUntil: "load" });
    await page.locator(".opblock").first().waitFor({ state: "visible", timeout: 20000 });
    out.swaggerTitle = await page.locator(".info .title").first().textContent();
    out.swaggerPaths = await page.locator(".opblock-summary-path").evaluateAll(
      (nodes) => nodes.map((n) => n.getAttribute("data-path") || n.textContent.trim()));
    // "Try it out" works too: list the models through the page
    const models = page.locator('.opblock-get:has([data-path="/v1/models"])').first();
    await models.locator(".opblock-summary").click();
    await models.locator(".try-out__btn").click();
    await models.locator(".execute").click();
    await models.locator(".live-responses-table tr.response .response-col_status").first().waitFor({ timeout: 10000 });
    out.tryItOutStatus = (await models.locator(".live-responses-table tr.response .response-col_status").first().textContent()).trim();
    out.tryItOutBody = await models.locator(".live-responses-table .microlight").first().textContent();
    await page.screenshot({ path: path.join(shots, "docs-swagger.png") });

    const redoc = await context.newPage();
    await redoc.goto(base + "/redoc", { waitUntil: "load" });
    await redoc.locator("[data-section-id^='operation/']").first().waitFor({ state: "attached", timeout: 20000 });
    out.redocOperations = await redoc.locator("[data-section-id^='operation/']").count();
    out.redocHeading = await redoc.locator("h1").first().textContent();
    await redoc.screenshot({ path: path.join(shots, "docs-redoc.png") });
  } finally {
    await close();
  }
  return out;
});
