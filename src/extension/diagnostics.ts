/**
 * Findings and parse problems as diagnostics (Problems panel, squiggles). A finding about a result
 * (dkim=fail, spf=fail, dmarc=…, compauth=…, arc=…) squiggles that result on the header line of
 * its first evidence; any other finding the field name of that header. So the hovers on the values
 * around it (IPs, hosts, comments) are not buried under the stacked diagnostics. The finding id is
 * the diagnostic code and links to the first documentation page of its explanation; the other
 * evidence lines are related information. A message's diagnostics go when its last editor tab
 * closes (VS Code keeps the document itself open for a while after that).
 */
import * as vscode from 'vscode';
import type { Analysis, Finding, LineRange, ParseProblem, Severity } from '../core/types';
import { explanationFor } from '../core/diagnose/explanations';
import { flatten } from '../core/present/text';
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

/** The authentication method a finding is about, when it is about one result. */
export function findingMethod(id: string): string | undefined {
  const m = /^(dkim|spf|dmarc|compauth|arc)-/.exec(id);
  return m ? m[1] : undefined;
}

/** Scans at most this many characters per line for a result token. */
const MAX_SCAN = 8192;

/**
 * Where a finding's squiggle goes inside its header lines: the `method=result` token of the
 * method it is about (the first on those lines), else the header's field name on its first line,
 * else the whole lines. Without an open document the whole lines.
 */
export function findingRange(lines: LineRange, method: string | undefined, document: vscode.TextDocument | undefined): vscode.Range {
  const whole = lineRange(lines, document);
  if (!document) return whole;
  if (method) {
    for (let l = whole.start.line; l <= whole.end.line; l++) {
      const text = document.lineAt(l).text.slice(0, MAX_SCAN);
      const lower = text.toLowerCase();
      let at = -1;
      for (let from = 0; ; ) {
        const i = lower.indexOf(method, from);
        if (i < 0) break;
        const before = i === 0 ? ' ' : lower[i - 1];
        let j = i + method.length;
        while (lower[j] === ' ') j++;
        if (!/[a-z0-9._-]/.test(before) && lower[j] === '=') {
          at = i;
          let k = j + 1;
          while (lower[k] === ' ') k++;
          while (k < text.length && /[A-Za-z]/.test(text[k])) k++;
          return new vscode.Range(l, at, l, k);
        }
        from = i + method.length;
      }
    }
  }
  const first = document.lineAt(whole.start.line).text;
  const colon = first.indexOf(':');
  if (colon > 0 && colon < 200 && /^[!-9;-~]+$/.test(first.slice(0, colon))) return new vscode.Range(whole.start.line, 0, whole.start.line, colon);
  return whole;
}

export function findingDiagnostic(uri: vscode.Uri, a: Analysis, f: Finding, document: vscode.TextDocument | undefined): vscode.Diagnostic {
  const d = new vscode.Diagnostic(findingRange(findingLines(a, f), findingMethod(f.id), document), flatten(f.message, 2000), toSeverity(f.severity));
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

/** Whether any editor tab shows the document. */
function hasTab(uri: vscode.Uri): boolean {
  const key = uri.toString();
  for (const g of vscode.window.tabGroups.all) {
    for (const t of g.tabs) {
      const input = t.input;
      if (input instanceof vscode.TabInputText && input.uri.toString() === key) return true;
      if (input instanceof vscode.TabInputTextDiff && (input.modified.toString() === key || input.original.toString() === key)) return true;
    }
  }
  return false;
}

function tabUri(tab: vscode.Tab): vscode.Uri | undefined {
  const input = tab.input;
  if (input instanceof vscode.TabInputText) return input.uri;
  if (input instanceof vscode.TabInputTextDiff) return input.modified;
  return undefined;
}

export class Diagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('mailflowLens');
  private readonly disposables: vscode.Disposable[] = [this.collection];
  /** Messages whose last tab closed: their diagnostics stay away until a tab shows them again. */
  private readonly hidden = new Set<string>();

  constructor(private readonly store: Store) {
    this.disposables.push(
      store.onDidChange((uri) => this.update(uri)),
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        for (const tab of e.closed) {
          const uri = tabUri(tab);
          if (uri && !hasTab(uri) && this.collection.has(uri)) {
            this.hidden.add(uri.toString());
            this.collection.delete(uri);
          }
        }
        for (const tab of e.opened) {
          const uri = tabUri(tab);
          if (uri && this.hidden.delete(uri.toString())) this.update(uri);
        }
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.hidden.delete(d.uri.toString());
        this.collection.delete(d.uri);
      }),
    );
  }

  update(uri: vscode.Uri): void {
    const a = this.store.get(uri);
    if (!a) {
      this.collection.delete(uri);
      return;
    }
    const key = uri.toString();
    if (this.hidden.has(key)) {
      if (!hasTab(uri)) return;
      this.hidden.delete(key);
    }
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    this.collection.set(uri, diagnosticsFor(uri, a, document));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
