#!/usr/bin/env node
'use strict';
// Integration tests inside a real VS Code extension host (`npm run test:vscode`).
//
// The usual @vscode/test-electron runTests() call. Which VS Code runs the suite:
//   MFL_VSCODE=codeserver  code-server's VS Code (1.139.1) through ./code-shim.js; needs the tools
//                          from scripts/install-test-tools.sh (fails with that hint otherwise)
//   MFL_VSCODE=desktop     desktop VS Code, downloaded by test-electron (needs internet and a
//                          display, e.g. xvfb-run on a headless Linux box); MFL_VSCODE_VERSION
//                          picks the version (default: stable)
//   unset (default)        code-server when the tools folder has it, otherwise desktop; on CI
//                          (CI set) without the tools it fails, since nothing can be downloaded there
//
// Runs out/test/vscode/suite/index.js (compiled by `npm run build`) with the repository as the
// extension under development and a temporary copy of test/vscode/workspace/ as the open folder.
// Prints the mocha output, then a closing `N passed, N failed` line; exit code 0 only if every
// test passed.
// Other knobs: MFL_TEST_GREP=<regexp> runs matching tests only; EXT_TEST_TIMEOUT_MS (default 20 min);
// MFL_VERBOSE=1 shows all workbench console output; MFL_KEEP_TMP=1 keeps the temp profile.
const fs = require('fs');
const os = require('os');
const path = require('path');
const cs = require('./codeserver');
const proc = require('./proc');

const ROOT = cs.REPO_ROOT;
const SUITE = path.join(ROOT, 'out', 'test', 'vscode', 'suite', 'index.js');
const WORKSPACE = path.join(ROOT, 'test', 'vscode', 'workspace');
const SHIM = path.join(__dirname, 'code-shim.js');

function chooseMode() {
  const want = (process.env.MFL_VSCODE || '').toLowerCase();
  if (want === 'desktop') return 'desktop';
  if (want === 'codeserver' || want === 'code-server') return 'codeserver';
  if (want) throw new Error(`MFL_VSCODE must be "codeserver" or "desktop", not ${JSON.stringify(want)}`);
  if (cs.codeServerInstalled()) return 'codeserver';
  if (process.env.CI) {
    throw new Error('CI without the code-server tools: desktop VS Code cannot be downloaded here. ' +
      'Run scripts/install-test-tools.sh first.');
  }
  return 'desktop';
}

async function main() {
  const t0 = Date.now();
  for (const [file, hint] of [[path.join(ROOT, 'dist', 'extension.js'), 'the extension bundle'], [SUITE, 'the compiled suite']]) {
    if (!fs.existsSync(file)) {
      console.log(`[vscode] ${hint} is missing (${path.relative(ROOT, file)}): run \`npm run build\` first`);
      return 2;
    }
  }
  const mode = chooseMode();
  if (mode === 'codeserver') cs.requireTools();
  const { runTests } = require('@vscode/test-electron');
  const resultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mfl-test-results-')), 'results.json');
  proc.onCleanup(() => fs.rmSync(path.dirname(resultsFile), { recursive: true, force: true }));
  // the suite opens a copy of test/vscode/workspace: tests write workspace settings (Restricted
  // Mode), and the repository's files must stay as they are
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'mfl-vscode-ws-'));
  for (const f of fs.readdirSync(WORKSPACE)) fs.copyFileSync(path.join(WORKSPACE, f), path.join(workspace, f));
  proc.onCleanup(() => fs.rmSync(workspace, { recursive: true, force: true }));
  console.log(`[vscode] extension host: ${mode === 'codeserver' ? `code-server (tools: ${cs.TOOLS})` : 'desktop VS Code (test-electron download)'}`);

  let code = 0;
  try {
    await runTests({
      ...(mode === 'codeserver'
        ? { vscodeExecutablePath: SHIM }
        : { version: process.env.MFL_VSCODE_VERSION || 'stable' }),
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: SUITE,
      launchArgs: [workspace, '--disable-extensions'],
      // MFL_REPO_ROOT lets tests reach the harness (e.g. test/harness/dns-server.js) and fixtures
      extensionTestsEnv: { EXT_TEST_RESULTS: resultsFile, MFL_REPO_ROOT: ROOT },
    });
  } catch (e) {
    code = e && Number.isInteger(e.code) && e.code !== 0 ? e.code : 1;
    if (!(e && 'code' in e)) console.log(`[vscode] ${e && e.message ? e.message : e}`);
  }

  let results;
  try { results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')); } catch { /* no results */ }
  fs.rmSync(path.dirname(resultsFile), { recursive: true, force: true });
  fs.rmSync(workspace, { recursive: true, force: true });

  const strays = await proc.settleStrays();
  if (strays.length) {
    console.log(`[vscode] processes left running after the run (killed now):\n${strays.map((s) => `  ${s.pid} ${s.cmd}`).join('\n')}`);
    if (code === 0) code = 2;
  }

  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (results && Number.isInteger(results.passed)) {
    if (code === 0 && results.failed > 0) code = 1;
    if (code === 0 && results.total === 0) {
      console.log('[vscode] the suite ran no tests');
      code = 1;
    }
    console.log(`[vscode] integration tests finished in ${secs} s (exit ${code})`);
    // a broken run with no failed test still counts as one failure
    const failed = code !== 0 && results.failed === 0 ? 1 : results.failed;
    console.log(`${results.passed} passed, ${failed} failed`);
  } else {
    if (code === 0) code = 1;
    console.log(`[vscode] the suite reported no results (it did not load or the run broke); exit ${code} after ${secs} s`);
    console.log('0 passed, 1 failed');
  }
  return code;
}

if (require.main === module) {
  // runTests() spawned the VS Code process (or the shim): on a signal it must get the chance to
  // stop code-server and Chromium itself, so pass the signal on and wait for it to end.
  const interrupted = proc.forwardSignalsToChildren();
  main().then((c) => process.exit(interrupted() ? 130 : c)).catch((e) => {
    console.error(`[vscode] ${e && e.message ? e.message : e}`);
    console.log('0 passed, 1 failed');
    process.exit(2);
  });
}

module.exports = { chooseMode };
