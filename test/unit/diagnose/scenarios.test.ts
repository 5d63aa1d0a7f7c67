/**
 * End to end over every realistic scenario: analyze(bytes, { dnsMode: 'off' }) → the findings name
 * the right hop, the right cause and the right fix, and nothing else is raised at error level.
 *
 * The scenarios' ground truth is facts.expectedFindingIds / mustNotFindingIds. Early fixture
 * revisions used proposed names for some rules; those still map onto the stable ids (ALIASES).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analyze';
import type { Analysis, Finding } from '../../../src/core/types';
import { SCENARIOS, buildCached, buildLf, scenarioById } from '../../fixtures/scenarios';
import type { BuildResult } from '../../fixtures/scenarios';
import { explanationFor } from '../../../src/core/diagnose/explanations';

/** Earlier proposed ids in the fixtures → the rule ids that satisfy them (rule ids map to themselves). */
const ALIASES: Record<string, string[]> = {
  'efc-recipient-out-of-scope': ['efc-recipient-not-in-scope'],
  'ip-allow-list': ['ip-allow-list-bypass'],
  'nonlinear-routing': ['efc-unsupported-routing'],
  'helo-impersonates-vendor': ['direct-to-tenant'],
  'gmail-inbound-gateway-not-configured': ['gmail-inbound-gateway-missing'],
  'relay-ip-not-in-spf': ['relay-device-spf'],
};
const ids = (proposed: string): string[] => ALIASES[proposed] ?? [proposed];

const REMEDY_IDS = new Set([
  'efc-skip-ips',
  'efc-skip-last-ip',
  'efc-pilot-users',
  'lockdown-connector',
  'lockdown-certificate',
  'arc-trusted-sealer',
  'gmail-inbound-gateway',
  'device-relay-connector',
  'device-relay-certificate',
  'reject-direct-send',
  'spf-record-relay',
  'remove-scl-bypass',
  'remove-ip-allow',
]);

async function run(id: string): Promise<{ r: BuildResult; a: Analysis }> {
  const r = await buildCached(id);
  const a = await analyze(r.bytes, { dnsMode: 'off' });
  return { r, a };
}

function only(a: Analysis, id: string): Finding {
  const fs = a.findings.filter((f) => f.id === id);
  assert.equal(fs.length, 1, `expected exactly one ${id}, got ${fs.length}: ${a.findings.map((f) => f.id).join(', ')}`);
  return fs[0];
}

describe('findings over every scenario (dnsMode off)', () => {
  for (const sc of SCENARIOS) {
    test(`${sc.id}: expected findings present, nothing else at error level, nothing forbidden`, async () => {
      const { r, a } = await run(sc.id);
      const found = new Set(a.findings.map((f) => f.id));
      for (const p of r.facts.expectedFindingIds) {
        assert.ok(ids(p).some((x) => found.has(x)), `${sc.id}: expected ${p} (${ids(p).join(' | ')}); got ${[...found].join(', ')}`);
      }
      const allowed = new Set(r.facts.expectedFindingIds.flatMap(ids));
      const errors = a.findings.filter((f) => f.severity === 'error').map((f) => f.id);
      for (const e of errors) assert.ok(allowed.has(e), `${sc.id}: unexpected error-level ${e}: ${a.findings.find((f) => f.id === e)?.message}`);
      const mustNot = ((r.facts as { mustNotFindingIds?: string[] }).mustNotFindingIds ?? []).flatMap(ids);
      for (const m of mustNot) assert.ok(!found.has(m), `${sc.id}: must not raise ${m}`);
    });

    test(`${sc.id}: every finding is well-formed (explanation, evidence on real header lines, known remedies, valid hop)`, async () => {
      const { a } = await run(sc.id);
      for (const f of a.findings) {
        assert.equal(f.explanation, f.id);
        assert.ok(explanationFor(f.id), `no explanation for ${f.id}`);
        assert.ok(f.message.length > 20 && !f.message.includes('undefined') && !f.message.includes('[object'), `${f.id}: ${f.message}`);
        assert.ok(f.evidence.length > 0, `${f.id} has no evidence`);
        for (const e of f.evidence) {
          const field = a.headers.find((h) => h.index === e.fieldIndex);
          assert.ok(field, `${f.id}: evidence field ${e.fieldIndex} does not exist`);
          assert.deepEqual(e.lines, field.lines, `${f.id}: evidence lines of ${e.header}`);
          assert.equal(e.header.toLowerCase(), field.key, `${f.id}: evidence header name`);
        }
        for (const m of f.remedies) assert.ok(REMEDY_IDS.has(m), `${f.id}: unknown remedy ${m}`);
        if (f.hopIndex !== null) assert.ok(f.hopIndex >= 0 && f.hopIndex < a.hops.length, `${f.id}: hop ${f.hopIndex}`);
      }
    });
  }

  test('LF-saved copies give the same findings as the CRLF originals', async () => {
    for (const sc of SCENARIOS) {
      const crlf = await run(sc.id);
      const lf = await analyze((await buildLf(scenarioById(sc.id))).bytes, { dnsMode: 'off' });
      const key = (a: Analysis) => a.findings.map((f) => `${f.severity}:${f.id}:${f.hopIndex}`).sort();
      assert.deepEqual(key(lf), key(crlf.a), sc.id);
    }
  });
});

describe('the right hop, the right cause, the right fix', () => {
  test('proofpoint-banner-eop: SPF on the Proofpoint IP, body changed at the Proofpoint hop, EFC is the fix', async () => {
    const { r, a } = await run('proofpoint-banner-eop');
    const spf = only(a, 'spf-evaluated-on-relay');
    assert.equal(spf.severity, 'error');
    assert.equal(spf.hopIndex, r.facts.entryHopIndex);
    assert.ok(spf.message.includes(r.facts.evaluatedIp) && spf.message.includes(r.facts.originalSenderIp!), spf.message);
    assert.ok(spf.message.includes('Proofpoint'));
    assert.deepEqual(spf.remedies.sort(), ['efc-skip-ips', 'efc-skip-last-ip']);
    assert.ok(spf.evidence.some((e) => e.header === 'Authentication-Results'));
    assert.ok(spf.evidence.some((e) => e.header === 'X-Forefront-Antispam-Report'));

    const bh = only(a, 'dkim-body-modified');
    assert.equal(bh.severity, 'error');
    assert.equal(bh.hopIndex, r.facts.breakHopIndex, 'the body changed at the Proofpoint hop');
    assert.match(bh.message, /body hash/);
    assert.match(bh.message, /Authentication-Results-Original by ppops\.net/, 'names the gateway result where it still passed');
    assert.match(bh.message, /urldefense\.com/, 'names the likely cause (URL Defense rewriting)');
    assert.ok(bh.evidence.some((e) => e.header === 'DKIM-Signature'));
    assert.ok(bh.evidence.some((e) => e.header === 'Authentication-Results-Original'));

    const dm = only(a, 'dmarc-fail-after-relay');
    assert.ok(!a.findings.some((f) => f.id === 'dmarc-fail'), 'one DMARC finding, the specific one');
    assert.match(dm.message, /dmarc=pass/);
    const ca = only(a, 'compauth-fail');
    assert.match(ca.message, /reason=000/);
    assert.match(ca.message, /p=quarantine or p=reject/);
    const efc = only(a, 'efc-not-enabled');
    assert.equal(efc.severity, 'error');
    assert.equal(efc.hopIndex, r.facts.entryHopIndex);
    assert.equal(only(a, 'delivered-to-junk').severity, 'warning');
  });

  test('proofpoint-subject-tag-arc-eop: header hash broken by the [EXTERNAL] tag, trusted ARC sealer offered', async () => {
    const { r, a } = await run('proofpoint-subject-tag-arc-eop');
    const hh = only(a, 'dkim-header-modified');
    assert.equal(hh.hopIndex, r.facts.breakHopIndex);
    assert.match(hh.message, /\[EXTERNAL\]/);
    assert.ok(hh.evidence.some((e) => e.header === 'Subject'));
    assert.ok(hh.remedies.includes('arc-trusted-sealer'));
    const arc = only(a, 'arc-trusted-sealer-candidate');
    assert.match(arc.message, /d=pphosted\.com/);
    assert.deepEqual(arc.remedies, ['arc-trusted-sealer']);
    assert.ok(a.hops[arc.hopIndex!].role === 'gateway', 'the sealing hop is the gateway');
    assert.ok(arc.evidence.some((e) => e.header === 'ARC-Seal'));
  });

  test('barracuda-gmail: Gmail judged the Barracuda IP; the fix is the Workspace inbound gateway', async () => {
    const { r, a } = await run('barracuda-gmail');
    const g = only(a, 'gmail-inbound-gateway-missing');
    assert.equal(g.severity, 'error');
    assert.ok(g.message.includes(r.facts.evaluatedIp));
    assert.deepEqual(g.remedies, ['gmail-inbound-gateway']);
    assert.deepEqual(only(a, 'spf-evaluated-on-relay').remedies, ['gmail-inbound-gateway']);
    const bh = only(a, 'dkim-body-modified');
    assert.equal(bh.hopIndex, r.facts.breakHopIndex);
    assert.match(bh.message, /Barracuda/);
    assert.ok(!a.findings.some((f) => f.id.startsWith('efc-')), 'no Exchange Online advice for Gmail');
  });

  test('mimecast-efc-eop: Enhanced Filtering worked — only the info finding with the recovered sender', async () => {
    const { r, a } = await run('mimecast-efc-eop');
    const f = only(a, 'efc-active');
    assert.equal(f.severity, 'info');
    assert.ok(f.message.includes(r.facts.eop!.externalOriginalIp!));
    assert.ok(f.evidence.some((e) => e.header === 'X-MS-Exchange-ExternalOriginalInternetSender'));
    assert.ok(!a.findings.some((x) => x.severity !== 'info'), a.findings.map((x) => x.id).join(', '));
  });

  test('efc-pilot-recipient-out-of-scope: skip-listed but not applied, the recipient list is the fix', async () => {
    const { r, a } = await run('efc-pilot-recipient-out-of-scope');
    const f = only(a, 'efc-recipient-not-in-scope');
    assert.ok(f.message.includes(r.facts.eop!.skipListedIp!));
    assert.ok(f.message.includes(r.facts.recipients[0]));
    assert.deepEqual(f.remedies, ['efc-pilot-users']);
    assert.deepEqual(only(a, 'spf-evaluated-on-relay').remedies, ['efc-pilot-users']);
    assert.deepEqual(only(a, 'scl-bypass-rule').remedies, ['remove-scl-bypass']);
    assert.ok(!a.findings.some((x) => x.id === 'efc-not-enabled' || x.id === 'efc-active'));
  });

  test('ip-allow-list: IPV:CAL is reported as the allow list, not as a bypass rule', async () => {
    const { a } = await run('ip-allow-list');
    const f = only(a, 'ip-allow-list-bypass');
    assert.ok(f.remedies.includes('remove-ip-allow'));
    assert.ok(f.evidence.some((e) => e.header === 'X-Forefront-Antispam-Report'));
    assert.ok(!a.findings.some((x) => x.id === 'scl-bypass-rule'), 'SFV:SKN here comes from the allow list');
  });

  test('phish-fake-helo: the vendor HELO is not taken as a gateway; forged results flagged; lock-down offered', async () => {
    const { r, a } = await run('phish-fake-helo');
    const d = only(a, 'direct-to-tenant');
    assert.equal(d.hopIndex, r.facts.entryHopIndex);
    assert.ok(d.message.includes('203.0.113.199'));
    assert.deepEqual(d.remedies.sort(), ['lockdown-certificate', 'lockdown-connector']);
    const forged = a.findings.filter((f) => f.id === 'forged-auth-results');
    assert.ok(forged.length >= 1);
    const planted = r.facts.authResultsFields.filter((x) => (x as { genuine?: boolean }).genuine === false || x.trust === 'forged').map((x) => x.fieldIndex);
    assert.ok(planted.length >= 1);
    for (const f of forged) {
      assert.ok(f.evidence.some((e) => planted.includes(e.fieldIndex)), `only fields the scenario planted are called forged: ${f.message}`);
      assert.ok(!f.evidence.some((e) => r.facts.authResultsFields.some((x) => x.fieldIndex === e.fieldIndex && x.trust === 'verdict')), 'the real verdict is never called forged');
    }
    // the planted EOP-looking result is caught
    const eopLike = r.facts.authResultsFields.find((x) => x.trust === 'forged' && x.authservId === null);
    if (eopLike) assert.ok(forged.some((f) => f.evidence.some((e) => e.fieldIndex === eopLike.fieldIndex)));
    assert.ok(!a.findings.some((f) => f.remedies.some((m) => m.startsWith('efc-'))), 'no Enhanced Filtering advice for a direct phish');
  });

  test('device-relay: own-domain scanner; the SPF record and a connector are the fix, not Enhanced Filtering', async () => {
    const { r, a } = await run('device-relay');
    const f = only(a, 'relay-device-spf');
    assert.ok(f.message.includes(r.facts.connectingIp));
    assert.match(f.message, /SCANNER01/);
    assert.deepEqual(f.remedies.sort(), ['device-relay-certificate', 'device-relay-connector', 'reject-direct-send', 'spf-record-relay']);
    // anonymous, straight to the MX, no connector: what Microsoft calls Direct Send
    assert.match(f.message, /X-MS-Exchange-Organization-AuthAs: Anonymous\): Microsoft calls this Direct Send\.$/);
    assert.match(only(a, 'intra-org-spoof').message, /reason=010/);
    assert.match(only(a, 'compauth-fail').message, /your own accepted domains/);
  });

  test('nonlinear-hybrid: non-linear routing reported; no Enhanced Filtering advice, the first pass is not "forged"', async () => {
    const { a } = await run('nonlinear-hybrid');
    const f = only(a, 'efc-unsupported-routing');
    assert.match(f.message, /EX01\.corp\.contoso\.com|mail\.contoso\.com/);
    assert.ok(f.evidence.length >= 3, 'entry, exit and re-entry hops');
    assert.ok(!a.findings.some((x) => x.id === 'forged-auth-results' || x.id === 'spf-evaluated-on-relay'));
    assert.ok(!a.findings.some((x) => x.remedies.some((m) => m.startsWith('efc-'))));
  });

  test('hybrid-onprem-to-eop: linear hybrid gets Enhanced Filtering advice; the private on-premises hop is only noted', async () => {
    const { r, a } = await run('hybrid-onprem-to-eop');
    const spf = only(a, 'spf-evaluated-on-relay');
    assert.ok(spf.message.includes(r.facts.relayIps[0]));
    assert.ok(!a.findings.some((x) => x.id === 'efc-unsupported-routing'));
    const p = a.findings.find((x) => x.id === 'efc-private-hop');
    assert.ok(p && p.severity === 'info' && p.message.includes('10.10.1.21'));
  });

  test('slow-and-skewed: the slow and the skewed hops are the ones the scenario built', async () => {
    const { r, a } = await run('slow-and-skewed');
    assert.equal(only(a, 'slow-hop').hopIndex, r.facts.slowHopIndex);
    assert.equal(only(a, 'clock-skew').hopIndex, r.facts.skewHopIndex);
  });

  test('direct-to-eop: a plain direct message raises nothing above info', async () => {
    const { a } = await run('direct-to-eop');
    assert.deepEqual(a.findings.filter((f) => f.severity !== 'info').map((f) => f.id), []);
  });
});
