// The Route view inside a real VS Code: the verdict class first, then the organisations the message
// passed (the facts' segments: sender, the recipient's gateway, the recipient) with the hops each
// wrote, oldest first, written `from host [IP] → by host` with the state first; the relays of the
// recipient with their evidence; claimed lines marked; the hop where authentication broke marked
// (only for a message broken in transit); the auth stamps labelled verdict / claim; the findings
// group without internal ids; selection both ways between the tree and the editor; updates on
// edits; header text kept as text in tooltips.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import type { RouteNode } from '../../../src/extension/tree';
import { hopLine } from '../../../src/core/present/route';
import { allNodes, closeAll, iconColor, iconId, labelOf, lensApi, openMessage, openUntitledMessage, scenario, scenarioSnapshot, setSetting, waitFor, workspaceFile } from './mfl-helpers';

/** The icon each role must get, as the README's route table describes it. */
function expectedIcon(role: string, receiver: 'exchange-online' | 'gmail'): string {
  switch (role) {
    case 'origin':
      return 'person';
    case 'gateway':
      return 'shield';
    case 'sender-internal':
      return 'server';
    default:
      return receiver === 'gmail' ? 'mail' : 'cloud';
  }
}

const re = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('Route view (tree)', () => {
  let api: MailFlowLensApi;

  before(async () => {
    api = await lensApi();
  });
  after(closeAll);

  it('shows the Proofpoint → Exchange Online route by organisation, oldest first, hops as from host [IP] → by host', async () => {
    const s = await scenario('proofpoint');
    const { analysis } = await openMessage(api, s.uri);
    const roots = api.tree.getChildren();
    assert.equal(roots[0].kind, 'summary');
    const summary = api.tree.getTreeItem(roots[0]);
    assert.equal(labelOf(summary), 'Invoice INV-20417 for March deliveries');
    assert.equal(summary.description, 'Broken in transit', 'the summary names the verdict class');
    const verdict = roots[0].children[0];
    assert.equal(labelOf(api.tree.getTreeItem(verdict)), 'Broken in transit', 'the verdict is the first line of the summary');
    assert.equal(verdict.description, analysis.facts.verdict.summary);

    // one node per organisation, in the facts' order, with role and trust
    const segs = roots.filter((n) => n.kind === 'segment');
    assert.deepEqual(segs.map((n) => n.segment?.role), analysis.facts.segments.map((x) => x.role));
    assert.deepEqual(segs.map((n) => n.label), ['northwindtraders.com', 'Proofpoint', 'Exchange Online']);
    assert.deepEqual(segs.map((n) => String(api.tree.getTreeItem(n).description)), ['sender · claimed', "recipient's gateway · relay", 'recipient · receiver']);
    assert.deepEqual(segs.map((n) => iconId(api.tree.getTreeItem(n))), ['person', 'shield', 'cloud']);

    const hops = api.tree.hopNodes();
    assert.equal(hops.length, s.facts.hops.length, 'one node per Received field');
    hops.forEach((n, i) => {
      const item = api.tree.getTreeItem(n);
      const fact = s.facts.hops[i];
      assert.equal(n.hop?.index, i, 'oldest first');
      assert.equal(n.hop?.role, s.facts.expectedRoles[i], `role of hop ${i + 1}`);
      assert.equal(iconId(item), expectedIcon(s.facts.expectedRoles[i], 'exchange-online'), `icon of hop ${i + 1} (${s.facts.expectedRoles[i]})`);
      // under the organisation that wrote it
      assert.equal(api.tree.getParent(n)?.segment, analysis.facts.segments[analysis.hops[i].segment!], `hop ${i + 1} sits under its segment`);
      // "n. [state · ]from host [IP] → by host"
      const label = labelOf(item);
      assert.ok(label.startsWith(`${i + 1}. `), label);
      assert.ok(label.endsWith(hopLine(analysis.hops[i])), `hop ${i + 1} label "${label}" reads from → by`);
      assert.ok(label.endsWith(`→ ${fact.byHost}`), `hop ${i + 1} names the receiving host after the arrow: "${label}"`);
      if (fact.fromIp) assert.ok(label.includes(`[${fact.fromIp}] → `), `hop ${i + 1} shows the connecting IP beside its own host: "${label}"`);
      assert.equal(item.id, n.id);
    });
    // the entry hop: the gateway's host and IP before the arrow, Microsoft's host after it
    const edge = labelOf(api.tree.getTreeItem(hops[s.facts.entryHopIndex]));
    assert.match(edge, new RegExp(`^${s.facts.entryHopIndex + 1}\\. entry · mx0b-00498f04\\.pphosted\\.com \\[${re(s.facts.connectingIp)}\\] → ${re(s.facts.hops[s.facts.entryHopIndex].byHost)}$`), edge);
    // the sender's lines are marked claimed
    const claimed = hops.filter((n) => n.segment?.trust === 'claimed');
    assert.ok(claimed.length >= 1);
    for (const h of claimed) assert.match(String(api.tree.getTreeItem(h).description), /^claimed/);
    for (const h of hops.filter((n) => n.segment?.trust !== 'claimed')) assert.doesNotMatch(String(api.tree.getTreeItem(h).description ?? ''), /claimed/);
  });

  it("shows the recipient's relay with its evidence and strength under the gateway", async () => {
    const s = await scenario('proofpoint');
    // the recipient domain's MX (recorded DNS) is what makes the Proofpoint relay strong
    await setSetting('dns.snapshotFile', await scenarioSnapshot('proofpoint'));
    await setSetting('dns.mode', 'recorded');
    try {
      const { doc } = await openMessage(api, s.uri);
      const a = await waitFor(() => (api.store.dnsMode(doc.uri) === 'recorded' && api.store.phase(doc.uri) === 'full' ? api.store.get(doc.uri) : undefined), 'the analysis with recorded DNS');
      assert.equal(a.facts.relays[0].strength, 'strong');
      const gw = await waitFor(() => api.tree.segmentNodes().find((n) => n.segment?.role === 'recipient-gateway' && n.children.some((c) => c.relay?.strength === 'strong')), 'the gateway segment with the strong relay');
      const relay = gw.children.find((c) => c.kind === 'relay')!;
      const item = api.tree.getTreeItem(relay);
      // the address and the strength first (they fit the default sidebar width), then the host
      assert.equal(labelOf(item), `Relay ${s.facts.connectingIp}`);
      assert.equal(item.description, 'strong evidence · mx0b-00498f04.pphosted.com');
      // the tooltip names the vendor and the host (MarkdownString.appendText writes spaces as &nbsp;)
      assert.match((item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\/g, ''), /Relay of the recipient: Proofpoint mx0b-00498f04\.pphosted\.com/);
      const kinds = relay.children.map((c) => [c.label, String(c.description)]);
      assert.ok(kinds.some(([l, d]) => l === 'MX record' && d.startsWith('strong · the MX of contoso.com')), JSON.stringify(kinds));
      assert.ok(kinds.some(([l, d]) => l === 'reverse DNS the receiver recorded' && d.startsWith('weak · ')), JSON.stringify(kinds));
      const dns = api.tree.getChildren()[0].children.find((c) => c.label === 'DNS');
      assert.equal(dns?.description, 'recorded (snapshot file)');
    } finally {
      await setSetting('dns.mode', undefined);
      await setSetting('dns.snapshotFile', undefined);
    }
  });

  it('marks the hop where authentication broke, state first, and only that one', async () => {
    const s = await scenario('proofpoint');
    const { analysis } = await openMessage(api, s.uri);
    const hops = api.tree.hopNodes();
    assert.equal(s.facts.breakHopIndex, 1);
    assert.equal(analysis.facts.verdict.breakHopIndex, s.facts.breakHopIndex);
    hops.forEach((n, i) => {
      const item = api.tree.getTreeItem(n);
      if (i === s.facts.breakHopIndex) {
        assert.ok(labelOf(item).startsWith(`${i + 1}. ⚠ broke here · `), labelOf(item));
        assert.equal(iconColor(item), 'errorForeground');
        assert.equal(item.contextValue, 'mailflowLens.hop.broken');
        assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded, 'the break hop opens expanded');
      } else {
        assert.ok(!labelOf(item).includes('broke here'), `hop ${i + 1} is not the break hop`);
        assert.equal(iconColor(item), undefined);
      }
    });
  });

  it("lists the hop's details and its auth stamps: receiver's verdict vs gateway claim, coloured by outcome", async () => {
    const s = await scenario('proofpoint');
    await openMessage(api, s.uri);
    const hops = api.tree.hopNodes();
    const edge = hops[s.facts.entryHopIndex];
    const details = new Map(edge.children.filter((c) => c.kind === 'detail').map((c) => [c.label, api.tree.getTreeItem(c)]));
    assert.equal(details.get('from (HELO)')?.description, s.facts.connectingHelo);
    assert.match(String(details.get('IP')?.description), new RegExp(`^${s.facts.connectingIp.replace(/\./g, '\\.')} · public`));
    assert.equal(details.get('by')?.description, s.facts.hops[s.facts.entryHopIndex].byHost);
    assert.ok(details.has('TLS'), 'TLS detail');
    assert.ok(details.has('time'), 'time detail');

    // EOP's Authentication-Results is the receiver's verdict: spf=fail, dkim=fail, dmarc=fail, compauth=fail
    const stamps = hops.flatMap((h) => h.children.filter((c) => c.kind === 'stamp'));
    const verdict = stamps.find((n) => n.stamp?.kind === 'authentication-results' && n.stamp.trust === 'verdict');
    assert.ok(verdict, 'the verdict stamp is in the tree');
    const vItem = api.tree.getTreeItem(verdict);
    assert.equal(labelOf(vItem), 'Authentication-Results');
    assert.ok(String(vItem.description).startsWith("receiver's verdict"), String(vItem.description));
    assert.ok(String(vItem.description).includes(`spf=${s.facts.verdict.spf}`));
    assert.equal(iconId(vItem), 'error');
    const spf = verdict.children.find((c) => c.label === 'spf');
    assert.ok(spf);
    assert.equal(iconId(api.tree.getTreeItem(spf)), 'error');
    assert.equal(iconColor(api.tree.getTreeItem(spf)), 'testing.iconFailed');

    // Proofpoint's own results (Authentication-Results-Original by ppops.net) are a claim, and they passed
    const claim = stamps.find((n) => n.stamp?.kind === 'authentication-results-original');
    assert.ok(claim, 'the gateway claim is in the tree');
    const cItem = api.tree.getTreeItem(claim);
    assert.ok(String(cItem.description).startsWith('claim'), String(cItem.description));
    assert.equal(iconId(cItem), 'pass');
    assert.equal(iconColor(cItem), 'testing.iconPassed');
    const cDkim = claim.children.find((c) => c.label === 'dkim');
    assert.ok(cDkim);
    assert.equal(iconColor(api.tree.getTreeItem(cDkim)), 'testing.iconPassed');
  });

  it('groups the findings with their severity and evidence, titled in words, never by internal id', async () => {
    const s = await scenario('proofpoint');
    const { analysis } = await openMessage(api, s.uri);
    const group = api.tree.getChildren().find((n) => n.kind === 'findings');
    assert.ok(group, 'Findings group');
    assert.equal(group.children.length, analysis.findings.length);
    const ids = group.children.map((c) => c.finding?.id);
    for (const id of ['dkim-body-modified', 'spf-evaluated-on-relay', 'compauth-fail', 'efc-not-enabled']) assert.ok(ids.includes(id), `finding ${id} in ${ids.join(', ')}`);
    const dkim = group.children.find((c) => c.finding?.id === 'dkim-body-modified')!;
    assert.equal(iconId(api.tree.getTreeItem(dkim)), 'error');
    assert.equal(dkim.children.length, dkim.finding!.evidence.length, 'one child per evidence line range');
    assert.equal(api.tree.getParent(dkim), group);
    // no internal words anywhere in the tree: finding ids, remedy ids, seed numbers
    const internal = [...new Set([...analysis.findings.map((f) => f.id), ...analysis.remedies.map((r) => r.id)])];
    for (const n of allNodes(api)) {
      const item = api.tree.getTreeItem(n);
      const text = `${labelOf(item)} ${item.description ?? ''} ${item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : ''}`;
      for (const id of internal) assert.ok(!text.includes(id), `"${id}" shows in ${labelOf(item)}: ${text.slice(0, 300)}`);
      assert.doesNotMatch(text, /\bseed \d{3}\b/);
    }
  });

  it('selecting a hop selects its Received lines; moving the cursor selects the hop under it', async () => {
    const s = await scenario('proofpoint');
    const { editor, analysis } = await openMessage(api, s.uri);
    await vscode.commands.executeCommand('mailflowLens.route.focus');
    await waitFor(() => api.treeView.visible, 'the Route view to be visible');
    const hops = api.tree.hopNodes();
    const target = hops[s.facts.entryHopIndex];
    const lines = analysis.hops[s.facts.entryHopIndex].lines;
    await (api.treeView as vscode.TreeView<RouteNode>).reveal(target, { select: true, focus: false });
    await waitFor(() => editor.selection.start.line === lines.startLine && editor.selection.end.line === lines.endLine, 'the editor selection to cover the hop');
    assert.match(editor.document.lineAt(editor.selection.start.line).text, /^Received: from mx0b-00498f04\.pphosted\.com/);
    const sel = api.store.selection;
    assert.ok(sel && sel.kind === 'hop' && sel.hop.index === s.facts.entryHopIndex, 'shared selection follows the tree');

    // cursor into the origin hop's Received field (the bottom one)
    const origin = analysis.hops[0].lines;
    editor.selection = new vscode.Selection(origin.endLine, 2, origin.endLine, 2);
    await waitFor(() => {
      const x = api.store.selection;
      return x && x.kind === 'hop' && x.hop.index === 0;
    }, 'the shared selection to follow the cursor to hop 1');
    assert.equal(api.tree.nodeAtLine(origin.startLine)?.id, hops[0].id);
  });

  it('Mimecast with Enhanced Filtering: authentic, the gateway its own organisation, no break marker', async () => {
    const s = await scenario('mimecast');
    const { analysis } = await openMessage(api, s.uri);
    const hops = api.tree.hopNodes();
    assert.equal(hops.length, s.facts.hops.length);
    hops.forEach((n, i) => assert.equal(n.hop?.role, s.facts.expectedRoles[i], `role of hop ${i + 1}`));
    assert.equal(analysis.facts.verdict.class, 'authentic');
    assert.equal(api.tree.getTreeItem(api.tree.getChildren()[0]).description, 'Authentic');
    const gw = api.tree.segmentNodes().find((n) => n.segment?.role === 'recipient-gateway');
    assert.ok(gw && gw.label.startsWith('Mimecast'), `gateway segment ${gw?.label}`);
    const efc = api.tree.getChildren()[0].children.find((c) => c.label === 'Enhanced Filtering');
    assert.equal(efc?.description, 'on');
    for (const n of hops) assert.ok(!labelOf(api.tree.getTreeItem(n)).includes('broke here'));
  });

  it('Barracuda → Gmail: Google hops get the mail icon, the Barracuda hop the shield, Gmail is the recipient', async () => {
    const s = await scenario('barracuda');
    await openMessage(api, s.uri);
    const hops = api.tree.hopNodes();
    assert.equal(hops.length, s.facts.hops.length);
    hops.forEach((n, i) => {
      assert.equal(n.hop?.role, s.facts.expectedRoles[i], `role of hop ${i + 1}`);
      assert.equal(iconId(api.tree.getTreeItem(n)), expectedIcon(s.facts.expectedRoles[i], 'gmail'), `icon of hop ${i + 1}`);
    });
    const segs = api.tree.segmentNodes();
    assert.ok(segs.some((n) => n.segment?.role === 'recipient-gateway' && n.label.startsWith('Barracuda')), segs.map((n) => n.label).join(', '));
    assert.equal(segs[segs.length - 1].label, 'Gmail');
    assert.equal(iconId(api.tree.getTreeItem(segs[segs.length - 1])), 'mail');
    const edge = api.tree.getTreeItem(hops[s.facts.entryHopIndex]);
    assert.ok(labelOf(edge).endsWith('mx.google.com'), labelOf(edge));
  });

  it('follows edits (debounced): removing the newest Received field removes its hop', async () => {
    const s = await scenario('barracuda');
    const text = s.bytes.toString('utf8');
    const { doc, editor, analysis } = await openUntitledMessage(api, text);
    await waitFor(() => api.store.active?.uri.toString() === doc.uri.toString(), 'the untitled message to be active');
    assert.equal(api.tree.hopNodes().length, analysis.hops.length);
    const newest = analysis.hops[analysis.hops.length - 1].lines;
    const ok = await editor.edit((eb) => eb.delete(new vscode.Range(newest.startLine, 0, newest.endLine + 1, 0)));
    assert.ok(ok);
    await waitFor(() => api.tree.hopNodes().length === analysis.hops.length - 1, 'the tree to drop the hop');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('keeps attacker-controlled header text as text (untrusted Markdown tooltips, no HTML)', async () => {
    await openMessage(api, workspaceFile('hostile-headers.eml'));
    const roots = api.tree.getChildren();
    const all: RouteNode[] = [];
    const walk = (ns: RouteNode[]) => ns.forEach((n) => (all.push(n), walk(n.children)));
    walk(roots);
    assert.ok(all.length > 10);
    for (const n of all) {
      const item = api.tree.getTreeItem(n);
      const label = labelOf(item);
      assert.ok(!/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/.test(label + String(item.description ?? '')), `control/bidi characters in "${label}"`);
      if (item.tooltip instanceof vscode.MarkdownString) {
        // the fixture's Received line carries U+202E, U+200F and an isolate; tooltips show its text
        assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/.test(item.tooltip.value), `control/bidi characters in the tooltip of "${label}": ${JSON.stringify(item.tooltip.value)}`);
        assert.equal(item.tooltip.isTrusted, false, `tooltip of ${label} must not be trusted`);
        assert.ok(!item.tooltip.supportHtml, `tooltip of ${label} must not render HTML`);
        assert.ok(!/\]\(command:/.test(item.tooltip.value), `a command link survived in ${JSON.stringify(item.tooltip.value)}`);
        assert.ok(!/(^|[^\\])\[click me\]/.test(item.tooltip.value), 'link text escaped');
        assert.ok(!/(^|[^\\])\$\(zap\)/.test(item.tooltip.value), 'codicon syntax from the message escaped');
      }
    }
    const summary = api.tree.getTreeItem(roots[0]);
    const tip = summary.tooltip as vscode.MarkdownString;
    assert.ok(tip.value.includes('\\[Support\\]'), `the From display name's link syntax is escaped: ${tip.value}`);
    assert.ok(!tip.value.includes('](javascript:'), 'no javascript: link');
    assert.equal(labelOf(summary), "<script>alert('subject')</script> moc.elgoog", 'the subject is shown as text, bidi override removed');
  });
});
