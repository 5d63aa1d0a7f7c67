/**
 * One status bar item for the message in the active editor: a one-line verdict such as
 * "$(error) DKIM broken at Proofpoint · EFC off" or "$(pass) Authentication passed", details in the
 * tooltip, and a click that shows the Route view.
 */
import * as vscode from 'vscode';
import type { Analysis, Finding } from '../core/types';
import { isMessage } from '../core/analyze';
import { flatten, formatAuthSummary, receiverVerdict, shortVendorName } from '../core/report/markdown';
import { isEml, type Store } from './store';

export const FOCUS_ROUTE_COMMAND = 'mailflowLens.focusRoute';

/** Short names for the findings the status bar leads with. */
const SHORT: Record<string, string> = {
  'dkim-body-modified': 'DKIM broken',
  'dkim-header-modified': 'DKIM broken',
  'spf-evaluated-on-relay': 'SPF checked against the relay',
  'dmarc-fail-after-relay': 'DMARC failed',
  'compauth-fail': 'compauth failed',
  'forged-auth-results': 'Forged authentication results',
  'efc-not-enabled': 'Enhanced Filtering off',
  'efc-private-hop': 'Enhanced Filtering sees a private hop',
  'efc-recipient-not-in-scope': 'Recipient outside Enhanced Filtering scope',
  'efc-unsupported-routing': 'Routing unsupported by Enhanced Filtering',
  'gmail-inbound-gateway-missing': 'Gmail inbound gateway not set',
  'relay-device-spf': 'Relayed device mail fails SPF',
  'ip-allow-list-bypass': 'Filtering bypassed by an IP allow list',
  'scl-bypass-rule': 'Filtering bypassed by a mail flow rule',
  'direct-to-tenant': 'Gateway bypassed (direct to tenant)',
  'arc-trusted-sealer-candidate': 'ARC sealer not trusted',
  'clock-skew': 'Clock skew on the route',
  'slow-hop': 'Slow hop',
};

export interface StatusSummary {
  icon: 'error' | 'warning' | 'pass' | 'info' | 'circle-slash';
  text: string;
}

function whereBroke(a: Analysis, f: Finding): string {
  if (f.hopIndex === null) return '';
  const hop = a.hops[f.hopIndex];
  if (!hop) return '';
  const name = hop.vendor ? shortVendorName(hop.vendor.name) : hop.by.host;
  return name ? ` at ${flatten(name, 40)}` : '';
}

function shortFinding(a: Analysis, f: Finding): string {
  const short = SHORT[f.id];
  if (short) return `${short}${f.id.startsWith('dkim-') || f.id === 'spf-evaluated-on-relay' ? whereBroke(a, f) : ''}`;
  const m = flatten(f.message, 60);
  const i = m.search(/[.:;]\s/);
  return i > 10 ? m.slice(0, i) : m;
}

/** "EFC off" / "EFC on" for an Exchange Online receiver behind relays; "" otherwise. */
export function efcState(a: Analysis): string {
  if (a.boundary.receiver !== 'exchange-online' || !a.boundary.relayHopIndexes.length) return '';
  if (a.findings.some((f) => f.id === 'efc-active') || a.microsoft?.skipListed) return 'EFC on';
  if (a.findings.some((f) => f.id === 'efc-not-enabled')) return 'EFC off';
  return '';
}

/** The one-line verdict for a message (without the codicon). */
export function summarize(a: Analysis): StatusSummary {
  if (!isMessage(a)) return { icon: 'circle-slash', text: 'Not a message' };
  const efc = efcState(a);
  const withEfc = (s: string) => (efc && !s.includes('Enhanced Filtering') ? `${s} · ${efc}` : s);
  const error = a.findings.find((f) => f.severity === 'error');
  if (error) return { icon: 'error', text: withEfc(shortFinding(a, error)) };
  const verdict = receiverVerdict(a);
  const values = Object.values(verdict).map((v) => (v ?? '').toLowerCase());
  const failed = values.some((v) => v === 'fail' || v === 'permerror' || v === 'softfail');
  if (failed) return { icon: 'error', text: withEfc(`Authentication failed (${formatAuthSummary(verdict)})`) };
  const warning = a.findings.find((f) => f.severity === 'warning');
  if (warning) return { icon: 'warning', text: withEfc(shortFinding(a, warning)) };
  if (values.length && values.some((v) => v === 'pass')) return { icon: 'pass', text: 'Authentication passed' };
  return { icon: 'info', text: a.hops.length ? `${a.hops.length} hop${a.hops.length === 1 ? '' : 's'}, no receiver verdict` : 'No route (no Received fields)' };
}

export class StatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('mailflowLens.verdict', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(private readonly store: Store) {
    this.item.name = 'Mail Flow Lens';
    this.item.command = { command: FOCUS_ROUTE_COMMAND, title: 'Show the route' };
    this.disposables.push(
      store.onDidChange(() => this.update()),
      store.onDidChangeActive(() => this.update()),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
    );
    this.update();
  }

  /** The status text as shown (codicon syntax included); "" while hidden. */
  get text(): string {
    return this.visible ? this.item.text : '';
  }

  private visible = false;

  update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const a = isEml(doc) ? this.store.get(doc.uri) : undefined;
    if (!doc || !a) {
      this.visible = false;
      this.item.hide();
      return;
    }
    const s = summarize(a);
    const verifying = this.store.phase(doc.uri) === 'headers';
    this.item.text = `$(${s.icon}) ${s.text}${verifying ? ' $(loading~spin)' : ''}`;
    this.item.tooltip = this.tooltip(doc.uri, a, s, verifying);
    this.item.accessibilityInformation = { label: `Mail Flow Lens: ${s.text}`, role: 'button' };
    this.visible = true;
    this.item.show();
  }

  private tooltip(uri: vscode.Uri, a: Analysis, s: StatusSummary, verifying: boolean): vscode.MarkdownString {
    const md = new vscode.MarkdownString('', true);
    md.isTrusted = false;
    md.supportHtml = false;
    md.appendMarkdown('**Mail Flow Lens**: ');
    md.appendText(s.text);
    md.appendMarkdown('\n\n');
    const row = (name: string, value: string | undefined | null) => {
      if (!value) return;
      md.appendMarkdown(`${name}: `);
      md.appendText(flatten(value, 300));
      md.appendMarkdown('  \n');
    };
    row('Subject', a.summary.subject);
    row('Receiver', a.boundary.receiverName);
    row('Route', `${a.hops.length} hop${a.hops.length === 1 ? '' : 's'}${a.boundary.relayIps.length ? `, relays ${a.boundary.relayIps.join(', ')}` : ''}`);
    row("Receiver's verdict", formatAuthSummary(receiverVerdict(a)));
    const efc = efcState(a);
    if (efc) row('Enhanced Filtering', efc === 'EFC on' ? 'on (skip-listed)' : 'off');
    row('DNS', this.store.dnsMode(uri));
    if (verifying) md.appendMarkdown('\n\n$(loading~spin) Verifying DKIM, ARC, SPF and DMARC…\n\n');
    const findings = a.findings.slice(0, 8);
    if (findings.length) {
      md.appendMarkdown('\n\n');
      for (const f of findings) {
        md.appendMarkdown(`- $(${f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'info'}) `);
        md.appendText(flatten(f.message, 200));
        md.appendMarkdown('\n');
      }
      if (a.findings.length > findings.length) md.appendMarkdown(`- … ${a.findings.length - findings.length} more\n`);
    }
    for (const n of this.store.notes(uri)) {
      md.appendMarkdown('\n\n');
      md.appendText(n);
    }
    md.appendMarkdown('\n\nClick to show the route.');
    return md;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
