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
  JSON.stringify({ 'mailflowLens.dns.mode': 'recorded', 'mailflowLens.dns.snapshotFile': 'dns-snapshot.json' }, null, 2),
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
    for (const must of ['package.json', pkg.main.replace(/^\.\//, ''), 'dist/verify-worker.js', 'dist/chunks/msgreader.js', 'LICENSE.txt']) {
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

  await ui.test(`the route of ${SAMPLE}: hops by role, the gateway, the break marked`, async (wb) => {
    await wb.closeWidgets();
    await wb.openFile(SAMPLE);
    await wb.waitForLanguageMode('Email message');
    await wb.runCommand('Mail Flow Lens: Show Route');
    await wb.waitForText('mx0b-00498f04.pphosted.com', { within: '.pane' });
    await wb.waitForText('broke here', { within: '.pane' });
    const rows = await wb.viewRows('Route');
    ui.log(`route rows: ${JSON.stringify(rows.slice(0, 12))}`);
    assert.ok(rows.some((r) => /Invoice INV-20417/.test(r)), 'summary row with the subject');
    assert.ok(rows.some((r) => /mx0b-00498f04\.pphosted\.com/.test(r)), 'the Proofpoint hop');
    await wb.screenshot('overview', { readme: true });
  });

  await ui.test('expanding the Proofpoint hop shows the sender it received the message from, and how', async (wb) => {
    await twice(wb, async () => {
      const hop = wb.page.locator('.pane .monaco-list-row', { hasText: 'mx0b-00498f04.pphosted.com' }).first();
      await hop.waitFor({ timeout: 30000 });
      if ((await hop.getAttribute('aria-expanded')) !== 'true') {
        await hop.click();
        await wb.page.keyboard.press('ArrowRight');
      }
      await wb.waitForText('reverse DNS', { within: '.pane' });
    });
    const rows = await wb.viewRows('Route');
    ui.log(`expanded hop rows: ${JSON.stringify(rows.slice(0, 24))}`);
    // the original sender's IP, which only the gateway saw: what Enhanced Filtering recovers
    assert.ok(rows.some((r) => /^IP\s*203\.0\.113\.25\b/.test(r)), 'the hop shows the IP the gateway received the message from');
    assert.ok(rows.some((r) => /^from \(HELO\)\s*mail\.northwindtraders\.com/.test(r)), 'the hop shows the HELO name');
    assert.ok(rows.some((r) => /^TLS\s*TLSv1\.3/.test(r)), 'the hop shows its TLS version');
  });

  await ui.test('the lightbulb on the broken Authentication-Results offers the fix and writes it beside the message', async (wb) => {
    await twice(wb, async () => {
      await wb.closeWidgets();
      await wb.runCommand('View: Close All Editors');
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

  await ui.test('the explanation panel renders the finding as inert text', async (wb) => {
    await twice(wb, async () => {
      await wb.runCommand('View: Focus First Editor Group');
      // put the cursor on the receiver's Authentication-Results (line 14) and explain the finding there
      await wb.page.keyboard.press('Control+G');
      await wb.page.keyboard.type('14');
      await wb.page.keyboard.press('Enter');
      await wb.runCommand('Mail Flow Lens: Explain Finding at Cursor');
      // the webview's own document sits in the inner iframe of the webview host frame
      const frame = wb.page.frameLocator('iframe.webview.ready').first().frameLocator('#active-frame');
      await frame.locator('body', { hasText: /Why it matters|What happened/ }).first().waitFor({ timeout: 30000 });
      // message text is inert: no element carries an event handler attribute
      assert.equal(await frame.locator('[onerror],[onload],[onclick],[onmouseover]').count(), 0);
      const text = await frame.locator('body').innerText();
      assert.match(text, /Proofpoint|148\.163\.138\.245/);
    });
    await wb.screenshot('explanation', { readme: true });
  });
});
