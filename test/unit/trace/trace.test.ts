import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeHeaders } from '../../../src/core/analyze';
import type { Analysis } from '../../../src/core/types';
import { SCENARIOS, toLf, type BuildResult } from '../../fixtures/scenarios';

/**
 * The trace against the ground truth each scenario records while it builds the message: the
 * route, the role of every hop, the trust boundary, the relays and the original sender.
 */
describe('trace on realistic end-to-end messages', () => {
  const built = new Map<string, BuildResult>();
  before(async () => {
    for (const s of SCENARIOS) built.set(s.id, await s.build());
  });

  for (const scenario of SCENARIOS) {
    describe(scenario.id, () => {
      let a: Analysis;
      let facts: BuildResult['facts'];
      before(() => {
        const b = built.get(scenario.id)!;
        facts = b.facts;
        a = analyzeHeaders(b.bytes, { name: scenario.id });
      });

      test('every Received field becomes a hop, oldest first, with its time', () => {
        assert.equal(a.hops.length, facts.hops.length);
        facts.hops.forEach((h, i) => {
          assert.equal(a.hops[i].by.host, h.byHost, `hop ${i} by`);
          assert.equal(a.hops[i].from.ip, h.fromIp, `hop ${i} from ip`);
          assert.equal(a.hops[i].timestamp, h.timestamp, `hop ${i} time`);
        });
      });

      test('roles of every hop', () => {
        assert.deepEqual(a.hops.map((h) => h.role), facts.expectedRoles);
      });

      test('receiver, entry hop and connecting IP', () => {
        assert.equal(a.boundary.receiver, facts.receiver);
        assert.equal(a.boundary.entryHopIndex, facts.entryHopIndex);
        assert.equal(a.boundary.connectingIp, facts.connectingIp);
      });

      test('relays in front of the receiver and the original sender', () => {
        assert.deepEqual(a.boundary.relayIps, facts.relayIps);
        assert.equal(a.boundary.originalSenderIp, facts.originalSenderIp);
        assert.equal(a.boundary.originalSenderHopIndex, facts.originalSenderHopIndex);
      });

      test('gateway vendor (never from a HELO alone)', () => {
        const strong = a.vendors.filter((v) => v.confidence === 'strong').map((v) => v.id);
        if (facts.gatewayVendor && facts.gatewayVendor !== 'exchange-onprem') assert.ok(strong.includes(facts.gatewayVendor), `vendors: ${strong}`);
        else assert.deepEqual(strong, []);
      });

      test('authentication results: verdicts, claims and forgeries', () => {
        for (const f of facts.authResultsFields) {
          const stamp = a.stamps.find((s) => s.fieldIndex === f.fieldIndex);
          assert.ok(stamp, `stamp for field ${f.fieldIndex} ${f.header}`);
          assert.equal(stamp.trust, f.trust, `${f.header} by ${f.authservId} at field ${f.fieldIndex}`);
        }
      });

      test('delays and clock skew', () => {
        const skew = a.hops.filter((h) => h.clockSkew).map((h) => h.index);
        assert.deepEqual(skew, facts.skewHopIndex !== undefined ? [facts.skewHopIndex] : []);
        for (const h of a.hops) if (h.delayMs !== null && !h.clockSkew) assert.ok(h.delayMs >= 0);
      });

      test('LF-only copy gives the same route', () => {
        const lf = analyzeHeaders(toLf(built.get(scenario.id)!.bytes));
        assert.deepEqual(lf.hops.map((h) => [h.role, h.from.ip, h.lines.startLine]), a.hops.map((h) => [h.role, h.from.ip, h.lines.startLine]));
        assert.deepEqual(lf.boundary.relayIps, a.boundary.relayIps);
      });
    });
  }
});

describe('trusted relays extend the walk', () => {
  test('a configured relay in front of the receiver becomes a gateway hop', async () => {
    const b = await SCENARIOS.find((s) => s.id === 'direct-to-eop')!.build();
    const plain = analyzeHeaders(b.bytes);
    assert.deepEqual(plain.boundary.relayIps, []);
    const ip = plain.boundary.connectingIp!;
    const withRelay = analyzeHeaders(b.bytes, { trustedRelays: [`${ip}/32`] });
    assert.deepEqual(withRelay.boundary.relayIps, [ip]);
    assert.equal(withRelay.hops[withRelay.boundary.entryHopIndex! - 1].role, 'gateway');
    assert.notEqual(withRelay.boundary.originalSenderIp, ip);
  });
});
