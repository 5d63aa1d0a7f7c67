/**
 * No internal words in what a user reads. Remedies, finding messages, explanations, the texts hovers
 * show (knowledge-base entries and header meanings), the CLI's text output, the Markdown and HTML
 * reports, the panel and the folder fix must cite public documents by title and link, name
 * settings as VS Code shows them and CLI options as the CLI spells them: never our file names
 * ("DOMAIN.md §4.1"), test seeds ("seed 003"), issue numbers, remedy ids ("remedy
 * remove-scl-bypass"), internal option names ("options efSkipIps / useVendorRanges") or the source
 * tags of our research notes ("SAMPLE-51932346802", "HDR 2025").
 *
 * The patterns below are what such words look like; each was seen in the product before and is
 * checked against every scenario, the hand-built route shapes and hostile inputs.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Analysis, Remedy } from '../../../src/core/types';
import { analyze } from '../../../src/core/analyze';
import { generateByIds, REMEDY_ID_LIST, type RemedyOptions } from '../../../src/core/remedy';
import { EXPLANATIONS } from '../../../src/core/diagnose/explanations';
import { listVendors } from '../../../src/core/net/kb';
import { PROVIDER_HOSTS, PROVIDER_RANGES } from '../../../src/core/net/kb/providers';
import * as msData from '../../../src/core/parse/microsoft-data';
import { renderMarkdownReport } from '../../../src/core/report/markdown';
import { renderHtmlReport } from '../../../src/core/report/html';
import { formatRemedy, formatText } from '../../../src/cli/format-text';
import { EfcConsolidator, connectorStateFromOption } from '../../../src/cli/fix-batch';
import { efcFacts } from '../../../src/cli/engine';
import { renderPanelHtml, type PanelAssets } from '../../../src/extension/features/panelView';
import { SCENARIOS, buildCached, hostileInputs, zoneResolver } from '../../fixtures/scenarios';
import { barracudaToGmail, cloudflareToEop, deviceToEop, mimecastEfcActive, phishDirect, proofpointOnPremToEop, proofpointToEop } from './analysis-builder';

/** Option names of the engine's API that are not settings or CLI options anywhere. */
const API_OPTIONS = [
  'efSkipIps',
  'useVendorRanges',
  'gatewayIps',
  'mergeRanges',
  'pilotUsers',
  'relayCertificateName',
  'certificateName',
  'newConnectorName',
  'currentSpf',
  'deviceIp',
  'trustedSealers',
  'sclRuleNames',
  'mxHost',
];

const INTERNAL: Array<[string, RegExp]> = [
  ['test seed', /\bseeds? \d{3}\b/i],
  ['our documents', /\b(?:DOMAIN|DESIGN|TRUST-EVIDENCE|LIBRARIES|COMMON|ISSUE-[\w-]+)\.md\b|\bdocs\/[\w-]+\.md\b/],
  ['a section of our documents', /\.md §|\bDOMAIN §/],
  ['an issue number', /\bissues? #?\d+\b/i],
  ['a remedy id', /\bremed(?:y|ies) (?:[a-z]+-)+[a-z]+\b/],
  ['an API option name', new RegExp(`\\b(?:${API_OPTIONS.join('|')})\\b`)],
  ['a research-note source tag', /\bSAMPLE(?:-\d+|:)|\bHDR 20\d\d\b|\bMHA\b/],
  ['a source file', /\b(?:src|test)\/[\w/.-]+\.ts\b/],
];

function problems(text: string): string[] {
  return INTERNAL.filter(([, re]) => re.test(text)).map(([what, re]) => `${what}: ${JSON.stringify(re.exec(text)![0])} in ${JSON.stringify(text.slice(0, 200))}`);
}

function remedyTexts(r: Remedy): string[] {
  return [r.title, r.why ?? '', r.text, ...r.preChecks, ...r.rollback, ...r.verify, ...r.caveats, ...r.omitted.map((o) => o.reason), formatRemedy(r)];
}

const ASSETS: PanelAssets = {
  cspSource: "'self'",
  nonce: 'abcdefghijklmnopqrstuvwxyz012345',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/panel.css',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/panel.js',
};

/** Everything a user can read about one analysis. */
function analysisTexts(a: Analysis, options: RemedyOptions[]): string[] {
  const out: string[] = [];
  for (const f of a.findings) out.push(f.message, ...f.evidence.map((e) => e.note ?? ''));
  for (const r of a.remedies) out.push(...remedyTexts(r));
  for (const o of options) for (const r of generateByIds(a, REMEDY_ID_LIST, o)) out.push(...remedyTexts(r));
  out.push(formatText(a, { color: false }), renderMarkdownReport(a, { generatedAt: '2026-03-11T08:00:00Z' }), renderHtmlReport(a, { generatedAt: '2026-03-11T08:00:00Z' }));
  out.push(renderPanelHtml({ kind: 'summary', analysis: a }, ASSETS).html);
  a.findings.forEach((f, i) => out.push(renderPanelHtml({ kind: 'finding', analysis: a, finding: f, findingIndex: i }, ASSETS).html));
  return out;
}

const OPTION_SETS: RemedyOptions[] = [
  {},
  { useVendorRanges: false, cloud: 'gcc-high' },
  { connectorName: 'From Gateway', certificateName: '*.gateway.example', efSkipIps: ['198.51.100.0/28', 'not an address'], gatewayIps: ['198.51.100.5'], pilotUsers: ['alice@contoso.com'] },
];

/** Every string value in a data structure (the knowledge base and the header tables hovers read). */
function strings(v: unknown, skipKeys: ReadonlySet<string> = new Set(), out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, skipKeys, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (!skipKeys.has(k)) strings(x, skipKeys, out);
  return out;
}

describe('no internal words in what a user reads', () => {
  test('the patterns catch the internal words seen before, and pass public citations', () => {
    for (const bad of [
      'Known side effect (seed 003): mail that reaches Microsoft 365 …',
      'see DOMAIN.md §4.1',
      '(remedy remove-scl-bypass, second pre-check)',
      'add the others (options gatewayIps / useVendorRanges)',
      'reports for sharing (issue 10)',
      'source: HDR 2025; SAMPLE-51932346802',
      'SAMPLE: Received fields of real messages',
    ]) {
      assert.ok(problems(bad).length > 0, bad);
    }
    for (const good of [
      'Enhanced Filtering for Connectors in Exchange Online (Microsoft Learn): https://learn.microsoft.com/exchange/mail-flow-best-practices/use-connectors-to-configure-mail-flow/enhanced-filtering-for-connectors',
      'Set-InboundConnector -Identity \'From Proofpoint\' -EFSkipLastIP $false -EFSkipIPs @{Add=\'148.163.138.245\'}',
      'or list it in Mail Flow Lens: Trusted Relays (CLI: --trusted-relay)',
      'RFC 8601: Message Header Field for Indicating Message Authentication Status',
    ]) {
      assert.deepEqual(problems(good), [], good);
    }
  });

  test('explanations: every field, document and background article', () => {
    const bad: string[] = [];
    for (const e of Object.values(EXPLANATIONS)) {
      for (const t of [e.title, e.whatHappened, e.whyItMatters, e.howToFix, e.howToVerify, ...e.docs.map((d) => `${d.title} ${d.url}`), ...e.seeds]) bad.push(...problems(t).map((p) => `${e.id}: ${p}`));
    }
    assert.deepEqual(bad, []);
  });

  test('what hovers show: the knowledge base and the meanings of Microsoft header fields', () => {
    // the header tables' own `source` tags are notes for maintainers; hovers show the meanings
    const bad = [
      ...strings(listVendors()),
      ...strings(PROVIDER_HOSTS),
      ...strings(PROVIDER_RANGES),
      ...strings(msData, new Set(['source'])),
    ].flatMap(problems);
    assert.deepEqual(bad, []);
  });

  test('every scenario: findings, remedies, CLI text, reports and the panel', async () => {
    const bad: string[] = [];
    const analyses: Array<[string, Analysis]> = [];
    for (const sc of SCENARIOS) {
      const built = await buildCached(sc.id);
      const a = await analyze(built.bytes, { name: `${sc.id}.eml`, dnsMode: 'recorded', resolver: zoneResolver(built.dnsZone), receivingDomains: [built.facts.recipientDomain] });
      analyses.push([sc.id, a]);
      for (const t of analysisTexts(a, OPTION_SETS)) bad.push(...problems(t).map((p) => `${sc.id}: ${p}`));
    }
    // and the folder fix over all of them, from each connector state
    for (const state of [undefined, 'last-ip', 'off', '148.163.138.0/24']) {
      const c = new EfcConsolidator();
      for (const [id, a] of analyses) c.add(`${id}.eml`, efcFacts(a));
      const out = c.build(undefined, state === undefined ? undefined : connectorStateFromOption(state));
      bad.push(...problems(out.script ?? out.none ?? '').map((p) => `folder fix (${state}): ${p}`));
    }
    assert.deepEqual(bad, []);
  });

  test('hand-built route shapes and hostile inputs', async () => {
    const bad: string[] = [];
    for (const [name, a] of [
      ['proofpoint', proofpointToEop()],
      ['proofpoint-onprem', proofpointOnPremToEop()],
      ['mimecast-efc', mimecastEfcActive()],
      ['cloudflare', cloudflareToEop()],
      ['barracuda-gmail', barracudaToGmail()],
      ['device', deviceToEop()],
      ['phish', phishDirect()],
    ] as const) {
      for (const o of OPTION_SETS) for (const r of generateByIds(a, REMEDY_ID_LIST, o)) for (const t of remedyTexts(r)) bad.push(...problems(t).map((p) => `${name}: ${p}`));
    }
    for (const h of hostileInputs()) {
      let a: Analysis;
      try {
        a = await analyze(h.bytes, { name: `${h.id}.eml`, dnsMode: 'off' });
      } catch {
        continue;
      }
      for (const t of analysisTexts(a, [{}])) bad.push(...problems(t).map((p) => `hostile ${h.id}: ${p}`));
    }
    assert.deepEqual(bad, []);
  });
});
