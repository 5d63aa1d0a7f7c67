// Large messages are streamed: the built CLI on a generated ~50 MB message (DKIM-signed by the
// sender, ARC-sealed by Proofpoint and Exchange Online, a 38 MB-ish base64 attachment) gives
// exactly the output the in-memory path gives, while its peak memory stays far below the size of
// the file.
//
// The in-memory reference is the same CLI with the streaming threshold raised above the file size
// (MAILFLOW_LENS_STREAM_BYTES, a test-only environment variable read by src/cli/engine.ts): the
// worker then reads the file whole, as every file was read before streaming existed. Memory is
// the process's peak RSS as --stats reports it (VmHWM, worker threads included),
// compared with a run on a small message: the streamed run must stay within half the file size of
// it, and the in-memory run, measured the same way, must show at least most of the file, so the
// measurement is shown to see a whole file when there is one. VmHWM is the CLI's own peak, not
// this test process's (which holds the 50 MB fixture; see stats.test.ts). No time is measured.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, tempDir, parseJsonLines } from './helpers';
import { generateTestKey, toLf, buildCached } from '../../fixtures/scenarios';
import { subjectTagArcFlow } from '../../fixtures/scenarios/s09-proofpoint-subject-tag-arc-eop';
import { attachFile } from '../../fixtures/scenarios/build';
import { serialize } from '../../fixtures/scenarios/message';
import { readMessageFile, InputError } from '../../../src/node/read';
import { hasBlankLine, openMessageStream } from '../../../src/node/stream';
import { STREAM_FILE_BYTES, streamThreshold, readInputFile } from '../../../src/cli/engine';
import { holdsLargeFileWhole, LARGE_FILE_BYTES } from '../../../src/cli/worker';

const SIZE = 50 * 1024 * 1024;
const IN_MEMORY = { MAILFLOW_LENS_STREAM_BYTES: String(1024 * 1024 * 1024) };

/** Reproducible "compressed" bytes (AES-256-CTR keystream). */
function archiveBytes(n: number, seed: string): Buffer {
  const key = crypto.createHash('sha256').update(seed).digest();
  const c = crypto.createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), c.update(Buffer.alloc(n - 4)), c.final()]);
}

/** The Proofpoint → Exchange Online route of scenario 9 with a ZIP attached before the sender signs. */
async function largeMessage(size: number): Promise<{ bytes: Buffer; zone: object }> {
  const { msg, zone } = await subjectTagArcFlow(generateTestKey, {
    seed: 'large-stream',
    subject: 'Site survey photos (all 212)',
    text: 'Hi Isaiah,\n\nthe site survey photos are attached as one archive.\n\nBest,\nPriya',
    beforeSubmit: (m, seed) => {
      // base64 in 76-character lines: 4/3 and a CRLF every 76 characters
      const raw = Math.floor((((size - 12 * 1024) * 76) / 78) * 3 / 4);
      attachFile(m, { name: 'survey-photos.zip', type: 'application/zip', data: archiveBytes(raw, seed) }, seed);
    },
  });
  return { bytes: serialize(msg), zone };
}

function peakRss(stderr: string): number {
  const m = /peak RSS ([0-9.]+) MB/.exec(stderr);
  assert.ok(m, `--stats line on stderr: ${stderr.slice(-300)}`);
  return Number(m![1]);
}

let work: string;
let crlfDir: string;
let lfDir: string;
let smallDir: string;
let crlfFile: string;
let fileMb: number;

before(async () => {
  work = tempDir('large');
  const { bytes, zone } = await largeMessage(SIZE);
  fileMb = bytes.length / 1048576;
  crlfDir = path.join(work, 'crlf');
  lfDir = path.join(work, 'lf');
  smallDir = path.join(work, 'small');
  for (const d of [crlfDir, lfDir, smallDir]) fs.mkdirSync(d);
  crlfFile = path.join(crlfDir, 'survey-photos.eml');
  fs.writeFileSync(crlfFile, bytes);
  fs.writeFileSync(path.join(lfDir, 'survey-photos-lf.eml'), toLf(bytes));
  fs.writeFileSync(path.join(work, 'zone.json'), JSON.stringify(zone));
  fs.writeFileSync(path.join(smallDir, 'small.eml'), (await buildCached('proofpoint-subject-tag-arc-eop')).bytes);
});

describe('a ~50 MB signed and sealed message through the built CLI', () => {
  test('folder mode, CRLF and LF: the streamed worker gives the in-memory JSON, and its peak memory stays far below the file size', async (t) => {
    const common = ['analyze', '--json', '--stats', '--jobs', '1', '--no-config', '--dns', `recorded:${path.join(work, 'zone.json')}`];
    const baseline = await runCli([...common, smallDir]);
    assert.equal(baseline.code, 1, baseline.stderr);
    const baseRss = peakRss(baseline.stderr);
    for (const dir of [crlfDir, lfDir]) {
      const streamed = await runCli([...common, dir]);
      const inMemory = await runCli([...common, dir], { env: IN_MEMORY });
      assert.equal(streamed.code, inMemory.code, streamed.stderr);
      const [s] = parseJsonLines(streamed.stdout) as Array<{ input: { byteLength: number; lineCount: number }; verification: { dkim: Array<{ status: string; bodyHashOk: boolean | null }>; arc: { chain: string; instances: Array<{ bodyHashOk: boolean | null }> } } }>;
      const [m] = parseJsonLines(inMemory.stdout);
      assert.deepEqual(s, m, `${dir}: the same Analysis`);
      // the figures that need the whole body are there, and right
      assert.equal(s.input.byteLength, fs.statSync(fs.readdirSync(dir).map((f) => path.join(dir, f))[0]).size);
      assert.ok(s.input.lineCount > 600000);
      // Proofpoint tagged the Subject (a signed header): the sender's body hash still matches
      assert.deepEqual(s.verification.dkim.map((d) => [d.status, d.bodyHashOk]), [['header-modified', true]], 'the sender\u2019s body hash matches over the whole body');
      assert.equal(s.verification.arc.chain, 'pass');
      assert.ok(s.verification.arc.instances.every((i) => i.bodyHashOk === true), 'both sealers\u2019 body hashes match');
      const streamedRss = peakRss(streamed.stderr);
      const inMemoryRss = peakRss(inMemory.stderr);
      t.diagnostic(`${path.basename(dir)}: file ${fileMb.toFixed(1)} MB; peak RSS small message ${baseRss} MB, streamed ${streamedRss} MB, in memory ${inMemoryRss} MB`);
      assert.ok(streamedRss - baseRss < fileMb / 2, `${dir}: streamed peak RSS ${streamedRss} MB, small-message run ${baseRss} MB, file ${fileMb.toFixed(1)} MB`);
      assert.ok(inMemoryRss - baseRss > fileMb * 0.8, `${dir}: the in-memory run (${inMemoryRss} MB) shows the whole file held (small-message run ${baseRss} MB)`);
    }
  });

  test('one file: text, JSON, Markdown and SARIF output and the exit code are the same streamed and in memory', async () => {
    for (const format of [[], ['--json'], ['--markdown'], ['--sarif']]) {
      const args = ['analyze', ...format, '--no-config', path.basename(crlfFile)];
      const streamed = await runCli(args, { cwd: crlfDir });
      const inMemory = await runCli(args, { cwd: crlfDir, env: IN_MEMORY });
      assert.equal(streamed.code, 1, streamed.stderr);
      assert.equal(streamed.code, inMemory.code);
      assert.equal(streamed.stdout, inMemory.stdout, `output of ${format.join(' ') || 'text'}`);
      assert.ok(streamed.stdout.length > 1000);
    }
  });
});

describe('reading a large file as a stream (src/node)', () => {
  test('the head ends at the blank line; the rest comes in chunks of at most the chunk size and joins up to the file', async () => {
    const dir = tempDir('stream-read');
    const small = (await buildCached('proofpoint-banner-eop')).bytes;
    const file = path.join(dir, 'm.eml');
    const body = Buffer.from('QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3\r\n'.repeat(80000), 'latin1');
    const bytes = Buffer.concat([small, body]);
    fs.writeFileSync(file, bytes);
    const read = await readMessageFile(file, 64 * 1024 * 1024, { streamAbove: 1024 * 1024, chunkBytes: 256 * 1024 });
    assert.ok(read.rest, 'streamed');
    assert.equal(read.size, bytes.length);
    assert.ok(read.bytes.length < 256 * 1024, `head of ${read.bytes.length} bytes`);
    assert.ok(hasBlankLine(read.bytes), 'the head holds the blank line');
    const chunks: Buffer[] = [];
    for await (const c of read.rest!) {
      assert.ok(c.length <= 256 * 1024);
      chunks.push(Buffer.from(c));
    }
    assert.deepEqual(Buffer.concat([read.bytes, ...chunks]), bytes);
    // small files and files above the limit are not streamed
    assert.equal((await readMessageFile(file, 64 * 1024 * 1024, { streamAbove: bytes.length })).rest, undefined);
    const over = await readMessageFile(file, 1024 * 1024, { streamAbove: 1024 });
    assert.equal(over.rest, undefined);
    assert.equal(over.truncated, true);
  });

  test('a file that goes away between the head and the rest is an input error naming it', async () => {
    const dir = tempDir('stream-gone');
    const file = path.join(dir, 'gone.eml');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('From: a@example.com\r\n\r\n'), Buffer.alloc(300000, 0x41)]));
    const m = await openMessageStream(file, { onError: (e) => new InputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code})`, file) });
    fs.rmSync(file);
    await assert.rejects(
      (async () => {
        for await (const c of m.rest) void c;
      })(),
      (e: unknown) => e instanceof InputError && /gone\.eml: cannot read \(ENOENT\)/.test(e.message),
    );
  });

  test('hasBlankLine sees the empty line whatever the line ends', () => {
    assert.equal(hasBlankLine(Buffer.from('A: b\r\nC: d\r\n\r\nbody')), true);
    assert.equal(hasBlankLine(Buffer.from('A: b\nC: d\n\nbody')), true);
    assert.equal(hasBlankLine(Buffer.from('A: b\n\r\nbody')), true);
    assert.equal(hasBlankLine(Buffer.from('A: b\rC: d\r\rbody')), true);
    assert.equal(hasBlankLine(Buffer.from('A: b\r\nC: d\r\n')), false);
    assert.equal(hasBlankLine(Buffer.from('A: b\rC: d\r')), false);
  });

  test('the engine streams above STREAM_FILE_BYTES, and an Outlook .msg is still read whole', async () => {
    assert.equal(streamThreshold({}), STREAM_FILE_BYTES);
    assert.equal(streamThreshold({ MAILFLOW_LENS_STREAM_BYTES: '1000' }), 1000);
    assert.equal(streamThreshold({ MAILFLOW_LENS_STREAM_BYTES: 'lots' }), STREAM_FILE_BYTES);
    const dir = tempDir('stream-msg');
    const msgLike = path.join(dir, 'looks-like.msg');
    fs.writeFileSync(msgLike, Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(5000, 0)]));
    const r = await readInputFile(msgLike, 64 * 1024 * 1024, 1000);
    assert.equal(r.rest, undefined, 'a compound file is not streamed');
    assert.equal(r.bytes.length, 5008);
  });
});

describe('the large slot', () => {
  test('only files a worker reads whole take it: large .msg files and unstreamed messages, not streamed ones', () => {
    const dir = tempDir('large-slot');
    const msg = path.join(dir, 'big.msg');
    fs.writeFileSync(msg, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
    const eml = path.join(dir, 'big.eml');
    fs.writeFileSync(eml, 'From: a@example.com\r\n\r\nbody\r\n');
    const limits = { largeFileBytes: LARGE_FILE_BYTES, maxMessageBytes: 64 * 1024 * 1024, streamAbove: STREAM_FILE_BYTES };
    const big = 50 * 1024 * 1024;
    assert.equal(holdsLargeFileWhole(eml, big, limits), false, 'a streamed message');
    assert.equal(holdsLargeFileWhole(msg, big, limits), true, 'an Outlook .msg');
    assert.equal(holdsLargeFileWhole(msg, 1024, limits), false, 'a small .msg');
    assert.equal(holdsLargeFileWhole(eml, 100 * 1024 * 1024, limits), false, 'above the size limit: head only');
    assert.equal(holdsLargeFileWhole(eml, big, { ...limits, streamAbove: 1024 * 1024 * 1024 }), true, 'streaming raised above the file: read whole');
  });
});
