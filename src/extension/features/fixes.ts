/**
 * What the code actions, code lenses and the explanation panel share: the remedies a message
 * offers (in the order the Generate Fix command uses, with the settings' preferred EFC variant),
 * their action titles, and two small commands: Copy Fix (the text Generate Fix would open, to the
 * clipboard) and Explain (select a finding or hop and show the explanation panel).
 *
 * Generating is delegated to the `mailflowLens.generateFix` command (src/extension/commands.ts):
 * the document text, the "insert at the cursor of a PowerShell editor" rule and the untitled
 * document beside the message live in one place.
 */
import * as vscode from 'vscode';
import type { Analysis, Finding, Remedy } from '../../core/types';
import { parseIpSpec } from '../../core/net/ip';
import type { AnalysisStore, Selection } from '../api';
import { fixDocumentText, orderRemedies } from '../commands';
import { readSettings } from '../config';
import { plainLabel } from './html';
import { asUri } from '../uri';

export const GENERATE_FIX_COMMAND = 'mailflowLens.generateFix';
export const COPY_FIX_COMMAND = 'mailflowLens.copyFix';
export const EXPLAIN_COMMAND = 'mailflowLens.explain';
export const EXPLANATION_VIEW_ID = 'mailflowLens.explanation';

export type OfferedRemedy = Remedy & { preferred?: boolean };

/**
 * The remedies Generate Fix can produce for this message, preferred first, with exactly one marked
 * `isPreferred`: the settings' EFC choice, else the engine's recommended one.
 */
export function offeredRemedies(a: Analysis, uri: vscode.Uri): { remedies: OfferedRemedy[]; preferredId: string | undefined } {
  let remedies: OfferedRemedy[];
  try {
    const s = readSettings(uri);
    remedies = orderRemedies(a, s.efcMode, s.connectorName);
  } catch {
    remedies = [...a.remedies];
  }
  const preferred = remedies.find((r) => r.preferred) ?? remedies.find((r) => r.recommended);
  return { remedies, preferredId: preferred?.id };
}

function ipWords(values: unknown): string {
  if (!Array.isArray(values)) return '';
  const ok: string[] = [];
  for (const v of values) {
    if (typeof v !== 'string' || v.length > 100) continue;
    const spec = parseIpSpec(v);
    if (spec) ok.push(spec.text);
  }
  if (!ok.length) return '';
  const shown = ok.slice(0, 3).join(', ');
  return ok.length > 3 ? `${shown} +${ok.length - 3} more` : shown;
}

function domainWords(values: unknown): string {
  if (!Array.isArray(values)) return '';
  const ok = values.filter((v): v is string => typeof v === 'string' && /^[A-Za-z0-9.-]{1,253}$/.test(v));
  if (!ok.length) return '';
  return ok.length > 2 ? `${ok.slice(0, 2).join(', ')} +${ok.length - 2} more` : ok.join(', ');
}

/** The action title of a remedy ("Generate Set-InboundConnector (Enhanced Filtering) for 148.163.138.245"). */
export function remedyActionTitle(r: Remedy): string {
  const p = (r.parameters ?? {});
  let title: string;
  switch (r.id) {
    case 'efc-skip-ips': {
      const ips = ipWords(p.efSkipIPs);
      title = `Generate Set-InboundConnector (Enhanced Filtering) for ${ips || 'the relay IPs'}`;
      break;
    }
    case 'efc-skip-last-ip':
      title = 'Generate Set-InboundConnector (Enhanced Filtering): skip the last IP';
      break;
    case 'efc-pilot-users':
      title = 'Generate Set-InboundConnector (Enhanced Filtering): pilot for these recipients';
      break;
    case 'efc-verify':
      title = 'Show how to verify Enhanced Filtering';
      break;
    case 'lockdown-connector':
      title = 'Generate lock-down inbound connector';
      break;
    case 'lockdown-certificate':
      title = 'Generate lock-down inbound connector (gateway certificate)';
      break;
    case 'arc-trusted-sealer': {
      const d = domainWords(p.sealers ?? p.arcTrustedSealers ?? p.trustedSealers);
      title = `Trust this ARC sealer (Set-ArcConfig)${d ? `: ${d}` : ''}`;
      break;
    }
    case 'gmail-inbound-gateway':
      title = 'Show Gmail inbound-gateway settings';
      break;
    case 'device-relay-connector':
      title = 'Generate device-relay connector';
      break;
    case 'spf-record-relay':
      title = 'Generate SPF record for the relay';
      break;
    case 'remove-scl-bypass':
      title = 'Generate clean-up: disable the SCL -1 bypass rule';
      break;
    case 'remove-ip-allow':
      title = 'Generate clean-up: remove the gateway from the IP Allow List';
      break;
    default:
      title = `Generate: ${r.title}`;
  }
  return plainLabel(title, 160);
}

/** Short name for a code lens ("Generate EFC command"). */
export function remedyLensTitle(r: Remedy): string {
  switch (r.kind) {
    case 'efc':
      return r.id === 'efc-verify' ? 'How to verify EFC' : 'Generate EFC command';
    case 'lockdown':
      return 'Generate lock-down connector';
    case 'arc':
      return 'Generate Set-ArcConfig';
    case 'gmail':
      return 'Show Gmail gateway settings';
    case 'relay':
      return r.id === 'spf-record-relay' ? 'Generate SPF record' : 'Generate relay connector';
    case 'cleanup':
      return 'Generate clean-up';
    default:
      return 'Generate fix';
  }
}

/** The first remedy of a finding that the message offers, the preferred one first. */
export function bestRemedyFor(f: Finding, offered: { remedies: OfferedRemedy[]; preferredId: string | undefined }): OfferedRemedy | undefined {
  const ids = new Set(f.remedies);
  if (offered.preferredId && ids.has(offered.preferredId)) return offered.remedies.find((r) => r.id === offered.preferredId);
  return offered.remedies.find((r) => ids.has(r.id) && r.id !== 'efc-verify') ?? offered.remedies.find((r) => ids.has(r.id));
}

function documentFor(uri: vscode.Uri | undefined): vscode.TextDocument | undefined {
  if (!uri) return undefined;
  const key = uri.toString();
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
}

/** Where an explain request points: a finding or hop index of the current analysis. */
export interface ExplainTarget {
  kind: 'finding' | 'hop' | 'summary';
  index?: number;
}

function isExplainTarget(v: unknown): v is ExplainTarget {
  if (typeof v !== 'object' || v === null) return false;
  const t = v as Record<string, unknown>;
  if (t.kind === 'summary') return true;
  return (t.kind === 'finding' || t.kind === 'hop') && typeof t.index === 'number' && Number.isInteger(t.index) && t.index >= 0;
}

export class FixCommands implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** Replaced by tests that must not touch the system clipboard. */
  clipboard: { writeText(text: string): Thenable<void> } = vscode.env.clipboard;

  constructor(private readonly store: AnalysisStore) {}

  /** Registers the commands, skipping any another part of the extension already registered. */
  async register(): Promise<void> {
    const existing = new Set(await vscode.commands.getCommands(true));
    if (!existing.has(COPY_FIX_COMMAND)) {
      this.disposables.push(vscode.commands.registerCommand(COPY_FIX_COMMAND, (a: unknown, b: unknown) => this.copyFix(a, b)));
    }
    if (!existing.has(EXPLAIN_COMMAND)) {
      this.disposables.push(vscode.commands.registerCommand(EXPLAIN_COMMAND, (a: unknown, b: unknown) => this.explain(a, b)));
    }
  }

  private async messageOf(uri: vscode.Uri | undefined): Promise<{ uri: vscode.Uri; analysis: Analysis } | undefined> {
    const doc = documentFor(uri) ?? (vscode.window.activeTextEditor?.document.languageId === 'eml' ? vscode.window.activeTextEditor.document : undefined);
    if (doc) {
      const analysis = this.store.get(doc.uri) ?? (await this.store.analyze(doc));
      return analysis ? { uri: doc.uri, analysis } : undefined;
    }
    return this.store.active;
  }

  /**
   * Copy Fix: `(remedyId, uri?)`. Copies the same text Generate Fix would open (the script, then
   * its checks, roll-back and verification as comments). Returns the text, or undefined.
   */
  async copyFix(arg0?: unknown, arg1?: unknown): Promise<string | undefined> {
    const remedyId = typeof arg0 === 'string' && /^[a-z0-9-]{1,64}$/.test(arg0) ? arg0 : undefined;
    const m = await this.messageOf(asUri(arg1) ?? asUri(arg0));
    if (!m) {
      void vscode.window.showInformationMessage('Mail Flow Lens: open a saved message (.eml) first.');
      return undefined;
    }
    const { remedies, preferredId } = offeredRemedies(m.analysis, m.uri);
    let remedy = remedies.find((r) => r.id === (remedyId ?? preferredId));
    if (!remedy && remedyId === undefined) {
      const pick = await vscode.window.showQuickPick(
        remedies.map((r) => ({ label: remedyActionTitle(r), remedy: r })),
        { title: 'Copy Fix', placeHolder: 'The change to copy (nothing is run)' },
      );
      remedy = pick?.remedy;
    }
    if (!remedy) {
      if (remedyId !== undefined) void vscode.window.showWarningMessage(`Mail Flow Lens: this message has no fix "${remedyId}".`);
      return undefined;
    }
    const text = fixDocumentText(remedy);
    await this.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`Mail Flow Lens: copied "${plainLabel(remedy.title, 80)}" (review before running)`, 4000);
    return text;
  }

  /**
   * Explain: `(uri?, {kind:'finding'|'hop', index} | {kind:'summary'})`. Without a target: the
   * finding on the cursor line of the active message, else the summary. Selects it in the shared
   * selection and shows the explanation panel.
   */
  async explain(arg0?: unknown, arg1?: unknown): Promise<Selection | undefined> {
    const m = await this.messageOf(asUri(arg0));
    if (!m) {
      void vscode.window.showInformationMessage('Mail Flow Lens: open a saved message (.eml) first.');
      return undefined;
    }
    const uri = m.uri.toString();
    let selection: Selection = { kind: 'summary', uri };
    const target = isExplainTarget(arg1) ? arg1 : isExplainTarget(arg0) ? arg0 : undefined;
    if (target?.kind === 'finding' && target.index !== undefined && m.analysis.findings[target.index]) {
      selection = { kind: 'finding', uri, finding: m.analysis.findings[target.index] };
    } else if (target?.kind === 'hop' && target.index !== undefined && m.analysis.hops[target.index]) {
      selection = { kind: 'hop', uri, hop: m.analysis.hops[target.index] };
    } else if (!target) {
      const editor = vscode.window.activeTextEditor;
      if (editor && editor.document.uri.toString() === uri) {
        const line = editor.selection.active.line;
        const f = m.analysis.findings.find((x) => x.evidence.some((e) => e.lines.startLine <= line && line <= e.lines.endLine));
        if (f) selection = { kind: 'finding', uri, finding: f };
      }
    }
    this.store.select(selection);
    try {
      await vscode.commands.executeCommand(`${EXPLANATION_VIEW_ID}.focus`);
    } catch {
      // the view is not contributed in this host (e.g. tests without the container)
    }
    return selection;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
