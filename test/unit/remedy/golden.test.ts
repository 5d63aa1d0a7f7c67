/**
 * Golden files: the exact remedies (script text, parameters, checks, omitted values) for each
 * scenario, in test/fixtures/golden/remedies/<name>.txt. A mismatch fails; regenerate only on
 * purpose with UPDATE_GOLDEN=1 and review the diff.
 *
 * Hand-built analyses pin the generators alone; the fixture scenarios run the whole pipeline
 * (parse → trace → verify with the scenario's DNS zone → diagnose → remedies).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Analysis, Remedy, RemedyKind } from '../../../src/core/types';
import { analyze } from '../../../src/core/analyze';
import { generateByIds, REMEDY_ID_LIST, remedyKind, type RemedyOptions } from '../../../src/core/remedy';
import { buildCached, zoneResolver } from '../../fixtures/scenarios';
import { arcSet, barracudaToGmail, cloudflareToEop, deviceToEop, mimecastEfcActive, phishDirect, proofpointOnPremToEop, proofpointToEop } from './analysis-builder';
import { ipParamProblem, lineProblem } from './ps-shape';

const GOLDEN_DIR = path.resolve(__dirname, '../../../../test/fixtures/golden/remedies');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

export function renderRemedies(remedies: Remedy[]): string {
  const out: string[] = [];
  for (const r of remedies) {
    out.push(`##### ${r.id} (${r.kind}, ${r.language})`);
    out.push(`title: ${r.title}`);
    out.push(`recommended: ${r.recommended ? 'yes' : 'no'}`);
    out.push(`why: ${r.why ?? ''}`);
    out.push(`parameters: ${JSON.stringify(sortKeys(r.parameters), null, 2)}`);
    out.push('--- text', r.text.replace(/\n$/, ''));
    const list = (name: string, items: string[], bullet: string) => {
      out.push(`--- ${name}`);
      for (const i of items) out.push(`${bullet}${i}`);
    };
    list('preChecks', r.preChecks, '');
    list('rollback', r.rollback, '');
    list('verify', r.verify, '- ');
    list('caveats', r.caveats, '- ');
    list('omitted', r.omitted.map((o) => `${o.value} — ${o.reason}`), '- ');
    out.push('');
  }
  return out.join('\n');
}

function checkGolden(name: string, remedies: Remedy[]): void {
  const file = path.join(GOLDEN_DIR, `${name}.txt`);
  const actual = renderRemedies(remedies);
  if (UPDATE) {
    fs.mkdirSync(GOLDEN_DIR, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  assert.ok(fs.existsSync(file), `golden file ${file} is missing (run with UPDATE_GOLDEN=1 to create it)`);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `${name}: remedies differ from ${file} (UPDATE_GOLDEN=1 regenerates it; review the diff)`);
}

function assertShapes(remedies: Remedy[], label: string): void {
  for (const r of remedies) {
    if (r.language !== 'powershell') continue;
    for (const l of [...r.text.split('\n'), ...r.preChecks, ...r.rollback]) {
      assert.equal(lineProblem(l), undefined, `${label} ${r.id}: ${l}`);
      assert.equal(ipParamProblem(l), undefined, `${label} ${r.id}: ${l}`);
    }
  }
}

/** Remedies come out best fit first: one that fits is never listed after one that does not. */
function assertOrder(remedies: Remedy[], label: string): void {
  const misfit = (r: Remedy) => /^(?:Does not fit|Not recommended|Not supported)/.test(r.why ?? '');
  const firstMisfit = remedies.findIndex(misfit);
  if (firstMisfit < 0) return;
  for (const r of remedies.slice(firstMisfit)) assert.ok(!r.recommended, `${label}: ${r.id} (recommended) after ${remedies[firstMisfit].id}, which does not fit`);
  const firstOther = remedies.findIndex((r) => !r.recommended);
  if (firstOther >= 0) for (const r of remedies.slice(firstOther)) assert.ok(!r.recommended, `${label}: ${r.id} (recommended) after ${remedies[firstOther].id}`);
}

function idsOf(kinds: RemedyKind[]): string[] {
  return REMEDY_ID_LIST.filter((id) => kinds.includes(remedyKind(id)!));
}

describe('golden remedies: hand-built analyses', () => {
  const cases: Array<[string, () => Analysis, RemedyKind[], RemedyOptions]> = [
    ['handbuilt-proofpoint-eop', () => proofpointToEop({ arcSets: [arcSet(1, 'pphosted.com'), arcSet(2, 'microsoft.com', 'arcselector10001')] }, { cip: '148.163.138.245', sfv: 'SKN', ipv: 'CAL', scl: -1 }), ['efc', 'lockdown', 'arc', 'cleanup'], { connectorName: 'From Proofpoint' }],
    ['handbuilt-proofpoint-onprem-eop', () => proofpointOnPremToEop(), ['efc', 'lockdown'], { efSkipIps: ['148.163.135.0/24', '2001:db8:5::/48', '10.0.0.1'], mergeRanges: true }],
    ['handbuilt-mimecast-efc', () => mimecastEfcActive(), ['efc', 'lockdown'], {}],
    ['handbuilt-barracuda-gmail', () => barracudaToGmail(), ['gmail', 'efc'], {}],
    ['handbuilt-device-relay', () => deviceToEop(), ['relay'], { currentSpf: 'v=spf1 include:spf.protection.outlook.com mx ~all' }],
    ['handbuilt-phish-direct', () => phishDirect(), ['lockdown', 'relay', 'efc'], {}],
    // the ranges Cloudflare publishes, in EFSkipIPs and (as far as /24 allows) in the lock-down
    ['handbuilt-cloudflare-eop', () => cloudflareToEop(), ['efc', 'lockdown'], { connectorName: 'Email security Inbound Connector' }],
    // the certificate subject the user confirmed: the certificate lock-down is the recommended one
    ['handbuilt-proofpoint-certificate-given', () => proofpointToEop(), ['lockdown'], { certificateName: '*.pphosted.com' }],
    // the cloud stated by the user (CLI --cloud): 21Vianet's SPF include, MX and SMTP host
    ['handbuilt-device-relay-21vianet', () => deviceToEop(), ['relay'], { cloud: '21vianet' }],
  ];
  for (const [name, make, kinds, options] of cases) {
    test(name, () => {
      const rs = generateByIds(make(), idsOf(kinds), options);
      assertShapes(rs, name);
      assertOrder(rs, name);
      checkGolden(name, rs);
    });
  }
});

describe('golden remedies: fixture scenarios through the whole pipeline', () => {
  const cases: Array<[string, RemedyKind[], RemedyOptions]> = [
    ['proofpoint-banner-eop', ['efc', 'lockdown', 'cleanup'], { connectorName: 'From Proofpoint' }],
    // Mimecast's addresses published in DNS (recorded): the lock-down lists them, checked against the gateway address
    ['mimecast-efc-eop', ['efc', 'lockdown'], {}],
    ['barracuda-gmail', ['gmail'], {}],
    ['device-relay', ['relay'], {}],
    ['proofpoint-subject-tag-arc-eop', ['arc'], {}],
    ['nonlinear-hybrid', ['efc'], {}],
    ['hybrid-onprem-to-eop', ['efc'], { connectorName: 'Inbound from on-premises' }],
    ['phish-fake-helo', ['lockdown', 'relay'], {}],
    ['efc-pilot-recipient-out-of-scope', ['efc', 'cleanup'], { connectorName: 'Mimecast inbound' }],
    ['ip-allow-list', ['efc', 'cleanup'], {}],
    ['tenant-to-tenant', ['efc', 'lockdown', 'arc'], {}],
    ['tenant-via-recipient-gateway', ['efc', 'lockdown'], { connectorName: 'From Proofpoint' }],
    ['sender-outbound-gateway', ['efc', 'lockdown'], {}],
    ['consumer-phish-forged-google', ['lockdown', 'efc', 'relay'], {}],
    ['phish-forged-gateway-trail', ['lockdown', 'efc', 'arc'], {}],
    ['mailing-list-gmail', ['gmail'], {}],
    ['gmail-forward-eop', ['arc', 'efc'], {}],
    ['hybrid-efc-onprem', ['efc'], { connectorName: 'Inbound from on-premises' }],
    // Direct Send to the tenant as its own domain: Reject Direct Send, no device fix
    ['direct-send-spoof', ['lockdown', 'relay'], {}],
    // GCC High: the SPF record of the MAIL FROM domain with GCC High's include, cloud-aware hosts
    ['gcc-high-app-relay', ['relay', 'lockdown'], {}],
  ];
  for (const [id, kinds, options] of cases) {
    test(id, async () => {
      const built = await buildCached(id);
      const a = await analyze(built.bytes, {
        name: `${id}.eml`,
        dnsMode: 'recorded',
        resolver: zoneResolver(built.dnsZone),
        receivingDomains: [built.facts.recipientDomain],
      });
      // what the findings asked for is always well-formed and a subset of what the kinds give
      assertShapes(a.remedies, `${id} (findings)`);
      assertOrder(a.remedies, `${id} (findings)`);
      const rs = generateByIds(a, idsOf(kinds), options);
      assertShapes(rs, id);
      assertOrder(rs, id);
      checkGolden(id, rs);
    });
  }
});
