import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { looksLikeDateStart, parseMailDate, scanMailDate } from '../../../src/core/parse/date';

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

  test('no negative zero offset for -0000', () => {
    assert.ok(Object.is(parseMailDate('9 Mar 2026 11:26:40 -0000').offsetMinutes, 0));
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
  ] as const) {
    test(name, () => {
      const d = parseMailDate(text);
      assert.equal(d.utc, null);
    });
  }
});
