/**
 * Lookups on the knowledge base (./providers.ts, ./vendors.ts).
 *
 * All inputs are header text, so attacker-controlled. Host names are accepted only as plain ASCII
 * DNS names (letters, digits, '-', '_', dots; labels of 1-63 characters; at most 253 characters
 * after one trailing dot is removed) and lower-cased; anything else matches nothing. Patterns are
 * compared on whole labels through map lookups: no regular expression is built from input, and the
 * work per lookup is bounded by the 253-character limit.
 *
 * A HELO name is a claim the client makes about itself; on its own it never proves a vendor
 * (phishers announce `pphosted.com` names). Vendor detection needs reverse DNS, the receiving `by`
 * host, a vendor header, an authserv-id, an ARC sealer or a published range for `strong`.
 */
import type { IpInfo, VendorMatch } from '../../types';
import { classifyIp, ipToBigInt, parseIp, parseIpSpec, type IpSpec, type ParsedIp } from '../ip';
import { PROVIDER_HOSTS, PROVIDER_NAMES, PROVIDER_RANGES, type ProviderHostPattern, type ProviderId, type ProviderRange } from './providers';
import { VENDORS, type VendorRecord, type Weight } from './vendors';

export * from './providers';
export * from './vendors';

// ---------------------------------------------------------------------------------------------
// Names

const MAX_HOST = 253;

function isHostChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || // a-z
    (c >= 65 && c <= 90) || // A-Z
    (c >= 48 && c <= 57) || // 0-9
    c === 45 || // -
    c === 95 // _
  );
}

/**
 * Lower-cased host name without its trailing dot, or undefined when the text is not a plain ASCII
 * DNS name (IP literals in brackets, "unknown", Unicode, empty labels, over-long names).
 */
export function normalizeHost(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > MAX_HOST + 8) return undefined;
  let s = input.trim();
  if (s.endsWith('.')) s = s.slice(0, -1);
  if (!s || s.length > MAX_HOST) return undefined;
  let label = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (label === 0) return undefined;
      label = 0;
      continue;
    }
    if (!isHostChar(c) || ++label > 63) return undefined;
  }
  if (label === 0) return undefined;
  return s.toLowerCase();
}

const MAX_HEADER_NAME = 200;

/** Lower-cased field name, or undefined when it is not printable ASCII without ':' (RFC 5322 ftext). */
function normalizeHeaderName(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > MAX_HEADER_NAME + 8) return undefined;
  const s = input.trim();
  if (!s || s.length > MAX_HEADER_NAME) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 33 || c > 126 || c === 58) return undefined;
  }
  return s.toLowerCase();
}

/** Text safe to show in a detail string: printable ASCII, bounded. */
function clip(text: string, max = 120): string {
  let out = '';
  for (let i = 0; i < text.length && out.length < max; i++) {
    const c = text.charCodeAt(i);
    out += c >= 32 && c <= 126 ? text[i] : '?';
  }
  return text.length > max ? `${out}…` : out;
}

// ---------------------------------------------------------------------------------------------
// Host pattern matcher

type CompiledPattern =
  | { kind: 'exact'; name: string }
  | { kind: 'wild'; suffix: string }
  | { kind: 'glob'; prefix: string; suffix: string; rest: string };

function compilePattern(pattern: string): CompiledPattern | null {
  const p = pattern.toLowerCase();
  if (p.startsWith('*.')) {
    const suffix = normalizeHost(p.slice(2));
    return suffix && suffix === p.slice(2) ? { kind: 'wild', suffix } : null;
  }
  const dot = p.indexOf('.');
  const first = dot > 0 ? p.slice(0, dot) : '';
  const star = first.indexOf('*');
  if (star >= 0) {
    if (first.indexOf('*', star + 1) >= 0) return null;
    const rest = normalizeHost(p.slice(dot + 1));
    const prefix = first.slice(0, star);
    const suffix = first.slice(star + 1);
    const ok = (t: string) => t === '' || normalizeHost(t) === t;
    if (!rest || rest !== p.slice(dot + 1) || !ok(prefix) || !ok(suffix)) return null;
    return { kind: 'glob', prefix, suffix, rest };
  }
  const name = normalizeHost(p);
  return name && name === p ? { kind: 'exact', name } : null;
}

interface PatternHit<T> {
  item: T;
  pattern: string;
}

class HostMatcher<T> {
  private readonly exact = new Map<string, Array<PatternHit<T>>>();
  private readonly wild = new Map<string, Array<PatternHit<T>>>();
  private readonly glob = new Map<string, Array<PatternHit<T> & { prefix: string; suffix: string }>>();

  /** False when the pattern is not valid (the entry is then reported in KB_PROBLEMS). */
  add(pattern: string, item: T): boolean {
    const c = compilePattern(pattern);
    if (!c) return false;
    const push = <H>(map: Map<string, H[]>, key: string, hit: H) => {
      const list = map.get(key);
      if (list) list.push(hit);
      else map.set(key, [hit]);
    };
    if (c.kind === 'exact') push(this.exact, c.name, { item, pattern });
    else if (c.kind === 'wild') push(this.wild, c.suffix, { item, pattern });
    else push(this.glob, c.rest, { item, pattern, prefix: c.prefix, suffix: c.suffix });
    return true;
  }

  /** Every entry matching the (normalised) host, most specific first. */
  match(host: string): Array<PatternHit<T>> {
    const out: Array<PatternHit<T>> = [];
    const exact = this.exact.get(host);
    if (exact) out.push(...exact);
    const dot = host.indexOf('.');
    if (dot > 0) {
      const globs = this.glob.get(host.slice(dot + 1));
      if (globs) {
        const first = host.slice(0, dot);
        for (const g of globs) {
          if (first.length > g.prefix.length + g.suffix.length && first.startsWith(g.prefix) && first.endsWith(g.suffix)) {
            out.push({ item: g.item, pattern: g.pattern });
          }
        }
      }
    }
    for (let i = dot; i >= 0; i = host.indexOf('.', i + 1)) {
      const wild = this.wild.get(host.slice(i + 1));
      if (wild) out.push(...wild);
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Compiled knowledge base

/** Entries of the data files that could not be compiled (a test keeps this empty). */
export const KB_PROBLEMS: string[] = [];

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
deepFreeze(PROVIDER_RANGES);
deepFreeze(PROVIDER_HOSTS);
deepFreeze(VENDORS);

function compileRange(range: string, where: string): IpSpec | null {
  const spec = parseIpSpec(range);
  if (!spec || spec.kind !== 'cidr' || spec.text !== range) {
    KB_PROBLEMS.push(`${where}: range ${range} is not a canonical CIDR`);
    return null;
  }
  return spec;
}

const providerRanges: Array<{ entry: ProviderRange; spec: IpSpec }> = [];
for (const entry of PROVIDER_RANGES) {
  const spec = compileRange(entry.range, `provider ${entry.provider}`);
  if (spec) providerRanges.push({ entry, spec });
}

const providerHosts = new HostMatcher<ProviderHostPattern>();
for (const entry of PROVIDER_HOSTS) {
  if (!providerHosts.add(entry.pattern, entry)) KB_PROBLEMS.push(`provider ${entry.provider}: bad host pattern ${entry.pattern}`);
}

interface VendorItem {
  vendor: VendorRecord;
  order: number;
  weight: Weight;
  verified: boolean;
  source: string;
  asOf: string;
  note?: string;
  /** ARC sealers: the documented selector. */
  selector?: string;
}

const vendorIndex = new Map<string, { vendor: VendorRecord; order: number }>();
const vendorHosts = new HostMatcher<VendorItem>();
const vendorAuthserv = new HostMatcher<VendorItem>();
const vendorArc = new HostMatcher<VendorItem>();
const vendorDkim = new HostMatcher<VendorItem>();
const vendorUrls = new HostMatcher<VendorItem>();
const headerExact = new Map<string, Array<VendorItem & { name: string }>>();
const headerPrefixes: Array<VendorItem & { name: string; prefix: string }> = [];
const vendorRanges: Array<VendorItem & { range: string; status: 'published' | 'observed'; spec: IpSpec }> = [];

VENDORS.forEach((vendor, order) => {
  if (vendorIndex.has(vendor.id)) KB_PROBLEMS.push(`vendor ${vendor.id}: duplicate id`);
  else vendorIndex.set(vendor.id, { vendor, order });
  const item = (f: { source: string; asOf: string; verified: boolean; note?: string }, weight: Weight = 'strong'): VendorItem => {
    const it: VendorItem = { vendor, order, weight, verified: f.verified, source: f.source, asOf: f.asOf };
    if (f.note) it.note = f.note;
    return it;
  };
  const addHost = (m: HostMatcher<VendorItem>, pattern: string, it: VendorItem, what: string) => {
    if (!m.add(pattern, it)) KB_PROBLEMS.push(`vendor ${vendor.id}: bad ${what} pattern ${pattern}`);
  };
  for (const h of vendor.hosts) addHost(vendorHosts, h.pattern, item(h), 'host');
  for (const a of vendor.authservIds) addHost(vendorAuthserv, a.pattern, item(a), 'authserv-id');
  for (const d of vendor.dkimDomains) addHost(vendorDkim, d.pattern, item(d), 'DKIM domain');
  for (const u of vendor.urlRewrites) addHost(vendorUrls, u.pattern, item(u), 'URL');
  for (const s of vendor.arcSealers) {
    const it = item(s);
    if (s.selector) it.selector = s.selector;
    // the sealer domain itself and names below it
    addHost(vendorArc, s.domain, it, 'ARC sealer');
    addHost(vendorArc, `*.${s.domain}`, it, 'ARC sealer');
  }
  for (const h of vendor.headers) {
    const name = normalizeHeaderName(h.name);
    if (!name) {
      KB_PROBLEMS.push(`vendor ${vendor.id}: bad header name ${h.name}`);
      continue;
    }
    const it = { ...item(h, h.weight), name: h.name };
    if (h.match === 'exact') {
      const list = headerExact.get(name);
      if (list) list.push(it);
      else headerExact.set(name, [it]);
    } else headerPrefixes.push({ ...it, prefix: name });
  }
  for (const r of vendor.ipRanges) {
    const spec = compileRange(r.range, `vendor ${vendor.id}`);
    if (spec) vendorRanges.push({ ...item(r, r.status === 'published' ? 'strong' : 'supporting'), range: r.range, status: r.status, spec });
  }
});

// ---------------------------------------------------------------------------------------------
// Providers

export interface ProviderIpMatch {
  id: ProviderId;
  name: string;
  range: string;
  purpose: string;
  source: string;
  asOf: string;
  list: ProviderRange['list'];
  secondary?: boolean;
  /** A sovereign cloud's range. */
  cloud?: ProviderRange['cloud'];
}

function ipValue(ip: string | ParsedIp): { p: ParsedIp; v: bigint } | undefined {
  const p = typeof ip === 'string' ? parseIp(ip) : ip;
  return p ? { p, v: ipToBigInt(p.addr) } : undefined;
}

function toProviderMatch(e: ProviderRange): ProviderIpMatch {
  const m: ProviderIpMatch = {
    id: e.provider,
    name: PROVIDER_NAMES[e.provider],
    range: e.range,
    purpose: e.purpose,
    source: e.source,
    asOf: e.asOf,
    list: e.list,
  };
  if (e.secondary) m.secondary = true;
  if (e.cloud) m.cloud = e.cloud;
  return m;
}

/** Every provider range containing the IP, in data (priority) order. */
export function providerRangesForIp(ip: string): ProviderIpMatch[] {
  const x = ipValue(ip);
  if (!x) return [];
  return providerRanges
    .filter(({ spec }) => spec.version === x.p.version && x.v >= spec.lo && x.v <= spec.hi)
    .map(({ entry }) => toProviderMatch(entry));
}

/** The provider network (Microsoft 365 / Google) an IP belongs to: the highest-priority matching range. */
export function lookupProviderByIp(ip: string): ProviderIpMatch | undefined {
  const x = ipValue(ip);
  if (!x) return undefined;
  for (const { entry, spec } of providerRanges) {
    if (spec.version === x.p.version && x.v >= spec.lo && x.v <= spec.hi) return toProviderMatch(entry);
  }
  return undefined;
}

export interface ProviderHostMatch {
  id: ProviderId;
  name: string;
  pattern: string;
  purpose: string;
  /** A sovereign cloud's name (GCC High and DoD share office365.us: 'gcc-high'). */
  cloud?: ProviderHostPattern['cloud'];
  source: string;
  asOf: string;
}

/** The provider a host name belongs to (most specific pattern wins). */
export function lookupProviderByHost(host: string): ProviderHostMatch | undefined {
  const h = normalizeHost(host);
  if (!h) return undefined;
  const hit = providerHosts.match(h)[0];
  if (!hit) return undefined;
  const e = hit.item;
  const m: ProviderHostMatch = { id: e.provider, name: PROVIDER_NAMES[e.provider], pattern: e.pattern, purpose: e.purpose, source: e.source, asOf: e.asOf };
  if (e.cloud) m.cloud = e.cloud;
  return m;
}

/** Class of the address plus the provider and (published) vendor networks it belongs to. */
export function ipInfo(ip: string): IpInfo | undefined {
  const p = parseIp(ip);
  if (!p) return undefined;
  const info: IpInfo = { ip: p.ip, version: p.version, class: classifyIp(p) };
  const prov = lookupProviderByIp(p.ip);
  if (prov) info.provider = { id: prov.id, name: prov.name, range: prov.range, source: prov.source };
  const v = vendorByIp(p.ip);
  if (v && v.status === 'published') info.vendor = { id: v.id, name: v.name, range: v.matched, source: v.source };
  return info;
}

// ---------------------------------------------------------------------------------------------
// Vendors

export interface VendorHit {
  id: string;
  name: string;
  /** The knowledge-base entry that matched: host pattern, header name, range or sealer domain. */
  matched: string;
  /** How much this match proves on its own (see vendors.ts). */
  weight: Weight;
  /** False when the fact is marked [unverified] or comes only from an AI-assisted document. */
  verified: boolean;
  source: string;
  asOf: string;
  note?: string;
}

function toHit(it: VendorItem, matched: string): VendorHit {
  const h: VendorHit = {
    id: it.vendor.id,
    name: it.vendor.name,
    matched,
    weight: it.weight,
    verified: it.verified,
    source: it.source,
    asOf: it.asOf,
  };
  if (it.note) h.note = it.note;
  return h;
}

function hostHits(m: HostMatcher<VendorItem>, input: string): VendorHit[] {
  const h = normalizeHost(input);
  if (!h) return [];
  return m.match(h).map((x) => toHit(x.item, x.pattern));
}

/** The vendor a host name (rDNS, `by` host, MX) belongs to. */
export function vendorByHost(host: string): VendorHit | undefined {
  return hostHits(vendorHosts, host)[0];
}

/** Every vendor whose fingerprint matches a header field name, specific ones first. */
export function vendorsByHeaderName(name: string): VendorHit[] {
  const n = normalizeHeaderName(name);
  if (!n) return [];
  const items: Array<{ it: VendorItem; matched: string; len: number }> = [];
  for (const it of headerExact.get(n) ?? []) items.push({ it, matched: it.name, len: Infinity });
  for (const it of headerPrefixes) {
    if (n.length > it.prefix.length && n.startsWith(it.prefix)) items.push({ it, matched: `${it.name}*`, len: it.prefix.length });
  }
  const rank: Record<Weight, number> = { strong: 0, weak: 1, supporting: 2 };
  items.sort((a, b) => rank[a.it.weight] - rank[b.it.weight] || b.len - a.len || a.it.order - b.it.order);
  return items.map((x) => toHit(x.it, x.matched));
}

/**
 * The vendor a header field name points at. Generic names (weight 'supporting', e.g. X-Policy) are
 * returned too, flagged by their weight: they need a second signal before they mean anything.
 */
export function vendorByHeaderName(name: string): VendorHit | undefined {
  return vendorsByHeaderName(name)[0];
}

/** The vendor behind an authserv-id of (ARC-)Authentication-Results. */
export function vendorByAuthservId(id: string): VendorHit | undefined {
  return hostHits(vendorAuthserv, id)[0];
}

export interface ArcSealerHit extends VendorHit {
  /** The selector the knowledge base expects with this sealer domain. */
  expectedSelector?: string;
  /** Whether the given selector equals the expected one; undefined when either is unknown. */
  selectorMatches?: boolean;
}

/** The vendor behind an ARC-Seal d= domain (optionally with its s= selector). */
export function vendorByArcSealer(domain: string, selector?: string): ArcSealerHit | undefined {
  const h = normalizeHost(domain);
  if (!h) return undefined;
  const x = vendorArc.match(h)[0];
  if (!x) return undefined;
  // both the sealer domain and `*.domain` are indexed; report the domain
  const hit: ArcSealerHit = toHit(x.item, x.pattern.startsWith('*.') ? x.pattern.slice(2) : x.pattern);
  if (x.item.selector) {
    hit.expectedSelector = x.item.selector;
    const s = typeof selector === 'string' ? normalizeHost(selector) : undefined;
    if (s !== undefined) hit.selectorMatches = s === x.item.selector.toLowerCase();
  }
  return hit;
}

/** The vendor behind a DKIM d= domain the vendor signs with on its own behalf. */
export function vendorByDkimDomain(domain: string): VendorHit | undefined {
  return hostHits(vendorDkim, domain)[0];
}

/** The vendor whose URL-rewriting service uses this host (e.g. urldefense.com). */
export function vendorByUrlHost(host: string): VendorHit | undefined {
  return hostHits(vendorUrls, host)[0];
}

export interface VendorIpHit extends VendorHit {
  status: 'published' | 'observed';
}

/**
 * The vendor network an IP belongs to. 'observed' ranges (seen in samples, not published) come back
 * with weight 'supporting': they never point at a vendor on their own.
 */
export function vendorByIp(ip: string): VendorIpHit | undefined {
  const x = ipValue(ip);
  if (!x) return undefined;
  const found = vendorRanges
    .filter((r) => r.spec.version === x.p.version && x.v >= r.spec.lo && x.v <= r.spec.hi)
    .sort((a, b) => (a.status === b.status ? a.order - b.order : a.status === 'published' ? -1 : 1))[0];
  return found ? { ...toHit(found, found.range), status: found.status } : undefined;
}

/** The full record of a vendor (remedies read the ARC sealer, spam header and URL hosts from it). */
export function vendorInfo(id: string): VendorRecord | undefined {
  return vendorIndex.get(id)?.vendor;
}

/** Every vendor record, in data order. */
export function listVendors(): readonly VendorRecord[] {
  return VENDORS;
}

// ---------------------------------------------------------------------------------------------
// Detection

export interface VendorSignals {
  /** Reverse-DNS name the receiving MTA looked up for the connecting client. */
  rdns?: string;
  /** The `by` host of a Received field (the receiving MTA names itself). */
  byHost?: string;
  /** The HELO/EHLO name: a claim by the client, weak on its own. */
  helo?: string;
  ip?: string;
  headerNames?: string[];
  authservIds?: string[];
  arcSealers?: string[];
  /** DKIM d= domains of signatures in the message. */
  dkimDomains?: string[];
}

type SignalKind = VendorMatch['signals'][number]['kind'];

const MAX_LIST = 5000;
const MAX_SIGNALS = 16;

interface Acc {
  vendor: VendorRecord;
  order: number;
  strong: number;
  weak: number;
  supporting: number;
  signals: VendorMatch['signals'];
  seen: Set<string>;
}

/**
 * Every vendor the signals point at, best first. A vendor is reported when at least one signal is
 * more than 'supporting'; confidence is 'strong' when rDNS, the by-host, a published range, a
 * vendor-specific header, an authserv-id, an ARC sealer or the vendor's own DKIM domain matched,
 * 'weak' when only the HELO (or a header name whose attribution is disputed) did. Supporting
 * signals (generic header names, ranges only observed in samples) are listed with the others but
 * never report a vendor by themselves.
 */
export function detectVendors(signals: VendorSignals): VendorMatch[] {
  const accs = new Map<string, Acc>();
  const add = (hit: VendorHit, kind: SignalKind, weight: Weight, detail: string) => {
    let acc = accs.get(hit.id);
    if (!acc) {
      const rec = vendorIndex.get(hit.id);
      if (!rec) return;
      acc = { vendor: rec.vendor, order: rec.order, strong: 0, weak: 0, supporting: 0, signals: [], seen: new Set() };
      accs.set(hit.id, acc);
    }
    const key = `${kind}\u0000${detail}`;
    if (acc.seen.has(key)) return;
    acc.seen.add(key);
    acc[weight]++;
    const d = `${detail}${hit.verified ? '' : ' [unverified]'}`;
    if (acc.signals.length < MAX_SIGNALS) acc.signals.push({ kind, detail: d });
  };
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.slice(0, MAX_LIST).filter((s): s is string => typeof s === 'string') : []);

  if (typeof signals.rdns === 'string') {
    const h = normalizeHost(signals.rdns);
    if (h) for (const hit of hostHits(vendorHosts, h)) add(hit, 'rdns', 'strong', `reverse DNS ${h} matches ${hit.matched}`);
  }
  if (typeof signals.byHost === 'string') {
    const h = normalizeHost(signals.byHost);
    if (h) for (const hit of hostHits(vendorHosts, h)) add(hit, 'by-host', 'strong', `received by ${h} (matches ${hit.matched})`);
  }
  if (typeof signals.helo === 'string') {
    const h = normalizeHost(signals.helo);
    if (h) {
      for (const hit of hostHits(vendorHosts, h)) {
        add(hit, 'helo', 'weak', `HELO ${h} matches ${hit.matched} (claimed by the client, not proven)`);
      }
    }
  }
  if (typeof signals.ip === 'string') {
    const hit = vendorByIp(signals.ip);
    const p = parseIp(signals.ip);
    if (hit && p) {
      const what = hit.status === 'published' ? 'published range' : 'range only observed in samples, not published';
      add(hit, 'ip-range', hit.weight, `IP ${p.ip} in ${hit.matched} (${what})`);
    }
  }
  for (const name of new Set(list(signals.headerNames).map((n) => n.trim()))) {
    for (const hit of vendorsByHeaderName(name)) {
      const extra =
        hit.weight === 'supporting'
          ? ` (${hit.note ?? 'generic name'}; supports other evidence only)`
          : hit.weight === 'weak'
            ? ` (${hit.note ?? 'attribution disputed'})`
            : '';
      add(hit, 'header', hit.weight, `header ${clip(name)} matches ${hit.matched}${extra}`);
    }
  }
  for (const id of new Set(list(signals.authservIds))) {
    const h = normalizeHost(id);
    if (h) for (const hit of hostHits(vendorAuthserv, h)) add(hit, 'authserv-id', 'strong', `authserv-id ${h} matches ${hit.matched}`);
  }
  for (const d of new Set(list(signals.arcSealers))) {
    const h = normalizeHost(d);
    if (!h) continue;
    for (const x of vendorArc.match(h)) {
      const sealer = x.pattern.startsWith('*.') ? x.pattern.slice(2) : x.pattern;
      add(toHit(x.item, sealer), 'arc-sealer', 'strong', `ARC sealer d=${h} matches the vendor's sealer domain ${sealer}`);
    }
  }
  for (const d of new Set(list(signals.dkimDomains))) {
    const h = normalizeHost(d);
    if (h) for (const hit of hostHits(vendorDkim, h)) add(hit, 'header', 'strong', `DKIM-Signature d=${h} matches ${hit.matched}`);
  }

  const out: Array<{ m: VendorMatch; acc: Acc }> = [];
  for (const acc of accs.values()) {
    if (acc.strong === 0 && acc.weak === 0) continue;
    out.push({
      acc,
      m: { id: acc.vendor.id, name: acc.vendor.name, signals: acc.signals, confidence: acc.strong > 0 ? 'strong' : 'weak' },
    });
  }
  out.sort(
    (a, b) =>
      (b.acc.strong > 0 ? 1 : 0) - (a.acc.strong > 0 ? 1 : 0) ||
      b.acc.strong + b.acc.weak - (a.acc.strong + a.acc.weak) ||
      b.acc.supporting - a.acc.supporting ||
      a.acc.order - b.acc.order,
  );
  return out.map((x) => x.m);
}

/** The vendor the signals point at most strongly (see detectVendors), or undefined. */
export function detectVendor(signals: VendorSignals): VendorMatch | undefined {
  return detectVendors(signals)[0];
}

/** Who operates a host: Microsoft 365, Google, a known vendor, or someone else. */
export function classifyHostOperator(host: string): 'microsoft365' | 'google' | 'vendor' | 'other' {
  const p = lookupProviderByHost(host);
  if (p) return p.id;
  return vendorByHost(host) ? 'vendor' : 'other';
}
