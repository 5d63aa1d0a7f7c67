// The knowledge-base port of the generators: what they read from the knowledge base, in one object tests may replace parts of.
import * as kb from '../net/kb';
import type { RemedyKb } from './options';

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
