/** Lookups on the vendors (filtering gateways): which vendor a host, header name, authserv-id, ARC sealer, DKIM domain, URL host or IP points at. */
import { normalizeHeaderName, normalizeHost } from './names';
import type { HostMatcher } from './matcher';
import {
  headerExact,
  headerPrefixes,
  ipValue,
  vendorArc,
  vendorAuthserv,
  vendorDkim,
  vendorHosts,
  vendorIndex,
  vendorRanges,
  vendorUrls,
  type VendorItem,
} from './tables';
import { VENDORS, type VendorRecord, type Weight } from './vendors';

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

export function toHit(it: VendorItem, matched: string): VendorHit {
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

export function hostHits(m: HostMatcher<VendorItem>, input: string): VendorHit[] {
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
