// The sending addresses a gateway vendor publishes in DNS (src/core/verify/vendor-dns.ts), looked
// up through the node:dns resolver against a real DNS server (dnsmasq) on loopback: SPF records
// expanded through include:, redirect= and a:, within SPF's budget of ten lookups; what cannot be
// listed makes the list incomplete; the fixes use the list only when it covers the gateway address
// the message was delivered from, and never look anything up for a sender's own gateway.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analyze';
import { expandPublication } from '../../../src/core/verify/vendor-dns';
import { recordingResolver } from '../../../src/core/verify';
import { generateByIds } from '../../../src/core/remedy';
import { createLiveResolver, type LiveResolver } from '../../../src/node/dns';
import { buildCached, mergeZones, type DnsZone } from '../../fixtures/scenarios';
import { MIMECAST, mimecastSpfZone } from '../../fixtures/scenarios/world';
import { startDnsServer, type DnsServer } from './dns-harness';


const txt = (record: string) => ({ TXT: [[record]] });

/** Records of every case, under names of their own so one server answers them all. */
const ZONE: DnsZone = {
  // Proofpoint Essentials names its sending hosts with a: (two US dispatch addresses)
  'dispatch-us.ppe-hosted.com': { A: ['67.231.149.25', '67.231.154.25'] },
  // an include chain with redirect= and an a: term
  'chain.example.net': txt('v=spf1 include:part1.example.net redirect=part2.example.net'),
  'part1.example.net': txt('v=spf1 ip4:198.51.100.0/24 ip6:2001:db8:10::/48 a:out.example.net -all'),
  'part2.example.net': txt('v=spf1 ip4:203.0.113.0/25 ~all'),
  'out.example.net': { A: ['192.0.2.44'] },
  // an include loop
  'loop-a.example.net': txt('v=spf1 ip4:198.51.100.7 include:loop-b.example.net ~all'),
  'loop-b.example.net': txt('v=spf1 ip4:198.51.100.8 include:loop-a.example.net ~all'),
  // terms that depend on the connecting client cannot be listed
  'dynamic.example.net': txt('v=spf1 ip4:198.51.100.0/26 exists:%{i}._spf.example.net mx ~all'),
  // a published list that claims far too much
  'wide.example.net': txt('v=spf1 ip4:0.0.0.0/1 ip4:198.51.100.0/24 ip6:2001:db8::/16 ~all'),
  // two SPF records at one name are an error for SPF itself
  'twice.example.net': { TXT: [['v=spf1 ip4:198.51.100.1 -all'], ['v=spf1 ip4:198.51.100.2 -all']] },
};
// a chain of twelve includes: more than SPF's ten lookups
for (let i = 0; i < 12; i++) ZONE[`deep${i}.example.net`] = txt(`v=spf1 ip4:198.18.${i}.0/24 include:deep${i + 1}.example.net ~all`);

let server: DnsServer | undefined;
let live: LiveResolver;

before(async () => {
  const mimecast = await buildCached('mimecast-efc-eop');
  const outbound = await buildCached('sender-outbound-gateway');
  server = await startDnsServer(mergeZones(ZONE, mimecast.dnsZone, outbound.dnsZone) as Record<string, unknown>);
  live = createLiveResolver({ server: `${server.host}:${server.port}`, timeoutMs: 1000, tries: 2 });
});

after(async () => {
  live?.cancel();
  await server?.stop();
});

describe('addresses a vendor publishes in DNS, from a real DNS server', () => {
  test('an SPF record is expanded through include:, redirect= and a:', async () => {
    const r = await expandPublication('chain.example.net', 'spf', live.resolve);
    assert.deepEqual(r.ranges, ['198.51.100.0/24', '2001:db8:10::/48', '192.0.2.44', '203.0.113.0/25']);
    assert.equal(r.complete, true);
  });

  test("Mimecast's _netblocks.mimecast.com gives every region's ranges", async () => {
    const r = await expandPublication('_netblocks.mimecast.com', 'spf', live.resolve);
    assert.deepEqual(r.ranges, ['170.10.128.0/21', '205.139.110.0/24', '207.211.30.0/24', '207.211.31.0/25', '91.220.42.0/24', '195.130.217.0/24']);
    assert.equal(r.complete, true);
  });

  test("a host name's addresses (Proofpoint Essentials' dispatch hosts)", async () => {
    const r = await expandPublication('dispatch-us.ppe-hosted.com', 'a', live.resolve);
    assert.deepEqual(r.ranges, ['67.231.149.25', '67.231.154.25']);
    assert.equal(r.complete, true);
  });

  test('an include loop ends, each record read once', async () => {
    const rec = recordingResolver(live.resolve);
    const r = await expandPublication('loop-a.example.net', 'spf', rec.resolver);
    assert.deepEqual(r.ranges, ['198.51.100.7', '198.51.100.8']);
    assert.deepEqual(
      rec.lookups.map((l) => l.name),
      ['loop-a.example.net', 'loop-b.example.net'],
    );
  });

  test('no more than ten lookups; a longer chain is marked incomplete', async () => {
    const rec = recordingResolver(live.resolve);
    const r = await expandPublication('deep0.example.net', 'spf', rec.resolver);
    assert.equal(rec.lookups.length, 10);
    assert.equal(r.ranges.length, 10);
    assert.equal(r.complete, false);
  });

  test('terms that depend on the client, too-wide blocks, two records or no record make the list incomplete', async () => {
    const dynamic = await expandPublication('dynamic.example.net', 'spf', live.resolve);
    assert.deepEqual(dynamic, { ranges: ['198.51.100.0/26'], complete: false });
    const wide = await expandPublication('wide.example.net', 'spf', live.resolve);
    assert.deepEqual(wide, { ranges: ['198.51.100.0/24'], complete: false });
    assert.deepEqual(await expandPublication('twice.example.net', 'spf', live.resolve), { ranges: [], complete: false });
    assert.deepEqual(await expandPublication('missing.example.net', 'spf', live.resolve), { ranges: [], complete: false });
    assert.deepEqual(await expandPublication('missing.example.net', 'a', live.resolve), { ranges: [], complete: false });
  });
});

describe("the recipient's gateway vendor, end to end", () => {
  test('looked up for a confirmed Mimecast gateway; the lock-down lists the ranges that cover its address', async () => {
    const built = await buildCached('mimecast-efc-eop');
    const rec = recordingResolver(live.resolve);
    const a = await analyze(built.bytes, { name: 'm.eml', dnsMode: 'live', resolver: rec.resolver, receivingDomains: [built.facts.recipientDomain] });
    const found = a.verification?.vendorRanges ?? [];
    assert.equal(found.length, 1);
    assert.equal(found[0].vendorId, 'mimecast');
    assert.equal(found[0].name, '_netblocks.mimecast.com');
    assert.deepEqual(found[0].covers, [MIMECAST.deliveryIp]);
    assert.ok(rec.lookups.some((l) => l.name === 'us._netblocks.mimecast.com' && l.type === 'TXT' && l.outcome === 'answer'));

    const [lock] = generateByIds(a, ['lockdown-connector'], {});
    const list = (lock.parameters as { senderIPAddresses: string[] }).senderIPAddresses;
    assert.ok(list.includes('207.211.31.0/25'), list.join(' '));
    assert.ok(list.includes('170.10.135.0/24'), 'a /21 is given as /24 blocks');
    assert.match(lock.text, /published in DNS at _netblocks\.mimecast\.com \(Implementing SPF for Outbound Email Delivery\)/);
    assert.match(lock.text, /https:\/\/community\.mimecast\.com\/docs\/DOC-2010/);
  });

  test("not used when they do not cover the address the gateway delivered from", async () => {
    const built = await buildCached('mimecast-efc-eop');
    const other = await startDnsServer({ ...built.dnsZone, '_netblocks.mimecast.com': txt('v=spf1 ip4:91.220.42.0/24 ~all') } as Record<string, unknown>);
    const r = createLiveResolver({ server: `${other.host}:${other.port}`, timeoutMs: 1000, tries: 2 });
    try {
      const a = await analyze(built.bytes, { name: 'm.eml', dnsMode: 'live', resolver: r.resolve, receivingDomains: [built.facts.recipientDomain] });
      assert.deepEqual(a.verification?.vendorRanges?.[0].covers, []);
      const [lock] = generateByIds(a, ['lockdown-connector'], {});
      const list = (lock.parameters as { senderIPAddresses: string[] }).senderIPAddresses;
      assert.ok(!list.includes('91.220.42.0/24'), list.join(' '));
      assert.ok(lock.caveats.some((c) => /do not include 207\.211\.31\.120, the address it delivered this message from/.test(c)), lock.caveats.join('\n'));
    } finally {
      r.cancel();
      await other.stop();
    }
  });

  test('without DNS the fix says where the addresses are published and how to list them', async () => {
    const built = await buildCached('mimecast-efc-eop');
    const a = await analyze(built.bytes, { name: 'm.eml', dnsMode: 'off', receivingDomains: [built.facts.recipientDomain] });
    assert.equal(a.verification?.vendorRanges, undefined);
    const [lock] = generateByIds(a, ['lockdown-connector'], {});
    assert.ok(lock.caveats.some((c) => c.includes("Resolve-DnsName -Name '_netblocks.mimecast.com' -Type TXT")), lock.caveats.join('\n'));
    assert.deepEqual((lock.parameters as { senderIPAddresses: string[] }).senderIPAddresses, [MIMECAST.deliveryIp]);
  });

  test('looked up but not found: the fix says so and how to list them, and lists only the gateway address', async () => {
    const built = await buildCached('mimecast-efc-eop');
    const zone = { ...built.dnsZone } as Record<string, unknown>;
    for (const k of Object.keys(zone)) if (k.endsWith('_netblocks.mimecast.com')) delete zone[k];
    const bare = await startDnsServer(zone);
    const r = createLiveResolver({ server: `${bare.host}:${bare.port}`, timeoutMs: 1000, tries: 2 });
    try {
      const a = await analyze(built.bytes, { name: 'm.eml', dnsMode: 'live', resolver: r.resolve, receivingDomains: [built.facts.recipientDomain] });
      assert.deepEqual(a.verification?.vendorRanges?.map((d) => [d.name, d.ranges.length, d.complete]), [['_netblocks.mimecast.com', 0, false]]);
      const [lock] = generateByIds(a, ['lockdown-connector'], {});
      assert.deepEqual((lock.parameters as { senderIPAddresses: string[] }).senderIPAddresses, [MIMECAST.deliveryIp]);
      assert.ok(lock.caveats.some((c) => c.includes('no usable list was found there for this analysis')), lock.caveats.join('\n'));
      assert.ok(!lock.caveats.some((c) => c.includes('With DNS lookups allowed')), 'DNS was allowed: the offline wording does not apply');
    } finally {
      r.cancel();
      await bare.stop();
    }
  });

  test("a sender's own outbound gateway is never looked up", async () => {
    const built = await buildCached('sender-outbound-gateway');
    const rec = recordingResolver(live.resolve);
    const a = await analyze(built.bytes, { name: 's.eml', dnsMode: 'live', resolver: rec.resolver, receivingDomains: [built.facts.recipientDomain] });
    assert.equal(a.verification?.vendorRanges, undefined);
    // (the sender's own SPF record includes Mimecast's US record: that lookup is the SPF check's)
    assert.ok(!rec.lookups.some((l) => l.name === '_netblocks.mimecast.com'), rec.lookups.map((l) => l.name).join(' '));
  });
});
