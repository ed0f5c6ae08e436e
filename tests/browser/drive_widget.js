// Drives headless Chromium through the chat widget on the demo page.
// usage: node drive_widget.js BASE_URL SCREENSHOT.png   (prints one JSON line of findings)
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const QUESTION = "Ai chủ trì nhiệm vụ III.5?";

async function main() {
  const [base, shot] = process.argv.slice(2);
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
  const out = { consoleErrors: [] };
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.on("console", (m) => { if (m.type() === "error") out.consoleErrors.push(m.text()); });
    page.on("pageerror", (e) => out.consoleErrors.push(String(e)));
    await page.goto(base + "/", { waitUntil: "load" });
    out.title = await page.title();

    const launcher = page.locator('[data-testid="cchc-launcher"]');
    await launcher.click();
    const input = page.locator('[data-testid="cchc-input"]');
    await input.waitFor({ state: "visible" });
    out.inputFocused = await page.evaluate(() => {
      const host = document.getElementById("cchc-chat-widget");
      return !!host && host.shadowRoot.activeElement === host.shadowRoot.querySelector("textarea");
    });
    out.placeholder = await input.getAttribute("placeholder");
    out.panelTitle = await page.locator("#cchc-title").textContent();
    out.sendLabel = await page.locator('[data-testid="cchc-send"]').textContent();

    // record each length the answer text goes through: a streamed answer grows in steps
    await page.evaluate(() => {
      const root = document.getElementById("cchc-chat-widget").shadowRoot;
      window.__lengths = [];
      new MutationObserver(() => {
        const msgs = root.querySelectorAll('[data-testid="cchc-answer"] .text');
        const last = msgs[msgs.length - 1];
        if (last) window.__lengths.push(last.textContent.length);
      }).observe(root, { subtree: true, childList: true, characterData: true });
    });
    await input.fill(QUESTION);
    await input.press("Enter");
    const answer = page.locator('[data-testid="cchc-answer"]').last();
    await answer.locator(".cite").first().waitFor({ state: "visible", timeout: 15000 });
    await page.waitForFunction(() => {
      const host = document.getElementById("cchc-chat-widget");
      const msgs = host.shadowRoot.querySelectorAll('[data-testid="cchc-answer"]');
      const m = msgs[msgs.length - 1];
      return m && !m.classList.contains("pending");
    }, null, { timeout: 15000 });
    out.answerText = await answer.locator(".text").textContent();
    out.streamSteps = await page.evaluate(() => new Set(window.__lengths).size);
    out.citationCount = await answer.locator('[data-testid="cchc-citation"]').count();

    const first = answer.locator('[data-testid="cchc-citation"]').first();
    out.quoteVisibleBefore = await first.locator("blockquote").isVisible();
    await first.locator("summary").click();
    await first.locator("blockquote").waitFor({ state: "visible" });
    out.quoteVisibleAfter = await first.locator("blockquote").isVisible();
    out.quote = await first.locator("blockquote").textContent();
    out.citationSummary = await first.locator("summary").textContent();
    out.viewerHref = await first.locator("a").getAttribute("href");
    await page.screenshot({ path: shot, fullPage: false });

    // an abstained answer is styled apart
    await input.fill("Tỉnh có bao nhiêu sân bay?");
    await page.locator('[data-testid="cchc-send"]').click();
    const second = page.locator('[data-testid="cchc-answer"]').nth(1);
    await second.locator(".badge").waitFor({ state: "visible", timeout: 15000 });
    out.abstainBadge = await second.locator(".badge").textContent();
    out.abstainedClass = await second.evaluate((n) => n.classList.contains("abstained"));
    await page.screenshot({ path: shot.replace(/\.png$/, "-abstained.png") });

    // Esc closes the panel and gives focus back to the launcher
    await page.keyboard.press("Escape");
    out.panelHiddenAfterEsc = await page.locator("#cchc-panel").isHidden();
    out.launcherFocused = await page.evaluate(() => {
      const host = document.getElementById("cchc-chat-widget");
      return host.shadowRoot.activeElement === host.shadowRoot.querySelector(".launcher");
    });

    // the citation's link opens the text with the quote highlighted
    const viewer = await context.newPage();
    await viewer.goto(new URL(out.viewerHref, base).toString(), { waitUntil: "load" });
    await viewer.locator("mark#hit").waitFor({ state: "visible", timeout: 10000 });
    out.viewerMark = await viewer.locator("mark#hit").textContent();

    // mobile width: the panel fills the screen
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 375, height: 700 });
    await phone.goto(base + "/", { waitUntil: "load" });
    await phone.locator('[data-testid="cchc-launcher"]').click();
    const box = await phone.locator("#cchc-panel").boundingBox();
    out.mobilePanelWidth = box ? Math.round(box.width) : null;
    await phone.screenshot({ path: shot.replace(/\.png$/, "-mobile.png") });
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

main().catch((err) => {
  process.stderr.write(String((err && err.stack) || err) + "\n");
  process.exit(1);
});
