/** The Route view's leaf builders: a hop's tooltip and detail rows, authentication stamps with their results, findings with their evidence, parse problems. */
import * as vscode from 'vscode';
import type { Analysis, AuthStamp, Finding, Hop, ParseProblem, Segment } from '../../core/types';
import { flatten } from '../../core/present/text';
import { formatAuthSummary } from '../../core/present/verdicts';
import { formatDelay } from '../../core/present/duration';
import { mdFence } from '../../core/present/markdown-text';
import { HOP_ROLE_WORDS, IP_CLASS_WORDS } from '../../core/present/hover-texts';
import { hopLine, segmentName, segmentRole, TRUST_LABEL, TRUST_MEANING } from '../../core/present/route';
import { outcomeIcon, outcomeOf, severityIcon, summaryOutcome, WARNED } from './icons';
import { findingTitle, linesText, offsetText, STAMP_NAMES, STAMP_TRUST_LABEL, t, Tip, utc } from './labels';
import type { AddFn, NodeFn, RouteNode } from './node';

export function hopTooltip(a: Analysis, hop: Hop, seg: Segment | undefined, isBreak: boolean, isEntry: boolean): vscode.MarkdownString {
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

export function addHopDetails(n: RouteNode, hop: Hop, base: string, node: NodeFn, add: AddFn): void {
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

export function stampNode(stamp: AuthStamp, base: string, node: NodeFn, add: AddFn): RouteNode {
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

export function findingNode(a: Analysis, f: Finding, i: number, base: string, node: NodeFn, add: AddFn): RouteNode {
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

export function problemNode(p: ParseProblem, i: number, base: string, node: NodeFn): RouteNode {
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
