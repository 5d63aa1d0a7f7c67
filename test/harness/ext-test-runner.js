#!/usr/bin/env node
'use strict';
// Runs an extension's test suite (the module at extensionTestsPath exporting run(): Promise<void>)
// inside the real VS Code extension host of code-server, the way desktop
// `code --extensionDevelopmentPath=.. --extensionTestsPath=..` would:
//
//  1. code-server on 127.0.0.1 with --vscode-option enable-smoke-test-driver (without it the
//     built web workbench ignores the test payload);
//  2. headless Chromium opens /?folder=WS&payload=[[extensionDevelopmentPath, vscode-remote://..],
//     [extensionTestsPath, vscode-remote://..]]; the workbench asks the (Node 24) remote extension
//     host to run the tests;
//  3. the workbench reports the result through window.codeAutomationExit(code, logs), which we
//     expose to the page; the extension host's console (the mocha output) arrives as page console
//     messages and is printed here.
//
// Exit codes: 0 passed, 1 tests failed (or the suite did not load), 2 harness error, 3 timeout.
// On failure the VS Code logs, the server log and a screenshot go to .test-output/vscode/<time>/.
//
// CLI: node test/harness/ext-test-runner.js <extensionDevelopmentPath> <extensionTestsPath> [workspaceFolder]
const fs = require('fs');
const path = require('path');
const util = require('util');
const cs = require('./codeserver');
const proc = require('./proc');

function formatConsoleArgs(values, fallback) {
  // The extension host's console.log arrives as console.log('%c INFO', 'color: #..', fmt, ...args)
  if (typeof values[0] === 'string' && values[0].startsWith('%c') && typeof values[1] === 'string') {
    values = values.slice(2);
  }
  return values.length ? util.format(...values) : fallback;
}

function writeLogs(dir, logs) {
  for (const l of logs || []) {
    if (!l || typeof l.relativePath !== 'string') continue;
    const f = path.resolve(dir, l.relativePath);
    if (!f.startsWith(dir + path.sep)) continue; // stay inside the log folder
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, l.contents == null ? '' : String(l.contents));
  }
}

/**
 * @param {{ extensionDevelopmentPath: string, extensionTestsPath: string, workspace?: string,
 *           env?: Record<string,string>, timeoutMs?: number, verbose?: boolean }} opts
 * @returns {Promise<{ exitCode: number, outDir?: string }>}
 */
async function runExtensionTests(opts) {
  const t0 = Date.now();
  const log = (s) => console.log(`[vscode-runner] ${((Date.now() - t0) / 1000).toFixed(1)}s ${s}`);
  const extDir = path.resolve(opts.extensionDevelopmentPath);
  const testsPath = path.resolve(opts.extensionTestsPath);
  const workspace = opts.workspace ? path.resolve(opts.workspace) : undefined;
  const timeoutMs = opts.timeoutMs || Number(process.env.EXT_TEST_TIMEOUT_MS || 20 * 60 * 1000);
  const verbose = opts.verbose || process.env.MFL_VERBOSE === '1';

  for (const [what, p] of [['extension', path.join(extDir, 'package.json')], ['test runner', testsPath]]) {
    if (!fs.existsSync(p) && !fs.existsSync(`${p}.js`)) {
      console.log(`[vscode-runner] ${what} not found: ${p} (did \`npm run build\` run?)`);
      return { exitCode: 2 };
    }
  }
  cs.requireTools();
  fs.rmSync(path.join(cs.OUTPUT_ROOT, 'vscode'), { recursive: true, force: true }); // no stale failure logs

  const tmp = cs.mkTmp('vscode');
  const logsDir = path.join(tmp, 'vscode-logs');
  let server;
  let ctx;
  let page;
  // the promises, so a shutdown during start-up still finds what is being started
  let serverStarting;
  let browserLaunching;
  let exitCode = 2;
  // one shutdown, whoever asks first (normal end or a signal); later callers wait for it
  let stopping;
  const shutdown = () => {
    if (!stopping) {
      stopping = (async () => {
        const c = browserLaunching && (await browserLaunching.catch(() => undefined));
        if (c) await c.close().catch(() => {});
        const srv = serverStarting && (await serverStarting.catch(() => undefined));
        if (srv) await srv.stop().catch(() => {});
      })();
    }
    return stopping;
  };
  // on SIGINT/SIGTERM/deadline: stop the browser and server, then drop the temp profile
  proc.onCleanup(async () => { await shutdown(); cs.rmTmp(tmp); });
  let timedOut = false;
  let timer;
  let outDir;
  try {
    serverStarting = cs.startCodeServer({
      tmp,
      smokeTestDriver: true,
      // the extension host inherits the server's environment: this is how EXT_TEST_RESULTS,
      // MFL_TEST_GREP etc. reach the tests
      env: { ...(opts.env || {}), MFL_REPO_ROOT: cs.REPO_ROOT },
    });
    server = await serverStarting;
    cs.writeUserSettings(server.userDataDir);
    log(`code-server (VS Code server, Node 24) on ${server.base}`);
    browserLaunching = cs.launchBrowser({ profileDir: path.join(tmp, 'chromium-profile') });
    ctx = await browserLaunching;
    page = ctx.pages()[0] || (await ctx.newPage());
    let finished = false;
    let resolveDone;
    const done = new Promise((resolve) => { resolveDone = resolve; });
    // registered before the workbench loads; the workbench calls it with the run's exit code
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      finished = true;
      try { writeLogs(logsDir, logs); } catch (e) { log(`could not write the VS Code logs: ${e.message}`); }
      resolveDone(Number(code));
    });
    page.on('console', async (m) => {
      if (finished) return;
      let text;
      try {
        const values = await Promise.all(m.args().map((a) => a.jsonValue().catch(() => String(a))));
        text = formatConsoleArgs(values, m.text());
      } catch {
        text = m.text();
      }
      if (!text.trim()) return;
      for (const line of text.split('\n')) {
        if (verbose || !cs.NOISE.test(line)) console.log(`  ${line}`);
      }
    });
    page.on('pageerror', (e) => { if (verbose || !cs.NOISE.test(e.message)) log(`page error: ${e.message}`); });

    const payload = [
      ['extensionDevelopmentPath', cs.remoteUri(server.authority, extDir)],
      ['extensionTestsPath', cs.remoteUri(server.authority, testsPath)],
    ];
    const url = cs.workbenchUrl(server, workspace || extDir, payload);
    if (verbose) log(`opening ${url}`);
    await page.goto(url);
    log(`workbench opened (${workspace ? `folder ${workspace}` : 'no folder'}), running ${path.relative(cs.REPO_ROOT, testsPath) || testsPath}`);
    const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
    const r = await Promise.race([done, timeout]);
    if (r === 'timeout') {
      timedOut = true;
      log(`TIMEOUT: no result after ${Math.round(timeoutMs / 1000)} s`);
      exitCode = 3;
    } else {
      exitCode = Number.isInteger(r) ? r : 1;
    }
  } catch (e) {
    log(`harness error: ${e && e.stack ? e.stack : e}`);
    exitCode = 2;
  } finally {
    clearTimeout(timer);
    let outDir;
    if (exitCode !== 0) {
      outDir = cs.outputDir('vscode', { fresh: true });
      if (page) await page.screenshot({ path: path.join(outDir, timedOut ? 'timeout.png' : 'workbench.png') }).catch(() => {});
    }
    await shutdown();
    if (outDir) {
      // saved after the server stopped so its logs are complete
      cs.copyDir(logsDir, path.join(outDir, 'client-logs'));
      cs.copyDir(path.join(tmp, 'user-data', 'logs'), path.join(outDir, 'server-logs'));
      if (fs.existsSync(path.join(tmp, 'code-server.log'))) fs.copyFileSync(path.join(tmp, 'code-server.log'), path.join(outDir, 'code-server.log'));
      // a failing test explains itself in the mocha output; a broken run needs the server's view
      const srvTail = exitCode >= 2 ? cs.tail(path.join(tmp, 'code-server.log'), 40).trim() : '';
      if (srvTail) console.log(`--- code-server log (last lines) ---\n${srvTail}\n---`);
      log(`VS Code logs saved in ${path.relative(process.cwd(), outDir) || outDir}`);
    }
    cs.rmTmp(tmp);
    log(`exit code ${exitCode}`);
  }
  return { exitCode, outDir };
}

module.exports = { runExtensionTests };

if (require.main === module) {
  proc.installSignalHandlers();
  const [dev, tests, ws] = process.argv.slice(2);
  if (!dev || !tests) {
    console.error('usage: ext-test-runner.js <extensionDevelopmentPath> <extensionTestsPath> [workspaceFolder]');
    process.exit(2);
  }
  runExtensionTests({ extensionDevelopmentPath: dev, extensionTestsPath: tests, workspace: ws })
    .then((r) => process.exit(r.exitCode))
    .catch((e) => { console.error(e); process.exit(2); });
}
