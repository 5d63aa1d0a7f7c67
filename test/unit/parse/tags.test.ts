import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseArcMessageSignatureTags,
  parseArcSealTags,
  parseDkimSignature,
  parseTagList,
} from '../../../src/core/parse/tags';

const LINES = { startLine: 10, endLine: 16 };

// Shape of a Proofpoint-signed DKIM-Signature (hpe.com, selector pps0720): spaces around ':' in h=,
// b= folded over several lines.
const PPS_DKIM =
  'v=1; a=rsa-sha256; c=relaxed/relaxed; d=hpe.com; h=resent-from :\r\n' +
  ' resent-date : resent-message-id : resent-to : from : to : cc : subject :\r\n' +
  ' date : message-id : content-transfer-encoding : content-type :\r\n' +
  ' mime-version; s=pps0720; bh=q8QhXGTfWElVKM98+dODFF6vgoKg7xIj/f6m9TTGGAg=;\r\n' +
  ' b=frPs4Y+dbYFLrUGaiJiOjFAuwMXp3ts8jRzIBxnaEeTw7udOJ0kbSOU1TYudsrG4farj\r\n' +
  ' vw03aHRko903vx/Ddvx4i4b1vLUMapRsfMFHbptOx61Sq5+mj0QxdSPztt8BAUfe8qTZ\r\n' +
  ' XikRBps5Exp82rJOG5D1qYb8NWNPjQomp6WMxR2dCLW86aBUKl+jO9GwTcxerc8sDeKn nw== ';

describe('parseTagList', () => {
  test('splits, trims FWS, removes whitespace inside b= and bh=', () => {
    const t = parseTagList(PPS_DKIM);
    assert.deepEqual(t.problems, []);
    assert.equal(t.tags['v'], '1');
    assert.equal(t.tags['d'], 'hpe.com');
    assert.equal(t.tags['bh'], 'q8QhXGTfWElVKM98+dODFF6vgoKg7xIj/f6m9TTGGAg=');
    assert.equal(
      t.tags['b'],
      'frPs4Y+dbYFLrUGaiJiOjFAuwMXp3ts8jRzIBxnaEeTw7udOJ0kbSOU1TYudsrG4farjvw03aHRko903vx/Ddvx4i4b1vLUMapRsfMFHbptOx61Sq5+mj0QxdSPztt8BAUfe8qTZXikRBps5Exp82rJOG5D1qYb8NWNPjQomp6WMxR2dCLW86aBUKl+jO9GwTcxerc8sDeKnnw==',
    );
    assert.deepEqual(
      t.order.map((o) => o.name),
      ['v', 'a', 'c', 'd', 'h', 's', 'bh', 'b'],
    );
  });

  test('duplicate tags: problem, first value kept, order keeps both', () => {
    const t = parseTagList('v=1; d=example.com; s=sel; d=attacker.example; bh=AAAA; b=BBBB');
    assert.equal(t.tags['d'], 'example.com');
    assert.deepEqual(
      t.order.filter((o) => o.name === 'd').map((o) => o.value),
      ['example.com', 'attacker.example'],
    );
    assert.equal(t.problems.length, 1);
    assert.match(t.problems[0], /duplicate tag "d"/);
  });

  test('tag names are case-sensitive (D= is not d=)', () => {
    const t = parseTagList('D=example.com; d=example.org');
    assert.equal(t.tags['d'], 'example.org');
    assert.equal(t.tags['D'], 'example.com');
    assert.deepEqual(t.problems, []);
  });

  test('malformed entries, bad names and empty entries are problems', () => {
    const t = parseTagList(';v=1; garbage ; 1x=2; =3;; s=ok;');
    assert.equal(t.tags['v'], '1');
    assert.equal(t.tags['s'], 'ok');
    assert.equal(Object.keys(t.tags).length, 2);
    assert.ok(t.problems.some((p) => p.includes('"garbage"') && p.includes('no "="')));
    assert.ok(t.problems.some((p) => p.includes('malformed tag name "1x"')));
    assert.ok(t.problems.some((p) => p.includes('malformed tag name ""')));
    assert.equal(t.problems.filter((p) => p.startsWith('empty entry')).length, 2);
  });

  test('a single trailing ";" and trailing whitespace are fine', () => {
    assert.deepEqual(parseTagList('i=1; a=rsa-sha256; cv=none;').problems, []);
    assert.deepEqual(parseTagList('i=1; a=rsa-sha256; cv=none; \r\n ').problems, []);
  });

  test('empty value is kept', () => {
    const t = parseTagList('v=1; z=; d=example.com');
    assert.equal(t.tags['z'], '');
  });

  test('hostile: 1 MB of ";" and a 1 MB folded b=', () => {
    const t = parseTagList(';'.repeat(1_000_000));
    assert.deepEqual(t.tags, {});
    assert.ok(t.problems.length <= 51);
    assert.match(t.problems[t.problems.length - 1], /more problems/);
    const big = parseTagList('b=' + 'QUJD\r\n '.repeat(150_000));
    assert.equal(big.tags['b'].length, 600_000);
    assert.equal(parseTagList(undefined as unknown as string).order.length, 0);
  });
});

describe('parseDkimSignature', () => {
  test('Proofpoint-signed signature', () => {
    const s = parseDkimSignature(PPS_DKIM, 3, LINES);
    assert.equal(s.fieldIndex, 3);
    assert.deepEqual(s.lines, LINES);
    assert.equal(s.domain, 'hpe.com');
    assert.equal(s.selector, 'pps0720');
    assert.equal(s.algorithm, 'rsa-sha256');
    assert.equal(s.canonicalization, 'relaxed/relaxed');
    assert.deepEqual(s.signedHeaders, [
      'resent-from',
      'resent-date',
      'resent-message-id',
      'resent-to',
      'from',
      'to',
      'cc',
      'subject',
      'date',
      'message-id',
      'content-transfer-encoding',
      'content-type',
      'mime-version',
    ]);
    assert.equal(s.bodyHash, 'q8QhXGTfWElVKM98+dODFF6vgoKg7xIj/f6m9TTGGAg=');
    assert.equal(s.bodyLength, undefined);
    assert.equal(s.signedAt, undefined);
    assert.deepEqual(s.tags.problems, []);
  });

  test('Gmail signature: t=/x=, i=, l=, mixed-case h=', () => {
    const s = parseDkimSignature(
      'v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n        d=gmail.com; s=20230601; t=1700527699; x=1701132499; i=@gmail.com; l=1234;\r\n        h=To:Subject:Message-ID:Date:From:MIME-Version:from:to:cc:subject\r\n         :date:message-id:reply-to;\r\n        bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n        b=EOkHN4OYabc/def+ghi=',
      0,
      LINES,
    );
    assert.equal(s.signedAt, '2023-11-21T00:48:19.000Z');
    assert.equal(s.expiresAt, new Date(1701132499 * 1000).toISOString());
    assert.equal(s.identity, '@gmail.com');
    assert.equal(s.bodyLength, 1234);
    assert.deepEqual(s.signedHeaders, [
      'to',
      'subject',
      'message-id',
      'date',
      'from',
      'mime-version',
      'from',
      'to',
      'cc',
      'subject',
      'date',
      'message-id',
      'reply-to',
    ]);
  });

  test('c= defaults: absent -> simple/simple, lone algorithm -> X/simple', () => {
    assert.equal(parseDkimSignature('v=1; a=rsa-sha256; d=a.com; s=s; h=from; bh=x; b=y', 0, LINES).canonicalization, 'simple/simple');
    assert.equal(
      parseDkimSignature('v=1; a=rsa-sha256; c=relaxed; d=a.com; s=s; h=from; bh=x; b=y', 0, LINES).canonicalization,
      'relaxed/simple',
    );
    assert.equal(
      parseDkimSignature('v=1; a=rsa-sha256; c=Relaxed/Simple; d=a.com; s=s; h=from; bh=x; b=y', 0, LINES).canonicalization,
      'relaxed/simple',
    );
  });

  test('unusable l=, t=, x= and missing required tags are problems, not values', () => {
    const s = parseDkimSignature('v=1; a=rsa-sha256; l=12ab; t=yesterday; x=-5; h=from', 1, LINES);
    assert.equal(s.bodyLength, undefined);
    assert.equal(s.signedAt, undefined);
    assert.equal(s.expiresAt, undefined);
    for (const needle of ['l= is not', 't= is not', 'x= is not', 'missing d=', 'missing s=', 'missing bh=', 'missing b=']) {
      assert.ok(
        s.tags.problems.some((p) => p.includes(needle)),
        `expected a problem containing ${needle}`,
      );
    }
  });

  test('hostile h= with thousands of names and a 1 MB value', () => {
    const s = parseDkimSignature('d=a.com; s=x; bh=y; b=z; h=' + 'from:'.repeat(200_000), 0, LINES);
    assert.equal(s.signedHeaders.length, 200_000);
    const t = parseDkimSignature('d=' + 'a'.repeat(1_000_000), 0, LINES);
    assert.equal(t.domain?.length, 1_000_000);
  });
});

describe('ARC tag parsers', () => {
  test('EOP ARC-Seal', () => {
    const a = parseArcSealTags(
      'i=1; a=rsa-sha256; s=arcselector10001; d=microsoft.com; cv=none;\r\n b=Zmlyc3QgbGluZQ==\r\n Cm1vcmU=',
    );
    assert.equal(a.instance, 1);
    assert.equal(a.domain, 'microsoft.com');
    assert.equal(a.selector, 'arcselector10001');
    assert.equal(a.cv, 'none');
    assert.equal(a.tags.tags['b'], 'Zmlyc3QgbGluZQ==Cm1vcmU=');
    assert.deepEqual(a.tags.problems, []);
  });

  test('Gmail ARC-Seal i=2 cv=pass', () => {
    const a = parseArcSealTags('i=2; a=rsa-sha256; t=1700527699; cv=Pass;\r\n        d=google.com; s=arc-20160816;\r\n        b=AbCd+/==');
    assert.equal(a.instance, 2);
    assert.equal(a.cv, 'pass');
    assert.equal(a.selector, 'arc-20160816');
    assert.equal(a.bodyHash, undefined);
  });

  test('Hornetsecurity ARC-Message-Signature (i= in the middle, h= ending with ":")', () => {
    const m = parseArcMessageSignatureTags(
      'a=rsa-sha256;\n bh=EI3VncdrDlFCBHgHP23iIzteEuQaU2FWB5CYdMi6Jhs=; c=relaxed/relaxed;\n d=hornetsecurity.com; h=from:to:date:subject:mime-version:; i=1; s=hse1;\n t=1762775414;\n b=n3vS9j0d6qqW4ST1442ZlT/T3unrCLYWHlm36vverlcvxW5delBHcKAhaweK3vMnI29HwBIg\n Bnv2b5jVrjGNHS3gqouIw1',
    );
    assert.equal(m.instance, 1);
    assert.equal(m.domain, 'hornetsecurity.com');
    assert.equal(m.selector, 'hse1');
    assert.equal(m.bodyHash, 'EI3VncdrDlFCBHgHP23iIzteEuQaU2FWB5CYdMi6Jhs=');
    assert.equal(m.cv, undefined);
    assert.equal(m.tags.tags['t'], '1762775414');
    assert.deepEqual(m.tags.problems, []);
  });

  test('missing or non-numeric i= and missing cv= are problems', () => {
    const a = parseArcSealTags('a=rsa-sha256; d=example.net; s=arc');
    assert.equal(a.instance, undefined);
    assert.ok(a.tags.problems.some((p) => p.includes('missing i=')));
    assert.ok(a.tags.problems.some((p) => p.includes('missing cv=')));
    const b = parseArcMessageSignatureTags('i=one; d=example.net');
    assert.equal(b.instance, undefined);
    assert.ok(b.tags.problems.some((p) => p.includes('i= is not an instance number')));
  });
});
