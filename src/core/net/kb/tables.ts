/**
 * The knowledge base compiled once at load: the data files (./providers.ts, ./vendors.ts) frozen,
 * their ranges parsed and their patterns indexed for the lookups; entries that do not compile are
 * listed in KB_PROBLEMS.
 */
import { ipToBigInt, parseIp, parseIpSpec, type IpSpec, type ParsedIp } from '../ip';
import { HostMatcher } from './matcher';
import { normalizeHeaderName } from './names';
import { PROVIDER_HOSTS, PROVIDER_RANGES, type ProviderHostPattern, type ProviderRange } from './providers';
import { VENDORS, type VendorRecord, type Weight } from './vendors';

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

/** An address as a number, to compare with the compiled ranges. */
export function ipValue(ip: string | ParsedIp): { p: ParsedIp; v: bigint } | undefined {
  const p = typeof ip === 'string' ? parseIp(ip) : ip;
  return p ? { p, v: ipToBigInt(p.addr) } : undefined;
}

export const providerRanges: Array<{ entry: ProviderRange; spec: IpSpec }> = [];
for (const entry of PROVIDER_RANGES) {
  const spec = compileRange(entry.range, `provider ${entry.provider}`);
  if (spec) providerRanges.push({ entry, spec });
}

export const providerHosts = new HostMatcher<ProviderHostPattern>();
for (const entry of PROVIDER_HOSTS) {
  if (!providerHosts.add(entry.pattern, entry)) KB_PROBLEMS.push(`provider ${entry.provider}: bad host pattern ${entry.pattern}`);
}

export interface VendorItem {
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

export const vendorIndex = new Map<string, { vendor: VendorRecord; order: number }>();
export const vendorHosts = new HostMatcher<VendorItem>();
export const vendorAuthserv = new HostMatcher<VendorItem>();
export const vendorArc = new HostMatcher<VendorItem>();
export const vendorDkim = new HostMatcher<VendorItem>();
export const vendorUrls = new HostMatcher<VendorItem>();
export const headerExact = new Map<string, Array<VendorItem & { name: string }>>();
export const headerPrefixes: Array<VendorItem & { name: string; prefix: string }> = [];
export const vendorRanges: Array<VendorItem & { range: string; status: 'published' | 'observed'; spec: IpSpec }> = [];

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
