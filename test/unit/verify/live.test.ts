// Live DNS: the node:dns resolver of src/node/dns.ts against a real DNS server (dnsmasq) on
// loopback serving the same records as the recorded snapshot. The verdicts must be identical to
// recorded mode, and every lookup must be recorded.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeHeaders } from '../../../src/core/analyze';
import { verifyMessage, resolverFromSnapshot, recordingResolver, parseDnsSnapshot, formatDnsSnapshot } from '../../../src/core/verify';
import type { Verification } from '../../../src/core/types';
import { createLiveResolver, type LiveResolver } from '../../../src/node/dns';
import * as b from './build';
import { startDnsServer, type DnsServer } from './dns-harness';


let server: DnsServer | undefined;
let live: LiveResolver;
let zone: b.Zone;
const messages: Record<string, Buffer> = {};

before(async () => {
  const key = b.makeKey(b.SENDER.domain, 'nwt2025');
  const ppKey = b.makeKey('pphosted.com', 'arcselector');
  const gone = b.makeKey(b.SENDER.domain, 'retired2023');
  zone = {
    ...b.senderZone(key),
    [ppKey.dnsName]: { TXT: [ppKey.txt] },
    'bounces.esp-mailer.net': { TXT: [['v=spf1 ip4:203.0.113.0/24 ~all']] },
  };
  const signed = b.route(await b.sign(b.originalMessage(), key));
  messages.pass = signed;
  messages.headerModified = Buffer.from(signed.toString('latin1').replace('Subject: PO', 'Subject: [EXTERNAL] PO'), 'latin1');
  messages.bodyModified = b.withBody(signed, 'CAUTION: External sender.\r\n\r\n' + b.split(signed).body.toString());
  messages.keyMissing = b.route(await b.sign(b.originalMessage(), gone));
  // Proofpoint seals what it received (ARC i=1) before Exchange Online takes it
  let m = await b.sign(b.originalMessage(), key);
  m = b.prepend(m, b.submissionReceived(new Date(b.SIGN_TIME.getTime() - 1000)));
  m = b.prepend(m, b.gatewayReceived(new Date(b.SIGN_TIME.getTime() + 4000)));
  m = await b.seal(m, ppKey, 'ppops.net; dkim=pass header.d=northwindtraders.com header.s=nwt2025; spf=pass smtp.mailfrom=j.alvarez@northwindtraders.com', 'none', new Date(b.SIGN_TIME.getTime() + 5000));
  messages.arc = b.prepend(m, 'Return-Path: <j.alvarez@northwindtraders.com>', b.eopInternalReceived(new Date(b.EDGE_TIME.getTime() + 1000)), b.eopReceived(b.EDGE_TIME));
  messages.esp = Buffer.from(signed.toString('latin1').replace('Return-Path: <j.alvarez@northwindtraders.com>', 'Return-Path: <bounce-88@bounces.esp-mailer.net>'), 'latin1');

  server = await startDnsServer(zone);
  live = createLiveResolver({ server: `${server.host}:${server.port}`, timeoutMs: 1000, tries: 2 });
});

after(async () => {
  live?.cancel();
  await server?.stop();
});

/** What must be the same whichever way the DNS answers arrive. */
function verdicts(v: Verification) {
  return {
    dkim: v.dkim.map((d) => [d.fieldIndex, d.domain, d.status, d.bodyHashOk, d.aligned]),
    arc: v.arc ? [v.arc.chain, v.arc.instances.map((i) => [i.instance, i.seal, i.ams, i.bodyHashOk])] : null,
    spf: v.spf.map((s) => [s.role, s.ip, s.result]),
    dmarc: v.dmarc ? [v.dmarc.result, v.dmarc.policy, v.dmarc.alignment] : null,
  };
}

describe('live DNS against dnsmasq on loopback', () => {
  test('gives the same verdicts as the recorded snapshot, and records every lookup', async () => {
    assert.equal(live.server, `127.0.0.1:${server!.port}`);
    for (const [name, bytes] of Object.entries(messages)) {
      const a = analyzeHeaders(bytes);
      const rec = await verifyMessage(bytes, a, { dnsMode: 'recorded', resolver: resolverFromSnapshot(zone) });
      const lv = await verifyMessage(bytes, a, { dnsMode: 'live', resolver: live.resolve });
      assert.equal(lv.dnsMode, 'live');
      assert.deepEqual(verdicts(lv), verdicts(rec), name);
      assert.deepEqual(
        lv.lookups.map((l) => `${l.type} ${l.name} ${l.outcome}`),
        rec.lookups.map((l) => `${l.type} ${l.name} ${l.outcome}`),
        name,
      );
      assert.ok(lv.lookups.length > 0, name);
      assert.ok(!lv.lookups.some((l) => l.outcome === 'error' || l.outcome === 'offline'), `${name}: ${JSON.stringify(lv.lookups)}`);
    }
  });

  test('the verdicts are the expected ones', async () => {
    const run = async (m: Buffer) => verifyMessage(m, analyzeHeaders(m), { dnsMode: 'live', resolver: live.resolve });
    const pass = await run(messages.pass);
    assert.equal(pass.dkim[0].status, 'pass');
    assert.deepEqual(pass.spf.map((s) => s.result), ['pass', 'fail']);
    assert.equal(pass.dmarc?.result, 'pass');
    assert.equal(pass.dmarc?.policy, 'reject');
    assert.ok(pass.lookups.some((l) => l.name === 'nwt2025._domainkey.northwindtraders.com' && l.outcome === 'answer'));
    assert.ok(pass.lookups.some((l) => l.name === '_dmarc.com' && l.outcome === 'nxdomain'));

    assert.equal((await run(messages.headerModified)).dkim[0].status, 'header-modified');
    assert.equal((await run(messages.bodyModified)).dkim[0].status, 'body-modified');
    const km = await run(messages.keyMissing);
    assert.equal(km.dkim[0].status, 'key-missing');
    assert.ok(km.lookups.some((l) => l.name === 'retired2023._domainkey.northwindtraders.com' && l.outcome === 'nxdomain'));
    const arc = await run(messages.arc);
    assert.equal(arc.arc?.chain, 'pass');
    assert.deepEqual(arc.arc?.instances.map((i) => [i.sealer, i.seal, i.ams, i.bodyHashOk]), [['pphosted.com', 'pass', 'pass', true]]);
    const esp = await run(messages.esp);
    assert.deepEqual(esp.spf.map((s) => s.result), ['pass', 'softfail']);
  });

  test('a snapshot recorded from live DNS replays to the same verdicts', async () => {
    const rec = recordingResolver(live.resolve);
    const a = analyzeHeaders(messages.arc);
    const first = await verifyMessage(messages.arc, a, { dnsMode: 'live', resolver: rec.resolver });
    const { snapshot, problems } = parseDnsSnapshot(formatDnsSnapshot(rec.snapshot()));
    assert.deepEqual(problems, []);
    const replay = await verifyMessage(messages.arc, a, { dnsMode: 'recorded', resolver: resolverFromSnapshot(snapshot) });
    assert.deepEqual(verdicts(replay), verdicts(first));
  });
});
