import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Remedy } from '../../../src/core/types';
import { generateByIds, type RemedyOptions } from '../../../src/core/remedy';
import { mimecastEfcActive, phishDirect, proofpointOnPremToEop, proofpointToEop } from './analysis-builder';
import { ipParamProblem, lineProblem, paramLiterals } from './ps-shape';

function lockdown(a = proofpointToEop(), options: RemedyOptions = {}): Record<string, Remedy> {
  const out: Record<string, Remedy> = {};
  for (const r of generateByIds(a, ['lockdown-connector', 'lockdown-certificate'], options)) out[r.id] = r;
  return out;
}

const cmd = (r: Remedy) => r.text.split('\n').filter((l) => l && !l.startsWith('#'))[0];

describe('lock-down connector by IP', () => {
  test('Partner connector for all sender domains, TLS required, restricted to the gateway that connected', () => {
    const r = lockdown(proofpointToEop(), { newConnectorName: 'Only via Proofpoint' })['lockdown-connector'];
    assert.equal(
      cmd(r),
      "New-InboundConnector -Name 'Only via Proofpoint' -ConnectorType Partner -SenderDomains '*' -RequireTls $true -RestrictDomainsToIPAddresses $true -SenderIPAddresses '148.163.138.245'",
    );
    for (const l of [...r.text.split('\n'), ...r.preChecks, ...r.rollback]) {
      assert.equal(lineProblem(l), undefined, l);
      assert.equal(ipParamProblem(l), undefined, l);
    }
    assert.ok(r.caveats.some((c) => /EVERY address the gateway delivers from/.test(c)));
  });

  test('only the relay that connects to Microsoft 365 is listed; the earlier relay is omitted with a reason', () => {
    const r = lockdown(proofpointOnPremToEop())['lockdown-connector'];
    assert.deepEqual(paramLiterals(cmd(r)).SenderIPAddresses, ['198.51.100.20']);
    assert.ok(r.omitted.some((o) => o.value === '148.163.135.20' && /does not connect to Microsoft 365/.test(o.reason)));
  });

  test('IPv4 single or /24–/32 only: IPv6, wider CIDRs and a-b ranges are omitted with reasons', () => {
    const r = lockdown(proofpointToEop(), { gatewayIps: ['2001:db8::5', '148.163.128.0/19', '148.163.140.0/24', '198.51.100.1-198.51.100.9', '148.163.141.7/32'] })['lockdown-connector'];
    assert.deepEqual(paramLiterals(cmd(r)).SenderIPAddresses, ['148.163.138.245', '148.163.140.0/24', '148.163.141.7/32']);
    const reason = (v: string) => r.omitted.find((o) => o.value === v)?.reason ?? '';
    assert.match(reason('2001:db8::5'), /IPv4 only/);
    assert.match(reason('148.163.128.0/19'), /\/24 to \/32 only/);
    assert.match(reason('198.51.100.1-198.51.100.9'), /a-b ranges/);
  });

  test('verify: a direct SMTP test to the tenant MX must be refused for each recipient (5.7.51); no unsourced waiting time', () => {
    const r = lockdown()['lockdown-connector'];
    assert.match(r.verify[0], /NOT the gateway.*contoso-com\.mail\.protection\.outlook\.com on port 25.*each recipient must be refused \(Exchange Online answers 550 5\.7\.51 TenantInboundAttribution\)/);
    assert.ok(!r.verify.some((v) => /\d+ minutes/.test(v)), 'no source gives a propagation time');
    const withMx = lockdown(proofpointToEop(), { mxHost: 'contoso-com.l-v1.mx.microsoft' })['lockdown-connector'];
    assert.ok(withMx.verify.some((v) => v.includes('contoso-com.l-v1.mx.microsoft')));
    assert.ok(!withMx.verify.some((v) => /usual naming/.test(v)));
  });

  test('names the documented side effects: hybrid on-premises mail (5.7.51), MTA-STS mx lines, direct senders', () => {
    const r = lockdown()['lockdown-connector'];
    assert.ok(r.caveats.some((c) => /^Hybrid: mail from your on-premises Exchange servers must keep matching their OnPremises connector/.test(c) && /550 5\.7\.51 TenantInboundAttribution/.test(c)));
    assert.ok(r.caveats.some((c) => /^MTA-STS: .*mx: lines/.test(c)));
    assert.ok(r.caveats.some((c) => /devices and applications that send straight to your tenant's MX host/.test(c)));
    // the meeting-invitation side effect came only from a reader's comment: not claimed
    assert.ok(!r.caveats.some((c) => /meeting invitation/.test(c)));
  });

  test('rollback disables the connector; pre-checks list connectors and the MX', () => {
    const r = lockdown()['lockdown-connector'];
    assert.equal(r.rollback[0], "Set-InboundConnector -Identity 'Reject mail not routed through the gateway' -Enabled $false");
    assert.ok(r.preChecks.includes("Resolve-DnsName -Name 'contoso.com' -Type MX"));
  });

  test('a message that bypassed the gateway: its sender IP is never listed; placeholder + recommended with direct-to-tenant', () => {
    const r = lockdown(phishDirect())['lockdown-connector'];
    assert.deepEqual(paramLiterals(cmd(r)).SenderIPAddresses, ['<gateway IP>']);
    assert.ok(r.omitted.some((o) => o.value === '192.0.2.66' && /never list it/.test(o.reason)));
    assert.equal(r.recommended, true);
    assert.equal(r.parameters.placeholder, true);
    const withIps = lockdown(phishDirect(), { gatewayIps: ['148.163.138.0/24'] })['lockdown-connector'];
    assert.deepEqual(paramLiterals(cmd(withIps)).SenderIPAddresses, ['148.163.138.0/24']);
  });
});

describe('lock-down connector by certificate', () => {
  test('with only a host name to go on: a placeholder, not recommended, and how to get the name from the vendor', () => {
    const r = lockdown();
    const c = r['lockdown-certificate'];
    assert.equal(
      cmd(c),
      "New-InboundConnector -Name 'Reject mail not routed through the gateway' -ConnectorType Partner -SenderDomains '*' -RequireTls $true -RestrictDomainsToCertificate $true -TlsSenderCertificateName '<certificate name the vendor gives>'",
    );
    // a name guessed from host names rejects all gateway mail when wrong: the IP variant is the recommended one
    assert.equal(c.recommended, false);
    assert.match(c.why!, /mx0b-00498f04\.pphosted\.com is only a host name/);
    assert.match(c.why!, /Use the IP variant until Proofpoint/);
    assert.ok(c.caveats.some((x) => /^Ask Proofpoint .* which certificate subject its servers present when they deliver to Microsoft 365/.test(x) && /names under \*\.pphosted\.com are only a lead/.test(x)));
    assert.equal(r['lockdown-connector'].recommended, true);
    // the subject the user confirmed is written and recommended
    const named = lockdown(proofpointToEop(), { certificateName: '*.pphosted.com' })['lockdown-certificate'];
    assert.equal(named.recommended, true);
    assert.equal(paramLiterals(cmd(named)).TlsSenderCertificateName[0], '*.pphosted.com');
  });

  test('Mimecast gateway: *.mimecast.com is named as a lead, never written into the command', () => {
    const c = lockdown(mimecastEfcActive())['lockdown-certificate'];
    assert.equal(paramLiterals(cmd(c)).TlsSenderCertificateName[0], '<certificate name the vendor gives>');
    assert.ok(c.caveats.some((x) => /\*\.mimecast\.com are only a lead/.test(x)));
  });

  test('no known vendor host: no certificate variant unless the user names one (validated)', () => {
    const a = proofpointOnPremToEop();
    assert.equal(lockdown(a)['lockdown-certificate'], undefined);
    assert.equal(paramLiterals(cmd(lockdown(a, { certificateName: '*.Gateway.Example' })['lockdown-certificate'])).TlsSenderCertificateName[0], '*.gateway.example');
    const bad = lockdown(a, { certificateName: "*.x.example'; Remove-InboundConnector" });
    assert.equal(bad['lockdown-certificate'], undefined);
  });

  test('a HELO-only vendor claim (phish) never yields a certificate name', () => {
    const a = phishDirect();
    a.hops[0].vendor = { id: 'proofpoint', name: 'Proofpoint', signals: [{ kind: 'helo', detail: 'HELO claims pphosted.com' }], confidence: 'weak' };
    assert.equal(lockdown(a)['lockdown-certificate'], undefined);
  });
});
