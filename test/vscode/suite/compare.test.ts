// "Compare Two Messages…" inside a real VS Code: the same kind of message before and after Enhanced
// Filtering was switched on (built with the scenario builders), an .eml against a .msg; the diff
// editor between the two summaries and the panel with the differences in words.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { after, afterEach, before, describe, it } from 'mocha';
import type { CompareResult } from '../../../src/extension/compare';
import { buildMsg, headerBlockOf } from '../../fixtures/msg/build';
import { efcPair, type EfcPair } from '../../unit/compare/efc-pair';
import { closeAll, lensApi, tempDir } from './mfl-helpers';

describe('Compare Two Messages', () => {
  let pair: EfcPair;
  let beforeUri: vscode.Uri;
  let afterUri: vscode.Uri;
  before(async () => {
    await lensApi();
    pair = await efcPair();
    beforeUri = vscode.Uri.file(path.join(tempDir(), 'before-efc.eml'));
    afterUri = vscode.Uri.file(path.join(tempDir(), 'after-efc.eml'));
    fs.writeFileSync(beforeUri.fsPath, pair.before);
    fs.writeFileSync(afterUri.fsPath, pair.after);
  });
  after(closeAll);
  afterEach(closeAll);

  it('is contributed and registered', async () => {
    const ext = vscode.extensions.getExtension('mailflow-lens.mailflow-lens')!;
    assert.ok(ext.packageJSON.contributes.commands.some((c: { command: string }) => c.command === 'mailflowLens.compareMessages'));
    assert.ok((await vscode.commands.getCommands(true)).includes('mailflowLens.compareMessages'));
  });

  it('before/after EFC: the diff editor shows both summaries, the panel leads with the recovered IP', async () => {
    const r = (await vscode.commands.executeCommand('mailflowLens.compareMessages', beforeUri, afterUri)) as CompareResult;
    assert.ok(r, 'the command returns the comparison');
    const efcLine = `EFC now active: original IP ${pair.originalIp} recovered; the receiver evaluates it instead of ${pair.gatewayIp}.`;
    assert.ok(r.comparison.lines.some((l) => l.text === efcLine));
    assert.ok(r.comparison.lines.some((l) => l.text === 'SPF at the receiver: fail → pass.'));
    // the diff editor
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && (t.input as vscode.TabInputTextDiff).original.toString() === r.left.toString());
    assert.ok(tab, 'a diff editor between the two summaries is open');
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal(input.modified.toString(), r.right.toString());
    assert.match(tab.label, /before-efc\.eml ↔ after-efc\.eml/);
    const left = await vscode.workspace.openTextDocument(r.left);
    const right = await vscode.workspace.openTextDocument(r.right);
    assert.ok(left.getText().split('\n').includes('  Enhanced Filtering: off'));
    assert.ok(right.getText().split('\n').includes(`  Enhanced Filtering: active (recovered ${pair.originalIp})`));
    assert.ok(left.getText().split('\n').includes(`  Connecting IP: ${pair.gatewayIp}`));
    assert.ok(right.getText().split('\n').includes(`  Connecting IP: ${pair.gatewayIp}`));
    // the panel
    assert.ok(r.html.includes(`<li class="better"><span class="mark">+</span>${efcLine}</li>`));
    assert.ok(!/<script/i.test(r.html));
    assert.match(r.html, /Content-Security-Policy" content="default-src 'none'; style-src 'sha256-/);
  });

  it('an .eml against the same message as an Outlook .msg: only the scope differs', async () => {
    const msg = vscode.Uri.file(path.join(tempDir(), 'after-efc.msg'));
    fs.writeFileSync(msg.fsPath, buildMsg({ transportHeaders: headerBlockOf(pair.after), subject: 'Invoice INV-20533 for April deliveries' }));
    const r = (await vscode.commands.executeCommand('mailflowLens.compareMessages', afterUri, msg)) as CompareResult;
    assert.ok(r);
    assert.equal(r.comparison.sameMessage, true);
    assert.equal(r.comparison.efc.changed, false);
    assert.deepEqual(r.comparison.findings.added, []);
    assert.ok(r.comparison.lines.some((l) => l.text.startsWith('Only the headers of the second message were available')));
    assert.ok(r.right.path.includes('after-efc.msg'));
  });
});
