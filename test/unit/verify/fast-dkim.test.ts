// The fast DKIM path (createDkimVerifier, bodyHashOf) must give exactly what mailauth gives: the
// body hashes against mailauth's own SimpleHash/RelaxedHash on generated bodies full of the
// whitespace and line-ending cases canonicalisation is about, and whole verifications against
// mailauth's dkimVerify on every realistic scenario, CRLF and LF.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bodyHashOf, forEachCanonicalChunk, type BodyCanonicalization } from '../../../src/core/verify/body-hash';
import { createDkimVerifier } from '../../../src/core/verify/dkim-fast';
import { headerAndBody, toCrlf, withoutArcNewerThan } from '../../../src/core/verify/message';
import { SCENARIOS, buildLf, generateTestKey, zoneResolver } from '../../fixtures/scenarios';

interface MailauthBodyHash {
  update(chunk: Buffer): void;
  setContentType(ct: { value: string; params: Record<string, string> }): void;
  digest(encoding: 'base64'): string;
  getMimeStructureStart(): number;
  byteLength: number;
  canonicalizedLength: number;
  bodyHashedBytes: number;
}
const { dkimBody } = require('mailauth/lib/dkim/body') as {
  dkimBody: (canon: string, algo: string, maxBodyLength: number | '') => MailauthBodyHash;
};
const { dkimVerify } = require('mailauth/lib/dkim/verify') as {
  dkimVerify: (input: Buffer, opts: Record<string, unknown>) => Promise<Record<string, unknown> & { arc?: unknown }>;
};

/** mailauth's figures for a body, fed in the given chunk sizes (its verifier streams 64 KiB chunks). */
function reference(body: Buffer, canon: BodyCanonicalization, maxBodyLength: number | '', boundary: string | undefined, chunks: number[]) {
  const h = dkimBody(canon, 'sha256', maxBodyLength);
  if (boundary) h.setContentType({ value: 'multipart/mixed', params: { boundary } });
  let pos = 0;
  for (let k = 0; pos < body.length; k++) {
    const size = chunks.length ? chunks[k % chunks.length] : body.length;
    h.update(body.subarray(pos, pos + size));
    pos += size;
  }
  const hash = h.digest('base64');
  return { hash, byteLength: h.byteLength, canonicalizedLength: h.canonicalizedLength, bodyHashedBytes: h.bodyHashedBytes, mimeStructureStart: h.getMimeStructureStart() };
}

/** Pieces real bodies are made of, weighted towards the cases canonicalisation changes. */
const PIECES = [' ', ' ', '  ', '\t', ' \t ', '\r\n', '\r\n', '\n', '\r', '\r\r\n', ' \r\n', '\t\r\n', 'Hello', 'x', '--b1', '--b1--', '=20', '\u00e9', 'AAAA'];
const bodyArb = fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((parts) => toCrlf(Buffer.from(parts.join(''), 'latin1')));

function strip(value: unknown): unknown {
  // the id of an unsigned result is random; everything else must be identical
  return JSON.parse(JSON.stringify(value, (k, v) => (k === 'id' ? undefined : v)));
}

describe('fast DKIM body hashes', () => {
  test('equal mailauth\u2019s SimpleHash and RelaxedHash, with l= limits and the MIME boundary start', () => {
    fc.assert(
      fc.property(
        bodyArb,
        fc.constantFrom<BodyCanonicalization>('simple', 'relaxed'),
        fc.constantFrom<number | ''>('', 0, 1, 7, 40),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 4 }),
        (body, canon, l, multipart, chunks) => {
          const boundary = multipart ? 'b1' : undefined;
          assert.deepEqual(bodyHashOf(body, canon, 'sha256', l, boundary), reference(body, canon, l, boundary, chunks));
        },
      ),
      { numRuns: 3000, seed: 20260310 },
    );
  });

  test('relaxed: whitespace runs become one space, trailing whitespace and empty lines go, one CRLF ends the body', () => {
    const out: Buffer[] = [];
    forEachCanonicalChunk(Buffer.from('a \t b  \r\n\t\r\n c\t\r\n\r\n \r\n', 'latin1'), 'relaxed', (c) => out.push(Buffer.from(c)));
    assert.equal(Buffer.concat(out).toString('latin1'), 'a b\r\n\r\n c\r\n');
    const simple: Buffer[] = [];
    forEachCanonicalChunk(Buffer.from('a \t b  \r\n\r\n\r\n', 'latin1'), 'simple', (c) => simple.push(Buffer.from(c)));
    assert.equal(Buffer.concat(simple).toString('latin1'), 'a \t b  \r\n');
  });

  test('an empty body: simple hashes one CRLF, relaxed hashes nothing', () => {
    const empty = Buffer.alloc(0);
    assert.equal(bodyHashOf(empty, 'simple', 'sha256', '').canonicalizedLength, 2);
    assert.equal(bodyHashOf(empty, 'relaxed', 'sha256', '').canonicalizedLength, 0);
    assert.deepEqual(bodyHashOf(empty, 'relaxed', 'sha256', ''), reference(empty, 'relaxed', '', undefined, []));
  });

  test('a large base64 body with long text lines hashes like mailauth streaming it in 64 KiB chunks', () => {
    const lines: string[] = [];
    for (let i = 0; i < 40000; i++) lines.push(i % 100 === 0 ? `  indented  text line ${i}\t ` : Buffer.from(`line ${i}`.padEnd(57, '.')).toString('base64'));
    const body = Buffer.from(`${lines.join('\r\n')}\r\n\r\n\r\n`, 'latin1');
    for (const canon of ['simple', 'relaxed'] as const) {
      assert.deepEqual(bodyHashOf(body, canon, 'sha256', ''), reference(body, canon, '', undefined, [65536]));
    }
  });
});

describe('createDkimVerifier', () => {
  test('gives mailauth\u2019s dkimVerify result on every scenario, CRLF and LF', async () => {
    for (const scenario of SCENARIOS) {
      const crlf = await scenario.build(generateTestKey);
      const lf = await buildLf(scenario, generateTestKey);
      for (const built of [crlf, lf]) {
        const opts = { resolver: zoneResolver(built.dnsZone), curTime: new Date('2026-03-10T16:00:00Z') };
        const want = await dkimVerify(built.bytes, opts);
        const got = await createDkimVerifier(opts)(toCrlf(built.bytes));
        assert.deepEqual(strip(got), strip(want), scenario.id);
        assert.deepEqual(strip(got.arc), strip(want.arc), `${scenario.id}: ARC data`);
      }
    }
  });

  test('a copy without the newer ARC set (same body, reused hash) verifies like mailauth verifies it', async () => {
    const scenario = SCENARIOS.find((s) => s.id === 'proofpoint-subject-tag-arc-eop');
    assert.ok(scenario);
    const built = await scenario.build(generateTestKey);
    const opts = { resolver: zoneResolver(built.dnsZone), curTime: new Date('2026-03-10T16:00:00Z') };
    const verify = createDkimVerifier(opts);
    const message = toCrlf(built.bytes);
    await verify(message);
    const older = withoutArcNewerThan(message, 1);
    assert.notEqual(older.length, message.length, 'the newer ARC set was removed');
    const got = await verify(older);
    const want = await dkimVerify(older, opts);
    assert.deepEqual(strip(got), strip(want));
    assert.deepEqual(strip(got.arc), strip(want.arc));
  });

  test('a header block and its body given apart verify like the joined message', async () => {
    const scenario = SCENARIOS.find((s) => s.id === 'proofpoint-subject-tag-arc-eop');
    assert.ok(scenario);
    const built = await scenario.build(generateTestKey);
    const opts = { resolver: zoneResolver(built.dnsZone), curTime: new Date('2026-03-10T16:00:00Z') };
    const verify = createDkimVerifier(opts);
    const { header, body } = headerAndBody(toCrlf(built.bytes));
    const older = withoutArcNewerThan(header, 1);
    const want = await dkimVerify(Buffer.concat([older, body]), opts);
    assert.deepEqual(strip(await verify(older, body)), strip(want));
    // a "header" that is not a complete header block is joined with the body first
    const cut = header.subarray(0, header.length - 2);
    assert.deepEqual(strip(await verify(cut, body)), strip(await dkimVerify(Buffer.concat([cut, body]), opts)));
  });

  test('input that is not CRLF yet is converted first', async () => {
    const scenario = SCENARIOS[0];
    const lf = await buildLf(scenario, generateTestKey);
    const opts = { resolver: zoneResolver(lf.dnsZone), curTime: new Date('2026-03-10T16:00:00Z') };
    const got = await createDkimVerifier(opts)(lf.bytes);
    const want = await dkimVerify(lf.bytes, opts);
    assert.deepEqual(strip(got.results), strip(want.results));
  });
});
