'use strict';
// Workbench UI tests: a small step library over playwright-core for the real VS Code workbench
// served by code-server, and a tiny sequential test runner around it.
//
//   const ui = new UiRun({ title: 'Mail Flow Lens in the workbench', workspace: WS });
//   ui.main(async () => {
//     await ui.test('installs and opens the workspace', () => ui.start({ vsix }), { critical: true });
//     await ui.test('opens a message', async (wb) => {
//       await wb.openFile('quarterly-report.eml');
//       await wb.waitForLanguageMode('Email message');
//       await wb.screenshot('eml-open', { readme: true });
//     });
//   });
//
// Steps (class Workbench): waitForWorkbench, openFile, runCommand, waitForText, editorText,
// languageMode/waitForLanguageMode, notification, viewRows, closeWidgets, screenshot.
// Tests run in order against ONE workbench (state carries over; keep each step's assumptions
// explicit). A failing test saves .test-output/e2e/failures/<nn>-<name>.png, presses Escape and
// the run goes on, unless the test was marked critical. The run prints `N passed, N failed`,
// saves the server logs when anything failed, stops code-server and Chromium, and exits non-zero
// on any failure.
const fs = require('fs');
const path = require('path');
const cs = require('./codeserver');
const proc = require('./proc');

const VIEWPORT = { width: 1400, height: 900 };

function slug(s) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

class Workbench {
  /**
   * @param {import('playwright-core').Page} page
   * @param {{ outDir: string, screenshotsMode: boolean, log: (s: string) => void }} opts
   */
  constructor(page, opts) {
    this.page = page;
    this.outDir = opts.outDir;
    this.screenshotsMode = opts.screenshotsMode;
    this.log = opts.log;
    this.timeout = 30000;
  }

  /** Waits until the workbench has rendered and the Explorer lists the workspace files. */
  async waitForWorkbench({ timeout = 90000 } = {}) {
    await this.page.locator('.monaco-workbench').waitFor({ timeout });
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout });
  }

  /** Clicks a file in the Explorer and waits for its editor tab. */
  async openFile(name, { timeout = this.timeout } = {}) {
    const row = this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
    if (!(await row.isVisible())) await this.runCommand('View: Show Explorer');
    await row.waitFor({ timeout });
    await row.click();
    await this.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout });
  }

  /**
   * Runs a command through the F1 palette. Clicks the matching row instead of pressing Enter:
   * Enter sometimes ran a stale highlighted row.
   */
  async runCommand(title, { timeout = this.timeout, opensPicker = false } = {}) {
    const { page } = this;
    const input = page.locator('.quick-input-widget input');
    // F1 pressed while a webview (the route diagram) holds the focus can leave the palette inert
    // for a moment: close it, give the workbench the focus through the title bar, and open it again
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout });
      try {
        await input.fill(`>${title}`, { timeout: attempt < 3 ? 5000 : timeout });
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
        await page.keyboard.press('Escape');
        await page.locator('.part.titlebar').first().click({ position: { x: 200, y: 10 } }).catch(() => undefined);
      }
    }
    const matching = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title });
    try {
      await matching.first().waitFor({ timeout });
    } catch (e) {
      const offered = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts().catch(() => []);
      await this.closeWidgets();
      throw new Error(`command "${title}" not found in the palette; it offered: ${JSON.stringify(offered.map((t) => t.split('\n')[0]))}`);
    }
    // prefer the row whose label is exactly the title ("X" rather than "X (Workspace)")
    const exact = matching.filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(title)}$`) }) });
    await ((await exact.count()) ? exact.first() : matching.first()).click();
    // a command that opens its own quick pick keeps the widget visible: wait for its prompt instead
    if (opensPicker) await page.locator('.quick-input-widget input:not([aria-label^="Type the name of a command"])').waitFor({ state: 'visible', timeout });
    else await input.waitFor({ state: 'hidden', timeout });
  }

  /** Waits for an element containing `text` (inside `within`, a CSS selector) and returns it. */
  async waitForText(text, { within = '.monaco-workbench', timeout = this.timeout } = {}) {
    const loc = this.page.locator(within).getByText(text, { exact: false }).first();
    await loc.waitFor({ timeout });
    return loc;
  }

  /** The visible lines of the active editor, as rendered. */
  async editorText() {
    const lines = await this.page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line').allInnerTexts();
    return lines.map((l) => l.replace(/\u00a0/g, ' ')).join('\n');
  }

  async languageMode() {
    return (await this.page.locator('#status\\.editor\\.mode').innerText()).trim();
  }

  /** Waits until the status bar's language mode shows `name` (it may start as "Plain Text"). */
  async waitForLanguageMode(name, { timeout = this.timeout } = {}) {
    await this.page.locator('#status\\.editor\\.mode', { hasText: name }).waitFor({ timeout });
    return this.languageMode();
  }

  /** Waits for a notification containing `text` (toast, or the notification centre). */
  async notification(text, { timeout = this.timeout } = {}) {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
    try {
      await toast.waitFor({ timeout: Math.min(timeout, 8000) });
      return toast;
    } catch {
      await this.runCommand('Notifications: Show Notifications');
      const item = this.page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
      await item.waitFor({ timeout });
      return item;
    }
  }

  /** Texts of the rows of a view pane (by its title, e.g. "Mail Flow Lens"). */
  async viewRows(viewTitle) {
    const pane = this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: viewTitle }) }).first();
    return pane.locator('.monaco-list-row').allInnerTexts();
  }

  /**
   * The frame (a webview's inner document) whose body contains `text` (a string or a RegExp), waiting for it. Webviews
   * sit two iframes deep (the host frame, then #active-frame); this searches every frame.
   */
  async frameWithText(text, { timeout = this.timeout } = {}) {
    const t0 = Date.now();
    for (;;) {
      for (const f of this.page.frames()) {
        if (f === this.page.mainFrame()) continue;
        // innerText is the text as shown (CSS text-transform applies): a RegExp with /i matches
        // an upper-cased heading
        const has = await f.evaluate(([t, src, flags]) => !!document.body && (src ? new RegExp(src, flags).test(document.body.innerText) : document.body.innerText.includes(t)),
          [typeof text === 'string' ? text : '', text instanceof RegExp ? text.source : '', text instanceof RegExp ? text.flags : '']).catch(() => false);
        if (has) return f;
      }
      if (Date.now() - t0 > timeout) throw new Error(`no webview shows "${text}"`);
      await this.page.waitForTimeout(250);
    }
  }

  /** Switches the colour theme through "Preferences: Color Theme" (e.g. "Dark Modern", "Light Modern"). */
  async setColorTheme(name, { timeout = this.timeout } = {}) {
    await this.runCommand('Preferences: Color Theme', { opensPicker: true });
    const input = this.page.locator('.quick-input-widget input');
    await input.fill(name);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(name)}$`) }) }).first();
    await row.waitFor({ timeout });
    await row.click();
    await input.waitFor({ state: 'hidden', timeout });
    await this.page.waitForTimeout(500);
  }

  /**
   * Closes every editor without saving: generated scripts are untitled documents, and closing one
   * asks whether to save it ("Don't Save" is clicked).
   */
  async closeAllEditors({ timeout = this.timeout } = {}) {
    await this.closeWidgets();
    await this.runCommand('View: Close All Editors', { timeout });
    for (let i = 0; i < 10; i++) {
      const dontSave = this.page.locator('.monaco-dialog-box .monaco-button', { hasText: /Don.t Save/ }).first();
      try {
        await dontSave.waitFor({ timeout: 1500 });
      } catch {
        break;
      }
      await dontSave.click();
    }
  }

  /** Closes palettes, menus and hovers. */
  async closeWidgets() {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Escape');
  }

  /**
   * Saves a screenshot of the whole window. `readme: true` marks one the README uses: it goes
   * to media/screenshots/<name>.png when the run was started by `npm run screenshots`, and to
   * .test-output/e2e/screenshots/ in normal test runs (which must not change tracked files).
   */
  async screenshot(name, { readme = false } = {}) {
    const dir = readme && this.screenshotsMode
      ? path.join(cs.REPO_ROOT, 'media', 'screenshots')
      : path.join(this.outDir, 'screenshots');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${slug(name)}.png`);
    // no hover on whatever the mouse was last over (the title bar shows none); let transitions settle
    await this.page.mouse.move(VIEWPORT.width - 260, 12);
    await this.page.waitForTimeout(400);
    await this.page.screenshot({ path: file });
    this.log(`screenshot ${path.relative(cs.REPO_ROOT, file)}`);
    return file;
  }
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

class UiRun {
  /**
   * @param {{ title: string, workspace: string, settings?: object, screenshotsMode?: boolean,
   *           deadlineMs?: number }} opts
   */
  constructor(opts) {
    this.title = opts.title;
    this.workspace = path.resolve(opts.workspace);
    this.settings = opts.settings || {};
    this.screenshotsMode = !!opts.screenshotsMode;
    this.deadlineMs = opts.deadlineMs || Number(process.env.MFL_UI_TIMEOUT_MS || 15 * 60 * 1000);
    this.outDir = cs.outputDir('e2e', { fresh: true });
    this.passed = 0;
    this.failed = 0;
    this.notRun = 0;
    this.aborted = false;
    this.t0 = Date.now();
    this.tmp = undefined;
    this.server = undefined;
    this.ctx = undefined;
    /** @type {Workbench | undefined} */
    this.wb = undefined;
    this.stopping = undefined;
    this.serverStarting = undefined;
    this.browserLaunching = undefined;
  }

  log(s) {
    console.log(`[ui] ${((Date.now() - this.t0) / 1000).toFixed(1)}s ${s}`);
  }

  /**
   * Starts the workbench: installs `vsix` into a fresh profile (or loads `devExtension` from
   * source through the test payload), starts code-server, opens the workspace in Chromium.
   */
  async start({ vsix, devExtension } = {}) {
    cs.requireTools();
    this.tmp = cs.mkTmp('e2e');
    const userDataDir = path.join(this.tmp, 'user-data');
    const extensionsDir = path.join(this.tmp, 'extensions');
    cs.writeUserSettings(userDataDir, this.settings);
    if (vsix) {
      const out = cs.installVsix({ vsix, userDataDir, extensionsDir });
      this.log(out.split('\n').filter((l) => /install/i.test(l)).join(' ').trim());
    }
    // kept as promises so that stop() also catches a server or browser that is still starting
    this.serverStarting = cs.startCodeServer({ tmp: this.tmp, userDataDir, extensionsDir, smokeTestDriver: !!devExtension });
    this.server = await this.serverStarting;
    this.log(`code-server on ${this.server.base}`);
    this.browserLaunching = cs.launchBrowser({ profileDir: path.join(this.tmp, 'chromium-profile'), ...VIEWPORT });
    this.ctx = await this.browserLaunching;
    const page = this.ctx.pages()[0] || (await this.ctx.newPage());
    page.on('pageerror', (e) => { if (!cs.NOISE.test(e.message)) this.log(`page error: ${e.message}`); });
    const payload = devExtension ? [['extensionDevelopmentPath', cs.remoteUri(this.server.authority, path.resolve(devExtension))]] : undefined;
    await page.goto(cs.workbenchUrl(this.server, this.workspace, payload));
    this.wb = new Workbench(page, { outDir: this.outDir, screenshotsMode: this.screenshotsMode, log: (s) => this.log(s) });
    await this.wb.waitForWorkbench();
    this.log('workbench ready');
    return this.wb;
  }

  /** Runs one test. `critical`: if it fails, the remaining tests are not run. */
  async test(name, fn, { timeout = 120000, critical = false } = {}) {
    if (this.aborted) {
      this.notRun++;
      console.log(`  - ${name} (not run)`);
      return;
    }
    const t = Date.now();
    let timer;
    try {
      await Promise.race([
        Promise.resolve().then(() => fn(this.wb)),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${timeout / 1000} s`)), timeout); }),
      ]);
      this.passed++;
      console.log(`  ✔ ${name} (${((Date.now() - t) / 1000).toFixed(1)}s)`);
    } catch (e) {
      this.failed++;
      // the whole message (tool output such as vsce's ends with the reason), then where it was thrown
      // eslint-disable-next-line no-control-regex
      const message = String(e && e.message !== undefined ? e.message : e).replace(/\x1b\[[0-9;]*m/g, '').split('\n');
      const where = String((e && e.stack) || '').split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 3);
      const shown = message.length > 40 ? ['...', ...message.slice(-40)] : message;
      console.log(`  ✗ ${name}\n      ${[...shown, ...where.map((l) => l.trim())].join('\n      ')}`);
      if (this.wb) {
        const file = path.join(this.outDir, 'failures', `${String(this.failed).padStart(2, '0')}-${slug(name)}.png`);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        await this.wb.page.screenshot({ path: file }).then(() => console.log(`      screenshot: ${path.relative(process.cwd(), file)}`)).catch(() => {});
        await this.wb.closeWidgets().catch(() => {});
      }
      if (critical) this.aborted = true;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes Chromium and stops code-server; every caller waits for the same shutdown. */
  stop() {
    if (!this.stopping) {
      this.stopping = (async () => {
        const ctx = this.browserLaunching && (await this.browserLaunching.catch(() => undefined));
        if (ctx) await ctx.close().catch(() => {});
        const server = this.serverStarting && (await this.serverStarting.catch(() => undefined));
        if (server) await server.stop().catch(() => {});
      })();
    }
    return this.stopping;
  }

  /** Runs `body`, then reports, saves logs on failure, cleans up and exits the process. */
  main(body) {
    proc.installSignalHandlers();
    proc.onCleanup(async () => { await this.stop(); cs.rmTmp(this.tmp); });
    proc.deadline(this.deadlineMs, 'the UI tests', async () => {
      if (this.wb) await this.wb.page.screenshot({ path: path.join(this.outDir, 'timeout.png') });
    });
    console.log(`${this.title}${this.screenshotsMode ? ' (writing README screenshots to media/screenshots/)' : ''}`);
    (async () => {
      try {
        await body();
      } catch (e) {
        this.failed++;
        console.log(`  ✗ ${e && e.stack ? e.stack : e}`);
      }
      const failed = this.failed + this.notRun;
      await this.stop();
      if (failed && this.tmp) {
        cs.copyDir(path.join(this.tmp, 'user-data', 'logs'), path.join(this.outDir, 'server-logs'));
        if (fs.existsSync(path.join(this.tmp, 'code-server.log'))) {
          fs.copyFileSync(path.join(this.tmp, 'code-server.log'), path.join(this.outDir, 'code-server.log'));
        }
        this.log(`logs and screenshots saved in ${path.relative(process.cwd(), this.outDir)}`);
      }
      cs.rmTmp(this.tmp);
      const strays = await proc.settleStrays();
      let code = failed ? 1 : 0;
      if (strays.length) {
        console.log(`[ui] processes left running after the run (killed now):\n${strays.map((s) => `  ${s.pid} ${s.cmd}`).join('\n')}`);
        code = code || 2;
      }
      this.log(`done${this.notRun ? `, ${this.notRun} test(s) not run` : ''}`);
      console.log(`${this.passed} passed, ${failed} failed`);
      process.exit(code);
    })();
  }
}

module.exports = { Workbench, UiRun, VIEWPORT };
