/**
 * Relays of the recipient: the hosts in front of the receiver that the recipient's side runs or
 * uses (a filtering gateway, on-premises servers). Every generated connector change lists these
 * addresses, so a host only becomes one with evidence from the recipient's side:
 *
 *   strong (it is the recipient's):  the receiver skip-listed it or attributed it to a connector,
 *                                    the receiver's SPF skipped it (Gmail's inbound gateway),
 *                                    the recipient domain's MX points at it, the user listed it;
 *   weak (whose it is, not whether it is the recipient's): a reverse-DNS name the receiver (or the
 *                                    relay after it) recorded, a vendor's published range, the
 *                                    tenant's IP allow list.
 *
 * Never evidence: HELO names, anything written below the entry (Received, Authentication-Results,
 * ARC), `for <…>`. Text written below the entry may only lower confidence: a relay whose own first
 * line took the message from the sender's internal network or an authenticated submission is the
 * sender's outbound gateway, not the recipient's.
 *
 * Once a relay is established, its own Received lines (the ones directly below the entry, written
 * by the same host or organisation) are its records, and the walk continues through them to the
 * host the recipient's side first took the message from: the original sender.
 */
import type { EntryFacts, Evidence, HeaderField, Hop, HopWriter, MicrosoftHeaders, ReceiverFacts, RelayEvidence, RelayFact } from '../types';
import { ipInSpec, isPublicIp, parseIpSpec, type IpSpec } from '../net/ip';
import { normalizeHost, vendorByHost, vendorByIp, vendorInfo } from '../net/kb';
import { hostUnderAny, isEopOutboundIp, isInternalAddress, registeredDomain } from './orgs';
import { shortVendorName } from '../present/vendors';

/**
 * Names vendors deliver outbound mail from (to other organisations' MX), never inbound to their
 * own customers. Counted on public mailing-list archives: Mimecast's HELO `*-smtp-delivery-*` on
 * 669 of 728 deliveries to other organisations and on none of 534 into its customer; Cisco's
 * `ob*.iphmx.com` hosts only outbound; Barracuda's `mx-outbound*` hosts. Used only to lower
 * confidence: a host named so is the sending side's gateway.
 */
const OUTBOUND_NAMES: readonly RegExp[] = [/(^|\.)[a-z]{2}-smtp-delivery-\d+\.mimecast\.com\.?$/, /(^|\.)ob\d+\.[a-z0-9-]+\.iphmx\.com\.?$/, /(^|\.)mx-outbound[a-z0-9-]*\.[a-z0-9.-]+\.ess\.aws\.cudaops\.com\.?$/];

export interface TrustedRelaysInput {
  list: readonly string[];
  /** Where the list came from, in the user's words ("setting Mail Flow Lens: Trusted Relays (user)", "configuration file …"). */
  source: string;
}

export interface RelayInput {
  hops: Hop[];
  writers: HopWriter[];
  fields: HeaderField[];
  receiver: ReceiverFacts;
  entry: EntryFacts;
  microsoft: MicrosoftHeaders | null;
  trustedRelays: TrustedRelaysInput;
  /** The recipient organisation's domains (settings, or the tenant's accepted domains). */
  ownDomains: string[];
}

export interface RelayResult {
  relays: RelayFact[];
  /** Hops written by the relays (their own Received lines), oldest first. */
  relayHops: number[];
  originalSender: { hopIndex: number; ip: string | null; host: string | null } | null;
  /** The hop where the walk stopped at a Microsoft 365 outbound address (a first pass through Exchange Online). */
  stoppedAtMicrosoft: number | null;
  /** The connecting host the receiver's records name, found to be the sender's own outbound gateway (never a relay). */
  senderGateway: RelayFact | null;
  reasoning: string[];
}

interface TrustedMatcher {
  specs: Array<{ spec: IpSpec; text: string }>;
  suffixes: string[];
  hosts: string[];
}

function compileTrusted(list: readonly string[]): TrustedMatcher {
  const m: TrustedMatcher = { specs: [], suffixes: [], hosts: [] };
  for (const raw of list.slice(0, 5000)) {
    if (typeof raw !== 'string') continue;
    const s = raw.trim().toLowerCase();
    if (!s) continue;
    const spec = parseIpSpec(s);
    if (spec) m.specs.push({ spec, text: spec.text });
    else if (s.startsWith('*.') && /^\*\.[a-z0-9.-]+$/.test(s)) m.suffixes.push(s.slice(1));
    else if (/^[a-z0-9.-]+$/.test(s)) m.hosts.push(s.replace(/\.$/, ''));
  }
  return m;
}

/** The trusted-relay entry an address or a recorded host name matches. */
function trustedMatch(m: TrustedMatcher, ip: string | null, recordedHost: string | null): string | undefined {
  if (ip) {
    const s = m.specs.find((x) => ipInSpec(ip, x.spec));
    if (s) return s.text;
  }
  const h = recordedHost ? normalizeHost(recordedHost) : undefined;
  if (h) {
    if (m.hosts.includes(h)) return h;
    const suf = m.suffixes.find((x) => h.endsWith(x) && h.length > x.length);
    if (suf) return `*${suf}`;
  }
  return undefined;
}

const evOf = (fields: HeaderField[], index: number | undefined, note: string): Evidence | undefined => {
  if (index === undefined) return undefined;
  const f = fields.find((x) => x.index === index);
  return f ? { header: f.name, fieldIndex: f.index, lines: { ...f.lines }, note } : undefined;
};

const strengthOf = (ev: RelayEvidence[]): RelayFact['strength'] => (ev.some((e) => e.strength === 'strong') ? 'strong' : 'weak');

export function findRelays(input: RelayInput): RelayResult {
  const { hops, writers, receiver, entry, fields } = input;
  const out: RelayResult = { relays: [], relayHops: [], originalSender: null, stoppedAtMicrosoft: null, senderGateway: null, reasoning: [] };
  const E = entry.hopIndex;
  if (E === null) return out;
  const trusted = compileTrusted(input.trustedRelays.list);
  const ms = receiver.kind === 'exchange-online' ? input.microsoft : null;
  const ff = ms?.forefront && !ms.forefront.untrusted ? ms.forefront : undefined;
  const sender = (k: number) => ({ hopIndex: k, ip: hops[k].from.ip ?? null, host: hops[k].from.rdns ?? hops[k].from.helo ?? null });

  if (receiver.consumer) {
    out.originalSender = sender(E);
    out.reasoning.push('A consumer mailbox has no gateway of its own: every host before the receiver belongs to the sender or to an intermediary.');
    return out;
  }

  // Gmail (and any receiver) that evaluated SPF on an older hop than its entry skips the hosts in
  // between: its inbound-gateway setting lists them.
  const spfSkipTo = (() => {
    const r = entry.records.find((x) => x.ip !== hops[E].from.ip && (x.kind === 'received-spf' || x.kind === 'auth-results'));
    if (!r || receiver.kind !== 'gmail') return null;
    for (let k = E - 1; k >= 0; k--) if (hops[k].from.ip === r.ip) return { hopIndex: k, record: r };
    return null;
  })();

  /** Did the receiver's own SPF check pass on this address (its Received-SPF or its results)? */
  function spfPassedOn(ip: string | null): boolean {
    if (!ip) return false;
    for (const r of entry.records) {
      if (r.ip !== ip || (r.kind !== 'received-spf' && r.kind !== 'auth-results')) continue;
      const f = fields.find((x) => x.index === r.evidence.fieldIndex);
      const v = f ? f.unfolded.slice(0, 200).toLowerCase() : '';
      if (r.kind === 'received-spf' ? /^\s*pass\b/.test(v) : /(^|[;\s])spf=pass\b/.test(v)) return true;
    }
    return false;
  }

  /** Evidence that the sending host of hop k is a relay of the recipient. `recordedBy` wrote hop k. */
  const evidenceFor = (k: number, recordedBy: string): { ev: RelayEvidence[]; vendor: RelayFact['vendor']; host: string | null } => {
    const h = hops[k];
    const ip = h.from.ip && isPublicIp(h.from.ip) ? h.from.ip : null;
    const ev: RelayEvidence[] = [];
    let vendor: RelayFact['vendor'] = null;
    // the name recorded for the address: EOP's PTR in its report, else the rDNS in the line itself
    const eopPtr = k === E && ff?.ptr && ff.cip && ff.cip === h.from.ip && !/^infodomainnonexistent$/i.test(ff.ptr) ? ff.ptr : undefined;
    const recorded = eopPtr ?? (receiver.kind === 'exchange-online' && k === E ? undefined : h.from.rdns);
    const recordedHost = recorded ? normalizeHost(recorded) ?? null : null;

    const t = trustedMatch(trusted, ip, recordedHost);
    if (t) ev.push({ kind: 'trusted-relay', strength: 'strong', detail: `listed as a trusted relay (${t}) in ${input.trustedRelays.source}`, source: input.trustedRelays.source });
    if (k === E && ms) {
      const sk = skipListing(ms, entry, h.from.ip);
      if (sk.state === 'applied' || sk.state === 'listed') {
        const e = evOf(fields, sk.fieldIndex, 'Enhanced Filtering skipped this connection');
        ev.push({
          kind: 'skip-listed',
          strength: sk.state === 'applied' ? 'strong' : 'weak',
          detail:
            sk.state === 'applied'
              ? `Exchange Online skip-listed this connection and evaluated the recovered sender ${sk.recoveredIp}: an inbound connector with Enhanced Filtering covers it`
              : 'X-MS-Exchange-SkipListedInternetSender says Exchange Online skip-listed this connection (not applied for this recipient); the header alone is not proof',
          ...(e ? { evidence: e } : {}),
        });
      }
      const authAs = ms.org.authAs?.toLowerCase();
      const hybrid = (ms.fromEntity ?? '').toLowerCase() === 'hybridonprem';
      if (ip && !isEopOutboundIp(ip) && (hybrid || (authAs === 'internal' && /^(04|10)$/.test(ms.org.authMechanism ?? '')))) {
        const f = fields.find((x) => x.key === (hybrid ? 'x-ms-exchange-crosstenant-fromentityheader' : 'x-ms-exchange-organization-authas') && x.index >= 0);
        const e = f ? { header: f.name, fieldIndex: f.index, lines: { ...f.lines }, note: hybrid ? 'from the organisation\'s on-premises servers' : 'authenticated as internal' } : undefined;
        ev.push({
          kind: 'connector',
          strength: 'strong',
          detail: hybrid
            ? 'Exchange Online attributed the connection to the organisation\'s on-premises servers (X-MS-Exchange-CrossTenant-FromEntityHeader: HybridOnPrem)'
            : `Exchange Online authenticated the connection as internal through a connector (X-MS-Exchange-Organization-AuthAs: Internal, AuthMechanism ${ms.org.authMechanism})`,
          ...(e ? { evidence: e } : {}),
        });
      }
      if (ip && ff?.ipv?.toUpperCase() === 'CAL' && ff.cip === ip) {
        const e = evOf(fields, ff.fieldIndex, 'IPV:CAL');
        ev.push({ kind: 'allow-list', strength: 'weak', detail: 'the tenant\'s connection filter allow-lists this address (IPV:CAL)', ...(e ? { evidence: e } : {}) });
      }
    }
    if (spfSkipTo && k <= E && k > spfSkipTo.hopIndex) {
      ev.push({ kind: 'receiver-spf-skip', strength: 'strong', detail: `Gmail evaluated SPF on ${spfSkipTo.record.ip}, an older hop: its inbound-gateway setting skips this host`, evidence: spfSkipTo.record.evidence });
    }
    if (recordedHost) {
      const v = vendorByHost(recordedHost);
      const where = eopPtr ? 'Exchange Online recorded its reverse DNS (PTR:)' : `${recordedBy} recorded its reverse DNS`;
      if (v) {
        vendor = { id: v.id, name: shortVendorName(vendorInfo(v.id)?.name ?? v.name) };
        const e = eopPtr ? evOf(fields, ff?.fieldIndex, `PTR:${recordedHost}`) : evOf(fields, h.fieldIndex, `reverse DNS ${recordedHost}`);
        ev.push({ kind: 'receiver-ptr', strength: 'weak', detail: `${where} as ${recordedHost}, a ${vendor.name} host`, ...(e ? { evidence: e } : {}) });
      } else if (hostUnderAny(recordedHost, input.ownDomains)) {
        const e = eopPtr ? evOf(fields, ff?.fieldIndex, `PTR:${recordedHost}`) : evOf(fields, h.fieldIndex, `reverse DNS ${recordedHost}`);
        ev.push({ kind: 'receiver-ptr', strength: 'weak', detail: `${where} as ${recordedHost}, under the organisation's own domain`, ...(e ? { evidence: e } : {}) });
      }
    }
    if (ip) {
      const r = vendorByIp(ip);
      if (r && r.status === 'published') {
        vendor = vendor ?? { id: r.id, name: shortVendorName(vendorInfo(r.id)?.name ?? r.name) };
        ev.push({ kind: 'vendor-range', strength: 'weak', detail: `${ip} is in ${r.matched}, a range ${shortVendorName(r.name)} publishes`, source: r.source });
      }
    }
    return { ev, vendor, host: recordedHost };
  };

  // ---- the host that connected to the receiver
  const first = evidenceFor(E, receiver.name ?? 'the receiver');
  if (!first.ev.length) {
    out.originalSender = sender(E);
    const helo = hops[E].from.helo;
    const claimed = helo ? vendorByHost(helo) : undefined;
    out.reasoning.push(
      claimed
        ? `The connecting host only calls itself ${helo} (a ${shortVendorName(claimed.name)} name) in its HELO; nothing ${receiver.name ?? 'the receiver'} recorded confirms it, so it is the sender's own server, not a gateway of the recipient.`
        : `Nothing ${receiver.name ?? 'the receiver'} recorded shows a relay of the recipient in front of it: ${hops[E].from.ip ?? 'the connecting host'} is the sender's server.`,
    );
    return out;
  }

  const relayOf = (k: number, r: ReturnType<typeof evidenceFor>, connecting: boolean): RelayFact => {
    const h = hops[k];
    let vendor = r.vendor;
    if (!vendor) {
      // once established by the recipient's side, the relay's own name may name its vendor
      const named = h.from.helo ? vendorByHost(h.from.helo) : undefined;
      const below = writers[k - 1];
      if (named) vendor = { id: named.id, name: shortVendorName(vendorInfo(named.id)?.name ?? named.name) };
      else if (below?.vendorId && below.org === `vendor:${below.vendorId}`) vendor = { id: below.vendorId, name: below.name };
    }
    return {
      hopIndex: k,
      ip: h.from.ip && isPublicIp(h.from.ip) ? h.from.ip : null,
      host: r.host ?? h.from.helo ?? null,
      hostIsHelo: !r.host && !!h.from.helo,
      vendor,
      evidence: r.ev,
      strength: strengthOf(r.ev),
      connecting,
    };
  };

  const connecting = relayOf(E, first, true);
  if (connecting.strength === 'weak' && receiver.kind === 'other') {
    // no fix is ever generated for other receivers: a host only named by its reverse DNS stays the sender's
    out.originalSender = sender(E);
    out.senderGateway = connecting;
    out.reasoning.push(`${describe(connecting)} connected to ${receiver.name ?? 'the receiver'}; only its name says whose host it is, so it is taken for the sender's side.`);
    return out;
  }
  // A vendor host that names itself as the vendor's outbound delivery is the sender's gateway.
  const outboundName = [hops[E].from.helo, connecting.host].find((n) => !!n && OUTBOUND_NAMES.some((re) => re.test(n.toLowerCase())));
  if (connecting.strength === 'weak' && outboundName) {
    out.originalSender = sender(E);
    out.senderGateway = connecting;
    out.reasoning.push(`${describe(connecting)} calls itself ${outboundName}, a name its vendor delivers outbound mail from: it is the sender's outbound gateway, not a relay of the recipient.`);
    return out;
  }
  // The receiver's own SPF result may lower it too: a host the MAIL FROM domain authorises (SPF
  // passed on it) is that sender's own outbound server or gateway, not the recipient's relay.
  if (connecting.strength === 'weak' && spfPassedOn(connecting.ip)) {
    out.originalSender = sender(E);
    out.senderGateway = connecting;
    out.reasoning.push(`${receiver.name ?? 'The receiver'}'s SPF check passed on ${connecting.ip}: the sending domain authorises ${describe(connecting)}, so it is the sender's outbound server or gateway, not a relay of the recipient.`);
    return out;
  }
  // Sender-written lines may only lower confidence: a weakly identified relay whose own first line
  // took the message from the sender's internal network or an authenticated submission is the
  // sender's outbound gateway.
  if (connecting.strength === 'weak') {
    const own = ownLines(E, connecting);
    const outer = own.length ? hops[own[0]] : undefined;
    if (outer && ((outer.from.ip && isInternalAddress(outer.from.ip)) || outer.with?.authenticated)) {
      out.originalSender = sender(E);
      out.senderGateway = connecting;
      out.reasoning.push(
        `${describe(connecting)} took the message from ${outer.with?.authenticated ? 'an authenticated submission' : `the internal address ${outer.from.ip}`} (hop ${own[0] + 1}): it is the sender's outbound gateway, not a relay of the recipient.`,
      );
      return out;
    }
  }
  out.relays.push(connecting);
  out.reasoning.push(`${describe(connecting)} connected to ${receiver.name ?? 'the receiver'} and is taken for a relay of the recipient (${connecting.strength} evidence): ${connecting.evidence.map((e) => e.detail).join('; ')}.`);

  // ---- walk back through the relays' own lines
  let current = connecting;
  for (;;) {
    const own = ownLines(current.hopIndex, current);
    if (!own.length) {
      out.reasoning.push(`The line below the entry was not written by ${describe(current)}: what the relay received is not recorded, so the original sender is unknown.`);
      break;
    }
    out.relayHops.unshift(...own);
    const k = own[0]; // the relay's outermost line: where it took the message from outside its own network
    const h = hops[k];
    if (h.from.ip && isEopOutboundIp(h.from.ip) && receiver.kind === 'exchange-online') {
      out.stoppedAtMicrosoft = k;
      out.originalSender = sender(k);
      break;
    }
    const next = h.from.ip && isPublicIp(h.from.ip) ? evidenceFor(k, describe(current)) : null;
    if (next && next.ev.length) {
      const r = relayOf(k, next, false);
      out.relays.unshift(r);
      out.reasoning.push(`${describe(current)} received it from ${describe(r)}, also a relay of the recipient (${r.strength} evidence): ${r.evidence.map((e) => e.detail).join('; ')}.`);
      current = r;
      continue;
    }
    out.originalSender = sender(k);
    out.reasoning.push(`The original sender is ${h.from.rdns ?? h.from.helo ?? '?'}${h.from.ip ? ` [${h.from.ip}]` : ''}: the first host the relays received the message from (hop ${k + 1}, recorded by ${describe(current)}).`);
    break;
  }
  return out;

  /**
   * The Received lines directly below hop `at` that the relay itself wrote (its `by` host is the
   * relay's host, or of the relay's organisation), newest first → returned oldest first. They
   * continue through the relay's own internal hops (loopback, private addresses).
   */
  function ownLines(at: number, relay: RelayFact): number[] {
    const names = [relay.host, hops[at].from.helo, hops[at].from.rdns].filter((x): x is string => !!x).map((x) => normalizeHost(x)).filter((x): x is string => !!x);
    const domains = new Set(names.map((n) => registeredDomain(n)).filter((x): x is string => !!x));
    const vendorOrg = relay.vendor ? `vendor:${relay.vendor.id}` : null;
    const labels = new Set(names.map((n) => n.split('.')[0]));
    const lines: number[] = [];
    for (let j = at - 1; j >= 0; j--) {
      const by = normalizeHost(hops[j].by.host ?? '');
      const w = writers[j];
      const mine =
        (vendorOrg !== null && w.org === vendorOrg) ||
        (!!by && by.includes('.') && domains.has(registeredDomain(by) ?? '')) ||
        (!!by && !by.includes('.') && labels.has(by)) ||
        (!!by && names.includes(by));
      if (!mine) break;
      lines.unshift(j);
      // stop at the line where the relay took the message from outside its own network
      const ip = hops[j].from.ip;
      if (ip && !isInternalAddress(ip)) break;
    }
    return lines;
  }
}

/** "the Proofpoint relay mx0b-….pphosted.com [148.163.138.245]". */
export function describe(r: RelayFact): string {
  const name = r.host ? `${r.host}${r.ip ? ` [${r.ip}]` : ''}` : r.ip ? `[${r.ip}]` : 'an unknown host';
  return r.vendor ? `the ${r.vendor.name} relay ${name}` : `the relay ${name}`;
}

/**
 * Enhanced Filtering's skip-listing headers, checked against what Exchange Online itself
 * evaluated. A header can be written by anyone; when Enhanced Filtering is applied, Exchange
 * Online's own results (the id-less Authentication-Results' "sender IP is", Received-SPF, CIP) name
 * the recovered sender instead of the connecting address:
 *   applied       ExternalOriginalInternetSender, and the receiver's records name its address;
 *   contradicted  ExternalOriginalInternetSender, but the receiver evaluated the connecting address:
 *                 Exchange Online did not write it (it came with the message);
 *   listed        SkipListedInternetSender only (applied to other recipients): cannot be checked;
 *   none          no skip-listing header.
 */
export function skipListing(
  ms: MicrosoftHeaders | null,
  entry: EntryFacts,
  connectingIp: string | undefined,
): { state: 'applied' | 'contradicted' | 'listed' | 'none'; recoveredIp: string | null; fieldIndex?: number } {
  if (!ms) return { state: 'none', recoveredIp: null };
  const ext = ms.externalOriginal;
  if (ext) {
    const ip = ext.ip ?? null;
    const evaluated = entry.records.filter((r) => r.kind !== 'x-sender-ip').map((r) => r.ip);
    if (ip && ip !== connectingIp && evaluated.includes(ip)) return { state: 'applied', recoveredIp: ip, fieldIndex: ext.fieldIndex };
    if (evaluated.length) return { state: 'contradicted', recoveredIp: ip, fieldIndex: ext.fieldIndex };
    // no record to check against (an export without them): taken as written, but only as a sign
    return { state: 'listed', recoveredIp: ip, fieldIndex: ext.fieldIndex };
  }
  if (ms.skipListed) return { state: 'listed', recoveredIp: ms.skipListed.ip ?? null, fieldIndex: ms.skipListed.fieldIndex };
  return { state: 'none', recoveredIp: null };
}
