import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { splitHeaders, unfold } from '../../../src/core/parse/headers';

/** A real-shaped message as Exchange Online delivers it (trimmed), CRLF line endings. */
const EXO_MESSAGE = [
  'Received: from BL02EPF0002992D.namprd02.prod.outlook.com (2603:10b6:208:c0::40)',
  ' by SA1PR04MB9876.namprd04.prod.outlook.com with HTTPS; Mon, 9 Mar 2026',
  ' 11:26:41 +0000',
  'Received: from mx0b-00498f04.pphosted.com (148.163.138.245) by',
  ' BL02EPF0002992D.mail.protection.outlook.com (10.167.249.58) with Microsoft SMTP',
  ' Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id',
  ' 15.20.9678.25 via Frontend Transport; Mon, 9 Mar 2026 11:26:40 +0000',
  'Authentication-Results: spf=fail (sender IP is 148.163.138.245)',
  ' smtp.mailfrom=fabrikam.com; dkim=fail (body hash did not verify)',
  ' header.d=fabrikam.com;dmarc=fail action=oreject',
  ' header.from=fabrikam.com;compauth=fail reason=000',
  'Subject: =?UTF-8?B?UXVhcnRhbHNiZXJpY2h0IMOEcHJpbA==?=',
  'From: Alice Example <alice@fabrikam.com>',
  'To: bob@contoso.com',
  'Date: Mon, 9 Mar 2026 11:26:30 +0000',
  'Message-ID: <20260309112630.1234@mail.fabrikam.com>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Hello Bob,',
  '',
  'the report is attached.',
  '',
].join('\r\n');

describe('splitHeaders', () => {
  test('fields, folded lines and exact line/byte ranges on a CRLF message', () => {
    const buf = Buffer.from(EXO_MESSAGE, 'latin1');
    const r = splitHeaders(buf);
    assert.equal(r.fields.length, 10);
    assert.deepEqual(
      r.fields.map((f) => f.name),
      ['Received', 'Received', 'Authentication-Results', 'Subject', 'From', 'To', 'Date', 'Message-ID', 'MIME-Version', 'Content-Type'],
    );
    const [rcv0, rcv1, ar] = r.fields;
    assert.deepEqual(rcv0.lines, { startLine: 0, endLine: 2 });
    assert.deepEqual(rcv1.lines, { startLine: 3, endLine: 6 });
    assert.deepEqual(ar.lines, { startLine: 7, endLine: 10 });
    assert.equal(
      rcv1.unfolded,
      'from mx0b-00498f04.pphosted.com (148.163.138.245) by BL02EPF0002992D.mail.protection.outlook.com (10.167.249.58) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.9678.25 via Frontend Transport; Mon, 9 Mar 2026 11:26:40 +0000',
    );
    // byte ranges cover exactly the field text, without its final line break
    for (const f of r.fields) {
      const text = buf.subarray(f.bytes.start, f.bytes.end).toString('latin1');
      assert.ok(text.startsWith(`${f.name}:`), f.name);
      assert.ok(!text.endsWith('\r') && !text.endsWith('\n'));
    }
    assert.equal(r.eol, 'CRLF');
    assert.equal(r.mixedEol, false);
    assert.equal(r.hasSeparator, true);
    assert.equal(r.bodyStartLine, 19);
    assert.equal(buf.subarray(r.bodyStartByte).toString('latin1').slice(0, 10), 'Hello Bob,');
    // VS Code counts a final empty line after the trailing CRLF
    assert.equal(r.lineCount, EXO_MESSAGE.split('\r\n').length);
    assert.deepEqual(r.problems, []);
  });

  test('RFC 2047 words are decoded, raw value kept', () => {
    const r = splitHeaders(Buffer.from(EXO_MESSAGE, 'latin1'));
    const subject = r.fields.find((f) => f.key === 'subject')!;
    assert.equal(subject.unfolded, '=?UTF-8?B?UXVhcnRhbHNiZXJpY2h0IMOEcHJpbA==?=');
    assert.equal(subject.decoded, 'Quartalsbericht April'.replace('A', 'Ä'));
  });

  test('LF-only and lone-CR files count lines like VS Code', () => {
    const lf = splitHeaders(Buffer.from(EXO_MESSAGE.replace(/\r\n/g, '\n')));
    assert.equal(lf.eol, 'LF');
    assert.deepEqual(lf.fields[1].lines, { startLine: 3, endLine: 6 });
    assert.equal(lf.bodyStartLine, 19);
    const cr = splitHeaders(Buffer.from(EXO_MESSAGE.replace(/\r\n/g, '\r')));
    assert.equal(cr.eol, 'CR');
    assert.deepEqual(cr.fields[2].lines, { startLine: 7, endLine: 10 });
    assert.equal(cr.bodyStartLine, 19);
    assert.equal(cr.lineCount, lf.lineCount);
  });

  test('mixed line endings are reported', () => {
    const text = 'Received: from a.example (a.example [192.0.2.1])\r\n by b.example; Mon, 9 Mar 2026 11:00:00 +0000\nSubject: hi\r\n\r\nbody\r\n';
    const r = splitHeaders(Buffer.from(text));
    assert.equal(r.mixedEol, true);
    assert.ok(r.problems.some((p) => p.code === 'mixed-line-endings'));
    assert.deepEqual(r.fields[0].lines, { startLine: 0, endLine: 1 });
  });

  test('mbox From line is recognised and skipped', () => {
    const r = splitHeaders(Buffer.from(`From alice@fabrikam.com Mon Mar  9 11:26:30 2026\r\n${EXO_MESSAGE}`));
    assert.equal(r.mboxFrom?.line, 0);
    assert.equal(r.fields[0].key, 'mbox-from');
    assert.equal(r.fields[0].invalid, true);
    assert.equal(r.fields[1].name, 'Received');
    assert.deepEqual(r.fields[1].lines, { startLine: 1, endLine: 3 });
    assert.ok(r.problems.some((p) => p.code === 'mbox-from-line'));
  });

  test('a missing header/body separator is detected where the body starts', () => {
    const text = 'From: alice@fabrikam.com\r\nTo: bob@contoso.com\r\nSubject: no blank line\r\nHello Bob,\r\nthis is the body.\r\n';
    const r = splitHeaders(Buffer.from(text));
    assert.equal(r.fields.length, 3);
    assert.equal(r.hasSeparator, false);
    assert.equal(r.bodyStartLine, 3);
    const p = r.problems.find((x) => x.code === 'missing-separator');
    assert.ok(p);
    assert.deepEqual(p.lines, { startLine: 3, endLine: 3 });
  });

  test('a stray non-field line inside the header block is kept and reported', () => {
    const text = 'From: alice@fabrikam.com\r\nGarbage line here\r\nTo: bob@contoso.com\r\n\r\nbody\r\n';
    const r = splitHeaders(Buffer.from(text));
    assert.deepEqual(
      r.fields.map((f) => [f.name, !!f.invalid]),
      [['From', false], ['', true], ['To', false]],
    );
    assert.equal(r.fields[1].value, 'Garbage line here');
    assert.ok(r.problems.some((p) => p.code === 'not-a-field' && p.lines?.startLine === 1));
  });

  test('8-bit header bytes: UTF-8 when valid, else windows-1252', () => {
    const utf8 = Buffer.from('Subject: Grüße aus Köln\r\n', 'utf8');
    const latin = Buffer.from('X-Raw-Latin1: Gr\xfc\xdfe\r\n', 'latin1');
    const r = splitHeaders(Buffer.concat([utf8, latin, Buffer.from('\r\nbody')]));
    assert.equal(r.fields[0].decoded, 'Grüße aus Köln');
    assert.equal(r.fields[0].charset8bit, 'utf-8');
    assert.equal(r.fields[1].decoded, 'Grüße');
    assert.equal(r.fields[1].charset8bit, 'windows-1252');
  });

  test('pasted headers without a body are headers-only, not an error', () => {
    const r = splitHeaders(Buffer.from('Received: from a (a [192.0.2.1]) by b; Mon, 9 Mar 2026 11:00:00 +0000\nSubject: x'));
    assert.equal(r.fields.length, 2);
    assert.equal(r.hasSeparator, false);
    assert.ok(r.problems.some((p) => p.code === 'headers-only' && p.severity === 'info'));
    assert.equal(r.bodyStartByte, r.byteLength);
  });

  test('binary files and empty files get one clear error', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const r = splitHeaders(png);
    assert.equal(r.fields.length, 0);
    assert.match(r.problems[0].message, /PNG image/);
    assert.equal(r.problems[0].severity, 'error');
    const e = splitHeaders(Buffer.alloc(0));
    assert.equal(e.problems[0].code, 'empty');
    const noise = Buffer.alloc(8192);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 31; // mostly control bytes
    assert.equal(splitHeaders(noise).problems[0].code, 'not-a-message');
  });

  test('hostile sizes: a 1 MB header line and 10,000 Received fields are split completely', () => {
    const big = Buffer.from(`X-Long: ${'a'.repeat(1024 * 1024)}\r\nSubject: after\r\n\r\nbody`);
    const r1 = splitHeaders(big);
    assert.equal(r1.fields.length, 2);
    assert.equal(r1.fields[0].value.length, 1024 * 1024 + 1);
    assert.equal(r1.fields[1].lines.startLine, 1);

    const many: string[] = [];
    for (let i = 0; i < 10000; i++) many.push(`Received: from h${i}.example (h${i}.example [192.0.2.${i % 250}])\r\n by relay.example; Mon, 9 Mar 2026 11:00:00 +0000`);
    const r2 = splitHeaders(Buffer.from(`${many.join('\r\n')}\r\n\r\nbody\r\n`));
    assert.equal(r2.fields.length, 10000);
    assert.deepEqual(r2.fields[9999].lines, { startLine: 19998, endLine: 19999 });
  });

  test('NUL bytes are kept and reported', () => {
    const r = splitHeaders(Buffer.from('Subject: a\u0000b\r\nFrom: x@y.example\r\n\r\nbody'));
    assert.equal(r.fields[0].value, ' a\u0000b');
    assert.ok(r.problems.some((p) => p.code === 'nul-bytes'));
  });

  test('a field cap keeps the split bounded and says so', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `X-N${i}: v`).join('\r\n');
    const r = splitHeaders(Buffer.from(`${lines}\r\n\r\n`), { maxFields: 10 });
    assert.equal(r.fields.length, 10);
    assert.ok(r.problems.some((p) => p.code === 'too-many-fields'));
  });

  test('unfold removes only line breaks', () => {
    assert.equal(unfold(' a\r\n\tb\n c'), 'a\tb c');
  });
});
