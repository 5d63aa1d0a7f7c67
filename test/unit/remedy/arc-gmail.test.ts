import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateByIds } from '../../../src/core/remedy';
import { arcSet, barracudaToGmail, proofpointOnPremToEop, proofpointToEop } from './analysis-builder';
import { lineProblem, scanLiterals } from './ps-shape';

describe('ARC trusted sealer', () => {
  const a = () => proofpointToEop({ arcSets: [arcSet(1, 'pphosted.com'), arcSet(2, 'microsoft.com', 'arcselector10001')] });

  test('appends the gateway sealer d= to the existing list (never replaces it)', () => {
    const [r] = generateByIds(a(), ['arc-trusted-sealer']);
    assert.equal(r.id, 'arc-trusted-sealer');
    const body = r.text.split('\n').filter((l) => l && !l.startsWith('#'));
    assert.deepEqual(body, [
      "$sealers = @((Get-ArcConfig).ArcTrustedSealers) -join ',' -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ }",
      "$sealers = @($sealers) + 'pphosted.com' | Sort-Object -Unique",
      'Set-ArcConfig -Identity Default -ArcTrustedSealers $sealers',
    ]);
    assert.equal(r.recommended, true);
    assert.ok(r.omitted.some((o) => o.value === 'microsoft.com' && /receiving service itself/.test(o.reason)));
    assert.ok(r.verify.some((v) => v.includes('compauth=pass reason=130')));
    for (const l of [...r.text.split('\n'), ...r.preChecks, ...r.rollback]) assert.equal(lineProblem(l), undefined, l);
  });

  test('rollback removes only the added sealer and keeps an empty list valid', () => {
    const [r] = generateByIds(a(), ['arc-trusted-sealer']);
    assert.equal(r.rollback[0], "$sealers = @((Get-ArcConfig).ArcTrustedSealers) -join ',' -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ -and $_ -notin @('pphosted.com') }");
    assert.equal(r.rollback[1], "if (-not $sealers) { $sealers = ' ' }");
  });

  test('a sealer that is not a gateway on the relay path is not proposed (a sender can seal with any d=)', () => {
    const x = proofpointToEop({ arcSets: [arcSet(1, 'attacker.example'), arcSet(2, 'mimecast.com', 'arc-2018')] });
    assert.deepEqual(generateByIds(x, ['arc-trusted-sealer']), []);
  });

  test('trustedSealers from the user are validated and added', () => {
    const x = proofpointToEop({ arcSets: [arcSet(1, 'lists.fabrikam.example')] });
    const [r] = generateByIds(x, ['arc-trusted-sealer'], { trustedSealers: ['Lists.Fabrikam.Example', "bad'; x", 'google.com'] });
    assert.equal(scanLiterals(r.text.split('\n').find((l) => l.includes('Sort-Object'))!).literals[0], 'lists.fabrikam.example');
    assert.ok(r.omitted.some((o) => o.value === "bad'; x"));
    assert.ok(r.omitted.some((o) => o.value === 'google.com'));
    assert.equal(r.recommended, false);
  });

  test('a failed ARC seal in the verification makes it a caveat', () => {
    const x = a();
    x.verification = {
      dnsMode: 'recorded',
      dkim: [],
      spf: [],
      dmarc: null,
      lookups: [],
      notes: [],
      arc: { instances: [{ instance: 1, sealer: 'pphosted.com', seal: 'fail', ams: 'body-modified', bodyHashOk: false, detail: '' }], chain: 'fail', detail: '' },
    };
    const [r] = generateByIds(x, ['arc-trusted-sealer']);
    assert.match(r.caveats[0], /did not validate/);
  });
});

describe('Gmail inbound gateway', () => {
  test('markdown checklist with the path, the public gateway IPs and the vendor spam header', () => {
    const [r] = generateByIds(barracudaToGmail(), ['gmail-inbound-gateway']);
    assert.equal(r.language, 'markdown');
    assert.ok(r.text.includes('**Apps > Google Workspace > Gmail > Spam, Phishing and Malware > Inbound gateway**'));
    assert.ok(r.text.includes('  - `209.222.82.10` — d123456a.ess.barracudanetworks.com, Barracuda'));
    assert.ok(r.text.includes('**Automatically detect external IP (recommended)**'));
    assert.ok(r.text.includes('**Reject all mail not from gateway IPs**, only after your MX records point to the gateway'));
    assert.ok(r.text.includes('**Require TLS for connections from the email gateways listed above**'));
    assert.ok(r.text.includes('`^X-Barracuda-Spam-Status: Yes`'));
    assert.equal(r.recommended, true);
    assert.ok(r.verify.some((v) => v.includes('client-ip=203.0.113.77')));
  });

  test('private and Google addresses are left out', () => {
    const a = barracudaToGmail();
    a.boundary.relayIps = ['10.20.0.5', '209.222.82.10'];
    const [r] = generateByIds(a, ['gmail-inbound-gateway'], { gatewayIps: ['74.125.1.1', '209.222.83.0/24'] });
    assert.deepEqual(r.parameters.gatewayIps, ['209.222.82.10', '209.222.83.0/24']);
    assert.ok(r.omitted.some((o) => o.value === '10.20.0.5' && /Gmail does not accept private IPs/.test(o.reason)));
    assert.ok(r.omitted.some((o) => o.value === '74.125.1.1' && /Google's own/.test(o.reason)));
  });

  test('a numeric spam score uses the extract-score setting (Proofpoint in front of Gmail)', () => {
    const a = proofpointToEop();
    a.boundary.receiver = 'gmail';
    const [r] = generateByIds(a, ['gmail-inbound-gateway']);
    assert.ok(r.text.includes('**Regexp extracts a numeric score**'));
    assert.ok(r.text.includes('`^X-Proofpoint-Spam-Details: rule=\\S+ policy=\\S+ score=(\\d+)`'));
  });

  test('not for an Exchange Online receiver', () => {
    assert.deepEqual(generateByIds(proofpointOnPremToEop(), ['gmail-inbound-gateway']), []);
  });
});
