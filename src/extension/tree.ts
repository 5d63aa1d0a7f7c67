/**
 * The Route view: the active message's verdict and summary, then the organisations it passed
 * (the facts' segments: sender, intermediaries, the recipient's gateway, the recipient) with the
 * hops each one wrote, oldest first (`from host [IP] → by host`, the state first: "⚠ broke here"),
 * the relays of the recipient with their evidence, and the findings. Selecting a node selects its
 * header lines in the editor; moving the cursor reveals the node for the line under it.
 *
 * Everything about who is who comes from `analysis.facts` (src/core/present/route.ts words it);
 * nothing here re-derives the receiver, the relays, the break hop or the verdict.
 *
 * Header text is attacker-controlled: labels and descriptions are plain text (the tree renders
 * them as text), tooltips are untrusted MarkdownStrings with every value added through appendText;
 * all of them pass through displayText (src/core/present/text.ts), which drops control and bidi
 * characters, so a "‮gnp.exe" Subject cannot reorder what the tree shows.
 */
import * as vscode from 'vscode';
import type { Analysis, AuthStamp, AuthSummary, Finding, Hop, LineRange, ParseProblem, RelayFact, Segment } from '../core/types';
import { flatten } from '../core/present/text';
import { formatAuthSummary, receiverVerdict } from '../core/present/verdicts';
import { formatDelay } from '../core/present/duration';
import { mdFence } from '../core/present/markdown-text';
import { explanationFor } from '../core/diagnose/explanations';
import { explainNonPassing, HOP_ROLE_WORDS, IP_CLASS_WORDS } from '../core/present/hover-texts';
import {
  breakHop,
  efcShort,
  EVIDENCE_KIND_LABEL,
  evidenceText,
  hopLine,
  relayName,
  relaysOfSegment,
  segmentName,
  segmentOf,
  segmentRole,
  TRUST_LABEL,
  TRUST_MEANING,
  unplacedRelays,
  VERDICT_MEANING,
  verdictLabel,
} from '../core/present/route';
import type { Selection } from './api';
import { isEml, type Store } from './store';
import { displayText } from '../core/present/text';

export const ROUTE_VIEW_ID = 'mailflowLens.route';

export type NodeKind =
  | 'summary'
  | 'info'
  | 'segment'
  | 'relay'
  | 'relay-evidence'
  | 'hop'
  | 'detail'
  | 'stamp'
  | 'result'
  | 'findings'
  | 'finding'
  | 'evidence'
  | 'problems'
  | 'problem';

export interface RouteNode {
  kind: NodeKind;
  /** Unique in the tree and stable across re-analysis (keeps the expanded state). */
  id: string;
  uri: vscode.Uri;
  parent?: RouteNode;
  children: RouteNode[];
  label: string;
  description?: string;
  tooltip?: vscode.MarkdownString;
  icon?: vscode.ThemeIcon;
  /** Header lines this node stands for (selected in the editor when the node is selected). */
  lines?: LineRange;
  expanded?: boolean;
  contextValue?: string;
  hop?: Hop;
  stamp?: AuthStamp;
  finding?: Finding;
  segment?: Segment;
  relay?: RelayFact;
  /** Set on the hop where authentication broke. */
  broke?: boolean;
}

interface Model {
  analysis: Analysis;
  roots: RouteNode[];
  hops: RouteNode[];
  segments: RouteNode[];
  /** Nodes with lines, most specific first (stamps before hops before summary lines). */
  byLine: RouteNode[];
}

const PASSED = new vscode.ThemeColor('testing.iconPassed');
const FAILED = new vscode.ThemeColor('testing.iconFailed');
const WARNED = new vscode.ThemeColor('list.warningForeground');
const ERROR_FG = new vscode.ThemeColor('errorForeground');

// ---------------------------------------------------------------------------------------------
// Icons and wording

/** The codicon for a hop's role (Microsoft 365 and Google receivers get their own). */
export function hopIconId(hop: Hop, receiver: Analysis['boundary']['receiver'] = 'unknown'): string {
  const receiverIcon = receiver === 'exchange-online' ? 'cloud' : receiver === 'gmail' ? 'mail' : 'server';
  switch (hop.role) {
    case 'gateway':
      return 'shield';
    case 'origin':
      return 'person';
    case 'sender-internal':
      return 'server';
    case 'receiver-edge':
    case 'receiver-internal':
      // inside the receiver: its own icon even where the host name does not tell (Gmail's internal hops are bare IPv6)
      return hop.byOperator === 'microsoft365' ? 'cloud' : hop.byOperator === 'google' ? 'mail' : receiverIcon;
    default:
      return hop.byOperator === 'microsoft365' ? 'cloud' : hop.byOperator === 'google' ? 'mail' : 'question';
  }
}

/** The codicon of an organisation segment. */
export function segmentIconId(seg: Segment, receiver: Analysis['boundary']['receiver'] = 'unknown'): string {
  switch (seg.role) {
    case 'recipient':
      return receiver === 'exchange-online' ? 'cloud' : receiver === 'gmail' ? 'mail' : 'server';
    case 'recipient-gateway':
      return 'shield';
    case 'intermediary':
      return seg.kind === 'mailing-list' ? 'broadcast' : 'references';
    default:
      return 'person';
  }
}

export type Outcome = 'pass' | 'fail' | 'warn' | 'neutral';

export function outcomeOf(result: string | undefined): Outcome {
  const r = (result ?? '').toLowerCase();
  if (r === 'pass' || r === 'bestguesspass') return 'pass';
  if (r === 'fail' || r === 'hardfail' || r === 'permerror') return 'fail';
  if (r === 'softfail' || r === 'temperror' || r === 'neutral') return 'warn';
  return 'neutral';
}

export function outcomeIcon(o: Outcome): vscode.ThemeIcon {
  switch (o) {
    case 'pass':
      return new vscode.ThemeIcon('pass', PASSED);
    case 'fail':
      return new vscode.ThemeIcon('error', FAILED);
    case 'warn':
      return new vscode.ThemeIcon('warning', WARNED);
    default:
      return new vscode.ThemeIcon('circle-outline');
  }
}

function summaryOutcome(s: AuthSummary): Outcome {
  const values = (Object.values(s) as Array<string | undefined>).map((v) => outcomeOf(v));
  if (values.includes('fail')) return 'fail';
  if (values.includes('warn')) return 'warn';
  if (values.length && values.every((v) => v === 'pass')) return 'pass';
  return 'neutral';
}

/** The icon of a verdict class. */
export function verdictIcon(v: Analysis['facts']['verdict']['class']): vscode.ThemeIcon {
  switch (v) {
    case 'authentic':
      return new vscode.ThemeIcon('pass', PASSED);
    case 'broken-in-transit':
      return new vscode.ThemeIcon('error', FAILED);
    case 'never-authentic':
      return new vscode.ThemeIcon('error', FAILED);
    default:
      return new vscode.ThemeIcon('question', WARNED);
  }
}

export function severityIcon(severity: Finding['severity']): vscode.ThemeIcon {
  if (severity === 'error') return new vscode.ThemeIcon('error', ERROR_FG);
  if (severity === 'warning') return new vscode.ThemeIcon('warning', WARNED);
  return new vscode.ThemeIcon('info');
}

const STAMP_NAMES: Record<AuthStamp['kind'], string> = {
  'authentication-results': 'Authentication-Results',
  'authentication-results-original': 'Authentication-Results-Original',
  'x-ms-exchange-authentication-results': 'X-MS-Exchange-Authentication-Results',
  'arc-authentication-results': 'ARC-Authentication-Results',
  'arc-seal': 'ARC-Seal',
  'arc-message-signature': 'ARC-Message-Signature',
  'received-spf': 'Received-SPF',
  'dkim-signature': 'DKIM-Signature',
  'skip-listed': 'X-MS-Exchange-SkipListedInternetSender',
  'external-original': 'X-MS-Exchange-ExternalOriginalInternetSender',
};

const STAMP_TRUST_LABEL: Record<AuthStamp['trust'], string> = {
  verdict: "receiver's verdict",
  claim: 'claim',
  forged: 'forged',
};

/** Short single-line text for labels, descriptions and tooltips: displayText, controls and bidi characters dropped. */
function t(text: string | undefined | null, max = 120): string {
  return displayText(text, { max, unsafe: 'drop' });
}

function utc(iso: string | null): string {
  if (!iso) return '';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC');
}

function offsetText(min: number | null): string {
  if (min === null) return '';
  const sign = min < 0 ? '-' : '+';
  const a = Math.abs(min);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}${String(a % 60).padStart(2, '0')}`;
}

function linesText(r: LineRange): string {
  return r.startLine === r.endLine ? `line ${r.startLine + 1}` : `lines ${r.startLine + 1}–${r.endLine + 1}`;
}

/** A finding's title from our explanations (never its internal id). */
export function findingTitle(f: Finding): string {
  return explanationFor(f.explanation)?.title ?? explanationFor(f.id)?.title ?? firstSentence(f.message);
}

/** An untrusted Markdown tooltip; values are only ever added as escaped text. */
class Tip {
  readonly md = new vscode.MarkdownString('', true);
  constructor() {
    this.md.isTrusted = false;
    this.md.supportHtml = false;
  }
  title(text: string): this {
    this.md.appendMarkdown('**');
    this.md.appendText(t(text, 200));
    this.md.appendMarkdown('**\n\n');
    return this;
  }
  row(name: string, value: string | undefined | null, max = 300): this {
    if (value === undefined || value === null || value === '') return this;
    this.md.appendMarkdown(`${name}: `);
    this.md.appendText(t(value, max));
    this.md.appendMarkdown('  \n');
    return this;
  }
  para(text: string, max = 1500): this {
    this.md.appendMarkdown('\n\n');
    this.md.appendText(t(text, max));
    this.md.appendMarkdown('\n\n');
    return this;
  }
  bullets(items: string[], max = 600): this {
    if (!items.length) return this;
    this.md.appendMarkdown('\n\n');
    for (const i of items) {
      this.md.appendMarkdown('- ');
      this.md.appendText(t(i, max));
      this.md.appendMarkdown('\n');
    }
    this.md.appendMarkdown('\n');
    return this;
  }
}

// ---------------------------------------------------------------------------------------------
// Model

/** How the DNS answers of an analysis were obtained, in words for the summary. */
export interface DnsInfo {
  mode: 'off' | 'recorded' | 'live' | undefined;
  source: 'settings' | 'sample' | undefined;
}

function dnsWords(d: DnsInfo): { label: string; tip: string } | undefined {
  if (d.source === 'sample') return { label: 'recorded answers shipped with the sample', tip: 'A bundled sample is analysed with the DNS answers recorded for it (the sender\'s keys and SPF, the recipient domain\'s MX), so it shows the whole story. Your own messages use your DNS settings.' };
  if (d.mode === 'recorded') return { label: 'recorded (snapshot file)', tip: 'DNS answers come from the snapshot file in your settings; nothing is looked up.' };
  if (d.mode === 'live') return { label: 'live lookups', tip: 'DNS records were looked up now (the signatures\' keys, SPF, DMARC, the recipient domain\'s MX).' };
  if (d.mode === 'off') return { label: 'off', tip: 'No DNS lookups: DKIM body hashes were re-checked, signatures and SPF that need DNS were not. The recipient\'s MX cannot confirm a gateway; turn on recorded or live DNS in the settings to see more.' };
  return undefined;
}

function buildModel(uri: vscode.Uri, a: Analysis, phase: 'headers' | 'full' | undefined, dns: DnsInfo): Model {
  const base = uri.toString();
  const byLine: RouteNode[] = [];
  const node = (n: Omit<RouteNode, 'children' | 'uri'> & { children?: RouteNode[] }): RouteNode => {
    const full: RouteNode = { children: [], uri, ...n };
    for (const c of full.children) c.parent = full;
    return full;
  };
  const add = (parent: RouteNode, child: RouteNode) => {
    child.parent = parent;
    parent.children.push(child);
    return child;
  };
  const f = a.facts;
  const v = f.verdict;

  // -- summary
  const s = a.summary;
  const results = receiverVerdict(a);
  const resultsText = formatAuthSummary(results);
  const summary = node({
    kind: 'summary',
    id: `${base}|summary`,
    label: t(s.subject) || '(no subject)',
    description: verdictLabel(v),
    icon: new vscode.ThemeIcon('mail'),
    expanded: true,
    contextValue: 'mailflowLens.summary',
  });
  const tip = new Tip().title(s.subject || '(no subject)').row('From', s.from).row('To', s.to.join(', ')).row('Date', s.date).row('Message-ID', s.messageId);
  tip.row('Verdict', verdictLabel(v)).row("Receiver's results", resultsText);
  summary.tooltip = tip.md;

  // the verdict class first: what the message is
  const verdictNode = add(summary, node({
    kind: 'info',
    id: `${base}|summary|verdict`,
    label: verdictLabel(v),
    description: t(v.summary, 300),
    icon: verdictIcon(v.class),
    lines: v.evidence[0]?.lines,
    contextValue: `mailflowLens.verdict.${v.class}`,
  }));
  verdictNode.tooltip = new Tip().title(verdictLabel(v)).para(v.summary).bullets(v.reasons).para(VERDICT_MEANING[v.class]).md;
  if (verdictNode.lines) byLine.push(verdictNode);

  // From, To and Date are in the summary's tooltip: the route stays in view at the default size

  // the receiver, from the facts
  const r = f.receiver;
  if (r.name || r.kind !== 'unknown') {
    const desc = [
      r.consumer ? 'consumer mailbox' : r.tenantId ? `tenant ${r.tenantId}` : '',
      f.entry.connectingIp ? `took it from ${f.entry.connectingIp}` : '',
    ].filter(Boolean).join(' · ');
    const recv = add(summary, node({
      kind: 'info',
      id: `${base}|summary|receiver`,
      label: `Receiver: ${t(r.name ?? r.kind, 60)}`,
      description: desc,
      icon: new vscode.ThemeIcon(r.kind === 'exchange-online' ? 'cloud' : r.kind === 'gmail' ? 'mail' : 'server'),
      lines: f.entry.records.find((x) => x.agrees)?.evidence.lines,
    }));
    const rt = new Tip().row('Receiver', r.name ?? r.kind).row('Tenant', r.tenantId).row('Connecting IP (what the receiver took the message from)', f.entry.connectingIp);
    rt.row('Address the receiver evaluated', f.entry.evaluatedIp !== f.entry.connectingIp ? f.entry.evaluatedIp : undefined).row('Connecting HELO (a label, not evidence)', f.entry.connectingHelo);
    rt.row('Original sender', f.originalSender ? `${f.originalSender.host ?? ''} [${f.originalSender.ip ?? '?'}]` : undefined);
    if (f.entry.problem) rt.para(f.entry.problem);
    rt.bullets(f.reasoning, 800);
    recv.tooltip = rt.md;
    if (r.consumer) {
      const why = r.consumerReason ?? 'A consumer mailbox has no connectors and no gateway of its own.';
      const c = add(recv, node({ kind: 'info', id: `${base}|summary|consumer`, label: 'No connector advice', description: t(why, 200), icon: new vscode.ThemeIcon('info') }));
      c.tooltip = new Tip().title('Why there is no connector advice').para(why).md;
      recv.expanded = true;
    }
  }

  // what the receiver stamped, each result that did not pass explained (dmarc=permerror included)
  if (resultsText) {
    const rr = add(summary, node({
      kind: 'info',
      id: `${base}|summary|results`,
      label: "Receiver's results",
      description: resultsText,
      icon: outcomeIcon(summaryOutcome(results)),
    }));
    const explained = explainNonPassing(results);
    explained.forEach((e, i) => {
      const k = e.slice(0, e.indexOf(':'));
      const n = add(rr, node({ kind: 'info', id: `${rr.id}|${i}`, label: k, description: t(e.slice(k.length + 2), 300), icon: outcomeIcon(outcomeOf(k.split('=')[1])) }));
      n.tooltip = new Tip().title(k).para(e.slice(k.length + 2)).md;
    });
    rr.tooltip = new Tip().title("The receiver's own results").para('Only what the receiver stamped counts; results written further down the route are claims.').bullets(explained).md;
  }

  if (f.efc.state !== 'not-applicable') {
    const efc = add(summary, node({ kind: 'info', id: `${base}|summary|efc`, label: 'Enhanced Filtering', description: efcShort(f.efc.state).replace(/^EFC /, ''), icon: new vscode.ThemeIcon(f.efc.state === 'active' ? 'pass' : 'warning', f.efc.state === 'active' ? PASSED : WARNED), lines: f.efc.evidence[0]?.lines }));
    efc.tooltip = new Tip().title('Enhanced Filtering for Connectors').para(f.efc.why).md;
  }
  if (f.nonLinear) {
    const nl = add(summary, node({ kind: 'info', id: `${base}|summary|nonlinear`, label: 'Non-linear routing', description: `through ${t(f.nonLinear.outsideHost, 80)} and back`, icon: new vscode.ThemeIcon('debug-step-back') }));
    nl.tooltip = new Tip().para(`The message passed Exchange Online twice: it entered at hop ${f.nonLinear.firstEntryHopIndex + 1}, left for ${f.nonLinear.outsideHost} and came back at hop ${f.nonLinear.backHopIndex + 1} (shown by ${f.nonLinear.sameTenant}).`).md;
  }
  if (f.senderTenant) {
    add(summary, node({ kind: 'info', id: `${base}|summary|sendertenant`, label: 'Sender', description: `another Microsoft 365 tenant${f.senderTenant.tenantId ? ` (${f.senderTenant.tenantId})` : ''}`, icon: new vscode.ThemeIcon('organization') }));
  }
  for (const [i, x] of f.intermediaries.entries()) {
    const n = add(summary, node({ kind: 'info', id: `${base}|summary|intermediary:${i}`, label: x.kind === 'mailing-list' ? 'Mailing list' : 'Forwarder', description: t(x.name, 120), icon: new vscode.ThemeIcon(x.kind === 'mailing-list' ? 'broadcast' : 'references'), lines: x.evidence[0]?.lines }));
    n.tooltip = new Tip().para(x.detail).md;
  }
  const dw = dnsWords(dns);
  if (dw) {
    const n = add(summary, node({ kind: 'info', id: `${base}|summary|dns`, label: 'DNS', description: dw.label, icon: new vscode.ThemeIcon(dns.source === 'sample' ? 'beaker' : 'globe') }));
    n.tooltip = new Tip().title(`DNS: ${dw.label}`).para(dw.tip).md;
  }
  if (phase === 'headers') {
    add(summary, node({ kind: 'info', id: `${base}|summary|phase`, label: 'Verifying…', description: 'DKIM, ARC, SPF, DMARC', icon: new vscode.ThemeIcon('loading~spin') }));
  } else if (a.input.headersOnly && a.input.bodyStartByte < a.input.byteLength) {
    add(summary, node({ kind: 'info', id: `${base}|summary|phase`, label: 'Headers only', description: 'above the size limit', icon: new vscode.ThemeIcon('info') }));
  }

  // -- organisations and their hops
  const broke = breakHop(a);
  const hops: RouteNode[] = [];
  const hopNode = (hop: Hop, seg: Segment | undefined): RouteNode => {
    const isBreak = hop.index === broke;
    const isEntry = f.entry.hopIndex === hop.index;
    const states = [isBreak ? '⚠ broke here' : '', isEntry ? 'entry' : ''].filter(Boolean);
    const desc = [seg?.trust === 'claimed' ? 'claimed' : '', formatDelay(hop)].filter(Boolean).join(' · ');
    const n = node({
      kind: 'hop',
      id: `${base}|hop:${hop.index}`,
      label: `${hop.index + 1}. ${states.length ? `${states.join(' · ')} · ` : ''}${t(hopLine(hop), 260)}`,
      description: desc || undefined,
      icon: new vscode.ThemeIcon(hopIconId(hop, a.boundary.receiver), isBreak ? ERROR_FG : undefined),
      lines: hop.lines,
      expanded: isBreak,
      contextValue: isBreak ? 'mailflowLens.hop.broken' : 'mailflowLens.hop',
      hop,
      segment: seg,
      broke: isBreak,
    });
    n.tooltip = hopTooltip(a, hop, seg, isBreak, isEntry);
    addHopDetails(n, hop, base, node, add);
    for (const stamp of hop.stamps) {
      const sn = add(n, stampNode(stamp, base, node, add));
      byLine.push(sn);
    }
    hops.push(n);
    byLine.push(n);
    return n;
  };
  const relayNode = (rel: RelayFact, id: string): RouteNode => {
    const n = node({
      kind: 'relay',
      id,
      // the address first (what a connector change lists) and the strength, then the host: the
      // organisation above already names the vendor, and the sidebar is narrow
      label: rel.ip ? `Relay ${rel.ip}` : `Relay: ${relayName(rel)}`,
      description: [`${rel.strength} evidence`, rel.ip && rel.host ? t(rel.host, 100) : ''].filter(Boolean).join(' · '),
      icon: new vscode.ThemeIcon(rel.strength === 'strong' ? 'verified' : 'unverified', rel.strength === 'strong' ? PASSED : WARNED),
      lines: a.hops[rel.hopIndex]?.lines,
      expanded: false,
      relay: rel,
      contextValue: `mailflowLens.relay.${rel.strength}`,
    });
    const rt = new Tip().title(`Relay of the recipient: ${relayName(rel)}`).row('Evidence', rel.strength);
    rt.para(
      rel.strength === 'strong'
        ? "Something the recipient's side controls shows this host is its relay: its address goes into the generated connector changes."
        : 'Only whose host it is is known, not that it is the recipient\'s: generated scripts carry a placeholder for its address until you confirm it (Trusted Relays setting, or recorded/live DNS that shows the MX).',
    );
    n.tooltip = rt.md;
    rel.evidence.forEach((e, k) => {
      const en = add(n, node({
        kind: 'relay-evidence',
        id: `${id}|ev:${k}`,
        label: EVIDENCE_KIND_LABEL[e.kind] ?? e.kind,
        description: `${e.strength} · ${t(e.detail, 200)}`,
        icon: new vscode.ThemeIcon(e.strength === 'strong' ? 'pass' : 'circle-outline', e.strength === 'strong' ? PASSED : undefined),
        lines: e.evidence?.lines,
      }));
      en.tooltip = new Tip().title(`${EVIDENCE_KIND_LABEL[e.kind] ?? e.kind} (${e.strength})`).para(evidenceText(e)).row('Header', e.evidence ? `${e.evidence.header}, ${linesText(e.evidence.lines)}` : undefined).md;
    });
    return n;
  };

  const segments: RouteNode[] = [];
  const covered = new Set<number>();
  f.segments.forEach((seg, i) => {
    const role = segmentRole(seg);
    const sn = node({
      kind: 'segment',
      id: `${base}|segment:${i}:${seg.role}`,
      label: segmentName(seg),
      description: `${role} · ${seg.trust === 'claimed' ? 'claimed' : seg.trust === 'relay' ? 'relay' : 'receiver'}`,
      icon: new vscode.ThemeIcon(segmentIconId(seg, a.boundary.receiver)),
      expanded: true,
      segment: seg,
      contextValue: `mailflowLens.segment.${seg.trust}`,
    });
    const st = new Tip().title(`${segmentName(seg)}: ${role}`).row('Hops', seg.firstHop === seg.lastHop ? String(seg.firstHop + 1) : `${seg.firstHop + 1}–${seg.lastHop + 1}`).row('Lines', TRUST_LABEL[seg.trust]);
    if (seg.detail) st.row('Detail', seg.detail);
    st.para(TRUST_MEANING[seg.trust]);
    sn.tooltip = st.md;
    const rels = relaysOfSegment(a, i);
    if (seg.role === 'recipient') rels.push(...unplacedRelays(a));
    rels.forEach((rel, k) => add(sn, relayNode(rel, `${sn.id}|relay:${k}:${rel.hopIndex}`)));
    for (let h = seg.firstHop; h <= seg.lastHop; h++) {
      if (!a.hops[h]) continue;
      covered.add(h);
      add(sn, hopNode(a.hops[h], seg));
    }
    segments.push(sn);
  });

  const roots: RouteNode[] = [summary, ...segments];
  // hops no segment covers (facts without segments): listed on their own, oldest first
  for (const hop of a.hops) if (!covered.has(hop.index)) roots.push(hopNode(hop, segmentOf(a, hop)));

  // -- findings and problems
  if (a.findings.length) {
    const errors = a.findings.filter((x) => x.severity === 'error').length;
    const group = node({
      kind: 'findings',
      id: `${base}|findings`,
      label: 'Findings',
      description: `${a.findings.length}${errors ? ` · ${errors} error${errors === 1 ? '' : 's'}` : ''}`,
      icon: new vscode.ThemeIcon('checklist'),
      expanded: true,
    });
    a.findings.forEach((x, i) => add(group, findingNode(a, x, i, base, node, add)));
    roots.push(group);
  }
  if (a.problems.length) {
    const group = node({
      kind: 'problems',
      id: `${base}|problems`,
      label: 'Parse problems',
      description: String(a.problems.length),
      icon: new vscode.ThemeIcon('warning'),
      expanded: a.hops.length === 0,
    });
    a.problems.forEach((p, i) => add(group, problemNode(p, i, base, node)));
    roots.push(group);
  }
  // most specific first: stamps, then hops, then summary lines
  byLine.sort((x, y) => rank(x) - rank(y));
  return { analysis: a, roots, hops, segments, byLine };
}

function rank(n: RouteNode): number {
  return n.kind === 'stamp' ? 0 : n.kind === 'hop' ? 1 : 2;
}

type NodeFn = (n: Omit<RouteNode, 'children' | 'uri'> & { children?: RouteNode[] }) => RouteNode;
type AddFn = (parent: RouteNode, child: RouteNode) => RouteNode;

function hopTooltip(a: Analysis, hop: Hop, seg: Segment | undefined, isBreak: boolean, isEntry: boolean): vscode.MarkdownString {
  const tip = new Tip().title(`Hop ${hop.index + 1} of ${a.hops.length}: ${hopLine(hop)}`);
  if (isBreak) tip.para(`Authentication broke here: ${a.facts.verdict.summary}`);
  if (isEntry) tip.para(`${a.facts.receiver.name ?? 'The receiver'} took the message from outside here (the trust boundary).`);
  if (seg) tip.row('Written by', `${segmentName(seg)} (${segmentRole(seg)}; ${TRUST_LABEL[seg.trust]})`);
  if (seg?.trust === 'claimed') tip.para(TRUST_MEANING.claimed);
  tip.row('Role', HOP_ROLE_WORDS[hop.role]);
  tip.row('From (HELO)', hop.from.helo).row('From (reverse DNS)', hop.from.rdns).row('From IP', hop.from.ip);
  if (hop.ipInfo) tip.row('IP class', ipClassText(hop));
  tip.row('By', hop.by.host).row('Via', hop.via).row('With', hop.protocol);
  if (hop.tls) tip.row('TLS', [hop.tls.version, hop.tls.cipher, hop.tls.bits ? `${hop.tls.bits} bits` : ''].filter(Boolean).join(' '));
  tip.row('Id', hop.id).row('For', hop.for?.join(', ')).row('Envelope from', hop.envelopeFrom);
  tip.row('Time', hop.timestamp ? `${utc(hop.timestamp)}${hop.offsetMinutes !== null ? ` (written as ${offsetText(hop.offsetMinutes)})` : ''}` : undefined);
  tip.row(hop.clockSkew ? 'Clock skew' : 'Delay', formatDelay(hop));
  if (hop.stamps.length) tip.row('Auth stamps', hop.stamps.map((x) => `${STAMP_NAMES[x.kind]} (${STAMP_TRUST_LABEL[x.trust]})`).join(', '), 600);
  if (hop.unparsed.length) tip.row('Not understood', hop.unparsed.join(' '));
  tip.row('Header', linesText(hop.lines));
  tip.md.appendMarkdown('\n\n---\n\n');
  // own fence, longer than any backtick run in the header text: the text cannot close it
  tip.md.appendMarkdown(`${mdFence(flatten(hop.raw, 2000), 'text')}\n`);
  return tip.md;
}

function ipClassText(hop: Hop): string {
  const info = hop.ipInfo;
  if (!info) return '';
  const parts: string[] = [info.class];
  if (info.provider) parts.push(`${info.provider.name} (${info.provider.range})`);
  if (info.vendor) parts.push(`${info.vendor.name} (${info.vendor.range})`);
  return parts.join(' · ');
}

function addHopDetails(n: RouteNode, hop: Hop, base: string, node: NodeFn, add: AddFn): void {
  const id = `${base}|hop:${hop.index}`;
  const detail = (key: string, label: string, value: string | undefined, icon?: string, tipText?: string) => {
    if (!value) return;
    const d = add(n, node({ kind: 'detail', id: `${id}|${key}`, label, description: t(value, 200), lines: hop.lines, icon: icon ? new vscode.ThemeIcon(icon) : undefined }));
    d.tooltip = new Tip().row(label, value, 2000).para(tipText ?? '').md;
  };
  detail('helo', 'from (HELO)', hop.from.helo, 'arrow-right', 'The name the sending host gave itself: a label, not evidence.');
  detail('rdns', 'reverse DNS', hop.from.rdns, 'globe');
  if (hop.from.ip) detail('ip', 'IP', [hop.from.ip, ipClassText(hop)].filter(Boolean).join(' · '), 'plug', hop.ipInfo ? IP_CLASS_WORDS[hop.ipInfo.class] : undefined);
  detail('by', 'by', hop.by.host, 'server');
  detail('with', 'protocol', [hop.protocol, hop.via ? `via ${hop.via}` : ''].filter(Boolean).join(' '), 'symbol-interface');
  if (hop.tls) detail('tls', 'TLS', [hop.tls.version, hop.tls.cipher].filter(Boolean).join(' ') || 'yes', 'lock');
  else if (hop.with?.tls) detail('tls', 'TLS', 'yes (no version written)', 'lock');
  detail('id', 'id', hop.id, 'symbol-key');
  detail('for', 'for', hop.for?.join(', '), 'account');
  detail('time', 'time', hop.timestamp ? `${utc(hop.timestamp)}${hop.offsetMinutes !== null ? ` (${offsetText(hop.offsetMinutes)})` : ''}` : undefined, 'clock');
  const delay = formatDelay(hop);
  detail('delay', hop.clockSkew ? 'clock skew' : 'delay', delay, hop.clockSkew ? 'warning' : 'watch');
}

function stampNode(stamp: AuthStamp, base: string, node: NodeFn, add: AddFn): RouteNode {
  const summary = formatAuthSummary(stamp.summary);
  const outcome = stamp.trust === 'forged' ? 'warn' : summaryOutcome(stamp.summary);
  const name = STAMP_NAMES[stamp.kind] ?? stamp.kind;
  const n = node({
    kind: 'stamp',
    id: `${base}|stamp:${stamp.fieldIndex}`,
    label: `${name}${stamp.instance !== undefined ? ` i=${stamp.instance}` : ''}`,
    description: [STAMP_TRUST_LABEL[stamp.trust], t(stamp.writer, 60), summary].filter(Boolean).join(' · '),
    icon: stamp.trust === 'forged' ? new vscode.ThemeIcon('warning', WARNED) : outcomeIcon(outcome),
    lines: stamp.lines,
    contextValue: `mailflowLens.stamp.${stamp.trust}`,
    stamp,
  });
  const tip = new Tip().title(name).row('Written by', stamp.writer).row('Trust', STAMP_TRUST_LABEL[stamp.trust]);
  if (stamp.trust === 'claim') tip.para('Written before the message reached the receiver: a claim, not the verdict that counts.');
  if (stamp.trust === 'forged') tip.para("Carries the receiver's identity but sits below the point where the receiver took the message: it cannot have been written by the receiver.");
  tip.row('Results', summary).row('Header', linesText(stamp.lines));
  n.tooltip = tip.md;
  for (const k of ['spf', 'dkim', 'dmarc', 'arc', 'compauth'] as const) {
    const v = stamp.summary[k];
    if (v === undefined) continue;
    add(n, node({ kind: 'result', id: `${n.id}|${k}`, label: k, description: t(v, 40), icon: outcomeIcon(outcomeOf(v)), lines: stamp.lines }));
  }
  return n;
}

function findingNode(a: Analysis, f: Finding, i: number, base: string, node: NodeFn, add: AddFn): RouteNode {
  const hop = f.hopIndex !== null ? a.hops[f.hopIndex] : undefined;
  const first = f.evidence[0]?.lines ?? hop?.lines;
  const title = findingTitle(f);
  const n = node({
    kind: 'finding',
    id: `${base}|finding:${i}:${f.id}`,
    label: t(title, 160),
    description: hop ? `hop ${hop.index + 1}` : undefined,
    icon: severityIcon(f.severity),
    lines: first,
    contextValue: `mailflowLens.finding${f.remedies.length ? '.fixable' : ''}`,
    finding: f,
  });
  const sev = f.severity === 'error' ? 'Error' : f.severity === 'warning' ? 'Warning' : 'Note';
  const tip = new Tip().title(`${sev}: ${title}`).para(f.message, 3000);
  if (hop) tip.row('Hop', `${hop.index + 1} (${hopLine(hop)})`);
  const fixes = f.remedies.map((id) => a.remedies.find((r) => r.id === id)?.title).filter((x): x is string => !!x);
  if (fixes.length) tip.row('Fix', fixes.join('; '), 600);
  n.tooltip = tip.md;
  f.evidence.forEach((e, k) => {
    const en = add(n, node({ kind: 'evidence', id: `${n.id}|ev:${k}`, label: t(e.header, 60), description: t(e.note ?? linesText(e.lines), 160), icon: new vscode.ThemeIcon('note'), lines: e.lines }));
    en.tooltip = new Tip().row(e.header, e.note ?? '', 1000).row('Header', linesText(e.lines)).md;
  });
  return n;
}

function problemNode(p: ParseProblem, i: number, base: string, node: NodeFn): RouteNode {
  const n = node({
    kind: 'problem',
    id: `${base}|problem:${i}:${p.code}`,
    label: t(p.message, 160),
    icon: severityIcon(p.severity),
    lines: p.lines,
  });
  n.tooltip = new Tip().para(p.message).md;
  return n;
}

function firstSentence(text: string): string {
  const i = text.search(/[.:;]\s/);
  return i > 20 && i < 160 ? text.slice(0, i) : text;
}

// ---------------------------------------------------------------------------------------------
// Provider

export class RouteTreeProvider implements vscode.TreeDataProvider<RouteNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<RouteNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly models = new WeakMap<Analysis, Model>();
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];

  constructor(private readonly store: Store) {
    this.disposables.push(
      store.onDidChangeActive(() => this.changeEmitter.fire(undefined)),
      store.onDidChange((uri) => {
        if (store.active?.uri.toString() === uri.toString() || !store.active) this.changeEmitter.fire(undefined);
      }),
    );
  }

  /** The model of the active message (cached per Analysis object). */
  model(): Model | undefined {
    const active = this.store.active;
    if (!active) return undefined;
    const phase = this.store.phase(active.uri);
    const key = active.analysis;
    let m = this.models.get(key);
    if (!m) {
      m = buildModel(active.uri, active.analysis, phase, { mode: this.store.dnsMode(active.uri), source: this.store.dnsSource(active.uri) });
      this.models.set(key, m);
    }
    return m;
  }

  /** The organisation segment nodes of the active message, oldest first. */
  segmentNodes(): RouteNode[] {
    return this.model()?.segments ?? [];
  }

  /** The node of a hop of the active message. */
  hopNode(index: number): RouteNode | undefined {
    return this.model()?.hops.find((n) => n.hop?.index === index);
  }

  getChildren(element?: RouteNode): RouteNode[] {
    if (!element) return this.model()?.roots ?? [];
    return element.children;
  }

  getParent(element: RouteNode): RouteNode | undefined {
    return element.parent;
  }

  getTreeItem(n: RouteNode): vscode.TreeItem {
    const state = n.children.length === 0
      ? vscode.TreeItemCollapsibleState.None
      : n.expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
    // labels and descriptions are built from header text in many places: one last pass here
    const item = new vscode.TreeItem(t(n.label, 300), state);
    item.id = n.id;
    item.description = n.description === undefined ? undefined : t(n.description, 300);
    item.tooltip = n.tooltip;
    item.iconPath = n.icon;
    item.contextValue = n.contextValue ?? `mailflowLens.${n.kind}`;
    item.accessibilityInformation = { label: t([n.label, n.description].filter(Boolean).join(', '), 600) };
    return item;
  }

  /** The hop nodes of the active message, oldest first. */
  hopNodes(): RouteNode[] {
    return [...(this.model()?.hops ?? [])].sort((x, y) => (x.hop?.index ?? 0) - (y.hop?.index ?? 0));
  }

  /** The most specific node covering a line of the active message. */
  nodeAtLine(line: number): RouteNode | undefined {
    return this.model()?.byLine.find((n) => n.lines && n.lines.startLine <= line && line <= n.lines.endLine);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** What a node means for the shared selection. */
export function selectionOf(n: RouteNode): Selection | undefined {
  const uri = n.uri.toString();
  if (n.finding) return { kind: 'finding', uri, finding: n.finding };
  let p: RouteNode | undefined = n;
  while (p && !p.hop) p = p.parent;
  if (p?.hop) return { kind: 'hop', uri, hop: p.hop };
  let q: RouteNode | undefined = n;
  while (q && q.kind !== 'summary') q = q.parent;
  if (q) return { kind: 'summary', uri };
  return undefined;
}

/**
 * The Route view and its two-way link with the editor: selecting a node selects its lines; moving
 * the cursor reveals (without selecting or focusing) the node for the line.
 */
export class RouteView implements vscode.Disposable {
  readonly provider: RouteTreeProvider;
  readonly view: vscode.TreeView<RouteNode>;
  private readonly disposables: vscode.Disposable[] = [];
  /** The editor selection we set ourselves (its change event must not move the tree). */
  private ownSelection: { uri: string; line: number } | undefined;
  private lastRevealed: string | undefined;

  constructor(private readonly store: Store) {
    this.provider = new RouteTreeProvider(store);
    this.view = vscode.window.createTreeView(ROUTE_VIEW_ID, { treeDataProvider: this.provider, showCollapseAll: true });
    this.disposables.push(
      this.provider,
      this.view,
      this.view.onDidChangeSelection((e) => void this.onTreeSelection(e.selection[0])),
      vscode.window.onDidChangeTextEditorSelection((e) => this.onEditorSelection(e)),
      store.onDidChangeActive(() => this.updateChrome()),
      store.onDidChange(() => this.updateChrome()),
    );
    this.updateChrome();
  }

  private updateChrome(): void {
    const active = this.store.active;
    if (!active) {
      this.view.description = undefined;
      this.view.message = undefined;
      return;
    }
    const name = active.uri.path.slice(active.uri.path.lastIndexOf('/') + 1);
    this.lastRevealed = undefined;
    this.view.description = t(name, 80);
    const a = active.analysis;
    const notMessage = a.problems.find((p) => p.severity === 'error' && (p.code === 'not-a-message' || p.code === 'empty' || p.code === 'no-header-fields'));
    if (notMessage) this.view.message = t(notMessage.message, 300);
    else if (!a.hops.length) this.view.message = 'This message has no Received fields: there is no route to show.';
    else this.view.message = undefined;
  }

  private async onTreeSelection(n: RouteNode | undefined): Promise<void> {
    if (!n) return;
    const sel = selectionOf(n);
    if (sel) this.store.select(sel);
    if (n.lines) await this.revealLines(n.uri, n.lines);
  }

  /** Selects whole header lines in the editor showing the document (opening it if needed), keeping focus in the tree. */
  async revealLines(uri: vscode.Uri, lines: LineRange): Promise<void> {
    const key = uri.toString();
    let editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === key);
    if (!editor) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
      if (!doc) return;
      editor = await vscode.window.showTextDocument(doc, { preserveFocus: true, preview: false });
    }
    const doc = editor.document;
    const start = Math.min(lines.startLine, doc.lineCount - 1);
    const end = Math.min(lines.endLine, doc.lineCount - 1);
    const range = new vscode.Range(start, 0, end, doc.lineAt(end).text.length);
    this.ownSelection = { uri: key, line: start };
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private onEditorSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    if (!isEml(e.textEditor.document)) return;
    const key = e.textEditor.document.uri.toString();
    const line = e.selections[0]?.start.line;
    if (line === undefined) return;
    if (this.ownSelection && this.ownSelection.uri === key && this.ownSelection.line === line) {
      this.ownSelection = undefined;
      return;
    }
    this.ownSelection = undefined;
    if (this.store.active?.uri.toString() !== key) return;
    const n = this.provider.nodeAtLine(line);
    if (!n) return;
    const sel = selectionOf(n);
    if (sel) this.store.select(sel);
    if (this.view.visible && this.lastRevealed !== n.id) {
      this.lastRevealed = n.id;
      this.view.reveal(n, { select: false, focus: false, expand: false }).then(undefined, () => undefined);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
