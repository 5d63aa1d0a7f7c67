/**
 * Every sentence a remedy or an explanation shows comes from a statement record that names its
 * public sources, and those sources are listed with the fix. This test walks every generator over
 * every fixture scenario (the whole pipeline, several option sets), the hand-built analyses and the
 * folder fix, splits what a user reads into prose, and fails on any piece of prose that no record
 * accounts for (a sentence written straight into a generator), on a record without sources, and on
 * a fix whose "Public sources" block does not list exactly the sources of what it says.
 *
 * docs/sources.md is generated from the same records: the test fails when it is out of date;
 * UPDATE_GOLDEN=1 rewrites it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Analysis, Remedy } from '../../../src/core/types';
import { analyze } from '../../../src/core/analyze';
import { generateByIds, REMEDY_ID_LIST, type RemedyOptions } from '../../../src/core/remedy';
import { STATEMENTS } from '../../../src/core/remedy/statements';
import { SOURCES, citation, sourceById, sourceByUrl } from '../../../src/core/remedy/sources';
import { allStatements, sourcesMarkdown } from '../../../src/core/remedy/catalogue';
import { EXPLANATIONS, EXPLANATION_STATEMENTS } from '../../../src/core/diagnose/explanations';
import { listVendors } from '../../../src/core/net/kb';
import { EfcConsolidator, connectorStateFromOption } from '../../../src/cli/fix-batch';
import { efcFacts } from '../../../src/cli/engine';
import { SCENARIOS, buildCached, hostileInputs, zoneResolver } from '../../fixtures/scenarios';
import { MIN_LITERAL, compile, explain, explainDeep, isCitationLine, literalLength, proseOf, type ProseUnit } from './prose';
import {
  arcSet,
  barracudaToGmail,
  cloudflareToEop,
  deviceToEop,
  mimecastEfcActive,
  phishDirect,
  proofpointOnPremToEop,
  proofpointToEop,
} from './analysis-builder';

const ROOT = path.resolve(__dirname, '../../../..');
const SOURCES_MD = path.join(ROOT, 'docs', 'sources.md');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const ALL = allStatements();
const COMPILED = compile(ALL);

/** Option sets that reach the other branches of the generators (values the user gives). */
const OPTION_SETS: RemedyOptions[] = [
  {},
  { useVendorRanges: false },
  {
    connectorName: 'From Gateway',
    newConnectorName: 'Only via the gateway',
    certificateName: '*.gateway.example',
    relayCertificateName: 'relay.contoso.com',
    efSkipIps: ['198.51.100.0/28', '10.1.2.3', '40.107.1.1', '2001:db8::7', 'not an address'],
    gatewayIps: ['198.51.100.5', '2001:db8::5', '198.51.100.0/20'],
    mergeRanges: true,
    pilotUsers: ['alice@contoso.com', 'bad address'],
    currentSpf: 'v=spf1 ip4:203.0.113.80 include:spf.protection.outlook.com -ip4:198.51.100.0/24 ~all',
    trustedSealers: ['pphosted.com'],
    sclRuleNames: ['Bypass spam filtering for the gateway'],
    mxHost: 'contoso-com.l-v1.mx.microsoft',
  },
  { cloud: 'gcc-high' },
  { cloud: '21vianet', deviceIp: '198.51.100.25' },
];

function unexplainedIn(units: ProseUnit[]): ProseUnit[] {
  return units.filter((u) => !isCitationLine(u.text) && !explain(u.text, COMPILED));
}

/** The citation lines at the end of a remedy's text ("Title (Publisher, date): url"). */
function citedUrls(r: Remedy): string[] {
  const out: string[] = [];
  for (const line of r.text.split('\n')) {
    const t = line.replace(/^[#;]\s*/, '').replace(/^- /, '').trim();
    if (isCitationLine(t)) out.push(t.slice(t.lastIndexOf(': https://') + 2));
  }
  return out;
}

/** Checks one remedy: its prose is made of records; its sources block lists exactly their sources. */
function checkRemedy(r: Remedy, label: string): void {
  const units = proseOf(r);
  const bad = unexplainedIn(units);
  assert.deepEqual(
    bad.map((u) => `${u.where}: ${u.text}`),
    [],
    `${label} ${r.id}: prose that no statement record accounts for`,
  );
  const want = new Set<string>();
  for (const u of units) {
    if (isCitationLine(u.text)) continue;
    for (const id of explainDeep(u.text, COMPILED) ?? []) for (const s of ALL[id].sources) if (s !== 'product') want.add(sourceById(s).url);
  }
  const cited = citedUrls(r);
  assert.equal(new Set(cited).size, cited.length, `${label} ${r.id}: a source is listed twice`);
  // every statement shown has its documents listed; nothing else is listed except the vendor pages
  // that publish the addresses the fix uses
  for (const u of want) assert.ok(cited.includes(u), `${label} ${r.id}: ${u} is a source of what it says but is not listed`);
  for (const u of cited) {
    const vendorPage =
      (listVendors().some((v) => v.ipRanges.some((x) => x.url === u)) && r.text.includes('published range')) ||
      (listVendors().some((v) => v.dnsPublished.some((x) => x.url === u)) && [r.text, ...r.caveats].some((t) => t.includes(' in DNS at ')));
    assert.ok(want.has(u) || vendorPage, `${label} ${r.id}: ${u} is listed but nothing shown rests on it`);
  }
}

async function pipeline(id: string): Promise<Analysis> {
  const built = await buildCached(id);
  return analyze(built.bytes, {
    name: `${id}.eml`,
    dnsMode: 'recorded',
    resolver: zoneResolver(built.dnsZone),
    receivingDomains: [built.facts.recipientDomain],
  });
}

describe('statement records and their sources', () => {
  test('every record names at least one known source and has literal text of its own', () => {
    for (const [id, r] of Object.entries(ALL)) {
      assert.ok(r.sources.length > 0, `${id} has no source`);
      for (const s of r.sources) if (s !== 'product') assert.doesNotThrow(() => sourceById(s), `${id}: unknown source ${s}`);
      assert.ok(literalLength(r.text) >= MIN_LITERAL, `${id}: a record must say something itself, not only hold values`);
      assert.equal(new Set(r.sources).size, r.sources.length, `${id}: a source listed twice`);
    }
    // explanation records and remedy records do not share ids
    for (const id of Object.keys(EXPLANATION_STATEMENTS)) assert.ok(!Object.prototype.hasOwnProperty.call(STATEMENTS, id), id);
  });

  test('every source is a public document with title, publisher, https address and dates', () => {
    const ids = new Set<string>();
    for (const s of SOURCES) {
      assert.ok(!ids.has(s.id), `duplicate source ${s.id}`);
      ids.add(s.id);
      assert.ok(s.title.length > 5 && s.publisher.length > 2, s.id);
      assert.equal(new URL(s.url).protocol, 'https:', s.id);
      assert.match(s.checked, /^\d{4}-\d{2}-\d{2}$/, s.id);
      if (s.date !== null) assert.match(s.date, /^\d{4}(-\d{2}(-\d{2})?)?$/, s.id);
      const used =
        Object.values(ALL).some((r) => r.sources.includes(s.id)) ||
        listVendors().some((v) => v.ipRanges.some((x) => x.url === s.url) || v.dnsPublished.some((x) => x.url === s.url));
      assert.ok(used, `${s.id} is cited by nothing`);
    }
  });

  test('the documents the experts named are cited with their exact titles and addresses', () => {
    const want: Array<[string, string]> = [
      ['Enhanced Filtering for Connectors in Exchange Online', 'https://learn.microsoft.com/exchange/mail-flow-best-practices/use-connectors-to-configure-mail-flow/enhanced-filtering-for-connectors'],
      ['Enabling a connector to resolve SMTP relay service email issues in Microsoft Exchange', 'https://help.bullphishid.kaseya.com/help/Content/12_Safelisting_guides/Resolving_SMTP_relay_issues.htm'],
      ['Resolving SMTP relay service email issues in Microsoft Exchange and Google Workspace', 'https://help.bullphishid.kaseya.com/help/Content/12_Safelisting_guides/Resolving_SMTP_relay_issues.htm'],
      ['Configure Exchange Online to accept SMTP connection only from specific mail security gateway', 'https://o365info.com/tag/block-smtp-access/'],
      [
        'How to set up a multifunction device or application to send email using Microsoft 365 or Office 365',
        'https://learn.microsoft.com/exchange/mail-flow-best-practices/how-to-set-up-a-multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365',
      ],
      ['Introducing more control over Direct Send in Exchange Online', 'https://techcommunity.microsoft.com/blog/exchange/introducing-more-control-over-direct-send-in-exchange-online/4408790'],
      ['Updated Exchange Online SMTP AUTH Basic Authentication Deprecation Timeline', 'https://techcommunity.microsoft.com/blog/exchange/updated-exchange-online-smtp-auth-basic-authentication-deprecation-timeline/4489835'],
      ['Egress IPs', 'https://developers.cloudflare.com/cloudflare-one/email-security/setup/pre-delivery-deployment/egress-ips/'],
    ];
    for (const [title, url] of want) assert.ok(SOURCES.some((s) => s.title === title && s.url === url), title);
  });

  test('every range a vendor publishes names its page, and that page is in the source list', () => {
    let published = 0;
    for (const v of listVendors()) {
      for (const r of v.ipRanges) {
        if (r.status !== 'published') {
          assert.equal(r.url, undefined, `${v.id} ${r.range}: only published ranges carry a page`);
          continue;
        }
        published++;
        assert.ok(r.url && sourceByUrl(r.url), `${v.id} ${r.range}: its page is not in the source list`);
        assert.match(r.asOf, /^\d{4}-\d{2}-\d{2}$/);
      }
    }
    assert.ok(published > 0, 'at least one vendor publishes its ranges');
  });

  test('docs/sources.md is generated from the records', () => {
    const md = sourcesMarkdown();
    if (UPDATE) fs.writeFileSync(SOURCES_MD, md);
    assert.ok(fs.existsSync(SOURCES_MD), 'docs/sources.md is missing (UPDATE_GOLDEN=1 writes it)');
    assert.equal(fs.readFileSync(SOURCES_MD, 'utf8'), md, 'docs/sources.md is out of date (UPDATE_GOLDEN=1 rewrites it)');
    for (const s of SOURCES) assert.ok(md.includes(`- Link: ${s.url}`) && md.includes(`### ${s.title}`), s.id);
    for (const id of Object.keys(ALL)) assert.ok(md.includes(`| \`${id}\` |`), id);
  });
});

describe('the matcher that traces prose to records', () => {
  test('a record with its values filled in is explained; a changed word or an invented sentence is not', () => {
    const text = STATEMENTS['unconfirmed.why'].text.replace('{ips}', '148.163.138.245').replace('{be}', 'is');
    assert.deepEqual(explain(text, COMPILED), ['unconfirmed.why']);
    assert.equal(explain(text.replace('Confirm it first.', 'Trust it.'), COMPILED), null);
    assert.equal(explain('Enhanced Filtering skips link-local addresses by itself.', COMPILED), null);
    assert.equal(explain('148.163.138.245', COMPILED), null, 'a value alone is not a statement');
    // two records in a row, single space between them
    const two = `${STATEMENTS['directSend.caveat.tenantWide'].text} ${STATEMENTS['directSend.verify.legitimate'].text}`;
    assert.deepEqual(explain(two, COMPILED), ['directSend.caveat.tenantWide', 'directSend.verify.legitimate']);
  });

  test('citation lines must name a listed source exactly', () => {
    const s = sourceById('ms-efc');
    assert.ok(isCitationLine(`${citation(s)}: ${s.url}`));
    assert.ok(!isCitationLine(`${citation(s)}: https://example.com/other`));
    assert.ok(!isCitationLine(`Enhanced Filtering (blog): ${s.url}`));
  });

  test('prose a generator wrote itself is caught', () => {
    const [r] = generateByIds(proofpointToEop(), ['efc-skip-last-ip']);
    checkRemedy(r, 'baseline');
    const tampered = { ...r, caveats: [...r.caveats, 'Enhanced Filtering also skips CGNAT addresses by itself.'] };
    assert.throws(() => checkRemedy(tampered, 'tampered'), /prose that no statement record accounts for/);
    const header = { ...r, text: r.text.replace('# Review before running', '# This is always safe to run.\n# Review before running') };
    assert.throws(() => checkRemedy(header, 'tampered header'), /prose that no statement record accounts for/);
  });
});

describe('every generated remedy sentence traces to a sourced record', () => {
  for (const sc of SCENARIOS) {
    test(`scenario ${sc.id}: every generator, several option sets`, async () => {
      const a = await pipeline(sc.id);
      for (const r of a.remedies) checkRemedy(r, `${sc.id} (findings)`);
      let n = 0;
      for (const o of OPTION_SETS) {
        for (const r of generateByIds(a, REMEDY_ID_LIST, o)) {
          checkRemedy(r, `${sc.id} ${JSON.stringify(o).slice(0, 40)}`);
          n++;
        }
      }
      assert.deepEqual(a.problems.filter((p) => p.code === 'remedy-failed'), [], `${sc.id}: a generator failed`);
      if (!a.facts.receiver.consumer && a.facts.receiver.kind !== 'unknown') assert.ok(n > 0, `${sc.id}: nothing generated`);
    });
  }

  test('hand-built analyses (every route shape the generators know)', () => {
    const cases: Array<[string, () => Analysis]> = [
      ['proofpoint', () => proofpointToEop({ arcSets: [arcSet(1, 'pphosted.com'), arcSet(2, 'microsoft.com', 'arcselector10001')] }, { cip: '148.163.138.245', sfv: 'SKN', ipv: 'CAL', scl: -1 })],
      ['proofpoint-onprem', () => proofpointOnPremToEop()],
      ['mimecast-efc', () => mimecastEfcActive()],
      ['cloudflare', () => cloudflareToEop()],
      ['barracuda-gmail', () => barracudaToGmail()],
      ['device', () => deviceToEop()],
      ['phish', () => phishDirect()],
    ];
    for (const [name, make] of cases) {
      for (const o of OPTION_SETS) {
        const a = make();
        for (const r of generateByIds(a, REMEDY_ID_LIST, o)) checkRemedy(r, name);
        assert.deepEqual(a.problems, [], name);
      }
    }
  });

  test('hostile inputs: whatever is generated is still made of records', async () => {
    for (const h of hostileInputs()) {
      let a: Analysis;
      try {
        a = await analyze(h.bytes, { name: `${h.id}.eml`, dnsMode: 'off' });
      } catch {
        continue; // not a message at all
      }
      for (const r of generateByIds(a, REMEDY_ID_LIST, {})) checkRemedy(r, `hostile ${h.id}`);
    }
  });

  test('the folder fix: its comments are records too', async () => {
    const analyses = await Promise.all(SCENARIOS.map(async (sc) => [sc.id, await pipeline(sc.id)] as const));
    let scripts = 0;
    for (const state of ['last-ip', 'off', '198.51.100.20,203.0.113.80', undefined]) {
      for (const name of ['From Gateway', undefined]) {
        const c = new EfcConsolidator();
        for (const [id, a] of analyses) c.add(`${id}.eml`, efcFacts(a));
        const out = c.build(name, state === undefined ? undefined : connectorStateFromOption(state));
        const text = out.script ?? out.none ?? '';
        assert.ok(text, 'the folder fix says something');
        if (out.script) scripts++;
        const units: ProseUnit[] = [];
        text.split('\n').forEach((l, i) => {
          const t = l.replace(/^#\s*/, '').replace(/^- /, '').trim();
          // the relay table rows are data (address and counts), the commands are code
          if (!t || /^[A-Z][a-z]+-[A-Za-z]+(?: |$)/.test(t) || /^\d[\d.:a-f/]*\s{2,}/.test(t) || isCitationLine(t)) return;
          units.push({ where: `line ${i + 1}`, text: t });
        });
        assert.deepEqual(unexplainedIn(units).map((u) => `${u.where}: ${u.text}`), [], `folder fix (${state}, ${name})`);
      }
    }
    assert.ok(scripts > 0);
  });
});

describe('explanations are records with sources', () => {
  test('every field of every explanation is its record, and its documents are the records\' sources', () => {
    for (const e of Object.values(EXPLANATIONS)) {
      const docs = new Set<string>();
      for (const k of ['title', 'whatHappened', 'whyItMatters', 'howToFix', 'howToVerify'] as const) {
        const rec = EXPLANATION_STATEMENTS[`expl.${e.id}.${k}`];
        assert.ok(rec, `${e.id}.${k} has no record`);
        assert.equal(e[k], rec.text);
        for (const s of rec.sources) if (s !== 'product') docs.add(sourceById(s).url);
      }
      const listed = new Set([...e.docs.map((d) => d.url), ...e.seeds.map((s) => s.slice(s.lastIndexOf(': https://') + 2))]);
      assert.deepEqual([...listed].sort(), [...docs].sort(), e.id);
    }
  });
});
