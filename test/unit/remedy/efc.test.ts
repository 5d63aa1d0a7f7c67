import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Remedy } from '../../../src/core/types';
import { generateByIds, type RemedyOptions } from '../../../src/core/remedy';
import { boundary, cloudflareToEop, hop, mimecastEfcActive, proofpointOnPremToEop, proofpointToEop, analysis, PROOFPOINT, microsoft } from './analysis-builder';
import { lineProblem, paramLiterals } from './ps-shape';

const EFC = ['efc-verify', 'efc-skip-last-ip', 'efc-skip-ips', 'efc-pilot-users'];

function efc(a = proofpointToEop(), options: RemedyOptions = {}): Record<string, Remedy> {
  const out: Record<string, Remedy> = {};
  for (const r of generateByIds(a, EFC, options)) out[r.id] = r;
  return out;
}

function command(r: Remedy): string {
  const lines = r.text.split('\n').filter((l) => l && !l.startsWith('#'));
  assert.equal(lines.length, 1, r.text);
  return lines[0];
}

describe('EFSkipLastIP vs EFSkipIPs', () => {
  test('one public relay hop (Proofpoint, loopback filter hop behind it): EFSkipLastIP is the recommended fit', () => {
    const r = efc(proofpointToEop(), { connectorName: 'From Proofpoint' });
    assert.equal(command(r['efc-skip-last-ip']), "Set-InboundConnector -Identity 'From Proofpoint' -EFSkipLastIP $true");
    assert.equal(r['efc-skip-last-ip'].recommended, true);
    assert.match(r['efc-skip-last-ip'].why!, /^-EFSkipLastIP \$true fits: exactly one public relay hop \(148\.163\.138\.245/);
    assert.equal(r['efc-skip-ips'].recommended, false);
    assert.equal(command(r['efc-skip-ips']), "Set-InboundConnector -Identity 'From Proofpoint' -EFSkipLastIP $false -EFSkipIPs '148.163.138.245'");
    assert.equal(r['efc-verify'], undefined);
  });

  test('the loopback filter hop is left out with the reason (EFC skips it; NAT advice)', () => {
    const r = efc();
    const o = r['efc-skip-ips'].omitted.find((x) => x.value === '127.0.0.1');
    assert.ok(o);
    assert.match(o.reason, /detects and skips loopback \(127\.0\.0\.0\/8\) and RFC 1918 private addresses by itself/);
    assert.match(o.reason, /NAT/);
  });

  test('two public relay hops (gateway, then on-premises): EFSkipIPs with both is recommended, EFSkipLastIP is not', () => {
    const r = efc(proofpointOnPremToEop());
    assert.equal(r['efc-skip-ips'].recommended, true);
    assert.match(r['efc-skip-ips'].why!, /^EFSkipIPs fits: 2 public relay hops/);
    assert.deepEqual(paramLiterals(command(r['efc-skip-ips'])).EFSkipIPs, ['148.163.135.20', '198.51.100.20']);
    assert.equal(r['efc-skip-last-ip'].recommended, false);
    assert.match(r['efc-skip-last-ip'].why!, /skips only the last one \(198\.51\.100\.20\); Exchange Online would take 148\.163\.135\.20 for the sender/);
  });

  test('pre-checks, rollback and the verify lines name the original sender', () => {
    const r = efc(proofpointToEop(), { connectorName: 'From Proofpoint' })['efc-skip-last-ip'];
    assert.equal(r.preChecks[0], 'Get-InboundConnector | Format-List Name,ConnectorType,Enabled,SenderIPAddresses,EFSkipLastIP,EFSkipIPs,EFUsers');
    assert.ok(r.preChecks.includes('Get-TransportRule | Where-Object { $_.SetSCL -eq -1 } | Format-Table Name,State,Priority,SetSCL'));
    assert.ok(r.preChecks.includes('Get-HostedConnectionFilterPolicy -Identity Default | Format-List IPAllowList'));
    assert.deepEqual(r.rollback, ["Set-InboundConnector -Identity 'From Proofpoint' -EFSkipLastIP $false -EFSkipIPs $null"]);
    assert.ok(r.verify.some((v) => v.includes('X-MS-Exchange-SkipListedInternetSender') && v.includes('X-MS-Exchange-ExternalOriginalInternetSender') && v.includes('ip=[203.0.113.77]')));
    for (const l of [...r.text.split('\n'), ...r.preChecks, ...r.rollback]) assert.equal(lineProblem(l), undefined, l);
  });

  test('without a connector name the placeholder is quoted and flagged', () => {
    const r = efc()['efc-skip-last-ip'];
    assert.equal(command(r), "Set-InboundConnector -Identity '<your inbound connector>' -EFSkipLastIP $true");
    assert.equal(r.parameters.connectorPlaceholder, true);
    assert.match(r.caveats[0], /Replace <your inbound connector>/);
  });
});

describe('EFSkipIPs entries', () => {
  test('accepts the three forms from the user, canonicalised, after the message relays', () => {
    const r = efc(proofpointToEop(), { efSkipIps: ['148.163.130.10', '198.51.100.1-198.51.100.31', '203.0.113.0/25', ' 2001:DB8:0:0::1 '] })['efc-skip-ips'];
    assert.deepEqual(paramLiterals(command(r)).EFSkipIPs, ['148.163.138.245', '148.163.130.10', '198.51.100.1-198.51.100.31', '203.0.113.0/25', '2001:db8::1']);
  });

  test('IPv6 is kept with the PowerShell-only note', () => {
    const r = efc(proofpointToEop(), { efSkipIps: ['2001:db8::25'] })['efc-skip-ips'];
    assert.ok(r.caveats.some((c) => /IPv6 entries can be set only in PowerShell/.test(c)));
    assert.ok(r.text.includes('# IPv6 entries can be set only in PowerShell'));
  });

  test('private, loopback, Microsoft 365 and invalid entries go to omitted with reasons', () => {
    const r = efc(proofpointToEop(), { efSkipIps: ['10.1.2.3', '192.168.0.0/16', '40.107.22.5', '52.100.0.0/16', 'mx.example', '300.1.1.1', '10.0.0.0-11.0.0.0'] })['efc-skip-ips'];
    const reason = (v: string) => r.omitted.find((o) => o.value === v)?.reason ?? '';
    assert.match(reason('10.1.2.3'), /private \(RFC 1918\)/);
    assert.match(reason('192.168.0.0/16'), /non-public/);
    assert.match(reason('40.107.22.5'), /entering Microsoft 365 IP addresses in Enhanced Filtering is not supported/);
    assert.match(reason('40.107.22.5'), /40\.107\.0\.0\/16/);
    assert.match(reason('52.100.0.0/16'), /entering Microsoft 365 IP addresses in Enhanced Filtering is not supported/);
    assert.match(reason('mx.example'), /not an IP address/);
    assert.match(reason('300.1.1.1'), /not an IP address/);
    assert.match(reason('10.0.0.0-11.0.0.0'), /non-public/);
    assert.deepEqual(paramLiterals(command(r)).EFSkipIPs, ['148.163.138.245']);
  });

  test('a link-local relay address is called link-local in the reasons, never RFC 1918', () => {
    // an on-premises Exchange hop recorded by its link-local address, and one typed by the user
    const a = proofpointOnPremToEop();
    a.hops[1].from.ip = 'fe80::1c2d:3e4f:5a6b:7c8d';
    a.boundary.relayIps = ['fe80::1c2d:3e4f:5a6b:7c8d', '198.51.100.20'];
    const r = efc(a, { efSkipIps: ['fe80::1'] });
    const reasons = [...r['efc-skip-last-ip'].omitted, ...r['efc-skip-ips'].omitted].filter((o) => o.value.startsWith('fe80::'));
    assert.equal(reasons.length, 3);
    for (const o of reasons) {
      // Microsoft documents automatic skipping for loopback and RFC 1918 only: nothing more is claimed
      assert.match(o.reason, /^link-local address: Microsoft documents automatic skipping only for loopback \(127\.0\.0\.0\/8\) and RFC 1918 private addresses/);
      assert.match(o.reason, /is not documented/);
      assert.doesNotMatch(o.reason, /skips these by itself/);
    }
    const priv = efc(proofpointToEop(), { efSkipIps: ['10.1.2.3', '127.0.0.1'] })['efc-skip-ips'].omitted;
    assert.match(priv.find((o) => o.value === '127.0.0.1')?.reason ?? '', /^loopback address: /);
  });

  test('a relay inside Microsoft 365 ranges (non-linear route): no Enhanced Filtering script at all', () => {
    const a = proofpointOnPremToEop();
    assert.ok(efc(a)['efc-skip-ips'], 'the linear route gets one');
    a.boundary.relayIps = ['40.107.5.9', '198.51.100.20'];
    a.hops[1].from.ip = '40.107.5.9';
    const r = efc(a);
    // Enhanced Filtering is not supported when the message passed Microsoft 365 before the relay:
    // offering a script that would not work (and re-scans returning mail) is worse than none
    assert.equal(r['efc-skip-ips'], undefined);
    assert.equal(r['efc-skip-last-ip'], undefined);
  });

  test('adjacent addresses are merged only when mergeRanges is true', () => {
    const list = ['198.51.100.4', '198.51.100.5', '198.51.100.6', '198.51.100.7'];
    const plain = efc(proofpointToEop(), { efSkipIps: list })['efc-skip-ips'];
    assert.deepEqual(paramLiterals(command(plain)).EFSkipIPs, ['148.163.138.245', ...list]);
    const merged = efc(proofpointToEop(), { efSkipIps: list, mergeRanges: true })['efc-skip-ips'];
    assert.deepEqual(paramLiterals(command(merged)).EFSkipIPs, ['148.163.138.245', '198.51.100.4/30']);
    assert.equal(merged.parameters.merged, true);
  });

  test('an address inside a listed range is dropped as covered, duplicates silently', () => {
    const r = efc(proofpointToEop(), { efSkipIps: ['148.163.138.0/24', '148.163.138.0/24'] })['efc-skip-ips'];
    assert.deepEqual(paramLiterals(command(r)).EFSkipIPs, ['148.163.138.0/24']);
    assert.ok(r.omitted.some((o) => o.value === '148.163.138.245' && /covered by 148\.163\.138\.0\/24/.test(o.reason)));
  });

  test('the ranges Cloudflare publishes are used for a confirmed Cloudflare gateway, each commented, the page cited', () => {
    const r = efc(cloudflareToEop())['efc-skip-ips'];
    const ips = paramLiterals(command(r)).EFSkipIPs;
    // the message's relay sits inside the published 104.30.32.0/19 and is covered by it
    assert.ok(ips.includes('104.30.32.0/19'));
    assert.ok(!ips.includes('104.30.40.17'));
    assert.ok(r.omitted.some((o) => o.value === '104.30.40.17' && /covered by 104\.30\.32\.0\/19/.test(o.reason)));
    // IPv6 is not listed for EFSkipIPs? It is: EFSkipIPs accepts IPv6 (PowerShell only)
    assert.ok(ips.includes('2405:8100:c400::/38'));
    assert.ok(r.text.includes('# 104.30.32.0/19: published range, Cloudflare Email Security (formerly Area 1), published list Egress IPs (2026-04-17)'));
    assert.ok(r.text.includes('#   Egress IPs (Cloudflare Email Security documentation, 2026-04-17): https://developers.cloudflare.com/cloudflare-one/email-security/setup/pre-delivery-deployment/egress-ips/'));
    // with useVendorRanges false, only the message's address
    const off = efc(cloudflareToEop(), { useVendorRanges: false })['efc-skip-ips'];
    assert.deepEqual(paramLiterals(command(off)).EFSkipIPs, ['104.30.40.17']);
  });

  test('a published range whose page is not in the source list never reaches a script', () => {
    const kb = {
      vendorPublishedRanges: (id: string) => (id === 'proofpoint' ? [{ range: '148.163.128.0/19', source: 'an uncited list', asOf: '2026-01-01', url: 'https://example.invalid/ranges' }] : []),
    };
    const a = proofpointToEop();
    const r = efc(a, { kb });
    assert.equal(r['efc-skip-ips'], undefined);
    assert.ok(a.problems.some((p) => /not in the source list/.test(p.message)));
  });

  test('without published ranges, the fix says so and names the observed range it did not use', () => {
    const r = efc(proofpointToEop())['efc-skip-ips'];
    assert.ok(r.caveats.some((c) => /^No published list of Proofpoint \(PPS \/ Enterprise, hosted\)'s delivery addresses is recorded here/.test(c)));
    assert.ok(r.omitted.some((o) => o.value === '148.163.0.0/16' && /only seen in real messages, not published by the vendor; not used/.test(o.reason)));
  });

  test('10,000 addresses are de-duplicated and capped with a note', () => {
    const many: string[] = [];
    for (let i = 0; i < 10000; i++) many.push(`198.51.${100 + (i >> 8) % 3}.${i & 255}`);
    const r = efc(proofpointToEop(), { efSkipIps: many })['efc-skip-ips'];
    const ips = paramLiterals(command(r)).EFSkipIPs;
    assert.equal(ips.length, 200);
    assert.equal(new Set(ips).size, 200);
    assert.ok(r.omitted.some((o) => /capped at 200/.test(o.reason)));
    const merged = efc(proofpointToEop(), { efSkipIps: many, mergeRanges: true })['efc-skip-ips'];
    assert.deepEqual(paramLiterals(command(merged)).EFSkipIPs, ['148.163.138.245', '198.51.100.0-198.51.102.255']);
  });
});

describe('EFUsers pilot', () => {
  test('uses the message recipients, validated, with the documented caveats', () => {
    const a = proofpointToEop({
      summary: { to: [], cc: [], recipients: ['alice@contoso.com', 'ALICE@contoso.com', 'bob@contoso.com', 'bad address@contoso.com', 'x@y'], fromDomain: 'fabrikam.example' },
    });
    const r = efc(a, { connectorName: 'From Proofpoint' })['efc-pilot-users'];
    assert.equal(command(r), "Set-InboundConnector -Identity 'From Proofpoint' -EFSkipLastIP $true -EFUsers 'alice@contoso.com','bob@contoso.com'");
    assert.equal(r.recommended, false);
    assert.ok(r.omitted.some((o) => o.value === 'bad address@contoso.com'));
    assert.ok(r.omitted.some((o) => o.value === 'x@y'));
    assert.ok(r.caveats.some((c) => /every recipient of a message is listed/.test(c)));
    assert.ok(r.caveats.some((c) => /proxy address/.test(c)));
    assert.ok(r.caveats.some((c) => /targetAddress/.test(c)));
    assert.deepEqual(r.rollback, ["Set-InboundConnector -Identity 'From Proofpoint' -EFSkipLastIP $false -EFSkipIPs $null -EFUsers $null"]);
  });

  test('with several relay hops the pilot uses EFSkipIPs', () => {
    const r = efc(proofpointOnPremToEop())['efc-pilot-users'];
    assert.equal(command(r), "Set-InboundConnector -Identity '<your inbound connector>' -EFSkipLastIP $false -EFSkipIPs '148.163.135.20','198.51.100.20' -EFUsers 'alice@contoso.com'");
  });

  test('receivingDomains keep external recipients out', () => {
    const a = proofpointToEop({ summary: { to: [], cc: [], recipients: ['alice@contoso.com', 'list@lists.example'], fromDomain: 'fabrikam.example' } });
    const r = efc(a, { receivingDomains: ['contoso.com'] })['efc-pilot-users'];
    assert.deepEqual(paramLiterals(command(r)).EFUsers, ['alice@contoso.com']);
    assert.ok(r.omitted.some((o) => o.value === 'list@lists.example' && /receiving domains/.test(o.reason)));
  });

  test('no valid recipient: no pilot', () => {
    const a = proofpointToEop({ summary: { to: [], cc: [], recipients: ['nobody'], fromDomain: 'fabrikam.example' } });
    assert.equal(efc(a)['efc-pilot-users'], undefined);
  });
});

describe('Enhanced Filtering state read from the message', () => {
  test('already working (ExternalOriginalInternetSender): verify only, no change scripts', () => {
    const r = efc(mimecastEfcActive());
    assert.deepEqual(Object.keys(r), ['efc-verify']);
    assert.equal(r['efc-verify'].recommended, false);
    assert.match(r['efc-verify'].why!, /^Nothing to change: Exchange Online recovered the original sender 203\.0\.113\.77/);
    assert.equal(command(r['efc-verify']), 'Get-InboundConnector | Format-List Name,ConnectorType,Enabled,SenderIPAddresses,EFSkipLastIP,EFSkipIPs,EFUsers');
  });

  test('skip-listed but the recipient out of scope: the pilot adds the recipients (@{Add=…}) and is recommended', () => {
    const r = efc(mimecastEfcActive({ cip: '207.211.31.120', skipListed: '203.0.113.77' }), { connectorName: 'Mimecast' });
    assert.deepEqual(Object.keys(r), ['efc-pilot-users']);
    const p = r['efc-pilot-users'];
    assert.equal(command(p), "Set-InboundConnector -Identity 'Mimecast' -EFUsers @{Add='alice@contoso.com'}");
    assert.deepEqual(p.rollback, ["Set-InboundConnector -Identity 'Mimecast' -EFUsers @{Remove='alice@contoso.com'}"]);
    assert.equal(p.recommended, true);
  });

  test('skip-listing stopped at a relay: EFSkipIPs is recommended and says why', () => {
    const a = proofpointOnPremToEop({ microsoft: microsoft({ cip: '198.51.100.20', skipListed: '148.163.135.20', externalOriginal: '148.163.135.20' }) });
    const r = efc(a);
    assert.equal(r['efc-verify'], undefined);
    assert.equal(r['efc-skip-ips'].recommended, true);
    assert.match(r['efc-skip-ips'].why!, /stopped at the relay 148\.163\.135\.20/);
  });

  test('Gmail receiver or no relay: no EFC remedy', () => {
    const gm = proofpointToEop();
    gm.boundary.receiver = 'gmail';
    assert.deepEqual(efc(gm), {});
    const direct = analysis({
      hops: [hop(0, { from: { ip: '192.0.2.66' }, by: { host: 'x.mail.protection.outlook.com' }, role: 'receiver-edge', byOperator: 'microsoft365' })],
      boundary: boundary({ entryHopIndex: 0, connectingIp: '192.0.2.66', originalSenderIp: '192.0.2.66', originalSenderHopIndex: 0 }),
      vendors: [PROOFPOINT],
    });
    assert.deepEqual(efc(direct), {});
  });
});
