/**
 * The options every fix generator reads: what the user stated (connector names, extra addresses,
 * cloud, certificate name) on top of the analysis options. Kept apart from the generator registry
 * (index.ts) so generators depend on this contract only.
 */
import type { AnalyzeOptions, Cloud } from '../types';

// Knowledge-base port (tests may replace parts of it)

export interface PublishedRange {
  range: string;
  source: string;
  asOf: string;
  /** The vendor page that lists it (a document in ./sources.ts). */
  url?: string;
}

export interface RemedyKb {
  /** The provider network (Microsoft 365 / Google) an IP belongs to. */
  lookupProviderByIp(ip: string): { id: string; name: string; range: string; source: string } | undefined;
  /** Every provider range (for overlap checks of ranges). */
  providerRanges(): ReadonlyArray<{ range: string; provider: string; source: string }>;
  vendorName(id: string): string | undefined;
  /** Ranges the vendor publishes (never the ones only observed in samples). */
  vendorPublishedRanges(id: string): PublishedRange[];
  /** DNS names where the vendor publishes its sending addresses, with the page that names them. */
  vendorDnsPublications(id: string): Array<{ name: string; kind: 'spf' | 'a'; url: string }>;
  /** Ranges only observed in samples (named in caveats, never used). */
  vendorObservedRanges(id: string): PublishedRange[];
  vendorArcSealers(id: string): Array<{ domain: string; verified: boolean; source: string }>;
  vendorSpamHeader(id: string): { header: string; regexp: string; numeric: boolean; threshold?: string; source: string; verified: boolean; note?: string } | undefined;
  /** The vendor host pattern a host name matches, e.g. "*.pphosted.com". */
  vendorHostPattern(host: string): { id: string; pattern: string; weight: string } | undefined;
  vendorByArcSealer(domain: string): { id: string; name: string; matched: string; verified: boolean; source: string } | undefined;
}

export interface RemedyOptions extends AnalyzeOptions {
  /** Existing inbound connector for the Enhanced Filtering scripts (default "<your inbound connector>"). */
  connectorName?: string;
  /** Name for connectors the scripts create (lock-down, device relay). */
  newConnectorName?: string;
  /** Extra EFSkipIPs entries: single addresses, a-b ranges or CIDR blocks. */
  efSkipIps?: string[];
  /** Merge adjacent/overlapping EFSkipIPs entries into ranges (default false: one entry per address). */
  mergeRanges?: boolean;
  /**
   * Add the gateway vendor's published ranges from the knowledge base (with their source) to the
   * EFSkipIPs and lock-down lists when the gateway is confirmed as the recipient's (default true).
   */
  useVendorRanges?: boolean;
  /** EFUsers for the pilot (default: the message's recipients). */
  pilotUsers?: string[];
  /** Gateway addresses for the lock-down connector and the Gmail inbound gateway. */
  gatewayIps?: string[];
  /** TlsSenderCertificateName for the certificate lock-down (e.g. "*.gateway.example"), as the vendor states it. */
  certificateName?: string;
  /** TlsSenderCertificateName of the organisation's own relay server, for the certificate-based device relay connector. */
  relayCertificateName?: string;
  /** The Microsoft cloud of the tenant (else: from the receiver's host names; else worldwide). */
  cloud?: Cloud;
  /** The tenant's MX host (default: "<domain-with-dashes>.mail.protection.outlook.com"). */
  mxHost?: string;
  /** The sending domain's current SPF record (else: TXT answers recorded by verification). */
  currentSpf?: string;
  /** The device/application's public IP (else: the address that connected to Microsoft 365). */
  deviceIp?: string;
  /** ARC sealer domains the user vouches for, besides gateway sealers seen in the message. */
  trustedSealers?: string[];
  /** Names of the SCL -1 mail flow rules to disable. */
  sclRuleNames?: string[];
  /** Test hook: replace parts of the knowledge-base port. */
  kb?: Partial<RemedyKb>;
}
