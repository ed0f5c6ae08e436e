// The widget embedded on a portal whose origin the service does not allow (CORS), and on one whose
// data-api points at nothing: what the user sees, and what the console tells the administrator.
// usage: node drive_widget_blocked.js API_BASE PORTAL_BASE   (prints one JSON line)
// PORTAL_BASE serves "/" (widget from API_BASE, data-api API_BASE) and "/dead" (data-api: nothing listens).
"use strict";
const { launch, run } = require("./browser");

async function ask(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error" && m.text().includes("CCHC")) errors.push(m.text()); });
  await page.goto(url, { waitUntil: "load" });
  await page.click('[data-testid="cchc-launcher"]');
  await page.fill('[data-testid="cchc-input"]', "Ai chủ trì nhiệm vụ III.5?");
  await page.press('[data-testid="cchc-input"]', "Enter");
  await page.waitForFunction(() => {
    const root = document.getElementById("cchc-chat-widget").shadowRoot;
    return !!root.querySelector('[data-testid="cchc-answer"].error');
  }, null, { timeout: 15000 });
  for (let i = 0; i < 100 && !errors.length; i++) await page.waitForTimeout(50);  // the probe's verdict
  const shown = await page.locator('[data-testid="cchc-answer"]').last().locator(".text").textContent();
  await page.close();
  return { shown, widgetConsole: errors };
}

run(async function main() {
  const [api, portal] = process.argv.slice(2);
  const { context, out, close } = await launch(api, [portal]);
  try {
    out.blocked = await ask(context, portal + "/");
    out.dead = await ask(context, portal + "/dead");
  } finally {
    await close();
  }
  return out;
});
