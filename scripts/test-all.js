#!/usr/bin/env node
'use strict';
// The whole test suite, layer by layer (`npm test` runs it after `npm run build`):
//   unit     node:test over out/test/unit/**/*.test.js; fails fast: nothing else runs if it fails
//   tools    scripts/install-test-tools.sh (Chromium, dnsmasq, Node 24, code-server, vsce);
//            idempotent, under a second when everything is there
//   vscode   integration tests in the real VS Code extension host (test/harness/run-vscode-tests.js)
//   e2e      workbench UI tests with the packaged .vsix (test/e2e/ui.test.js)
// Prints each layer's time and counts and a closing `N passed, N failed` line; exits non-zero
// if any layer failed or if any process started during the run is still alive at the end.
//
//   node scripts/test-all.js                 all layers
//   node scripts/test-all.js unit            only the named layers (any of unit tools vscode e2e)
const fs = require('fs');
const path = require('path');
const proc = require('../test/harness/proc');

const ROOT = path.resolve(__dirname, '..');
const LAYERS = ['unit', 'tools', 'vscode', 'e2e'];

function unitTestFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...unitTestFiles(full));
    else if (e.isFile() && e.name.endsWith('.test.js')) out.push(full);
  }
  return out.sort();
}

/** Counts from a layer's output: node:test's summary, or our `N passed, N failed` line. */
function parseCounts(layer, output) {
  // eslint-disable-next-line no-control-regex
  const text = output.replace(/\x1b\[[0-9;]*m/g, '');
  if (layer === 'unit') {
    const pass = /^(?:ℹ|#) pass (\d+)$/m.exec(text);
    const fail = /^(?:ℹ|#) fail (\d+)$/m.exec(text);
    const cancelled = /^(?:ℹ|#) cancelled (\d+)$/m.exec(text);
    if (!pass || !fail) return undefined;
    return { passed: Number(pass[1]), failed: Number(fail[1]) + (cancelled ? Number(cancelled[1]) : 0) };
  }
  const all = [...text.matchAll(/^(\d+) passed, (\d+) failed\b/gm)];
  if (!all.length) return undefined;
  const last = all[all.length - 1];
  return { passed: Number(last[1]), failed: Number(last[2]) };
}

function runLayer(layer) {
  let command;
  let args;
  if (layer === 'unit') {
    const files = unitTestFiles(path.join(ROOT, 'out', 'test', 'unit'));
    if (!files.length) {
      console.log('no compiled unit tests in out/test/unit: run `npm run build` first');
      return Promise.resolve({ code: 1, output: '' });
    }
    // explicit files: Node 20's test runner takes no glob patterns
    command = process.execPath;
    // two files at a time: CI has two cores, and the default (cores - 1) runs them one by one
    args = ['--test', '--test-reporter=spec', `--test-concurrency=${Math.max(2, require('os').availableParallelism())}`, ...files.map((f) => path.relative(ROOT, f))];
  } else if (layer === 'tools') {
    command = 'bash';
    args = [path.join(ROOT, 'scripts', 'install-test-tools.sh')];
  } else if (layer === 'vscode') {
    command = process.execPath;
    args = [path.join(ROOT, 'test', 'harness', 'run-vscode-tests.js')];
  } else {
    command = process.execPath;
    args = [path.join(ROOT, 'test', 'e2e', 'ui.test.js')];
  }
  return new Promise((resolve) => {
    let output = '';
    const child = proc.spawnTracked(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
      // a layer stops its own servers and browser when told to; give it the time for that
      { name: layer, graceMs: 30000 });
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      output += d;
      if (output.length > 4_000_000) output = output.slice(-2_000_000);
    });
    child.on('error', (e) => { console.log(`cannot start ${command}: ${e.message}`); resolve({ code: 2, output }); });
    child.on('close', (code, signal) => resolve({ code: code === null ? 128 : code, signal, output }));
  });
}

async function main() {
  const wanted = process.argv.slice(2);
  for (const w of wanted) {
    if (!LAYERS.includes(w)) {
      console.error(`unknown layer ${w}; choose from ${LAYERS.join(', ')}`);
      return 2;
    }
  }
  let layers = wanted.length ? LAYERS.filter((l) => wanted.includes(l)) : LAYERS;
  // The unit layer starts the real dnsmasq (test/unit/harness). On a fresh machine it is not there
  // yet, so the tools come first; everywhere else unit tests run first and fail fast.
  const dnsmasq = process.env.MFL_DNSMASQ || '/usr/sbin/dnsmasq';
  if (layers.includes('unit') && layers.includes('tools') && !fs.existsSync(dnsmasq)) {
    console.log(`${dnsmasq} is missing and the unit tests need it: installing the test tools first`);
    layers = ['tools', ...layers.filter((l) => l !== 'tools')];
  }
  // test keys are generated once per run and shared by the unit test processes
  // (test/fixtures/scenarios/keys.ts); a new directory each run, removed at the end
  const keyDir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'mfl-test-keys-'));
  process.env.MFL_TEST_KEY_DIR = keyDir;
  const t0 = Date.now();
  const summary = [];
  let failedLayers = 0;
  for (const layer of layers) {
    const t = Date.now();
    console.log(`\n===== ${layer} =====`);
    const { code, output } = await runLayer(layer);
    const secs = (Date.now() - t) / 1000;
    const counts = layer === 'tools' ? undefined : parseCounts(layer, output);
    let ok = code === 0;
    if (layer !== 'tools' && ok && (!counts || counts.failed > 0 || counts.passed === 0)) ok = false; // nothing ran, or output disagrees
    summary.push({ layer, ok, code, secs, counts });
    if (!ok) failedLayers++;
    console.log(`===== ${layer}: ${ok ? 'OK' : `FAILED (exit ${code})`} in ${secs.toFixed(1)} s =====`);
    if (!ok && (layer === 'unit' || layer === 'tools')) {
      console.log(`stopping: the ${layer} layer failed, the later layers would not tell anything new`);
      break;
    }
  }

  fs.rmSync(keyDir, { recursive: true, force: true });
  const strays = await proc.settleStrays();
  if (strays.length) {
    failedLayers++;
    console.log(`\nprocesses still running after the tests (killed now):\n${strays.map((s) => `  ${s.pid} ${s.cmd}`).join('\n')}`);
  }

  let passed = 0;
  let failed = 0;
  console.log('\n===== summary =====');
  for (const s of summary) {
    const c = s.counts;
    if (c) { passed += c.passed; failed += c.failed; }
    if (!s.ok && (!c || c.failed === 0) && s.layer !== 'tools') failed++; // a broken layer counts once
    const counts = c ? `${c.passed} passed, ${c.failed} failed` : s.layer === 'tools' ? 'ready' : 'no results';
    console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.layer.padEnd(7)} ${s.secs.toFixed(1).padStart(6)} s  ${counts}`);
  }
  for (const l of layers.slice(summary.length)) console.log(`skip ${l}`);
  console.log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failedLayers ? 1 : 0;
}

proc.installSignalHandlers();
main().then((c) => process.exit(c), (e) => { console.error(e); process.exit(2); });
