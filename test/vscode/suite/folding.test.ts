// Folding inside a real VS Code: every header field that spans several lines folds over exactly its
// lines, and the body folds from its first line to the end of the document.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import { closeAll, lensApi, openMessage, openUntitledMessage, scenario, waitFor } from './mfl-helpers';

async function folds(uri: vscode.Uri): Promise<vscode.FoldingRange[]> {
  return (await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', uri)) ?? [];
}

describe('Folding (multi-line headers and the body)', () => {
  let api: MailFlowLensApi;

  before(async () => {
    api = await lensApi();
  });
  after(closeAll);

  it('folds each multi-line header field over its lines and the body to the end', async () => {
    const s = await scenario('proofpoint');
    const { doc, analysis } = await openMessage(api, s.uri);
    const ranges = await folds(doc.uri);
    const got = new Set(ranges.map((r) => `${r.start}-${r.end}`));
    const multi = analysis.headers.filter((h) => h.lines.endLine > h.lines.startLine);
    assert.ok(multi.length >= 5, 'the message has folded headers');
    for (const h of multi) assert.ok(got.has(`${h.lines.startLine}-${h.lines.endLine}`), `${h.name} ${h.lines.startLine}-${h.lines.endLine}`);
    for (const h of analysis.headers.filter((x) => x.lines.endLine === x.lines.startLine)) {
      assert.ok(!ranges.some((r) => r.start === h.lines.startLine), `single-line ${h.name} does not fold`);
    }
    assert.ok(got.has(`${analysis.input.bodyStartLine}-${doc.lineCount - 1}`), 'the body folds to the end');
    assert.equal(ranges.length, multi.length + 1);
  });

  it('follows edits at once (a new folded header gets its range)', async () => {
    const content = 'Received: from a.example (a.example [192.0.2.1])\n\tby b.example with ESMTP;\n\tTue, 3 Mar 2026 09:14:05 +0000\nSubject: hi\n\nbody line 1\nbody line 2\n';
    const { doc, editor } = await openUntitledMessage(api, content);
    let ranges = await folds(doc.uri);
    assert.deepEqual(ranges.map((r) => [r.start, r.end]).sort(), [[0, 2], [5, 7]]);
    await editor.edit((eb) => eb.insert(new vscode.Position(3, 0), 'X-Long: one\n two\n three\n'));
    ranges = await waitFor(async () => {
      const r = await folds(doc.uri);
      return r.some((x) => x.start === 3 && x.end === 5) ? r : undefined;
    }, 'the new header to fold');
    assert.deepEqual(ranges.map((r) => [r.start, r.end]).sort(), [[0, 2], [3, 5], [8, 10]]);
  });
});
