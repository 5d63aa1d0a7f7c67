#!/usr/bin/env node
'use strict';
// Workbench UI tests (`npm run test:e2e`): the extension as users get it. Packages the .vsix with
// @vscode/vsce, installs it into code-server, opens test/vscode/workspace/ in headless Chromium
// and drives the real VS Code workbench. `npm run screenshots` runs the same steps and writes the
// README's screenshots to media/screenshots/; a normal run writes them to .test-output/e2e/.
//
// Add a UI check: append `await ui.test('what the user sees', async (wb) => { ... })` below,
// using the steps of test/harness/workbench.js (openFile, runCommand, waitForText, viewRows,
// notification, screenshot(name, { readme: true }) for README images).
const path = require('path');
const assert = require('assert/strict');
const { UiRun } = require('../harness/workbench');
const { packageVsix, listZip } = require('../harness/vsix');

const ROOT = path.resolve(__dirname, '..', '..');
const fs = require('fs');
const os = require('os');
// A temporary copy of the test workspace plus the Proofpoint sample, so the run never changes
// tracked files.
const WORKSPACE = fs.mkdtempSync(path.join(os.tmpdir(), 'mfl-ui-ws-'));
for (const f of fs.readdirSync(path.join(ROOT, 'test', 'vscode', 'workspace'))) fs.copyFileSync(path.join(ROOT, 'test', 'vscode', 'workspace', f), path.join(WORKSPACE, f));
const SAMPLE = 'proofpoint-to-exchange-online.eml';
fs.copyFileSync(path.join(ROOT, 'samples', SAMPLE), path.join(WORKSPACE, SAMPLE));
// the sample's recorded DNS answers, as its README suggests: the recipient's MX then confirms the
// Proofpoint relay as the recipient's gateway, so the fix is generated with its address
fs.copyFileSync(path.join(ROOT, 'samples', 'dns-snapshot.json'), path.join(WORKSPACE, 'dns-snapshot.json'));
fs.mkdirSync(path.join(WORKSPACE, '.vscode'), { recursive: true });
fs.writeFileSync(
  path.join(WORKSPACE, '.vscode', 'settings.json'),
  JSON.stringify({ 'mailFlowLens.dns.mode': 'recorded', 'mailFlowLens.dns.snapshotFile': 'dns-snapshot.json' }, null, 2),
);
process.on('exit', () => fs.rmSync(WORKSPACE, { recursive: true, force: true }));
const MESSAGE = 'quarterly-report.eml';
const pkg = require(path.join(ROOT, 'package.json'));

const ui = new UiRun({
  title: 'Mail Flow Lens in the VS Code workbench (code-server + Chromium)',
  workspace: WORKSPACE,
  screenshotsMode: process.argv.includes('--screenshots') || process.env.MFL_SCREENSHOTS === '1',
});

/** The workbench is a busy UI: a step that depends on a palette or a widget gets one more try. */
async function twice(wb, body) {
  try {
    return await body();
  } catch (e) {
    ui.log(`retrying once after: ${String(e.message || e).split('\n')[0]}`);
    await wb.closeWidgets();
    return body();
  }
}

ui.main(async () => {
  let vsix;

  await ui.test('vsce packages a .vsix that ships only run-time files', async () => {
    const { file } = packageVsix({ outFile: path.join(ui.outDir, `${pkg.name}-${pkg.version}.vsix`) });
    vsix = file;
    const names = listZip(file);
    const inExt = names.filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length));
    ui.log(`${path.relative(ROOT, file)}: ${inExt.length} files`);
    // the walkthrough's pages: without them every step shows "Error reading markdown document"
    const walkthrough = pkg.contributes.walkthroughs.flatMap((w) => w.steps.map((st) => st.media.markdown));
    assert.ok(walkthrough.length >= 5);
    for (const must of ['package.json', pkg.main.replace(/^\.\//, ''), 'dist/verify-worker.js', 'dist/chunks/msgreader.js', 'LICENSE.txt', 'media/panel.js', 'media/panel.css', 'media/diagram.js', 'media/diagram.css', ...walkthrough]) {
      assert.ok(inExt.includes(must), `${must} missing from the .vsix (${inExt.join(', ')})`);
    }
    const forbidden = inExt.filter((n) => /^(src|test|out|scripts|node_modules|\.ci|\.test-output|media\/screenshots)\//.test(n) ||
      /\.(ts|map|vsix|pem|key)$/.test(n) || /^(tsconfig\.json|package-lock\.json|\.vscodeignore|\.gitignore)$/.test(n));
    assert.deepEqual(forbidden, [], 'files that must not ship are in the .vsix');
  }, { critical: true });

  await ui.test('code-server installs the .vsix and opens the workspace', async () => {
    await ui.start({ vsix });
  }, { critical: true });

  await ui.test('the Extensions view lists Mail Flow Lens as installed', async (wb) => {
    await wb.runCommand('View: Show Extensions');
    // offline there is no marketplace list: the view shows the server's installed extensions
    const row = wb.page.locator('.extensions-viewlet .monaco-list-row', { hasText: pkg.displayName }).first();
    await row.waitFor({ timeout: 30000 });
    assert.match(await row.innerText(), new RegExp(`${pkg.displayName}[\\s\\S]*${pkg.publisher}`));
    await wb.runCommand('View: Show Explorer');
  });

  await ui.test(`opening ${MESSAGE} shows it in the "Email message" language mode`, async (wb) => {
    await wb.openFile(MESSAGE);
    await wb.waitForText('Subject: Quarterly report', { within: '.editor-group-container.active .monaco-editor' });
    const mode = await wb.waitForLanguageMode('Email message');
    assert.equal(mode, 'Email message');
    const text = await wb.editorText();
    assert.match(text, /^Received: from DM6PR11MB4580\.namprd11\.prod\.outlook\.com/m);
    await wb.screenshot('eml-open', { readme: true });
  });

  await ui.test('the Getting Started walkthrough from the .vsix renders its pages, and a step ticks when done', async (wb) => {
    await twice(wb, async () => {
      await wb.closeWidgets();
      await wb.runCommand('Welcome: Open Walkthrough...', { opensPicker: true });
      const row = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with Mail Flow Lens' }).first();
      await row.waitFor({ timeout: 30000 });
      await row.click();
    });
    // the first step's page (media/walkthrough/open-sample.md) renders in the media pane
    const frame = await wb.frameWithText('Three ways in', { timeout: 30000 });
    assert.match(await frame.evaluate(() => document.body.innerText), /Open Sample Message/);
    for (const f of wb.page.frames()) {
      const text = await f.evaluate(() => (document.body ? document.body.innerText : '')).catch(() => '');
      assert.ok(!/Error reading markdown/i.test(text), 'no "Error reading markdown document"');
    }
    await wb.screenshot('walkthrough');
    // another step's page
    await wb.page.locator('.getting-started-step', { hasText: 'See the route' }).first().click();
    await wb.frameWithText('oldest first', { timeout: 30000 });
    // doing a step ticks it: open a sample (not ticked before)
    const openStep = wb.page.locator('.getting-started-step', { hasText: 'Open a sample message' }).first();
    assert.equal(await openStep.locator('.codicon.complete').count(), 0, 'the step is not done before the sample is opened');
    await wb.runCommand('Mail Flow Lens: Open Sample Message…', { opensPicker: true });
    const sample = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: SAMPLE }).first();
    await sample.waitFor({ timeout: 30000 });
    await sample.click();
    await wb.page.locator('.tabs-container .tab.active', { hasText: SAMPLE }).first().waitFor({ timeout: 30000 });
    await wb.page.locator('.tabs-container .tab', { hasText: /Welcome|Walkthrough|Get started/ }).first().click();
    // the step's checkbox (a codicon inside the step button) turns to "complete"
    const done = wb.page.locator('.getting-started-step', { hasText: 'Open a sample message' }).first().locator('.codicon.complete[role="checkbox"]');
    await done.waitFor({ timeout: 30000 });
    assert.equal(await done.getAttribute('aria-checked'), 'true');
    await wb.closeAllEditors();
  });

  await ui.test(`the route of ${SAMPLE} at the default sidebar width: organisations, the state first, nothing cut off`, async (wb) => {
    await wb.closeWidgets();
    await wb.setColorTheme('Light Modern');
    await wb.openFile(SAMPLE);
    await wb.waitForLanguageMode('Email message');
    await wb.runCommand('Mail Flow Lens: Show Route');
    await wb.waitForText('mx0b-00498f04.pphosted.com', { within: '.pane' });
    await wb.waitForText('broke here', { within: '.pane' });
    const rows = await wb.viewRows('Route');
    ui.log(`route rows: ${JSON.stringify(rows.slice(0, 14))}`);
    assert.ok(rows.some((r) => /Invoice INV-20417/.test(r)), 'summary row with the subject');
    assert.ok(rows.some((r) => /^Broken in transit/.test(r)), 'the verdict class');
    assert.ok(rows.some((r) => /^Proofpoint\s*recipient's gateway/.test(r)), 'the gateway organisation');
    assert.ok(rows.some((r) => /^northwindtraders\.com\s*sender · claimed/.test(r)), "the sender's lines marked claimed");
    // the state comes first and is fully visible at the default width
    const fit = await wb.page.evaluate(() => {
      const sidebar = document.querySelector('.part.sidebar');
      const row = [...document.querySelectorAll('.pane .monaco-list-row')].find((r) => r.textContent.includes('broke here'));
      if (!sidebar || !row) return { error: 'no sidebar or no break row' };
      const label = row.querySelector('.label-name') || row;
      const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
      let node;
      let range;
      for (let seen = ''; (node = walker.nextNode()); seen += node.textContent) {
        const i = node.textContent.indexOf('broke here');
        if (i >= 0) {
          range = document.createRange();
          range.setStart(node, 0);
          range.setEnd(node, i + 'broke here'.length);
          break;
        }
      }
      const pane = row.closest('.pane-body') || sidebar;
      return {
        sidebarWidth: Math.round(sidebar.getBoundingClientRect().width),
        stateRight: range ? Math.round(range.getBoundingClientRect().right) : -1,
        paneRight: Math.round(pane.getBoundingClientRect().right),
        text: row.textContent,
      };
    });
    ui.log(`layout: ${JSON.stringify(fit)}`);
    assert.ok(fit.sidebarWidth >= 250 && fit.sidebarWidth <= 330, `the default sidebar width (${fit.sidebarWidth} px)`);
    assert.ok(fit.stateRight > 0 && fit.stateRight <= fit.paneRight - 8, `"⚠ broke here" is fully visible (ends at ${fit.stateRight}, pane at ${fit.paneRight})`);
    assert.match(fit.text, /^2\. ⚠ broke here · mail\.northwindtraders\.com \[203\.0\.113\.25\] → mx0b-00498f04\.pphosted\.com/);
    await wb.screenshot('overview-light', { readme: true });
  });

  await ui.test('the break hop is expanded: the sender it received the message from, and how', async (wb) => {
    // fold the summary so the hops come into view (the list only renders the rows it shows)
    const summary = wb.page.locator('.pane .monaco-list-row', { hasText: 'Invoice INV-20417' }).first();
    await summary.click();
    await wb.page.keyboard.press('ArrowLeft');
    await wb.page.locator('.pane .monaco-list-row', { hasText: /^reverse DNS/ }).first().waitFor({ timeout: 15000 });
    const rows = await wb.viewRows('Route');
    ui.log(`expanded hop rows: ${JSON.stringify(rows.slice(0, 30))}`);
    // the original sender's IP, which only the gateway saw: what Enhanced Filtering recovers
    assert.ok(rows.some((r) => /^IP\s*203\.0\.113\.25\b/.test(r)), 'the hop shows the IP the gateway received the message from');
    assert.ok(rows.some((r) => /^from \(HELO\)\s*mail\.northwindtraders\.com/.test(r)), 'the hop shows the HELO name');
    assert.ok(rows.some((r) => /^TLS\s*TLSv1\.3/.test(r)), 'the hop shows its TLS version');
  });

  await ui.test("an IP's hover says what the route says about it, above any diagnostic", async (wb) => {
    await wb.closeWidgets();
    await wb.runCommand('View: Focus First Editor Group');
    await wb.page.keyboard.press('Control+G');
    await wb.page.keyboard.type('14');
    await wb.page.keyboard.press('Enter');
    const ip = wb.page.locator('.editor-group-container.active .view-lines .view-line span', { hasText: /^148\.163\.138\.245$/ }).first();
    await ip.waitFor({ timeout: 30000 });
    await ip.hover();
    const hover = wb.page.locator('.monaco-hover:not(.hidden)', { hasText: 'IPv4 address' }).first();
    await hover.waitFor({ timeout: 30000 });
    const text = (await hover.innerText()).trim();
    ui.log(`hover: ${JSON.stringify(text.slice(0, 400))}`);
    assert.ok(text.startsWith('IPv4 address'), 'the IP details come first');
    assert.match(text, /In this route/);
    assert.match(text, /A relay of the recipient \(Proofpoint\), strong evidence/);
    assert.match(text, /the MX of contoso\.com/);
    await wb.screenshot('ip-hover');
    await wb.page.mouse.move(5, 5);
    await wb.closeWidgets();
  });

  await ui.test('the lightbulb on the broken Authentication-Results offers the fix and writes it beside the message, titled by what it is', async (wb) => {
    await twice(wb, async () => {
      await wb.closeWidgets();
      await wb.closeAllEditors();
      await wb.openFile(SAMPLE);
      await wb.runCommand('View: Focus First Editor Group');
      // line 14: the receiver's Authentication-Results, where the findings are reported
      await wb.page.keyboard.press('Control+G');
      await wb.page.keyboard.type('14');
      await wb.page.keyboard.press('Enter');
      await wb.page.locator('.statusbar-item', { hasText: 'Ln 14,' }).first().waitFor({ timeout: 10000 });
      await wb.runCommand('Quick Fix...');
      const item = wb.page.locator('.action-widget .monaco-list-row', { hasText: 'Generate Set-InboundConnector (Enhanced Filtering) for 148.163.138.245' }).first();
      await item.waitFor({ timeout: 30000 });
      await wb.screenshot('quick-fix-menu', { readme: true });
      await item.click();
      await wb.waitForText('EFSkipIPs', { within: '.editor-group-container.active .monaco-editor' });
    });
    const text = await wb.editorText();
    assert.match(text, /^Set-InboundConnector -Identity '[^']*' -EFSkipLastIP \$false -EFSkipIPs '148\.163\.138\.245'$/m);
    assert.equal(await wb.languageMode(), 'PowerShell', 'the script opens as PowerShell');
    const tab = (await wb.page.locator('.editor-group-container.active .tabs-container .tab.active').innerText()).split('\n')[0].trim();
    assert.equal(tab, '# Enhanced Filtering: skip relay IPs', 'the untitled tab says what the script is');
    // the script's comment lines are long: wrapped, the picture shows them whole
    await wb.runCommand('View: Toggle Word Wrap');
    await wb.screenshot('quick-fix', { readme: true });
  });

  await ui.test('Generate Fix from the palette offers the recommended fix first', async (wb) => {
    await twice(wb, async () => {
      await wb.closeWidgets();
      // the message is still open in the first group, the script from the lightbulb beside it
      await wb.runCommand('View: Focus First Editor Group');
      await wb.runCommand('Mail Flow Lens: Generate Fix…', { opensPicker: true });
      const row = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'EFSkipLastIP' }).first();
      await row.waitFor({ timeout: 30000 });
      // the recommended fix is the first, highlighted row
      await wb.page.keyboard.press('Enter');
      await wb.waitForText('Set-InboundConnector', { within: '.editor-group-container.active .monaco-editor' });
    });
    const text = await wb.editorText();
    assert.match(text, /Set-InboundConnector -Identity '[^']*' -EFSkipLastIP \$true/);
  });

  await ui.test('the explanation panel: inert text that wraps at sidebar width, a copy note that goes away, and an editor tab', async (wb) => {
    let frame;
    await twice(wb, async () => {
      await wb.closeWidgets();
      await wb.closeAllEditors();
      await wb.openFile(SAMPLE);
      await wb.runCommand('View: Focus First Editor Group');
      await wb.page.keyboard.press('Control+G');
      await wb.page.keyboard.type('14');
      await wb.page.keyboard.press('Enter');
      await wb.runCommand('Mail Flow Lens: Explain Finding at Cursor');
      frame = await wb.frameWithText(/Why it matters/i, { timeout: 30000 });
    });
    // message text is inert: no element carries an event handler attribute
    assert.equal(await frame.locator('[onerror],[onload],[onclick],[onmouseover]').count(), 0);
    const body = await frame.evaluate(() => document.body.innerText);
    assert.match(body, /Proofpoint|148\.163\.138\.245/);
    assert.equal((body.match(/How to verify/gi) || []).length, 1, '"How to verify" once');
    assert.doesNotMatch(body, /\bseed \d{3}\b|Background/);
    // no horizontal scrollbar in the narrow sidebar
    const widths = await frame.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    ui.log(`explanation page width: ${JSON.stringify(widths)}`);
    assert.ok(widths.scroll <= widths.client + 1, `the page does not scroll sideways (${widths.scroll} > ${widths.client})`);
    await wb.screenshot('explanation', { readme: true });
    // Copy: a short note that goes away by itself
    await wb.page.context().grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => undefined);
    await frame.locator('button[data-action="copy"]').first().click();
    await frame.locator('#status', { hasText: 'Copied to the clipboard' }).waitFor({ timeout: 20000 });
    await frame.locator('#status:empty').waitFor({ state: 'attached', timeout: 10000 });
    // "Open in editor tab"
    await frame.locator('button[data-action="popout"]').click();
    await wb.page.locator('.tabs-container .tab', { hasText: 'Explanation' }).first().waitFor({ timeout: 30000 });
    await wb.closeAllEditors();
  });

  await ui.test('the route diagram: organisations as lanes, the break marked, a click or Enter selects the hop in the message', async (wb) => {
    let frame;
    await twice(wb, async () => {
      await wb.closeWidgets();
      await wb.closeAllEditors();
      await wb.openFile(SAMPLE);
      await wb.runCommand('Mail Flow Lens: Show Route Diagram');
      frame = await wb.frameWithText(/Relays of the recipient/i, { timeout: 30000 });
    });
    // every line of text stays inside its box, in the fonts the webview really uses
    const overflow = await frame.evaluate(() => {
      const out = [];
      for (const g of document.querySelectorAll('svg.mfl g.node, svg.mfl g.lane-group')) {
        const box = g.querySelector('rect').getBBox();
        for (const t of g.querySelectorAll('text')) {
          const b = t.getBBox();
          if (b.x + b.width > box.x + box.width - 2) out.push(`${t.textContent} (${Math.round(b.x + b.width)} > ${Math.round(box.x + box.width)})`);
        }
      }
      return out;
    });
    assert.deepEqual(overflow, [], 'text that runs out of its box');
    const lanes = await frame.locator('text.lane-name').allTextContents();
    assert.deepEqual(lanes, ['northwindtraders.com', 'Proofpoint', 'Exchange Online']);
    assert.equal(await frame.locator('g.node.broke').count(), 1);
    assert.equal(await frame.locator('g.node.broke').getAttribute('data-hop'), '1');
    // a click on the entry hop selects its Received field (lines 22-25) in the message: the
    // selection runs from the field's start to its end, where the status bar shows the cursor
    await frame.locator('g[data-hop="3"]').click();
    await wb.runCommand('View: Focus First Editor Group');
    await wb.page.locator('.statusbar-item', { hasText: /Ln 25, Col \d+ \(\d+ selected\)/ }).first().waitFor({ timeout: 15000 });
    // keyboard: from hop 1, ArrowDown to hop 2, Enter selects its Received field (lines 33-36)
    await wb.page.locator('.tabs-container .tab', { hasText: 'Route:' }).first().click();
    await frame.locator('g[data-hop="0"]').focus();
    await wb.page.keyboard.press('ArrowDown');
    await wb.page.keyboard.press('Enter');
    await wb.runCommand('View: Focus First Editor Group');
    await wb.page.locator('.statusbar-item', { hasText: /Ln 36, Col \d+ \(\d+ selected\)/ }).first().waitFor({ timeout: 15000 });
    // the picture alone in the editor area for the README
    await wb.page.locator('.tabs-container .tab', { hasText: 'Route:' }).first().click();
    await wb.runCommand('View: Single Column Editor Layout');
    await wb.page.locator('.tabs-container .tab.active', { hasText: 'Route:' }).first().waitFor({ timeout: 15000 });
    // moving the editor to another group reloads its webview: wait for the old page to go
    for (const t0 = Date.now(); !frame.isDetached() && Date.now() - t0 < 10000;) await wb.page.waitForTimeout(200);
    frame = await wb.frameWithText(/Relays of the recipient/i, { timeout: 30000 });
    const fits = await frame.evaluate(() => {
      const svg = document.querySelector('svg.mfl');
      const r = svg.getBoundingClientRect();
      return { svgRight: Math.round(r.right), svgBottom: Math.round(r.bottom), width: window.innerWidth, height: window.innerHeight };
    });
    ui.log(`diagram size: ${JSON.stringify(fits)}`);
    assert.ok(fits.svgRight <= fits.width, 'the picture fits the width of the editor area');
    await wb.screenshot('diagram-light', { readme: true });
  });

  await ui.test('dark theme: the route and the diagram (README screenshots)', async (wb) => {
    await wb.setColorTheme('Dark Modern');
    await wb.frameWithText(/Relays of the recipient/i, { timeout: 30000 });
    await wb.screenshot('diagram-dark', { readme: true });
    await wb.closeAllEditors();
    await wb.openFile(SAMPLE);
    await wb.runCommand('Mail Flow Lens: Show Route');
    // unfold the summary again, as it opens by default
    const summary = wb.page.locator('.pane .monaco-list-row', { hasText: 'Invoice INV-20417' }).first();
    if ((await summary.getAttribute('aria-expanded')) === 'false') {
      await summary.click();
      await wb.page.keyboard.press('ArrowRight');
    }
    await wb.waitForText('broke here', { within: '.pane' });
    await wb.screenshot('overview-dark', { readme: true });
    await wb.setColorTheme('Light Modern');
  });

  await ui.test('the settings carry the product name and readable titles', async (wb) => {
    await wb.closeWidgets();
    await wb.runCommand('Mail Flow Lens: Open Settings');
    await wb.page.locator('.settings-editor .setting-item-label', { hasText: 'Enhanced Filtering Fix' }).first().waitFor({ timeout: 30000 });
    const items = await wb.page.locator('.settings-editor .setting-item-contents .setting-item-title').allInnerTexts();
    ui.log(`settings: ${JSON.stringify(items)}`);
    const titles = items.map((t) => t.replace(/\s+/g, ' ').trim());
    assert.ok(titles.some((t) => /^Mail Flow Lens: Enhanced Filtering Fix/.test(t)), titles.join(' | '));
    assert.ok(titles.some((t) => /^Mail Flow Lens: Trusted Relays/.test(t)), titles.join(' | '));
    for (const t of titles) assert.doesNotMatch(t, /Mailflow|Efc/, t);
    await wb.screenshot('settings');
    await wb.closeAllEditors();
  });
});
