/** Lookups on the provider networks (Microsoft 365, Google): which provider an IP or host name belongs to. */
import type { IpInfo } from '../../types';
import { classifyIp, parseIp } from '../ip';
import { normalizeHost } from './names';
import { PROVIDER_NAMES, type ProviderHostPattern, type ProviderId, type ProviderRange } from './providers';
import { ipValue, providerHosts, providerRanges } from './tables';
import { vendorByIp } from './vendor-lookup';

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
