// Streamed verification (analyzeStream, BodyStreamReader) must give exactly what the in-memory
// path gives: the body hashes against bodyHashOf on the whole CRLF body, the line count against
// the header splitter, the body hints against bodyHints, and whole analyses against analyze() on
// every realistic scenario, CRLF and LF, with the body cut at the boundaries that matter (single
// bytes, between CR and LF, inside the trailing empty lines, random cuts), signatures with l=,
// hostile inputs, and a source that reuses its chunk buffer.
import { describe, test, mock } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import fc from 'fast-check';
import type { Analysis } from '../../../src/core/types';
import { analyze, analyzeStream, MAX_STREAMED_HEADER_BYTES } from '../../../src/core/analyze';
import { splitHeaders } from '../../../src/core/parse/headers';
import * as verifyModule from '../../../src/core/verify';
import { BodyStreamReader, CrlfConverter, RelaxedCanonicalizer, SimpleCanonicalizer } from '../../../src/core/verify/body-stream';
import { bodyHashKey, bodyHashOf, forEachCanonicalChunk, type BodyHashRequest } from '../../../src/core/verify/body-hash';
import { bodyHints, BODY_HINT_WINDOW } from '../../../src/core/verify/body-hints';
import { toCrlf } from '../../../src/core/verify/message';
import { SCENARIOS, buildLf, generateTestKey, hostileInputs, mergeZones, zoneResolver, type BuildResult, type DnsZone } from '../../fixtures/scenarios';
import { keyRecord } from '../../fixtures/scenarios/dns';

const { dkimSign } = require('mailauth/lib/dkim/sign') as {
  dkimSign: (input: Buffer, opts: Record<string, unknown>) => Promise<{ signatures: string; errors: Array<{ err?: Error }> }>;
};

// ---------------------------------------------------------------------------------------------
// helpers

/** The bytes cut at the given offsets (sorted, inside the buffer), as an async source. */
function cutsAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  out.push(bytes.subarray(prev));
  return out;
}

function sizes(bytes: Buffer, size: number): number[] {
  const cuts: number[] = [];
  for (let p = size; p < bytes.length; p += size) cuts.push(p);
  return cuts;
}

/**
 * A source that hands out every chunk through ONE reused buffer, and scribbles over it when the
 * next chunk is asked for: a reader that kept a chunk would see garbage.
 */
async function* reusing(chunks: Buffer[]): AsyncGenerator<Buffer> {
  const max = Math.max(1, ...chunks.map((c) => c.length));
  const buf = Buffer.alloc(max);
  for (const c of chunks) {
    c.copy(buf);
    const view = buf.subarray(0, c.length);
    yield view;
    buf.fill(0x23);
  }
}

/** The same analysis as plain data (lineCount is a lazy getter on the in-memory side). */
function plain(a: Analysis): unknown {
  return JSON.parse(JSON.stringify(a));
}

// counts the streamed verifications, so a test notices when analyzeStream read a message whole
// instead (which would also give the right answer)
const streamedSpy = mock.method(verifyModule, 'verifyStreamedMessage');

/** analyzeStream over the chunks (the first `head` of them as head), checked against the in-memory result. */
async function streamedEquals(bytes: Buffer, chunks: Buffer[], want: unknown, options: Parameters<typeof analyze>[1], label: string, headChunks = 0): Promise<void> {
  const head = Buffer.concat(chunks.slice(0, headChunks));
  const before = streamedSpy.mock.callCount();
  const got = await analyzeStream(head, reusing(chunks.slice(headChunks)), options);
  assert.deepEqual(plain(got), want, label);
  if (got.verification) assert.equal(streamedSpy.mock.callCount(), before + 1, `${label}: the streamed verification ran`);
}

const NOW_OPTIONS = (zone: DnsZone) => ({ dnsMode: 'recorded' as const, resolver: zoneResolver(zone) });

// ---------------------------------------------------------------------------------------------

/** Pieces raw bodies are made of, weighted towards line ends and whitespace. */
const PIECES = [' ', ' ', '  ', '\t', ' \t ', '\r\n', '\r\n', '\n', '\n', '\r', '\r\r\n', '\n\r', ' \r\n', '\t\r\n', 'Hello', 'x', '--b1', '--b1--', '=20', '\u00e9', 'AAAA'];
const rawBodyArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 70 }).map((parts) => Buffer.from(parts.join(''), 'latin1'));
const HEADER = Buffer.from('From: a@example.com\r\nSubject: body\r\n\r\n', 'latin1');

function requestsFor(l: number | '', multipart: boolean): BodyHashRequest[] {
  const out: BodyHashRequest[] = [];
  for (const canon of ['simple', 'relaxed'] as const) {
    for (const hashAlgo of ['sha256', 'sha1']) out.push({ canon, hashAlgo, maxBodyLength: l, ...(multipart ? { boundary: 'b1' } : {}) });
  }
  return out;
}

describe('BodyStreamReader', () => {
  test('hashes, line count and hints equal the whole-body functions, however the raw body is cut', () => {
    fc.assert(
      fc.property(
        rawBodyArb,
        fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 8 }),
        fc.constantFrom<number | ''>('', 0, 1, 5, 40, 1000),
        fc.boolean(),
        (raw, cuts, l, multipart) => {
          const requests = requestsFor(l, multipart);
          const r = new BodyStreamReader({ requests, hints: true });
          for (const c of cutsAt(raw, cuts)) r.push(c);
          const got = r.end();
          const crlf = toCrlf(raw);
          for (const q of requests) assert.deepEqual(got.figures.get(bodyHashKey(q)), bodyHashOf(crlf, q.canon, q.hashAlgo, q.maxBodyLength, q.boundary), `${q.canon}/${q.hashAlgo} l=${q.maxBodyLength}`);
          const whole = Buffer.concat([HEADER, raw]);
          const split = splitHeaders(whole);
          assert.equal(split.bodyStartLine + got.lineBreaks + 1, split.lineCount, 'line count as the splitter counts it');
          assert.equal(got.byteLength, raw.length);
          assert.deepEqual(got.hints(), bodyHints(whole, HEADER.length));
        },
      ),
      { numRuns: 4000, seed: 20260311 },
    );
  });

  test('line ends: every cut of a body full of CR/LF cases converts exactly like toCrlf', () => {
    const raw = Buffer.from('a\r\nb\rc\n\r\n\r\rd\n\ne \r\n\t\r', 'latin1');
    const want = toCrlf(raw);
    for (let i = 0; i <= raw.length; i++) {
      for (let j = i; j <= raw.length; j++) {
        const conv = new CrlfConverter();
        const out: Buffer[] = [];
        for (const c of cutsAt(raw, [i, j])) conv.push(c, (p) => out.push(Buffer.from(p)));
        assert.deepEqual(Buffer.concat(out), want, `cuts ${i}, ${j}`);
        assert.equal(conv.outLength, want.length);
        // no piece ends in a CR whose LF is in the next piece
        for (const p of out) assert.notEqual(p[p.length - 1], 0x0d, `cuts ${i}, ${j}: a CRLF was split`);
      }
    }
  });

  test('trailing empty lines and whitespace are held back across chunks, and dropped only at the end', () => {
    const bodies = ['text \t\r\n\r\n \r\n\t\r\n', 'a\r\n\r\n\r\nb  \r\n  \r\n\r\n', '\r\n\r\n  x\r\n', '  \t ', '\r\n\r\n', 'x'];
    for (const text of bodies) {
      const body = Buffer.from(text, 'latin1');
      for (const canon of ['simple', 'relaxed'] as const) {
        const want: Buffer[] = [];
        forEachCanonicalChunk(body, canon, (c) => want.push(Buffer.from(c)));
        for (let i = 0; i <= body.length; i++) {
          for (let j = i; j <= body.length; j++) {
            // pieces never split a CRLF (the converter guarantees it)
            const cuts = [i, j].filter((c) => !(body[c - 1] === 0x0d && body[c] === 0x0a));
            const got: Buffer[] = [];
            const k = canon === 'simple' ? new SimpleCanonicalizer((c) => got.push(Buffer.from(c))) : new RelaxedCanonicalizer((c) => got.push(Buffer.from(c)));
            for (const p of cutsAt(body, cuts)) k.push(p);
            k.end();
            assert.equal(Buffer.concat(got).toString('latin1'), Buffer.concat(want).toString('latin1'), `${canon} ${JSON.stringify(text)} cut at ${cuts}`);
          }
        }
      }
    }
    // the expected forms themselves (RFC 6376 §3.4.3/3.4.4)
    const relaxed: Buffer[] = [];
    forEachCanonicalChunk(Buffer.from('text \t\r\n\r\n \r\n\t\r\n', 'latin1'), 'relaxed', (c) => relaxed.push(Buffer.from(c)));
    assert.equal(Buffer.concat(relaxed).toString('latin1'), 'text\r\n');
  });

  test('a body larger than both hint windows: banner and rewritten links at the top and at the bottom, any cuts', () => {
    const banner = 'CAUTION: This email originated from outside of the organization. Do not click links or open attachments unless you recognize the sender.';
    const link = 'https://urldefense.com/v3/__https://portal.northwindtraders.com/contracts__;!!Aa0b1Cd2!x$';
    const top = `--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${banner}\r\n\r\nSee ${link}\r\n`;
    const base64 = `${crypto.createHash('sha512').update('x').digest('base64').slice(0, 76)}\r\n`.repeat(10000);
    const bottom = `\r\nThis email has been scanned by the gateway. ${link}\r\n--b1--\r\n`;
    const raw = Buffer.from(top + base64 + bottom, 'latin1');
    assert.ok(raw.length > 2 * BODY_HINT_WINDOW);
    const whole = Buffer.concat([HEADER, raw]);
    const want = bodyHints(whole, HEADER.length);
    assert.ok(want.banners.length >= 2 && want.rewrittenUrlHosts.length === 1, 'the fixture has hints at both ends');
    for (const size of [1 << 20, 65536, 7777, BODY_HINT_WINDOW, BODY_HINT_WINDOW + 1]) {
      const r = new BodyStreamReader({ requests: [], hints: true });
      for (const c of cutsAt(raw, sizes(raw, size))) r.push(c);
      assert.deepEqual(r.end().hints(), want, `chunks of ${size}`);
    }
  });

  test('over the size limit: the figures of an empty body, no hints, but the full count', () => {
    const raw = Buffer.from('Hello\r\nWorld \r\n\r\n'.repeat(100), 'latin1');
    const requests = requestsFor('', false);
    const r = new BodyStreamReader({ requests, hints: true, maxBytes: 500 });
    for (const c of cutsAt(raw, sizes(raw, 64))) r.push(c);
    const got = r.end();
    assert.equal(got.overLimit, true);
    assert.equal(got.byteLength, raw.length);
    assert.equal(got.lineBreaks, 300);
    assert.equal(got.hints(), undefined);
    for (const q of requests) assert.deepEqual(got.figures.get(bodyHashKey(q)), bodyHashOf(Buffer.alloc(0), q.canon, q.hashAlgo, ''));
  });
});

// ---------------------------------------------------------------------------------------------

interface Variant {
  label: string;
  built: BuildResult;
}

async function variants(): Promise<Variant[]> {
  const out: Variant[] = [];
  for (const s of SCENARIOS) {
    out.push({ label: `${s.id} CRLF`, built: await s.build(generateTestKey) });
    out.push({ label: `${s.id} LF`, built: await buildLf(s, generateTestKey) });
  }
  return out;
}

/** Adversarial cut sets for a message: single bytes, between every CR and its LF, inside the trailing lines. */
function adversarialCuts(bytes: Buffer, bodyStart: number): Array<{ name: string; cuts: number[] }> {
  const crlf: number[] = [];
  for (let i = bytes.indexOf(0x0d, bodyStart); i !== -1; i = bytes.indexOf(0x0d, i + 1)) crlf.push(i + 1);
  const lfs: number[] = [];
  for (let i = bytes.indexOf(0x0a, bodyStart); i !== -1; i = bytes.indexOf(0x0a, i + 1)) lfs.push(i, i + 1);
  const tail: number[] = [];
  for (let k = 1; k <= 24; k++) tail.push(bytes.length - k);
  return [
    { name: '1-byte chunks', cuts: sizes(bytes, 1) },
    { name: 'cut between CR and LF', cuts: crlf },
    { name: 'cut around every LF', cuts: lfs },
    { name: 'cut inside the trailing lines', cuts: tail },
    { name: 'the header block alone, then the body', cuts: [bodyStart] },
    { name: 'the header block cut before its blank line', cuts: [bodyStart - 1, bodyStart - 2] },
  ];
}

describe('analyzeStream', () => {
  test('every scenario, CRLF and LF: identical to analyze() with the body cut at adversarial boundaries', async () => {
    for (const { label, built } of await variants()) {
      const opts = NOW_OPTIONS(built.dnsZone);
      const want = plain(await analyze(built.bytes, opts));
      const bodyStart = splitHeaders(built.bytes).bodyStartByte;
      for (const { name, cuts } of adversarialCuts(built.bytes, bodyStart)) {
        const chunks = cutsAt(built.bytes, cuts);
        await streamedEquals(built.bytes, chunks, want, opts, `${label}: ${name}`);
        await streamedEquals(built.bytes, chunks, want, opts, `${label}: ${name}, the first chunks as head`, Math.min(3, chunks.length));
      }
    }
  });

  test('the same with trailing empty lines and whitespace added at the end of each body', async () => {
    for (const { label, built } of await variants()) {
      for (const extra of ['\r\n\r\n\r\n', ' \t\r\n\r\n  \r\n', '\n\n\n', '\r\n \r']) {
        const bytes = Buffer.concat([built.bytes, Buffer.from(extra, 'latin1')]);
        const opts = NOW_OPTIONS(built.dnsZone);
        const want = plain(await analyze(bytes, opts));
        const tail: number[] = [];
        for (let k = 1; k <= extra.length + 4; k++) tail.push(bytes.length - k);
        await streamedEquals(bytes, cutsAt(bytes, tail), want, opts, `${label} + ${JSON.stringify(extra)}`);
      }
    }
  });

  test('random cuts (fast-check): identical to analyze()', async () => {
    const all = await variants();
    const wants = new Map<string, unknown>();
    for (const v of all) wants.set(v.label, plain(await analyze(v.built.bytes, { dnsMode: 'off' })));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: all.length - 1 }), fc.array(fc.nat(), { maxLength: 40 }), fc.integer({ min: 0, max: 3 }), async (k, raw, head) => {
        const { label, built } = all[k];
        const cuts = raw.map((x) => x % built.bytes.length);
        await streamedEquals(built.bytes, cutsAt(built.bytes, cuts), wants.get(label), { dnsMode: 'off' }, `${label} cut at ${cuts}`, head);
      }),
      { numRuns: 150, seed: 20260312 },
    );
  });

  test('l= length-limited signatures (simple and relaxed, sha256 and sha1) with an unsigned footer: identical, and the unsigned tail is reported', async () => {
    const scenario = SCENARIOS.find((s) => s.id === 'direct-to-eop')!;
    const built = await scenario.build(generateTestKey);
    const key = generateTestKey('fabrikam-lengths.example', 'l2026');
    const key1 = generateTestKey('fabrikam-lengths.example', 'sha1');
    const zone = mergeZones(built.dnsZone, keyRecord(key), keyRecord(key1));
    const bodyStart = splitHeaders(built.bytes).bodyStartByte;
    const bodyLength = built.bytes.length - bodyStart;
    const lengths = [0, 1, 77, Math.floor(bodyLength / 2), bodyLength - 2, bodyLength + 5000];
    let signed: Buffer;
    const signatures: string[] = [];
    for (const [n, l] of lengths.entries()) {
      for (const canon of ['simple/simple', 'relaxed/relaxed']) {
        const k = n % 2 ? key1 : key;
        const res = await dkimSign(built.bytes, {
          signatureData: [{ signingDomain: k.domain, selector: k.selector, privateKey: k.privateKeyPem, canonicalization: canon, maxBodyLength: l, ...(n % 2 ? { algorithm: 'rsa-sha1' } : {}) }],
          canonicalization: canon,
          signTime: new Date('2026-03-10T15:00:00Z'),
          headerList: ['From', 'To', 'Subject', 'Date', 'Message-ID'],
        });
        assert.ok(res.signatures && !res.errors?.length, 'signed');
        signatures.push(res.signatures);
      }
    }
    signed = Buffer.concat([Buffer.from(signatures.join(''), 'latin1'), built.bytes]);
    assert.equal((signed.toString('latin1').match(/a=rsa-sha1/g) ?? []).length, 6, 'three lengths signed with rsa-sha1');
    // a gateway's footer after the signed part, the way l= invites it; and a body cut short, which
    // the longer limits no longer cover
    const footer = Buffer.from('\r\n-- \r\nThis message was scanned.  Report abuse: abuse@fabrikam-lengths.example\r\n', 'latin1');
    const cases = [
      { name: 'as signed', bytes: signed },
      { name: 'footer added', bytes: Buffer.concat([signed, footer]) },
      { name: 'body cut short', bytes: signed.subarray(0, signed.length - 40) },
    ];
    for (const { name, bytes } of cases) {
      const opts = NOW_OPTIONS(zone);
      const inMemory = await analyze(bytes, opts);
      const want = plain(inMemory);
      const limited = inMemory.verification!.dkim.filter((c) => c.domain === 'fabrikam-lengths.example');
      assert.equal(limited.length, lengths.length * 2, name);
      if (name === 'footer added') {
        assert.ok(limited.every((c) => c.status === 'pass' && (c.unsignedTailBytes ?? 0) > 0), `${name}: every l= signature passes and reports the unsigned footer`);
        assert.ok(inMemory.verification!.dkim.some((c) => c.domain !== 'fabrikam-lengths.example' && c.status === 'body-modified'), `${name}: the sender's whole-body signature breaks`);
      } else if (name === 'body cut short') {
        assert.ok(limited.some((c) => c.bodyHashOk === false) && limited.some((c) => c.status === 'pass'), `${name}: the long limits break, the short ones hold`);
      } else {
        assert.ok(limited.every((c) => c.status === 'pass'), name);
      }
      const start = bytes.indexOf('\r\n\r\n') + 4;
      const cuts = [start, start + 1, start + 77, start + 78, start + Math.floor(bodyLength / 2), bytes.length - footer.length, bytes.length - 3];
      await streamedEquals(bytes, cutsAt(bytes, cuts), want, opts, `l=, ${name}: cut at the limits`);
      await streamedEquals(bytes, cutsAt(bytes, sizes(bytes, 13)), want, opts, `l=, ${name}: 13-byte chunks`);
    }
  });

  test('a source that reuses its buffer: nothing kept from an earlier chunk', async () => {
    // reusing() scribbles over each chunk once the next is asked for (every test above uses it);
    // here the chunks are large and the head is given on its own
    const built = await SCENARIOS[1].build(generateTestKey);
    const want = plain(await analyze(built.bytes, { dnsMode: 'off' }));
    const got = await analyzeStream(built.bytes.subarray(0, 100), reusing(cutsAt(built.bytes.subarray(100), [4000, 8000])), { dnsMode: 'off' });
    assert.deepEqual(plain(got), want);
  });

  test('inputs it reads whole or only counts give analyze()\u2019s result: hostile files, no separator, over the size limit, a header block above the streaming bound', async () => {
    const cases: Array<{ label: string; bytes: Buffer; opts?: Parameters<typeof analyze>[1] }> = hostileInputs().map((h) => ({ label: h.id, bytes: h.bytes }));
    const built = await SCENARIOS[1].build(generateTestKey);
    cases.push({ label: 'over the size limit', bytes: built.bytes, opts: { maxMessageBytes: 9000 } });
    cases.push({ label: 'binary, larger than the head', bytes: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(300000)]) });
    const pad = Array.from({ length: Math.ceil(MAX_STREAMED_HEADER_BYTES / 900) + 2 }, (_, i) => `X-Filter-Debug-${i}: ${'d'.repeat(880)}\r\n`).join('');
    cases.push({ label: 'header block above the streaming bound', bytes: Buffer.concat([Buffer.from(pad, 'latin1'), built.bytes]) });
    for (const c of cases) {
      const want = plain(await analyze(c.bytes, c.opts));
      for (const size of [1 << 20, 4096, 333]) {
        const chunks = cutsAt(c.bytes, sizes(c.bytes, size));
        const got = await analyzeStream(Buffer.alloc(0), reusing(chunks), c.opts);
        assert.deepEqual(plain(got), want, `${c.label}, chunks of ${size}`);
      }
    }
  });

  test('a read error from the source rejects the analysis', async () => {
    const built = await SCENARIOS[0].build(generateTestKey);
    async function* failing(): AsyncGenerator<Buffer> {
      yield built.bytes.subarray(0, 6000);
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    }
    await assert.rejects(analyzeStream(Buffer.alloc(0), failing()), /EIO/);
  });
});
