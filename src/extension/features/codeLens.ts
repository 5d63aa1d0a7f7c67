/**
 * Code lenses on .eml messages:
 *  - on the Received field where the receiver took the message from outside (the entry hop):
 *    "Gateway: Proofpoint 148.163.138.245 → Generate EFC command" and "Explain";
 *  - on the first evidence line of each error finding: "<what broke> · Explain", and "<finding> →
 *    <fix>" for a finding on that line whose fix is about what the finding names (a DKIM finding is
 *    never paired with an Enhanced Filtering command: that fixes SPF and DMARC, not the signature).
 * The generate lens runs the shared Generate Fix command; Explain selects the finding or hop and
 * shows the explanation panel. Titles hold only knowledge-base names, validated IPs and our own
 * words (plus finding titles from the explanations), made inert for `$(icon)` syntax.
 */
import * as vscode from 'vscode';
import type { Analysis, Finding, Remedy } from '../../core/types';
import { explanationFor } from '../../core/diagnose/explanations';
import { normalizeIp } from '../../core/net/ip';
import { shortVendorName } from '../../core/present/vendors';
import type { AnalysisStore } from '../api';
import { plainLabel } from './html';
import { bestRemedyFor, EXPLAIN_COMMAND, GENERATE_FIX_COMMAND, offeredRemedies, remedyLensTitle, type OfferedRemedy } from './fixes';

const MAX_FINDING_LENSES = 20;

const RECEIVER_WORDS: Record<Analysis['boundary']['receiver'], string> = {
  'exchange-online': 'Microsoft 365',
  gmail: 'Gmail',
  other: 'the receiver',
  unknown: 'the receiver',
};

/** "Gateway: Proofpoint 148.163.138.245" / "Entry into Microsoft 365 from 203.0.113.25", from the facts. */
export function entryLensLabel(a: Analysis): string {
  const f = a.facts;
  const ip = normalizeIp(f.entry.connectingIp ?? undefined);
  const relay = f.relays.find((r) => r.connecting) ?? f.relays[f.relays.length - 1];
  if (relay) {
    const vendor = relay.vendor ? shortVendorName(relay.vendor.name) || relay.vendor.name : 'relay';
    return `Gateway: ${vendor}${ip ? ` ${ip}` : ''}${relay.strength === 'weak' ? ' (unconfirmed)' : ''}`;
  }
  return `Entry into ${RECEIVER_WORDS[f.receiver.kind]}${ip ? ` from ${ip}` : ''}`;
}

function findingTitle(f: Finding): string {
  return explanationFor(f.explanation)?.title ?? explanationFor(f.id)?.title ?? f.message.slice(0, 80);
}

/**
 * Which kinds of fix a lens may pair with a finding: a signature finding only with a fix for
 * signatures (trusting the gateway's ARC seal). Findings not listed take any of their fixes.
 */
const LENS_FIX_KINDS: ReadonlyArray<readonly [RegExp, readonly Remedy['kind'][]]> = [
  [/^dkim-/, ['arc']],
  [/^arc-/, ['arc']],
];

export function lensFits(f: Finding, r: Remedy): boolean {
  const rule = LENS_FIX_KINDS.find(([re]) => re.test(f.id));
  return !rule || rule[1].includes(r.kind);
}

/** The fix a lens offers for a finding: its best fix whose kind fits the finding, or undefined. */
export function lensRemedyFor(f: Finding, offered: { remedies: OfferedRemedy[]; preferredId: string | undefined }): OfferedRemedy | undefined {
  const fitting = { remedies: offered.remedies.filter((r) => lensFits(f, r)), preferredId: offered.preferredId };
  return bestRemedyFor(f, fitting);
}

function generateLens(range: vscode.Range, label: string, r: OfferedRemedy, uri: vscode.Uri): vscode.CodeLens {
  const title = plainLabel(`${label} → ${remedyLensTitle(r)}`, 140);
  return new vscode.CodeLens(range, { title, command: GENERATE_FIX_COMMAND, arguments: [r.id, uri], tooltip: plainLabel(r.title, 200) });
}

function explainLens(range: vscode.Range, uri: vscode.Uri, target: { kind: 'finding' | 'hop'; index: number }, label?: string, verb = 'Explain', about?: string): vscode.CodeLens {
  return new vscode.CodeLens(range, {
    title: plainLabel(label ? `${label} · ${verb}` : verb, 160),
    command: EXPLAIN_COMMAND,
    arguments: [uri, target],
    tooltip: plainLabel(
      `${about ? `${about}: show` : 'Show'} the explanation: what happened, the evidence, why it matters, the fix and how to verify it`,
      300,
    ),
  });
}

/** The lenses for one analysed message (pure apart from vscode types; exported for the tests). */
export function lensesFor(a: Analysis, uri: vscode.Uri, lineCount: number): vscode.CodeLens[] {
  const out: vscode.CodeLens[] = [];
  const offered = offeredRemedies(a, uri);
  const at = (line: number) => new vscode.Range(Math.min(line, lineCount - 1), 0, Math.min(line, lineCount - 1), 0);

  const entryIndex = a.facts.entry.hopIndex;
  const entry = entryIndex !== null ? a.hops[entryIndex] : undefined;
  if (entry && entry.lines.startLine < lineCount) {
    const range = at(entry.lines.startLine);
    const label = entryLensLabel(a);
    const efc =
      offered.remedies.find((r) => r.kind === 'efc' && r.id === offered.preferredId) ??
      offered.remedies.find((r) => r.kind === 'efc' && r.id !== 'efc-verify') ??
      offered.remedies.find((r) => r.kind === 'efc');
    if (efc) {
      out.push(generateLens(range, label, efc, uri));
      out.push(explainLens(range, uri, { kind: 'hop', index: entry.index }));
    } else {
      out.push(explainLens(range, uri, { kind: 'hop', index: entry.index }, label));
    }
  }

  // one group per line: the first error finding on it, with a count of the others in Explain
  const byLine = new Map<number, number[]>();
  for (let i = 0; i < a.findings.length; i++) {
    const f = a.findings[i];
    if (f.severity !== 'error') continue;
    const line = f.evidence[0]?.lines.startLine ?? (f.hopIndex !== null ? a.hops[f.hopIndex]?.lines.startLine : undefined);
    if (line === undefined || line >= lineCount) continue;
    const list = byLine.get(line);
    if (list) list.push(i);
    else if (byLine.size < MAX_FINDING_LENSES) byLine.set(line, [i]);
  }
  for (const [line, indexes] of byLine) {
    const i = indexes[0];
    const f = a.findings[i];
    const range = at(line);
    const more = indexes.length > 1 ? `Explain (+${indexes.length - 1} more here)` : 'Explain';
    // the first finding on the line whose own fix fits it (not necessarily the first finding)
    const fixer = indexes.map((k) => ({ k, r: lensRemedyFor(a.findings[k], offered) })).find((x) => x.r);
    if (fixer && fixer.k === i) {
      out.push(generateLens(range, findingTitle(f), fixer.r!, uri));
      out.push(explainLens(range, uri, { kind: 'finding', index: i }, undefined, more));
    } else if (fixer) {
      // two findings' titles on one line run past the editor's edge: the fix keeps its finding's
      // title, the explanation (of the first finding here) names it in its tooltip
      out.push(explainLens(range, uri, { kind: 'finding', index: i }, undefined, more, findingTitle(f)));
      out.push(generateLens(range, findingTitle(a.findings[fixer.k]), fixer.r!, uri));
    } else {
      out.push(explainLens(range, uri, { kind: 'finding', index: i }, findingTitle(f), more));
    }
  }
  return out;
}

export class EmlCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: AnalysisStore) {
    this.subscription = store.onDidChange(() => this.changed.fire());
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const a = this.store.get(document.uri) ?? (await this.store.analyze(document));
    if (!a || token.isCancellationRequested) return [];
    return lensesFor(a, document.uri, document.lineCount);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

export function registerCodeLens(store: AnalysisStore): vscode.Disposable[] {
  const provider = new EmlCodeLensProvider(store);
  return [provider, vscode.languages.registerCodeLensProvider({ language: 'eml' }, provider)];
}
