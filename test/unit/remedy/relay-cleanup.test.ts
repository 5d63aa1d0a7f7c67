import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Remedy } from '../../../src/core/types';
import { generateByIds, type RemedyOptions } from '../../../src/core/remedy';
import { deviceToEop, finding, phishDirect, proofpointToEop } from './analysis-builder';
import { lineProblem } from './ps-shape';

function byId(a: Parameters<typeof generateByIds>[0], ids: string[], options: RemedyOptions = {}): Record<string, Remedy> {
  const out: Record<string, Remedy> = {};
  for (const r of generateByIds(a, ids, options)) out[r.id] = r;
  return out;
}

const RELAY = ['device-relay-connector', 'spf-record-relay'];

describe('device relay connector', () => {
  test('OnPremises connector identified by SenderIPAddresses only (Restrict*/RequireTls are Partner-only)', () => {
    const r = byId(deviceToEop(), RELAY)['device-relay-connector'];
    const line = r.text.split('\n').find((l) => l.startsWith('New-InboundConnector'))!;
    assert.equal(line, "New-InboundConnector -Name 'Relay from devices and applications' -ConnectorType OnPremises -SenderDomains '*' -SenderIPAddresses '198.51.100.25'");
    assert.ok(!line.includes('RestrictDomainsToIPAddresses'));
    assert.ok(!line.includes('RequireTls'));
    assert.equal(r.recommended, true);
    for (const l of [...r.text.split('\n'), ...r.preChecks, ...r.rollback]) assert.equal(lineProblem(l), undefined, l);
  });

  test('names the SMTP AUTH and direct send alternatives with their requirements', () => {
    const r = byId(deviceToEop(), RELAY)['device-relay-connector'];
    assert.ok(r.text.includes('SMTP AUTH client submission: smtp.office365.com port 587'));
    assert.ok(r.text.includes('licensed mailbox'));
    assert.ok(r.text.includes('Direct Send: contoso-com.mail.protection.outlook.com port 25'));
    assert.ok(r.text.includes('recipients in your own organisation only'));
  });

  test('never recommended without the device finding, or for a spoof', () => {
    const noFinding = byId(deviceToEop({ findings: [] }), RELAY);
    assert.equal(noFinding['device-relay-connector'].recommended, false);
    assert.equal(noFinding['spf-record-relay'].recommended, false);
    const forged = byId(deviceToEop({ findings: [finding('relay-device-spf', RELAY), finding('forged-auth-results', [])] }), RELAY);
    assert.equal(forged['device-relay-connector'].recommended, false);
    assert.match(forged['device-relay-connector'].why!, /forged/);
    const phish = byId(phishDirect(), RELAY);
    assert.equal(phish['device-relay-connector'].recommended, false);
  });

  test("a phish's connecting address goes into no command: a placeholder does, unless the user names the device", () => {
    const a = phishDirect();
    const ip = a.boundary.connectingIp!;
    const phish = byId(a, RELAY);
    for (const id of ['device-relay-connector', 'spf-record-relay']) {
      const r = phish[id];
      const commands = [r.text, ...r.preChecks, ...r.rollback, ...r.verify, ...r.caveats, JSON.stringify(r.parameters), r.title].join('\n');
      assert.ok(!commands.includes(ip), `${id}: ${ip} in the fix`);
      assert.ok(r.text.includes('<device IP>'), `${id}: the placeholder is in the command`);
      assert.equal(r.parameters.placeholder, true);
      // the explanation still names the address the message came from
      assert.ok(r.why!.includes(ip), `${id}: why names ${ip}`);
    }
    assert.match(phish['device-relay-connector'].text, /-SenderIPAddresses '<device IP>'/);
    // without the device finding, a message from the own domain is no better
    const noFinding = byId(deviceToEop({ findings: [] }), RELAY);
    assert.ok(!noFinding['device-relay-connector'].text.includes('198.51.100.25'));
    // the device finding, or the address the user gives, goes into the command
    const device = byId(deviceToEop(), RELAY);
    assert.match(device['device-relay-connector'].text, /-SenderIPAddresses '198\.51\.100\.25'/);
    const given = byId(phishDirect(), RELAY, { deviceIp: '198.51.100.77' });
    assert.match(given['device-relay-connector'].text, /-SenderIPAddresses '198\.51\.100\.77'/);
    assert.equal(given['device-relay-connector'].parameters.placeholder, false);
  });

  test('From domain that is not one of yours: not recommended', () => {
    const a = deviceToEop();
    a.summary.fromDomain = 'fabrikam.example';
    assert.equal(byId(a, RELAY)['device-relay-connector'].recommended, false);
  });

  test('a gateway vendor that delivered the message is not a device', () => {
    assert.deepEqual(byId(proofpointToEop(), RELAY), {});
    const withIp = byId(proofpointToEop(), RELAY, { deviceIp: '198.51.100.25' });
    assert.deepEqual(withIp['device-relay-connector'].parameters.senderIPAddresses, ['198.51.100.25']);
  });

  test('a private or Microsoft address is not a device address', () => {
    const a = deviceToEop();
    a.boundary.connectingIp = '10.0.0.25';
    assert.deepEqual(byId(a, RELAY), {});
    const b = deviceToEop();
    b.boundary.connectingIp = '40.107.3.3';
    assert.deepEqual(byId(b, RELAY), {});
  });
});

describe('SPF record for the relay', () => {
  test('without a current record: a complete record with Microsoft 365 and the device', () => {
    const r = byId(deviceToEop(), RELAY)['spf-record-relay'];
    assert.equal(r.language, 'dns');
    assert.deepEqual(r.text.split('\n').slice(0, 3), [
      '; SPF for contoso.com: authorise 198.51.100.25 (keep exactly one v=spf1 record per domain)',
      'contoso.com. IN TXT "v=spf1 ip4:198.51.100.25 include:spf.protection.outlook.com -all"',
      '; Public sources of the statements above:',
    ]);
    assert.ok(r.caveats.some((c) => /at most 10 DNS lookups/.test(c) && /has 1 at its top level/.test(c)));
  });

  test('merges into the current record: first when it has no ip4/ip6 terms, else after them', () => {
    const r = byId(deviceToEop(), RELAY, { currentSpf: 'v=spf1 include:spf.protection.outlook.com include:_spf.salesforce.com mx ~all' })['spf-record-relay'];
    assert.equal(r.parameters.record, 'v=spf1 ip4:198.51.100.25 include:spf.protection.outlook.com include:_spf.salesforce.com mx ~all');
    assert.equal(r.parameters.topLevelLookups, 3);
    const r2 = byId(deviceToEop(), RELAY, { currentSpf: 'v=spf1 ip4:203.0.113.80 ip6:2001:db8::/32 include:spf.protection.outlook.com -all' })['spf-record-relay'];
    assert.equal(r2.parameters.record, 'v=spf1 ip4:203.0.113.80 ip6:2001:db8::/32 ip4:198.51.100.25 include:spf.protection.outlook.com -all');
    assert.match(r2.why!, /after the existing ip4\/ip6 mechanisms/);
  });

  test('an explicit exclusion of the address is put behind the new term, with a caveat', () => {
    const r = byId(deviceToEop(), RELAY, { currentSpf: 'v=spf1 -ip4:198.51.100.0/24 include:spf.protection.outlook.com -all' })['spf-record-relay'];
    assert.equal(r.parameters.record, 'v=spf1 ip4:198.51.100.25 -ip4:198.51.100.0/24 include:spf.protection.outlook.com -all');
    assert.ok(r.caveats.some((c) => /excludes 198\.51\.100\.25 explicitly/.test(c)));
  });

  test('reads the current record from the recorded TXT lookups', () => {
    const a = deviceToEop();
    a.verification = {
      dnsMode: 'recorded',
      dkim: [],
      arc: null,
      spf: [],
      dmarc: null,
      notes: [],
      lookups: [{ name: 'contoso.com', type: 'TXT', outcome: 'answer', answer: [['v=spf1 include:spf.protection.', 'outlook.com -all'], ['MS=ms12345678']] }],
    };
    const r = byId(a, RELAY)['spf-record-relay'];
    assert.equal(r.parameters.record, 'v=spf1 ip4:198.51.100.25 include:spf.protection.outlook.com -all');
    assert.equal(r.parameters.currentFrom, 'dns');
  });

  test('already covered: says nothing changes', () => {
    const r = byId(deviceToEop(), RELAY, { currentSpf: 'v=spf1 ip4:198.51.100.0/24 include:spf.protection.outlook.com -all' })['spf-record-relay'];
    assert.equal(r.parameters.changed, false);
    assert.equal(r.recommended, false);
  });

  test('many lookups are warned about; an invalid current record is not merged', () => {
    const many = `v=spf1 ${Array.from({ length: 9 }, (_, i) => `include:s${i}.example`).join(' ')} -all`;
    const r = byId(deviceToEop(), RELAY, { currentSpf: many })['spf-record-relay'];
    assert.ok(r.caveats.some((c) => /close to the 10-lookup limit/.test(c)));
    const bad = byId(deviceToEop(), RELAY, { currentSpf: 'v=spf1 include:x.example" ; rm -all' })['spf-record-relay'];
    assert.equal(bad.parameters.record, 'v=spf1 ip4:198.51.100.25 include:spf.protection.outlook.com -all');
    assert.ok(bad.omitted.some((o) => /cannot hold|not valid SPF/.test(o.reason)));
  });

  test('several SPF records are a permerror to merge', () => {
    const a = deviceToEop();
    a.verification = {
      dnsMode: 'recorded', dkim: [], arc: null, spf: [], dmarc: null, notes: [],
      lookups: [{ name: 'contoso.com.', type: 'TXT', outcome: 'answer', answer: [['v=spf1 mx -all'], ['v=spf1 include:spf.protection.outlook.com -all']] }],
    };
    const r = byId(a, RELAY)['spf-record-relay'];
    assert.ok(r.caveats.some((c) => /permerror/.test(c)));
  });

  test('a long record is split into 255-character strings', () => {
    const long = `v=spf1 ${Array.from({ length: 20 }, (_, i) => `ip4:203.0.113.${i}`).join(' ')} include:spf.protection.outlook.com -all`;
    const r = byId(deviceToEop(), RELAY, { currentSpf: long })['spf-record-relay'];
    const zone = r.text.split('\n')[1];
    assert.match(zone, /^contoso\.com\. IN TXT "[^"]{255}" "[^"]+"$/);
  });
});

describe('clean-up', () => {
  test('SCL -1 bypass: listing, disabling by (quoted) name, re-enabling as rollback', () => {
    const a = proofpointToEop({}, { cip: '148.163.138.245', sfv: 'SKN', scl: -1 });
    const r = byId(a, ['remove-scl-bypass'], { sclRuleNames: ["Bypass spam for Proofpoint's IPs", 'bad\nname'] })['remove-scl-bypass'];
    assert.ok(r.text.includes('Get-TransportRule | Where-Object { $_.SetSCL -eq -1 } | Format-Table Name,State,Priority,SetSCL'));
    assert.ok(r.text.includes("Disable-TransportRule -Identity 'Bypass spam for Proofpoint''s IPs'"));
    assert.deepEqual(r.rollback, ["Enable-TransportRule -Identity 'Bypass spam for Proofpoint''s IPs'"]);
    assert.equal(r.recommended, true);
    assert.ok(r.omitted.some((o) => o.value === 'bad<U+000A>name'));
    for (const l of [...r.text.split('\n'), ...r.preChecks, ...r.rollback]) assert.equal(lineProblem(l), undefined, l);
  });

  test('SCL -1 bypass without evidence: offered, not recommended, with the placeholder', () => {
    const r = byId(proofpointToEop(), ['remove-scl-bypass'])['remove-scl-bypass'];
    assert.equal(r.recommended, false);
    assert.ok(r.text.includes("Disable-TransportRule -Identity '<rule name>'"));
  });

  test('IP allow list: removes the CIP that matched (IPV:CAL), rollback adds it back', () => {
    const a = proofpointToEop({}, { cip: '148.163.138.245', sfv: 'NSPM', ipv: 'CAL', scl: 1 });
    const r = byId(a, ['remove-ip-allow'])['remove-ip-allow'];
    assert.ok(r.text.includes("Set-HostedConnectionFilterPolicy -Identity Default -IPAllowList @{Remove='148.163.138.245'}"));
    assert.deepEqual(r.rollback, ["Set-HostedConnectionFilterPolicy -Identity Default -IPAllowList @{Add='148.163.138.245'}"]);
    assert.equal(r.recommended, true);
    for (const l of [...r.text.split('\n'), ...r.preChecks, ...r.rollback]) assert.equal(lineProblem(l), undefined, l);
  });

  test('IP allow list with a forged CIP: only valid IPv4 addresses are used', () => {
    const a = proofpointToEop({}, { cip: "148.163.138.245'; Remove-Item x", ipv: 'CAL' });
    const r = byId(a, ['remove-ip-allow'])['remove-ip-allow'];
    assert.deepEqual(r.parameters.remove, ['148.163.138.245']);
    assert.ok(r.omitted.some((o) => o.value === "148.163.138.245'; Remove-Item x"));
  });
});
