import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseReceived } from '../../../src/core/parse/received';
import type { ReceivedInfo } from '../../../src/core/types';

interface CorpusEntry {
  mta: string;
  raw: string;
  expect: Record<string, unknown>;
}

function findFixture(rel: string): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const p = path.join(dir, rel);
    if (fs.existsSync(p)) return p;
    dir = path.dirname(dir);
  }
  throw new Error(`fixture not found: ${rel}`);
}

const corpus: CorpusEntry[] = JSON.parse(fs.readFileSync(findFixture('test/fixtures/received/corpus.json'), 'utf8'));

/** The fields every corpus entry must state (null = must be absent). */
const CORE_FIELDS = ['helo', 'rdns', 'ip', 'byHost', 'protocol', 'id', 'for', 'date'];

/** Read one named field out of a parse result; absent values are null. */
function field(r: ReceivedInfo, name: string): unknown {
  switch (name) {
    case 'helo':
      return r.from?.helo ?? null;
    case 'rdns':
      return r.from?.rdns ?? null;
    case 'ip':
      return r.from?.ip ?? null;
    case 'ipRaw':
      return r.from?.ipRaw ?? null;
    case 'ident':
      return r.from?.ident ?? null;
    case 'byHost':
      return r.by?.host ?? null;
    case 'byIp':
      return r.by?.ip ?? null;
    case 'via':
      return r.via ?? null;
    case 'protocol':
      return r.with?.protocol ?? null;
    case 'tls':
      return r.with?.tls ?? null;
    case 'auth':
      return r.with?.authenticated ?? null;
    case 'lmtp':
      return r.with?.lmtp ?? null;
    case 'http':
      return r.with?.http ?? null;
    case 'mapi':
      return r.with?.mapi ?? null;
    case 'utf8':
      return r.with?.utf8 ?? null;
    case 'tlsVersion':
      return r.tls?.version ?? null;
    case 'tlsCipher':
      return r.tls?.cipher ?? null;
    case 'tlsBits':
      return r.tls?.bits ?? null;
    case 'id':
      return r.id ?? null;
    case 'for':
      return r.for ?? null;
    case 'envelopeFrom':
      return r.envelopeFrom ?? null;
    case 'date':
      return r.date?.utc ?? null;
    case 'dateRaw':
      return r.date?.raw ?? null;
    case 'offset':
      return r.date?.offsetMinutes ?? null;
    case 'unparsed':
      return r.unparsed;
    default:
      throw new Error(`unknown corpus field ${name}`);
  }
}

function mismatches(entry: CorpusEntry): string[] {
  const r = parseReceived(entry.raw);
  const out: string[] = [];
  for (const [name, want] of Object.entries(entry.expect)) {
    const got = field(r, name);
    try {
      assert.deepStrictEqual(got, want);
    } catch {
      out.push(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
  }
  return out;
}

describe('Received corpus', () => {
  test('corpus is large and every entry states the core fields', () => {
    assert.ok(corpus.length >= 60, `corpus has ${corpus.length} entries`);
    for (const e of corpus) {
      for (const f of CORE_FIELDS) assert.ok(f in e.expect, `${e.mta}: expect.${f} missing`);
      assert.equal(parseReceived(e.raw).raw.includes('\n'), false, `${e.mta}: raw must be unfolded`);
    }
  });

  for (const entry of corpus) {
    test(entry.mta, () => {
      const bad = mismatches(entry);
      assert.deepEqual(bad, [], `${entry.mta}\n  ${entry.raw}\n  ${bad.join('\n  ')}`);
    });
  }

  test('summary: 100 % of expected fields match on the corpus', () => {
    let total = 0;
    let wrong = 0;
    for (const e of corpus) {
      total += Object.keys(e.expect).length;
      wrong += mismatches(e).length;
    }
    assert.ok(total > 600, `only ${total} fields asserted`);
    assert.equal(wrong, 0, `${wrong} of ${total} fields differ`);
  });
});

describe('parseReceived details', () => {
  test('unfolds CRLF + whitespace and keeps the text in raw', () => {
    const r = parseReceived('from a.example (a.example [192.0.2.1])\r\n\tby b.example with ESMTP id X1;\r\n Mon, 9 Mar 2026 11:26:40 +0000');
    assert.equal(r.raw, 'from a.example (a.example [192.0.2.1])\tby b.example with ESMTP id X1; Mon, 9 Mar 2026 11:26:40 +0000');
    assert.equal(r.date?.utc, '2026-03-09T11:26:40.000Z');
  });

  test('a bare line break without indentation still separates words', () => {
    const r = parseReceived('from a.example\nby b.example with SMTP; Mon, 9 Mar 2026 11:26:40 +0000');
    assert.equal(r.from?.helo, 'a.example');
    assert.equal(r.by?.host, 'b.example');
  });

  test('from.comment keeps the identity comment as written', () => {
    const r = parseReceived('from mail.example.com (mail.example.com [192.0.2.1]) by mx.example.net with ESMTP id A; Mon, 9 Mar 2026 11:26:40 +0000');
    assert.equal(r.from?.comment, '(mail.example.com [192.0.2.1])');
    assert.equal(r.from?.ipRaw, '192.0.2.1');
  });

  test('by.comment collects the receiving software comment', () => {
    const r = parseReceived('from a (a [192.0.2.1]) by mx.example.net (Postfix) with ESMTP id A; Mon, 9 Mar 2026 11:26:40 +0000');
    assert.equal(r.by?.comment, '(Postfix)');
    assert.equal(r.by?.ip, undefined);
  });

  test('a version number in the by comment is not taken as the by IP', () => {
    const r = parseReceived('from a ([192.0.2.1]) by host.name (NAVGW 2.5.2.12) with SMTP id M1; Mon, 9 Mar 2026 11:26:40 +0000');
    assert.equal(r.by?.ip, undefined);
    assert.equal(r.by?.comment, '(NAVGW 2.5.2.12)');
  });

  test('zone id is stripped from ip but kept in ipRaw', () => {
    const r = parseReceived('from h.example ([fe80::1%12]) by x.example with mapi id 1; Mon, 9 Mar 2026 11:26:40 +0000');
    assert.equal(r.from?.ip, 'fe80::1');
    assert.equal(r.from?.ipRaw, 'fe80::1%12');
  });

  test('IPv4-mapped IPv6 is reported as IPv4', () => {
    const r = parseReceived('from h.example (h.example [IPv6:::ffff:192.0.2.7]) by x.example with ESMTP id 1; Mon, 9 Mar 2026 11:26:40 +0000');
    assert.equal(r.from?.ip, '192.0.2.7');
  });

  test('short and octal IPv4 forms are never normalised into another address', () => {
    for (const lit of ['010.1.1.1', '1.2.3', '192.168.1.256', '0x7f.0.0.1']) {
      const r = parseReceived(`from h.example (unknown [${lit}]) by x.example with ESMTP id 1; Mon, 9 Mar 2026 11:26:40 +0000`);
      assert.equal(r.from?.ip, undefined, lit);
      assert.ok(r.unparsed.some((u) => u.includes(lit)), `${lit} must be reported in unparsed`);
    }
  });

  test('the envelope sender can be the null path', () => {
    const r = parseReceived('from h.example ([192.0.2.9]) by x.example with esmtp (Exim 4.96) (envelope-from <>) id 1r5AbC-0001xY-2Z; Mon, 9 Mar 2026 11:26:40 +0000');
    assert.equal(r.envelopeFrom, '');
  });

  test('comments nested several levels deep are one comment', () => {
    const r = parseReceived('from h.example (h.example [192.0.2.9] (may be (really) forged)) by x.example with ESMTP id Q; Mon, 9 Mar 2026 11:26:40 +0000');
    assert.equal(r.from?.ip, '192.0.2.9');
    assert.equal(r.from?.rdns, 'h.example');
    assert.deepEqual(r.unparsed, []);
  });

  test('repeated single clauses go to unparsed instead of overwriting', () => {
    const r = parseReceived('from a.example ([192.0.2.1]) by b.example by c.example with SMTP id 1; Mon, 9 Mar 2026 11:26:40 +0000');
    assert.equal(r.by?.host, 'b.example');
    assert.deepEqual(r.unparsed, ['by c.example']);
  });

  test('a from literal that disagrees with the recorded address is reported', () => {
    // forged-looking hop: the client literal is not the address the receiver saw
    const r = parseReceived('from [192.0.2.101] (HELO 198.51.100.35) (198.51.100.35) by mx.example.net with SMTP; Tue, 03 Jul 2018 09:01:47 -0300');
    assert.equal(r.from?.ip, '198.51.100.35');
    assert.equal(r.from?.helo, '198.51.100.35');
    assert.deepEqual(r.unparsed, ['[192.0.2.101]']);
  });

  test('a by host that is an address (not a host) is not accepted', () => {
    const r = parseReceived('from [192.0.2.1] (helo=x.example) by someone@example.com with SMTP; Tue, 03 Jul 2018 09:01:47 -0300');
    assert.equal(r.by, undefined);
    assert.deepEqual(r.unparsed, ['someone@example.com']);
  });

  test('words nobody understands are kept, not dropped', () => {
    const r = parseReceived('from hotmail.com (something.com [65.54.245.95]) at just after 10pm by Daffy.timing.com on a Friday (CrazyMTA) (envelope-from <foo@example.com>) with TFTP');
    assert.equal(r.from?.ip, '65.54.245.95');
    assert.equal(r.by?.host, 'Daffy.timing.com');
    assert.equal(r.envelopeFrom, 'foo@example.com');
    assert.equal(r.with?.protocol, 'TFTP');
    assert.deepEqual(r.unparsed, ['at just after 10pm', 'on a Friday']);
  });

  test('text after the date is never a recipient', () => {
    const r = parseReceived(
      'from a.example.net (a.example.net [192.0.2.1]) by mx.example.org (Postfix) with ESMTP id 4ABCDEF12 for <rcpt@example.org>; Mon, 1 Jan 2024 10:00:00 +0000 (UTC) <other@example.net>',
    );
    assert.deepEqual(r.for, ['rcpt@example.org']);
    assert.equal(r.date?.raw, 'Mon, 1 Jan 2024 10:00:00 +0000 (UTC)');
    assert.deepEqual(r.unparsed, ['<other@example.net>']);
    const f = parseReceived('from a.example.net ([192.0.2.1]) by mx.example.org with SMTP; Mon, 1 Jan 2024 10:00:00 +0000 for <late@example.net>');
    assert.equal(f.for, undefined);
    assert.deepEqual(f.unparsed, ['for <late@example.net>']);
    const o = parseReceived('from a.example.net ([192.0.2.1]) by mx.example.org with SMTP; Mon, 1 Jan 2024 10:00:00 +0000 (ORCPT <rfc822;late@example.net>)');
    assert.equal(o.for, undefined);
  });

  test('a note after the date is not part of the date', () => {
    const r = parseReceived('from a.example.net ([192.0.2.1]) by mx.example.org with SMTP id 1; Mon, 1 Jan 2024 10:00:00 +0000 (UTC) (delivered locally)');
    assert.equal(r.date?.raw, 'Mon, 1 Jan 2024 10:00:00 +0000 (UTC)');
    assert.deepEqual(r.unparsed, ['(delivered locally)']);
    const tz = parseReceived('from a.example.net ([192.0.2.1]) by mx.example.org with SMTP id 1; Mon, 1 Jan 2024 11:00:00 +0100 (W. Europe Standard Time)');
    assert.equal(tz.date?.raw, 'Mon, 1 Jan 2024 11:00:00 +0100 (W. Europe Standard Time)');
    assert.deepEqual(tz.unparsed, []);
  });

  test('zmailer quoted HELO: a literal, or nothing at all', () => {
    const lit = parseReceived('from host.example.com ([192.0.2.7]:1234 "EHLO [192.168.1.2]" rhost-flags-OK-FAIL-OK-FAIL) by vger.kernel.org with ESMTP id S1; Mon, 1 Jan 2024 10:00:00 -0500');
    assert.equal(lit.from?.helo, '[192.168.1.2]');
    assert.equal(lit.from?.rdns, 'host.example.com');
    assert.equal(lit.from?.ip, '192.0.2.7');
    assert.deepEqual(lit.unparsed, []);
    const empty = parseReceived('from host.example.com ([192.0.2.7]:1234 "EHLO " rhost-flags-OK-OK-OK-OK) by vger.kernel.org with ESMTP id S1; Mon, 1 Jan 2024 10:00:00 -0500');
    assert.equal(empty.from?.helo, undefined);
    assert.equal(empty.from?.rdns, 'host.example.com');
    assert.deepEqual(empty.unparsed, []);
  });

  test('submission flags and webmail logins set with.authenticated', () => {
    const auth = (v: string) => parseReceived(v).with?.authenticated;
    assert.equal(auth('from a ([192.0.2.1]) by b.example with ESMTPSA id 1; Mon, 1 Jan 2024 10:00:00 +0000'), true);
    assert.equal(auth('from a ([192.0.2.1]) by b.example with ESMTPA id 1; Mon, 1 Jan 2024 10:00:00 +0000'), true);
    assert.equal(auth('from a ([192.0.2.1]) by b.example with LMTPSA id 1; Mon, 1 Jan 2024 10:00:00 +0000'), true);
    assert.equal(auth('from a ([192.0.2.1]) by b.example with HTTP; Mon, 1 Jan 2024 10:00:00 +0000'), true);
    assert.equal(auth('from a ([192.0.2.1]) by b.example with ESMTPS id 1; Mon, 1 Jan 2024 10:00:00 +0000'), false);
    assert.equal(auth('from a ([192.0.2.1]) by b.example with LMTP id 1; Mon, 1 Jan 2024 10:00:00 +0000'), false);
  });

  test('over HTTP the host named after "from" stays the HELO when nothing says it is a web client', () => {
    const r = parseReceived('from sonic.gate.mail.ne1.yahoo.com by sonic308.consmr.mail.ne1.yahoo.com with HTTP; Mon, 20 Nov 2023 21:00:00 +0000');
    assert.equal(r.from?.helo, 'sonic.gate.mail.ne1.yahoo.com');
  });

  test('capitalised product words join a by host only when the host has no dot and they end the clause', () => {
    assert.equal(parseReceived('from a ([192.0.2.1]) by mailhost ESMTP id 1; Mon, 1 Jan 2024 10:00:00 +0000').by?.host, 'mailhost');
    assert.equal(parseReceived('from a ([192.0.2.1]) by mx.example.org Email with SMTP; Mon, 1 Jan 2024 10:00:00 +0000').by?.host, 'mx.example.org');
  });

  test('an internationalised host name (SMTPUTF8) is read as a host', () => {
    const r = parseReceived('from mail.bücher.example (mail.bücher.example [192.0.2.7]) by mx.example.org with UTF8SMTPS id 4Q; Mon, 1 Jan 2024 10:00:00 +0000');
    assert.equal(r.from?.helo, 'mail.bücher.example');
    assert.equal(r.from?.rdns, 'mail.bücher.example');
    assert.equal(r.from?.ip, '192.0.2.7');
    assert.deepEqual(r.unparsed, []);
  });

  test('a field that is one comment before the date keeps it as the submitter\'s note; a comment beside clauses does not', () => {
    const r = parseReceived('(eYou MTA subsystem invoked by bounce program); Mon, 27 Nov 2017 17:44:30 +0800');
    assert.equal(r.from?.comment, '(eYou MTA subsystem invoked by bounce program)');
    assert.deepEqual(r.unparsed, []);
    const s = parseReceived('(some note) by mx.example.org with SMTP id 1; Mon, 1 Jan 2024 10:00:00 +0000');
    assert.equal(s.from?.comment, undefined);
  });

  test('empty and non-string input never throws', () => {
    assert.deepEqual(parseReceived(''), { raw: '', unparsed: [] });
    assert.deepEqual(parseReceived(undefined as unknown as string), { raw: '', unparsed: [] });
  });
});

describe('hostile input', () => {
  // The tokenizer precomputes parenthesis pairs and the next ']' / '>' in single passes and every
  // loop consumes at least one character, so these return promptly; we only assert the outcome.
  const MB = 1 << 20;
  const cases: Array<[string, string]> = [
    ['1 MB of "("', '('.repeat(MB)],
    ['1 MB of "["', '['.repeat(MB)],
    ['1 MB of "<"', '<'.repeat(MB)],
    ['1 MB of ")"', ')'.repeat(MB)],
    ['"from " repeated to 1 MB', 'from '.repeat(MB / 5)],
    ['deeply nested balanced parentheses', '('.repeat(MB / 2) + ')'.repeat(MB / 2)],
    ['many short unclosed comments with brackets', 'from x ([a (b [c '.repeat(MB / 16)],
    ['weekday names everywhere', 'Mon, '.repeat(MB / 5)],
    ['quoted EHLO openers everywhere', 'from x ([192.0.2.1]:1 "EHLO '.repeat(MB / 28)],
    ['unclosed ORCPT comments', '(ORCPT <rfc822;'.repeat(MB / 15)],
    ['qmail comments with long network tails', ('(qmail 1 invoked from network[' + '1'.repeat(500) + '])').repeat(MB / 540)],
  ];
  for (const [name, value] of cases) {
    test(name, () => {
      const r = parseReceived(value);
      assert.ok(r.unparsed.length > 0, 'unparsed must report the junk');
      assert.equal(r.raw.length, value.trim().length);
      const kept = r.unparsed.reduce((n, s) => n + s.length, 0);
      assert.ok(kept > value.trim().length / 2, 'the junk text is kept');
    });
  }

  test('a valid header followed by junk is still read', () => {
    const r = parseReceived('from a.example (a.example [192.0.2.1]) by b.example with ESMTP id Z1 ' + '((((('.repeat(1000) + '; Mon, 9 Mar 2026 11:26:40 +0000');
    assert.equal(r.from?.ip, '192.0.2.1');
    assert.equal(r.id, 'Z1');
    assert.equal(r.date?.utc, '2026-03-09T11:26:40.000Z');
    assert.ok(r.unparsed.length > 0);
  });
});

describe('vendor shapes and damaged copies seen in public mail collections', () => {
  test('Barricade: "Message by Barricade HOST": the product, then the host', () => {
    const r = parseReceived('Message by Barricade gw.foobar.com  with SMTP id h4IIbmm24628 for <user@foobar.com>; Sun, 18 May 2003 21:37:48 +0300');
    assert.equal(r.from, undefined);
    assert.equal(r.by?.host, 'gw.foobar.com');
    assert.equal(r.by?.comment, 'Barricade');
    assert.equal(r.with?.protocol, 'SMTP');
    assert.equal(r.id, 'h4IIbmm24628');
    assert.deepEqual(r.for, ['user@foobar.com']);
    assert.equal(r.date?.utc, '2003-05-18T18:37:48.000Z');
    assert.deepEqual(r.unparsed, []);
    // another product word is not guessed at
    assert.deepEqual(parseReceived('Message by Shield gw.foobar.com with SMTP id h4; Sun, 18 May 2003 21:37:48 +0300').unparsed, ['Message', 'gw.foobar.com']);
  });

  test('XMail: the address inside doubled brackets "[[10.18.0.3]]"', () => {
    const r = parseReceived('from boclair.e-dunbarton.sch.uk [[10.18.0.3]] by eastdunbarton.gov.uk with XMAIL; Tue, 18 Sep 2007 11:16:58 +0100');
    assert.equal(r.from?.helo, 'boclair.e-dunbarton.sch.uk');
    assert.equal(r.from?.rdns, 'boclair.e-dunbarton.sch.uk');
    assert.equal(r.from?.ip, '10.18.0.3');
    assert.equal(r.by?.host, 'eastdunbarton.gov.uk');
    assert.equal(r.with?.protocol, 'XMAIL');
    assert.equal(r.date?.utc, '2007-09-18T10:16:58.000Z');
    assert.deepEqual(r.unparsed, []);
  });

  test('the field name written again at the start of the value is skipped', () => {
    const r = parseReceived(
      'Received from 10.137.11.157 by Caffeine/http-relay (mtl-mtsp-c02-3) with SMTP id 7be98651-3d4a-4b2b-9485-9b17445bee18 for someone@example.com; Sat, 25 Feb 2023 05:46:26 +0000 (UTC)',
    );
    assert.equal(r.from?.ip, '10.137.11.157');
    assert.equal(r.by?.host, 'Caffeine/http-relay');
    assert.equal(r.id, '7be98651-3d4a-4b2b-9485-9b17445bee18');
    assert.deepEqual(r.for, ['someone@example.com']);
    assert.deepEqual(r.unparsed, []);
    // anywhere else the word is not understood
    assert.deepEqual(parseReceived('from a.example ([192.0.2.1]) by b.example Received with SMTP; Sat, 25 Feb 2023 05:46:26 +0000').unparsed, ['Received']);
  });

  test('Exchange Online: a by name with a character replaced by "@" still names the server that wrote its address', () => {
    // phishing_pot anonymised its copies by writing "phishing@pot" over parts of names
    const r = parseReceived(
      'from AM0PR04CA0057.eurprd04.prod.outlook.com (2603:10a6:208:1::34) by LV8P223MBphishing@pot2.NAMP223.PROD.OUTLOOK.COM (2603:10b6:408:1cb::8) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7386.34; Fri, 22 Mar 2024 00:06:24 +0000',
    );
    assert.equal(r.from?.helo, 'AM0PR04CA0057.eurprd04.prod.outlook.com');
    assert.equal(r.from?.ip, '2603:10a6:208:1::34');
    assert.equal(r.by?.host, 'LV8P223MBphishing@pot2.NAMP223.PROD.OUTLOOK.COM');
    assert.equal(r.by?.ip, '2603:10b6:408:1cb::8');
    assert.equal(r.with?.protocol, 'Microsoft SMTP Server');
    assert.equal(r.id, '15.20.7386.34');
    assert.deepEqual(r.unparsed, []);
    // an address with no receiver address after it is still refused
    assert.deepEqual(parseReceived('from a.example ([192.0.2.1]) by someone@example.com (mail server) with SMTP; Fri, 22 Mar 2024 00:06:24 +0000').unparsed, ['someone@example.com']);
    // a damaged address stays unreadable: no IP is made up from it
    const ip = parseReceived(
      'from NAM02-SN1-obe.outbound.protection.outlook.com (40.107.96.phishing@pot) by BN8NAM11FT069.mail.protection.outlook.com (10.13.176.152) with Microsoft SMTP Server id 15.20.7452.25 via Frontend Transport; Mon, 1 Apr 2024 20:54:40 +0000',
    );
    assert.equal(ip.from?.ip, undefined);
    assert.deepEqual(ip.unparsed, ['(40.107.96.phishing@pot)']);
  });

  test('Alibaba Cloud: the fp token is opaque, whatever characters it holds', () => {
    const r = parseReceived('from chitu-hsf(mailfrom:exodus@cryptonewsletter.world fp:ma_2099x@y9950 cluster:dm-ay35de-a) by smtp.aliyun-inc.com(127.0.0.1); Wed, 03 Dec 2025 19:46:10 +0800');
    assert.equal(r.envelopeFrom, 'exodus@cryptonewsletter.world');
    assert.equal(r.from?.helo, 'chitu-hsf');
    assert.equal(r.by?.host, 'smtp.aliyun-inc.com');
    assert.equal(r.by?.ip, '127.0.0.1');
    assert.deepEqual(r.unparsed, []);
  });
});
