/**
 * The route: hops oldest → newest with times, delays and clock skew, then the route judgement
 * (receiver, entry, relays of the recipient with their evidence, organisation segments) from the
 * facts step (src/core/facts), which every view reads.
 *
 * A hop is one Received field, written by its `by` host. Roles:
 *   origin            the oldest hop (submission / first MTA)
 *   sender-internal   later hops before the recipient's side (the sender's, lists', forwarders')
 *   gateway           hops written by established relays of the recipient (filtering gateway,
 *                     on-premises servers)
 *   receiver-edge     the hop where the receiver took the message from outside
 *   receiver-internal hops inside the receiver after that
 *   unknown           anything that cannot be placed (no receiver entry found)
 */
import type { AuthResultsHeader, Facts, HeaderField, Hop, MicrosoftHeaders, ReceivedInfo, ReceivedSpf, TrustBoundary, VendorMatch } from '../types';
import { ipInfo } from '../net/kb';
import { routeFacts, type TrustedRelaysInput } from '../facts';

export interface TraceInput {
  fields: HeaderField[];
  received: Array<{ field: HeaderField; info: ReceivedInfo }>;
  authResults: Array<{ field: HeaderField; parsed: AuthResultsHeader }>;
  receivedSpf: Array<{ field: HeaderField; parsed: ReceivedSpf }>;
  microsoft: MicrosoftHeaders | null;
  /** Addresses the message was delivered to (To/Cc/for). */
  recipients: string[];
  /** The organisation's domains from the settings. */
  receivingDomains: string[];
  trustedRelays: TrustedRelaysInput;
  maxHops: number;
  /** Received fields in the message, including those beyond maxHops that were not parsed. */
  totalReceived?: number;
}

export interface TraceResult {
  hops: Hop[];
  boundary: TrustBoundary;
  facts: Facts;
  /** The receiver's own Authentication-Results / Received-SPF fields (its verdicts). */
  verdictFields: Set<number>;
  vendors: VendorMatch[];
  problems: Array<{ code: string; message: string; fieldIndex?: number }>;
}

/** Build the hop list (oldest first) with times and delays. */
function buildHops(input: TraceInput): Hop[] {
  const hops: Hop[] = [];
  const list = input.received.slice(0, input.maxHops).reverse();
  list.forEach(({ field, info }, i) => {
    const ts = info.date?.utc ?? null;
    hops.push({
      index: i,
      fieldIndex: field.index,
      lines: field.lines,
      from: { helo: info.from?.helo, rdns: info.from?.rdns, ip: info.from?.ip },
      by: { host: info.by?.host },
      via: info.via,
      protocol: info.with?.protocol,
      with: info.with,
      tls: info.tls ?? (info.with?.tls ? {} : null),
      id: info.id,
      for: info.for,
      envelopeFrom: info.envelopeFrom,
      timestamp: ts,
      offsetMinutes: info.date?.offsetMinutes ?? null,
      delayMs: null,
      clockSkew: false,
      role: 'unknown',
      stamps: [],
      unparsed: info.unparsed,
      raw: info.raw,
    });
  });
  // a time written without a zone may be hours off: no delay (and so no clock skew) next to it
  const zoneless = (i: number) => list[i].info.date?.zoneless === true;
  for (let i = 1; i < hops.length; i++) {
    const a = hops[i - 1].timestamp;
    const b = hops[i].timestamp;
    if (a && b && !zoneless(i - 1) && !zoneless(i)) {
      const d = Date.parse(b) - Date.parse(a);
      hops[i].delayMs = d;
    }
  }
  for (const h of hops) if (h.from.ip) h.ipInfo = ipInfo(h.from.ip);
  return hops;
}

export function trace(input: TraceInput): TraceResult {
  const problems: TraceResult['problems'] = [];
  const total = Math.max(input.totalReceived ?? 0, input.received.length);
  if (total > input.maxHops) {
    problems.push({
      code: 'too-many-hops',
      message: `The message has ${total} Received fields; only the newest ${input.maxHops} are traced.`,
    });
  }
  const hops = buildHops(input);
  const route = routeFacts({
    hops,
    fields: input.fields,
    authResults: input.authResults,
    receivedSpf: input.receivedSpf,
    microsoft: input.microsoft,
    recipients: input.recipients,
    trustedRelays: input.trustedRelays,
    receivingDomains: input.receivingDomains,
  });
  problems.push(...route.problems);
  markClockSkew(hops);
  const vendors: VendorMatch[] = [];
  for (const h of hops) if (h.vendor && h.vendor.confidence === 'strong' && h.role === 'receiver-edge' && !vendors.some((v) => v.id === h.vendor!.id)) vendors.push(h.vendor);
  for (const h of hops) if (h.vendor && h.vendor.confidence === 'strong' && h.role === 'gateway' && !vendors.some((v) => v.id === h.vendor!.id)) vendors.push(h.vendor);
  return { hops, boundary: route.boundary, facts: route.facts, verdictFields: route.verdictFields, vendors, problems };
}

export type { HopRole } from '../types';

/**
 * Clock skew: a hop stamped earlier than the one before it by more than clocks normally drift.
 * Inside one operator (Exchange Online's front ends and hubs, for example) stamps up to a minute or
 * two apart in the "wrong" order are common on real mail and say nothing the user can act on;
 * between organisations more than a minute is a clock (or time zone) to look at.
 */
export const SKEW_TOLERANCE_MS = { sameOperator: 120_000, acrossOperators: 60_000 };

function markClockSkew(hops: Hop[]): void {
  for (let i = 1; i < hops.length; i++) {
    const d = hops[i].delayMs;
    if (d === null || d >= 0) continue;
    const same = hops[i].writer && hops[i - 1].writer && hops[i].writer!.kind !== 'unknown' && hops[i].writer!.org === hops[i - 1].writer!.org;
    hops[i].clockSkew = -d > (same ? SKEW_TOLERANCE_MS.sameOperator : SKEW_TOLERANCE_MS.acrossOperators);
  }
}
