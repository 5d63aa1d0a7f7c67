/**
 * Lookups on the knowledge base (./providers.ts, ./vendors.ts): the one entry point the rest of
 * the engine imports. The work is split by concern: ./names.ts (what counts as a host or header
 * name), ./matcher.ts (host patterns), ./tables.ts (the data compiled at load),
 * ./provider-lookup.ts, ./vendor-lookup.ts and ./detect.ts (weighing a hop's signals).
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
export * from './providers';
export * from './vendors';

export { normalizeHost } from './names';
export { KB_PROBLEMS } from './tables';
export { ipInfo, lookupProviderByHost, lookupProviderByIp, providerRangesForIp, type ProviderHostMatch, type ProviderIpMatch } from './provider-lookup';
export {
  listVendors,
  vendorByArcSealer,
  vendorByAuthservId,
  vendorByDkimDomain,
  vendorByHeaderName,
  vendorByHost,
  vendorByIp,
  vendorByUrlHost,
  vendorInfo,
  vendorsByHeaderName,
  type ArcSealerHit,
  type VendorHit,
  type VendorIpHit,
} from './vendor-lookup';
export { classifyHostOperator, detectVendor, detectVendors, type VendorSignals } from './detect';
