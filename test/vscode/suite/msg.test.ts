// Outlook .msg files and headers-only input inside a real VS Code: a .msg (written in the test
// setup with cfb, MS-OXMSG layout) opens as a read-only eml view of its transport headers, from the
// command and from the Explorer (custom editor), and is analysed like any message; a draft without
// transport headers says why; pasted headers get DKIM body checks "not available", never "failed".
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { after, afterEach, before, describe, it } from 'mocha';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import { buildMsg, headerBlockOf } from '../../fixtures/msg/build';
import { closeAll, fullAnalysis, lensApi, openUntitled, scenario, tempDir, waitFor } from './mfl-helpers';

const VIEW_TYPE = 'mailflowLens.msgViewer';

function writeMsg(name: string, bytes: Buffer): vscode.Uri {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, bytes);
  return vscode.Uri.file(file);
}

function activeCustomTab(): vscode.TabInputCustom | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom ? input : undefined;
}

describe('Outlook .msg', () => {
  let api: MailFlowLensApi;
  before(async () => {
    api = await lensApi();
  });
  after(closeAll);
  afterEach(closeAll);

  it('"Open Outlook Message" shows the transport headers as a read-only eml document and analyses them', async () => {
    const s = await scenario('proofpoint');
    const headers = headerBlockOf(s.bytes);
    const uri = writeMsg('invoice.msg', buildMsg({ transportHeaders: headers, subject: 'Invoice INV-20417 for March deliveries', body: 'Hello Megan,\r\n' }));
    const editor = (await vscode.commands.executeCommand('mailflowLens.openMsg', uri)) as vscode.TextEditor;
    assert.ok(editor, 'an editor opened');
    const doc = editor.document;
    assert.equal(doc.uri.scheme, 'mailflow-msg');
    assert.ok(doc.uri.path.endsWith('/invoice.msg.eml'));
    assert.equal(doc.languageId, 'eml');
    assert.equal(doc.getText(), headers);
    const a = await fullAnalysis(api, doc);
    assert.equal(a.hops.length, s.facts.hops.length);
    assert.equal(a.boundary.connectingIp, s.facts.connectingIp);
    assert.equal(a.input.headersOnly, true);
    assert.ok(a.findings.some((f) => f.id === 'efc-not-enabled'));
    const diags = await waitFor(() => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.some((x) => (typeof x.code === 'object' ? x.code.value : x.code) === 'efc-not-enabled') ? d : undefined;
    }, 'the findings as diagnostics on the .msg view');
    const efc = diags.find((x) => (typeof x.code === 'object' ? x.code.value : x.code) === 'efc-not-enabled')!;
    assert.equal(efc.severity, vscode.DiagnosticSeverity.Error);
    // the route tree shows it
    await waitFor(() => api.store.active?.uri.toString() === doc.uri.toString(), 'the .msg view to be the active message');
    // read-only: an edit is refused or leaves the text as it was
    const ok = await editor.edit((eb) => eb.insert(new vscode.Position(0, 0), 'X-Edited: yes\r\n'));
    assert.ok(!ok || !editor.document.getText().startsWith('X-Edited'), 'the view cannot be edited');
  });

  it('the body Outlook stored is never hashed: DKIM body checks say "not available (headers only)"', async () => {
    const s = await scenario('mimecast');
    const uri = writeMsg('catalogue.msg', buildMsg({ transportHeaders: headerBlockOf(s.bytes), subject: 'Spring catalogue proofs', body: 'Hi Alex,\r\n<https://share.tailspintoys.com/proofs/spring-2026>\r\n' }));
    const editor = (await vscode.commands.executeCommand('mailflowLens.openMsg', uri)) as vscode.TextEditor;
    const a = await fullAnalysis(api, editor.document);
    assert.ok(!a.findings.some((f) => f.id === 'dkim-body-modified'));
    assert.ok(a.findings.some((f) => f.id === 'efc-active'));
    assert.ok(a.verification && a.verification.dkim.length === 1);
    assert.equal(a.verification.dkim[0].bodyHashOk, null);
    assert.match(a.verification.dkim[0].detail, /^Body: not available \(headers only\)\./);
  });

  it('opening a .msg from the Explorer (the custom editor) turns into the header view', async () => {
    const s = await scenario('barracuda');
    const uri = writeMsg('newsletter.msg', buildMsg({ transportHeaders: headerBlockOf(s.bytes), subject: 'Newsletter' }));
    await vscode.commands.executeCommand('vscode.open', uri);
    const editor = await waitFor(() => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.scheme === 'mailflow-msg' && e.document.uri.path.endsWith('/newsletter.msg.eml') ? e : undefined;
    }, 'the header view of newsletter.msg');
    assert.equal(editor.document.languageId, 'eml');
    const a = await fullAnalysis(api, editor.document);
    assert.equal(a.boundary.receiver, 'gmail');
    await waitFor(() => !vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputCustom && t.input.viewType === VIEW_TYPE)), 'the placeholder custom editor to close');
  });

  it('a draft without transport headers: the custom editor stays and says why; the command opens nothing', async () => {
    const uri = writeMsg('draft.msg', buildMsg({ subject: 'Draft: quarterly numbers', body: 'not sent yet' }));
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    const tab = await waitFor(() => activeCustomTab(), 'the custom editor tab');
    assert.equal(tab.viewType, VIEW_TYPE);
    assert.equal(tab.uri.toString(), uri.toString());
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(activeCustomTab(), 'it does not turn into a text view');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'mailflow-msg' && d.uri.path.endsWith('/draft.msg.eml')));
    const r = await vscode.commands.executeCommand('mailflowLens.openMsg', uri);
    assert.equal(r, undefined);
  });

  it('the reader\'s notes (an Exchange preamble line) show as diagnostics on the view', async () => {
    const s = await scenario('device');
    const block = headerBlockOf(s.bytes);
    const uri = writeMsg('scanner.msg', buildMsg({ transportHeaders: `Microsoft Mail Internet Headers Version 2.0\r\n${block}` }));
    const editor = (await vscode.commands.executeCommand('mailflowLens.openMsg', uri)) as vscode.TextEditor;
    assert.equal(editor.document.getText(), block);
    const d = await waitFor(() => vscode.languages.getDiagnostics(editor.document.uri).find((x) => x.code === 'msg-headers-preamble'), 'the preamble note');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(d.range.start.line, 0);
  });
});

describe('Headers only (pasted)', () => {
  let api: MailFlowLensApi;
  before(async () => {
    api = await lensApi();
  });
  after(closeAll);
  afterEach(closeAll);

  const check = (a: import('../../../src/core/types').Analysis) => {
    assert.equal(a.input.headersOnly, true);
    assert.ok(!a.findings.some((f) => f.id === 'dkim-body-modified'), 'no body-hash finding from headers alone');
    assert.ok(a.verification, 'verified');
    assert.ok(a.verification.dkim.length >= 1);
    for (const d of a.verification.dkim) {
      assert.equal(d.bodyHashOk, null);
      assert.notEqual(d.status, 'body-modified');
      assert.ok(d.detail.startsWith('Body: not available (headers only). '), d.detail);
    }
    assert.ok(a.verification.notes.some((n) => n.includes('body checks say "not available (headers only)"')));
  };

  it('Analyze Headers from Clipboard: a pasted header block', async () => {
    const s = await scenario('mimecast');
    const text = s.bytes.toString('utf8');
    const headers = text.slice(0, text.indexOf('\r\n\r\n') + 2);
    await vscode.env.clipboard.writeText(headers);
    const editor = (await vscode.commands.executeCommand('mailflowLens.analyzeClipboard')) as vscode.TextEditor;
    assert.equal(editor.document.languageId, 'eml');
    const a = await fullAnalysis(api, editor.document);
    assert.equal(a.hops.length, s.facts.hops.length);
    check(a);
  });

  it('an untitled document set to the eml language', async () => {
    const s = await scenario('mimecast');
    const headers = headerBlockOf(s.bytes);
    const doc = await openUntitled('plaintext', headers);
    await vscode.window.showTextDocument(doc);
    const eml = await vscode.languages.setTextDocumentLanguage(doc, 'eml');
    const a = await fullAnalysis(api, eml);
    check(a);
  });
});
