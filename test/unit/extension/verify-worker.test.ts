// The verification worker without VS Code: the real worker file (the compiled
// src/extension/verify-worker.ts) on a real worker thread, driven by the client the extension's
// store uses. What comes back must be exactly what analyze() gives on the calling thread, DNS
// must follow the plan the host sent, and a worker that stops, runs out of memory or is
// cancelled must never leave a caller waiting.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../../src/core/analyze';
import type { Analysis } from '../../../src/core/types';
import { resolverFromSnapshot, validateDnsSnapshot } from '../../../src/core/verify/snapshot';
import { VerifyClient } from '../../../src/extension/verify-client';
import { createWorkerHandler } from '../../../src/extension/verify-worker';
import {
  SnapshotLedger,
  VerifyJobError,
  copyInSlices,
  countLines,
  isVerifyJobError,
  transferableCopy,
  wireOptions,
  type DnsPlan,
  type FromWorker,
  type ToWorker,
} from '../../../src/extension/verify-protocol';
import { SCENARIOS, buildCached } from '../../fixtures/scenarios';

const ENTRY = path.join(__dirname, '..', '..', '..', 'src', 'extension', 'verify-worker.js');

const clients: VerifyClient[] = [];
function client(options: Partial<ConstructorParameters<typeof VerifyClient>[0]> = {}): VerifyClient {
  const c = new VerifyClient({ entry: ENTRY, ...options });
  clients.push(c);
  return c;
}
after(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
});

function recorded(zone: unknown, key = 'file:///ws/dns.json', version = 1): Extract<DnsPlan, { mode: 'recorded' }> {
  return { mode: 'recorded', key, version, snapshot: validateDnsSnapshot(zone).snapshot };
}

/** A mail loop between two relays on top of a real message: thousands of Received fields. */
function withMailLoop(bytes: Buffer, fields: number): Buffer {
  const lines: string[] = [];
  let t = Date.parse('2026-03-10T16:02:11Z');
  for (let n = 0; n < fields; n++) {
    const [from, ip, by] = n % 2 === 0 ? ['relay1.contoso.com', '198.51.100.7', 'relay2.contoso.com'] : ['relay2.contoso.com', '198.51.100.8', 'relay1.contoso.com'];
    const date = new Date((t -= 1000)).toUTCString().replace('GMT', '+0000');
    lines.push(`Received: from ${from} (${from} [${ip}])\r\n\tby ${by} (Postfix) with ESMTPS id 4W${(n * 7919).toString(36).toUpperCase()}Q\r\n\tfor <isaiah@contoso.com>; ${date}\r\n`);
  }
  return Buffer.concat([Buffer.from(lines.join(''), 'latin1'), bytes]);
}

describe('verification worker protocol', () => {
  test('wireOptions drops the resolver and the DNS mode, and what is left survives structured clone', () => {
    const options = { name: 'a.eml', trustedRelays: ['203.0.113.0/24'], dnsMode: 'recorded' as const, resolver: async () => [], efcMode: 'skipIps', maxMessageBytes: 1024 };
    const wire = wireOptions(options);
    assert.deepEqual(wire, { name: 'a.eml', trustedRelays: ['203.0.113.0/24'], efcMode: 'skipIps', maxMessageBytes: 1024 });
    assert.deepEqual(structuredClone(wire), wire);
  });

  test('copyInSlices gives the same bytes as one copy, and stops when the job is no longer wanted', async () => {
    const bytes = Buffer.alloc(10 * 1024 * 1024 + 17);
    for (let i = 0; i < bytes.length; i += 4093) bytes[i] = i % 251;
    const copy = await copyInSlices(bytes.subarray(5), () => true, 4 * 1024 * 1024);
    assert.ok(copy);
    assert.equal(Buffer.compare(Buffer.from(copy), bytes.subarray(5)), 0);
    let asked = 0;
    const stopped = await copyInSlices(bytes, () => ++asked < 2, 4 * 1024 * 1024);
    assert.equal(stopped, undefined);
    assert.equal(asked, 2, 'asked between slices, stopped at the first "no"');
  });

  test('transferableCopy copies exactly the view, never the buffer behind it', () => {
    const pool = Buffer.from('xxHeader: valueyy');
    const view = pool.subarray(2, 15);
    const copy = transferableCopy(view);
    assert.equal(copy.byteLength, 13);
    assert.equal(Buffer.from(copy).toString(), 'Header: value');
    structuredClone(copy, { transfer: [copy] });
    assert.equal(copy.byteLength, 0, 'the copy was transferred (detached)');
    assert.equal(pool.toString(), 'xxHeader: valueyy', 'the original buffer is untouched');
  });

  test('the snapshot ledger sends a snapshot once per version and again after clear()', () => {
    const ledger = new SnapshotLedger();
    const plan = recorded({ 'example.com': { TXT: [['v=spf1 -all']] } });
    assert.ok((ledger.outgoing(plan) as typeof plan).snapshot, 'first time: sent');
    assert.equal((ledger.outgoing(plan) as typeof plan).snapshot, undefined, 'same version: left out');
    assert.ok((ledger.outgoing({ ...plan, version: 2 }) as typeof plan).snapshot, 'new version: sent');
    ledger.clear();
    assert.ok((ledger.outgoing({ ...plan, version: 2 }) as typeof plan).snapshot, 'after a worker restart: sent again');
    assert.deepEqual(ledger.outgoing({ mode: 'live', server: '' }), { mode: 'live', server: '' });
  });
});

describe('countLines (the editor\'s line count, from bytes)', () => {
  const reference = (b: Uint8Array) => {
    let n = 1;
    for (let i = 0; i < b.length; i++) {
      if (b[i] === 0x0a) n++;
      else if (b[i] === 0x0d) {
        n++;
        if (b[i + 1] === 0x0a) i++;
      }
    }
    return n;
  };

  test('CRLF, LF and a lone CR each end a line', () => {
    assert.equal(countLines(Buffer.from('')), 1);
    assert.equal(countLines(Buffer.from('Subject: x\r\n\r\nbody\r\n')), 4);
    assert.equal(countLines(Buffer.from('a\rb\n\rc')), 4);
    assert.equal(countLines(Buffer.from('a\r')), 2);
  });

  test('agrees with a byte-by-byte count on mixed line ends, also for views into larger buffers', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = [0x0d, 0x0a, 0x41, 0x20, 0x0d, 0x0a];
    for (let k = 0; k < 200; k++) {
      const big = Buffer.alloc(Math.floor(rnd() * 300) + 4, 0);
      for (let i = 0; i < big.length; i++) big[i] = alphabet[Math.floor(rnd() * alphabet.length)];
      const from = Math.floor(rnd() * 3);
      const to = big.length - Math.floor(rnd() * 3);
      const view = new Uint8Array(big.buffer, big.byteOffset + from, to - from);
      assert.equal(countLines(view), reference(view), JSON.stringify(Buffer.from(view).toString('latin1')));
    }
  });
});

describe('verification worker thread', () => {
  test('every scenario: the worker gives exactly what analyze() gives on this thread, recorded DNS lookups included', async () => {
    const c = client();
    for (const s of SCENARIOS) {
      const { bytes, dnsZone } = await buildCached(s.id);
      const options = { name: `${s.id}.eml`, receivingDomains: ['contoso.com'] };
      // one snapshot file per scenario (a shared key and version would tell the worker it already has it)
      const plan = recorded(dnsZone, `file:///ws/${s.id}.dns.json`);
      const here = await analyze(bytes, { ...options, dnsMode: 'recorded', resolver: resolverFromSnapshot(plan.snapshot) });
      const { analysis } = await c.run(bytes, options, plan).promise;
      assert.deepStrictEqual(analysis, here, `${s.id}: the worker's Analysis differs`);
      assert.equal(analysis.verification?.dnsMode, 'recorded');
      assert.ok(analysis.verification!.lookups.some((l) => l.outcome === 'answer'), `${s.id}: no DNS answer came back`);
    }
    assert.equal(c.stats.starts, 1, 'one long-lived worker');
    assert.equal(c.stats.results, SCENARIOS.length);
  });

  test('the worker counts the lines of the bytes when asked (so the host need not scan a large body)', async () => {
    const { bytes } = await buildCached('barracuda-gmail');
    const c = client();
    const counted = await c.run(bytes, { name: 'b.eml' }, { mode: 'off' }, { countLines: true }).promise;
    assert.equal(counted.lineCount, countLines(bytes));
    assert.equal(counted.lineCount, counted.analysis.input.lineCount);
    const plain = await c.run(bytes, { name: 'b.eml' }, { mode: 'off' }).promise;
    assert.equal(plain.lineCount, undefined);
  });

  test('DNS off in the worker: nothing is looked up, body hashes are still checked', async () => {
    const { bytes, facts } = await buildCached('proofpoint-banner-eop');
    const { analysis } = await client().run(bytes, { name: 'p.eml' }, { mode: 'off' }).promise;
    assert.equal(analysis.verification?.dnsMode, 'off');
    assert.ok(analysis.verification!.lookups.every((l) => l.outcome === 'offline'));
    const sender = facts.dkim.find((d) => d.signer === 'sender')!;
    const check = analysis.verification!.dkim.find((d) => d.domain === sender.domain)!;
    assert.equal(sender.expect, 'body-modified');
    assert.equal(check.bodyHashOk, false, 'the banner broke the body hash');
  });

  test('a recorded snapshot is sent once and kept by the worker; a restarted worker gets it again', async () => {
    const { bytes, dnsZone } = await buildCached('mimecast-efc-eop');
    const c = client();
    const plan = recorded(dnsZone);
    const first = await c.run(bytes, { name: 'm.eml' }, plan).promise;
    // the second job posts no snapshot (the ledger leaves it out) and must still resolve from it
    const second = await c.run(bytes, { name: 'm.eml' }, plan).promise;
    assert.deepStrictEqual(second.analysis, first.analysis);
    assert.ok(c.kill());
    await waitUntil(() => !c.running, 'the killed worker to be gone');
    const third = await c.run(bytes, { name: 'm.eml' }, plan).promise;
    assert.deepStrictEqual(third.analysis, first.analysis);
    assert.equal(c.stats.starts, 2);
  });

  test('a worker killed mid-job fails that job with a clear reason, and the next job runs on a new worker', async () => {
    const { bytes } = await buildCached('proofpoint-banner-eop');
    const c = client();
    await c.run(bytes, { name: 'warm.eml' }, { mode: 'off' }).promise;
    const job = c.run(withMailLoop(bytes, 20000), { name: 'loop.eml', maxHops: 20000 }, { mode: 'off' });
    assert.ok(c.kill(), 'a worker was running');
    await assert.rejects(job.promise, (e: unknown) => isVerifyJobError(e, 'stopped') && /stopped unexpectedly/.test((e as Error).message));
    const again = await c.run(bytes, { name: 'again.eml' }, { mode: 'off' }).promise;
    assert.ok(again.analysis.verification);
    assert.deepEqual([c.stats.starts, c.stats.crashes], [2, 1]);
  });

  test('a worker that hits its heap limit fails the job as out of memory; small messages still work afterwards', async () => {
    const { bytes } = await buildCached('proofpoint-banner-eop');
    // 16 MB: enough to load the engine and verify an ordinary message, far too little for a
    // header block of 40,000 Received fields (each parsed, traced and kept with its evidence)
    const logs: string[] = [];
    const c = client({ resourceLimits: { maxOldGenerationSizeMb: 16 }, log: (l) => logs.push(l) });
    await c.run(bytes, { name: 'small.eml' }, { mode: 'off' }).promise;
    const huge = withMailLoop(bytes, 40000);
    await assert.rejects(c.run(huge, { name: 'loop.eml', maxHops: 40000 }, { mode: 'off' }).promise, (e: unknown) => {
      assert.ok(e instanceof VerifyJobError);
      assert.equal(e.reason, 'out-of-memory');
      assert.match(e.message, /ran out of memory \(its limit is 16 MB\)/);
      return true;
    });
    assert.equal(c.unavailable, undefined, 'a job that was too big does not disable the worker');
    const after = await c.run(bytes, { name: 'small.eml' }, { mode: 'off' }).promise;
    assert.ok(after.analysis.verification);
    assert.ok(logs.some((l) => /ran out of memory/.test(l)), 'the stop is logged');
  });

  test('cancel: the caller is released at once; a large job alone on the worker stops the worker', async () => {
    const { bytes } = await buildCached('proofpoint-banner-eop');
    const c = client({ terminateOnCancelBytes: 0 });
    await c.run(bytes, { name: 'warm.eml' }, { mode: 'off' }).promise;
    const job = c.run(withMailLoop(bytes, 5000), { name: 'loop.eml', maxHops: 5000 }, { mode: 'off' });
    await waitUntil(() => c.posted === 1, 'the job to reach the worker');
    job.cancel();
    await assert.rejects(job.promise, (e: unknown) => isVerifyJobError(e, 'cancelled'));
    assert.equal(c.stats.terminatedForCancel, 1);
    await waitUntil(() => !c.running, 'the worker to be terminated');
    assert.equal(c.stats.crashes, 0, 'terminating on purpose is no crash');
    const next = await c.run(bytes, { name: 'next.eml' }, { mode: 'off' }).promise;
    assert.ok(next.analysis.verification);
    assert.equal(c.stats.starts, 2);
  });

  test('cancel while the bytes are still being copied: nothing reaches the worker, which stays up', async () => {
    const { bytes } = await buildCached('proofpoint-banner-eop');
    const c = client({ terminateOnCancelBytes: 0 });
    await c.run(bytes, { name: 'warm.eml' }, { mode: 'off' }).promise;
    // 12 MiB: copied in three slices with the event loop running between them
    const padded = Buffer.concat([bytes, Buffer.alloc(12 * 1024 * 1024, 0x41)]);
    const job = c.run(padded, { name: 'big.eml' }, { mode: 'off' });
    assert.equal(c.posted, 0, 'still copying');
    job.cancel();
    await assert.rejects(job.promise, (e: unknown) => isVerifyJobError(e, 'cancelled'));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual([c.posted, c.stats.terminatedForCancel, c.stats.starts], [0, 0, 1]);
    assert.ok(c.running, 'the worker was not stopped for a job it never got');
    const next = await c.run(bytes, { name: 'next.eml' }, { mode: 'off' }).promise;
    assert.equal(next.analysis.input.name, 'next.eml');
  });

  test('cancel: a small job is cancelled inside the worker, which keeps running the others', async () => {
    const { bytes } = await buildCached('proofpoint-banner-eop');
    const c = client();
    const keep = c.run(bytes, { name: 'keep.eml' }, { mode: 'off' });
    const drop = c.run(bytes, { name: 'drop.eml' }, { mode: 'off' });
    drop.cancel();
    await assert.rejects(drop.promise, (e: unknown) => isVerifyJobError(e, 'cancelled'));
    const kept = await keep.promise;
    assert.equal(kept.analysis.input.name, 'keep.eml');
    assert.deepEqual([c.stats.starts, c.stats.terminatedForCancel, c.stats.cancelled, c.stats.results], [1, 0, 1, 1]);
  });

  test('a missing worker file makes the client unavailable (said once), and its jobs say so', async () => {
    const logs: string[] = [];
    const c = client({ entry: path.join(os.tmpdir(), 'mfl-no-such-worker.js'), log: (l) => logs.push(l) });
    assert.match(c.unavailable ?? '', /worker file .* is missing/);
    await assert.rejects(c.run(Buffer.from('Subject: x\r\n\r\nx\r\n'), {}, { mode: 'off' }).promise, (e: unknown) => isVerifyJobError(e, 'unavailable'));
    await assert.rejects(c.run(Buffer.from('Subject: x\r\n\r\nx\r\n'), {}, { mode: 'off' }).promise, (e: unknown) => isVerifyJobError(e, 'unavailable'));
    assert.equal(logs.length, 1);
    assert.match(logs[0], /^Verification runs on the extension host: /);
  });

  test('a worker file that fails while loading makes the client unavailable instead of restarting it forever', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfl-worker-'));
    try {
      const broken = path.join(dir, 'verify-worker.js');
      fs.writeFileSync(broken, "throw new Error('bundle is corrupt');\n");
      const logs: string[] = [];
      const c = client({ entry: broken, log: (l) => logs.push(l) });
      await assert.rejects(c.run(Buffer.from('Subject: x\r\n\r\nx\r\n'), {}, { mode: 'off' }).promise, (e: unknown) => isVerifyJobError(e, 'unavailable'));
      assert.match(c.unavailable ?? '', /could not start \(bundle is corrupt\)/);
      assert.equal(c.stats.starts, 1);
      await assert.rejects(c.run(Buffer.from('Subject: x\r\n\r\nx\r\n'), {}, { mode: 'off' }).promise, (e: unknown) => isVerifyJobError(e, 'unavailable'));
      assert.equal(c.stats.starts, 1, 'not started again');
      assert.equal(logs.filter((l) => l.startsWith('Verification runs on the extension host')).length, 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('dispose: running jobs are released and no thread is left', async () => {
    const { bytes } = await buildCached('proofpoint-banner-eop');
    const c = client();
    const job = c.run(withMailLoop(bytes, 5000), { name: 'loop.eml', maxHops: 5000 }, { mode: 'off' });
    await c.dispose();
    await assert.rejects(job.promise, (e: unknown) => isVerifyJobError(e, 'cancelled'));
    assert.equal(c.running, false);
    await assert.rejects(c.run(bytes, {}, { mode: 'off' }).promise, (e: unknown) => isVerifyJobError(e, 'cancelled'));
  });
});

describe('verification worker logic (on this thread)', () => {
  test('recorded DNS without the snapshot the plan names fails the job clearly (no silent DNS-off result)', async () => {
    const { bytes } = await buildCached('direct-to-eop');
    const posted: FromWorker[] = [];
    const h = createWorkerHandler((m) => posted.push(m));
    const ab = transferableCopy(bytes);
    h.handle({ type: 'analyze', id: 7, bytes: ab, options: { name: 'd.eml' }, dns: { mode: 'recorded', key: 'file:///ws/dns.json', version: 3 } });
    await waitUntil(() => posted.length > 0, 'an answer');
    assert.equal(posted[0].type, 'failed');
    assert.match((posted[0] as { message: string }).message, /DNS snapshot was not passed/);
  });

  test('cancelling a job stuck on live DNS ends it at once and sends nothing back', async () => {
    // a DNS server that receives queries and never answers
    const silent = dgram.createSocket('udp4');
    let queries = 0;
    silent.on('message', () => queries++);
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    const { port } = silent.address();
    const posted: FromWorker[] = [];
    const h = createWorkerHandler((m) => posted.push(m));
    try {
      const { bytes } = await buildCached('proofpoint-banner-eop');
      const msg: ToWorker = { type: 'analyze', id: 1, bytes: transferableCopy(bytes), options: { name: 'p.eml' }, dns: { mode: 'live', server: `127.0.0.1:${port}` } };
      h.handle(msg);
      await waitUntil(() => queries > 0, 'the first live query to reach the server');
      assert.equal(h.active, 1);
      h.handle({ type: 'cancel', id: 1 });
      // without the cancel the job would wait out every lookup's timeout and retries
      await waitUntil(() => h.active === 0, 'the cancelled job to end');
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(posted, [], 'a cancelled job posts no result');
    } finally {
      h.close();
      silent.close();
    }
  });

  test('live DNS is only used when the plan says live: an off plan sends no query', async () => {
    const { bytes } = await buildCached('barracuda-gmail');
    const posted: FromWorker[] = [];
    const h = createWorkerHandler((m) => posted.push(m));
    h.handle({ type: 'analyze', id: 2, bytes: transferableCopy(bytes), options: { name: 'b.eml' }, dns: { mode: 'off' } });
    await waitUntil(() => posted.length > 0, 'the result');
    assert.equal(posted[0].type, 'result');
    const a = (posted[0] as { analysis: Analysis }).analysis;
    assert.equal(a.verification?.dnsMode, 'off');
    assert.ok(a.verification!.lookups.length > 0 && a.verification!.lookups.every((l) => l.outcome === 'offline'));
  });
});

async function waitUntil(fn: () => boolean, what: string, timeoutMs = 20000): Promise<void> {
  const t0 = Date.now();
  while (!fn()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}


