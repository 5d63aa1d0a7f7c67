/** The Route view's summary node: the message's subject and verdict, then the receiver, its results explained, Enhanced Filtering, intermediaries, DNS mode and the verification phase. */
import * as vscode from 'vscode';
import type { Analysis } from '../../core/types';
import { formatAuthSummary, receiverVerdict } from '../../core/present/verdicts';
import { explainNonPassing } from '../../core/present/hover-texts';
import { efcShort, VERDICT_MEANING, verdictLabel } from '../../core/present/route';
import { outcomeIcon, outcomeOf, PASSED, summaryOutcome, verdictIcon, WARNED } from './icons';
import { t, Tip } from './labels';
import type { AddFn, NodeFn, RouteNode } from './node';

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

/** The summary node with its children; the verdict node goes into byLine. */
export function buildSummary(a: Analysis, base: string, phase: 'headers' | 'full' | undefined, dns: DnsInfo, node: NodeFn, add: AddFn, byLine: RouteNode[]): RouteNode {
  const f = a.facts;
  const v = f.verdict;

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
  return summary;
}
