// The trust model in a real VS Code: one verdict class per message, used alike by the status bar,
// the tree, the break marker and the report (a spoof is never "broken on the way"); a consumer
// mailbox says why there is no connector advice; in Restricted Mode the workspace's values of every
// setting that can change a generated script are ignored, and the scripts name where the trusted
// relays came from; the settings carry the product's name.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { after, afterEach, before, describe, it } from 'mocha';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import { renderMarkdownReport } from '../../../src/core/report/markdown';
import { allNodes, closeAll, labelOf, lensApi, openMessage, scenario, setSetting, tempMessage, waitFor } from './mfl-helpers';

const CRLF = '\r\n';
const ATTACKER = '198.51.100.66';
const DATE = 'Tue, 10 Mar 2026 14:05:02 +0000';

/** A phishing message straight from a rented server into an Outlook.com (consumer) mailbox. */
function consumerPhish(): string {
  const tenant = '84df9e7f-e9f6-40af-b435-aaaaaaaaaaaa';
  return [
    `Received: from DM6PR11MB4580.namprd11.prod.outlook.com (2603:10b6:5:2a1::17) by${CRLF} SN6PR11MB3103.namprd11.prod.outlook.com with HTTPS; ${DATE}`,
    `Received: from BN9PR03CA0561.namprd03.prod.outlook.com (2603:10b6:408:138::26)${CRLF} by DM6PR11MB4580.namprd11.prod.outlook.com (2603:10b6:5:2a1::17) with${CRLF} Microsoft SMTP Server (version=TLS1_2,${CRLF} cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8466.17; ${DATE}`,
    `Received: from BN2PEPF000044A8.namprd04.prod.outlook.com${CRLF} (2603:10b6:408:138:cafe::2f) by BN9PR03CA0561.outlook.office365.com${CRLF} (2603:10b6:408:138::26) with Microsoft SMTP Server (version=TLS1_3,${CRLF} cipher=TLS_AES_256_GCM_SHA384) id 15.20.8466.16 via Frontend Transport; ${DATE}`,
    `Authentication-Results: spf=fail (sender IP is ${ATTACKER})${CRLF} smtp.mailfrom=paypal-billing.example; dkim=none (message not signed)${CRLF} header.d=none;dmarc=fail action=oreject${CRLF} header.from=paypal.com;compauth=fail reason=000`,
    `Received-SPF: Fail (protection.outlook.com: domain of paypal-billing.example does${CRLF} not designate ${ATTACKER} as permitted sender)${CRLF} receiver=protection.outlook.com; client-ip=${ATTACKER};${CRLF} helo=mx0a-00123456.pphosted.com;`,
    `Received: from mx0a-00123456.pphosted.com (${ATTACKER}) by${CRLF} BN2PEPF000044A8.mail.protection.outlook.com (10.167.243.102) with Microsoft${CRLF} SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id${CRLF} 15.20.8466.16 via Frontend Transport; ${DATE}`,
    'From: PayPal <service@paypal.com>',
    'To: alex.wilber@outlook.com',
    'Subject: Your account is limited',
    'Date: Tue, 10 Mar 2026 14:04:58 +0000',
    'Message-ID: <e7869fd762c3fc899f5909219f7f48b8@paypal-billing.example>',
    'Return-Path: bounce@paypal-billing.example',
    'X-IncomingHeaderCount: 14',
    `X-Sender-IP: ${ATTACKER}`,
    'X-MS-Exchange-EOPDirect: true',
    'X-MS-Exchange-Organization-AuthAs: Anonymous',
    `X-Forefront-Antispam-Report:${CRLF}\tCIP:${ATTACKER};CTRY:NL;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mx0a-00123456.pphosted.com;PTR:InfoDomainNonexistent;CAT:SPOOF;SFS:(13230040);DIR:INB;`,
    `X-EOPTenantAttributedMessage: ${tenant}:0`,
    `X-MS-Exchange-CrossTenant-Id: ${tenant}`,
    'X-MS-Exchange-CrossTenant-AuthAs: Anonymous',
    'X-MS-Exchange-CrossTenant-FromEntityHeader: Internet',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Confirm your details within 24 hours.',
    '',
  ].join(CRLF);
}

describe('Trust model in the UI', () => {
  let api: MailFlowLensApi;

  before(async () => {
    api = await lensApi();
  });
  after(closeAll);

  it('one verdict class: a spoof is "never authentic" in the status bar, the tree, the marker and the report, never "broke"', async () => {
    const s = await scenario('phish');
    const { doc, analysis } = await openMessage(api, s.uri);
    assert.equal(analysis.facts.verdict.class, 'never-authentic');
    assert.equal(analysis.facts.verdict.kind, 'spoof');
    await waitFor(() => api.statusBar.text === '$(error) Never authentic (spoof)', `status "${api.statusBar.text}"`);
    assert.equal(api.tree.getTreeItem(api.tree.getChildren()[0]).description, 'Never authentic (spoof)');
    for (const n of api.tree.hopNodes()) assert.ok(!labelOf(api.tree.getTreeItem(n)).includes('broke here'), labelOf(api.tree.getTreeItem(n)));
    assert.deepEqual(api.decorations.rangesFor(doc), []);
    const md = renderMarkdownReport(analysis);
    assert.ok(!md.includes('Authentication broke at hop'), 'the report marks no break');
    assert.ok(md.includes(`| Verdict | ${'Never authentic'}`), 'the report states the verdict');
    // and a message broken in transit gets its marker in all of them, on the same hop
    const p = await scenario('proofpoint');
    const pp = await openMessage(api, p.uri);
    const hop = pp.analysis.facts.verdict.breakHopIndex!;
    assert.equal(api.decorations.rangesFor(pp.doc)[0]?.start.line, pp.analysis.hops[hop].lines.startLine);
    assert.ok(labelOf(api.tree.getTreeItem(api.tree.hopNode(hop)!)).includes('⚠ broke here'));
    assert.ok(renderMarkdownReport(pp.analysis).includes(`⚠ Authentication broke at hop ${hop + 1} `));
  });

  it('a consumer mailbox says why there is no connector advice', async () => {
    const uri = tempMessage('consumer-phish', consumerPhish());
    const { analysis } = await openMessage(api, uri);
    assert.equal(analysis.facts.receiver.consumer, true, 'Outlook.com consumer tenant');
    assert.ok(analysis.facts.receiver.consumerReason);
    assert.deepEqual(analysis.remedies, [], 'no connector fix for a consumer mailbox');
    const receiver = api.tree.getChildren()[0].children.find((c) => c.label.startsWith('Receiver: '))!;
    assert.match(String(receiver.description), /consumer mailbox/);
    const advice = receiver.children.find((c) => c.label === 'No connector advice');
    assert.ok(advice, 'the reason is in the tree');
    assert.equal(advice.description, analysis.facts.receiver.consumerReason);
    assert.equal(analysis.facts.verdict.class, 'never-authentic');
    await waitFor(() => api.statusBar.text.startsWith('$(error) Never authentic'), `status "${api.statusBar.text}"`);
    const tip = (api.statusBar.item.tooltip as vscode.MarkdownString).value;
    assert.ok(tip.includes('No connector advice'), 'the status tooltip says it too');
    // the attacker's HELO names a Proofpoint host: it must not show as the recipient's gateway
    assert.ok(!api.tree.segmentNodes().some((n) => n.segment?.role === 'recipient-gateway'), 'no gateway of the recipient');
  });

  it('the sender\'s own lines are marked claimed, the receiver\'s are not', async () => {
    const s = await scenario('proofpoint');
    await openMessage(api, s.uri);
    const nodes = allNodes(api);
    const claimedSeg = nodes.find((n) => n.kind === 'segment' && n.segment?.trust === 'claimed')!;
    assert.match(String(api.tree.getTreeItem(claimedSeg).description), /claimed$/);
    const tip = (api.tree.getTreeItem(claimedSeg).tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.match(tip, /the sender's word/);
  });
});

describe('Restricted Mode and where trusted relays come from', () => {
  let api: MailFlowLensApi;
  const folderSettings = () => path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'settings.json');

  before(async () => {
    api = await lensApi();
  });
  afterEach(async () => {
    api.store.trustOverride = undefined;
    const c = vscode.workspace.getConfiguration('mailFlowLens');
    for (const k of ['trustedRelays', 'connectorName', 'enhancedFilteringFix', 'receivingDomains']) {
      await c.update(k, undefined, vscode.ConfigurationTarget.Workspace);
      await c.update(k, undefined, vscode.ConfigurationTarget.Global);
    }
    await closeAll();
  });
  after(() => {
    // the harness runs on a copy of the workspace, but leave no settings file behind anyway
    try {
      const f = folderSettings();
      if (fs.existsSync(f) && /^\s*\{\s*\}\s*$/.test(fs.readFileSync(f, 'utf8'))) fs.rmSync(path.dirname(f), { recursive: true, force: true });
    } catch {
      // nothing to clean
    }
  });

  it('package.json marks every setting that changes a script or makes a lookup as restricted', () => {
    const pkg = vscode.extensions.getExtension('mailflow-lens.mailflow-lens')!.packageJSON;
    const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const k of ['trustedRelays', 'receivingDomains', 'connectorName', 'enhancedFilteringFix', 'dns.mode', 'dns.snapshotFile', 'dns.server']) {
      assert.ok(restricted.includes(`mailFlowLens.${k}`), `mailFlowLens.${k} is restricted`);
      assert.ok(pkg.contributes.configuration.properties[`mailFlowLens.${k}`], `mailFlowLens.${k} exists`);
    }
  });

  it("an untrusted workspace's trusted relays and connector name never reach the scripts", async () => {
    const s = await scenario('proofpoint');
    const c = vscode.workspace.getConfiguration('mailFlowLens');
    await c.update('trustedRelays', ['148.163.138.245'], vscode.ConfigurationTarget.Workspace);
    await c.update('connectorName', 'Connector From The Folder', vscode.ConfigurationTarget.Workspace);
    await c.update('enhancedFilteringFix', 'skipIps', vscode.ConfigurationTarget.Workspace);
    const { doc } = await openMessage(api, s.uri);

    // untrusted: the folder's values are ignored and the user is told
    api.store.trustOverride = false;
    const restricted = await api.store.resolve(doc);
    assert.deepEqual(restricted.options.trustedRelays, []);
    assert.equal(restricted.options.connectorName, undefined);
    assert.equal(restricted.settings.efcMode, 'auto');
    assert.ok(restricted.notes.some((n) => n.startsWith('Restricted Mode: ') && n.includes('"Mail Flow Lens: Trusted Relays"')), restricted.notes.join(' | '));
    api.store.refreshAll();
    const a = await waitFor(() => {
      const x = api.store.get(doc.uri);
      return api.store.phase(doc.uri) === 'full' && x && !x.facts.relays.some((r) => r.evidence.some((e) => e.kind === 'trusted-relay')) ? x : undefined;
    }, 'the analysis without the folder settings');
    assert.equal(a.facts.relays[0].strength, 'weak');
    for (const r of a.remedies) {
      assert.ok(!r.text.includes('Connector From The Folder'), `${r.id} uses the folder's connector name`);
      assert.ok(!r.text.includes("-EFSkipIPs '148.163.138.245'"), `${r.id} uses the folder's trusted relay`);
    }

    // trusted: the same values apply, and the script says where the address came from
    api.store.trustOverride = true;
    const trusted = await api.store.resolve(doc);
    assert.deepEqual(trusted.options.trustedRelays, ['148.163.138.245']);
    assert.equal(trusted.options.trustedRelaysSource, 'setting "Mail Flow Lens: Trusted Relays" (workspace settings)');
    assert.equal(trusted.options.connectorName, 'Connector From The Folder');
    api.store.refreshAll();
    const b = await waitFor(() => {
      const x = api.store.get(doc.uri);
      return api.store.phase(doc.uri) === 'full' && x?.facts.relays[0]?.strength === 'strong' ? x : undefined;
    }, 'the analysis with the folder settings');
    const skipIps = b.remedies.find((r) => r.id === 'efc-skip-ips')!;
    assert.match(skipIps.text, /-EFSkipIPs '148\.163\.138\.245'/);
    assert.ok(skipIps.text.includes('148.163.138.245: from your configuration (setting "Mail Flow Lens: Trusted Relays" (workspace settings))'), skipIps.text);
  });

  it("in Restricted Mode the user's own settings still apply, and are named as user settings", async () => {
    const s = await scenario('proofpoint');
    const { doc } = await openMessage(api, s.uri);
    await setSetting('trustedRelays', ['148.163.138.245']);
    api.store.trustOverride = false;
    const r = await api.store.resolve(doc);
    assert.deepEqual(r.options.trustedRelays, ['148.163.138.245']);
    assert.equal(r.options.trustedRelaysSource, 'setting "Mail Flow Lens: Trusted Relays" (user settings)');
    assert.ok(!r.notes.some((n) => n.startsWith('Restricted Mode')), 'nothing was ignored');
  });

  it('the settings are titled with the product name, in words', () => {
    const pkg = vscode.extensions.getExtension('mailflow-lens.mailflow-lens')!.packageJSON;
    // the names of version 0.1.0 stay declared as deprecated (see settings-migration.test.ts)
    const props = pkg.contributes.configuration.properties as Record<string, { deprecationMessage?: string }>;
    const keys = Object.keys(props).filter((k) => !props[k].deprecationMessage);
    assert.ok(keys.length >= 9);
    for (const k of keys) {
      assert.ok(k.startsWith('mailFlowLens.'), `${k}: VS Code titles it from the key ("mailFlowLens" → "Mail Flow Lens")`);
      assert.doesNotMatch(k, /efc/i, `${k}: no abbreviation in a title`);
    }
    assert.equal(pkg.contributes.configuration.title, 'Mail Flow Lens');
  });
});
