import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { looksLikeDateStart, parseMailDate, scanMailDate } from '../../../src/core/parse/date';
import { parseReceived } from '../../../src/core/parse/received';
import { analyzeHeaders } from '../../../src/core/analyze';

function utc(text: string): string | null {
  return parseMailDate(text).utc;
}

describe('parseMailDate: RFC 5322 and real-world variants', () => {
  const cases: Array<[string, string | null, number | null]> = [
    ['Mon, 9 Mar 2026 11:26:40 +0000', '2026-03-09T11:26:40.000Z', 0],
    ['Mon, 09 Mar 2026 11:26:40 -0800 (PST)', '2026-03-09T19:26:40.000Z', -480],
    ['Mon, 20 Nov 2023 16:48:19 -0800 (PST)', '2023-11-21T00:48:19.000Z', -480],
    // missing weekday, missing seconds
    ['9 Mar 2026 11:26:40 +0000', '2026-03-09T11:26:40.000Z', 0],
    ['Mon, 9 Mar 2026 11:26 +0100', '2026-03-09T10:26:00.000Z', 60],
    // 2-digit and 3-digit years (RFC 5322 §4.3)
    ['Mon, 9 Mar 26 11:26:40 +0000', '2026-03-09T11:26:40.000Z', 0],
    ['8 Mar 04 12:23:56 -0000', '2004-03-08T12:23:56.000Z', 0],
    ['Tue, 9 Mar 99 11:26:40 +0000', '1999-03-09T11:26:40.000Z', 0],
    ['Tue, 9 Mar 126 11:26:40 +0000', '2026-03-09T11:26:40.000Z', 0],
    // single-digit parts
    ['Mon, 9 Mar 2026 1:2:03 +0000', '2026-03-09T01:02:03.000Z', 0],
    ['Mon,  1 Mar 2004 01:09:44 -0500 (EST)', '2004-03-01T06:09:44.000Z', -300],
    // obsolete zones
    ['Mon, 9 Mar 2026 11:26:40 GMT', '2026-03-09T11:26:40.000Z', 0],
    ['Mon, 9 Mar 2026 11:26:40 UT', '2026-03-09T11:26:40.000Z', 0],
    ['Mon, 9 Mar 2026 11:26:40 UTC', '2026-03-09T11:26:40.000Z', 0],
    ['Mon, 9 Mar 2026 11:26:40 EST', '2026-03-09T16:26:40.000Z', -300],
    ['Mon, 9 Mar 2026 11:26:40 EDT', '2026-03-09T15:26:40.000Z', -240],
    ['Mon, 9 Mar 2026 11:26:40 CST', '2026-03-09T17:26:40.000Z', -360],
    ['Mon, 9 Mar 2026 11:26:40 CDT', '2026-03-09T16:26:40.000Z', -300],
    ['Mon, 9 Mar 2026 11:26:40 MST', '2026-03-09T18:26:40.000Z', -420],
    ['Mon, 9 Mar 2026 11:26:40 MDT', '2026-03-09T17:26:40.000Z', -360],
    ['Mon, 9 Mar 2026 11:26:40 PST', '2026-03-09T19:26:40.000Z', -480],
    ['Mon, 9 Mar 2026 11:26:40 PDT', '2026-03-09T18:26:40.000Z', -420],
    ['Mon, 9 Mar 2026 11:26:40 Z', '2026-03-09T11:26:40.000Z', 0],
    // military letters other than Z: unknown offset, read as UTC
    ['Mon, 9 Mar 2026 11:26:40 A', '2026-03-09T11:26:40.000Z', null],
    ['Mon, 9 Mar 2026 11:26:40 y', '2026-03-09T11:26:40.000Z', null],
    // no zone at all
    ['Mon, 9 Mar 2026 11:26:40', '2026-03-09T11:26:40.000Z', null],
    ['Mon, 9 Mar 2026 11:26:40 -0000', '2026-03-09T11:26:40.000Z', 0],
    ['Mon, 9 Mar 2026 11:26:40 +0000 (UTC)', '2026-03-09T11:26:40.000Z', 0],
    ['Thu, 6 May 2004 17:40:44-0500', '2004-05-06T22:40:44.000Z', -300],
    ['Mon, 9 Mar 2026 11:26:40 GMT+0100', '2026-03-09T10:26:40.000Z', 60],
    ['Mon, 9 Mar 2026 11:26:40 CEST', '2026-03-09T09:26:40.000Z', 120],
    // Go time.String() and SendGrid
    ['2026-03-09 11:26:40.123456789 +0000 UTC', '2026-03-09T11:26:40.123Z', 0],
    ['Mon, 09 Mar 2026 11:26:40 +0000 UTC m=+0.123', '2026-03-09T11:26:40.000Z', 0],
    ['2020-04-14 13:49:21.399005627 +0000 UTC m=+349069.470429131', '2020-04-14T13:49:21.399Z', 0],
    ['Tue, 14 Apr 2020 13:49:21.266 +0000 (UTC)', '2020-04-14T13:49:21.266Z', 0],
    // ISO 8601
    ['2026-03-09T11:26:40Z', '2026-03-09T11:26:40.000Z', 0],
    ['2026-03-09T11:26:40.5+01:00', '2026-03-09T10:26:40.500Z', 60],
    ['2026-03-09T11:26:40-0330', '2026-03-09T14:56:40.000Z', -210],
    // Exchange OriginalArrivalTime: zone only as a comment
    ['04 Jun 2026 21:49:44.8262 (UTC)', '2026-06-04T21:49:44.826Z', 0],
    // RFC 850 and asctime
    ['Monday, 09-Mar-26 11:26:40 GMT', '2026-03-09T11:26:40.000Z', 0],
    ['Sun Nov 13 14:50:12 2005', '2005-11-13T14:50:12.000Z', null],
    ['Thu Jan  1 00:00:00 UTC 1970', '1970-01-01T00:00:00.000Z', 0],
    // month names in any case, full month names
    ['mon, 9 MAR 2026 11:26:40 +0000', '2026-03-09T11:26:40.000Z', 0],
    ['Mon, 9 March 2026 11:26:40 +0000', '2026-03-09T11:26:40.000Z', 0],
    ['MONDAY, 9 march 2026 11:26:40 +0000', '2026-03-09T11:26:40.000Z', 0],
    // leap years
    ['Tue, 29 Feb 2028 00:00:00 +0000', '2028-02-29T00:00:00.000Z', 0],
    ['Tue, 29 Feb 2000 00:00:00 +0000', '2000-02-29T00:00:00.000Z', 0],
    // impossible values: utc null
    ['Mon, 31 Feb 2026 11:26:40 +0000', null, null],
    ['Tue, 29 Feb 2027 00:00:00 +0000', null, null],
    ['Mon, 29 Feb 1900 00:00:00 +0000', null, null],
    ['Mon, 9 Mar 2026 25:26:40 +0000', null, null],
    ['Mon, 9 Mar 2026 11:60:40 +0000', null, null],
    ['Mon, 9 Mar 2026 11:26:40 +2500', null, null],
    ['Mon, 0 Mar 2026 11:26:40 +0000', null, null],
    // not a date
    ['garbage', null, null],
    ['', null, null],
    ['Mon, 9 Foo 2026 11:26:40 +0000', null, null],
  ];
  for (const [text, want, offset] of cases) {
    test(JSON.stringify(text), () => {
      const d = parseMailDate(text);
      assert.equal(d.utc, want);
      assert.equal(d.offsetMinutes, offset);
      assert.equal(d.raw, text.trim());
    });
  }

  test('tabs, runs of spaces and line breaks inside the value are tolerated', () => {
    assert.equal(utc('Mon,\t9  Mar\r\n 2026   11:26:40\n\t+0100'), '2026-03-09T10:26:40.000Z');
    assert.equal(utc('  \r\n Mon, 9 Mar 2026 11:26:40 +0100 \r\n'), '2026-03-09T10:26:40.000Z');
  });

  test('raw is kept (trimmed) even when unreadable', () => {
    assert.deepEqual(parseMailDate('  Mon, 31 Feb 2026 11:26:40 +0000 '), {
      raw: 'Mon, 31 Feb 2026 11:26:40 +0000',
      utc: null,
      offsetMinutes: null,
    });
  });

  test('non-string input never throws', () => {
    assert.deepEqual(parseMailDate(undefined as unknown as string), { raw: '', utc: null, offsetMinutes: null });
  });

  test('AM/PM is looked for only right after the time', () => {
    assert.equal(utc('4/20/2018 11:01:08' + ' '.repeat(1 << 20) + 'PM'), '2018-04-20T11:01:08.000Z');
    assert.equal(utc('Fri, 20 Apr 2018 11:01:08 AMT'), '2018-04-20T11:01:08.000Z');
  });

  test('no negative zero offset for -0000', () => {
    assert.ok(Object.is(parseMailDate('9 Mar 2026 11:26:40 -0000').offsetMinutes, 0));
  });
});

describe('12-hour clocks, numeric dates and zone-less times', () => {
  // [text, utc, offsetMinutes, zoneless]
  const cases: Array<[string, string | null, number | null, boolean]> = [
    // AM/PM: 11 PM is 23:00, 12 AM midnight, 12 PM noon
    ['2018-4-20 11:01:08 PM', '2018-04-20T23:01:08.000Z', null, true],
    ['4/20/2018 11:01:08 PM -0400', '2018-04-21T03:01:08.000Z', -240, false],
    ['4/20/2018 11:01:16 PM -0400 (EDT)', '2018-04-21T03:01:16.000Z', -240, false],
    ['Fri, 20 Apr 2018 12:05:00 AM +0000', '2018-04-20T00:05:00.000Z', 0, false],
    ['Fri, 20 Apr 2018 12:05:00 PM +0000', '2018-04-20T12:05:00.000Z', 0, false],
    ['Fri, 20 Apr 2018 1:05 am +0000', '2018-04-20T01:05:00.000Z', 0, false],
    ['Fri, 20 Apr 2018 1:05 p.m. +0200', '2018-04-20T11:05:00.000Z', 120, false],
    // an hour a 12-hour clock cannot show is impossible, not 12 hours off
    ['Fri, 20 Apr 2018 13:05:00 PM +0000', null, null, false],
    ['Fri, 20 Apr 2018 0:05:00 AM +0000', null, null, false],
    // numeric dates: month first with '/' and '-', day first when the first number cannot be a month
    ['4/20/2018 23:01:06 -0400 (EDT)', '2018-04-21T03:01:06.000Z', -240, false],
    ['4-20-2018 11:01:07 PM', '2018-04-20T23:01:07.000Z', null, true],
    ['04/05/2018 10:00:00 +0000', '2018-04-05T10:00:00.000Z', 0, false],
    ['20/4/2018 10:00:00 +0000', '2018-04-20T10:00:00.000Z', 0, false],
    ['20.04.2018 10:00:00 +0200', '2018-04-20T08:00:00.000Z', 120, false],
    ['2018/04/20 10:00:00 +0000', '2018-04-20T10:00:00.000Z', 0, false],
    ['13/13/2018 10:00:00 +0000', null, null, false],
    ['4/20/18 10:00:00 +0000', null, null, false],
    // no zone stated: computed as UTC but flagged
    ['Mon, 9 Mar 2026 11:26:40', '2026-03-09T11:26:40.000Z', null, true],
    ['Sun Nov 13 14:50:12 2005', '2005-11-13T14:50:12.000Z', null, true],
    ['Mon, 9 Mar 2026 11:26:40 IST', '2026-03-09T11:26:40.000Z', null, true],
    ['2018-01-28', '2018-01-28T00:00:00.000Z', null, true],
    // stated zones are never zone-less: -0000 and military letters mean UTC (RFC 5322 §4.3)
    ['Mon, 9 Mar 2026 11:26:40 -0000', '2026-03-09T11:26:40.000Z', 0, false],
    ['Mon, 9 Mar 2026 11:26:40 A', '2026-03-09T11:26:40.000Z', null, false],
    ['04 Jun 2026 21:49:44.8262 (UTC)', '2026-06-04T21:49:44.826Z', 0, false],
  ];
  for (const [text, want, offset, zoneless] of cases) {
    test(JSON.stringify(text), () => {
      const d = parseMailDate(text);
      assert.equal(d.utc, want);
      assert.equal(d.offsetMinutes, offset);
      assert.equal(d.zoneless, zoneless ? true : undefined);
    });
  }

  test("Microsoft's Message Header Analyzer date cases: every one is the same instant, or flagged zone-less", () => {
    // the dates of MHA's Received time tests, with the instant MHA expects (it reads a date
    // without a zone as UTC, as we do, but we also say so)
    const mha: Array<[string, string, boolean]> = [
      ['Sat, 21 Apr 2018 03:01:01 +0000', '2018-04-21T03:01:01.000Z', false],
      ['Saturday, 21 Apr 2018 03:01:02 +0000', '2018-04-21T03:01:02.000Z', false],
      ['21 Apr 2018 03:01:03 +0000', '2018-04-21T03:01:03.000Z', false],
      ['Apr 21 2018 03:01:04 +0000', '2018-04-21T03:01:04.000Z', false],
      ['Apr 21 2018 3:01:05 +0000', '2018-04-21T03:01:05.000Z', false],
      ['4/20/2018 23:01:06 -0400 (EDT)', '2018-04-21T03:01:06.000Z', false],
      ['4/20/2018 11:01:16 PM -0400 (EDT)', '2018-04-21T03:01:16.000Z', false],
      ['4/20/2018 11:01:26 PM +0000', '2018-04-20T23:01:26.000Z', false],
      ['4/20/2018 11:01:36 PM', '2018-04-20T23:01:36.000Z', true],
      ['4-20-2018 11:01:07 PM', '2018-04-20T23:01:07.000Z', true],
      ['2018-4-20 11:01:08 PM', '2018-04-20T23:01:08.000Z', true],
      ['Mon, 26 Mar 2018 13:35:09 +0000 (UTC)', '2018-03-26T13:35:09.000Z', false],
      ['Mon, 26 Mar 2018 13:35:10.102 +0000 (UTC)', '2018-03-26T13:35:10.102Z', false],
      ['Mon, 26 Mar 2018 13:35:11.102 +0000 UTC', '2018-03-26T13:35:11.102Z', false],
    ];
    for (const [text, want, zoneless] of mha) {
      const r = parseReceived(`test; ${text}`);
      assert.equal(r.date?.utc, want, text);
      assert.equal(r.date?.zoneless === true, zoneless, `${text}: zoneless`);
      assert.equal(r.date?.raw, text);
    }
  });

  test('a Received date without ";" in numeric form is still found', () => {
    const r = parseReceived('from a.example ([192.0.2.1]) by b.example with SMTP id 77 4/20/2018 11:01:16 PM -0400');
    assert.equal(r.date?.utc, '2018-04-21T03:01:16.000Z');
    assert.equal(r.id, '77');
    assert.deepEqual(r.unparsed, []);
  });
});

describe('obsolete forms RFC 5322 still asks readers to accept', () => {
  test('spaces after the colons of the time (obs-hour, obs-minute, obs-second)', () => {
    // SpammerTrap's LMTP stamp as it appears in SpamAssassin's test corpus
    const d = parseMailDate('Mon, 9 Feb 2009 12: 31: 43 -0500 (EST)');
    assert.equal(d.utc, '2009-02-09T17:31:43.000Z');
    assert.equal(d.offsetMinutes, -300);
    assert.equal(d.zoneless, undefined);
    const r = parseReceived(
      'from fl.us.spammertrap.net ([127.0.0.1]) by localhost (fl.us.spammertrap.net [127.0.0.1]) (SpammerTrap(r) SME-150, port 10024) with LMTP id iKmSutt7dLyh for <jscheidell@secnap.net>; Mon, 9 Feb 2009 12: 31: 43 -0500 (EST)',
    );
    assert.equal(r.date?.utc, '2009-02-09T17:31:43.000Z');
    assert.equal(r.date?.raw, 'Mon, 9 Feb 2009 12: 31: 43 -0500 (EST)');
    assert.equal(r.with?.protocol, 'LMTP');
    assert.equal(r.id, 'iKmSutt7dLyh');
    assert.deepEqual(r.for, ['jscheidell@secnap.net']);
    assert.deepEqual(r.unparsed, []);
    // three spaces are no longer a folded time: the date ends before "12:"
    assert.equal(scanMailDate('Mon, 9 Feb 2009 12:   31 -0500').end, 'Mon, 9 Feb 2009'.length);
  });

  test('an alphabetic zone nobody knows counts as -0000: read, and the date is zone-less', () => {
    const d = parseMailDate('Tue, 29 Oct 96 12:13:12 PPE');
    assert.equal(d.utc, '1996-10-29T12:13:12.000Z');
    assert.equal(d.offsetMinutes, null);
    assert.equal(d.zoneless, true);
    const r = parseReceived('by RSA.COM id AA21317; Tue, 29 Oct 96 12:13:12 PPE');
    assert.equal(r.by?.host, 'RSA.COM');
    assert.equal(r.id, 'AA21317');
    assert.equal(r.date?.raw, 'Tue, 29 Oct 96 12:13:12 PPE');
    assert.equal(r.date?.zoneless, true);
    assert.deepEqual(r.unparsed, []);
    // only capitals as a whole word; protocol names and keywords are never taken for a zone
    assert.equal(scanMailDate('Tue, 29 Oct 96 12:13:12 Ppe').end, 'Tue, 29 Oct 96 12:13:12'.length);
    assert.equal(scanMailDate('Tue, 29 Oct 96 12:13:12 ESMTP id 1').end, 'Tue, 29 Oct 96 12:13:12'.length);
    assert.equal(scanMailDate('Tue, 29 Oct 96 12:13:12 FROM').end, 'Tue, 29 Oct 96 12:13:12'.length);
  });
});

describe('zone-less hop times in the trace', () => {
  // Obtuse smtpd writes asctime without a zone; the next hop writes +0100. Read as UTC, the
  // zone-less time is an hour after the next hop's: a false clock skew (or, the other way round,
  // a false slow hop). The time is shown, but no delay is computed next to it.
  const message = (obtuseTime: string) =>
    Buffer.from(
      [
        'Received: from st.tahina.priv.at (st.tahina.priv.at [192.0.2.40]) by mx.example.net (Postfix) with ESMTP id 4Sa5K43hJVz9sQp for <rcpt@example.net>; Sun, 13 Nov 2005 14:50:14 +0100 (CET)',
        `Received: from TCE-E-7-182-54.bta.net.cn(202.106.182.54) via SMTP by st.tahina.priv.at, id smtpdEDUB8h; ${obtuseTime}`,
        'From: <a@example.org>',
        'To: <rcpt@example.net>',
        'Subject: t',
        '',
        'body',
        '',
      ].join('\r\n'),
    );

  test('no clock skew and no slow hop next to a zone-less time; the time is still shown', () => {
    for (const t of ['Sun Nov 13 14:50:12 2005', 'Sun Nov 13 09:50:12 2005']) {
      const a = analyzeHeaders(message(t));
      assert.equal(a.hops.length, 2);
      assert.ok(a.hops[0].timestamp, 'the zone-less time is shown');
      assert.equal(a.hops[1].delayMs, null);
      assert.equal(a.hops[1].clockSkew, false);
      assert.deepEqual(
        a.findings.filter((f) => f.id === 'clock-skew' || f.id === 'slow-hop').map((f) => f.id),
        [],
        t,
      );
    }
  });

  test('with the zone written, the same times still give their delay', () => {
    const a = analyzeHeaders(message('Sun, 13 Nov 2005 14:50:12 +0100'));
    assert.equal(a.hops[1].delayMs, 2000);
  });
});

describe('scanMailDate', () => {
  test('stops after the date and its zone comment, leaving other comments to the caller', () => {
    const text = 'Sat, 16 Oct 2004 21:30:02 +0000 (UTC) (envelope-from a@b.example)';
    const r = scanMailDate(text, 0);
    assert.equal(r.matched, true);
    assert.equal(text.slice(0, r.end), 'Sat, 16 Oct 2004 21:30:02 +0000 (UTC)');
  });

  test('stops before a clause that follows the date', () => {
    const text = 'Thu, 10 Nov 2005 08:24:21 -0600 id 000000DB.43735815.00001E11';
    const r = scanMailDate(text, 0);
    assert.equal(text.slice(0, r.end), 'Thu, 10 Nov 2005 08:24:21 -0600');
    assert.equal(r.utc, '2005-11-10T14:24:21.000Z');
  });

  test('reports matched=true with utc null for impossible values', () => {
    const r = scanMailDate('31 Feb 2026 10:00:00 +0000', 0);
    assert.equal(r.matched, true);
    assert.equal(r.utc, null);
  });

  test('starts at the given offset', () => {
    const text = 'id X; 9 Mar 2026 11:26:40 +0000';
    assert.equal(scanMailDate(text, 5).utc, '2026-03-09T11:26:40.000Z');
  });
});

describe('looksLikeDateStart', () => {
  test('recognises the beginnings of dates', () => {
    assert.equal(looksLikeDateStart('4/20/2018'), true);
    assert.equal(looksLikeDateStart('Mon,'), true);
    assert.equal(looksLikeDateStart('Tuesday'), true);
    assert.equal(looksLikeDateStart('14', 'Nov'), true);
    assert.equal(looksLikeDateStart('09-Mar-26'), true);
    assert.equal(looksLikeDateStart('2020-04-14'), true);
    assert.equal(looksLikeDateStart('Nov', '13'), true);
  });
  test('rejects ordinary Received words', () => {
    for (const w of ['from', 'by', 'mx.google.com', 'ESMTPS', '14', 'Nov', '1wVFwq-0004b9-HV', 'x'.repeat(1000)]) {
      assert.equal(looksLikeDateStart(w, 'id'), false, w);
    }
  });
});

describe('hostile input', () => {
  // The scanner only moves forward and bounds every gap it skips, so 1 MB of junk is read once.
  for (const [name, text] of [
    ['1 MB of digits', '1'.repeat(1 << 20)],
    ['1 MB of "("', '('.repeat(1 << 20)],
    ['weekday then 1 MB of spaces', 'Mon, ' + ' '.repeat(1 << 20) + '9 Mar 2026 11:26:40 +0000'],
    ['repeated date fragments', '9 Mar '.repeat(1 << 17)],
    ['repeated numeric fragments', '4/20/'.repeat(1 << 17)],
  ] as const) {
    test(name, () => {
      const d = parseMailDate(text);
      assert.equal(d.utc, null);
    });
  }
});
