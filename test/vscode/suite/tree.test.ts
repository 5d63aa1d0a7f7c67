// The Route view inside a real VS Code: hops oldest first with their roles and icons, the gateway
// named, the hop where authentication broke marked, the auth stamps written at each hop labelled
// verdict / claim and coloured by outcome, the findings group, selection both ways between the tree
// and the editor, updates on edits, and header text kept as text in tooltips.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import type { RouteNode } from '../../../src/extension/tree';
import { closeAll, iconColor, iconId, labelOf, lensApi, openMessage, openUntitledMessage, scenario, waitFor, workspaceFile } from './mfl-helpers';

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

describe('Route view (tree)', () => {
  let api: MailFlowLensApi;

  before(async () => {
    api = await lensApi();
  });
  after(closeAll);

  it('shows the Proofpoint → Exchange Online route oldest first, roles as icons, the gateway named', async () => {
    const s = await scenario('proofpoint');
    const { analysis } = await openMessage(api, s.uri);
    const roots = api.tree.getChildren();
    assert.equal(roots[0].kind, 'summary');
    assert.equal(labelOf(api.tree.getTreeItem(roots[0])), 'Invoice INV-20417 for March deliveries');

    const hops = roots.filter((n) => n.kind === 'hop');
    assert.equal(hops.length, s.facts.hops.length, 'one node per Received field');
    hops.forEach((n, i) => {
      const item = api.tree.getTreeItem(n);
      const fact = s.facts.hops[i];
      assert.equal(n.hop?.index, i, 'oldest first');
      assert.equal(n.hop?.role, s.facts.expectedRoles[i], `role of hop ${i + 1}`);
      assert.equal(iconId(item), expectedIcon(s.facts.expectedRoles[i], 'exchange-online'), `icon of hop ${i + 1} (${s.facts.expectedRoles[i]})`);
      assert.ok(labelOf(item).includes(fact.byHost), `hop ${i + 1} label "${labelOf(item)}" names the receiving host ${fact.byHost}`);
      assert.ok(String(item.description).includes(fact.fromIp ?? fact.fromHelo ?? '(none)'), `hop ${i + 1} description "${item.description}" shows the connecting IP`);
      assert.equal(item.id, n.id);
    });

    // the receiver-edge hop: connecting IP is Proofpoint's, vendor named
    const edge = hops[s.facts.entryHopIndex];
    const edgeItem = api.tree.getTreeItem(edge);
    assert.match(String(edgeItem.description), new RegExp(`${s.facts.connectingIp.replace(/\./g, '\\.')} · Proofpoint`));
    const gw = api.tree.getTreeItem(hops[1]);
    assert.equal(iconId(gw), 'shield');
    assert.ok(String(gw.description).includes('Proofpoint'), `gateway description "${gw.description}"`);
    assert.equal(analysis.hops.length, hops.length);
  });

  it('marks the hop where authentication broke, and only that one', async () => {
    const s = await scenario('proofpoint');
    await openMessage(api, s.uri);
    const hops = api.tree.getChildren().filter((n) => n.kind === 'hop');
    assert.equal(s.facts.breakHopIndex, 1);
    hops.forEach((n, i) => {
      const item = api.tree.getTreeItem(n);
      if (i === s.facts.breakHopIndex) {
        assert.match(String(item.description), /^⚠ broke here · /);
        assert.equal(iconColor(item), 'errorForeground');
        assert.equal(item.contextValue, 'mailflowLens.hop.broken');
        assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Expanded, 'the break hop opens expanded');
      } else {
        assert.ok(!String(item.description).includes('broke here'), `hop ${i + 1} is not the break hop`);
        assert.equal(iconColor(item), undefined);
      }
    });
  });

  it("lists the hop's details and its auth stamps: receiver's verdict vs gateway claim, coloured by outcome", async () => {
    const s = await scenario('proofpoint');
    await openMessage(api, s.uri);
    const hops = api.tree.getChildren().filter((n) => n.kind === 'hop');
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

  it('groups the findings with their severity and evidence', async () => {
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
  });

  it('selecting a hop selects its Received lines; moving the cursor selects the hop under it', async () => {
    const s = await scenario('proofpoint');
    const { editor, analysis } = await openMessage(api, s.uri);
    await vscode.commands.executeCommand('mailflowLens.route.focus');
    await waitFor(() => api.treeView.visible, 'the Route view to be visible');
    const hops = api.tree.getChildren().filter((n) => n.kind === 'hop');
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

  it('Mimecast with Enhanced Filtering: gateway named, no break marker', async () => {
    const s = await scenario('mimecast');
    await openMessage(api, s.uri);
    const hops = api.tree.getChildren().filter((n) => n.kind === 'hop');
    assert.equal(hops.length, s.facts.hops.length);
    hops.forEach((n, i) => assert.equal(n.hop?.role, s.facts.expectedRoles[i], `role of hop ${i + 1}`));
    const gw = hops.findIndex((n) => n.hop?.role === 'gateway');
    assert.ok(gw >= 0);
    assert.ok(String(api.tree.getTreeItem(hops[gw]).description).includes('Mimecast'));
    for (const n of hops) assert.ok(!String(api.tree.getTreeItem(n).description).includes('broke here'));
  });

  it('Barracuda → Gmail: Google hops get the mail icon, the Barracuda hop the shield', async () => {
    const s = await scenario('barracuda');
    await openMessage(api, s.uri);
    const hops = api.tree.getChildren().filter((n) => n.kind === 'hop');
    assert.equal(hops.length, s.facts.hops.length);
    hops.forEach((n, i) => {
      assert.equal(n.hop?.role, s.facts.expectedRoles[i], `role of hop ${i + 1}`);
      assert.equal(iconId(api.tree.getTreeItem(n)), expectedIcon(s.facts.expectedRoles[i], 'gmail'), `icon of hop ${i + 1}`);
    });
    const edge = api.tree.getTreeItem(hops[s.facts.entryHopIndex]);
    assert.ok(String(edge.description).includes('Barracuda'), String(edge.description));
    assert.ok(labelOf(edge).endsWith('mx.google.com'));
  });

  it('follows edits (debounced): removing the newest Received field removes its hop', async () => {
    const s = await scenario('barracuda');
    const text = s.bytes.toString('utf8');
    const { doc, editor, analysis } = await openUntitledMessage(api, text);
    await waitFor(() => api.store.active?.uri.toString() === doc.uri.toString(), 'the untitled message to be active');
    assert.equal(api.tree.getChildren().filter((n) => n.kind === 'hop').length, analysis.hops.length);
    const newest = analysis.hops[analysis.hops.length - 1].lines;
    const ok = await editor.edit((eb) => eb.delete(new vscode.Range(newest.startLine, 0, newest.endLine + 1, 0)));
    assert.ok(ok);
    await waitFor(() => api.tree.getChildren().filter((n) => n.kind === 'hop').length === analysis.hops.length - 1, 'the tree to drop the hop');
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
