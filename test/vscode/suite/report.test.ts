// Report export inside a real VS Code: the self-contained HTML report and the Markdown report for
// sharing, with personal data masked as chosen, written where asked and never over a message.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { after, afterEach, before, describe, it } from 'mocha';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import { buildMsg, headerBlockOf } from '../../fixtures/msg/build';
import { closeAll, lensApi, openMessage, scenario, tempDir } from './mfl-helpers';

describe('Report export (HTML, masking)', () => {
  let api: MailFlowLensApi;
  before(async () => {
    api = await lensApi();
  });
  after(closeAll);
  afterEach(closeAll);

  it('contributes and registers the export commands', async () => {
    const ext = vscode.extensions.getExtension('mailflow-lens.mailflow-lens')!;
    const contributed: string[] = ext.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of ['mailflowLens.exportReportHtml', 'mailflowLens.exportReportShared', 'mailflowLens.openMsg']) {
      assert.ok(contributed.includes(id), `${id} contributed`);
      assert.ok(registered.has(id), `${id} registered`);
    }
  });

  it('Export Report (HTML), nothing masked: a complete self-contained page', async () => {
    const s = await scenario('proofpoint');
    await openMessage(api, s.uri);
    const target = vscode.Uri.file(path.join(tempDir(), 'report.html'));
    const written = (await vscode.commands.executeCommand('mailflowLens.exportReportHtml', s.uri, target, 'none')) as vscode.Uri;
    assert.equal(written.toString(), target.toString());
    const html = fs.readFileSync(target.fsPath, 'utf8');
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.ok(html.includes('<title>Mail flow report: Invoice INV-20417 for March deliveries</title>'));
    assert.ok(html.includes(`<h2>Route (${s.facts.hops.length} hops, oldest first)</h2>`));
    assert.ok(html.includes('<code>dkim-body-modified</code>'));
    assert.ok(html.includes('j.alvarez@northwindtraders.com'));
    assert.ok(!/<script|\son[a-z]+=|\ssrc=|\shref=/i.test(html));
  });

  it('masking addresses and domains: none of the sender\'s or recipient\'s data, the gateway IP kept', async () => {
    const s = await scenario('proofpoint');
    await openMessage(api, s.uri);
    const target = vscode.Uri.file(path.join(tempDir(), 'shared.html'));
    await vscode.commands.executeCommand('mailflowLens.exportReportHtml', s.uri, target, 'full');
    const html = fs.readFileSync(target.fsPath, 'utf8');
    assert.ok(html.includes('<p class="notice">Personal data masked for sharing: '));
    for (const x of ['northwindtraders', 'contoso.com', 'Jordan', 'Megan', 'INV-20417']) assert.ok(!html.includes(x), x);
    for (const ip of s.facts.relayIps) assert.ok(html.includes(ip), ip);
    assert.ok(html.includes('pphosted.com'));
  });

  it('Export Report for Sharing (Markdown), local parts masked; refuses to write over a message', async () => {
    const s = await scenario('proofpoint');
    await openMessage(api, s.uri);
    const target = vscode.Uri.file(path.join(tempDir(), 'shared.md'));
    await vscode.commands.executeCommand('mailflowLens.exportReportShared', s.uri, target, 'local-parts');
    const md = fs.readFileSync(target.fsPath, 'utf8').split('\n');
    assert.equal(md[0], '# Mail flow report: Invoice INV-20417 for March deliveries');
    assert.match(md[2], /^> Personal data masked for sharing: the part before the @/);
    const all = md.join('\n');
    assert.ok(!all.includes('j.alvarez@') && !all.includes('megan.bowen@'));
    assert.ok(all.includes('user-1@northwindtraders.com'));
    const before = fs.readFileSync(s.file);
    const refused = await vscode.commands.executeCommand('mailflowLens.exportReportShared', s.uri, s.uri, 'full');
    assert.equal(refused, undefined);
    assert.deepEqual(fs.readFileSync(s.file), before, 'the message is unchanged');
  });

  it('exports the report of an Outlook .msg view', async () => {
    const s = await scenario('mimecast');
    const file = path.join(tempDir(), 'catalogue-report.msg');
    fs.writeFileSync(file, buildMsg({ transportHeaders: headerBlockOf(s.bytes), subject: 'Spring catalogue proofs' }));
    const editor = (await vscode.commands.executeCommand('mailflowLens.openMsg', vscode.Uri.file(file))) as vscode.TextEditor;
    const target = vscode.Uri.file(path.join(tempDir(), 'catalogue.html'));
    await vscode.commands.executeCommand('mailflowLens.exportReportHtml', editor.document.uri, target, 'local-parts');
    const html = fs.readFileSync(target.fsPath, 'utf8');
    assert.ok(html.includes('headers only'));
    assert.ok(html.includes('<code>efc-active</code>'));
  });
});
