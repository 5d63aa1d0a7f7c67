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
