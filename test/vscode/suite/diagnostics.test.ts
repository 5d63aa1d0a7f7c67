// Diagnostics inside a real VS Code: every finding sits on its first evidence (on the result it is
// about, "dkim=fail", or on the header's name), with the finding id as code linking to its
// documentation, the other evidence as related information, parse problems as diagnostics too, the
// break hop decorated (only for a message broken in transit), and the diagnostics gone from the
// Problems panel when the message's last tab closes.
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
      assert.ok(d.range.start.line >= first.startLine && d.range.end.line <= first.endLine, `${f.id} sits inside its first evidence's lines`);
      assert.equal(d.range.start.line, d.range.end.line, `${f.id} covers one token, not whole lines`);
      const token = doc.getText(d.range);
      const method = /^(dkim|spf|dmarc|compauth|arc)-/.exec(f.id)?.[1];
      const evidenceText = doc.getText(new vscode.Range(first.startLine, 0, first.endLine + 1, 0));
      if (method && new RegExp(`(^|[^a-z0-9._-])${method}=`, 'i').test(evidenceText)) assert.match(token, new RegExp(`^${method}=[a-z]+$`, 'i'), `${f.id} squiggles its result`);
      else assert.equal(token, doc.lineAt(first.startLine).text.slice(0, doc.lineAt(first.startLine).text.indexOf(':')), `${f.id} squiggles the header name`);
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
    assert.match(doc.lineAt(d.range.start.line).text, /dkim=fail \(body hash did not verify\)/);
    assert.equal(doc.getText(d.range), 'dkim=fail', 'the squiggle is on the failed result');
    // the field it sits in is EOP's Authentication-Results
    const a = api.store.get(doc.uri)!;
    const field = a.headers.find((h) => h.lines.startLine <= d.range.start.line && d.range.start.line <= h.lines.endLine);
    assert.equal(field?.name, 'Authentication-Results');
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
    assert.equal(analysis.facts.verdict.breakHopIndex, s.facts.breakHopIndex);
    const lines = analysis.hops[s.facts.breakHopIndex!].lines;
    assert.equal(ranges.length, 1);
    assert.equal(ranges[0].start.line, lines.startLine);
    assert.equal(ranges[0].end.line, lines.endLine);
    assert.match(doc.lineAt(lines.startLine).text, /^Received: from /);

    const m = await scenario('mimecast');
    const other = await openMessage(api, m.uri);
    assert.deepEqual(api.decorations.rangesFor(other.doc), [], 'nothing broke in the Mimecast + Enhanced Filtering message');
    // a spoof never passed: no hop broke, whatever its findings
    const p = await scenario('phish');
    const phish = await openMessage(api, p.uri);
    assert.ok(phish.analysis.findings.some((f) => f.severity === 'error' && f.hopIndex !== null), 'the phish has error findings on hops');
    assert.deepEqual(api.decorations.rangesFor(phish.doc), [], 'no break marker on an attacker hop');
  });

  it('an IP in a result comment is not under a diagnostic (its hover is not buried)', async () => {
    const s = await scenario('proofpoint');
    const { doc } = await openMessage(api, s.uri);
    await waitFor(() => ours(doc.uri).length > 0, 'the diagnostics');
    for (let l = 0; l < doc.lineCount; l++) {
      const c = doc.lineAt(l).text.indexOf('sender IP is 148.163.138.245');
      if (c < 0) continue;
      const pos = new vscode.Position(l, c + 'sender IP is '.length + 3);
      const over = ours(doc.uri).filter((d) => d.range.contains(pos));
      assert.deepEqual(over.map(codeValue), [], 'no diagnostic covers the IP');
    }
  });

  it('clears the diagnostics from the Problems panel when the last tab of a saved message closes', async () => {
    const s = await scenario('mimecast');
    const m = await scenario('proofpoint');
    const { doc } = await openMessage(api, m.uri);
    await waitFor(() => ours(doc.uri).length > 0, 'diagnostics on the Proofpoint message');
    await openMessage(api, s.uri);
    // close the Proofpoint message's tab: VS Code keeps the document open for a while, the Problems panel must not
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === doc.uri.toString());
    assert.ok(tab, 'the message has a tab');
    await vscode.window.tabGroups.close(tab);
    await waitFor(() => ours(doc.uri).length === 0, 'the diagnostics to leave with the tab');
    // opening it again brings them back
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(doc.uri), { preview: false });
    await waitFor(() => ours(doc.uri).length > 0, 'the diagnostics to come back with the tab');
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
