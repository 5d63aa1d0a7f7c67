/**
 * One status bar item for the message in the active editor: the message's verdict class first
 * ("$(error) Broken in transit at Proofpoint (DKIM) · EFC off", "$(error) Never authentic (spoof)",
 * "$(pass) Authentic", "$(question) Authenticity unknown"), details in the tooltip, and a click that
 * shows the Route view. The class comes from `analysis.facts.verdict`: the status bar never says a
 * message failed when the receiver's own checks (DMARC or compauth) passed.
 */
import * as vscode from 'vscode';
import type { Analysis, Finding } from '../core/types';
import { isMessage } from '../core/analyze';
import { flatten } from '../core/present/text';
import { formatAuthSummary, receiverVerdict } from '../core/present/verdicts';
import { explainNonPassing } from '../core/present/hover-texts';
import { breakHop, efcShort, segmentName, segmentOf, VERDICT_MEANING, verdictLabel } from '../core/present/route';
import { isEml, type Store } from './store';

export const FOCUS_ROUTE_COMMAND = 'mailflowLens.focusRoute';

/** Short names for the findings the status bar mentions. */
const SHORT: Record<string, string> = {
  'dkim-body-modified': 'DKIM body changed',
  'dkim-header-modified': 'DKIM header changed',
  'spf-evaluated-on-relay': 'SPF checked against the relay',
  'dmarc-fail-after-relay': 'DMARC failed after the relay',
  'dmarc-fail': 'DMARC failed',
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
  'intra-org-spoof': 'Spoof of your own domain',
  'clock-skew': 'Clock skew on the route',
  'slow-hop': 'Slow hop',
};

/** The methods a finding is about, for "(DKIM)". */
const METHOD: Array<[RegExp, string]> = [
  [/^dkim-/, 'DKIM'],
  [/^spf-|relay-device-spf/, 'SPF'],
  [/^dmarc-/, 'DMARC'],
  [/^arc-/, 'ARC'],
  [/^compauth-/, 'compauth'],
];

export interface StatusSummary {
  icon: 'error' | 'warning' | 'pass' | 'info' | 'question' | 'circle-slash';
  text: string;
}

function shortFinding(f: Finding): string {
  const short = SHORT[f.id];
  if (short) return short;
  const m = flatten(f.message, 60);
  const i = m.search(/[.:;]\s/);
  return i > 10 ? m.slice(0, i) : m;
}

/** "EFC off" / "EFC on" / … for an Exchange Online receiver behind relays; "" otherwise. */
export function efcState(a: Analysis): string {
  return a.facts ? efcShort(a.facts.efc.state) : '';
}

/** The methods the break is about ("DKIM", "DKIM, SPF"), from the error findings. */
function brokenMethods(a: Analysis): string {
  const out: string[] = [];
  for (const f of a.findings) {
    if (f.severity !== 'error') continue;
    const m = METHOD.find(([re]) => re.test(f.id))?.[1];
    if (m && m !== 'compauth' && m !== 'DMARC' && !out.includes(m)) out.push(m);
  }
  return out.join(', ');
}

/** The one-line verdict for a message (without the codicon). */
export function summarize(a: Analysis): StatusSummary {
  if (!isMessage(a)) return { icon: 'circle-slash', text: 'Not a message' };
  const v = a.facts?.verdict;
  const efc = efcState(a);
  const withEfc = (s: string) => (efc && !s.includes('Enhanced Filtering') ? `${s} · ${efc}` : s);
  const error = a.findings.find((f) => f.severity === 'error');
  const warning = a.findings.find((f) => f.severity === 'warning');
  if (!v) return { icon: 'info', text: a.hops.length ? `${a.hops.length} hops` : 'No route (no Received fields)' };
  switch (v.class) {
    case 'broken-in-transit': {
      const hop = breakHop(a);
      const seg = hop !== null ? segmentOf(a, a.hops[hop]) : undefined;
      const where = seg ? ` at ${flatten(segmentName(seg), 40)}` : '';
      const methods = brokenMethods(a);
      return { icon: 'error', text: withEfc(`Broken in transit${where}${methods ? ` (${methods})` : ''}`) };
    }
    case 'never-authentic':
      return { icon: 'error', text: withEfc(verdictLabel(v)) };
    case 'authentic': {
      // authentic, but the route still has something to fix (SPF judged the relay, EFC off, …)
      const issue = error ?? warning;
      return { icon: issue ? 'warning' : 'pass', text: withEfc(issue ? `Authentic · ${shortFinding(issue)}` : 'Authentic') };
    }
    default: {
      if (!a.hops.length && !formatAuthSummary(receiverVerdict(a))) return { icon: 'info', text: 'No route (no Received fields)' };
      const odd = (Object.entries(receiverVerdict(a)) as Array<[string, string | undefined]>).find(([, r]) => /error$/i.test(r ?? ''));
      const why = odd ? ` (${odd[0]}=${odd[1]})` : error ? ` · ${shortFinding(error)}` : '';
      return { icon: 'question', text: withEfc(`Authenticity unknown${why}`) };
    }
  }
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
      md.appendText(flatten(value, 600));
      md.appendMarkdown('  \n');
    };
    const para = (text: string) => {
      md.appendMarkdown('\n\n');
      md.appendText(flatten(text, 1200));
      md.appendMarkdown('\n\n');
    };
    const v = a.facts?.verdict;
    if (v) {
      row('Verdict', verdictLabel(v));
      para(v.summary);
    }
    row('Subject', a.summary.subject);
    row('Receiver', a.facts?.receiver.name ?? a.boundary.receiverName);
    const relays = a.facts?.relays.map((r) => `${r.ip ?? r.host ?? '?'} (${r.strength})`) ?? [];
    row('Route', `${a.hops.length} hop${a.hops.length === 1 ? '' : 's'}${relays.length ? `, relays of the recipient ${relays.join(', ')}` : ''}`);
    const results = receiverVerdict(a);
    row("Receiver's results", formatAuthSummary(results));
    for (const e of explainNonPassing(results)) {
      md.appendMarkdown('- ');
      md.appendText(flatten(e, 400));
      md.appendMarkdown('\n');
    }
    if (a.facts && a.facts.efc.state !== 'not-applicable') row('Enhanced Filtering', a.facts.efc.why);
    if (a.facts?.receiver.consumer) row('No connector advice', a.facts.receiver.consumerReason ?? 'a consumer mailbox has no connectors');
    const dnsSource = this.store.dnsSource(uri);
    row('DNS', dnsSource === 'sample' ? 'recorded answers shipped with the sample' : this.store.dnsMode(uri));
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
    if (v) para(VERDICT_MEANING[v.class]);
    for (const n of this.store.notes(uri)) para(n);
    md.appendMarkdown('\n\nClick to show the route.');
    return md;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
