/**
 * Shared facts for the generators: the relay hops in front of the receiver read from the Analysis
 * (re-validated: an Analysis may come from JSON, so nothing in it is trusted), the sender's
 * domains, the Microsoft cloud, the knowledge-base port, IP list building with the exclusions each
 * target needs, the `omitted` collector, and finish(), which turns a draft into a Remedy and lists
 * the public sources of every statement the generator used.
 */
import type { Analysis, Cloud, EfcState, Hop, IpClass, Remedy, RemedyKind } from '../types';
import { classifyIp, ipClassName, isPublicIp, mergeSpecs, parseIp, parseIpSpec, type IpSpec, type ParsedIp } from '../net/ip';
import * as kb from '../net/kb';
import { arg, checkConnectorName, checkDomain, commentText, displayValue, psCommand, psComment } from './powershell';
import { say, sourcesOf, takeUsed } from './say';
import { citation } from './sources';
import type { RemedyKb, RemedyOptions } from './options';

// ---------------------------------------------------------------------------------------------
// Knowledge-base port (tests may replace parts of it)

export type { PublishedRange, RemedyKb } from './options';

export const defaultKb: RemedyKb = {
  lookupProviderByIp: (ip) => kb.lookupProviderByIp(ip),
  providerRanges: () => kb.PROVIDER_RANGES,
  vendorName: (id) => kb.vendorInfo(id)?.name,
  vendorPublishedRanges: (id) =>
    (kb.vendorInfo(id)?.ipRanges ?? [])
      .filter((r) => r.status === 'published')
      .map((r) => ({ range: r.range, source: r.source, asOf: r.asOf, ...(r.url ? { url: r.url } : {}) })),
  vendorDnsPublications: (id) => (kb.vendorInfo(id)?.dnsPublished ?? []).map((p) => ({ name: p.name, kind: p.kind, url: p.url })),
  vendorObservedRanges: (id) =>
    (kb.vendorInfo(id)?.ipRanges ?? []).filter((r) => r.status === 'observed').map((r) => ({ range: r.range, source: r.source, asOf: r.asOf })),
  vendorArcSealers: (id) => (kb.vendorInfo(id)?.arcSealers ?? []).map((s) => ({ domain: s.domain, verified: s.verified, source: s.source })),
  vendorSpamHeader: (id) => kb.vendorInfo(id)?.spamHeader,
  vendorHostPattern: (host) => {
    const h = kb.vendorByHost(host);
    return h ? { id: h.id, pattern: h.matched, weight: h.weight } : undefined;
  },
  vendorByArcSealer: (domain) => {
    const h = kb.vendorByArcSealer(domain);
    return h ? { id: h.id, name: h.name, matched: h.matched, verified: h.verified, source: h.source } : undefined;
  },
};

// ---------------------------------------------------------------------------------------------
// Omitted values

export const MAX_OMITTED = 50;

export class Omitted {
  readonly list: Remedy['omitted'] = [];
  private extra = 0;
  private readonly seen = new Set<string>();

  add(value: unknown, reason: string): void {
    const v = displayValue(value);
    const key = `${v}\u0000${reason}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.list.length < MAX_OMITTED) this.list.push({ value: v, reason });
    else this.extra++;
  }

  /** A summary entry that is always kept (for caps). */
  note(value: string, reason: string): void {
    this.list.push({ value, reason });
  }

  done(): Remedy['omitted'] {
    if (this.extra) this.list.push({ value: `(${this.extra} more)`, reason: say('omit.more', { max: MAX_OMITTED }) });
    return this.list;
  }
}

// ---------------------------------------------------------------------------------------------
// The relay path

export interface RelayIp {
  ip: ParsedIp;
  hopIndex: number | null;
  /** Host name of the relay as recorded (rDNS / PTR; the HELO only as a label). */
  host?: string;
  vendorId?: string;
  vendorName?: string;
  /** True for the host that connected to the receiver. */
  connecting: boolean;
  /** strong: something shows it is the recipient's; weak: only whose it is (see the trust model). */
  strength: 'strong' | 'weak';
  /** What makes it a relay of the recipient, in words (display-safe). */
  evidence: string[];
  /** Set when the user's configuration (not the message) made it a relay: where that came from. */
  fromConfig?: string;
}

/** Relay addresses read from one message (the trace caps hops at 100 by default). */
export const MAX_RELAYS = 1000;

export interface Facts {
  analysis: Analysis;
  receiver: Analysis['boundary']['receiver'];
  /** A consumer mailbox (Outlook.com, gmail.com): nothing to configure, no remedy. */
  consumer: boolean;
  /** Every relay address in front of the receiver from the message (public or not), oldest first. */
  relays: RelayIp[];
  /** Relay addresses beyond MAX_RELAYS (a message has far fewer; only a forged Analysis has more). */
  relaysTruncated: number;
  /** Values from the message that were not IPs. */
  badRelayValues: string[];
  connecting: RelayIp | undefined;
  /** True when the facts found relays of the recipient in front of the receiver. */
  hasRelay: boolean;
  /** True when every public relay has strong evidence: only then do their addresses go into a command. */
  relaysConfirmed: boolean;
  originalSenderIp: ParsedIp | undefined;
  /** Vendors of the relays of the recipient. */
  relayVendors: Array<{ id: string; name: string }>;
  /** The message passed Microsoft 365 before the relay (EOP → on-premises → EOP). */
  nonLinear: boolean;
  findingIds: Set<string>;
  /** The Enhanced Filtering state as the facts step decided it, and the address it recovered. */
  efcState: EfcState;
  recoveredIp: ParsedIp | undefined;
  /** The From (header) domain, validated. */
  fromDomain: string | undefined;
  /** The envelope sender (MAIL FROM) domain SPF was checked for: the receiver's smtp.mailfrom, else Return-Path. */
  mailFromDomain: string | undefined;
  /** The receiving organisation's domains: settings, the tenant's accepted domains, the recipients' domains. */
  ownDomains: string[];
  /** Exchange Online authenticated the connection as internal (a connector or the organisation's own servers). */
  authAsInternal: boolean;
  /** The Microsoft cloud the receiving tenant is in, and where that came from. */
  cloud: Cloud;
  cloudFrom: 'setting' | 'message' | 'default';
}

function hopAt(a: Analysis, i: unknown): Hop | undefined {
  return typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < a.hops.length ? a.hops[i] : undefined;
}

const EFC_STATES = new Set<EfcState>(['not-applicable', 'off', 'active', 'recipient-not-in-scope', 'incomplete']);

/**
 * What the generators need, read from analysis.facts (re-validated: an Analysis may come from
 * JSON, so nothing in it is trusted: addresses are parsed again, names checked, texts made safe).
 */
export function gatherFacts(a: Analysis, k: RemedyKb, options: RemedyOptions = {}): Facts {
  const b = a.boundary;
  const f = a.facts && typeof a.facts === 'object' ? a.facts : undefined;
  const relays: RelayIp[] = [];
  const bad: string[] = [];
  const seen = new Map<string, RelayIp>();
  let truncated = 0;
  const push = (raw: unknown, hopIndex: number | null, connecting: boolean, meta: Partial<RelayIp> & { strength: RelayIp['strength'] }) => {
    if (typeof raw !== 'string' || !raw) return;
    const ip = parseIp(raw);
    if (!ip) {
      if (bad.length < MAX_RELAYS) bad.push(raw);
      return;
    }
    const prev = seen.get(ip.ip);
    if (prev) {
      if (connecting) prev.connecting = true;
      return;
    }
    if (relays.length >= MAX_RELAYS && !connecting) {
      truncated++;
      return;
    }
    const r: RelayIp = { ip, hopIndex, connecting, strength: meta.strength, evidence: meta.evidence ?? [] };
    if (typeof meta.host === 'string') {
      const d = checkDomain(meta.host, { what: 'host name' });
      if (d.ok) r.host = d.value;
    }
    if (meta.vendorId) {
      r.vendorId = commentText(meta.vendorId, 80);
      r.vendorName = defaultKb.vendorName(meta.vendorId) ?? commentText(meta.vendorName ?? meta.vendorId, 80);
    }
    if (meta.fromConfig) r.fromConfig = commentText(meta.fromConfig, 200);
    seen.set(ip.ip, r);
    relays.push(r);
  };

  const factRelays = Array.isArray(f?.relays) ? f.relays.slice(0, MAX_RELAYS + 1) : [];
  for (const fr of factRelays) {
    if (!fr || typeof fr !== 'object') continue;
    const hop = hopAt(a, fr.hopIndex);
    const ev = Array.isArray(fr.evidence) ? fr.evidence.filter((e) => e && typeof e === 'object') : [];
    const config = ev.find((e) => e.kind === 'trusted-relay');
    push(fr.ip ?? hop?.from.ip, hop ? hop.index : null, fr.connecting === true, {
      strength: fr.strength === 'strong' ? 'strong' : 'weak',
      evidence: ev.slice(0, 10).map((e) => commentText(typeof e.detail === 'string' ? e.detail : String(e.kind), 200)),
      host: typeof fr.host === 'string' && !fr.hostIsHelo ? fr.host : hop?.from.rdns ?? hop?.from.helo,
      vendorId: fr.vendor && typeof fr.vendor.id === 'string' ? fr.vendor.id : undefined,
      vendorName: fr.vendor && typeof fr.vendor.name === 'string' ? fr.vendor.name : undefined,
      fromConfig: config ? (typeof config.source === 'string' ? config.source : 'your configuration') : undefined,
    });
  }
  const hasRelay = relays.length > 0;
  // the relays' own internal hops (loopback filters, private addresses): listed so the scripts can
  // say why they are left out, never as relays with evidence of their own
  const relayHopIndexes = Array.isArray(b?.relayHopIndexes) ? b.relayHopIndexes.filter((i) => hopAt(a, i)) : [];
  if (hasRelay) {
    for (const i of [...relayHopIndexes].sort((x, y) => x - y)) {
      if (i === b.originalSenderHopIndex) continue;
      const ip = a.hops[i].from.ip;
      if (ip && !isPublicIp(ip)) push(ip, i, false, { strength: 'strong', host: a.hops[i].from.rdns ?? a.hops[i].from.helo });
    }
    // keep oldest-first order: hop order, the connecting one last
    relays.sort((x, y) => (x.connecting ? 1 : 0) - (y.connecting ? 1 : 0) || (x.hopIndex ?? 1e9) - (y.hopIndex ?? 1e9));
  }
  const connecting = relays.find((r) => r.connecting);
  const relaysConfirmed = hasRelay && relays.every((r) => r.strength === 'strong' || !isPublicIp(r.ip));

  const relayVendors: Array<{ id: string; name: string }> = [];
  for (const r of relays) if (r.vendorId && r.vendorName && !relayVendors.some((v) => v.id === r.vendorId)) relayVendors.push({ id: r.vendorId, name: r.vendorName });

  const findingIds = new Set((Array.isArray(a.findings) ? a.findings : []).map((x) => x.id));
  // a relay inside Microsoft 365's own ranges means the route passed Microsoft 365 before it
  const nonLinear = !!f?.nonLinear || findingIds.has('efc-unsupported-routing') || relays.some((r) => k.lookupProviderByIp(r.ip.ip)?.id === 'microsoft365');
  const efcState: EfcState = f?.efc && EFC_STATES.has(f.efc.state) ? f.efc.state : 'not-applicable';
  return {
    analysis: a,
    receiver: b.receiver,
    consumer: f?.receiver?.consumer === true,
    relays,
    relaysTruncated: truncated,
    badRelayValues: bad,
    connecting,
    hasRelay,
    relaysConfirmed,
    originalSenderIp: parseIp(b.originalSenderIp) ?? undefined,
    relayVendors,
    nonLinear,
    findingIds,
    efcState,
    recoveredIp: parseIp(f?.efc?.recoveredIp ?? undefined) ?? undefined,
    ...senderFacts(a, options),
    ...cloudOf(a, options),
  };
}


const CLOUDS = new Set<Cloud>(['worldwide', 'gcc-high', 'dod', '21vianet']);

function cloudOf(a: Analysis, options: RemedyOptions): { cloud: Cloud; cloudFrom: Facts['cloudFrom'] } {
  if (options.cloud !== undefined && CLOUDS.has(options.cloud)) return { cloud: options.cloud, cloudFrom: 'setting' };
  const c = a.facts?.receiver?.cloud;
  if (c && CLOUDS.has(c)) return { cloud: c, cloudFrom: 'message' };
  return { cloud: 'worldwide', cloudFrom: 'default' };
}

function domainOf(addr: unknown): string | undefined {
  if (typeof addr !== 'string') return undefined;
  const s = addr.trim().replace(/^<|>$/g, '');
  const at = s.lastIndexOf('@');
  const d = checkDomain(at >= 0 ? s.slice(at + 1) : s);
  return d.ok ? d.value : undefined;
}

/** smtp.mailfrom of the receiver's own SPF result (its verdict stamps), when it wrote one. */
function receiverMailFrom(a: Analysis): string | undefined {
  const stamps = Array.isArray(a.stamps) ? a.stamps : [];
  const results = Array.isArray(a.authResults) ? a.authResults : [];
  for (const s of stamps) {
    if (!s || s.trust !== 'verdict' || (s.kind !== 'authentication-results' && s.kind !== 'x-ms-exchange-authentication-results')) continue;
    const parsed = results.find((r) => r && r.fieldIndex === s.fieldIndex)?.parsed;
    const spf = Array.isArray(parsed?.results) ? parsed.results.find((r) => r && r.method === 'spf') : undefined;
    const d = domainOf(spf?.props?.['smtp.mailfrom']);
    if (d) return d;
  }
  return undefined;
}

function senderFacts(a: Analysis, options: RemedyOptions): Pick<Facts, 'fromDomain' | 'mailFromDomain' | 'ownDomains' | 'authAsInternal'> {
  const fromDomain = domainOf(a.summary?.fromDomain);
  const mailFromDomain = receiverMailFrom(a) ?? domainOf(a.summary?.returnPath);
  const own: string[] = [];
  const add = (d: unknown) => {
    const c = typeof d === 'string' ? checkDomain(d.replace(/^\*\./, '')) : undefined;
    if (c?.ok && !own.includes(c.value)) own.push(c.value);
  };
  for (const d of Array.isArray(options.receivingDomains) ? options.receivingDomains : []) add(d);
  for (const d of Array.isArray(a.facts?.ownDomains?.domains) ? a.facts.ownDomains.domains : []) add(d);
  for (const r of Array.isArray(a.summary?.recipients) ? a.summary.recipients : []) {
    const d = domainOf(r);
    if (d) add(d);
  }
  return { fromDomain, mailFromDomain, ownDomains: own, authAsInternal: a.microsoft?.org?.authAs?.toLowerCase() === 'internal' };
}

/** True when `domain` is one of the organisation's domains or a subdomain of one. */
export function isOwnDomain(f: Facts, domain: string | undefined): boolean {
  return !!domain && f.ownDomains.some((d) => domain === d || domain.endsWith(`.${d}`));
}

/**
 * Direct Send as Microsoft describes it: a device, an application or a service connects to the
 * tenant's MX without signing in, with an envelope sender (MAIL FROM) in one of the tenant's own
 * domains, to recipients in the tenant. In a delivered message: no relay of the recipient, a public
 * connecting address that is not Microsoft's or Google's, not attributed to a connector (not
 * authenticated as internal), the MAIL FROM domain and every recipient domain the organisation's own.
 */
export function directSendShape(f: Facts, k: RemedyKb): { ip: ParsedIp; domain: string } | undefined {
  if (f.receiver !== 'exchange-online' || f.consumer || f.hasRelay || f.authAsInternal) return undefined;
  const ip = parseIp(f.analysis.boundary?.connectingIp);
  if (!ip || !isPublicIp(ip)) return undefined;
  const prov = k.lookupProviderByIp(ip.ip)?.id;
  if (prov === 'microsoft365' || prov === 'google') return undefined;
  const d = f.mailFromDomain;
  if (!d || !isOwnDomain(f, d)) return undefined;
  const rcpts = (Array.isArray(f.analysis.summary?.recipients) ? f.analysis.summary.recipients : []).map(domainOf).filter((x): x is string => !!x);
  if (!rcpts.length || !rcpts.every((r) => isOwnDomain(f, r))) return undefined;
  return { ip, domain: d };
}

/** Placeholder for a device's address when the message does not show that its sender is the organisation's own. */
export const PLACEHOLDER_DEVICE_IP = '<device IP>';

/**
 * May the address that connected to the receiver go into a command (a connector, an SPF record)?
 * Only when the user named the device's address, when the diagnosis recognised the organisation's
 * own device or application (relay-device-spf), or when the receiver authenticated the message.
 * Otherwise the message may be a phish, and its source address is the attacker's: a command that
 * authorises it would let the attacker in.
 */
export function senderIpVouched(f: Facts, options: { deviceIp?: unknown }): boolean {
  if (typeof options.deviceIp === 'string' && parseIp(options.deviceIp)) return true;
  if (f.findingIds.has('relay-device-spf')) return true;
  const ca = f.analysis.microsoft?.compauth?.result?.toLowerCase();
  if (ca === 'pass' || ca === 'softpass') return true;
  return f.analysis.facts?.verdict?.class === 'authentic';
}

/** Placeholder for gateway addresses that the message does not show (or not prove are the recipient's). */
export const PLACEHOLDER_GATEWAY_IP = '<gateway IP>';

/** Why the relays' addresses are not in the command yet, and how to confirm them. */
export function unconfirmedWords(f: Facts): { why: string; confirm: string[]; preChecks: string[]; candidates: string } {
  const weak = f.relays.filter((r) => r.strength === 'weak' && isPublicIp(r.ip));
  const candidates = words(weak.map((r) => `${describeRelay(r)} (${r.evidence.join('; ') || say('relay.noEvidence')})`));
  const dom = receivingDomain(f.analysis, {});
  return {
    why: say('unconfirmed.why', { ips: words(weak.map((r) => r.ip.ip)), be: weak.length === 1 ? 'is' : 'are' }),
    confirm: [say('unconfirmed.confirmMx'), say('unconfirmed.confirmSetting')],
    preChecks: [psCommand('Resolve-DnsName', [['Name', arg.str(dom ?? '<your domain>')], ['Type', arg.word('MX')]])],
    candidates,
  };
}

/** "mx0b-00498f04.pphosted.com, Proofpoint …" (no IP), or '' when nothing is known. */
export function relayLabel(r: RelayIp): string {
  return [r.host, r.vendorName].filter(Boolean).join(', ');
}

/** "148.163.138.245 [mx0b-00498f04.pphosted.com, Proofpoint …]" */
export function describeRelay(r: RelayIp): string {
  const label = relayLabel(r);
  return label ? `${r.ip.ip} [${label}]` : r.ip.ip;
}

// ---------------------------------------------------------------------------------------------
// IP lists

export const MAX_LIST_INPUT = 20000;

export interface IpInput {
  text: unknown;
  origin: 'message' | 'user' | 'vendor';
  /** For vendor ranges: where the range is published. */
  source?: string;
  /** Label for the message hop. */
  label?: string;
}

export interface IpListPolicy {
  /** Shown in reasons: "EFSkipIPs", "SenderIPAddresses", … */
  target: string;
  /** Why an address of a non-public class is left out, by class. */
  nonPublicReason: (c: IpClass, version: 4 | 6) => string;
  excludeMicrosoft: boolean;
  microsoftReason?: () => string;
  excludeGoogle: boolean;
  googleReason?: () => string;
  allowIpv6: boolean;
  ipv6Reason?: () => string;
  allowRange: boolean;
  rangeReason?: () => string;
  /** Narrowest allowed IPv4 prefix for CIDRs (e.g. 24), with the reason when wider. */
  minPrefixV4?: number;
  minPrefixReason?: () => string;
  merge: boolean;
  cap: number;
}

export interface IpListEntry {
  spec: IpSpec;
  origin: IpInput['origin'];
  source?: string;
  label?: string;
}

const NON_PUBLIC_V4 = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/4', '240.0.0.0/4'];
const NON_PUBLIC_V6 = ['::/127', 'fc00::/7', 'fe80::/10', 'ff00::/8'];
const NON_PUBLIC = [...NON_PUBLIC_V4, ...NON_PUBLIC_V6].map((c) => parseIpSpec(c)!);

function overlaps(a: IpSpec, b: IpSpec): boolean {
  return a.version === b.version && a.lo <= b.hi && b.lo <= a.hi;
}

let providerSpecCache: { k: RemedyKb; list: Array<{ spec: IpSpec; provider: string; range: string; source: string }> } | null = null;
function providerSpecs(k: RemedyKb) {
  if (providerSpecCache && providerSpecCache.k === k) return providerSpecCache.list;
  const list: Array<{ spec: IpSpec; provider: string; range: string; source: string }> = [];
  for (const r of k.providerRanges()) {
    const spec = parseIpSpec(r.range);
    if (spec) list.push({ spec, provider: r.provider, range: r.range, source: r.source });
  }
  providerSpecCache = { k, list };
  return list;
}

function providerOverlap(k: RemedyKb, spec: IpSpec, provider: 'microsoft365' | 'google'): { range: string; source: string } | undefined {
  if (spec.kind === 'single') {
    const hit = k.lookupProviderByIp(spec.text);
    if (hit && hit.id === provider) return { range: hit.range, source: hit.source };
  }
  const p = providerSpecs(k).find((x) => x.provider === provider && overlaps(x.spec, spec));
  return p ? { range: p.range, source: p.source } : undefined;
}

function isNonPublic(spec: IpSpec): boolean {
  if (spec.kind === 'single') {
    const c = classifyIp(spec.text);
    return !(c === 'public' || c === 'documentation');
  }
  return NON_PUBLIC.some((n) => overlaps(n, spec));
}

function cmpSpec(a: IpSpec, b: IpSpec): number {
  return a.version - b.version || (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0) || (a.hi > b.hi ? -1 : a.hi < b.hi ? 1 : 0);
}

/**
 * Parse, validate, exclude, de-duplicate (and optionally merge) a list of IPs/ranges for one
 * target. Order: as given (message first, then the user's, then vendor ranges), unless merged.
 */
export function buildIpList(inputs: readonly IpInput[], policy: IpListPolicy, k: RemedyKb, omitted: Omitted): IpListEntry[] {
  const kept: IpListEntry[] = [];
  const seen = new Set<string>();
  const limit = Math.min(inputs.length, MAX_LIST_INPUT);
  for (let n = 0; n < limit; n++) {
    const input = inputs[n];
    if (typeof input.text !== 'string') {
      omitted.add(input.text, say('omit.notText'));
      continue;
    }
    const spec = parseIpSpec(input.text);
    if (!spec) {
      omitted.add(input.text, say('omit.notIp'));
      continue;
    }
    const shown = spec.text;
    if (isNonPublic(spec)) {
      if (spec.kind !== 'single') omitted.add(shown, say('omit.rangeNonPublic', { target: policy.target }));
      else omitted.add(shown, policy.nonPublicReason(classifyIp(spec.text), spec.version));
      continue;
    }
    if (policy.excludeMicrosoft) {
      const ms = providerOverlap(k, spec, 'microsoft365');
      if (ms) {
        omitted.add(shown, say('omit.microsoftRange', { why: policy.microsoftReason ? policy.microsoftReason() : say('omit.microsoftAddress'), range: ms.range }));
        continue;
      }
    }
    if (policy.excludeGoogle) {
      const g = providerOverlap(k, spec, 'google');
      if (g) {
        omitted.add(shown, say('omit.googleRange', { why: policy.googleReason ? policy.googleReason() : say('omit.googleAddress'), range: g.range }));
        continue;
      }
    }
    if (spec.version === 6 && !policy.allowIpv6) {
      omitted.add(shown, policy.ipv6Reason ? policy.ipv6Reason() : say('omit.noIpv6', { target: policy.target }));
      continue;
    }
    if (spec.kind === 'range' && !policy.allowRange) {
      omitted.add(shown, policy.rangeReason ? policy.rangeReason() : say('omit.noRange', { target: policy.target }));
      continue;
    }
    if (spec.kind === 'cidr' && spec.version === 4 && policy.minPrefixV4 !== undefined) {
      const bits = Number(spec.text.slice(spec.text.indexOf('/') + 1));
      if (bits < policy.minPrefixV4) {
        omitted.add(shown, policy.minPrefixReason ? policy.minPrefixReason() : say('omit.prefix', { target: policy.target, bits: policy.minPrefixV4 }));
        continue;
      }
    }
    if (seen.has(spec.text)) continue;
    seen.add(spec.text);
    const e: IpListEntry = { spec, origin: input.origin };
    if (input.source) e.source = input.source;
    if (input.label) e.label = input.label;
    kept.push(e);
  }
  if (inputs.length > limit) {
    omitted.note(`(${inputs.length - limit} values)`, say('omit.inputCap', { max: MAX_LIST_INPUT }));
  }

  let out: IpListEntry[];
  if (policy.merge) {
    out = mergeSpecs(kept.map((e) => e.spec)).map((spec) => {
      const from = kept.filter((e) => overlaps(e.spec, spec));
      const origin = from.some((e) => e.origin === 'message') ? 'message' : from.some((e) => e.origin === 'user') ? 'user' : 'vendor';
      const entry: IpListEntry = { spec, origin };
      const src = from.find((e) => e.source)?.source;
      if (src) entry.source = src;
      const label = from.find((e) => e.label)?.label;
      if (label && spec.kind === 'single') entry.label = label;
      return entry;
    });
  } else {
    // drop entries fully covered by another one (e.g. a message IP inside a vendor range)
    const sorted = kept.map((e, i) => ({ e, i })).sort((x, y) => cmpSpec(x.e.spec, y.e.spec));
    const covered = new Set<number>();
    let cur: IpSpec | null = null;
    for (const { e, i } of sorted) {
      if (cur && cur.version === e.spec.version && e.spec.hi <= cur.hi) {
        covered.add(i);
        omitted.add(e.spec.text, say('omit.covered', { range: cur.text }));
      } else {
        cur = e.spec;
      }
    }
    out = kept.filter((_, i) => !covered.has(i));
  }
  if (out.length > policy.cap) {
    const rest = out.length - policy.cap;
    out = out.slice(0, policy.cap);
    omitted.note(`(${rest} entries)`, say('omit.listCap', { target: policy.target, max: policy.cap }));
  }
  return out;
}

/**
 * Why a non-public relay address is left out of a list that skips or names relays (EFSkipIPs):
 * Microsoft documents automatic skipping for loopback 127.0.0.0/8 and the RFC 1918 ranges only.
 */
export function efcNonPublicReason(c: IpClass, ipv4: boolean): string {
  const cls = ipClassName(c);
  if (ipv4 && (c === 'private' || c === 'loopback')) return say('omit.efcDocumentedSkip', { class: cls });
  return say('omit.efcUndocumented', { class: cls });
}

// ---------------------------------------------------------------------------------------------
// Option helpers

export const PLACEHOLDER_CONNECTOR = '<your inbound connector>';

export function connectorIdentity(options: RemedyOptions, omitted: Omitted, fallback = PLACEHOLDER_CONNECTOR): { name: string; placeholder: boolean } {
  if (options.connectorName === undefined || options.connectorName === '') return { name: fallback, placeholder: true };
  const c = checkConnectorName(options.connectorName);
  if (c.ok) return { name: c.value, placeholder: false };
  omitted.add(options.connectorName, say('omit.connectorName', { reason: c.reason }));
  return { name: fallback, placeholder: true };
}

export function newConnectorName(options: RemedyOptions, omitted: Omitted, fallback: string): string {
  if (options.newConnectorName === undefined || options.newConnectorName === '') return fallback;
  const c = checkConnectorName(options.newConnectorName);
  if (c.ok) return c.value;
  omitted.add(options.newConnectorName, say('omit.newConnectorName', { reason: c.reason }));
  return fallback;
}

/** The receiving organisation's domain (options first, then recipients), validated. */
export function receivingDomain(a: Analysis, options: RemedyOptions): string | undefined {
  const candidates: unknown[] = [...(Array.isArray(options.receivingDomains) ? options.receivingDomains : [])];
  for (const r of Array.isArray(a.summary?.recipients) ? a.summary.recipients : []) {
    if (typeof r === 'string') candidates.push(r.slice(r.lastIndexOf('@') + 1));
  }
  for (const c of candidates) {
    const d = checkDomain(c);
    if (d.ok) return d.value;
  }
  return undefined;
}

/**
 * The tenant's MX host: options.mxHost; else the recipient domain's MX when DNS (recorded or live)
 * shows it naming Exchange Online; else, worldwide, the usual `<domain-with-dashes>.mail.protection.outlook.com`;
 * GCC High and DoD name it after the tenant (`<tenant>.mail.protection.office365.us`), 21Vianet after
 * a domain key (`<domain-key>.mail.protection.partner.outlook.cn`): placeholders there.
 */
export function tenantMxHost(a: Analysis, options: RemedyOptions, omitted: Omitted, cloud: Cloud = 'worldwide'): { host: string; guessed: boolean; placeholder: boolean } {
  if (options.mxHost !== undefined) {
    const d = checkDomain(options.mxHost, { what: 'MX host' });
    if (d.ok) return { host: d.value, guessed: false, placeholder: false };
    omitted.add(options.mxHost, say('omit.mxHost', { reason: d.reason }));
  }
  // the recipient domain's MX as recorded or looked up, when it names Exchange Online itself
  for (const m of Array.isArray(a.verification?.mx) ? a.verification.mx : []) {
    for (const h of Array.isArray(m?.hosts) ? m.hosts : []) {
      const host = typeof h?.exchange === 'string' ? h.exchange.toLowerCase().replace(/\.$/, '') : '';
      if (EXCHANGE_MX.test(host) && checkDomain(host).ok) return { host, guessed: false, placeholder: false };
    }
  }
  if (cloud === 'gcc-high' || cloud === 'dod') return { host: '<tenant>.mail.protection.office365.us', guessed: true, placeholder: true };
  if (cloud === '21vianet') return { host: '<domain-key>.mail.protection.partner.outlook.cn', guessed: true, placeholder: true };
  const dom = receivingDomain(a, options);
  return dom
    ? { host: `${dom.replace(/\./g, '-')}.mail.protection.outlook.com`, guessed: true, placeholder: false }
    : { host: '<your-domain>.mail.protection.outlook.com', guessed: true, placeholder: true };
}

/** MX host names of Exchange Online in each cloud (worldwide, the newer mx.microsoft, GCC High / DoD, 21Vianet). */
const EXCHANGE_MX = /^[a-z0-9-]+\.(mail\.protection\.outlook\.com|[a-z0-9-]+\.mx\.microsoft|mail\.protection\.office365\.us|mail\.protection\.partner\.outlook\.cn)$/;

/** Microsoft 365's SPF include for a cloud (Microsoft's SPF set-up article). */
export function spfIncludeFor(cloud: Cloud): string {
  return cloud === 'gcc-high' || cloud === 'dod' ? 'include:spf.protection.office365.us' : cloud === '21vianet' ? 'include:spf.protection.partner.outlook.cn' : 'include:spf.protection.outlook.com';
}

export const KIND_OF: Record<string, RemedyKind> = {
  'efc-verify': 'efc',
  'efc-skip-last-ip': 'efc',
  'efc-skip-ips': 'efc',
  'efc-pilot-users': 'efc',
  'lockdown-connector': 'lockdown',
  'lockdown-certificate': 'lockdown',
  'reject-direct-send': 'lockdown',
  'arc-trusted-sealer': 'arc',
  'gmail-inbound-gateway': 'gmail',
  'device-relay-connector': 'relay',
  'device-relay-certificate': 'relay',
  'spf-record-relay': 'relay',
  'remove-scl-bypass': 'cleanup',
  'remove-ip-allow': 'cleanup',
};

/** Canonical order of remedy ids (output order within the same fit). */
export const REMEDY_IDS = Object.keys(KIND_OF);

/** The title users see for a remedy id (named in other remedies' texts instead of the id). */
export function remedyTitleWords(id: string): string {
  return say(`title.ref.${id}`);
}

// ---------------------------------------------------------------------------------------------
// Building a Remedy

/** The product's own line above every script. */
export function reviewLine(): string {
  return say('common.review');
}
export const REVIEW_LINE = 'Review before running: Mail Flow Lens only writes this text, it never runs it.';

/**
 * How well a remedy fits the message, best first: what the list is ordered by everywhere (CLI,
 * quick-fix menu, panel). recommended: the best fit; confirm-first: fits once a value is confirmed
 * or filled in; alternative: works, another one fits better; optional: clean-up or verification;
 * not-this-message: does not fit this message (shown for completeness, last).
 */
export type Fit = 'recommended' | 'confirm-first' | 'alternative' | 'optional' | 'not-this-message';
const FIT_RANK: Record<Fit, number> = { recommended: 0, 'confirm-first': 1, alternative: 2, optional: 3, 'not-this-message': 4 };
const fitOf = new WeakMap<Remedy, number>();

/** The fit rank finish() recorded for a remedy (remedies read back from JSON sort as alternatives). */
export function fitRank(r: Remedy): number {
  return fitOf.get(r) ?? (r.recommended ? 0 : FIT_RANK.alternative);
}

export interface Draft {
  id: string;
  title: string;
  language: Remedy['language'];
  /** PowerShell: comment lines (without '#'), placed first. */
  header?: string[];
  /** PowerShell: rendered command lines; markdown / dns: the text lines. */
  body: string[];
  parameters: Record<string, unknown>;
  recommended: boolean;
  /** Defaults to recommended / alternative. */
  fit?: Fit;
  why: string;
  caveats?: string[];
  preChecks?: string[];
  rollback?: string[];
  verify?: string[];
  omitted: Omitted;
}

function sourceLines(language: Remedy['language'], ids: string[]): string[] {
  const sources = sourcesOf(ids);
  if (!sources.length) return [];
  const label = say('common.sources');
  if (language === 'powershell') return ['#', psComment(label), ...sources.map((s) => psComment(`  ${citation(s)}: ${s.url}`))];
  if (language === 'dns') return [`; ${label}`, ...sources.map((s) => `;   ${citation(s)}: ${s.url}`)];
  if (language === 'markdown') return ['', `${label}`, ...sources.map((s) => `- ${citation(s)}: ${s.url}`)];
  return ['', label, ...sources.map((s) => `  ${citation(s)}: ${s.url}`)];
}

export function finish(d: Draft): Remedy {
  const kind = KIND_OF[d.id];
  if (!kind) throw new Error(`unknown remedy id ${d.id}`);
  const review = d.language === 'powershell' ? reviewLine() : '';
  const omitted = d.omitted.done();
  const used = takeUsed();
  let lines: string[];
  if (d.language === 'powershell') {
    lines = [...(d.header ?? []).map(psComment), psComment(review), ...d.body];
  } else {
    lines = [...d.body];
  }
  lines.push(...sourceLines(d.language, used));
  const r: Remedy = {
    id: d.id,
    kind,
    title: d.title,
    text: `${lines.join('\n')}\n`,
    language: d.language,
    parameters: d.parameters,
    recommended: d.recommended,
    why: d.why,
    caveats: d.caveats ?? [],
    preChecks: d.preChecks ?? [],
    rollback: d.rollback ?? [],
    verify: d.verify ?? [],
    omitted,
  };
  fitOf.set(r, d.recommended ? 0 : FIT_RANK[d.fit ?? 'alternative']);
  return r;
}

/** Comma list in words: "a", "a and b", "a, b and c"; long lists end in "and N more". */
export function words(list: readonly string[], max = 10): string {
  if (list.length > max) return `${list.slice(0, max).join(', ')} and ${list.length - max} more`;
  if (list.length <= 1) return list.join('');
  return `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

/** "1 relay address" / "3 relay addresses" */
export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export { commentText };
