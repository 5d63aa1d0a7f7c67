// The .msg reader on real compound files written in the test setup (test/fixtures/msg/build.ts,
// MS-OXMSG layout) from the realistic scenario messages: the transport headers come back exactly,
// the analysis of the .msg matches the headers of the .eml, and crafted files never hang or throw.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as CFB from 'cfb';
import MsgReader from '@kenjiuno/msgreader';
import { analyze, analyzeHeaders } from '../../../src/core/analyze';
import { msgToEml, normalizeHeaderBlock, readMsg } from '../../../src/core/msg/reader';
import { checkCompoundFile, isCompoundFile } from '../../../src/core/msg/cfb-guard';
import { buildMsg, headerBlockOf, type MsgSpec } from '../../fixtures/msg/build';
import { buildCached, type BuildResult } from '../../fixtures/scenarios';

const DELIVERED = new Date('2026-03-10T14:05:09Z');

function specFrom(r: BuildResult, extra: Partial<MsgSpec> = {}): MsgSpec {
  return {
    transportHeaders: headerBlockOf(r.bytes),
    subject: 'Invoice INV-20417 for March deliveries',
    body: 'Hello Megan,\r\n\r\nPlease find the invoice for the March deliveries on our customer portal.\r\n',
    sender: { name: 'Jordan Alvarez', address: 'jordan.alvarez@northwindtraders.com' },
    recipients: [{ name: 'Megan Bowen', address: r.facts.recipients[0], type: 'to' }],
    internetMessageId: '<msg-fixture@northwindtraders.com>',
    deliveryTime: DELIVERED,
    ...extra,
  };
}

function arrayBufferOf(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

describe('.msg fixtures (written with cfb, MS-OXMSG layout)', () => {
  let pp: BuildResult;
  before(async () => {
    pp = await buildCached('proofpoint-banner-eop');
  });

  test('the compound file holds the MS-OXMSG streams and storages', () => {
    const bytes = buildMsg(specFrom(pp, { attachments: [{ fileName: 'INV-20417.pdf', mimeType: 'application/pdf', data: Buffer.alloc(6000, 0x25) }] }));
    assert.ok(isCompoundFile(bytes));
    const cfb = CFB.read(bytes, { type: 'buffer' });
    const names = new Set(cfb.FullPaths.map((p) => p.replace(/^Root Entry\//, '')));
    for (const n of [
      '__properties_version1.0',
      '__substg1.0_007D001F',
      '__substg1.0_0037001F',
      '__substg1.0_1000001F',
      '__substg1.0_0C1F001F',
      '__nameid_version1.0/',
      '__recip_version1.0_#00000000/',
      '__recip_version1.0_#00000000/__substg1.0_39FE001F',
      '__attach_version1.0_#00000000/__substg1.0_37010102',
    ]) {
      assert.ok(names.has(n), `${n} is in the file`);
    }
    const hdr = CFB.find(cfb, '/__substg1.0_007D001F')!;
    assert.equal(Buffer.from(hdr.content as Uint8Array).toString('utf16le'), headerBlockOf(pp.bytes));
    const props = Buffer.from(CFB.find(cfb, '/__properties_version1.0')!.content as Uint8Array);
    assert.equal((props.length - 32) % 16, 0, 'top-level property stream: 32-byte header, 16-byte entries');
    assert.equal(props.readUInt32LE(16), 1, 'recipient count');
    assert.equal(props.readUInt32LE(20), 1, 'attachment count');
    assert.equal(checkCompoundFile(bytes).ok, true);
  });

  test('@kenjiuno/msgreader reads the fixtures back (the builder writes what Outlook readers expect)', () => {
    const bytes = buildMsg(specFrom(pp));
    const data = new MsgReader(arrayBufferOf(bytes)).getFileData();
    assert.equal(data.error, undefined);
    assert.equal(data.headers, headerBlockOf(pp.bytes));
    assert.equal(data.subject, 'Invoice INV-20417 for March deliveries');
    assert.equal(data.senderEmail, 'jordan.alvarez@northwindtraders.com');
    assert.equal(data.recipients?.[0]?.smtpAddress, pp.facts.recipients[0]);
    assert.equal(data.recipients?.[0]?.recipType, 'to');
  });
});

describe('readMsg', () => {
  let pp: BuildResult;
  let mc: BuildResult;
  before(async () => {
    pp = await buildCached('proofpoint-banner-eop');
    mc = await buildCached('mimecast-efc-eop');
  });

  test('Unicode .msg: the transport headers exactly as the receiver recorded them, plus subject, sender, recipients', () => {
    const bytes = buildMsg(specFrom(pp, { attachments: [{ fileName: 'INV-20417.pdf', data: Buffer.alloc(9000, 1) }] }));
    const m = readMsg(bytes);
    assert.deepEqual(m.problems, []);
    assert.equal(m.compoundFile, true);
    assert.equal(m.headersText, headerBlockOf(pp.bytes));
    assert.ok(m.headersText!.endsWith('\r\n\r\n'));
    assert.equal(m.subject, 'Invoice INV-20417 for March deliveries');
    assert.equal(m.messageClass, 'IPM.Note');
    assert.equal(m.senderName, 'Jordan Alvarez');
    assert.equal(m.senderAddress, 'jordan.alvarez@northwindtraders.com');
    assert.equal(m.internetMessageId, '<msg-fixture@northwindtraders.com>');
    assert.deepEqual(m.recipients, [{ name: 'Megan Bowen', address: pp.facts.recipients[0], type: 'to' }]);
    assert.equal(m.attachmentCount, 1);
    assert.match(m.bodyText!, /^Hello Megan,/);
  });

  test('ANSI .msg (PtypString8): code page 1252 text decoded, 8-bit header bytes read as UTF-8 when they are UTF-8', () => {
    const headers = headerBlockOf(mc.bytes);
    const bytes = buildMsg({ transportHeaders: headers, subject: 'Spring catalogue proofs – final round (€ 18.940)', body: 'Pages 14–17', unicode: false });
    const m = readMsg(bytes);
    assert.deepEqual(m.problems, []);
    assert.equal(m.subject, 'Spring catalogue proofs – final round (€ 18.940)');
    assert.equal(m.bodyText, 'Pages 14–17');
    assert.equal(m.headersText, headers);
  });

  test('the .msg analyses like the .eml\'s headers: same route, boundary, verdict stamps and findings', async () => {
    const { text } = msgToEml(buildMsg(specFrom(pp)));
    assert.ok(text);
    const fromMsg = analyzeHeaders(Buffer.from(text, 'utf8'), { name: 'invoice.msg' });
    const fromEml = analyzeHeaders(Buffer.from(headerBlockOf(pp.bytes), 'utf8'), { name: 'invoice.eml' });
    assert.equal(fromMsg.hops.length, pp.facts.hops.length);
    assert.deepEqual(
      fromMsg.hops.map((h) => [h.role, h.from.ip, h.by.host]),
      fromEml.hops.map((h) => [h.role, h.from.ip, h.by.host]),
    );
    assert.equal(fromMsg.boundary.entryHopIndex, pp.facts.entryHopIndex);
    assert.equal(fromMsg.boundary.connectingIp, pp.facts.connectingIp);
    assert.deepEqual(fromMsg.boundary.relayIps, pp.facts.relayIps);
    assert.deepEqual(fromMsg.findings.map((f) => f.id), fromEml.findings.map((f) => f.id));
    assert.ok(fromMsg.findings.some((f) => f.id === 'efc-not-enabled'));
    assert.ok(fromMsg.remedies.some((r) => r.id === 'efc-skip-last-ip'), 'the Enhanced Filtering fix is offered');
    assert.equal(fromMsg.input.headersOnly, true);
  });

  test('Outlook\'s re-rendered body is never hashed: DKIM body checks say "not available", never "body modified"', async () => {
    // Mimecast changed nothing: the delivered .eml verifies. Outlook keeps its own rendering of the
    // body, so hashing that would wrongly report a body change ...
    const headers = headerBlockOf(mc.bytes);
    const outlookBody = 'Hi Alex,\r\n\r\nThe final proofs for the spring catalogue are ready for your sign-off:\r\n<https://share.tailspintoys.com/proofs/spring-2026>\r\n';
    const wrong = await analyze(Buffer.from(headers + outlookBody, 'utf8'), { dnsMode: 'off' });
    assert.ok(wrong.findings.some((f) => f.id === 'dkim-body-modified'), 'hashing the re-rendered body would blame the body');
    // ... the .msg is analysed on its headers only
    const { text, content } = msgToEml(buildMsg({ transportHeaders: headers, subject: 'Spring catalogue proofs – final round', body: outlookBody }));
    assert.equal(content.bodyText, outlookBody);
    const a = await analyze(Buffer.from(text!, 'utf8'), { dnsMode: 'off' });
    assert.equal(a.input.headersOnly, true);
    assert.ok(!a.findings.some((f) => f.id === 'dkim-body-modified'));
    assert.ok(a.findings.some((f) => f.id === 'efc-active'));
    assert.ok(a.verification);
    assert.equal(a.verification.dkim.length, 1);
    for (const d of a.verification.dkim) {
      assert.equal(d.bodyHashOk, null);
      assert.notEqual(d.status, 'body-modified');
      assert.match(d.detail, /^Body: not available \(headers only\)\./);
    }
    assert.ok(a.verification.notes.some((n) => n.includes('body checks say "not available (headers only)"')));
  });

  test('a body change the receiver itself reported still shows, resting on its Authentication-Results only', async () => {
    const { text } = msgToEml(buildMsg(specFrom(pp)));
    const a = await analyze(Buffer.from(text!, 'utf8'), { dnsMode: 'off' });
    assert.ok(a.verification!.dkim.every((d) => d.status !== 'body-modified' && d.bodyHashOk === null));
    const f = a.findings.find((x) => x.id === 'dkim-body-modified');
    assert.ok(f, 'EOP stamped "body hash did not verify"');
    assert.ok(f.evidence.length > 0);
    assert.ok(f.evidence.every((e) => !/does not match the body/.test(e.note ?? '')), 'no claim from our own hashing');
    assert.ok(f.evidence.some((e) => /^authentication-results$/i.test(e.header)));
  });

  test('a draft or sent item without transport headers: one clear error, no header text', () => {
    const m = readMsg(buildMsg({ subject: 'Draft: quarterly numbers', body: 'not sent yet', messageClass: 'IPM.Note' }));
    assert.equal(m.headersText, undefined);
    assert.equal(m.subject, 'Draft: quarterly numbers');
    assert.deepEqual(m.problems.map((p) => [p.code, p.severity]), [['msg-no-transport-headers', 'error']]);
    assert.match(m.problems[0].message, /never received over the internet/);
  });

  test('not a compound file (an .eml renamed to .msg): refused with the hint', () => {
    const m = readMsg(pp.bytes);
    assert.equal(m.compoundFile, false);
    assert.equal(m.problems[0].code, 'msg-not-compound-file');
    assert.equal(readMsg(new Uint8Array(0)).problems[0].code, 'msg-not-compound-file');
  });

  test('Exchange\'s "Microsoft Mail Internet Headers Version 2.0" line and a stored MIME part after the header block are left out', () => {
    const block = headerBlockOf(mc.bytes);
    const stored = `Microsoft Mail Internet Headers Version 2.0\r\n${block}--_000_BN8PR04MB6242_\r\nContent-Type: text/plain; charset="us-ascii"\r\n\r\n`;
    const m = readMsg(buildMsg({ transportHeaders: stored }));
    assert.equal(m.headersText, block);
    assert.deepEqual(m.problems.map((p) => p.code).sort(), ['msg-headers-body-part', 'msg-headers-preamble']);
    assert.ok(m.problems.every((p) => p.severity !== 'error'));
  });

  test('normalizeHeaderBlock: ends with exactly one empty line, keeps LF files LF, empty text gives undefined', () => {
    assert.equal(normalizeHeaderBlock('Subject: a\nFrom: b@example.com'), 'Subject: a\nFrom: b@example.com\n\n');
    assert.equal(normalizeHeaderBlock('Subject: a\r\n\r\n\r\n\r\n'), 'Subject: a\r\n\r\n');
    assert.equal(normalizeHeaderBlock('\r\n\r\n'), undefined);
    assert.equal(normalizeHeaderBlock('\ufeff\r\nSubject: a\r\n'), 'Subject: a\r\n\r\n');
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile files

interface Layout {
  sectorSize: number;
  fat0: number;
  dirStart: number;
  miniFatStart: number;
}

function layout(b: Buffer): Layout {
  return { sectorSize: 1 << b.readUInt16LE(30), fat0: b.readUInt32LE(76), dirStart: b.readUInt32LE(48), miniFatStart: b.readUInt32LE(60) };
}

function setFat(b: Buffer, l: Layout, sector: number, value: number): void {
  b.writeUInt32LE(value >>> 0, (l.fat0 + 1) * l.sectorSize + sector * 4);
}

function dirEntryOffset(b: Buffer, l: Layout, index: number): number {
  // the fixtures' directory fits in its first sectors, linked in order
  let sector = l.dirStart;
  let i = index;
  const per = l.sectorSize / 128;
  while (i >= per) {
    sector = b.readUInt32LE((l.fat0 + 1) * l.sectorSize + sector * 4);
    i -= per;
  }
  return (sector + 1) * l.sectorSize + i * 128;
}

function findEntry(b: Buffer, l: Layout, name: string): number {
  for (let i = 0; i < 64; i++) {
    const o = dirEntryOffset(b, l, i);
    const len = b.readUInt16LE(o + 64);
    if (len >= 2 && b.toString('utf16le', o, o + len - 2) === name) return i;
  }
  throw new Error(`no entry ${name}`);
}

/** A deterministic PRNG (mulberry32) for the mutation test. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('readMsg on damaged and crafted compound files', () => {
  let valid: Buffer;
  before(async () => {
    const pp = await buildCached('proofpoint-banner-eop');
    valid = buildMsg(specFrom(pp, { attachments: [{ fileName: 'big.bin', data: Buffer.alloc(20000, 7) }] }));
  });

  const refused = (b: Buffer, pattern: RegExp) => {
    const m = readMsg(b);
    assert.equal(m.headersText, undefined);
    assert.equal(m.problems.length, 1);
    assert.equal(m.problems[0].code, 'msg-corrupt');
    assert.match(m.problems[0].message, pattern);
  };

  test('a directory chain that points back at itself (the library alone loops forever on this)', () => {
    const b = Buffer.from(valid);
    const l = layout(b);
    setFat(b, l, l.dirStart, l.dirStart);
    refused(b, /directory chain .*already belongs/);
  });

  test('a FAT chain running past the end of the file', () => {
    const b = Buffer.from(valid);
    const l = layout(b);
    const big = findEntry(b, l, '__substg1.0_37010102');
    const start = b.readUInt32LE(dirEntryOffset(b, l, big) + 116);
    setFat(b, l, start, 0x00ffffff);
    refused(b, /beyond the end of the file/);
  });

  test('a mini stream chain that loops', () => {
    const b = Buffer.from(valid);
    const l = layout(b);
    const subj = findEntry(b, l, '__substg1.0_0037001F');
    const start = b.readUInt32LE(dirEntryOffset(b, l, subj) + 116);
    b.writeUInt32LE(start, (l.miniFatStart + 1) * l.sectorSize + start * 4);
    refused(b, /mini sector .*already belongs/);
  });

  test('a directory tree whose sibling points back at an entry already visited', () => {
    const b = Buffer.from(valid);
    const l = layout(b);
    const subj = findEntry(b, l, '__substg1.0_0037001F');
    b.writeUInt32LE(subj, dirEntryOffset(b, l, subj) + 72); // right sibling = itself
    refused(b, /reached twice/);
  });

  test('a stream claiming more bytes than its sectors hold', () => {
    const b = Buffer.from(valid);
    const l = layout(b);
    const hdr = findEntry(b, l, '__substg1.0_007D001F');
    b.writeUInt32LE(0x7ffffff0, dirEntryOffset(b, l, hdr) + 120);
    refused(b, /claims more bytes/);
  });

  test('a header claiming a million FAT sectors, and a truncated file', () => {
    const b = Buffer.from(valid);
    b.writeUInt32LE(1_000_000, 44);
    refused(b, /more sectors than the file has/);
    refused(Buffer.from(valid.subarray(0, 700)), /./);
    refused(Buffer.from(valid.subarray(0, 100)), /shorter than a compound file header/);
  });

  test('2,000 random mutations: never a throw, never a hang; what is read is text', { timeout: 120_000 }, () => {
    const next = rng(0x5eed);
    let opened = 0;
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(valid);
      const n = 1 + Math.floor(next() * 8);
      for (let k = 0; k < n; k++) {
        // mostly the header and the directory/FAT sectors, where the structure lives
        const pos = next() < 0.7 ? Math.floor(next() * Math.min(b.length, 4096)) : Math.floor(next() * b.length);
        b[pos] = Math.floor(next() * 256);
      }
      const m = readMsg(b);
      assert.ok(Array.isArray(m.problems));
      if (m.headersText !== undefined) {
        opened++;
        assert.equal(typeof m.headersText, 'string');
        assert.ok(m.headersText.length <= 8 * 1024 * 1024 + 4);
      } else {
        assert.ok(m.problems.some((p) => p.severity === 'error'));
      }
    }
    assert.ok(opened > 0, 'some mutations leave the file readable');
  });
});
