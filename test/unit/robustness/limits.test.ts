import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, analyzeHeaders, isMessage } from '../../../src/core/analyze';
import { scenarioById, hostileInputs } from '../../fixtures/scenarios';

describe('limits give clear messages and lose nothing', () => {
  test('above the maximum message size only the headers are analysed, with a visible note', async () => {
    const b = await scenarioById('proofpoint-banner-eop').build();
    const a = await analyze(b.bytes, { dnsMode: 'off', maxMessageBytes: 1024 });
    assert.equal(a.input.headersOnly, true);
    assert.ok(a.problems.some((p) => p.code === 'message-too-large' && /only its headers were analysed/.test(p.message)));
    assert.equal(a.hops.length, b.facts.hops.length, 'the whole route is still there');
  });

  test('a maximum header count bounds the split and says so', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `X-Filler-${i}: v`).join('\r\n');
    const a = analyzeHeaders(Buffer.from(`From: a@fabrikam.com\r\n${lines}\r\n\r\nbody\r\n`), { maxHeaderFields: 100 });
    assert.equal(a.headers.length, 100);
    assert.ok(a.problems.some((p) => p.code === 'too-many-fields'));
  });

  test('a maximum hop count keeps the newest hops and says how many there were', async () => {
    const b = await scenarioById('proofpoint-banner-eop').build();
    const a = analyzeHeaders(b.bytes, { maxHops: 3 });
    assert.equal(a.hops.length, 3);
    assert.equal(a.hops[2].by.host, b.facts.hops[b.facts.hops.length - 1].byHost, 'the newest hop is kept');
    assert.ok(a.problems.some((p) => p.code === 'too-many-hops' && /has 7 Received fields/.test(p.message)));
  });

  test('files that are not messages get one clear error and no analysis', () => {
    for (const h of hostileInputs().filter((x) => !x.expect.isMessage)) {
      const a = analyzeHeaders(h.bytes);
      assert.equal(isMessage(a), false, h.id);
      const errors = a.problems.filter((p) => p.severity === 'error');
      assert.ok(errors.length >= 1 && errors[0].message.length > 10, h.id);
    }
  });

  test('the input bytes are never modified', async () => {
    for (const id of ['proofpoint-banner-eop', 'barracuda-gmail']) {
      const b = await scenarioById(id).build();
      const copy = Buffer.from(b.bytes);
      await analyze(b.bytes, { dnsMode: 'off' });
      assert.ok(copy.equals(b.bytes), id);
    }
  });
});

describe('the line count of a large body is read only when asked', () => {
  test('input.lineCount of a message with a big body counts every line, CRLF and LF, and survives JSON', async () => {
    const b = await scenarioById('proofpoint-banner-eop').build();
    // a 2 MiB body of base64-like 76-character lines after the real message
    const line = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0';
    const extra = Array.from({ length: 27000 }, () => line).join('\r\n');
    const crlf = Buffer.concat([b.bytes, Buffer.from(`${extra}\r\n`)]);
    const lf = Buffer.from(crlf.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    for (const bytes of [crlf, lf]) {
      const text = bytes.toString('latin1');
      const expected = text.split(/\r\n|\r|\n/).length;
      const a = analyzeHeaders(bytes);
      assert.equal(a.input.lineCount, expected);
      assert.equal(JSON.parse(JSON.stringify(a)).input.lineCount, expected);
      const full = await analyze(bytes, { dnsMode: 'off' });
      assert.equal(JSON.parse(JSON.stringify(full)).input.lineCount, expected);
      full.input.lineCount = 7;
      assert.equal(full.input.lineCount, 7, 'the count can still be set');
    }
  });
});
