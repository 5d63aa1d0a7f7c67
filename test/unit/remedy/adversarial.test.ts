/**
 * Hostile header values and options against every generator: each generated PowerShell line must
 * stay inside the allowed command shapes (ps-shape.ts), IP parameters must hold canonical IPs only,
 * values that were refused must show up in `omitted`, and values that were accepted must read back
 * unchanged from their literal.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Analysis, Remedy } from '../../../src/core/types';
import { generateByIds, REMEDY_ID_LIST, type RemedyOptions } from '../../../src/core/remedy';
import { checkConnectorName, displayValue } from '../../../src/core/remedy/powershell';
import { arcSet, barracudaToGmail, deviceToEop, mimecastEfcActive, phishDirect, proofpointOnPremToEop, proofpointToEop } from './analysis-builder';
import { ipParamProblem, lineProblem, paramLiterals, scanLiterals } from './ps-shape';

const HOSTILE = [
  "x'y",
  'x\u2018y',
  'x\u2019y',
  'x\u201Ay',
  'x\u201By',
  "''",
  "'; Stop-Computer; '",
  '\u2019; Stop-Computer; \u2018',
  '$(Stop-Computer)',
  '@(Stop-Computer)',
  '`Stop-Computer`',
  'a;Stop-Computer',
  'a|Stop-Computer',
  'a\nStop-Computer',
  'a\r\nStop-Computer',
  'a\rStop-Computer',
  'a\u0000b',
  'a\u202Eb',
  'a\u2066b',
  'a\u200Fb',
  'a\u200Eb',
  'a\u2028Stop-Computer',
  'a\u0085Stop-Computer',
  '\u201CStop-Computer\u201D',
  '${env:USERPROFILE}',
  '<# x #>',
  '# x',
  '-EFSkipLastIP $true',
];

const ALL = [...REMEDY_ID_LIST];

function allLines(r: Remedy): string[] {
  return r.language === 'powershell' ? [...r.text.split('\n'), ...r.preChecks, ...r.rollback] : [];
}

function assertSafe(remedies: Remedy[], label: string): void {
  for (const r of remedies) {
    for (const l of allLines(r)) {
      assert.equal(lineProblem(l), undefined, `${label} ${r.id}: ${JSON.stringify(l)}`);
      assert.equal(ipParamProblem(l), undefined, `${label} ${r.id}: ${JSON.stringify(l)}`);
    }
    if (r.language === 'dns') {
      for (const l of r.text.split('\n')) {
        if (!l || l.startsWith('; ')) continue;
        assert.match(l, /^[a-z0-9.-]+\. IN TXT (?:"[\x20\x21\x23-\x5b\x5d-\x7e]{1,255}" ?)+$/, `${label} ${r.id}: ${l}`);
      }
    }
    if (r.language === 'markdown') {
      for (const l of r.text.split('\n')) {
        assert.doesNotMatch(l, /[\r\u0000\u202A-\u202E\u2066-\u2069\u200E\u200F\u2028\u2029]/, `${label} ${r.id}`);
        const code = [...l.matchAll(/`([^`]*)`/g)].map((m) => m[1]);
        if (l.startsWith('  - ')) assert.equal(code.length, 1, l);
      }
    }
    // every user-visible string is free of line-breaking and bidi characters except the text itself
    for (const s of [r.title, r.why ?? '', ...r.caveats, ...r.verify, ...r.omitted.map((o) => o.value), ...r.omitted.map((o) => o.reason)]) {
      assert.doesNotMatch(s, /[\r\n\u0000\u202A-\u202E\u2066-\u2069\u200E\u200F\u2028\u2029]/, `${label} ${r.id}: ${JSON.stringify(s)}`);
    }
  }
}

function omittedValues(rs: Remedy[]): Set<string> {
  return new Set(rs.flatMap((r) => r.omitted.map((o) => o.value)));
}

function run(a: Analysis, options: RemedyOptions = {}): Remedy[] {
  return generateByIds(a, ALL, options);
}

describe('hostile values never leave the allowed command shapes', () => {
  test('the baseline scenarios are clean', () => {
    for (const [name, a] of Object.entries({ proofpointToEop: proofpointToEop(), proofpointOnPremToEop: proofpointOnPremToEop(), mimecastEfcActive: mimecastEfcActive(), barracudaToGmail: barracudaToGmail(), deviceToEop: deviceToEop(), phishDirect: phishDirect() })) {
      const rs = run(a);
      assert.ok(rs.length > 0, name);
      assertSafe(rs, name);
    }
  });

  test('recipients (EFUsers): invalid ones omitted, apostrophes quoted, look-alike quotes refused', () => {
    const base = ["o'brien@contoso.com", 'o\u2019brien@contoso.com', 'ok@contoso.com'];
    const a = proofpointToEop({ summary: { to: [], cc: [], recipients: base, fromDomain: 'fabrikam.example' } });
    const rs = run(a);
    assertSafe(rs, 'recipients');
    const pilot = rs.find((r) => r.id === 'efc-pilot-users')!;
    const users = paramLiterals(pilot.text.split('\n').find((l) => l.startsWith('Set-'))!).EFUsers;
    assert.deepEqual(users, ["o'brien@contoso.com", 'ok@contoso.com']);
    assert.ok(pilot.text.includes("-EFUsers 'o''brien@contoso.com','ok@contoso.com'"));
    assert.ok(omittedValues([pilot]).has(displayValue('o\u2019brien@contoso.com')));
    for (const h of HOSTILE) {
      const recipients = [`${h}@contoso.com`, `ok@contoso.com${h}`, `ok${h}ok@contoso.com`, 'ok@contoso.com'];
      const b = proofpointToEop({ summary: { to: [], cc: [], recipients, fromDomain: 'fabrikam.example' } });
      const rb = run(b);
      assertSafe(rb, `recipients ${JSON.stringify(h)}`);
      const p = rb.find((r) => r.id === 'efc-pilot-users')!;
      const got = paramLiterals(p.text.split('\n').find((l) => l.startsWith('Set-'))!).EFUsers;
      const omitted = omittedValues([p]);
      for (const v of recipients.slice(0, 3)) {
        // either refused (and shown in omitted) or accepted by the strict syntax and read back unchanged
        assert.ok(omitted.has(displayValue(v)) || got.includes(v.replace(/@.*$/, (d) => d.toLowerCase())), JSON.stringify(v));
      }
      assert.ok(omitted.has(displayValue(`ok@contoso.com${h}`)), JSON.stringify(h));
    }
  });

  test('connector names: accepted ones read back exactly, refused ones are omitted and replaced by the placeholder', () => {
    for (const h of HOSTILE) {
      const name = `Gateway ${h}`;
      const rs = run(proofpointToEop(), { connectorName: name, newConnectorName: name, sclRuleNames: [name] });
      assertSafe(rs, `connector ${JSON.stringify(h)}`);
      const last = rs.find((r) => r.id === 'efc-skip-last-ip')!;
      const id = paramLiterals(last.text.split('\n').find((l) => l.startsWith('Set-'))!).Identity[0];
      const lock = rs.find((r) => r.id === 'lockdown-connector')!;
      const newName = paramLiterals(lock.text.split('\n').find((l) => l.startsWith('New-'))!).Name[0];
      const scl = rs.find((r) => r.id === 'remove-scl-bypass')!;
      const rule = paramLiterals(scl.text.split('\n').find((l) => l.startsWith('Disable-'))!).Identity[0];
      const c = checkConnectorName(name);
      if (c.ok) {
        assert.equal(id, c.value);
        assert.equal(newName, c.value);
        assert.equal(rule, c.value);
      } else {
        assert.equal(id, '<your inbound connector>', JSON.stringify(h));
        assert.equal(newName, 'Reject mail not routed through the gateway');
        assert.equal(rule, '<rule name>');
        assert.ok(last.omitted.some((o) => o.value === displayValue(name)), JSON.stringify(h));
        assert.ok(lock.omitted.some((o) => o.value === displayValue(name)));
        assert.ok(scl.omitted.some((o) => o.value === displayValue(name)));
      }
    }
  });

  test('IP fields from headers (relay IPs, Received from, CIP) and IP options', () => {
    for (const h of HOSTILE) {
      const bad = `148.163.138.245${h}`;
      const a = proofpointToEop({}, { cip: bad, ipv: 'CAL', sfv: 'SKN', scl: -1 });
      a.boundary.relayIps = [bad, '148.163.138.245'];
      a.hops[1].from.ip = `127.0.0.1${h}`;
      const rs = run(a, { efSkipIps: [bad, `${h}`], gatewayIps: [bad], deviceIp: bad });
      assertSafe(rs, `ip ${JSON.stringify(h)}`);
      const omitted = omittedValues(rs);
      assert.ok(omitted.has(displayValue(bad)), JSON.stringify(bad));
      const skip = rs.find((r) => r.id === 'efc-skip-ips')!;
      assert.deepEqual(paramLiterals(skip.text.split('\n').find((l) => l.startsWith('Set-'))!).EFSkipIPs, ['148.163.138.245']);
    }
  });

  test('the connecting IP of a device or a phish never gets into a script unparsed', () => {
    for (const h of HOSTILE) {
      const a = deviceToEop();
      a.boundary.connectingIp = `198.51.100.25${h}`;
      const rs = run(a);
      assertSafe(rs, `device ${JSON.stringify(h)}`);
      assert.equal(rs.filter((r) => r.kind === 'relay').length, 0);
      const b = phishDirect();
      b.boundary.connectingIp = `192.0.2.66${h}`;
      assertSafe(run(b), `phish ${JSON.stringify(h)}`);
    }
  });

  test('ARC sealer d=, trusted sealers, certificate names, MX host and host names', () => {
    for (const h of HOSTILE) {
      const a = proofpointToEop({ arcSets: [arcSet(1, `pphosted.com${h}`), arcSet(2, 'pphosted.com'), arcSet(3, `evil${h}.example`)] });
      a.hops[2].from.rdns = `mx0b-00498f04.pphosted.com${h}`;
      a.hops[2].from.helo = `mx0b-00498f04.pphosted.com${h}`;
      const rs = run(a, { trustedSealers: [`x${h}.example`], certificateName: `*.gw${h}.example`, mxHost: `x${h}.mail.protection.outlook.com` });
      assertSafe(rs, `domains ${JSON.stringify(h)}`);
      const arc = rs.find((r) => r.id === 'arc-trusted-sealer')!;
      const appendLine = arc.text.split('\n').find((l) => l.includes('Sort-Object'))!;
      assert.deepEqual(scanLiterals(appendLine).literals, ['pphosted.com']);
      assert.ok(arc.omitted.some((o) => o.value === displayValue(`pphosted.com${h}`)), JSON.stringify(h));
      assert.ok(arc.omitted.some((o) => o.value === displayValue(`x${h}.example`)));
      assert.equal(rs.find((r) => r.id === 'lockdown-certificate'), undefined, 'no certificate name from a hostile host or option');
      const lock = rs.find((r) => r.id === 'lockdown-connector')!;
      assert.ok(lock.omitted.some((o) => o.value === displayValue(`*.gw${h}.example`)), JSON.stringify(h));
      assert.ok(lock.omitted.some((o) => o.value === displayValue(`x${h}.mail.protection.outlook.com`)));
      assert.ok(lock.verify.some((v) => v.includes('an SMTP session to contoso-com.mail.protection.outlook.com on port 25')));
    }
  });

  test('vendor names and hosts in comments cannot break out of the comment line', () => {
    const a = proofpointOnPremToEop();
    a.hops[1].vendor = { id: 'unknown-vendor', name: 'Evil\nStop-Computer\u202E', signals: [], confidence: 'strong' };
    a.hops[2].from.rdns = 'mail.contoso.com\nStop-Computer';
    const rs = run(a);
    assertSafe(rs, 'vendor name');
    for (const r of rs) assert.ok(!r.text.split('\n').some((l) => l.startsWith('Stop-Computer')), r.id);
  });

  test('the Gmail markdown takes vendor names only from the knowledge base', () => {
    const a = barracudaToGmail();
    a.hops[1].vendor = { id: 'not-in-kb', name: '[update here](javascript:alert(1)) <img src=x>', signals: [], confidence: 'strong' };
    a.hops[0].vendor = a.hops[1].vendor;
    const [r] = generateByIds(a, ['gmail-inbound-gateway']);
    assert.ok(!r.text.includes('javascript:'), r.text);
    assert.ok(!r.text.includes('<img'), r.text);
    assert.ok(r.text.includes('## Gmail inbound gateway for your gateway'));
  });

  test('From domain and current SPF record', () => {
    for (const h of HOSTILE) {
      const a = deviceToEop();
      a.summary.fromDomain = `contoso.com${h}`;
      const rs = run(a, { currentSpf: `v=spf1 include:spf.protection.outlook.com${h} -all` });
      assertSafe(rs, `spf ${JSON.stringify(h)}`);
      assert.equal(rs.find((r) => r.id === 'spf-record-relay'), undefined);
      const b = deviceToEop();
      const rs2 = run(b, { currentSpf: `v=spf1 include:spf.protection.outlook.com${h} -all` });
      assertSafe(rs2, `spf2 ${JSON.stringify(h)}`);
      const spf = rs2.find((r) => r.id === 'spf-record-relay')!;
      assert.equal(spf.parameters.record, 'v=spf1 ip4:198.51.100.25 include:spf.protection.outlook.com -all', JSON.stringify(h));
      assert.ok(spf.omitted.length > 0);
    }
  });

  test('10,000 relay IPs and 10,000 recipients: de-duplicated and capped, still in shape', () => {
    const a = proofpointToEop();
    const ips: string[] = [];
    for (let i = 0; i < 10000; i++) ips.push(`203.0.${(i >> 8) & 255}.${i & 255}`);
    a.boundary.relayIps = [...ips, ...ips];
    const recipients = Array.from({ length: 10000 }, (_, i) => `user${i}@contoso.com`);
    a.summary.recipients = recipients;
    const rs = run(a, { gatewayIps: ips });
    assertSafe(rs, '10k');
    const skip = rs.find((r) => r.id === 'efc-skip-ips')!;
    assert.equal(paramLiterals(skip.text.split('\n').find((l) => l.startsWith('Set-'))!).EFSkipIPs.length, 200);
    assert.ok(skip.omitted.some((o) => /capped/.test(o.reason)));
    const pilot = rs.find((r) => r.id === 'efc-pilot-users')!;
    assert.equal(paramLiterals(pilot.text.split('\n').find((l) => l.startsWith('Set-'))!).EFUsers.length, 100);
    assert.ok(pilot.omitted.some((o) => /capped at 100/.test(o.reason)));
    const lock = rs.find((r) => r.id === 'lockdown-connector')!;
    assert.equal(paramLiterals(lock.text.split('\n').find((l) => l.startsWith('New-'))!).SenderIPAddresses.length, 200);
    for (const r of rs) assert.ok(r.omitted.length <= 52, `${r.id} omitted list is bounded`);
  });

  test('a hostile analysis shape (wrong types, out-of-range indexes) does not throw', () => {
    const a = proofpointToEop() as unknown as Record<string, unknown>;
    const b = a.boundary as Record<string, unknown>;
    b.relayHopIndexes = [99, -1, 1.5, 'x'];
    b.entryHopIndex = 42;
    b.relayIps = [null, 7, { ip: '1.2.3.4' }, '148.163.138.245'];
    (a.summary as Record<string, unknown>).recipients = [null, 5, 'alice@contoso.com'];
    a.arcSets = [{ instance: 'x', seal: { domain: 12 } }, { instance: 1 }];
    a.findings = [{ id: 'x', remedies: 'efc-skip-ips' }];
    const rs = run(a as unknown as Analysis, { efSkipIps: 'not-a-list' as unknown as string[], pilotUsers: 'x' as unknown as string[] });
    assertSafe(rs, 'shape');
  });
});
