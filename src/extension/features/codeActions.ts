/**
 * Code actions on .eml messages.
 *
 * Quick fixes sit on our diagnostics (source "Mail Flow Lens", code = finding id): one "Generate"
 * and one "Copy" action per remedy the finding names and the message offers, plus "Explain".
 * Generate actions ("Generate Set-InboundConnector (Enhanced Filtering) for 148.163.138.245",
 * "Trust this ARC sealer (Set-ArcConfig)", …) are offered anywhere in the header block as
 * refactorings, for every remedy this message has. The recommended one is `isPreferred`.
 *
 * Every action only runs a command: Generate Fix opens the text beside the message (or inserts it
 * at the cursor of a PowerShell editor); nothing edits the message and nothing runs the script.
 */
import * as vscode from 'vscode';
import type { Analysis, Finding } from '../../core/types';
import { explanationFor } from '../../core/diagnose/explanations';
import type { AnalysisStore } from '../api';
import { plainLabel } from './html';
import { COPY_FIX_COMMAND, EXPLAIN_COMMAND, GENERATE_FIX_COMMAND, offeredRemedies, remedyActionTitle, type OfferedRemedy } from './fixes';

export const DIAGNOSTIC_SOURCE = 'Mail Flow Lens';

/** refactor.mailflowLens.generate: open a generated fix; refactor.mailflowLens.copy: copy it. */
export const GENERATE_KIND = vscode.CodeActionKind.Refactor.append('mailflowLens').append('generate');
export const COPY_KIND = vscode.CodeActionKind.Refactor.append('mailflowLens').append('copy');

function diagnosticCode(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (typeof c === 'string') return c;
  if (typeof c === 'object' && c !== null && typeof c.value === 'string') return c.value;
  return undefined;
}

/** The findings a diagnostic stands for: same id, first evidence (or hop) on the diagnostic's lines. */
export function findingsForDiagnostic(a: Analysis, d: vscode.Diagnostic): Finding[] {
  const id = diagnosticCode(d);
  if (!id || d.source !== DIAGNOSTIC_SOURCE) return [];
  const same = a.findings.filter((f) => f.id === id);
  const onLine = same.filter((f) => {
    const lines = f.evidence[0]?.lines ?? (f.hopIndex !== null ? a.hops[f.hopIndex]?.lines : undefined);
    return lines ? lines.startLine <= d.range.end.line && d.range.start.line <= lines.endLine : d.range.start.line === 0;
  });
  return onLine.length ? onLine : same.slice(0, 1);
}

function generateAction(r: OfferedRemedy, uri: vscode.Uri, kind: vscode.CodeActionKind, preferred: boolean, diagnostics?: vscode.Diagnostic[]): vscode.CodeAction {
  const title = remedyActionTitle(r);
  const action = new vscode.CodeAction(title, kind);
  action.command = { command: GENERATE_FIX_COMMAND, title, arguments: [r.id, uri], tooltip: plainLabel(r.why ?? r.title, 300) };
  if (diagnostics) action.diagnostics = [...diagnostics];
  if (preferred) action.isPreferred = true;
  return action;
}

function copyAction(r: OfferedRemedy, uri: vscode.Uri, kind: vscode.CodeActionKind, diagnostics?: vscode.Diagnostic[]): vscode.CodeAction {
  const title = plainLabel(`Copy: ${remedyActionTitle(r).replace(/^Generate /, '').replace(/^Show /, '')}`, 160);
  const action = new vscode.CodeAction(title, kind);
  action.command = { command: COPY_FIX_COMMAND, title, arguments: [r.id, uri] };
  if (diagnostics) action.diagnostics = [...diagnostics];
  return action;
}

export class EmlCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, GENERATE_KIND, COPY_KIND],
    documentation: [
      {
        kind: GENERATE_KIND,
        command: { command: EXPLAIN_COMMAND, title: 'What Mail Flow Lens generates and why' },
      },
    ],
  };

  constructor(private readonly store: AnalysisStore) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeAction[]> {
    const a = this.store.get(document.uri) ?? (await this.store.analyze(document));
    if (!a || token.isCancellationRequested) return [];
    const wants = (kind: vscode.CodeActionKind) => !context.only || context.only.contains(kind);
    const offered = offeredRemedies(a, document.uri);
    const byId = new Map(offered.remedies.map((r) => [r.id, r]));
    const out: vscode.CodeAction[] = [];
    const quickFixed = new Set<string>();

    if (wants(vscode.CodeActionKind.QuickFix)) {
      // one Generate and one Copy per remedy, attached to every diagnostic whose finding names it
      // (several findings often sit on the same Authentication-Results line)
      const fixes = new Map<string, vscode.Diagnostic[]>();
      const explains: vscode.CodeAction[] = [];
      const explained = new Set<number>();
      for (const d of context.diagnostics) {
        for (const f of findingsForDiagnostic(a, d)) {
          const index = a.findings.indexOf(f);
          for (const id of f.remedies) {
            if (!byId.has(id)) continue;
            const list = fixes.get(id) ?? [];
            if (!list.includes(d)) list.push(d);
            fixes.set(id, list);
          }
          if (explained.has(index)) continue;
          explained.add(index);
          const title = plainLabel(`Explain: ${explanationFor(f.explanation)?.title ?? explanationFor(f.id)?.title ?? f.id}`, 160);
          const explain = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
          explain.command = { command: EXPLAIN_COMMAND, title, arguments: [document.uri, { kind: 'finding', index }] };
          explain.diagnostics = [d];
          explains.push(explain);
        }
      }
      // in the message's remedy order (preferred first)
      for (const r of offered.remedies) {
        const ds = fixes.get(r.id);
        if (!ds) continue;
        quickFixed.add(r.id);
        out.push(generateAction(r, document.uri, vscode.CodeActionKind.QuickFix, r.id === offered.preferredId, ds));
      }
      for (const r of offered.remedies) {
        const ds = fixes.get(r.id);
        if (ds) out.push(copyAction(r, document.uri, vscode.CodeActionKind.QuickFix, ds));
      }
      out.push(...explains);
    }

    // generate / copy anywhere in the header block
    const inHeaders = range.start.line < a.input.bodyStartLine;
    if (inHeaders) {
      const explicit = !!context.only && !context.only.contains(vscode.CodeActionKind.QuickFix);
      for (const r of offered.remedies) {
        // without an explicit request for refactorings, do not repeat what the quick fixes offer
        if (quickFixed.has(r.id) && !explicit) continue;
        if (wants(GENERATE_KIND)) out.push(generateAction(r, document.uri, GENERATE_KIND, r.id === offered.preferredId));
      }
      for (const r of offered.remedies) {
        if (quickFixed.has(r.id) && !explicit) continue;
        if (wants(COPY_KIND)) out.push(copyAction(r, document.uri, COPY_KIND));
      }
    }
    return out;
  }
}

export function registerCodeActions(store: AnalysisStore): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider({ language: 'eml' }, new EmlCodeActionProvider(store), EmlCodeActionProvider.metadata);
}
