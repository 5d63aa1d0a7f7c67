// Large messages inside the real VS Code: the full analysis (DKIM/ARC body hashing, SPF what-if,
// DMARC) of a message of 256 KiB or more runs on the verification worker thread, so the extension
// host stays responsive. The messages are ~30 MB, DKIM-signed by the sender and ARC-sealed by
// Proofpoint and by Exchange Online over a body with a large PDF attachment
// (scripts/bench/messages.ts), written once per run to the temporary folder:
//   large-intact.eml    as delivered: the body hash verifies (Proofpoint only tagged the Subject)
//   large-banner.eml    the same after a gateway put a warning banner above the text: body hash broken
//   large-lf-*.eml      LF-only copies (as many tools save messages; slower to verify: the body is
//                       converted to CRLF for hashing), one per test that needs an unanalysed file
//
// Not covered here: Restricted Mode. The harness starts code-server with --disable-workspace-trust
// and security.workspace.trust.enabled: false, so vscode.workspace.isTrusted is always true; the
// trust decision stays on the host (src/extension/config.ts resolveOptions), and the worker only
// looks records up live when the host's DNS plan says 'live' (test/unit/extension/verify-worker).
import * as assert from 'assert';
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { after, afterEach, before, describe, it } from 'mocha';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import type { Analysis } from '../../../src/core/types';
import { analyze } from '../../../src/core/analyze';
import { OptionCaches, resolveOptions } from '../../../src/extension/config';
import { WORKER_MIN_BYTES, countLines } from '../../../src/extension/store';
import { buildBenchMessage, toLf } from '../../../scripts/bench/messages';
import { generateTestKey } from '../../fixtures/scenarios/keys';
import { closeAll, fullAnalysis, lensApi, openMessage, scenario, setSetting, tempDir, waitFor } from './mfl-helpers';

const SIZE = 30 * 1024 * 1024;
const BANNER = 'CAUTION: This email originated from outside of the organization. Do not click links or open attachments unless you recognize the sender.\r\n\r\n';

interface Large {
  intact: vscode.Uri;
  banner: vscode.Uri;
  lf: Buffer;
  zone: unknown;
}

let large: Promise<Large> | undefined;
let lfCopies = 0;

function largeMessages(): Promise<Large> {
  if (!large) {
    large = (async () => {
      const m = await buildBenchMessage(SIZE, generateTestKey);
      const dir = tempDir();
      const intact = path.join(dir, 'large-intact.eml');
      fs.writeFileSync(intact, m.bytes);
      // the gateway's banner goes above the first line of the text part, inside the signed body
      const at = m.bytes.indexOf('Hi Isaiah,', m.bodyStart);
      assert.ok(at > 0, 'the text part was not found');
      const bannered = Buffer.concat([m.bytes.subarray(0, at), Buffer.from(BANNER), m.bytes.subarray(at)]);
      const banner = path.join(dir, 'large-banner.eml');
      fs.writeFileSync(banner, bannered);
      return { intact: vscode.Uri.file(intact), banner: vscode.Uri.file(banner), lf: toLf(m.bytes), zone: m.zone };
    })();
  }
  return large;
}

/** A fresh LF-only copy under a new name (so no earlier analysis of it is cached). */
async function freshLfCopy(): Promise<vscode.Uri> {
  const { lf } = await largeMessages();
  const file = path.join(tempDir(), `large-lf-${++lfCopies}.eml`);
  fs.writeFileSync(file, lf);
  return vscode.Uri.file(file);
}

/** analyze() on this thread with exactly the options the store resolves for the document. */
async function analyzeOnHost(doc: vscode.TextDocument): Promise<Analysis> {
  const resolved = await resolveOptions(doc, new OptionCaches());
  return analyze(fs.readFileSync(doc.uri.fsPath), resolved.options);
}

/** The check of the sender's own DKIM signature (d= the From domain). */
function senderCheck(a: Analysis) {
  const domain = a.summary.fromDomain;
  assert.ok(domain, 'the message has a From domain');
  const check = a.verification?.dkim.find((d) => d.domain === domain);
  assert.ok(check, `no DKIM check for ${domain}: ${JSON.stringify(a.verification?.dkim.map((d) => d.domain))}`);
  return check;
}

function senderKeyName(a: Analysis): string {
  return `${senderCheck(a).selector}._domainkey.${a.summary.fromDomain}`;
}

/**
 * The longest gap between ticks of a 5 ms interval on this thread (the extension host's), counting
 * the gaps that start while `active()` holds: from the first tick inside the job to the first tick
 * after it, so reading the result back and publishing it count, the host's work before the job
 * (reading the file, the headers-first analysis) does not.
 */
function gapRecorder(active: () => boolean) {
  let last = performance.now();
  let wasActive = false;
  let maxGap = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    if (wasActive) {
      maxGap = Math.max(maxGap, now - last);
      ticks++;
    }
    wasActive = active();
    last = now;
  }, 5);
  return {
    stop: () => clearInterval(timer),
    get maxGap() {
      return maxGap;
    },
    get ticks() {
      return ticks;
    },
  };
}

/** Other extensions' work right after a 30 MB document opens (merge-conflict scans it, code actions are asked for) passes. */
async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 2000));
}

describe('Large messages: verification on the worker thread', function () {
  this.timeout(180_000);
  let api: MailFlowLensApi;

  before(async () => {
    api = await lensApi();
    // VS Code's port auto-forwarding spawns a process from this extension host every few seconds,
    // and each spawn stalls the host for 50-300 ms here (forking a large process on 2 cores); off
    // while these tests measure the host's stalls
    await vscode.workspace.getConfiguration('remote').update('autoForwardPorts', false, vscode.ConfigurationTarget.Global);
    assert.ok(api.store.verifier, 'the store has a verification worker');
    assert.equal(api.store.verifier.unavailable, undefined, 'dist/verify-worker.js is bundled and usable');
    await largeMessages();
  });
  after(async () => {
    await vscode.workspace.getConfiguration('remote').update('autoForwardPorts', undefined, vscode.ConfigurationTarget.Global);
    await setSetting('dns.mode', undefined);
    await setSetting('dns.snapshotFile', undefined);
    await setSetting('dns.server', undefined);
    await closeAll();
  });
  afterEach(async () => {
    await closeAll();
    // closing (and reverting) re-analyses what VS Code still holds open; start the next test quiet
    await waitFor(() => api.store.verifier!.inFlight === 0, 'the worker to be idle', 60000);
  });

  it('an edit while the worker runs cancels the job (the worker is stopped) and the new version is verified', async () => {
    // a DNS server that never answers keeps the job running (live DNS) until the edit arrives
    const silent = dgram.createSocket('udp4');
    let queries = 0;
    silent.on('message', () => queries++);
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    try {
      await setSetting('dns.server', `127.0.0.1:${silent.address().port}`);
      await setSetting('dns.mode', 'live');
      const uri = await freshLfCopy();
      const verifier = api.store.verifier!;
      const before = verifier.stats;
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: false });
      await waitFor(() => verifier.posted > 0 && queries > 0, 'the worker job to wait on DNS');
      // first in this file: no large message of an earlier test is still held open by VS Code (a
      // settings change re-analyses those too, and their jobs would share the worker)
      assert.equal(verifier.inFlight, 1, 'only this job is on the worker');
      const cancelledBefore = api.store.stats.cancelled;
      const edit = new vscode.WorkspaceEdit();
      edit.insert(doc.uri, new vscode.Position(0, 0), 'X-Analyst-Note: forwarded by the help desk\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      await waitFor(() => api.store.stats.cancelled > cancelledBefore && api.store.stats.lastCancelled === doc.uri.toString(), 'the running job to be cancelled');
      const after = verifier.stats;
      assert.equal(after.terminatedForCancel, before.terminatedForCancel + 1, 'a 30 MB job alone on the worker is stopped by stopping the worker');
      assert.equal(after.crashes, before.crashes, 'stopping it on purpose is not a crash');
      assert.equal(after.results, before.results, 'no result of the old version was delivered');
      // DNS off again: the edited version (and any job of it still waiting on DNS) verifies at once
      await setSetting('dns.mode', undefined);
      const analysis = await waitFor(() => {
        const a = api.store.get(doc.uri);
        return api.store.phase(doc.uri) === 'full' && a?.headers[0]?.name === 'X-Analyst-Note' && a.verification?.dnsMode === 'off' ? a : undefined;
      }, 'the full analysis of the edited version', 60000);
      assert.equal(senderCheck(analysis).bodyHashOk, true, 'a header added on top does not touch the body hash');
      assert.equal(api.store.runInfo(doc.uri)?.where, 'worker');
    } finally {
      await setSetting('dns.mode', undefined);
      await setSetting('dns.server', undefined);
      silent.close();
    }
  });

  it('verifies a 30 MB signed message on the worker: body hash intact, and exactly the Analysis analyze() gives on the host', async () => {
    const { intact } = await largeMessages();
    const workerResults = api.store.stats.worker;
    const { doc, analysis } = await openMessage(api, intact);
    assert.ok(api.store.stats.worker > workerResults);
    assert.deepEqual(api.store.runInfo(doc.uri) && { ...api.store.runInfo(doc.uri), ms: 0 }, { where: 'worker', bytes: analysis.input.byteLength, ms: 0 }, 'it came from the worker');
    assert.ok(analysis.input.byteLength >= WORKER_MIN_BYTES && analysis.input.byteLength > 29 * 1024 * 1024);
    const dkim = senderCheck(analysis);
    assert.equal(dkim.bodyHashOk, true, 'the body is as signed');
    assert.equal(dkim.status, 'not-verifiable-offline', 'DNS is off: the signature itself cannot be checked');
    assert.ok(analysis.verification?.lookups.every((l) => l.outcome === 'offline'));
    assert.deepStrictEqual(analysis, await analyzeOnHost(doc), 'the worker result equals analyze() on the host');
  });

  it('finds the broken body hash of the 30 MB message a gateway put a banner into, on the worker', async () => {
    const { banner } = await largeMessages();
    const { doc, analysis } = await openMessage(api, banner);
    assert.equal(api.store.runInfo(doc.uri)?.where, 'worker');
    const dkim = senderCheck(analysis);
    assert.equal(dkim.bodyHashOk, false, 'the banner changed the signed body');
    assert.equal(dkim.status, 'body-modified');
    assert.ok(analysis.findings.some((f) => f.id === 'dkim-body-modified'), `findings: ${analysis.findings.map((f) => f.id).join(', ')}`);
  });

  it('keeps the extension host responsive while the worker verifies', async () => {
    const uri = await freshLfCopy();
    const verifier = api.store.verifier!;
    // open it (a first verification on the worker), let VS Code's own open-time work pass, then
    // measure a re-analysis: what runs on the host meanwhile is ours
    const { doc } = await openMessage(api, uri);
    await settle();
    const first = api.store.runInfo(doc.uri);
    const gaps = gapRecorder(() => verifier.inFlight > 0);
    let roundTrip: { ms: number; duringJob: boolean } | undefined;
    try {
      const done = vscode.commands.executeCommand('mailflowLens.analyze', doc.uri);
      await waitFor(() => verifier.inFlight > 0, 'the worker job to start');
      // a command round trip through the workbench while the job runs
      const t0 = performance.now();
      await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
      roundTrip = { ms: performance.now() - t0, duringJob: verifier.inFlight > 0 };
      await done;
      await waitFor(() => verifier.inFlight === 0, 'the job to end');
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      gaps.stop();
    }
    const run = api.store.runInfo(doc.uri);
    assert.ok(run && run !== first, 'the re-analysis was published');
    assert.equal(run.where, 'worker');
    const workerMs = run.ms;

    // the control: the same analysis on the host thread, with the same instrument
    const bytes = fs.readFileSync(uri.fsPath);
    let hostRunning = true;
    const hostGaps = gapRecorder(() => hostRunning);
    const t0 = performance.now();
    let hostMs: number;
    try {
      await new Promise((r) => setTimeout(r, 20));
      const t1 = performance.now();
      await analyze(bytes, { name: path.basename(uri.fsPath), dnsMode: 'off' });
      hostMs = performance.now() - t1;
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      hostRunning = false;
      hostGaps.stop();
    }
    console.log(
      `      worker analysis ${workerMs.toFixed(0)} ms, longest host stall meanwhile ${gaps.maxGap.toFixed(1)} ms over ${gaps.ticks} ticks; ` +
        `command round trip ${roundTrip!.ms.toFixed(1)} ms (during the job: ${roundTrip!.duringJob}); ` +
        `control on the host: analysis ${hostMs!.toFixed(0)} ms, longest stall ${hostGaps.maxGap.toFixed(1)} ms (total ${(performance.now() - t0).toFixed(0)} ms)`,
    );
    // the instrument sees a blocked host ...
    assert.ok(hostGaps.maxGap >= hostMs! * 0.5, `the control should stall the host for most of its ${hostMs!.toFixed(0)} ms, saw ${hostGaps.maxGap.toFixed(1)} ms`);
    // ... and the worker does not block it
    assert.ok(gaps.ticks > 0, 'the host ticked while the worker ran');
    assert.ok(gaps.maxGap < workerMs * 0.5, `longest host stall ${gaps.maxGap.toFixed(1)} ms during a ${workerMs.toFixed(0)} ms worker analysis`);
  });

  it('a worker that dies mid-job leaves a clear problem on that message, and the next analysis runs on a new worker', async () => {
    const uri = await freshLfCopy();
    const verifier = api.store.verifier!;
    const starts = verifier.stats.starts;
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    await waitFor(() => verifier.inFlight > 0, 'the worker job to start');
    assert.ok(verifier.kill(), 'the test hook stopped the worker');
    const stopped = await fullAnalysis(api, doc);
    const problem = stopped.problems.find((p) => p.code === 'verification-stopped');
    assert.ok(problem, `problems: ${stopped.problems.map((p) => p.code).join(', ')}`);
    assert.match(problem.message, /verification worker stopped unexpectedly/);
    assert.match(problem.message, /Analyze Message/);
    assert.equal(stopped.verification, null, 'no made-up verification');
    assert.ok(stopped.hops.length >= 3, 'the route is still there');

    const again = (await vscode.commands.executeCommand('mailflowLens.analyze', doc.uri)) as Analysis | undefined;
    const full = again ?? (await fullAnalysis(api, doc));
    assert.ok(full.verification, 'verified this time');
    assert.equal(senderCheck(full).bodyHashOk, true);
    assert.ok(!full.problems.some((p) => p.code === 'verification-stopped'));
    assert.equal(verifier.stats.starts, starts + 1, 'a new worker was started');
    assert.equal(api.store.runInfo(doc.uri)?.where, 'worker');
  });

  it('counts lines the way VS Code does (the check that the bytes on disk are the document)', async () => {
    // a byte-by-byte reference: CRLF, LF and a lone CR each end a line
    const reference = (t: string) => {
      let n = 1;
      for (let i = 0; i < t.length; i++) {
        if (t[i] === '\n') n++;
        else if (t[i] === '\r') {
          n++;
          if (t[i + 1] === '\n') i++;
        }
      }
      return n;
    };
    const texts = ['', 'a', 'a\r\nb', 'a\rb', 'a\n\rb', '\r\n\r', 'a\r\r\nb\n', '\n\n', 'x\n'.repeat(1000) + 'y\r'.repeat(1000) + 'z\r\n'.repeat(1000)];
    const seen: string[] = [];
    for (const [i, text] of [...texts, '\r'].entries()) {
      assert.equal(countLines(Buffer.from(text)), reference(text), JSON.stringify(text.slice(0, 12)));
      assert.equal(countLines(new Uint8Array(Buffer.from(`..${text}..`)).subarray(2, 2 + text.length)), reference(text), 'a view into a larger buffer');
      if (i >= texts.length) continue;
      // as saved files, the way documentBytes() compares them with the document
      const file = path.join(tempDir(), `lines-${i}.txt`);
      fs.writeFileSync(file, text);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      seen.push(`${JSON.stringify(text.slice(0, 12))}: VS Code ${doc.lineCount}, countLines ${countLines(Buffer.from(text))}`);
    }
    // (not compared with VS Code: a file of one lone CR, which VS Code 1.139 opens as 3 lines; the
    // store then reads the document text instead, the safe side)
    for (const line of seen) assert.ok(/VS Code (\d+), countLines \1$/.test(line), seen.join('; '));
  });

  it('a message saved as UTF-16 (Windows PowerShell\'s Out-File) is analysed as the text the editor shows', async () => {
    const s = await scenario('proofpoint');
    const file = path.join(tempDir(), 'out-file-utf16.eml');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s.bytes.toString('latin1'), 'utf16le')]));
    const { doc, analysis } = await openMessage(api, vscode.Uri.file(file));
    assert.ok(!analysis.problems.some((p) => p.severity === 'error'), `problems: ${analysis.problems.map((p) => p.code).join(', ')}`);
    assert.equal(analysis.hops.length, s.facts.hops.length, 'the whole route');
    assert.equal(analysis.input.byteLength, Buffer.byteLength(doc.getText(), 'utf8'), 'the document text, not the UTF-16 bytes');
  });

  it('a large file whose bytes on disk no longer match the open document is analysed from the document text', async () => {
    // the store takes a large saved file's bytes without counting their lines on the host; the
    // worker counts them, and a count that differs from the document's sends the store to the
    // document's text. Here the file changes on disk behind the editor's back: same size, same
    // modification time (so VS Code keeps its copy), one space of the text turned into a line break.
    const m = await buildBenchMessage(400 * 1024, generateTestKey);
    const file = path.join(tempDir(), 'large-changed-on-disk.eml');
    fs.writeFileSync(file, m.bytes);
    const { doc } = await openMessage(api, vscode.Uri.file(file));
    const shown = doc.getText();
    const at = m.bytes.indexOf('Hi Isaiah,', m.bodyStart) + 2;
    assert.equal(m.bytes[at], 0x20);
    const changed = Buffer.from(m.bytes);
    changed[at] = 0x0a;
    const stat = fs.statSync(file);
    fs.writeFileSync(file, changed);
    fs.utimesSync(file, stat.atime, stat.mtime);

    const verifier = api.store.verifier!;
    const jobs = verifier.stats.jobs;
    const analysis = (await vscode.commands.executeCommand('mailflowLens.analyze', doc.uri)) as Analysis;
    assert.equal(doc.getText(), shown, 'VS Code kept the document as it was');
    assert.equal(verifier.stats.jobs, jobs + 2, 'the file bytes, then the document text, both on the worker');
    assert.equal(analysis.input.byteLength, Buffer.byteLength(shown, 'utf8'));
    assert.equal(analysis.input.lineCount, doc.lineCount, 'the analysis lines are the editor lines');
    assert.equal(senderCheck(analysis).bodyHashOk, true, 'the body the editor shows is the signed one');
    assert.equal(api.store.get(doc.uri), analysis);
  });

  it('keeps small messages on the host', async () => {
    const s = await scenario('proofpoint');
    assert.ok(s.bytes.length < WORKER_MIN_BYTES);
    const { doc, analysis } = await openMessage(api, s.uri);
    assert.deepEqual(api.store.runInfo(doc.uri) && { ...api.store.runInfo(doc.uri), ms: 0 }, { where: 'host', bytes: analysis.input.byteLength, ms: 0 });
  });

  it('recorded DNS in the worker: the snapshot answers, the lookups come back, and the result equals the host run', async () => {
    const { intact, zone } = await largeMessages();
    const snapshot = path.join(tempDir(), 'large-dns-snapshot.json');
    fs.writeFileSync(snapshot, JSON.stringify(zone));
    await setSetting('dns.snapshotFile', snapshot);
    await setSetting('dns.mode', 'recorded');
    try {
      const doc = await vscode.workspace.openTextDocument(intact);
      await vscode.window.showTextDocument(doc, { preview: false });
      const analysis = await waitFor(() => {
        const a = api.store.get(doc.uri);
        return api.store.phase(doc.uri) === 'full' && a?.verification?.dnsMode === 'recorded' ? a : undefined;
      }, 'the recorded-DNS analysis', 60000);
      assert.equal(api.store.runInfo(doc.uri)?.where, 'worker');
      const v = analysis.verification!;
      assert.ok(v.lookups.some((l) => l.name === senderKeyName(analysis) && l.outcome === 'answer'), 'the sender key came from the snapshot');
      // the signature verifies now; it fails on the Subject Proofpoint tagged, not on the body
      assert.equal(senderCheck(analysis).status, 'header-modified');
      assert.equal(senderCheck(analysis).bodyHashOk, true);
      assert.equal(v.arc?.chain, 'pass');
      assert.deepStrictEqual(analysis, await analyzeOnHost(doc));
    } finally {
      await setSetting('dns.mode', undefined);
      await setSetting('dns.snapshotFile', undefined);
    }
  });

  it('live DNS in the worker (trusted workspace): lookups go to the configured server', async () => {
    const root = process.env.MFL_REPO_ROOT;
    assert.ok(root, 'MFL_REPO_ROOT is not set (run through test/harness/run-vscode-tests.js)');
    assert.equal(vscode.workspace.isTrusted, true, 'the harness runs a trusted workspace');
    const harness: { startDnsServer(o: { zone: unknown }): Promise<{ server: string; stop(): Promise<void> }> } = require(`${root}/test/harness/dns-server.js`);
    const { zone } = await largeMessages();
    const dns = await harness.startDnsServer({ zone });
    try {
      await setSetting('dns.server', dns.server);
      await setSetting('dns.mode', 'live');
      const uri = await freshLfCopy();
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: false });
      const analysis = await waitFor(() => {
        const a = api.store.get(doc.uri);
        return api.store.phase(doc.uri) === 'full' && a?.verification?.dnsMode === 'live' ? a : undefined;
      }, 'the live-DNS analysis', 60000);
      assert.equal(api.store.runInfo(doc.uri)?.where, 'worker');
      assert.equal(api.store.dnsMode(doc.uri), 'live');
      const check = senderCheck(analysis);
      assert.ok(analysis.verification!.lookups.some((l) => l.name === senderKeyName(analysis) && l.outcome === 'answer'), 'the sender key came from the DNS server');
      assert.equal(check.status, 'header-modified');
    } finally {
      await setSetting('dns.mode', undefined);
      await setSetting('dns.server', undefined);
      await dns.stop();
    }
  });
});
