/**
 * Findings and parse problems as diagnostics (Problems panel, squiggles) on the exact header
 * lines they are about. The finding id is the diagnostic code and links to the first
 * documentation page of its explanation; the other evidence lines are related information.
 */
import * as vscode from 'vscode';
import type { Analysis, Finding, LineRange, ParseProblem, Severity } from '../core/types';
import { explanationFor } from '../core/diagnose/explanations';
import { flatten } from '../core/report/markdown';
import type { Store } from './store';

export const DIAGNOSTIC_SOURCE = 'Mail Flow Lens';
const MAX_DIAGNOSTICS = 500;

export function toSeverity(s: Severity): vscode.DiagnosticSeverity {
  return s === 'error' ? vscode.DiagnosticSeverity.Error : s === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

/** Whole lines from startLine to the end of endLine, clamped to the document when it is open. */
export function lineRange(lines: LineRange, document: vscode.TextDocument | undefined): vscode.Range {
  if (!document) return new vscode.Range(lines.startLine, 0, lines.endLine, Number.MAX_SAFE_INTEGER);
  const last = Math.max(0, document.lineCount - 1);
  const start = Math.min(Math.max(0, lines.startLine), last);
  const end = Math.min(Math.max(start, lines.endLine), last);
  return new vscode.Range(start, 0, end, document.lineAt(end).text.length);
}

/** The documentation page behind a finding id, when its explanation has one. */
export function docUri(explanation: string): vscode.Uri | undefined {
  const url = explanationFor(explanation)?.docs[0]?.url;
  if (!url || !/^https:\/\//.test(url)) return undefined;
  try {
    return vscode.Uri.parse(url, true);
  } catch {
    return undefined;
  }
}

function findingLines(a: Analysis, f: Finding): LineRange {
  if (f.evidence.length) return f.evidence[0].lines;
  if (f.hopIndex !== null && a.hops[f.hopIndex]) return a.hops[f.hopIndex].lines;
  return { startLine: 0, endLine: 0 };
}

export function findingDiagnostic(uri: vscode.Uri, a: Analysis, f: Finding, document: vscode.TextDocument | undefined): vscode.Diagnostic {
  const d = new vscode.Diagnostic(lineRange(findingLines(a, f), document), flatten(f.message, 2000), toSeverity(f.severity));
  d.source = DIAGNOSTIC_SOURCE;
  const target = docUri(f.explanation || f.id);
  d.code = target ? { value: f.id, target } : f.id;
  const related = f.evidence.slice(1).map(
    (e) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, lineRange(e.lines, document)), flatten(e.note ? `${e.header}: ${e.note}` : e.header, 300)),
  );
  if (related.length) d.relatedInformation = related;
  return d;
}

export function problemDiagnostic(p: ParseProblem, document: vscode.TextDocument | undefined): vscode.Diagnostic {
  const d = new vscode.Diagnostic(lineRange(p.lines ?? { startLine: 0, endLine: 0 }, document), flatten(p.message, 2000), toSeverity(p.severity));
  d.source = DIAGNOSTIC_SOURCE;
  d.code = p.code;
  return d;
}

/** All diagnostics for one analysed document: findings first, then parse problems. */
export function diagnosticsFor(uri: vscode.Uri, a: Analysis, document: vscode.TextDocument | undefined): vscode.Diagnostic[] {
  const out: vscode.Diagnostic[] = [];
  for (const f of a.findings) out.push(findingDiagnostic(uri, a, f, document));
  for (const p of a.problems) out.push(problemDiagnostic(p, document));
  return out.slice(0, MAX_DIAGNOSTICS);
}

export class Diagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('mailflowLens');
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor(private readonly store: Store) {
    this.disposables.push(store.onDidChange((uri) => this.update(uri)));
  }

  update(uri: vscode.Uri): void {
    const a = this.store.get(uri);
    if (!a) {
      this.collection.delete(uri);
      return;
    }
    const key = uri.toString();
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    this.collection.set(uri, diagnosticsFor(uri, a, document));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
