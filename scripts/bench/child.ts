/**
 * Measurements that need a fresh process, run by scripts/bench/index.ts:
 *
 *   node child.js memory <base|read|ours|mailauth> <file> <snapshot.json>
 *       peak resident memory above what the loaded code uses: nothing more (base), reading the
 *       file (read), reading it and analysing it fully (ours), or running mailauth's
 *       authenticate() on it (mailauth). Every mode loads the same code first.
 *   node child.js route <file>
 *       time to first route in a fresh process: analyzeHeaders on the bytes just read (cold: the
 *       first call JIT-compiles the parsers), then warm calls, next to SHA-256 of the same bytes.
 *   node child.js require <file> [<stub vscode: 1|0>]
 *       time to require() a module (the extension bundle, or the unbundled extension from out/).
 *   node child.js engine <file>
 *       what the extension does with a message, in a fresh process: the route (analyzeHeaders),
 *       then the full analysis (analyze, DNS off), then the Analysis as JSON; the time of each, the
 *       process's peak resident memory (VmHWM, code included), and SHA-256 of the same bytes as a
 *       yardstick of the machine's speed.
 *
 * Prints one JSON object on stdout.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Module = require('node:module');

type Json = Record<string, unknown>;

function out(v: Json): void {
  process.stdout.write(`${JSON.stringify(v)}\n`);
}

/**
 * Minimal stand-in for the `vscode` module: every property is a callable, constructible no-op
 * (also through the prototype, since esbuild's ESM interop copies the module into a new object
 * that inherits from the module's prototype). Loading the bundle only defines classes and
 * constants; nothing here is meant to run activate().
 */
function stubVscode(): void {
  const anyKey = (key: string | symbol): unknown => {
    if (key === 'then') return undefined; // not a promise
    if (key === Symbol.toPrimitive) return () => '';
    if (key === 'prototype') return {};
    return stub;
  };
  const proto: object = new Proxy({}, { get: (_t, key) => anyKey(key) });
  const handler: ProxyHandler<() => void> = {
    get: (_t, key) => anyKey(key),
    apply: () => stub,
    construct: () => stub as unknown as object,
    getPrototypeOf: () => proto,
  };
  const stub: unknown = new Proxy(function vscodeStub() {}, handler);
  const file = path.join(__dirname, '__vscode_stub__.js');
  const M = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
  const orig = M._resolveFilename;
  M._resolveFilename = function (req: string, ...rest: unknown[]) {
    return req === 'vscode' ? file : orig.call(this, req, ...rest);
  };
  const m = new Module(file);
  m.filename = file;
  m.loaded = true;
  m.exports = stub;
  require.cache[file] = m;
}

/**
 * Peak resident memory since the last reset, bytes. On Linux the peak (VmHWM) is reset after the
 * code is loaded, so loading (which peaks higher than reading a 30 MB file) does not hide what
 * the file and the analysis add; elsewhere process.resourceUsage().maxRSS (peak of the process).
 */
function resetPeak(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function statusKiB(field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function memory(mode: string, file: string, snapshotFile: string): Promise<void> {
  // the same code in every mode, so the differences are the data and the work
  const { analyze } = require('../../src/core/analyze') as typeof import('../../src/core/analyze');
  const { mailauth } = require('../../src/core/verify/mailauth') as typeof import('../../src/core/verify/mailauth');
  const { resolverFromSnapshot } = require('../../src/core/verify') as typeof import('../../src/core/verify');
  const { mailauthAuthenticate } = require('./mailauth-ref') as typeof import('./mailauth-ref');
  mailauth();
  const authenticate = mailauthAuthenticate();
  const snapshot = fs.readFileSync(snapshotFile, 'utf8');
  const resolver = resolverFromSnapshot(snapshot);
  const size = fs.statSync(file).size;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  const hwm = resetPeak() && statusKiB('VmHWM') !== undefined;
  const startKiB = hwm ? statusKiB('VmRSS')! : process.resourceUsage().maxRSS;
  let detail: Json = {};
  if (mode !== 'base') {
    const bytes = fs.readFileSync(file);
    if (mode === 'ours') {
      const a = await analyze(bytes, { dnsMode: 'recorded', resolver, maxMessageBytes: 256 * 1048576 });
      detail = { dkim: a.verification?.dkim.map((d) => d.status), arc: a.verification?.arc?.chain, headersOnly: a.input.headersOnly };
    } else if (mode === 'mailauth') {
      const r = await authenticate(bytes, { resolver, ip: process.env.MFL_BENCH_IP, helo: process.env.MFL_BENCH_HELO, sender: process.env.MFL_BENCH_SENDER, mta: 'mx.contoso.com', disableBimi: true });
      detail = { dkim: r.dkim.results.map((d) => d.status.result), arc: r.arc.status.result };
    } else {
      detail = { read: bytes.length };
    }
  }
  const peakKiB = hwm ? statusKiB('VmHWM')! : process.resourceUsage().maxRSS;
  out({ mode, size, method: hwm ? 'VmHWM' : 'maxRSS', startKiB, peakKiB, maxRssKiB: process.resourceUsage().maxRSS, detail });
}

function route(file: string): void {
  const { analyzeHeaders } = require('../../src/core/analyze') as typeof import('../../src/core/analyze');
  const t0 = performance.now();
  const bytes = fs.readFileSync(file);
  const readMs = performance.now() - t0;
  const t1 = performance.now();
  const a = analyzeHeaders(bytes);
  const coldMs = performance.now() - t1;
  const warm: number[] = [];
  const sha: number[] = [];
  for (let i = 0; i < 7; i++) {
    const s0 = performance.now();
    crypto.createHash('sha256').update(bytes).digest();
    sha.push(performance.now() - s0);
    const w0 = performance.now();
    analyzeHeaders(bytes);
    warm.push(performance.now() - w0);
  }
  out({ size: bytes.length, readMs, coldMs, warm, sha, hops: a.hops.length, headers: a.headers.length });
}

function requireTime(file: string, stub: boolean): void {
  if (stub) stubVscode();
  const t0 = performance.now();
  require(path.resolve(file));
  out({ ms: performance.now() - t0 });
}

async function engine(file: string): Promise<void> {
  const { analyze, analyzeHeaders } = require('../../src/core/analyze') as typeof import('../../src/core/analyze');
  const bytes = fs.readFileSync(file);
  const s0 = performance.now();
  crypto.createHash('sha256').update(bytes).digest();
  const shaMs = performance.now() - s0;
  const t0 = performance.now();
  const head = analyzeHeaders(bytes);
  const routeMs = performance.now() - t0;
  const t1 = performance.now();
  const a = await analyze(bytes, { dnsMode: 'off' });
  const fullMs = performance.now() - t1;
  const t2 = performance.now();
  const json = JSON.stringify(a);
  const jsonMs = performance.now() - t2;
  const peakKiB = statusKiB('VmHWM') ?? process.resourceUsage().maxRSS;
  out({
    size: bytes.length,
    shaMs,
    routeMs,
    fullMs,
    jsonMs,
    peakKiB,
    headers: head.headers.length,
    hops: head.hops.length,
    jsonBytes: json.length,
    problems: [...new Set(a.problems.map((p) => p.code))],
    refused: a.verification?.notes.find((n) => n.startsWith('Not re-verified')) ?? null,
  });
}

async function main(): Promise<void> {
  const [cmd, ...args] = process.argv.slice(2);
  if (cmd === 'engine') await engine(args[0]);
  else if (cmd === 'memory') await memory(args[0], args[1], args[2]);
  else if (cmd === 'route') route(args[0]);
  else if (cmd === 'require') requireTime(args[0], args[1] === '1');
  else throw new Error(`unknown command ${cmd}`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
