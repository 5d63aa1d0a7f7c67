/**
 * The route as people read it, from `analysis.facts` only: organisation segments with their role
 * and trust, hops written `from host [IP] → by host`, the verdict class, the Enhanced Filtering
 * state, the relays of the recipient with their evidence, and what the route says about one IP.
 * The tree, the status bar, the explanation panel, the hovers and the route diagram all word the
 * route with these, and none of them re-derives who is who.
 *
 * Every string that comes from the message is flattened (control and bidi characters removed,
 * bounded) here; callers still escape for their medium (HTML, Markdown, SVG).
 */
import type { Analysis, EfcState, Hop, HopRole, RelayEvidence, RelayFact, Segment, VerdictFacts } from '../types';
import { flatten } from './text';
import { shortVendorName } from './vendors';

// ---------------------------------------------------------------------------------------------
// Verdict class

/** The class of a verdict as a short label ("Broken in transit", "Never authentic (spoof)"). */
export function verdictLabel(v: Pick<VerdictFacts, 'class' | 'kind'>): string {
  switch (v.class) {
    case 'authentic':
      return 'Authentic';
    case 'broken-in-transit':
      return 'Broken in transit';
    case 'never-authentic':
      return v.kind === 'misaligned' ? 'Never authentic (misaligned)' : v.kind === 'spoof' ? 'Never authentic (spoof)' : 'Never authentic';
    default:
      return 'Authenticity unknown';
  }
}

/** What each class means, in one sentence (tooltips, the panel, the diagram's legend). */
export const VERDICT_MEANING: Readonly<Record<VerdictFacts['class'], string>> = {
  authentic: "The receiver's own checks found the From domain genuine.",
  'broken-in-transit': 'It was genuine when a trustworthy system on the route checked it, and a later system changed it so that the receiver no longer could tell.',
  'never-authentic': 'Nothing trustworthy on the route shows the From domain ever authenticated it: a spoof, or a message that passes only for another domain.',
  unknown: 'The message and its checks do not tell whether it was genuine.',
};

/**
 * The hop where authentication broke: the verdict's break hop, and only for a message broken in
 * transit (a pass before it, a failure after it). A spoof or a message that never passed for its
 * From domain has none, whatever its findings say.
 */
export function breakHopIndex(a: Analysis): number | null {
  const v = a.facts?.verdict;
  if (!v || v.class !== 'broken-in-transit' || v.breakHopIndex === null) return null;
  return a.hops[v.breakHopIndex] ? v.breakHopIndex : null;
}

/** The same as breakHopIndex (the name the diagram and the hop states use). */
export const breakHop: (a: Analysis) => number | null = breakHopIndex;

// ---------------------------------------------------------------------------------------------
// Segments

const ROLE_LABEL: Readonly<Record<Segment['role'], string>> = {
  sender: 'sender',
  intermediary: 'intermediary',
  'recipient-gateway': "recipient's gateway",
  recipient: 'recipient',
};

/** A segment's role in words: "sender", "recipient's gateway", "mailing list", "forwarder". */
export function segmentRole(s: Segment): string {
  if (s.role === 'intermediary' && s.kind === 'mailing-list') return 'mailing list';
  if (s.role === 'intermediary' && s.kind === 'forwarder') return 'forwarder';
  return ROLE_LABEL[s.role] ?? s.role;
}

/** Who wrote a segment's lines, in a few words. */
export const TRUST_LABEL: Readonly<Record<Segment['trust'], string>> = {
  receiver: "the receiver's own lines",
  relay: "written by the recipient's relay",
  claimed: "claimed: the sender's word",
};

/** Why a segment's lines count or not, in a sentence. */
export const TRUST_MEANING: Readonly<Record<Segment['trust'], string>> = {
  receiver: 'Written by the receiver itself: what it recorded about the connections it took.',
  relay: "Written by a relay of the recipient (established by the receiver's records, the recipient's DNS, published vendor data or your settings): its lines count as the recipient side's records.",
  claimed: "Written before the message reached the recipient's side. Anyone can write these lines: they are the sender's word, never evidence.",
};

/** "Proofpoint", "northwindtraders.com" (flattened). */
export function segmentName(s: Segment): string {
  return flatten(s.name || s.org || 'unknown', 80);
}

/** The segment a hop belongs to. */
export function segmentOf(a: Analysis, hop: Hop): Segment | undefined {
  return hop.segment !== undefined ? a.facts?.segments[hop.segment] : undefined;
}

/**
 * The relays of the recipient shown with a segment: a relay hands the message on at its hop, so it
 * belongs to the recipient-gateway segment that wrote the hop below (its own lines).
 */
export function relaysOfSegment(a: Analysis, index: number): RelayFact[] {
  const s = a.facts?.segments[index];
  if (!s || s.role !== 'recipient-gateway') return [];
  return a.facts.relays.filter((r) => r.hopIndex - 1 >= s.firstHop && r.hopIndex - 1 <= s.lastHop);
}

/** Relays no recipient-gateway segment shows (their own lines are not in the message). */
export function unplacedRelays(a: Analysis): RelayFact[] {
  const placed = new Set<RelayFact>();
  a.facts?.segments.forEach((_, i) => relaysOfSegment(a, i).forEach((r) => placed.add(r)));
  return (a.facts?.relays ?? []).filter((r) => !placed.has(r));
}

/** "Proofpoint mx0b-00498f04.pphosted.com [148.163.138.245]". */
export function relayName(r: RelayFact): string {
  const host = r.host ? flatten(r.host, 100) : '';
  const where = [host, r.ip ? `[${r.ip}]` : ''].filter(Boolean).join(' ');
  const vendor = r.vendor ? shortVendorName(r.vendor.name) : 'relay';
  return flatten(where ? `${vendor} ${where}` : vendor, 160);
}

/** One piece of relay evidence as a line: "MX: the MX of contoso.com … (DNS (recorded))". */
export function evidenceText(e: RelayEvidence): string {
  return flatten(`${e.detail}${e.source ? ` (source: ${e.source})` : ''}`, 400);
}

export const EVIDENCE_KIND_LABEL: Readonly<Record<RelayEvidence['kind'], string>> = {
  'skip-listed': 'Enhanced Filtering skip-listing',
  connector: 'inbound connector',
  'receiver-spf-skip': "receiver's inbound gateway setting",
  mx: 'MX record',
  'trusted-relay': 'your trusted relays',
  'receiver-ptr': 'reverse DNS the receiver recorded',
  'vendor-range': "vendor's published range",
  'allow-list': 'IP allow list',
};

// ---------------------------------------------------------------------------------------------
// Hops

const HOP_ROLE_LABEL: Readonly<Record<HopRole, string>> = {
  origin: 'sender',
  'sender-internal': 'sender (internal)',
  gateway: 'gateway',
  'receiver-edge': 'receiver edge',
  'receiver-internal': 'receiver (internal)',
  unknown: 'unknown',
};

/** A hop's role in words for the route tables: "sender", "gateway", "receiver edge", ... */
export function roleLabel(role: HopRole): string {
  return HOP_ROLE_LABEL[role] ?? role;
}

/** The sending side of a hop as a name: rDNS, else HELO, else the IP, else "(unknown)"; not flattened. */
export function hopFromName(hop: Hop): string {
  return hop.from.rdns || hop.from.helo || hop.from.ip || '(unknown)';
}

/** The name the sending side of a hop gave or was given: reverse DNS, else HELO (not an IP literal). */
export function fromHost(hop: Hop): string | undefined {
  for (const n of [hop.from.rdns, hop.from.helo]) {
    const v = n?.trim();
    if (!v) continue;
    const bare = v.replace(/^\[|\]$/g, '').replace(/^ipv6:/i, '');
    if (hop.from.ip && bare.toLowerCase() === hop.from.ip.toLowerCase()) continue;
    if (/^\[.*\]$/.test(v)) continue;
    return flatten(v, 120);
  }
  return undefined;
}

/** "mail.northwindtraders.com [203.0.113.25]", "[192.168.10.57]", or "unknown host". */
export function hopFromText(hop: Hop): string {
  const host = fromHost(hop);
  const ip = hop.from.ip ? `[${hop.from.ip}]` : '';
  return [host, ip].filter(Boolean).join(' ') || 'unknown host';
}

/** The receiving side of a hop ("BN2PEPF000044A8.mail.protection.outlook.com", or "unknown host"). */
export function hopByText(hop: Hop): string {
  return flatten(hop.by.host ?? '', 120) || 'unknown host';
}

/** `from host [IP] → by host`. */
export function hopLine(hop: Hop): string {
  return `${hopFromText(hop)} → ${hopByText(hop)}`;
}

/**
 * A long host name shortened in the middle for a narrow place ("BN2PEPF…outlook.com"); the full
 * name stays in tooltips. Names of at most `max` characters are returned as they are.
 */
export function shortHost(name: string, max = 28): string {
  const s = flatten(name, 300);
  if (s.length <= max) return s;
  const keepEnd = Math.ceil((max - 1) * 0.55);
  const keepStart = max - 1 - keepEnd;
  return `${s.slice(0, keepStart)}…${s.slice(s.length - keepEnd)}`;
}

/** State words of a hop for the front of a label: "⚠ broke here", "entry". */
export function hopStates(a: Analysis, hop: Hop): string[] {
  const out: string[] = [];
  if (breakHop(a) === hop.index) out.push('⚠ broke here');
  if (a.facts?.entry.hopIndex === hop.index) out.push(`entry into ${flatten(a.facts.receiver.name ?? 'the receiver', 40)}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Enhanced Filtering

/** "EFC off" and the like, for one-line places; "" when Enhanced Filtering does not apply. */
export function efcShort(state: EfcState): string {
  switch (state) {
    case 'off':
      return 'EFC off';
    case 'active':
      return 'EFC on';
    case 'recipient-not-in-scope':
      return 'EFC not for this recipient';
    case 'incomplete':
      return 'EFC misses a hop';
    default:
      return '';
  }
}

// ---------------------------------------------------------------------------------------------
// What the route says about an address

/**
 * Everything the facts say about an IP address, one sentence each: the connecting address the
 * receiver took the message from, a relay of the recipient (vendor, strength, evidence), the
 * original sender, the address Enhanced Filtering recovered, the sending side of which hops and
 * who wrote those lines. Empty when the address plays no part in the route.
 */
export function ipInRoute(a: Analysis, ip: string): string[] {
  const f = a.facts;
  if (!f) return [];
  const out: string[] = [];
  const receiver = flatten(f.receiver.name ?? 'the receiver', 60);
  const relay = f.relays.find((r) => r.ip === ip);
  if (f.entry.connectingIp === ip && f.entry.hopIndex !== null) {
    out.push(`${receiver} took the message from this address at hop ${f.entry.hopIndex + 1} (the connecting host, ${relay ? 'a relay of the recipient' : 'the sender as the receiver saw it'}).`);
  }
  if (f.entry.evaluatedIp === ip && f.entry.connectingIp !== ip) out.push(`${receiver} evaluated this address (SPF, reputation) instead of the connecting one.`);
  if (relay) {
    const ev = relay.evidence.map((e) => `${e.strength}: ${evidenceText(e)}`).join('; ');
    out.push(`A relay of the recipient${relay.vendor ? ` (${shortVendorName(relay.vendor.name)})` : ''}, ${relay.strength} evidence${ev ? `: ${ev}` : ''}.`);
    if (relay.strength === 'weak') out.push('Only weak evidence: generated scripts carry a placeholder for it until you confirm it (your settings, or recorded DNS that shows the MX).');
  }
  if (f.originalSender?.ip === ip) out.push('The original sender: the first host the recipient side took the message from.');
  if (f.efc.recoveredIp === ip) out.push('Enhanced Filtering recovered this address as the original sender.');
  const hops = a.hops.filter((h) => h.from.ip === ip);
  for (const h of hops.slice(0, 4)) {
    const seg = segmentOf(a, h);
    out.push(`Sending side of hop ${h.index + 1} (${hopLine(h)})${seg ? (seg.trust === 'claimed' ? ", a line written before the recipient's side had the message (claimed)" : `, a line written by ${segmentName(seg)}`) : ''}.`);
  }
  if (hops.length > 4) out.push(`… and ${hops.length - 4} more hops.`);
  const recorded = f.entry.records.filter((r) => r.ip === ip).map((r) => RECORD_NAMES[r.kind]);
  if (recorded.length) out.push(`${receiver} recorded it in ${[...new Set(recorded)].join(', ')}.`);
  return out.map((s) => flatten(s, 1200));
}

const RECORD_NAMES = {
  'auth-results': 'its Authentication-Results',
  'received-spf': 'Received-SPF',
  'x-sender-ip': 'X-Sender-IP',
  cip: 'X-Forefront-Antispam-Report (CIP)',
} as const;

// ---------------------------------------------------------------------------------------------
// The whole route, line by line (the diagram and text renderers walk this)

export interface RouteLane {
  index: number;
  segment: Segment;
  name: string;
  role: string;
  trust: string;
  relays: RelayFact[];
  hops: Hop[];
}

/** The segments with their hops and relays, oldest first. Hops outside every segment get none. */
export function routeLanes(a: Analysis): RouteLane[] {
  const segs = a.facts?.segments ?? [];
  return segs.map((segment, index) => ({
    index,
    segment,
    name: segmentName(segment),
    role: segmentRole(segment),
    trust: TRUST_LABEL[segment.trust] ?? segment.trust,
    relays: relaysOfSegment(a, index),
    hops: a.hops.filter((h) => h.index >= segment.firstHop && h.index <= segment.lastHop),
  }));
}
