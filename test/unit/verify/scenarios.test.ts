// The verifier against every realistic scenario of test/fixtures/scenarios (real signatures and
// seals, real gateway modifications): the re-verification must reproduce the ground truth recorded
// while the message was built, with recorded DNS, offline, and on an LF-only copy.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeHeaders } from '../../../src/core/analyze';
import { verifyMessage, resolverFromSnapshot } from '../../../src/core/verify';
import type { Verification } from '../../../src/core/types';
import { SCENARIOS, buildCached, toLf } from '../../fixtures/scenarios';

async function run(bytes: Buffer, zone: unknown, mode: 'off' | 'recorded'): Promise<{ v: Verification; a: ReturnType<typeof analyzeHeaders> }> {
  const a = analyzeHeaders(bytes);
  const v = await verifyMessage(bytes, a, mode === 'off' ? {} : { dnsMode: 'recorded', resolver: resolverFromSnapshot(zone) });
  return { v, a };
}

const key = (d?: string, s?: string) => `${d ?? '?'}/${s ?? '?'}`;

describe('scenarios', () => {
  for (const scenario of SCENARIOS) {
    describe(scenario.id, () => {
      test('recorded DNS reproduces the DKIM and ARC ground truth', async () => {
        const { bytes, dnsZone, facts } = await buildCached(scenario.id);
        const { v, a } = await run(bytes, dnsZone, 'recorded');
        assert.deepEqual(
          v.dkim.map((d) => [key(d.domain, d.selector), d.status]).sort(),
          facts.dkim.map((d) => [key(d.domain, d.selector), d.expect]).sort(),
        );
        for (const d of v.dkim) assert.equal(d.bodyHashOk, d.status !== 'body-modified', key(d.domain, d.selector));
        assert.equal(v.arc?.chain, facts.arc?.chain ?? 'none');
        assert.deepEqual(
          v.arc?.instances.map((i) => [i.instance, i.sealer, i.cv]),
          (facts.arc?.sets ?? []).map((s) => [s.i, s.domain, s.cv]),
        );
        // every answer came from the zone: nothing failed
        assert.ok(!v.lookups.some((l) => l.outcome === 'error' || l.outcome === 'offline'), JSON.stringify(v.lookups));
        // SPF what-if is about the trust boundary's IPs, never another Received line's
        const ips = v.spf.map((s) => [s.role, s.ip]);
        const b = a.boundary;
        const want: string[][] = [];
        if (b.originalSenderIp) want.push(['original-sender', b.originalSenderIp]);
        if (b.connectingIp && b.connectingIp !== b.originalSenderIp) want.push(['connecting-relay', b.connectingIp]);
        assert.deepEqual(ips, want);
        assert.equal(v.dmarc?.fromDomain, facts.fromDomain);
      });

      test('offline: body verdicts hold, nothing that needs a key is called a failure', async () => {
        const { bytes, facts } = await buildCached(scenario.id);
        const { v } = await run(bytes, undefined, 'off');
        assert.deepEqual(
          v.dkim.map((d) => [key(d.domain, d.selector), d.status]).sort(),
          facts.dkim.map((d) => [key(d.domain, d.selector), d.expect === 'body-modified' ? 'body-modified' : 'not-verifiable-offline']).sort(),
        );
        if (facts.arc?.chain === 'pass') {
          assert.equal(v.arc?.chain, 'not-verifiable-offline');
          assert.ok(v.arc!.instances.every((i) => i.seal === 'not-verifiable-offline'));
        }
        assert.deepEqual(v.spf, []);
        assert.ok(v.lookups.every((l) => l.outcome === 'offline'));
      });

      test('an LF-only copy gives the same verdicts', async () => {
        const { bytes, dnsZone } = await buildCached(scenario.id);
        const crlf = (await run(bytes, dnsZone, 'recorded')).v;
        const lf = (await run(toLf(bytes), dnsZone, 'recorded')).v;
        const shape = (v: Verification) => ({
          dkim: v.dkim.map((d) => [d.status, d.bodyHashOk, d.bodyHashComputed]),
          arc: v.arc && [v.arc.chain, v.arc.instances.map((i) => [i.seal, i.ams, i.bodyHashOk])],
          spf: v.spf.map((s) => [s.ip, s.result]),
          dmarc: v.dmarc?.result,
        });
        assert.deepEqual(shape(lf), shape(crlf));
      });
    });
  }
});
