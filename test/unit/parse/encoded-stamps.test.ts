import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeHeaders } from '../../../src/core/analyze';
import { parseAuthResults } from '../../../src/core/parse/auth-results';
import type { Analysis } from '../../../src/core/types';

/**
 * Exchange Online sometimes writes its whole stamps as RFC 2047 encoded-words (about 50 in 7,900
 * real messages delivered to Outlook.com). The verdicts inside must be read as if written plainly,
 * at the same lines; anything that only contains "=?" somewhere is read as written.
 */

// The id-less EOP verdict, as Exchange Online writes it on the receiving hop.
const AR =
  'spf=pass (sender IP is 135.224.5.224) smtp.mailfrom=example.com; dkim=pass (signature was verified) header.d=example.com;dmarc=pass action=none header.from=example.com;compauth=pass reason=100';
const RECEIVED_SPF =
  'Pass (protection.outlook.com: domain of example.com designates 135.224.5.224 as permitted sender) receiver=protection.outlook.com; client-ip=135.224.5.224; helo=mail.example.com; pr=C';
const FOREFRONT =
  'CIP:135.224.5.224;CTRY:US;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:mail.example.com;PTR:mail.example.com;CAT:NONE;SFS:(13230040)(8096899003);DIR:INB;';
const MAILBOX_DELIVERY = 'ucf:0;jmr:0;auth:0;dest:I;ENG:(910001)(944506478)(944626604)(920097)(930097)(140003);';

/** RFC 2047 B encoding, 45 bytes (60 base64 characters) per encoded-word, folded. */
function bEncode(text: string, charset = 'utf-8'): string {
  const bytes = Buffer.from(text, 'utf8');
  const words: string[] = [];
  for (let i = 0; i < bytes.length; i += 45) words.push(`=?${charset}?B?${bytes.subarray(i, i + 45).toString('base64')}?=`);
  return words.join('\r\n ');
}

/** RFC 2047 Q encoding: letters and digits as they are, space as "_", everything else =XX; folded. */
function qEncode(text: string, charset = 'us-ascii'): string {
  const pieces: string[] = [];
  let cur = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    const tok = /[A-Za-z0-9]/.test(ch) ? ch : ch === ' ' ? '_' : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    if (cur.length + tok.length > 55) {
      pieces.push(cur);
      cur = '';
    }
    cur += tok;
  }
  pieces.push(cur);
  return pieces.map((p) => `=?${charset}?Q?${p}?=`).join('\r\n ');
}

interface Stamps {
  ar: string;
  spf: string;
  forefront: string;
  authAs: string;
  delivery: string;
}

function message(s: Stamps): Buffer {
  return Buffer.from(
    [
      'Received: from DB1PEPF000509F3.eurprd03.prod.outlook.com (2603:10a6:20b:5db::12) by',
      ' AM6PR08MB3317.eurprd08.prod.outlook.com (2603:10a6:20b:5db::13) with Microsoft',
      ' SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id',
      ' 15.20.8813.24; Wed, 4 Jun 2026 21:49:44 +0000',
      `Authentication-Results: ${s.ar}`,
      `Received-SPF: ${s.spf}`,
      'Received: from mail.example.com (135.224.5.224) by',
      ' DB1PEPF000509F3.mail.protection.outlook.com (10.167.242.149) with Microsoft SMTP',
      ' Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.8813.24 via',
      ' Frontend Transport; Wed, 4 Jun 2026 21:49:43 +0000',
      'X-IncomingTopHeaderMarker: OriginalChecksum:0F3C1A2B;UpperCasedChecksum:0F3C1A2B;SizeAsReceived:1024;Count:9',
      `X-MS-Exchange-Organization-AuthAs: ${s.authAs}`,
      `X-Forefront-Antispam-Report: ${s.forefront}`,
      `X-Microsoft-Antispam-Mailbox-Delivery: ${s.delivery}`,
      'From: Alice <alice@example.com>',
      'To: bob@example.net',
      'Subject: Quarterly figures',
      'Date: Wed, 4 Jun 2026 23:49:40 +0200',
      'Message-ID: <20260604214940.12345@mail.example.com>',
      '',
      'Hello.',
      '',
    ].join('\r\n'),
  );
}

const PLAIN: Stamps = { ar: AR, spf: RECEIVED_SPF, forefront: FOREFRONT, authAs: 'Anonymous', delivery: MAILBOX_DELIVERY };

function field(a: Analysis, key: string) {
  const f = a.headers.find((h) => h.key === key);
  assert.ok(f, key);
  return f;
}

/** Line numbers (0-based) of the field whose first line starts with `name:`, up to its last folded line. */
function linesOf(bytes: Buffer, name: string): { startLine: number; endLine: number } {
  const lines = bytes.toString('latin1').split('\r\n');
  const start = lines.findIndex((l) => l.startsWith(`${name}:`));
  let end = start;
  while (/^[ \t]/.test(lines[end + 1] ?? '')) end++;
  return { startLine: start, endLine: end };
}

describe('stamps written entirely as RFC 2047 encoded-words', () => {
  const plain = analyzeHeaders(message(PLAIN));

  for (const [label, encode] of [
    ['base64 (=?utf-8?B?...?=)', (t: string) => bEncode(t)],
    ['quoted-printable (=?us-ascii?Q?...?=)', (t: string) => qEncode(t)],
  ] as const) {
    describe(label, () => {
      const encoded: Stamps = {
        ar: encode(AR),
        spf: encode(RECEIVED_SPF),
        forefront: encode(FOREFRONT),
        authAs: encode('Anonymous'),
        delivery: encode(MAILBOX_DELIVERY),
      };
      const bytes = message(encoded);
      const a = analyzeHeaders(bytes);

      test('the test values are really encoded and folded over several lines', () => {
        assert.ok(!field(a, 'authentication-results').unfolded.includes('spf=pass'));
        assert.ok(linesOf(bytes, 'Authentication-Results').endLine > linesOf(bytes, 'Authentication-Results').startLine);
      });

      test('Authentication-Results gives the same verdicts as the plain value, at its own lines', () => {
        assert.equal(a.authResults.length, 1);
        assert.deepEqual(a.authResults[0].parsed, plain.authResults[0].parsed);
        assert.equal(a.authResults[0].parsed.form, 'eop');
        assert.deepEqual(
          a.authResults[0].parsed.results.map((r) => [r.method, r.result]),
          [
            ['spf', 'pass'],
            ['dkim', 'pass'],
            ['dmarc', 'pass'],
            ['compauth', 'pass'],
          ],
        );
        assert.equal(a.authResults[0].parsed.results[3].reason, '100');
        assert.deepEqual(a.authResults[0].lines, linesOf(bytes, 'Authentication-Results'));
        assert.deepEqual(a.authResults[0].lines, field(a, 'authentication-results').lines);
        assert.ok(!a.problems.some((p) => p.code === 'auth-results-unparsed'));
      });

      test('Received-SPF, X-Forefront-Antispam-Report, AuthAs and mailbox delivery are read as well', () => {
        assert.deepEqual(a.receivedSpf[0].parsed, plain.receivedSpf[0].parsed);
        assert.equal(a.receivedSpf[0].parsed.clientIp, '135.224.5.224');
        assert.deepEqual(a.receivedSpf[0].lines, linesOf(bytes, 'Received-SPF'));
        const ff = a.microsoft?.forefront;
        assert.ok(ff);
        assert.equal(ff.cip, '135.224.5.224');
        assert.equal(ff.sfv, 'NSPM');
        assert.deepEqual(ff.fields, plain.microsoft?.forefront?.fields);
        assert.deepEqual(ff.lines, linesOf(bytes, 'X-Forefront-Antispam-Report'));
        assert.equal(a.microsoft?.org.authAs, 'Anonymous');
        assert.equal(a.microsoft?.mailboxDelivery?.dest, 'I');
        assert.deepEqual(a.microsoft?.mailboxDelivery?.lines, linesOf(bytes, 'X-Microsoft-Antispam-Mailbox-Delivery'));
      });

      test('the header list keeps every field as written', () => {
        const ar = field(a, 'authentication-results');
        assert.equal(ar.value.trim(), encoded.ar);
        assert.ok(ar.unfolded.startsWith(encoded.ar.split('\r\n')[0]));
        assert.equal(ar.decoded, AR);
      });

      test('the findings are those of the plain message', () => {
        assert.deepEqual(
          a.findings.map((f) => f.id),
          plain.findings.map((f) => f.id),
        );
      });
    });
  }

  test('an Authentication-Results that only contains "=?" in a comment is read as written', () => {
    const value = 'spf=pass (sender IP is 135.224.5.224) smtp.mailfrom=example.com; dkim=pass (key =?utf-8?B?w6k=?= rotated) header.d=example.com;compauth=pass reason=100';
    const a = analyzeHeaders(message({ ...PLAIN, ar: value }));
    const f = field(a, 'authentication-results');
    assert.notEqual(f.decoded, f.unfolded, 'the comment would decode');
    assert.deepEqual(a.authResults[0].parsed, parseAuthResults(value));
    assert.deepEqual(a.authResults[0].parsed.results[1].comments, ['key =?utf-8?B?w6k=?= rotated']);
  });

  test('a value with text around its encoded-words is read as written', () => {
    const value = `spf=pass ${bEncode('(sender IP is 135.224.5.224)')} smtp.mailfrom=example.com`;
    const a = analyzeHeaders(message({ ...PLAIN, ar: value }));
    assert.deepEqual(a.authResults[0].parsed, parseAuthResults(field(a, 'authentication-results').unfolded));
  });

  test('an encoded value carrying line breaks is read as one line', () => {
    const a = analyzeHeaders(message({ ...PLAIN, ar: qEncode(AR.replace('; dkim=', ';\r\n dkim=')) }));
    assert.deepEqual(
      a.authResults[0].parsed.results.map((r) => r.method),
      ['spf', 'dkim', 'dmarc', 'compauth'],
    );
  });
});
