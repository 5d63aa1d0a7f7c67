// The addresses read from Return-Path, Sender and list headers: the same answer as the plain
// pattern /<?([^<>\s@]{1,256})@([A-Za-z0-9.-]{1,253})>?/ on every input, without trying that
// pattern from every position of a long value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addressDomain, addressLocal } from '../../../src/core/facts/segments';
import { normalizeHost } from '../../../src/core/net/kb';

const ref = (text: string) => {
  const d = /<?([^<>\s@]{1,256})@([A-Za-z0-9.-]{1,253})>?/.exec(text);
  const l = /<?([^<>\s@]{1,256})@/.exec(text);
  return { domain: d ? normalizeHost(d[2]) : undefined, local: l ? l[1] : undefined };
};

test('real header values', () => {
  for (const v of ['<bounce-mc.us5_1234.567-jane=contoso.com@mail164.sea41.mcsv.net>', 'Jordan Alvarez <j.alvarez@northwindtraders.com>', '<>', 'owner-linux-hyperv@vger.kernel.org', 'no address here', '"a b"@x', ' @x a@ b@c']) {
    assert.deepEqual({ domain: addressDomain(v), local: addressLocal(v) }, ref(v), v);
  }
});

test('random values over the characters that matter, including runs longer than 256', () => {
  const piece = fc.oneof(fc.constantFrom('@', '<', '>', ' ', '\t', '.', '-', 'a', 'Z', '9', '_', '+', '"'), fc.integer({ min: 250, max: 300 }).map((n) => 'x'.repeat(n)));
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
      const v = parts.join('');
      assert.deepEqual({ domain: addressDomain(v), local: addressLocal(v) }, ref(v));
    }),
    { numRuns: 3000 },
  );
});
