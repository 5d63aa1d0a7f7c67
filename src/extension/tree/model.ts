/** Builds the Route view's model of one analysis: the summary, the organisations with their relays and hops, hops no segment covers, findings and parse problems, and the nodes by header line. */
import * as vscode from 'vscode';
import type { Analysis, Hop, RelayFact, Segment } from '../../core/types';
import { formatDelay } from '../../core/present/duration';
import {
  breakHop,
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
} from '../../core/present/route';
import { ERROR_FG, hopIconId, PASSED, segmentIconId, WARNED } from './icons';
import { linesText, t, Tip } from './labels';
import type { Model, RouteNode } from './node';
import { addHopDetails, findingNode, hopTooltip, problemNode, stampNode } from './nodes';
import { buildSummary, type DnsInfo } from './summary';

export function buildModel(uri: vscode.Uri, a: Analysis, phase: 'headers' | 'full' | undefined, dns: DnsInfo): Model {
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
  const summary = buildSummary(a, base, phase, dns, node, add, byLine);
  const f = a.facts;

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
