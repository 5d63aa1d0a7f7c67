// Diagnostics inside a real VS Code: every finding sits on the exact header lines of its first
// evidence, with the finding id as code linking to its documentation, the other evidence as related
// information, parse problems as diagnostics too, and the break hop decorated.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import { explanationFor } from '../../../src/core/diagnose/explanations';
import { closeAll, lensApi, openMessage, openUntitledMessage, scenario, waitFor, workspaceFile } from './mfl-helpers';

const SOURCE = 'Mail Flow Lens';

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

function codeValue(d: vscode.Diagnostic): string {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : String(c);
}

const SEVERITY = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, info: vscode.DiagnosticSeverity.Information };

describe('Diagnostics (Problems panel) and break-hop decoration', () => {
  let api: MailFlowLensApi;

  before(async () => {
    api = await lensApi();
  });
  after(closeAll);

  it('puts every finding on the lines of its first evidence, code = finding id linked to its docs', async () => {
    const s = await scenario('proofpoint');
    const { doc, analysis } = await openMessage(api, s.uri);
    const diags = await waitFor(() => {
      const d = ours(doc.uri);
      return d.length === analysis.findings.length + analysis.problems.length ? d : undefined;
    }, 'the diagnostics to be published');
    assert.ok(analysis.findings.length >= 4);
    for (const id of ['dkim-body-modified', 'spf-evaluated-on-relay', 'compauth-fail', 'efc-not-enabled']) {
      const d = diags.find((x) => codeValue(x) === id);
      assert.ok(d && typeof d.code === 'object' && d.code.target.scheme === 'https', `${id} links to its documentation`);
    }
    for (const f of analysis.findings) {
      const d = diags.find((x) => codeValue(x) === f.id && x.message === f.message);
      assert.ok(d, `diagnostic for ${f.id}`);
      const first = f.evidence[0].lines;
      assert.equal(d.range.start.line, first.startLine, `${f.id} start line`);
      assert.equal(d.range.start.character, 0);
      assert.equal(d.range.end.line, first.endLine, `${f.id} end line`);
      assert.equal(d.range.end.character, doc.lineAt(first.endLine).text.length, `${f.id} ends at the end of the header's last line`);
      assert.equal(d.severity, SEVERITY[f.severity]);
      const url = explanationFor(f.explanation)?.docs[0]?.url;
      if (url) {
        const code = d.code as { value: string; target: vscode.Uri };
        assert.equal(code.target.toString(true), vscode.Uri.parse(url).toString(true), `${f.id} links to the first documentation page of its explanation`);
        assert.equal(code.target.scheme, 'https');
      } else {
        assert.equal(d.code, f.id, `${f.id} has no documentation page: the code is the bare id`);
      }
      assert.equal(d.relatedInformation?.length ?? 0, f.evidence.length - 1, `${f.id} related information`);
      f.evidence.slice(1).forEach((e, k) => {
        const r = d.relatedInformation![k];
        assert.equal(r.location.uri.toString(), doc.uri.toString());
        assert.equal(r.location.range.start.line, e.lines.startLine);
        assert.equal(r.location.range.end.line, e.lines.endLine);
      });
    }
  });

  it('DKIM body-hash failure: on EOP\'s Authentication-Results, related to Proofpoint\'s pass and the signature', async () => {
    const s = await scenario('proofpoint');
    const { doc } = await openMessage(api, s.uri);
    const d = await waitFor(() => ours(doc.uri).find((x) => codeValue(x) === 'dkim-body-modified'), 'the dkim-body-modified diagnostic');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.match(doc.lineAt(d.range.start.line).text, /^Authentication-Results: /);
    const headerText = doc.getText(d.range);
    assert.match(headerText, /dkim=fail \(body hash did not verify\)/);
    const related = (d.relatedInformation ?? []).map((r) => doc.lineAt(r.location.range.start.line).text);
    assert.ok(related.some((l) => l.startsWith('Authentication-Results-Original: ')), `related: ${related.join(' | ')}`);
    assert.ok(related.some((l) => l.startsWith('DKIM-Signature: ')), `related: ${related.join(' | ')}`);
    assert.match(d.message, /northwindtraders\.com/);
  });

  it('reports parse problems as diagnostics on their lines', async () => {
    const { doc, analysis } = await openMessage(api, workspaceFile('hostile-headers.eml'));
    const problems = analysis.problems.filter((p) => p.lines);
    assert.ok(problems.length >= 1, 'the hostile fixture has Received fields the parser cannot fully read');
    const diags = await waitFor(() => {
      const d = ours(doc.uri).filter((x) => codeValue(x) === 'received-unparsed');
      return d.length === problems.filter((p) => p.code === 'received-unparsed').length ? d : undefined;
    }, 'the parse-problem diagnostics');
    for (const p of problems.filter((x) => x.code === 'received-unparsed')) {
      const d = diags.find((x) => x.range.start.line === p.lines!.startLine);
      assert.ok(d, `diagnostic on line ${p.lines!.startLine + 1}`);
      assert.equal(d.range.end.line, p.lines!.endLine);
      assert.equal(d.severity, vscode.DiagnosticSeverity.Information);
      assert.match(doc.lineAt(d.range.start.line).text, /^Received: /);
    }
  });

  it('decorates the Received lines of the hop where authentication broke', async () => {
    const s = await scenario('proofpoint');
    const { doc, analysis } = await openMessage(api, s.uri);
    const ranges = api.decorations.rangesFor(doc);
    const lines = analysis.hops[s.facts.breakHopIndex!].lines;
    assert.equal(ranges.length, 1);
    assert.equal(ranges[0].start.line, lines.startLine);
    assert.equal(ranges[0].end.line, lines.endLine);
    assert.match(doc.lineAt(lines.startLine).text, /^Received: from /);

    const m = await scenario('mimecast');
    const other = await openMessage(api, m.uri);
    assert.deepEqual(api.decorations.rangesFor(other.doc), [], 'nothing broke in the Mimecast + Enhanced Filtering message');
  });

  it('clears the diagnostics when the message is closed', async () => {
    const s = await scenario('barracuda');
    const { doc } = await openUntitledMessage(api, s.bytes.toString('utf8'));
    await waitFor(() => ours(doc.uri).length > 0, 'diagnostics on the untitled copy');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await waitFor(() => ours(doc.uri).length === 0, 'the diagnostics to be cleared');
    assert.equal(api.store.get(doc.uri), undefined);
  });
});
