/**
 * Knowledge base, part 1: Microsoft 365 / Exchange Online Protection and Google mail networks and
 * host names. Data only; the lookups live in ./index.ts.
 *
 * Every entry names its source (a public document by title and address, or the kind of real
 * message it was seen in; users see it in hovers) and `asOf`, the date of the source revision when
 * the source states one (endpoint list 2026-08-14, GCC High and DoD endpoint lists 2026-03-31, MISP
 * copy of Google's list 2026-04-28), otherwise the date the reference notes were compiled
 * (2026-08-21, the newest snapshot they cite).
 *
 * `cloud` marks the names and ranges of Microsoft's sovereign clouds (U.S. Government GCC High and
 * DoD, and Microsoft 365 operated by 21Vianet): the facts step reads the receiver's cloud from them
 * (SPF include and MX host names differ per cloud).
 *
 * Host patterns: `name.example` matches exactly that name; `*.name.example` matches any name below
 * it (one or more labels), never `name.example` itself. Matching is on whole labels only.
 */

export type ProviderId = 'microsoft365' | 'google';

/** A Microsoft cloud other than the worldwide one. */
export type SovereignCloud = 'gcc-high' | 'dod' | '21vianet';

export const PROVIDER_NAMES: Readonly<Record<ProviderId, string>> = {
  microsoft365: 'Microsoft 365 (Exchange Online)',
  google: 'Google (Gmail / Google Workspace)',
};

/**
 * Which list a range comes from. Consumers pick the lists they need; e.g. the EFSkipIPs sanity check
 * uses every Microsoft list, an SPF what-if uses only 'spf'.
 *  - endpoint-set: Microsoft's published mail-flow endpoint sets (IDs 9 and 10)
 *  - client-access: Microsoft's client access endpoint sets (IDs 1 and 2): submission, not the MX path
 *  - spf:          what the provider publishes in its SPF record today
 *  - legacy-spf:   what the provider's SPF record published before its current form
 *  - relay-pool:   Microsoft's relay/forwarding pool (secondary source)
 *  - internal:     provider datacenter addresses seen only on internal hops in Received fields
 */
export type RangeList = 'endpoint-set' | 'spf' | 'legacy-spf' | 'relay-pool' | 'client-access' | 'internal';

export interface ProviderRange {
  range: string;
  provider: ProviderId;
  purpose: string;
  list: RangeList;
  /** True when the fact comes from a secondary source (quoted by a third party). */
  secondary?: boolean;
  /** Only for a sovereign cloud's ranges. */
  cloud?: SovereignCloud;
  source: string;
  asOf: string;
}

export interface ProviderHostPattern {
  pattern: string;
  provider: ProviderId;
  purpose: string;
  /**
   * Only for a sovereign cloud's names. GCC High and DoD share the office365.us names, so those
   * say 'gcc-high' (their SPF include and MX host are the same); only apps.mil names say 'dod'.
   */
  cloud?: SovereignCloud;
  source: string;
  asOf: string;
}

const COMPILED = '2026-08-21';

const EP = 'Microsoft 365 URLs and IP address ranges (Microsoft Learn): https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges';
const EP_DATE = '2026-08-14';
const MS_SPF = 'the TXT record of spf.protection.outlook.com, as public DNS lookup tools showed it in 2025-2026';
const MS_RELAY = "Microsoft's high-risk delivery pool description as quoted in a Mimecast knowledge-base article (secondary source; not found in Microsoft's own documentation)";
const MS_SAMPLE = 'Received fields of real messages in public mailing-list archives';
const G_IP = "Google's mail server IP ranges (Google Workspace Admin Help): https://support.google.com/a/answer/27642, as copied in the MISP warning list google-gmail-sending-ips v20260428 (_spf.google.com)";
const G_IP_DATE = '2026-04-28';
const G_LEGACY = "Google's earlier SPF record: _spf.google.com included _netblocks, _netblocks2 and _netblocks3.google.com";
const G_SAMPLE = 'Gmail-stamped headers of real messages in public mailing-list archives';

const GCCH = 'Microsoft 365 U.S. Government GCC High endpoints (Microsoft Learn): https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-u-s-government-gcc-high-endpoints';
const DOD = 'Microsoft 365 U.S. Government DoD endpoints (Microsoft Learn): https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-u-s-government-dod-endpoints';
const GOV_DATE = '2026-03-31';
const VIANET =
  'URLs and IP address ranges for Office 365 operated by 21Vianet (Microsoft Learn): https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges-21vianet';
const VIANET_DATE = '2021-05-16';
const GOV_SAMPLE = 'Received fields of a real GCC High message in a public mailing-list archive (2020-09-16)';

function ms(range: string, purpose: string, list: RangeList, source: string, asOf: string, secondary?: boolean): ProviderRange {
  const r: ProviderRange = { range, provider: 'microsoft365', purpose, list, source, asOf };
  if (secondary) r.secondary = true;
  return r;
}

function gov(range: string, purpose: string, list: RangeList, cloud: 'gcc-high' | 'dod', source: string): ProviderRange {
  return { range, provider: 'microsoft365', purpose, list, cloud, source, asOf: GOV_DATE };
}

function g(range: string, purpose: string, list: RangeList, source: string, asOf: string): ProviderRange {
  return { range, provider: 'google', purpose, list, source, asOf };
}

const EOP_MAIL = 'Exchange Online Protection mail flow (endpoint sets 9 and 10, TCP 25)';
const EOP_SPF = 'Exchange Online Protection sending range (published in SPF)';
const MS_CLIENT = 'Exchange Online client access / SMTP submission (endpoint sets 1 and 2), not the MX path';
const MS_INTERNAL = 'Microsoft datacenter (internal hop)';
const GOV_EOP = 'Exchange Online Protection mail flow, U.S. Government cloud (endpoint set 6, TCP 25)';
const GOV_CLIENT = 'Exchange Online, U.S. Government cloud (endpoint set 1), not the MX path';
const G_CURRENT = 'Google mail servers (current _spf.google.com)';
const G_OLD = 'Google mail servers (legacy _netblocks, pre-2025 SPF)';

/**
 * Ordered by priority: the first matching entry is what a lookup reports (the endpoint sets before
 * the SPF split, current Google SPF before the legacy netblocks).
 */
export const PROVIDER_RANGES: readonly ProviderRange[] = [
  // Microsoft: endpoint sets 9/10 (mail flow)
  ms('40.92.0.0/15', EOP_MAIL, 'endpoint-set', `${EP} (endpoint sets 9 and 10)`, EP_DATE),
  ms('40.107.0.0/16', EOP_MAIL, 'endpoint-set', `${EP} (endpoint sets 9 and 10)`, EP_DATE),
  ms('52.100.0.0/14', EOP_MAIL, 'endpoint-set', `${EP} (endpoint sets 9 and 10)`, EP_DATE),
  ms('104.47.0.0/17', EOP_MAIL, 'endpoint-set', `${EP} (endpoint sets 9 and 10)`, EP_DATE),
  ms('52.238.78.88/32', 'Exchange Online Protection (endpoint set 9, HTTPS only)', 'endpoint-set', `${EP} (endpoint set 9)`, EP_DATE),
  ms('2a01:111:f400::/48', EOP_MAIL, 'endpoint-set', `${EP} (endpoint sets 9 and 10)`, EP_DATE),
  ms('2a01:111:f403::/48', EOP_MAIL, 'endpoint-set', `${EP} (endpoint sets 9 and 10)`, EP_DATE),
  // Microsoft: the split published in spf.protection.outlook.com (all inside the endpoint sets;
  // 52.103.128.0/17 is in the endpoint list but not in SPF)
  ms('40.92.0.0/15', EOP_SPF, 'spf', MS_SPF, COMPILED),
  ms('40.107.0.0/16', EOP_SPF, 'spf', MS_SPF, COMPILED),
  ms('52.100.0.0/15', EOP_SPF, 'spf', MS_SPF, COMPILED),
  ms('52.102.0.0/16', EOP_SPF, 'spf', MS_SPF, COMPILED),
  ms('52.103.0.0/17', EOP_SPF, 'spf', MS_SPF, COMPILED),
  ms('104.47.0.0/17', EOP_SPF, 'spf', MS_SPF, COMPILED),
  ms('2a01:111:f400::/48', EOP_SPF, 'spf', MS_SPF, COMPILED),
  ms('2a01:111:f403::/49', EOP_SPF, 'spf', MS_SPF, COMPILED),
  ms('2a01:111:f403:8000::/51', EOP_SPF, 'spf', MS_SPF, COMPILED),
  ms('2a01:111:f403:c000::/51', EOP_SPF, 'spf', MS_SPF, COMPILED),
  ms('2a01:111:f403:f000::/52', EOP_SPF, 'spf', MS_SPF, COMPILED),
  // Microsoft: relay / forwarding pool
  ms(
    '40.95.0.0/16',
    'Microsoft 365 relay/forwarding pool (mail relayed or forwarded out of Microsoft 365 that fails accepted-domain/SPF/DKIM conditions)',
    'relay-pool',
    MS_RELAY,
    COMPILED,
    true,
  ),
  // Microsoft: client access (endpoint sets 1/2; the IPv6 list here is partial)
  ms('13.107.6.152/31', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2)`, EP_DATE),
  ms('13.107.18.10/31', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2)`, EP_DATE),
  ms('13.107.128.0/22', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2)`, EP_DATE),
  ms('23.103.160.0/20', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2)`, EP_DATE),
  ms('40.96.0.0/13', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2)`, EP_DATE),
  ms('40.104.0.0/15', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2)`, EP_DATE),
  ms('52.96.0.0/14', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2)`, EP_DATE),
  ms('131.253.33.215/32', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2)`, EP_DATE),
  ms('132.245.0.0/16', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2)`, EP_DATE),
  ms('150.171.32.0/22', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2)`, EP_DATE),
  ms('204.79.197.215/32', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2)`, EP_DATE),
  ms('2603:1006::/40', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2; partial IPv6 list)`, EP_DATE),
  ms('2603:1016::/36', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2; partial IPv6 list)`, EP_DATE),
  ms('2603:1026::/36', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2; partial IPv6 list)`, EP_DATE),
  ms('2603:1036::/36', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2; partial IPv6 list)`, EP_DATE),
  ms('2603:1046::/36', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2; partial IPv6 list)`, EP_DATE),
  ms('2603:1056::/36', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2; partial IPv6 list)`, EP_DATE),
  ms('2620:1ec:4::152/128', MS_CLIENT, 'client-access', `${EP} (endpoint sets 1 and 2; partial IPv6 list)`, EP_DATE),
  // Microsoft: Azure IPv6 of mailbox/hub servers, seen between *.PROD.OUTLOOK.COM hosts (not in EOP lists)
  ms('2603:10a6::/32', MS_INTERNAL, 'internal', MS_SAMPLE, COMPILED),
  ms('2603:10b6::/32', MS_INTERNAL, 'internal', MS_SAMPLE, COMPILED),

  // Microsoft 365 U.S. Government GCC High: endpoint set 6 (*.protection.office365.us, TCP 25) and set 1
  ...['23.103.191.0/24', '23.103.199.128/25', '23.103.208.0/22', '52.227.182.149/32', '52.238.74.212/32', '52.244.65.13/32', '62.10.128.0/20'].map((r) =>
    gov(r, GOV_EOP, 'endpoint-set', 'gcc-high', `${GCCH} (endpoint set 6)`),
  ),
  ...['2001:489a:2202:4::/62', '2001:489a:2202:c::/62', '2001:489a:2202:2000::/63', '2001:489a:2202:8000::/50'].map((r) =>
    gov(r, GOV_EOP, 'endpoint-set', 'gcc-high', `${GCCH} (endpoint set 6)`),
  ),
  ...['20.35.208.0/20', '20.35.240.0/21', '40.66.16.0/21', '2001:489a:2200:100::/56', '2001:489a:2200:400::/56', '2001:489a:2200:600::/56', '2001:489a:2200:8000::/50'].map(
    (r) => gov(r, GOV_CLIENT, 'client-access', 'gcc-high', `${GCCH} (endpoint set 1)`),
  ),
  // Microsoft 365 U.S. Government DoD: endpoint set 6 (*.protection.apps.mil, *.protection.office365.us) and set 1
  ...['23.103.199.0/25', '23.103.204.0/22', '62.10.144.0/20', '2001:489a:2202::/62', '2001:489a:2202:8::/62', '2001:489a:2202:c000::/50'].map((r) =>
    gov(r, GOV_EOP, 'endpoint-set', 'dod', `${DOD} (endpoint set 6)`),
  ),
  ...['20.35.192.0/20', '40.66.24.0/21', '2001:489a:2200:500::/56', '2001:489a:2200:700::/56', '2001:489a:2200:c000::/50'].map((r) =>
    gov(r, GOV_CLIENT, 'client-access', 'dod', `${DOD} (endpoint set 1)`),
  ),

  // Google: current _spf.google.com
  g('74.125.0.0/16', G_CURRENT, 'spf', G_IP, G_IP_DATE),
  g('209.85.128.0/17', G_CURRENT, 'spf', G_IP, G_IP_DATE),
  g('2001:4860:4864::/56', G_CURRENT, 'spf', G_IP, G_IP_DATE),
  g('2404:6800:4864::/56', G_CURRENT, 'spf', G_IP, G_IP_DATE),
  g('2607:f8b0:4864::/56', G_CURRENT, 'spf', G_IP, G_IP_DATE),
  g('2800:3f0:4864::/56', G_CURRENT, 'spf', G_IP, G_IP_DATE),
  g('2a00:1450:4864::/56', G_CURRENT, 'spf', G_IP, G_IP_DATE),
  g('2c0f:fb50:4864::/56', G_CURRENT, 'spf', G_IP, G_IP_DATE),
  // Google: legacy _netblocks.google.com
  g('35.190.247.0/24', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks`, COMPILED),
  g('64.233.160.0/19', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks`, COMPILED),
  g('66.102.0.0/20', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks`, COMPILED),
  g('66.249.80.0/20', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks`, COMPILED),
  g('72.14.192.0/18', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks`, COMPILED),
  g('74.125.0.0/16', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks`, COMPILED),
  g('108.177.8.0/21', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks`, COMPILED),
  g('173.194.0.0/16', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks`, COMPILED),
  g('209.85.128.0/17', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks`, COMPILED),
  g('216.58.192.0/19', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks`, COMPILED),
  g('216.239.32.0/19', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks`, COMPILED),
  // Google: legacy _netblocks2.google.com
  g('2001:4860:4000::/36', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks2`, COMPILED),
  g('2404:6800:4000::/36', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks2`, COMPILED),
  g('2607:f8b0:4000::/36', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks2`, COMPILED),
  g('2800:3f0:4000::/36', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks2`, COMPILED),
  g('2a00:1450:4000::/36', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks2`, COMPILED),
  g('2c0f:fb50:4000::/36', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks2`, COMPILED),
  // Google: legacy _netblocks3.google.com
  g('172.217.0.0/19', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks3`, COMPILED),
  g('172.217.32.0/20', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks3`, COMPILED),
  g('172.217.128.0/19', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks3`, COMPILED),
  g('172.217.160.0/20', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks3`, COMPILED),
  g('172.217.192.0/19', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks3`, COMPILED),
  g('172.253.56.0/21', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks3`, COMPILED),
  g('172.253.112.0/20', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks3`, COMPILED),
  g('108.177.96.0/19', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks3`, COMPILED),
  g('35.191.0.0/16', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks3`, COMPILED),
  g('130.211.0.0/22', G_OLD, 'legacy-spf', `${G_LEGACY} _netblocks3`, COMPILED),
];

export const PROVIDER_HOSTS: readonly ProviderHostPattern[] = [
  // Microsoft
  {
    pattern: '*.mail.protection.outlook.com',
    provider: 'microsoft365',
    purpose: 'Exchange Online Protection inbound: customer MX and EOP front ends',
    source: `${EP} (endpoint set 10); Manage mail flow using a third-party cloud service with Exchange Online (Microsoft Learn); ${MS_SAMPLE}`,
    asOf: EP_DATE,
  },
  {
    pattern: '*.mx.microsoft',
    provider: 'microsoft365',
    purpose: 'Exchange Online inbound MX, DNSSEC-capable namespace',
    source: `${EP} (endpoint set 10); ${MS_SAMPLE}`,
    asOf: EP_DATE,
  },
  {
    pattern: '*.outbound.protection.outlook.com',
    provider: 'microsoft365',
    purpose: 'Exchange Online Protection outbound to the internet',
    source: MS_SAMPLE,
    asOf: COMPILED,
  },
  {
    pattern: '*.prod.protection.outlook.com',
    provider: 'microsoft365',
    purpose: 'Exchange Online Protection front end (older *.eop-<region>.prod.protection.outlook.com naming)',
    source: MS_SAMPLE,
    asOf: COMPILED,
  },
  {
    pattern: '*.protection.outlook.com',
    provider: 'microsoft365',
    purpose: 'Exchange Online Protection',
    source: `${EP} (endpoint set 9)`,
    asOf: EP_DATE,
  },
  {
    pattern: '*.prod.outlook.com',
    provider: 'microsoft365',
    purpose: 'Exchange Online mailbox/hub server (internal hop)',
    source: MS_SAMPLE,
    asOf: COMPILED,
  },
  // the sovereign clouds' names (21Vianet, U.S. Government) are listed below with their cloud
  {
    pattern: '*.prod.exchangelabs.com',
    provider: 'microsoft365',
    purpose: 'Exchange Online mailbox/hub server, older naming (internal hop)',
    source: 'Received fields of Exchange Online deliveries in public phishing and mailing-list collections (by and from *.<region>.prod.exchangelabs.com)',
    asOf: '2026-12-07',
  },
  {
    pattern: '*.outlook.office365.com',
    provider: 'microsoft365',
    purpose: 'Exchange Online server (internal hop)',
    source: MS_SAMPLE,
    asOf: COMPILED,
  },
  {
    pattern: 'outlook.office365.com',
    provider: 'microsoft365',
    purpose: 'Exchange Online client access endpoint',
    source: `${EP} (endpoint sets 1 and 2)`,
    asOf: EP_DATE,
  },
  {
    pattern: 'smtp.office365.com',
    provider: 'microsoft365',
    purpose: 'Exchange Online SMTP client submission endpoint',
    source: `${EP} (endpoint sets 1 and 2)`,
    asOf: EP_DATE,
  },
  // Microsoft sovereign clouds
  {
    pattern: '*.protection.office365.us',
    provider: 'microsoft365',
    purpose: 'Exchange Online Protection, U.S. Government cloud (GCC High and DoD; customer MX <tenant>.mail.protection.office365.us)',
    cloud: 'gcc-high',
    source: `${GCCH} (endpoint set 6); ${DOD} (endpoint set 6)`,
    asOf: GOV_DATE,
  },
  {
    pattern: '*.usgovcloud-mx.microsoft',
    provider: 'microsoft365',
    purpose: 'Exchange Online Protection, U.S. Government cloud (GCC High and DoD)',
    cloud: 'gcc-high',
    source: `${GCCH} (endpoint set 6); ${DOD} (endpoint set 6)`,
    asOf: GOV_DATE,
  },
  {
    pattern: '*.office365.us',
    provider: 'microsoft365',
    purpose: 'Microsoft 365 U.S. Government cloud server (GCC High and DoD; internal hops)',
    cloud: 'gcc-high',
    source: `${GCCH} (endpoint set 23); ${GOV_SAMPLE}`,
    asOf: GOV_DATE,
  },
  {
    pattern: '*.protection.apps.mil',
    provider: 'microsoft365',
    purpose: 'Exchange Online Protection, U.S. Government DoD',
    cloud: 'dod',
    source: `${DOD} (endpoint set 6)`,
    asOf: GOV_DATE,
  },
  {
    pattern: '*.partner.outlook.cn',
    provider: 'microsoft365',
    purpose: 'Exchange Online operated by 21Vianet (customer MX <domain-key>.mail.protection.partner.outlook.cn)',
    cloud: '21vianet',
    source: VIANET,
    asOf: VIANET_DATE,
  },
  // Google
  {
    pattern: 'mx.google.com',
    provider: 'google',
    purpose: 'Gmail inbound (by-host and authserv-id of Gmail verdicts)',
    source: G_SAMPLE,
    asOf: COMPILED,
  },
  {
    pattern: 'gmr-mx.google.com',
    provider: 'google',
    purpose: 'Google Groups inbound (authserv-id of Groups verdicts)',
    source: G_SAMPLE,
    asOf: COMPILED,
  },
  {
    pattern: '*.google.com',
    provider: 'google',
    purpose: 'Google mail server',
    source: G_SAMPLE,
    asOf: COMPILED,
  },
  {
    pattern: '*.googlemail.com',
    provider: 'google',
    purpose: 'Google mail server',
    source: G_SAMPLE,
    asOf: COMPILED,
  },
  {
    pattern: '*.1e100.net',
    provider: 'google',
    purpose: 'Google infrastructure reverse DNS (also the X-Google-DKIM-Signature d=)',
    source: G_SAMPLE,
    asOf: COMPILED,
  },
];
