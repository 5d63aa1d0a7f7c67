// The status bar verdict inside a real VS Code: one line for the message in the active editor,
// led by the verdict class of the facts (broken in transit, never authentic, authentic, unknown),
// hidden for other editors, and a click that shows the Route view.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import { closeAll, lensApi, openMessage, openUntitled, openUntitledMessage, scenario, waitFor } from './mfl-helpers';

/** A direct delivery to Gmail, everything passed (Gmail's own verdict). */
const DIRECT = [
  'Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41])',
  '        by mx.google.com with SMTPS id a640c23a62f3a-b3c1d2e4f5a6sor1234567.1',
  '        for <lee.gu@fabrikam.com>',
  '        (Google Transport Security);',
  '        Tue, 03 Mar 2026 01:14:05 -0800 (PST)',
  'Authentication-Results: mx.google.com;',
  '       dkim=pass header.i=@gmail.com header.s=20230601 header.b=AbCdEf12;',
  '       spf=pass (google.com: domain of alex.wilber@gmail.com designates 209.85.220.41 as permitted sender) smtp.mailfrom=alex.wilber@gmail.com;',
  '       dmarc=pass (p=NONE sp=QUARANTINE dis=NONE) header.from=gmail.com',
  'From: Alex Wilber <alex.wilber@gmail.com>',
  'To: Lee Gu <lee.gu@fabrikam.com>',
  'Subject: Lunch on Thursday?',
  'Date: Tue, 3 Mar 2026 10:14:01 +0100',
  'Message-ID: <CAF1a2b3c4d5e6f7g8h9@mail.gmail.com>',
  '',
  'Shall we meet at noon?',
  '',
];

describe('Status bar verdict', () => {
  let api: MailFlowLensApi;

  before(async () => {
    api = await lensApi();
  });
  after(closeAll);

  it('Proofpoint banner in front of Exchange Online: "Broken in transit at Proofpoint (DKIM, SPF) · EFC off"', async () => {
    const s = await scenario('proofpoint');
    assert.equal(s.facts.eop?.efc, 'off');
    await openMessage(api, s.uri);
    await waitFor(() => api.statusBar.text === '$(error) Broken in transit at Proofpoint (DKIM, SPF) · EFC off', `the status text (now "${api.statusBar.text}")`);
    const tip = api.statusBar.item.tooltip as vscode.MarkdownString;
    assert.equal(tip.isTrusted, false);
    const text = tip.value.replace(/&nbsp;/g, ' ');
    assert.match(text, /Verdict: Broken in transit/);
    assert.match(text, /Receiver: Exchange Online/);
    assert.match(text, /Receiver's results: spf=fail dkim=fail dmarc=fail compauth=fail/);
    assert.match(text, /Enhanced Filtering: A relay of the recipient/);
    assert.equal((api.statusBar.item.command as vscode.Command).command, 'mailflowLens.focusRoute');
  });

  it('Barracuda in front of Gmail without DNS: authenticity unknown (the relay was judged), no Enhanced Filtering state', async () => {
    const s = await scenario('barracuda');
    const { analysis } = await openMessage(api, s.uri);
    assert.equal(analysis.facts.verdict.class, 'unknown');
    await waitFor(() => api.statusBar.text === '$(question) Authenticity unknown · DKIM body changed', `the status text (now "${api.statusBar.text}")`);
    assert.ok(!api.statusBar.text.includes('EFC'));
  });

  it('a phishing message straight to Exchange Online: "Never authentic (spoof)", not broken', async () => {
    const s = await scenario('phish');
    const { analysis } = await openMessage(api, s.uri);
    assert.equal(analysis.facts.verdict.class, 'never-authentic');
    await waitFor(() => api.statusBar.text === '$(error) Never authentic (spoof)', `the status text (now "${api.statusBar.text}")`);
    assert.doesNotMatch(api.statusBar.text, /broke|broken/i);
  });

  it('authentic though the route has something to fix: never "failed" when the receiver passed', async () => {
    // on-premises Exchange in front of Exchange Online, no Enhanced Filtering: SPF judged the relay,
    // but DKIM passed and so did DMARC and compauth
    const s = await scenario('hybrid');
    const { analysis } = await openMessage(api, s.uri);
    assert.equal(analysis.facts.verdict.class, 'authentic');
    assert.ok(analysis.findings.some((f) => f.severity === 'error'), 'the route still has an error finding');
    await waitFor(() => api.statusBar.text === '$(warning) Authentic · SPF checked against the relay · EFC off', `the status text (now "${api.statusBar.text}")`);
    assert.doesNotMatch(api.statusBar.text, /fail/i);
  });

  it('follows the active editor and hides for documents that are not messages', async () => {
    const p = await scenario('proofpoint');
    await openMessage(api, p.uri);
    await waitFor(() => api.statusBar.text.startsWith('$(error) Broken in transit at Proofpoint'), 'the Proofpoint verdict');
    const doc = await openUntitled('plaintext', 'not a message');
    await vscode.window.showTextDocument(doc);
    await waitFor(() => api.statusBar.text === '', 'the item to hide');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('a message whose receiver verdict passed: "Authentic"', async () => {
    // a direct delivery, Gmail's verdict all pass, nothing in front of it
    const { analysis } = await openUntitledMessage(api, DIRECT.join('\r\n'));
    assert.equal(analysis.findings.filter((f) => f.severity === 'error').length, 0, `no error findings: ${analysis.findings.map((f) => f.id).join(', ')}`);
    await waitFor(() => api.statusBar.text === '$(pass) Authentic', `the status text (now "${api.statusBar.text}")`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('dmarc=permerror: authenticity unknown, and the tooltip says what permerror means', async () => {
    const text = DIRECT.map((l) => l.replace('dmarc=pass (p=NONE sp=QUARANTINE dis=NONE)', 'dmarc=permerror')).join('\r\n');
    assert.ok(text.includes('dmarc=permerror'));
    const { analysis } = await openUntitledMessage(api, text);
    assert.equal(analysis.facts.verdict.class, 'unknown');
    await waitFor(() => api.statusBar.text === '$(question) Authenticity unknown (dmarc=permerror)', `the status text (now "${api.statusBar.text}")`);
    const tip = (api.statusBar.item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.match(tip, /dmarc=permerror: the From domain's DMARC record could not be used/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('clicking it shows the Route view', async () => {
    const s = await scenario('proofpoint');
    await openMessage(api, s.uri);
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await waitFor(() => !api.treeView.visible, 'the Route view to be hidden');
    await vscode.commands.executeCommand((api.statusBar.item.command as vscode.Command).command);
    await waitFor(() => api.treeView.visible, 'the Route view to show');
  });
});
