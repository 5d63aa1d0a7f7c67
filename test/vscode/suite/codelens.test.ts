// Code lenses inside a real VS Code: on the Received field of the entry hop ("Gateway: Proofpoint
// 148.163.138.245 → Generate EFC command" + "Explain") and on the first evidence line of the
// error findings, a fix only paired with a finding it is about (never DKIM with an Enhanced
// Filtering command); the generate lens opens the fix, the explain lens selects and explains.
// The Proofpoint relay is confirmed through the Trusted Relays setting (without it the relay is
// only named by its reverse DNS, and the scripts carry a placeholder).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import { fixDocumentText } from '../../../src/extension/commands';
import { closeAll, lensApi, openMessage, scenario, setSetting, waitFor } from './mfl-helpers';

/** Reverts and closes the active (untitled) editor and waits until VS Code has disposed its document. */
async function closeActiveUntitled(): Promise<void> {
  const doc = vscode.window.activeTextEditor?.document;
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  if (doc?.isUntitled) await waitFor(() => doc.isClosed, 'the untitled document to close', 10000).catch(() => undefined);
}

async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
}

describe('Code lenses (entry hop and broken results)', () => {
  let api: MailFlowLensApi;

  before(async () => {
    api = await lensApi();
    await setSetting('trustedRelays', ['148.163.138.245']);
  });
  after(async () => {
    await setSetting('trustedRelays', undefined);
    await closeAll();
  });

  it('puts "Gateway: Proofpoint <ip> → Generate EFC command" and "Explain" on the entry hop', async () => {
    const s = await scenario('proofpoint');
    const { doc, analysis } = await openMessage(api, s.uri);
    const entry = analysis.hops[analysis.boundary.entryHopIndex!];
    const all = await lenses(doc.uri);
    const onEntry = all.filter((l) => l.range.start.line === entry.lines.startLine);
    const titles = onEntry.map((l) => l.command?.title);
    assert.deepEqual(titles, [`Gateway: Proofpoint ${s.facts.connectingIp} → Generate EFC command`, 'Explain'], JSON.stringify(titles));
    const [gen, explain] = onEntry;
    const recommended = analysis.remedies.find((r) => r.recommended && r.kind === 'efc');
    assert.equal(gen.command?.command, 'mailflowLens.generateFix');
    assert.equal(gen.command?.arguments?.[0], recommended?.id);
    assert.equal(explain.command?.command, 'mailflowLens.explain');
    assert.deepEqual(explain.command?.arguments?.[1], { kind: 'hop', index: entry.index });
  });

  it('puts a lens group on the first evidence line of the error findings', async () => {
    const s = await scenario('proofpoint');
    const { doc, analysis } = await openMessage(api, s.uri);
    const all = await lenses(doc.uri);
    const errorLines = new Set(analysis.findings.filter((f) => f.severity === 'error').map((f) => f.evidence[0].lines.startLine));
    assert.ok(errorLines.size >= 1);
    for (const line of errorLines) {
      const here = all.filter((l) => l.range.start.line === line);
      assert.ok(here.length >= 1, `lens on line ${line}`);
      assert.ok(here.some((l) => l.command?.command === 'mailflowLens.explain'), `explain lens on line ${line}`);
      const first = analysis.findings.find((f) => f.severity === 'error' && f.evidence[0].lines.startLine === line)!;
      const gen = here.find((l) => l.command?.command === 'mailflowLens.generateFix');
      if (first.remedies.length) assert.ok(gen, `generate lens for ${first.id}`);
      if (gen) assert.match(gen.command!.title, / → Generate EFC command$/);
    }
    for (const l of all) assert.ok(!l.command?.title.includes('$('), 'no icon syntax from message text');
  });

  it('never pairs the DKIM finding with an Enhanced Filtering command (that fixes SPF, not the signature)', async () => {
    const s = await scenario('proofpoint');
    const { doc, analysis } = await openMessage(api, s.uri);
    const dkim = analysis.findings.find((f) => f.id === 'dkim-body-modified')!;
    assert.ok(dkim.remedies.some((id) => analysis.remedies.find((r) => r.id === id)?.kind === 'efc'), 'the engine lists EFC among its remedies');
    const all = await lenses(doc.uri);
    const line = dkim.evidence[0].lines.startLine;
    const lensesHere = all.filter((l) => l.range.start.line === line);
    const here = lensesHere.map((l) => l.command!.title);
    // the Explain lens on that line opens the DKIM finding and names it (in its tooltip, so that two
    // findings' titles do not run past the editor's edge)
    const explain = lensesHere.find((l) => l.command!.command === 'mailflowLens.explain')!;
    assert.ok(explain, JSON.stringify(here));
    assert.equal((explain.command!.arguments![1] as { index: number }).index, analysis.findings.indexOf(dkim));
    assert.match(explain.command!.title, /^Explain( \(\+\d+ more here\))?$/);
    assert.ok(String(explain.command!.tooltip).startsWith('The message body changed after it was signed (DKIM body hash): show the explanation'), String(explain.command!.tooltip));
    for (const t of here) assert.ok(!(t.startsWith('The message body changed') && t.includes('Generate EFC')), `DKIM paired with EFC: ${t}`);
    for (const t of here) assert.ok(t.length <= 110, `a lens short enough for the editor's width: ${t}`);
    // the EFC command on that line belongs to a finding it fixes
    const gen = here.find((t) => t.endsWith('→ Generate EFC command'));
    assert.ok(gen, JSON.stringify(here));
    assert.match(gen, /^(SPF|DMARC|Microsoft composite|Enhanced Filtering) /, gen);
  });

  it('the generate lens opens the fix; the explain lens selects the finding for the panel', async () => {
    const s = await scenario('proofpoint');
    const { doc, analysis } = await openMessage(api, s.uri);
    const all = await lenses(doc.uri);
    const line = analysis.findings.find((f) => f.severity === 'error')!.evidence[0].lines.startLine;
    const explain = all.find((l) => l.range.start.line === line && l.command?.command === 'mailflowLens.explain')!;
    await vscode.commands.executeCommand(explain.command!.command, ...(explain.command!.arguments ?? []));
    const sel = await waitFor(() => (api.store.selection?.kind === 'finding' ? api.store.selection : undefined), 'the finding to be selected');
    const index = (explain.command!.arguments![1] as { index: number }).index;
    assert.equal(sel.kind === 'finding' && sel.finding, analysis.findings[index]);

    await vscode.window.showTextDocument(doc, { preview: false });
    const gen = all.find((l) => l.command?.command === 'mailflowLens.generateFix')!;
    const remedy = analysis.remedies.find((r) => r.id === gen.command!.arguments![0])!;
    await vscode.commands.executeCommand(gen.command!.command, ...(gen.command!.arguments ?? []));
    const editor = await waitFor(() => (vscode.window.activeTextEditor?.document.isUntitled ? vscode.window.activeTextEditor : undefined), 'the generated fix');
    assert.equal(editor.document.getText(), fixDocumentText(remedy));
    await closeActiveUntitled();
  });

  it('a Gmail route: entry lens names the gateway and offers the inbound-gateway settings on the finding', async () => {
    const s = await scenario('barracuda');
    const { doc, analysis } = await openMessage(api, s.uri);
    const entry = analysis.hops[analysis.boundary.entryHopIndex!];
    const all = await lenses(doc.uri);
    const onEntry = all.filter((l) => l.range.start.line === entry.lines.startLine).map((l) => l.command?.title ?? '');
    assert.ok(onEntry.some((t) => t.startsWith(`Gateway: Barracuda ${s.facts.connectingIp}`)), JSON.stringify(onEntry));
    assert.ok(all.some((l) => l.command?.title.endsWith('→ Show Gmail gateway settings')), JSON.stringify(all.map((l) => l.command?.title)));
  });
});
