/**
 * The route: hops oldest → newest, the role of each hop, the trust boundary (where the receiving
 * system took the message from outside, the connecting IP it evaluated, the relays in front of it
 * and the original sender), delays and clock skew.
 *
 * A hop is one Received field. Its role is the role of the host that wrote it (the `by` host):
 *   origin            the oldest hop on the sender's side (submission / first MTA)
 *   sender-internal   later hops inside the sender's infrastructure
 *   gateway           hops written by a relay in front of the receiver (a filtering gateway,
 *                     on-premises servers, trusted relays)
 *   receiver-edge     the hop where the receiving system (EOP, Gmail MX, …) took the message
 *   receiver-internal hops inside the receiver after that
 *   unknown           anything that cannot be placed
 */
import type {
  Evidence,
  HeaderField,
  Hop,
  HopRole,
  MicrosoftHeaders,
  ReceiverKind,
  ReceivedInfo,
  TrustBoundary,
  VendorMatch,
} from '../types';
import { parseIp, isPublicIp, classifyIp, ipInSpec, parseIpSpec, type IpSpec } from '../net/ip';
import { classifyHostOperator, detectVendor, ipInfo, lookupProviderByIp } from '../net/kb';

export interface TraceInput {
  fields: HeaderField[];
  received: Array<{ field: HeaderField; info: ReceivedInfo }>;
  microsoft: MicrosoftHeaders | null;
  /** Vendor signals from the whole message (header names, authserv-ids, ARC sealers). */
  headerNames: string[];
  authservIds: string[];
  arcSealers: string[];
  /** Recipient domains (To/Cc/for), lower-case: hosts under them are the receiving organisation's. */
  recipientDomains: string[];
  trustedRelays: string[];
  maxHops: number;
  /** Received fields in the message, including those beyond maxHops that were not parsed. */
  totalReceived?: number;
  /** Number of EOP id-less Authentication-Results (one per pass through Exchange Online). */
  eopVerdicts: number;
}

export interface TraceResult {
  hops: Hop[];
  boundary: TrustBoundary;
  vendors: VendorMatch[];
  problems: Array<{ code: string; message: string; fieldIndex?: number }>;
}

type Operator = 'microsoft365' | 'google' | 'vendor' | 'other';

interface TrustedRelayMatcher {
  specs: IpSpec[];
  hostSuffixes: string[];
  hosts: string[];
}

function compileTrustedRelays(list: string[]): TrustedRelayMatcher {
  const m: TrustedRelayMatcher = { specs: [], hostSuffixes: [], hosts: [] };
  for (const raw of list) {
    const s = raw.trim().toLowerCase();
    if (!s) continue;
    const spec = parseIpSpec(s);
    if (spec) m.specs.push(spec);
    else if (s.startsWith('*.')) m.hostSuffixes.push(s.slice(1));
    else if (/^[a-z0-9.-]+$/.test(s)) m.hosts.push(s.replace(/\.$/, ''));
  }
  return m;
}

function isTrustedRelay(m: TrustedRelayMatcher, ip?: string, ...hosts: Array<string | undefined>): string | undefined {
  if (ip) {
    const spec = m.specs.find((s) => ipInSpec(ip, s));
    if (spec) return spec.text;
  }
  for (const h0 of hosts) {
    if (!h0) continue;
    const h = h0.toLowerCase().replace(/\.$/, '');
    if (m.hosts.includes(h)) return h;
    const suf = m.hostSuffixes.find((s) => h.endsWith(s) && h.length > s.length);
    if (suf) return `*${suf}`;
  }
  return undefined;
}

function hostUnder(host: string | undefined, domains: string[]): boolean {
  if (!host) return false;
  const h = host.toLowerCase().replace(/\.$/, '');
  return domains.some((d) => h === d || h.endsWith(`.${d}`));
}

function operatorOf(host: string | undefined, ip: string | undefined): Operator {
  if (host) {
    const op = classifyHostOperator(host);
    if (op !== 'other') return op;
  }
  if (ip) {
    const p = lookupProviderByIp(ip);
    if (p) return p.id;
  }
  return 'other';
}

function receiverFromOperator(op: Operator): ReceiverKind {
  return op === 'microsoft365' ? 'exchange-online' : op === 'google' ? 'gmail' : 'other';
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
      hops[i].clockSkew = d < 0;
    }
  }
  for (const h of hops) {
    if (h.from.ip) h.ipInfo = ipInfo(h.from.ip);
    h.byOperator = operatorOf(h.by.host, undefined);
  }
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
  const relays = compileTrustedRelays(input.trustedRelays);
  const reasoning: string[] = [];
  const evidence: Evidence[] = [];
  const ms = input.microsoft;

  // ---- 1. Who is the receiver?
  const fromOp = hops.map((h) => operatorOf(h.from.rdns ?? h.from.helo, h.from.ip));
  let receiver: ReceiverKind = 'unknown';
  const newest = hops[hops.length - 1];
  const msStamped = !!(ms && (ms.forefront && !ms.forefront.untrusted || ms.org.authAs || ms.org.scl !== undefined || ms.compauth));
  if (msStamped) receiver = 'exchange-online';
  else if (newest && newest.byOperator && newest.byOperator !== 'vendor' && newest.byOperator !== 'other') {
    receiver = receiverFromOperator(newest.byOperator);
  } else if (hops.some((h) => h.by.host?.toLowerCase() === 'mx.google.com')) receiver = 'gmail';
  else if (hops.length) receiver = 'other';
  const receiverOp: Operator | null = receiver === 'exchange-online' ? 'microsoft365' : receiver === 'gmail' ? 'google' : null;
  if (receiver === 'exchange-online') reasoning.push('Exchange Online stamped this message (EOP anti-spam and organisation headers).');
  if (receiver === 'gmail') reasoning.push('Gmail received this message (Received by mx.google.com).');

  // ---- 2. The entry hop: the newest hop where the receiver took the message from outside.
  let entry = -1;
  if (receiverOp) {
    for (let i = hops.length - 1; i >= 0; i--) {
      const h = hops[i];
      if (h.byOperator !== receiverOp) continue;
      // From inside: the sending host is the receiver's own (by name or address), or an internal
      // address right after another hop of the receiver.
      const internalAfterReceiver = !!h.from.ip && !isPublicIp(h.from.ip) && i > 0 && hops[i - 1].byOperator === receiverOp;
      if (fromOp[i] !== receiverOp && !internalAfterReceiver) {
        entry = i;
        break;
      }
    }
  }
  // Non-linear routing (Microsoft 365 → on-premises → Microsoft 365): the message already entered
  // the tenant earlier. Walk back through the receiving organisation's own hops (its on-premises
  // servers and Microsoft 365) to the first time EOP's inbound front end took it from outside.
  // Only for hybrid organisations (cross-premises headers or several EOP verdicts), so a sender
  // that is itself a Microsoft 365 tenant is never mistaken for a first pass.
  let reanchored = false;
  const hybridSigns = input.headerNames.some((n) => n.startsWith('x-ms-exchange-crosspremises-')) || input.eopVerdicts > 1;
  if (entry > 0 && receiverOp === 'microsoft365' && hybridSigns) {
    let j = entry - 1;
    while (j >= 0) {
      const h = hops[j];
      const insideBy = h.byOperator === receiverOp || hostUnder(h.by.host, input.recipientDomains);
      if (!insideBy) break;
      const eopInbound = h.byOperator === receiverOp && /\.mail\.protection\.outlook\.com$/i.test(h.by.host ?? '') && !h.with?.mapi && !h.with?.http;
      const fromOutside = fromOp[j] !== receiverOp && !hostUnder(h.from.helo, input.recipientDomains) && !!h.from.ip && isPublicIp(h.from.ip);
      if (eopInbound && fromOutside) {
        reasoning.push(`The message entered Exchange Online first at hop ${j + 1}, then went on-premises and came back (non-linear routing); the first entry is the trust boundary.`);
        entry = j;
        reanchored = true;
      }
      j--;
    }
  }
  // Cross-check with CIP: EOP's own record of the connecting IP.
  const cip = ms?.forefront && !ms.forefront.untrusted ? ms.forefront.cip : undefined;
  if (receiver === 'exchange-online' && cip) {
    const byCip = hops.findIndex((h, i) => h.from.ip === cip && h.byOperator === 'microsoft365' && i >= 0);
    if (entry < 0 && byCip >= 0) entry = byCip;
    // (With Enhanced Filtering CIP is the recovered original sender, and after non-linear routing
    // it is the on-premises server of the second pass: neither moves the boundary.)
    if (entry >= 0 && hops[entry].from.ip !== cip && byCip >= 0 && !reanchored && !ms?.skipListed && !ms?.externalOriginal) {
      reasoning.push(`The Received chain and EOP's CIP disagree; CIP ${cip} (what EOP evaluated) is used.`);
      entry = byCip;
    }
    if (ms?.forefront) evidence.push({ header: 'X-Forefront-Antispam-Report', fieldIndex: ms.forefront.fieldIndex, lines: ms.forefront.lines, note: `CIP:${cip}` });
  }

  // ---- 3. Roles on the receiver side.
  if (entry >= 0) {
    hops[entry].role = 'receiver-edge';
    for (let i = entry + 1; i < hops.length; i++) hops[i].role = 'receiver-internal';
    evidence.push({ header: 'Received', fieldIndex: hops[entry].fieldIndex, lines: hops[entry].lines, note: 'receiver took the message here' });
  }

  // ---- 4. Walk back through the relays in front of the receiver.
  const vendors: VendorMatch[] = [];
  const relayHopIndexes: number[] = [];
  const relayIps: string[] = [];
  let originalSenderIp: string | null = null;
  let originalSenderHopIndex: number | null = null;
  const connectingIp = entry >= 0 ? hops[entry].from.ip ?? cip ?? null : cip ?? null;
  const connectingHelo = entry >= 0 ? hops[entry].from.helo ?? null : ms?.forefront?.helo ?? null;

  const messageVendor = detectVendor({ headerNames: input.headerNames, authservIds: input.authservIds, arcSealers: input.arcSealers });

  /** Is the host on the from-side of hop i a relay that belongs in front of the receiver? */
  const relayReason = (i: number): { vendor?: VendorMatch; why: string } | null => {
    const h = hops[i];
    const ip = h.from.ip;
    const trusted = isTrustedRelay(relays, ip, h.from.rdns, h.from.helo);
    if (trusted) return { why: `matches trusted relay ${trusted}` };
    // At the entry only what the receiver itself recorded counts (the connecting IP and its reverse
    // DNS): HELO names and headers below the boundary are the sender's word and can be forged.
    // Further down, the relays' own Received lines are trusted once the relay is established.
    const edgePtr = i === entry && cip && ip === cip && ms?.forefront?.ptr && ms.forefront.ptr !== 'InfoDomainNonexistent' ? ms.forefront.ptr : undefined;
    const v = i === entry ? detectVendor({ rdns: h.from.rdns ?? edgePtr, ip }) : detectVendor({ rdns: h.from.rdns, helo: h.from.helo, ip });
    if (v && v.confidence === 'strong') return { vendor: v, why: `${v.name} (${v.signals.map((s) => s.kind).join(', ')})` };
    if (ip && !isPublicIp(ip) && i < entry) return { why: `internal address ${ip} (${classifyIp(ip)})` };
    // EOP's Received has no rDNS; its X-Forefront-Antispam-Report PTR is the connecting IP's rDNS.
    const ptr = i === entry && cip && ip === cip && ms?.forefront?.ptr && ms.forefront.ptr !== 'InfoDomainNonexistent' ? ms.forefront.ptr : undefined;
    const rdns = h.from.rdns ?? ptr;
    if (hostUnder(rdns, input.recipientDomains) || (hostUnder(h.from.helo, input.recipientDomains) && !!rdns && hostUnder(rdns, input.recipientDomains))) {
      return { why: `host ${rdns ?? h.from.helo} belongs to the receiving organisation (on-premises)` };
    }
    // A hop whose sending host wrote an older Received with a vendor `by` host is that vendor.
    if (i > 0) {
      const prevBy = hops[i - 1].by.host;
      const bv = prevBy ? detectVendor({ byHost: prevBy }) : undefined;
      if (bv && bv.confidence === 'strong' && sameHostFamily(prevBy, h.from.rdns ?? h.from.helo)) return { vendor: bv, why: `${bv.name} relayed it (${prevBy})` };
    }
    return null;
  };

  if (entry >= 0) {
    let i = entry;
    const edgeRelay = relayReason(entry);
    // A skip-listing header proves a relay is configured in front of EOP even when nothing else does.
    const efcSaysRelay = !!(ms?.skipListed || ms?.externalOriginal);
    if (edgeRelay || efcSaysRelay) {
      const why = edgeRelay?.why ?? 'EOP skip-listed it (Enhanced Filtering is configured for this connector)';
      reasoning.push(`The connecting host ${connectingIp ?? '?'} is a relay in front of the receiver: ${why}.`);
      // Once the relay is established by the receiver's own records, its name and headers may name the vendor.
      const named = detectVendor({ rdns: hops[entry].from.rdns, helo: hops[entry].from.helo, ip: hops[entry].from.ip, headerNames: input.headerNames, authservIds: input.authservIds, arcSealers: input.arcSealers });
      const vendor = edgeRelay?.vendor ?? (named && named.confidence === 'strong' ? named : undefined);
      if (vendor) {
        hops[entry].vendor = vendor;
        vendors.push(vendor);
      }
      if (connectingIp && isPublicIp(connectingIp)) relayIps.push(connectingIp);
      // Walk older hops while their sending host is also part of the relay path.
      i = entry - 1;
      while (i >= 0) {
        hops[i].role = 'gateway';
        if (vendor && !hops[i].vendor) hops[i].vendor = vendor;
        relayHopIndexes.unshift(i);
        const r = relayReason(i);
        if (!r) break;
        if (r.vendor && !vendors.some((v) => v.id === r.vendor!.id)) vendors.push(r.vendor);
        const ip = hops[i].from.ip;
        if (ip && isPublicIp(ip) && !relayIps.includes(ip)) relayIps.unshift(ip);
        i--;
      }
      if (i >= 0) {
        originalSenderHopIndex = i;
        originalSenderIp = hops[i].from.ip ?? null;
        reasoning.push(`The original sender is ${hops[i].from.rdns ?? hops[i].from.helo ?? '?'} ${originalSenderIp ?? ''} (the first host the relays received it from).`.replace(/ +\)/, ')'));
      } else {
        reasoning.push('The Received chain ends inside the relays: the original sender is not recorded.');
      }
      // Skip-listing recovers the original IP even when the chain doesn't show it.
      const skip = ms?.externalOriginal ?? ms?.skipListed;
      if (!originalSenderIp && skip?.ip) originalSenderIp = skip.ip;
      i = (originalSenderHopIndex ?? 0) - 1;
    } else {
      originalSenderHopIndex = entry;
      originalSenderIp = connectingIp;
      const claimed = detectVendor({ rdns: hops[entry].from.rdns, helo: hops[entry].from.helo, ip: hops[entry].from.ip });
      if (claimed && claimed.confidence === 'weak') {
        hops[entry].vendor = claimed;
        reasoning.push(`The connecting host only claims to be ${claimed.name} in its HELO (${hops[entry].from.helo}); nothing else confirms it, so it is treated as the sender.`);
      } else {
        reasoning.push(`No relay in front of the receiver: ${connectingIp ?? 'the connecting host'} is the sender's own server.`);
      }
      i = entry - 1;
    }
    // Sender side: everything older.
    for (let k = Math.min(i, hops.length - 1); k >= 0; k--) {
      if (hops[k].role === 'unknown') hops[k].role = k === 0 ? 'origin' : 'sender-internal';
    }
    if (originalSenderHopIndex !== null && originalSenderHopIndex < entry && hops[originalSenderHopIndex].role === 'unknown') {
      hops[originalSenderHopIndex].role = originalSenderHopIndex === 0 ? 'origin' : 'sender-internal';
    }
  } else {
    if (receiver !== 'unknown' && hops.length) reasoning.push('The hop where the receiver took the message could not be found in the Received chain.');
    if (!hops.length) reasoning.push('The message has no Received fields: its route is unknown.');
    // Without a receiver we can still name the origin.
    if (hops.length) hops[0].role = 'origin';
  }
  // Vendor headers alone (without a relay on the route) are claims: they are not listed as vendors.
  void messageVendor;
  if (entry > 0 && relayHopIndexes.length === 0 && hops[entry - 1].role === 'unknown') hops[entry - 1].role = 'sender-internal';

  const boundary: TrustBoundary = {
    receiver,
    receiverName: receiver === 'exchange-online' ? 'Exchange Online' : receiver === 'gmail' ? 'Gmail' : entry >= 0 ? hops[entry].by.host ?? null : null,
    entryHopIndex: entry >= 0 ? entry : null,
    connectingIp,
    connectingHelo,
    relayHopIndexes,
    relayIps,
    originalSenderIp,
    originalSenderHopIndex,
    reasoning,
    evidence,
  };
  return { hops, boundary, vendors, problems };
}

/** Two host names of the same organisation (same registered-looking suffix of 2 labels). */
function sameHostFamily(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const tail = (h: string) => h.toLowerCase().replace(/\.$/, '').split('.').slice(-2).join('.');
  return tail(a) === tail(b);
}

export type { HopRole };
export { parseIp };
