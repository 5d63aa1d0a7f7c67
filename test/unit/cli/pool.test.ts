// The worker pool on its own, with a stand-in worker script speaking the same protocol: results
// come back in input order whatever order they finish in, large files never run two at a time,
// dispatch stays inside the window, and a worker that dies costs only its own file.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runPool, type TaskResult, type WorkerInit } from '../../../src/cli/worker';
import { tempDir } from './helpers';

// Plain JS run as the worker: the "analysis" of a file is a delay read from its name (and, for
// -holdN, waiting until N tasks run at once); files named crash-* kill the worker. Shared counters
// record how many large files and tasks run at once.
const STAND_IN = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const c = new Int32Array(workerData.counters);
parentPort.on('message', (m) => {
  const name = require('node:path').basename(m.path);
  if (name.startsWith('crash-')) process.exit(3);
  const large = fs.statSync(m.path).size > workerData.large;
  const running = Atomics.add(c, 0, 1) + 1;
  Atomics.store(c, 1, Math.max(Atomics.load(c, 1), running));
  Atomics.store(c, 4, Math.max(Atomics.load(c, 4), m.index));
  if (large) {
    const l = Atomics.add(c, 2, 1) + 1;
    Atomics.store(c, 3, Math.max(Atomics.load(c, 3), l));
  }
  const delay = Number(/-(\\d+)ms/.exec(name)?.[1] ?? 0);
  // -holdN: stay until N tasks run at once (10 s at most), so overlap never depends on timing
  const hold = Number(/-hold(\\d+)/.exec(name)?.[1] ?? 0);
  const until = Date.now() + 10000;
  const finish = () => setTimeout(() => {
    Atomics.sub(c, 0, 1);
    if (large) Atomics.sub(c, 2, 1);
    parentPort.postMessage({ type: 'result', index: m.index, ok: true, record: { file: m.path } });
  }, delay);
  const wait = () => (Atomics.load(c, 0) >= hold || Date.now() > until ? finish() : setTimeout(wait, 5));
  wait();
});
`;

let dir: string;
let entry: string;

before(() => {
  dir = tempDir('pool');
  entry = path.join(dir, 'stand-in-worker.js');
  fs.writeFileSync(entry, STAND_IN);
});

function files(names: Array<[string, number]>): string[] {
  return names.map(([n, size]) => {
    const p = path.join(dir, n);
    fs.writeFileSync(p, Buffer.alloc(size, 0x61));
    return p;
  });
}

function init(counters: SharedArrayBuffer, large: number): WorkerInit {
  return { counters, large } as unknown as WorkerInit;
}

describe('runPool', () => {
  test('delivers in input order although later files finish first', async () => {
    const paths = files([['a-hold2-300ms.eml', 10], ['b-0ms.eml', 10], ['c-100ms.eml', 10], ['d-0ms.eml', 10], ['e-0ms.eml', 10]]);
    const counters = new SharedArrayBuffer(5 * 4);
    const got: number[] = [];
    await runPool({ entry, size: 3, init: init(counters, 1e9), paths, onResult: (i, r) => void got.push(i, r.ok ? 1 : 0) });
    assert.deepEqual(got, [0, 1, 1, 1, 2, 1, 3, 1, 4, 1]);
    const c = new Int32Array(counters);
    assert.ok(c[1] > 1, 'ran in parallel');
    assert.ok(c[1] <= 3, 'never more tasks than workers');
  });

  test('at most one large file at a time, however many workers', async () => {
    const paths = files([['L1-hold2-150ms.eml', 2000], ['L2-150ms.eml', 2000], ['s1-0ms.eml', 10], ['L3-150ms.eml', 2000], ['s2-0ms.eml', 10], ['s3-0ms.eml', 10]]);
    const counters = new SharedArrayBuffer(5 * 4);
    let n = 0;
    await runPool({ entry, size: 4, init: init(counters, 1000), largeFileBytes: 1000, paths, onResult: () => void n++ });
    const c = new Int32Array(counters);
    assert.equal(n, paths.length);
    assert.equal(c[3], 1, 'large files ran one at a time');
    assert.ok(c[1] >= 2, 'small files ran next to a large one');
  });

  test('nothing is dispatched further than the window ahead of the next delivery', async () => {
    const names: Array<[string, number]> = [['w0-400ms.eml', 10]];
    for (let i = 1; i < 12; i++) names.push([`w${i}-0ms.eml`, 10]);
    const paths = files(names);
    const counters = new SharedArrayBuffer(5 * 4);
    const c = new Int32Array(counters);
    let maxSeenWhileFirstPending = -1;
    await runPool({
      entry,
      size: 2,
      window: 4,
      init: init(counters, 1e9),
      paths,
      onResult: (i) => {
        if (i === 0) maxSeenWhileFirstPending = Atomics.load(c, 4);
      },
    });
    assert.ok(maxSeenWhileFirstPending <= 3, `while file 0 ran, dispatch reached index ${maxSeenWhileFirstPending} (window 4)`);
  });

  test('a worker that dies costs only its own file; a new worker takes over', async () => {
    const paths = files([['ok1-0ms.eml', 10], ['crash-1.eml', 10], ['ok2-50ms.eml', 10], ['crash-2.eml', 10], ['ok3-0ms.eml', 10]]);
    const results: TaskResult[] = [];
    await runPool({ entry, size: 2, init: init(new SharedArrayBuffer(20), 1e9), paths, onResult: (_i, r) => void results.push(r) });
    assert.deepEqual(results.map((r) => r.ok), [true, false, true, false, true]);
    const failed = results[1] as { ok: false; error: string };
    assert.match(failed.error, /crash-1\.eml: internal error: the worker stopped \(exit code 3\)/);
  });
});
