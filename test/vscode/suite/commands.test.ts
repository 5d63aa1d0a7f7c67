// The commands inside a real VS Code: all registered; Generate Fix opens the exact script in a new
// PowerShell document titled by what it is (or inserts it into the active .ps1 editor) and never
// touches the message; Copy Route and Export Report produce the Markdown; clipboard and "treat as
// message" open eml documents; samples open read-only and are analysed with their recorded DNS;
// recorded DNS reaches the verifier. The Proofpoint relay is confirmed through the Trusted Relays
// setting, and the scripts say so.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { after, afterEach, before, describe, it } from 'mocha';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import { fixHeadline } from '../../../src/extension/commands';
import { closeAll, fullAnalysis, lensApi, openMessage, openUntitled, scenario, setSetting, tempDir, waitFor } from './mfl-helpers';

const CONNECTOR = 'Proofpoint Inbound';

describe('Commands', () => {
  let api: MailFlowLensApi;

  before(async () => {
    api = await lensApi();
    await setSetting('connectorName', CONNECTOR);
    await setSetting('trustedRelays', ['148.163.138.245']);
  });
  after(async () => {
    await setSetting('connectorName', undefined);
    await setSetting('trustedRelays', undefined);
    await setSetting('enhancedFilteringFix', undefined);
    await setSetting('dns.mode', undefined);
    await setSetting('dns.snapshotFile', undefined);
    await closeAll();
  });
  afterEach(closeAll);

  it('registers every contributed command', async () => {
    const ext = vscode.extensions.getExtension('mailflow-lens.mailflow-lens')!;
    const contributed: string[] = ext.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
    const mine = contributed.filter((c) => c.startsWith('mailflowLens.'));
    for (const id of ['analyze', 'analyzeClipboard', 'generateFix', 'exportReport', 'copyRouteMarkdown', 'openSettings', 'openSample', 'treatAsMessage']) {
      assert.ok(mine.includes(`mailflowLens.${id}`), `mailflowLens.${id} is contributed`);
    }
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of mine) assert.ok(registered.has(id), `${id} is registered`);
  });

  it('Generate Fix (remedy id) opens the Enhanced Filtering script beside the message, the message untouched', async () => {
    const s = await scenario('proofpoint');
    const before = fs.readFileSync(s.file);
    const { analysis } = await openMessage(api, s.uri);
    const editor = (await vscode.commands.executeCommand('mailflowLens.generateFix', 'efc-skip-last-ip')) as vscode.TextEditor;
    assert.ok(editor, 'the command returns the editor it opened');
    const doc = editor.document;
    assert.equal(doc.isUntitled, true);
    assert.equal(doc.languageId, 'powershell');
    assert.equal(editor.viewColumn, vscode.ViewColumn.Two, 'opened beside the message');
    const text = doc.getText();
    const remedy = analysis.remedies.find((r) => r.id === 'efc-skip-last-ip')!;
    // a short headline first: the untitled tab is titled by it, then the script as generated
    assert.equal(fixHeadline(remedy), 'Enhanced Filtering: skip the last hop');
    assert.ok(text.startsWith(`# Enhanced Filtering: skip the last hop\n${remedy.text}`), text.slice(0, 200));
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.equal(tab?.label, '# Enhanced Filtering: skip the last hop', 'the tab says what the script is');
    assert.ok(text.includes('148.163.138.245: from your configuration (setting "Mail Flow Lens: Trusted Relays" (user settings))'), 'the script names where the relay address came from');
    const lines = text.split('\n');
    // the one command line, with the connector from the settings and nothing else
    const commands = lines.filter((l) => l && !l.startsWith('#'));
    assert.deepEqual(commands, [`Set-InboundConnector -Identity '${CONNECTOR}' -EFSkipLastIP $true`]);
    // pre-checks, roll-back and verification follow as comments only
    assert.ok(lines.includes('# Before you run it:'));
    assert.ok(lines.includes('#   Get-InboundConnector | Format-List Name,ConnectorType,Enabled,SenderIPAddresses,EFSkipLastIP,EFSkipIPs,EFUsers'));
    assert.ok(lines.includes('# To roll back:'));
    assert.ok(lines.includes(`#   Set-InboundConnector -Identity '${CONNECTOR}' -EFSkipLastIP $false -EFSkipIPs $null`));
    assert.ok(lines.includes('# After the change, verify:'));
    assert.deepEqual(fs.readFileSync(s.file), before, 'the message file is unchanged');
  });

  it('Generate Fix lists the relay IPs from the message in EFSkipIPs, never the loopback hop', async () => {
    const s = await scenario('proofpoint');
    await openMessage(api, s.uri);
    const editor = (await vscode.commands.executeCommand('mailflowLens.generateFix', 'efc-skip-ips')) as vscode.TextEditor;
    const cmd = editor.document.getText().split('\n').filter((l) => l && !l.startsWith('#'));
    assert.deepEqual(cmd, [`Set-InboundConnector -Identity '${CONNECTOR}' -EFSkipLastIP $false -EFSkipIPs ${s.facts.relayIps.map((ip) => `'${ip}'`).join(',')}`]);
    assert.ok(!cmd[0].includes('127.0.0.1'));
  });

  it('Generate Fix inserts at the cursor when the active editor is a PowerShell document', async () => {
    const s = await scenario('proofpoint');
    const { analysis } = await openMessage(api, s.uri);
    const ps = await openUntitled('powershell', 'Connect-ExchangeOnline\n\nDisconnect-ExchangeOnline\n');
    const editor = await vscode.window.showTextDocument(ps);
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    assert.equal(api.store.active?.uri.toString(), s.uri.toString(), 'the message stays the active one');
    const result = (await vscode.commands.executeCommand('mailflowLens.generateFix', 'efc-skip-last-ip')) as vscode.TextEditor;
    assert.equal(result.document, ps, 'inserted into the open script, no new document');
    const text = ps.getText();
    const remedy = analysis.remedies.find((r) => r.id === 'efc-skip-last-ip')!;
    assert.ok(text.startsWith(`Connect-ExchangeOnline\n# ${fixHeadline(remedy)}\n${remedy.text}`), text.slice(0, 200));
    assert.ok(text.endsWith('\nDisconnect-ExchangeOnline\n'));
  });

  it('Generate Fix for a message without that remedy fails with a message, opens nothing', async () => {
    const s = await scenario('mimecast');
    await openMessage(api, s.uri);
    const r = await vscode.commands.executeCommand('mailflowLens.generateFix', 'efc-skip-last-ip');
    assert.equal(r, undefined);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), s.uri.toString(), 'the message editor stays active');
  });

  it('Copy Route as Markdown Table puts one row per hop on the clipboard', async () => {
    const s = await scenario('proofpoint');
    await openMessage(api, s.uri);
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('mailflowLens.copyRouteMarkdown');
    const md = await vscode.env.clipboard.readText();
    const rows = md.trimEnd().split('\n');
    assert.equal(rows[0], '| # | From | IP | By | Role | Protocol / TLS | Time (UTC) | Delay |');
    assert.equal(rows[1], '|---:|---|---|---|---|---|---|---|');
    assert.equal(rows.length, 2 + s.facts.hops.length);
    s.facts.hops.forEach((h, i) => {
      const cells = rows[2 + i].split(' | ');
      assert.equal(cells[0], `| ${i + 1}${i === s.facts.breakHopIndex ? ' ⚠' : ''}`);
      if (h.fromIp) assert.equal(cells[2], `\`${h.fromIp}\``, `row ${i + 1} IP`);
      assert.equal(cells[3], `\`${h.byHost}\``, `row ${i + 1} by`);
    });
    assert.match(rows[2 + s.facts.entryHopIndex], /receiver edge · Proofpoint/);
  });

  it('Export Report writes the Markdown report where asked, and refuses to write over a message', async () => {
    const s = await scenario('proofpoint');
    await openMessage(api, s.uri);
    const target = vscode.Uri.file(path.join(tempDir(), 'report.md'));
    const written = (await vscode.commands.executeCommand('mailflowLens.exportReport', s.uri, target)) as vscode.Uri;
    assert.equal(written.toString(), target.toString());
    const md = fs.readFileSync(target.fsPath, 'utf8');
    assert.ok(md.startsWith('# Mail flow report: Invoice INV-20417 for March deliveries\n'));
    assert.ok(md.includes(`## Route (${s.facts.hops.length} hops, oldest first)`));
    assert.ok(md.includes('| # | From | IP | By | Role | Protocol / TLS | Time (UTC) | Delay |'));
    assert.ok(md.includes('### Error: `dkim-body-modified`'));
    assert.ok(md.includes(`\`\`\`powershell\n# Enhanced Filtering for Connectors: skip the last hop automatically (EFSkipLastIP)`));
    assert.ok(md.includes(`Set-InboundConnector -Identity '${CONNECTOR}' -EFSkipLastIP $true`));

    const other = vscode.Uri.file(path.join(tempDir(), 'copy.eml'));
    const before = fs.readFileSync(s.file);
    const refused = await vscode.commands.executeCommand('mailflowLens.exportReport', s.uri, other);
    assert.equal(refused, undefined);
    assert.equal(fs.existsSync(other.fsPath), false);
    const refused2 = await vscode.commands.executeCommand('mailflowLens.exportReport', s.uri, s.uri);
    assert.equal(refused2, undefined);
    assert.deepEqual(fs.readFileSync(s.file), before);
  });

  it('Analyze Headers from Clipboard opens the pasted headers as an eml document and analyses them', async () => {
    const s = await scenario('barracuda');
    const text = s.bytes.toString('utf8');
    const headers = text.slice(0, text.indexOf('\r\n\r\n') + 2);
    await vscode.env.clipboard.writeText(headers);
    const editor = (await vscode.commands.executeCommand('mailflowLens.analyzeClipboard')) as vscode.TextEditor;
    assert.ok(editor);
    assert.equal(editor.document.isUntitled, true);
    assert.equal(editor.document.languageId, 'eml');
    assert.equal(editor.document.getText(), headers);
    const a = await fullAnalysis(api, editor.document);
    assert.equal(a.hops.length, s.facts.hops.length);
    assert.equal(a.boundary.receiver, 'gmail');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Treat Document as Message switches a plain-text document with headers to eml', async () => {
    const s = await scenario('mimecast');
    const doc = await openUntitled('plaintext', s.bytes.toString('utf8'));
    await vscode.window.showTextDocument(doc);
    assert.equal(api.store.get(doc.uri), undefined, 'plain text is not analysed');
    const eml = (await vscode.commands.executeCommand('mailflowLens.treatAsMessage')) as vscode.TextDocument;
    assert.equal(eml.languageId, 'eml');
    const a = await fullAnalysis(api, eml);
    assert.equal(a.hops.length, s.facts.hops.length);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Analyze Message re-runs the analysis and returns it', async () => {
    const s = await scenario('device');
    const { analysis } = await openMessage(api, s.uri);
    const again = (await vscode.commands.executeCommand('mailflowLens.analyze')) as typeof analysis;
    assert.ok(again);
    assert.notEqual(again, analysis, 'a new run, not the cached object');
    assert.equal(again.hops.length, s.facts.hops.length);
    assert.deepEqual(again.findings.map((f) => f.id), analysis.findings.map((f) => f.id));
  });

  it('Open Sample Message opens a bundled sample read-only and analyses it', async function () {
    const samples = await api.samples.list();
    if (!samples.length) this.skip();
    const name = samples.find((x) => x.name === 'proofpoint-to-exchange-online.eml')?.name ?? samples[0].name;
    const editor = (await vscode.commands.executeCommand('mailflowLens.openSample', name)) as vscode.TextEditor;
    assert.equal(editor.document.uri.scheme, 'mailflow-lens-sample');
    assert.equal(editor.document.languageId, 'eml');
    const a = await fullAnalysis(api, editor.document);
    assert.ok(a.hops.length > 0);
    // our own sample is analysed with the DNS answers recorded for it: the recipient's MX confirms the gateway
    assert.equal(api.store.dnsSource(editor.document.uri), 'sample');
    assert.equal(a.verification?.dnsMode, 'recorded');
    assert.equal(a.facts.relays[0]?.strength, 'strong');
    assert.ok(a.facts.relays[0].evidence.some((e) => e.kind === 'mx'), JSON.stringify(a.facts.relays[0].evidence.map((e) => e.kind)));
    assert.equal(a.facts.verdict.class, 'broken-in-transit');
    assert.ok(a.remedies.some((r) => r.recommended), 'a fix is recommended');
    await waitFor(() => api.store.active?.uri.toString() === editor.document.uri.toString(), 'the sample to be the active message');
    const dns = await waitFor(() => api.tree.getChildren()[0]?.children.find((c) => c.label === 'DNS'), 'the DNS line of the summary');
    assert.equal(dns.description, 'recorded answers shipped with the sample', 'the UI says where the DNS answers came from');
    const ok = await editor.edit((eb) => eb.insert(new vscode.Position(0, 0), 'X-Edited: yes\r\n'));
    // read-only documents refuse edits (the edit is rejected or leaves the text as it was)
    assert.ok(!ok || !editor.document.getText().startsWith('X-Edited'), 'samples cannot be edited');
  });

  it('recorded DNS: the snapshot file from the settings reaches the verifier', async () => {
    const s = await scenario('proofpoint');
    const snapshot = path.join(tempDir(), 'dns-snapshot.json');
    fs.writeFileSync(snapshot, JSON.stringify(s.dnsZone));
    await setSetting('dns.snapshotFile', snapshot);
    await setSetting('dns.mode', 'recorded');
    const { doc } = await openMessage(api, s.uri);
    const a = await waitFor(() => {
      const x = api.store.get(doc.uri);
      return api.store.phase(doc.uri) === 'full' && x?.verification?.dnsMode === 'recorded' ? x : undefined;
    }, 'a verification with recorded DNS');
    assert.equal(api.store.dnsMode(doc.uri), 'recorded');
    const sender = s.facts.dkim.find((d) => d.signer === 'sender')!;
    const check = a.verification!.dkim.find((d) => d.domain === sender.domain && d.selector === sender.selector);
    assert.ok(check, `a DKIM check for ${sender.domain}`);
    assert.equal(check.status, sender.expect);
    await setSetting('dns.mode', undefined);
    await waitFor(() => api.store.get(doc.uri)?.verification?.dnsMode === 'off', 'DNS off again after the setting is removed');
  });
});
