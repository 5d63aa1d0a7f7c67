/**
 * The facts step against the trust-model ground truth every scenario records while it builds the
 * message (facts.trust): who received it, whose hops are whose, which hosts are relays of the
 * recipient and how strongly the recipient's side vouches for them, the Enhanced Filtering state
 * and the one verdict class. Read twice: without DNS, and with the scenario's recorded DNS (which
 * may only add what DNS can show, the recipient domain's MX).
 *
 * Plus the promises the trust model makes whatever the route: a consumer mailbox gets no gateway
 * or connector advice and no remedies; a phish's address never lands in a remedy; a result is
 * called forged only when its named writer cannot have written it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analyze';
import { resolverFromSnapshot } from '../../../src/core/verify';
import { CONSUMER_TENANT_ID } from '../../../src/core/facts';
import type { Analysis } from '../../../src/core/types';
import { SCENARIOS, buildCached, type BuildResult } from '../../fixtures/scenarios';

type Mode = 'off' | 'recorded';

async function run(r: BuildResult, mode: Mode): Promise<Analysis> {
  return mode === 'off' ? analyze(r.bytes, { dnsMode: 'off' }) : analyze(r.bytes, { dnsMode: 'recorded', resolver: resolverFromSnapshot(r.dnsZone) });
}

/** Findings that are about a gateway or a connector of the recipient: meaningless for a consumer mailbox. */
const GATEWAY_FINDINGS = [
  'direct-to-tenant',
  'spf-evaluated-on-relay',
  'efc-not-enabled',
  'efc-active',
  'efc-recipient-not-in-scope',
  'efc-unsupported-routing',
  'efc-private-hop',
  'arc-trusted-sealer-candidate',
  'gmail-inbound-gateway-missing',
  'ip-allow-list-bypass',
  'scl-bypass-rule',
  'relay-device-spf',
  'dmarc-fail-after-relay',
];

/** Every remedy as text: its script, its parameters, its checks. */
function remedyText(a: Analysis): string {
  return a.remedies.map((m) => [m.text, JSON.stringify(m.parameters), ...m.preChecks, ...m.rollback, ...m.verify, ...m.caveats].join('\n')).join('\n');
}

describe('facts against the trust ground truth of every scenario', () => {
  for (const sc of SCENARIOS) {
    for (const mode of ['off', 'recorded'] as const) {
      test(`${sc.id} (DNS ${mode})`, async () => {
        const r = await buildCached(sc.id);
        const truth = r.facts.trust;
        assert.ok(truth, `${sc.id} records no trust ground truth`);
        const a = await run(r, mode);
        const f = a.facts;

        // the receiver and where it took the message
        assert.equal(f.receiver.kind, r.facts.receiver);
        assert.equal(f.receiver.consumer, truth.consumer, f.receiver.consumerReason ?? 'not a consumer mailbox');
        if (r.facts.receiver === 'exchange-online') assert.ok(f.receiver.tenantId, 'the receiving tenant');
        if (truth.consumer && r.facts.receiver === 'exchange-online') assert.equal(f.receiver.tenantId, CONSUMER_TENANT_ID);
        assert.equal(f.entry.hopIndex, r.facts.entryHopIndex, 'entry hop');
        assert.equal(f.entry.connectingIp, r.facts.connectingIp, 'connecting address');
        assert.ok(f.entry.anchored, `the receiver's own records name the entry: ${f.entry.problem ?? ''}`);
        assert.equal(f.originalSender?.ip ?? null, r.facts.originalSenderIp, 'original sender');

        // who is who
        assert.equal(!!f.senderTenant, truth.senderTenant, 'another Microsoft 365 tenant sent it');
        assert.deepEqual(
          f.intermediaries.map((x) => x.kind),
          truth.intermediary ? [truth.intermediary] : [],
          'intermediaries',
        );
        assert.equal(!!f.nonLinear, !!r.facts.nonlinear, 'non-linear routing');
        const roles = a.hops.map((h) => (h.segment !== undefined ? f.segments[h.segment]?.role : undefined));
        assert.deepEqual(roles, truth.segmentRoles, 'segment role of every hop, oldest first');
        for (const s of f.segments) {
          assert.equal(s.trust, s.role === 'recipient' ? 'receiver' : s.role === 'recipient-gateway' ? 'relay' : 'claimed', `trust of the ${s.role} segment ${s.name}`);
        }

        // relays of the recipient, with the strength of what vouches for them
        assert.deepEqual(
          f.relays.map((x) => ({ ip: x.ip, strength: x.strength })),
          truth.relays[mode],
          `relays: ${f.relays.map((x) => `${x.ip} ${x.evidence.map((e) => e.kind).join('+')}`).join('; ')}`,
        );
        for (const x of f.relays) {
          assert.equal(x.strength === 'strong', x.evidence.some((e) => e.strength === 'strong'), `strength of ${x.ip} follows its evidence`);
          assert.ok(x.evidence.length > 0);
        }
        // a relay's evidence is never a HELO: a host named only by its HELO says so
        for (const x of f.relays) if (x.hostIsHelo) assert.ok(!x.evidence.some((e) => e.kind === 'receiver-ptr'), `${x.ip}: a recorded name would not be a HELO`);

        // Enhanced Filtering and the verdict
        assert.equal(f.efc.state, truth.efcState, f.efc.why);
        assert.equal(f.verdict.class, truth.verdictClass[mode], f.verdict.summary);

        // consumer mailboxes: no gateway, no connectors, nothing to change in a tenant
        if (truth.consumer) {
          assert.deepEqual(f.relays, []);
          const ids = a.findings.map((x) => x.id);
          for (const g of GATEWAY_FINDINGS) assert.ok(!ids.includes(g), `consumer mailbox: ${g}`);
          assert.deepEqual(a.remedies, [], 'no remedies for a consumer mailbox');
          assert.ok(a.findings.every((x) => x.remedies.length === 0), 'no finding asks for a remedy');
        }

        // the address a phish connected from never becomes a relay nor lands in a remedy
        if (r.facts.causes?.includes('spoof')) {
          const ip = r.facts.connectingIp;
          assert.ok(!f.relays.some((x) => x.ip === ip));
          assert.ok(!a.boundary.relayIps.includes(ip));
          assert.ok(!remedyText(a).includes(ip), `${ip} appears in a remedy`);
        }

        // another tenant's outbound address is never something to skip or allow
        if (truth.senderTenant) {
          const ip = a.hops[f.senderTenant!.hopIndex].from.ip!;
          assert.ok(!f.relays.some((x) => x.ip === ip));
          assert.ok(!a.remedies.some((m) => JSON.stringify(m.parameters.efSkipIPs ?? []).includes(ip)), `${ip} in EFSkipIPs`);
        }

        // forged means: the named writer cannot have written it here; only what the sender planted
        const planted = new Set(r.facts.authResultsFields.filter((x) => !x.genuine).map((x) => x.fieldIndex));
        for (const s of a.stamps.filter((x) => x.trust === 'forged')) {
          if (s.kind === 'arc-authentication-results' || s.kind === 'arc-seal' || s.kind === 'arc-message-signature') {
            assert.ok(r.facts.arc?.planted?.includes(s.instance ?? -1), `ARC i=${s.instance} by ${s.writer} called forged`);
          } else {
            assert.ok(planted.has(s.fieldIndex), `${s.kind} by ${s.writer} at field ${s.fieldIndex} called forged`);
          }
        }
        for (const x of a.findings.filter((y) => y.id === 'forged-auth-results')) {
          const named = x.evidence.filter((e) => /authentication-results/i.test(e.header));
          assert.ok(named.length > 0 && named.every((e) => planted.has(e.fieldIndex)), `forged-auth-results on a genuine field: ${x.message}`);
        }
      });
    }
  }
});

describe('trust-model specifics', () => {
  test("tenant-to-tenant: the sender tenant's Microsoft stamps are claims, not verdicts and not forgeries", async () => {
    const r = await buildCached('tenant-to-tenant');
    const a = await run(r, 'off');
    const E = a.facts.entry.hopIndex!;
    const aar = a.stamps.filter((s) => s.kind === 'arc-authentication-results' && s.writer === 'mx.microsoft.com');
    assert.equal(aar.length, 2, "the sender's i=1 and the receiver's i=2");
    const below = aar.filter((s) => s.fieldIndex > a.hops[E].fieldIndex);
    assert.deepEqual(below.map((s) => [s.instance, s.trust]), [[1, 'claim']]);
    const above = aar.filter((s) => s.fieldIndex < a.hops[E].fieldIndex);
    assert.deepEqual(above.map((s) => [s.instance, s.trust]), [[2, 'verdict']]);
    assert.equal(a.facts.senderTenant?.hopIndex, E);
    assert.equal(a.facts.senderTenant?.tenantId !== null && a.facts.senderTenant?.tenantId !== a.facts.receiver.tenantId, true, 'the sender tenant is named');
  });

  test('tenant-to-tenant without the sender tenant\'s mailbox lines: its stamps are still claims', async () => {
    // 304 of 1,314 real tenant-to-tenant messages keep no Received line of the sender tenant
    const r = await buildCached('tenant-to-tenant');
    const text = r.bytes.toString('latin1');
    const lines = text.split('\r\n');
    const out: string[] = [];
    let skip = false;
    for (const l of lines) {
      if (/^Received: from MN0PR17MB7380\./.test(l)) {
        skip = true;
        continue;
      }
      if (skip && /^[ \t]/.test(l)) continue;
      skip = false;
      out.push(l);
    }
    const stripped = Buffer.from(out.join('\r\n'), 'latin1');
    assert.equal((stripped.toString('latin1').match(/^Received:/gm) ?? []).length, (text.match(/^Received:/gm) ?? []).length - 2);
    const a = await analyze(stripped, { dnsMode: 'off' });
    assert.ok(a.facts.senderTenant, 'the entry is Microsoft 365 outbound');
    const ms = a.stamps.filter((s) => s.writer === 'mx.microsoft.com' || s.kind === 'authentication-results-original');
    assert.ok(ms.length >= 2);
    assert.deepEqual(a.stamps.filter((s) => s.trust === 'forged'), [], 'nothing is a forgery');
    assert.ok(!a.findings.some((x) => x.id === 'forged-auth-results'));
  });

  test('tenant-via-recipient-gateway: the gateway is the recipient\'s, the host behind it another tenant', async () => {
    const r = await buildCached('tenant-via-recipient-gateway');
    const a = await run(r, 'recorded');
    const pp = a.facts.relays[0];
    assert.ok(pp.evidence.some((e) => e.kind === 'mx'), 'contoso.com MX names Proofpoint');
    assert.equal(a.facts.senderTenant?.hopIndex, r.facts.originalSenderHopIndex);
    const xms = a.stamps.find((s) => s.kind === 'x-ms-exchange-authentication-results');
    assert.equal(xms?.trust, 'claim', "the sender tenant's renamed results");
  });

  test("sender-outbound-gateway: the receiver names Mimecast, and Mimecast is still the sender's", async () => {
    const r = await buildCached('sender-outbound-gateway');
    for (const mode of ['off', 'recorded'] as const) {
      const a = await run(r, mode);
      const E = a.facts.entry.hopIndex!;
      assert.deepEqual(a.facts.relays, []);
      assert.equal(a.hops[E].vendor, undefined, 'no "HELO names a vendor nothing confirms" label');
      assert.ok(a.facts.reasoning.some((x) => /sender's outbound gateway/.test(x)), a.facts.reasoning.join('\n'));
      const seg = a.facts.segments[a.hops[E - 1].segment!];
      assert.equal(seg.role, 'sender');
      assert.equal(seg.kind, 'vendor');
      assert.ok(!a.findings.some((x) => x.id === 'direct-to-tenant'));
    }
  });

  test('consumer-phish-forged-google: Google wrote nothing on the route, so its name below the entry is a forgery', async () => {
    const r = await buildCached('consumer-phish-forged-google');
    const a = await run(r, 'off');
    const g = a.stamps.filter((s) => s.writer === 'mx.google.com');
    assert.deepEqual(g.map((s) => [s.kind, s.trust]), [['authentication-results-original', 'forged']]);
  });

  test("gmail-forward-eop: Gmail handled the message, so its stamps are a forwarder's claims", async () => {
    const r = await buildCached('gmail-forward-eop');
    const a = await run(r, 'off');
    const E = a.facts.entry.hopIndex!;
    const google = a.stamps.filter((s) => s.writer === 'mx.google.com' || s.writer === 'google.com');
    assert.ok(google.length >= 4);
    for (const s of google) assert.equal(s.trust, 'claim', `${s.kind} i=${s.instance ?? '-'}`);
    assert.ok(google.every((s) => s.fieldIndex > a.hops[E].fieldIndex));
    assert.equal(a.facts.intermediaries[0].name, 'Gmail forwarding');
  });

  test('mailing-list-gmail: the list that re-sent the message is what Gmail authenticated', async () => {
    const r = await buildCached('mailing-list-gmail');
    const a = await run(r, 'off');
    assert.equal(a.facts.verdict.class, 'broken-in-transit');
    assert.equal(a.facts.verdict.breakHopIndex, a.facts.intermediaries[0].hopIndex);
    assert.match(a.facts.verdict.brokenBy ?? '', /supply-chain@lists\.adventure-works\.com/);
  });

  test('nonlinear-hybrid: the first pass through the tenant is the recipient\'s own segment', async () => {
    const r = await buildCached('nonlinear-hybrid');
    const a = await run(r, 'off');
    const nl = a.facts.nonLinear!;
    const first = a.facts.segments[a.hops[nl.firstEntryHopIndex].segment!];
    assert.equal(first.role, 'recipient');
    assert.equal(first.trust, 'receiver');
    assert.ok(first.lastHop < nl.leftHopIndex);
    assert.notEqual(a.hops[nl.firstEntryHopIndex].segment, a.hops[nl.backHopIndex].segment, 'two passes, two segments');
  });
});
