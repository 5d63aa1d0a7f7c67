// Code actions inside a real VS Code: quick fixes on the Mail Flow Lens diagnostics, "Generate …"
// refactorings anywhere in the header block, only for remedies the message offers, one preferred;
// running one opens exactly the Generate Fix text in a PowerShell document beside the message, or
// inserts it at the cursor of a PowerShell editor; the Copy variant puts the same text on the
// clipboard.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import type { FeaturesApi } from '../../../src/extension/features';
import { fixDocumentText, fixHeadline } from '../../../src/extension/commands';
import { EmlCodeActionProvider } from '../../../src/extension/features/codeActions';
import { closeAll, lensApi, openMessage, scenario, setSetting, tempDir, waitFor } from './mfl-helpers';

/** Reverts and closes the active (untitled) editor and waits until VS Code has disposed its document. */
async function closeActiveUntitled(): Promise<void> {
  const doc = vscode.window.activeTextEditor?.document;
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  if (doc?.isUntitled) await waitFor(() => doc.isClosed, 'the untitled document to close', 10000).catch(() => undefined);
}

const SOURCE = 'Mail Flow Lens';

async function features(): Promise<FeaturesApi> {
  const f = await vscode.commands.executeCommand<FeaturesApi>('_mailflowLens.features');
  assert.ok(f && f.panel, 'the features API is reachable');
  return f;
}

async function actionsAt(uri: vscode.Uri, range: vscode.Range, kind?: string): Promise<vscode.CodeAction[]> {
  const got = await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>('vscode.executeCodeActionProvider', uri, range, kind);
  return (got ?? []).filter((a): a is vscode.CodeAction => 'title' in a && !('command' in a && typeof (a as vscode.Command).command === 'string'));
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

function codeOf(d: vscode.Diagnostic): string {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : String(c);
}

async function run(action: vscode.CodeAction): Promise<unknown> {
  assert.ok(action.command, `${action.title} has a command`);
  return vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

describe('Code actions (quick fixes and Generate refactorings)', () => {
  let api: MailFlowLensApi;
  let feat: FeaturesApi;

  before(async () => {
    api = await lensApi();
    feat = await features();
    // the Proofpoint relay confirmed by the user's settings: its address may go into the commands
    await setSetting('trustedRelays', ['148.163.138.245']);
  });
  after(async () => {
    await setSetting('trustedRelays', undefined);
    await closeAll();
  });

  it('offers the EFC fixes as quick fixes on the efc-not-enabled diagnostic, one preferred', async () => {
    const s = await scenario('proofpoint');
    const { doc, analysis } = await openMessage(api, s.uri);
    const diag = await waitFor(() => ours(doc.uri).find((d) => codeOf(d) === 'efc-not-enabled'), 'the efc-not-enabled diagnostic');
    const actions = await actionsAt(doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map((a) => a.title);
    const skipIps = analysis.remedies.find((r) => r.id === 'efc-skip-ips');
    assert.ok(skipIps, 'the Proofpoint message offers EFSkipIPs');
    const ips = (skipIps.parameters.efSkipIPs as string[]).join(', ');
    assert.ok(ips.includes(s.facts.connectingIp as string), `EFSkipIPs holds the gateway ${s.facts.connectingIp}`);
    assert.ok(titles.includes(`Generate Set-InboundConnector (Enhanced Filtering) for ${ips}`), titles.join(' | '));
    assert.ok(titles.includes('Generate Set-InboundConnector (Enhanced Filtering): skip the last IP'), titles.join(' | '));
    assert.ok(titles.some((t) => t.startsWith('Copy: Set-InboundConnector (Enhanced Filtering) for ')), titles.join(' | '));
    assert.ok(titles.some((t) => t.startsWith('Explain: ')), titles.join(' | '));
    for (const a of actions) assert.equal(a.kind?.value, 'quickfix', a.title);
    const fixes = actions.filter((a) => a.command?.command === 'mailflowLens.generateFix' || a.command?.command === 'mailflowLens.copyFix');
    assert.equal(fixes.length, 4, 'one Generate and one Copy per remedy, not one per diagnostic on the line');
    // the API command does not carry CodeAction.diagnostics: ask the provider itself for them
    const provider = new EmlCodeActionProvider(api.store);
    const direct = await provider.provideCodeActions(
      doc,
      diag.range,
      { diagnostics: ours(doc.uri).filter((d) => d.range.intersection(diag.range)), only: vscode.CodeActionKind.QuickFix, triggerKind: vscode.CodeActionTriggerKind.Invoke },
      new vscode.CancellationTokenSource().token,
    );
    assert.deepEqual(direct.map((a) => a.title).sort(), [...titles].sort(), 'the provider gives the same actions');
    for (const a of direct.filter((x) => x.command?.command !== 'mailflowLens.explain')) {
      assert.ok(a.diagnostics?.some((d) => codeOf(d) === 'efc-not-enabled'), `${a.title} is attached to the diagnostic (has ${JSON.stringify(a.diagnostics?.map(codeOf))})`);
    }
    const explainDirect = direct.find((a) => a.title === 'Explain: Enhanced Filtering for Connectors is not on for the gateway path');
    assert.ok(explainDirect, titles.join(' | '));
    assert.deepEqual(explainDirect.diagnostics?.map(codeOf), ['efc-not-enabled']);
    assert.equal(new Set(titles).size, titles.length, 'no duplicate titles');
    const preferred = actions.filter((a) => a.isPreferred);
    assert.equal(preferred.length, 1, `exactly one preferred: ${preferred.map((a) => a.title).join(' | ')}`);
    const recommended = analysis.remedies.find((r) => r.recommended);
    assert.equal(preferred[0].command?.arguments?.[0], recommended?.id);
    // nothing for remedies this message does not have
    assert.ok(!titles.some((t) => /ARC sealer|Gmail|device-relay|lock-down/i.test(t)), titles.join(' | '));
  });

  it('offers Generate refactorings anywhere in the header block, nothing in the body', async () => {
    const s = await scenario('proofpoint');
    const { doc, analysis } = await openMessage(api, s.uri);
    const subject = analysis.headers.find((h) => h.key === 'subject');
    assert.ok(subject);
    const line = subject.lines.startLine;
    assert.equal(ours(doc.uri).filter((d) => d.range.start.line <= line && line <= d.range.end.line).length, 0, 'no diagnostic on the Subject line');
    const actions = await actionsAt(doc.uri, new vscode.Range(line, 2, line, 2));
    const generate = actions.filter((a) => a.kind?.value === 'refactor.mailflowLens.generate');
    assert.deepEqual(
      generate.map((a) => a.command?.arguments?.[0]).sort(),
      analysis.remedies.map((r) => r.id).sort(),
      'one Generate action per remedy of the message',
    );
    assert.equal(generate.filter((a) => a.isPreferred).length, 1);
    assert.ok(actions.some((a) => a.kind?.value === 'refactor.mailflowLens.copy'));
    const body = await actionsAt(doc.uri, new vscode.Range(analysis.input.bodyStartLine + 1, 0, analysis.input.bodyStartLine + 1, 0));
    assert.equal(body.filter((a) => a.kind?.value.startsWith('refactor.mailflowLens')).length, 0, 'no Generate action in the body');
  });

  it('running the EFSkipIPs action opens exactly the generated script as PowerShell beside the message', async () => {
    const s = await scenario('proofpoint');
    const { doc, analysis } = await openMessage(api, s.uri);
    const remedy = analysis.remedies.find((r) => r.id === 'efc-skip-ips');
    assert.ok(remedy);
    const actions = await actionsAt(doc.uri, new vscode.Range(0, 0, 0, 0), 'refactor.mailflowLens.generate');
    const action = actions.find((a) => a.command?.arguments?.[0] === 'efc-skip-ips');
    assert.ok(action, actions.map((a) => a.title).join(' | '));
    const before = vscode.window.activeTextEditor;
    await run(action);
    const editor = await waitFor(() => {
      const e = vscode.window.activeTextEditor;
      return e && e !== before && e.document.isUntitled ? e : undefined;
    }, 'the generated script editor');
    assert.equal(editor.document.languageId, 'powershell');
    const text = editor.document.getText();
    assert.ok(text.startsWith(`# ${fixHeadline(remedy)}\n${remedy.text}`), 'the document starts with its headline, then the remedy text');
    assert.equal(text, fixDocumentText(remedy));
    assert.match(text, /Set-InboundConnector -Identity '<your inbound connector>'/);
    assert.ok(text.includes(`-EFSkipIPs '${s.facts.connectingIp}'`) || text.includes(`'${s.facts.connectingIp}'`), 'the gateway IP is in the script');
    assert.notEqual(editor.viewColumn, vscode.window.visibleTextEditors.find((e) => e.document === doc)?.viewColumn, 'beside the message');
    assert.equal(doc.isDirty, false, 'the message is untouched');
    await closeActiveUntitled();
  });

  it('through the command, a PowerShell editor gets the script at its cursor', async () => {
    const s = await scenario('proofpoint');
    const { doc, analysis } = await openMessage(api, s.uri);
    const remedy = analysis.remedies.find((r) => r.id === 'efc-skip-last-ip');
    assert.ok(remedy);
    const actions = await actionsAt(doc.uri, new vscode.Range(0, 0, 0, 0), 'refactor.mailflowLens.generate');
    const action = actions.find((a) => a.command?.arguments?.[0] === 'efc-skip-last-ip');
    assert.ok(action);
    const file = path.join(tempDir(), 'change.ps1');
    fs.writeFileSync(file, '# my change script\n\n# end\n');
    const ps = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    assert.equal(ps.getText(), '# my change script\n\n# end\n');
    const editor = await vscode.window.showTextDocument(ps, { preview: false });
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    await run(action);
    const expected = `# my change script\n${fixDocumentText(remedy)}\n# end\n`;
    await waitFor(() => ps.getText() !== '# my change script\n\n# end\n', 'the script inserted into the PowerShell editor');
    assert.equal(ps.getText(), expected);
    assert.equal(vscode.window.activeTextEditor?.document, ps, 'no new document was opened');
    await closeActiveUntitled();
  });

  it('the Copy variant puts the same text on the clipboard', async () => {
    const s = await scenario('proofpoint');
    const { doc, analysis } = await openMessage(api, s.uri);
    const remedy = analysis.remedies.find((r) => r.id === 'efc-skip-last-ip');
    assert.ok(remedy);
    const actions = await actionsAt(doc.uri, new vscode.Range(0, 0, 0, 0), 'refactor.mailflowLens.copy');
    const copy = actions.find((a) => a.command?.arguments?.[0] === 'efc-skip-last-ip');
    assert.ok(copy, actions.map((a) => a.title).join(' | '));
    assert.equal(copy.command?.command, 'mailflowLens.copyFix');
    const real = feat.fixes.clipboard;
    let copied: string | undefined;
    feat.fixes.clipboard = { writeText: async (t: string) => void (copied = t) };
    try {
      const result = await run(copy);
      assert.equal(copied, fixDocumentText(remedy));
      assert.equal(result, copied);
    } finally {
      feat.fixes.clipboard = real;
    }
  });

  it('a Gmail route offers the inbound-gateway settings and no Exchange cmdlets', async () => {
    const s = await scenario('barracuda');
    const { doc, analysis } = await openMessage(api, s.uri);
    assert.ok(analysis.remedies.some((r) => r.id === 'gmail-inbound-gateway'));
    const actions = await actionsAt(doc.uri, new vscode.Range(0, 0, 0, 0), 'refactor.mailflowLens.generate');
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Show Gmail inbound-gateway settings'), titles.join(' | '));
    assert.ok(!titles.some((t) => t.includes('Set-InboundConnector')), titles.join(' | '));
  });
});
