// Shared set-up for the headless-Chromium drivers: Debian's chromium, a throw-away profile, and a
// record of every request that leaves the service under test (there must be none: no CDN).
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

async function launch(base, alsoAllowed) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "cchc-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
    viewport: { width: 1280, height: 800 },
    locale: "vi-VN",
    reducedMotion: "reduce",
  });
  const out = { consoleErrors: [], consoleMessages: [], external: [] };
  const origins = [base].concat(alsoAllowed || []).map((u) => new URL(u).origin + "/");
  // as on an air-gapped intranet: anything not from the service fails, and is recorded
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (origins.some((o) => url.startsWith(o)) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    out.external.push(url);
    return route.abort("internetdisconnected");
  });
  context.on("page", (page) => watch(page, out));
  context.pages().forEach((page) => watch(page, out));
  async function close() {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  return { context, out, close };
}

function watch(page, out) {
  page.on("console", (m) => {
    out.consoleMessages.push(m.type() + ": " + m.text());
    if (m.type() === "error") out.consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => out.consoleErrors.push(String(e)));
}

// Open the demo page, ask ``question`` in the chat widget, and wait until its answer is in:
// the locator of that last answer.
async function askInWidget(page, base, question) {
  await page.goto(base + "/", { waitUntil: "load" });
  await page.click('[data-testid="cchc-launcher"]');
  await page.fill('[data-testid="cchc-input"]', question);
  await page.press('[data-testid="cchc-input"]', "Enter");
  await page.waitForFunction(() => {
    const msgs = document.getElementById("cchc-chat-widget").shadowRoot.querySelectorAll('[data-testid="cchc-answer"]');
    const m = msgs[msgs.length - 1];
    return m && !m.classList.contains("pending");
  }, null, { timeout: 30000 });
  return page.locator('[data-testid="cchc-answer"]').last();
}

function run(main) {
  main().then((out) => {
    process.stdout.write(JSON.stringify(out) + "\n");
  }).catch((err) => {
    process.stderr.write(String((err && err.stack) || err) + "\n");
    process.exit(1);
  });
}

module.exports = { askInWidget, launch, run };
