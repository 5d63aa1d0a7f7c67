'use strict';
// The real VS Code workbench for tests: code-server (VS Code 1.139.1 inside, running on the Node 24
// that scripts/install-test-tools.sh put into the tools cache) on 127.0.0.1 with a free port and
// throw-away user-data/extensions folders, and Debian's Chromium driven by playwright-core with a
// fresh profile. Everything started here is tracked by ./proc so it cannot outlive the run.
// Background: /work/shared/docs/VSCODE-TESTING.md (the project's copy of the findings is in the
// README's testing section).
const fs = require('fs');
const os = require('os');
const net = require('net');
const http = require('http');
const path = require('path');
const { spawnSync } = require('child_process');
const proc = require('./proc');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const TOOLS = process.env.MFL_TOOLS_DIR || path.join(os.homedir(), '.cache', 'mailflow-lens', 'tools');
const NODE24 = path.join(TOOLS, 'node_modules', '.bin', 'node');
const CODE_SERVER_ENTRY = path.join(TOOLS, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const VSCE = path.join(TOOLS, 'node_modules', '.bin', 'vsce');
const PLAYWRIGHT = path.join(TOOLS, 'node_modules', 'playwright-core');
const CHROMIUM = process.env.MFL_CHROMIUM || '/usr/bin/chromium';
const OUTPUT_ROOT = path.join(REPO_ROOT, '.test-output');

/** What is missing for the code-server based layers (empty when ready). */
function missingTools() {
  const missing = [];
  if (!fs.existsSync(NODE24)) missing.push(`Node 24 (${NODE24})`);
  if (!fs.existsSync(CODE_SERVER_ENTRY)) missing.push(`code-server (${CODE_SERVER_ENTRY})`);
  else if (!fs.existsSync(path.join(TOOLS, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules'))) {
    missing.push('code-server\'s VS Code modules (its install did not finish)');
  }
  if (!fs.existsSync(PLAYWRIGHT)) missing.push(`playwright-core (${PLAYWRIGHT})`);
  if (!fs.existsSync(CHROMIUM)) missing.push(`Chromium (${CHROMIUM})`);
  return missing;
}

function codeServerInstalled() {
  return fs.existsSync(CODE_SERVER_ENTRY);
}

function requireTools() {
  const missing = missingTools();
  if (missing.length) {
    throw new Error(`test tools missing: ${missing.join(', ')}.\n` +
      `Run scripts/install-test-tools.sh (tools folder: ${TOOLS}; set MFL_TOOLS_DIR to use another).`);
  }
}

/** A new temp folder whose name marks it as ours (mfl-test-*). */
function mkTmp(label) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `mfl-test-${label}-`));
}

function rmTmp(dir) {
  if (!dir || process.env.MFL_KEEP_TMP === '1') return;
  // retries: a browser that was just stopped may still be writing into its profile
  try { fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }); } catch { /* best effort */ }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function httpStatus(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => { res.resume(); resolve(res.statusCode); });
    req.setTimeout(2000, () => { req.destroy(); resolve(0); });
    req.on('error', () => resolve(0));
  });
}

/** Settings that keep the workbench quiet and the screenshots clean (no chat, no welcome page). */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'security.workspace.trust.enabled': false,
  'window.commandCenter': false,
};

function writeUserSettings(userDataDir, extra = {}) {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...extra }, null, 2));
}

function toolsEnv(extra = {}) {
  // code-server and anything it spawns must find Node 24 first on PATH
  return { ...process.env, ...extra, PATH: `${path.dirname(NODE24)}:${process.env.PATH}` };
}

/**
 * Installs a .vsix into the given profile with code-server's CLI (offline, ~1 s).
 * Returns the CLI output; throws if it did not report success.
 */
function installVsix({ vsix, userDataDir, extensionsDir }) {
  const r = spawnSync(NODE24, [CODE_SERVER_ENTRY, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--install-extension', vsix], { encoding: 'utf8', env: toolsEnv(), timeout: 120000 });
  const out = `${r.stdout || ''}${r.stderr || ''}`.trim();
  if (r.status !== 0 || !/successfully installed/i.test(out)) {
    throw new Error(`installing ${vsix} failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${out}`);
  }
  return out;
}

/**
 * Starts code-server on 127.0.0.1:<free port>. `tmp` holds config, user data, extensions and the
 * server log unless given explicitly. `smokeTestDriver: true` makes the built workbench honour the
 * extensionDevelopmentPath/extensionTestsPath payload (needed for extension tests and dev mode).
 * `env` reaches the extension host (it inherits the server's environment).
 * Returns { port, base, authority, logFile, userDataDir, extensionsDir, child, stop() }.
 */
async function startCodeServer({ tmp, userDataDir, extensionsDir, logFile, env = {}, smokeTestDriver = false,
  startTimeoutMs = 60000 }) {
  requireTools();
  userDataDir = userDataDir || path.join(tmp, 'user-data');
  extensionsDir = extensionsDir || path.join(tmp, 'extensions');
  logFile = logFile || path.join(tmp, 'code-server.log');
  const configFile = path.join(tmp, 'config.yaml');
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(configFile, ''); // keeps it from writing ~/.config/code-server/config.yaml
  const port = await freePort();
  const args = [CODE_SERVER_ENTRY,
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened',
    '--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  const logFd = fs.openSync(logFile, 'a');
  // own process group: stop() then also reaches the extension host, pty host and watchers
  const child = proc.spawnTracked(NODE24, args, {
    cwd: tmp,
    env: toolsEnv({ ...env, XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_DATA_HOME: path.join(tmp, 'xdg-data') }),
    stdio: ['ignore', logFd, logFd],
  }, { name: 'code-server', group: true });
  fs.closeSync(logFd);
  const base = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited early (${child.exitCode ?? child.signalCode}); log: ${logFile}\n${tail(logFile, 30)}`);
    }
    if ((await httpStatus(`${base}/healthz`)) === 200) break;
    if (Date.now() - t0 > startTimeoutMs) {
      await proc.stop(child);
      throw new Error(`code-server did not answer /healthz within ${startTimeoutMs} ms; log: ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port, base, authority: `127.0.0.1:${port}`, logFile, userDataDir, extensionsDir, child,
    stop: () => proc.stop(child, { graceMs: 5000 }),
  };
}

/** vscode-remote:// URI of a server-side path, as the workbench payload needs it. */
function remoteUri(authority, absPath) {
  return `vscode-remote://${authority}${absPath.split(path.sep).map(encodeURIComponent).join('/')}`;
}

/** Workbench URL for a folder, with an optional payload ([key, value] pairs). */
function workbenchUrl(server, folder, payload) {
  let url = `${server.base}/?folder=${encodeURIComponent(folder)}`;
  if (payload && payload.length) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

/**
 * Headless Debian Chromium with a fresh profile, loopback only. Returns the persistent context;
 * close it with `ctx.close()` (playwright also kills the browser if this process dies).
 */
async function launchBrowser({ profileDir, width = 1400, height = 900, deviceScaleFactor = 1 }) {
  requireTools();
  const { chromium } = require(PLAYWRIGHT);
  // launchPersistentContext is how playwright gives a fresh --user-data-dir
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    // our signal handlers close the browser in order (playwright still kills it if we die)
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    viewport: { width, height },
    deviceScaleFactor,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--no-default-browser-check',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', '--disable-crash-reporter', '--disable-breakpad',
      '--disable-features=Translate,MediaRouter,OptimizationHints',
      // loopback only: no name resolution or connection leaves the machine
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
    env: { ...process.env },
  });
}

function tail(file, lines = 60) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function copyDir(src, dest) {
  if (!fs.existsSync(src)) return;
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.cpSync(src, dest, { recursive: true });
}

/**
 * The folder for a layer's logs and screenshots: .test-output/<layer>/ (git-ignored). `fresh`
 * empties it first, so what is there always belongs to the latest run.
 */
function outputDir(layer, { fresh = false } = {}) {
  const dir = path.join(OUTPUT_ROOT, layer);
  if (fresh) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Removes workbench console noise that says nothing about our extension (offline gallery,
 * telemetry endpoints, chat/agent sign-in, missing optional wasm).
 */
const NOISE = /No signed-in session|ChatModelSelection|AgentHost|AccountPolicyGate|ENOTFOUND|ERR_NAME_NOT_RESOLVED|status of 404|allow-same-origin|same-origin|Service Worker|connection token|grace time|builtin extensions cache|vsda|open-vsx|marketplace|code-server-ipc\.sock|Creating a socket|Creation of workbench contribution|authentication provider 'github'|^\s+at (?:async )?\S+ \(https?:\/\/127\.0\.0\.1/;

module.exports = {
  REPO_ROOT, TOOLS, NODE24, CODE_SERVER_ENTRY, VSCE, CHROMIUM, OUTPUT_ROOT, QUIET_SETTINGS, NOISE,
  missingTools, codeServerInstalled, requireTools, mkTmp, rmTmp, freePort, writeUserSettings, toolsEnv,
  installVsix, startCodeServer, remoteUri, workbenchUrl, launchBrowser, tail, copyDir, outputDir,
};
