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
const WORKSPACE = path.join(ROOT, 'test', 'vscode', 'workspace');
const MESSAGE = 'quarterly-report.eml';
const pkg = require(path.join(ROOT, 'package.json'));

const ui = new UiRun({
  title: 'Mail Flow Lens in the VS Code workbench (code-server + Chromium)',
  workspace: WORKSPACE,
  screenshotsMode: process.argv.includes('--screenshots') || process.env.MFL_SCREENSHOTS === '1',
});

ui.main(async () => {
  let vsix;

  await ui.test('vsce packages a .vsix that ships only run-time files', async () => {
    const { file } = packageVsix({ outFile: path.join(ui.outDir, `${pkg.name}-${pkg.version}.vsix`) });
    vsix = file;
    const names = listZip(file);
    const inExt = names.filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length));
    ui.log(`${path.relative(ROOT, file)}: ${inExt.length} files`);
    for (const must of ['package.json', pkg.main.replace(/^\.\//, ''), 'LICENSE.txt']) {
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
});
