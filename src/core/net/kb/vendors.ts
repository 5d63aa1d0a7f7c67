/**
 * Knowledge base, part 2: filtering gateways and other mail-security vendors that show up in front
 * of Microsoft 365 and Gmail. Data only; the lookups live in ./vendor-lookup.ts and ./detect.ts.
 * One file on purpose: it is a table with one record per vendor, and a vendor's whole record (hosts,
 * headers, sealers, ranges, published DNS names, sources) should read in one place.
 *
 * Rules for this file:
 *  - Every fact carries `source` (a public document by title and address, or the kind of real
 *    message it was seen in; users read it in hovers and fixes), `asOf` and `verified`.
 *    `verified: false` marks what no vendor document or real message confirms, or what only an
 *    AI-assisted document states; such facts still match, and the match says so.
 *  - An IP range is `published` only when the vendor's own documentation lists it (`url` names the
 *    page); a range only seen in real messages is `observed`: it supports other evidence but never
 *    points at a vendor by itself, and no fix uses it. `dnsPublished` names DNS records where the
 *    vendor's documentation says it publishes its sending addresses (looked up only with DNS on).
 *  - Header fingerprints carry a weight: `strong` for names only that vendor writes; `weak` where
 *    the attribution is disputed between vendors; `supporting` for generic names that several
 *    products use (they only count next to another signal for the same vendor).
 *  - Host patterns: `name.example` = exactly that name; `*.name.example` = any name below it;
 *    `pre*suf.name.example` = one label starting with `pre` and ending with `suf` directly below.
 *
 * `asOf`: the source revision date when known, otherwise the date the reference notes were
 * compiled (2026-08-21) or the vendor page was read.
 */

export type Weight = 'strong' | 'weak' | 'supporting';

export interface Sourced {
  source: string;
  asOf: string;
  verified: boolean;
  note?: string;
}

export interface VendorHostPattern extends Sourced {
  pattern: string;
}

export interface VendorHeaderFingerprint extends Sourced {
  /** Field name as vendors write it; compared case-insensitively. */
  name: string;
  match: 'exact' | 'prefix';
  weight: Weight;
}

export interface VendorArcSealer extends Sourced {
  /** The d= of the vendor's ARC-Seal (what Set-ArcConfig -ArcTrustedSealers needs). */
  domain: string;
  selector?: string;
  /** doc: in Microsoft's example list of sealers; seen: ARC headers from the vendor in real messages. */
  evidence: 'doc' | 'seen';
}

export interface VendorIpRange extends Sourced {
  range: string;
  /** published: the vendor publishes it; observed: only seen in real messages (never proof on its own). */
  status: 'published' | 'observed';
  /** For published ranges: the vendor's page that lists it (fixes cite it by its title and address). */
  url?: string;
}

/**
 * A DNS name where the vendor publishes the addresses its mail servers send from: an SPF record
 * (expanded through its includes) or a host name an SPF record names with `a:`. Looked up only when
 * DNS is allowed; fixes use the result only when it covers the address the gateway delivered from.
 */
export interface VendorDnsPublication extends Sourced {
  name: string;
  kind: 'spf' | 'a';
  /** The region(s) the name covers, as the vendor names them. */
  region: string;
  /** The vendor's page that names it (fixes cite it by its title and address). */
  url: string;
}

export interface VendorUrlRewrite extends Sourced {
  pattern: string;
  example?: string;
}

export type ModificationKind =
  | 'banner'
  | 'url-rewrite'
  | 'subject-tag'
  | 'footer'
  | 'dkim-resign'
  | 'attachment-rewrite'
  | 'reinjection';

export interface VendorModification extends Sourced {
  kind: ModificationKind;
}

/**
 * For Gmail's Inbound gateway "Message is considered spam if the following header regexp matches".
 * Gmail evaluates RE2 syntax against "Name: value"; these are suggestions, not vendor documentation.
 */
export interface SpamHeaderSuggestion extends Sourced {
  header: string;
  regexp: string;
  /** true: the regexp captures a number and Gmail compares it with a threshold. */
  numeric: boolean;
  threshold?: string;
}

export type VendorCategory = 'gateway' | 'api' | 'filter-engine';

export interface VendorRecord {
  id: string;
  name: string;
  category: VendorCategory;
  /** rDNS / Received by-host / MX names. */
  hosts: VendorHostPattern[];
  headers: VendorHeaderFingerprint[];
  /** authserv-ids the vendor writes in (ARC-)Authentication-Results. */
  authservIds: VendorHostPattern[];
  arcSealers: VendorArcSealer[];
  /** DKIM d= domains the vendor signs with on its own behalf. */
  dkimDomains: VendorHostPattern[];
  ipRanges: VendorIpRange[];
  /** DNS names where the vendor publishes its sending addresses (see VendorDnsPublication). */
  dnsPublished: VendorDnsPublication[];
  urlRewrites: VendorUrlRewrite[];
  modifications: VendorModification[];
  /** SPF include: mechanisms customers publish for the vendor (examples, with placeholders). */
  spfIncludes: Array<Sourced & { example: string }>;
  spamHeader?: SpamHeaderSuggestion;
  notes: string[];
  source: string;
  asOf: string;
}

const COMPILED = '2026-08-21';
const READ = '2026-12-07';
const ARC_DOC_DATE = '2026-07-03';
const SAMPLE = 'Real message headers in public mailing-list archives';
const DSH =
  'Vendor header-prefix table of decode-spam-headers (mgeeky, GitHub): https://github.com/mgeeky/decode-spam-headers';
const ARC_DOC =
  'Configure trusted ARC sealers (Microsoft Learn), revision of 2026-07-03 marked as AI-assisted: https://learn.microsoft.com/defender-office-365/email-authentication-arc-configure';
const UNVERIFIED = 'Community descriptions of the vendor; not confirmed in real messages or vendor documentation';
const SUGGESTION =
  "Set up an inbound mail gateway (Google Workspace Admin Help): https://support.google.com/a/answer/60730 (message tagging); the regexp is Mail Flow Lens's suggestion from the header format seen in real messages";
const NO_ARC_SEEN = 'No ARC seal from this vendor seen in real messages';
const CF_MX =
  'Deploy and configure Microsoft Office 365 with Email security (formerly Area 1) as the MX Record (Cloudflare Docs): https://developers.cloudflare.com/email-security/deployment/inline/setup/office-365-area1-mx/';
const CF_EGRESS_URL = 'https://developers.cloudflare.com/cloudflare-one/email-security/setup/pre-delivery-deployment/egress-ips/';
const CF_EGRESS = `Egress IPs (Cloudflare Email Security documentation, last updated 2026-04-17): ${CF_EGRESS_URL}`;
const CF_EGRESS_DATE = '2026-04-17';
const MC_SPF_URL = 'https://community.mimecast.com/docs/DOC-2010';
const SOPHOS_SPF_URL =
  'https://docs.sophos.com/central/customer/help/de-de/ManageYourProducts/EmailSecurity/SophosGateway/ExternalServices/OutboundM365/updatingspf/index.html';

function dnsPub(name: string, kind: VendorDnsPublication['kind'], region: string, url: string, source: string): VendorDnsPublication {
  return { name, kind, region, url, source: `${source}: ${url}`, asOf: READ, verified: true };
}

const TM_CAS =
  'Connectors and Transport Rule on Exchange Online (Trend Micro Cloud App Security online help): https://docs.trendmicro.com/en-us/enterprise/cloud-app-security-online-help/administration/global-settings/configuring-inline-p/configuring-outbound/connectors-and-trans.aspx';

/** A range the vendor publishes on the page at `url` (fixes may use it; matches are identity evidence only). */
function published(range: string, source: string, url: string, asOf: string): VendorIpRange {
  return { range, status: 'published', source, url, asOf, verified: true };
}

function host(pattern: string, source = SAMPLE, verified = true, note?: string): VendorHostPattern {
  const h: VendorHostPattern = { pattern, source, asOf: COMPILED, verified };
  if (note) h.note = note;
  return h;
}

function hdr(
  name: string,
  match: 'exact' | 'prefix',
  weight: Weight = 'strong',
  source = SAMPLE,
  verified = true,
  note?: string,
): VendorHeaderFingerprint {
  const h: VendorHeaderFingerprint = { name, match, weight, source, asOf: COMPILED, verified };
  if (note) h.note = note;
  return h;
}

function arcDoc(domain: string, selector: string): VendorArcSealer {
  return {
    domain,
    selector,
    evidence: 'doc',
    source: ARC_DOC,
    asOf: ARC_DOC_DATE,
    verified: false,
    note: "From Microsoft's example list in a revision marked as AI-assisted; confirm against the ARC-Seal d= in the message",
  };
}

function mod(kind: ModificationKind, note: string, verified = true, source = SAMPLE): VendorModification {
  return { kind, note, verified, source, asOf: COMPILED };
}

function url(pattern: string, verified: boolean, example?: string): VendorUrlRewrite {
  const u: VendorUrlRewrite = { pattern, verified, source: verified ? SAMPLE : UNVERIFIED, asOf: COMPILED };
  if (example) u.example = example;
  return u;
}

function vendor(
  v: Pick<VendorRecord, 'id' | 'name' | 'category'> & Partial<Omit<VendorRecord, 'id' | 'name' | 'category'>>,
): VendorRecord {
  return {
    hosts: [],
    headers: [],
    authservIds: [],
    arcSealers: [],
    dkimDomains: [],
    ipRanges: [],
    dnsPublished: [],
    urlRewrites: [],
    modifications: [],
    spfIncludes: [],
    notes: [],
    source: SAMPLE,
    asOf: COMPILED,
    ...v,
  };
}

/** Ordered: when two records claim the same fact, the first one is what single lookups report. */
export const VENDORS: readonly VendorRecord[] = [
  vendor({
    id: 'proofpoint',
    name: 'Proofpoint (PPS / Enterprise, hosted)',
    category: 'gateway',
    hosts: [
      host('*.pphosted.com', SAMPLE, true, 'MX mx0a-XXXXXXXX.pphosted.com / mx0b-…, *.gslb.pphosted.com'),
      host('*.ppops.net', SAMPLE, true, 'internal filter hop: from pps.filterd (mNNNNNNN.ppops.net [127.0.0.1])'),
    ],
    headers: [
      hdr('X-Proofpoint-', 'prefix', 'strong', SAMPLE, true, 'X-Proofpoint-Spam-Details, -Virus-Version, -GUID, -ORIG-GUID, -Spam-Details-Enc'),
      hdr('X-Authority-Analysis', 'exact', 'supporting'),
    ],
    authservIds: [
      host('ppops.net', SAMPLE, true, 'EOP renames its Authentication-Results to Authentication-Results-Original'),
      host('*.ppops.net'),
    ],
    arcSealers: [arcDoc('pphosted.com', 'arcselector')],
    ipRanges: [
      {
        range: '148.163.0.0/16',
        status: 'observed',
        source: `${SAMPLE}: Proofpoint deliveries from 148.163.x.x (for example CIP:148.163.138.245, PTR mx0b-00498f04.pphosted.com)`,
        asOf: COMPILED,
        verified: false,
        note: 'Seen in real messages, not a published range; never proof on its own',
      },
    ],
    urlRewrites: [
      url('urldefense.com', true, 'https://urldefense.com/v3/__…__;…!!…$'),
      url('urldefense.proofpoint.com', true, 'https://urldefense.proofpoint.com/v2/url?u=…'),
    ],
    modifications: [
      mod('url-rewrite', 'URL Defense rewrites links (breaks DKIM body hash)'),
      mod('subject-tag', 'subject/body tags'),
      mod('dkim-resign', 'may add its own DKIM signature with a customer selector (e.g. d=ford.com s=ppford)'),
    ],
    spfIncludes: [{ example: 'include:spf-XXXX.pphosted.com', source: SAMPLE, asOf: COMPILED, verified: true }],
    spamHeader: {
      header: 'X-Proofpoint-Spam-Details',
      regexp: '^X-Proofpoint-Spam-Details: rule=\\S+ policy=\\S+ score=(\\d+)',
      numeric: true,
      threshold: "the spam score threshold configured in Proofpoint's policy",
      source: SUGGESTION,
      asOf: COMPILED,
      verified: false,
      note: 'Value shape seen: "rule=notspam policy=default score=0 …"',
    },
  }),
  vendor({
    id: 'proofpoint-essentials',
    name: 'Proofpoint Essentials',
    category: 'gateway',
    hosts: [host('*.ppe-hosted.com', SAMPLE, true, 'MX mx1-us1.ppe-hosted.com style')],
    headers: [
      hdr('X-Proofpoint-', 'prefix', 'supporting', UNVERIFIED, false, 'Essentials-specific headers unverified; the prefix is reported as Proofpoint'),
    ],
    arcSealers: [{ ...arcDoc('pphosted.com', 'arcselector'), note: "Microsoft's example list names pphosted.com also for Essentials (revision marked as AI-assisted)" }],
    urlRewrites: [url('urldefense.com', true), url('urldefense.proofpoint.com', true)],
    modifications: [mod('url-rewrite', 'URL Defense, as Proofpoint Enterprise')],
  }),
  vendor({
    id: 'mimecast',
    name: 'Mimecast',
    category: 'gateway',
    hosts: [
      host('*.mimecast.com', SAMPLE, true, 'us-smtp-inbound-delivery-1.mimecast.com, us-smtp-delivery-124.mimecast.com, relay.mimecast.com'),
      host('*.mimecast-offshore.com'),
      host(
        '*.mimecast.co.za',
        "Mimecast's support site for the South Africa region (search excerpt naming za-smtp-inbound-1.mimecast.co.za; the article was not read in full)",
        false,
        'South Africa region: za-smtp-inbound-1.mimecast.co.za, za-smtp-outbound-1.mimecast.co.za',
      ),
    ],
    headers: [
      hdr('X-MC-Unique', 'exact', 'strong', SAMPLE, true, 'matches the id in the Received field'),
      hdr('X-Mimecast-', 'prefix', 'strong', SAMPLE, true, 'X-Mimecast-Spam-Score, -Originator, -MFC-PROC-ID, -Impersonation-Protect, …'),
    ],
    authservIds: [host('relay.mimecast.com', SAMPLE, true, 'A-R and ARC-Authentication-Results authserv-id')],
    dnsPublished: [dnsPub('_netblocks.mimecast.com', 'spf', 'every region', MC_SPF_URL, 'Implementing SPF for Outbound Email Delivery (Mimecast Community)')],
    arcSealers: [arcDoc('mimecast.com', 'arc-2018')],
    urlRewrites: [url('protect-*.mimecast.com', false, 'https://protect-eu.mimecast.com/s/…')],
    modifications: [
      mod('url-rewrite', 'URL Protect rewrites links', false, UNVERIFIED),
      mod('subject-tag', '[EXTERNAL]-style tags'),
      mod('banner', 'banners'),
      mod('attachment-rewrite', 'attachment sandboxing / conversion'),
    ],
    spamHeader: {
      header: 'X-Mimecast-Spam-Score',
      regexp: '^X-Mimecast-Spam-Score: (\\d+)',
      numeric: true,
      threshold: "the spam score threshold configured in Mimecast's policy",
      source: SUGGESTION,
      asOf: COMPILED,
      verified: false,
      note: 'Value shape seen: "X-Mimecast-Spam-Score: 0"',
    },
  }),
  vendor({
    id: 'barracuda',
    name: 'Barracuda Email Security Service / Email Gateway Defense',
    category: 'gateway',
    hosts: [
      host('*.ess.barracudanetworks.com', SAMPLE, true, 'MX dNNNNNNa.ess.barracudanetworks.com / …b.'),
      host('*.ess.barracuda.com', UNVERIFIED, false, 'regional naming'),
      host('*.ess.aws.cudaops.com', SAMPLE, true, 'Email Gateway Defense on AWS: mx-inboundNN-NN.<region>.ess.aws.cudaops.com (inbound), mx-outboundNN-NN.… (outbound)'),
    ],
    headers: [
      hdr('X-Barracuda-', 'prefix', 'strong', SAMPLE, true, 'X-Barracuda-Connect, -Start-Time, -Spam-Score, -Spam-Status, -Envelope-From, …'),
      hdr('X-ASG-', 'prefix', 'strong', SAMPLE, true, 'X-ASG-Debug-ID, X-ASG-Orig-Subj'),
    ],
    arcSealers: [arcDoc('barracudanetworks.com', 'arc1')],
    urlRewrites: [url('linkprotect.cudasvc.com', false, 'https://linkprotect.cudasvc.com/url?a=…')],
    modifications: [mod('url-rewrite', 'Link protection', false, UNVERIFIED), mod('subject-tag', 'subject tags')],
    spfIncludes: [{ example: 'include:spf.ess.barracudanetworks.com', source: SAMPLE, asOf: COMPILED, verified: true }],
    spamHeader: {
      header: 'X-Barracuda-Spam-Status',
      regexp: '^X-Barracuda-Spam-Status: Yes',
      numeric: false,
      source: SUGGESTION,
      asOf: COMPILED,
      verified: false,
      note: 'Assumes the value starts with Yes/No; X-Barracuda-Spam-Score carries the numeric score',
    },
    notes: ['On-premises appliance: Received "by <host> (Spam Firewall) with ESMTP"'],
  }),
  vendor({
    id: 'cisco',
    name: 'Cisco Secure Email (IronPort ESA / CES)',
    category: 'gateway',
    hosts: [host('*.iphmx.com', SAMPLE, true, 'esaN.<customer>.iphmx.com, obN.<hc>.iphmx.com')],
    headers: [
      hdr('X-IronPort-', 'prefix', 'strong', SAMPLE, true, 'X-IronPort-AV, -Anti-Spam-Filtered, -Anti-Spam-Result, -RemoteIP, -Reputation, …'),
      hdr('X-IPAS-Result', 'exact'),
      hdr('X-SBRS', 'exact', 'strong', DSH, true, 'SenderBase reputation score'),
      hdr('X-Amp-', 'prefix', 'strong', DSH, true, 'Cisco AMP, e.g. X-Amp-Result'),
      hdr('X-CSE-ConnectionGUID', 'exact'),
      hdr('X-CSE-MsgGUID', 'exact'),
      hdr('X-Policy', 'exact', 'supporting', DSH, true, 'generic name (also attributed to AppRiver)'),
      hdr('X-ThreatScanner-Verdict', 'exact', 'supporting', SAMPLE, true, 'generic name'),
    ],
    urlRewrites: [url('secure-web.cisco.com', false)],
    modifications: [mod('url-rewrite', 'URL rewriting', false, UNVERIFIED), mod('footer', 'tags / disclaimers')],
    notes: [NO_ARC_SEEN],
  }),
  vendor({
    id: 'messagelabs',
    name: 'Broadcom / Symantec Email Security.cloud (MessageLabs)',
    category: 'gateway',
    hosts: [host('*.messagelabs.com', SAMPLE, true, 'server-N.tower-NNN.messagelabs.com, mailNN.messagelabs.com, cluster*.messagelabs.com')],
    headers: [
      hdr('X-StarScan-', 'prefix', 'strong', SAMPLE, true, 'X-StarScan-Received, X-StarScan-Version (banners= shows banner insertion)'),
      hdr('X-SYMC-', 'prefix', 'strong', SAMPLE, true, 'X-SYMC-ESS-Client-Auth'),
      hdr('X-Brightmail-Tracker', 'exact'),
      hdr('X-Msg-Ref', 'exact', 'supporting', SAMPLE, true, 'value names the tower host, but the field name is generic'),
      hdr('X-SpamInfo', 'exact', 'supporting', DSH, true, 'generic name'),
      hdr('X-SpamReason', 'exact', 'supporting', DSH, true, 'generic name'),
      hdr('X-VirusChecked', 'exact', 'supporting', SAMPLE, true, 'generic name'),
      hdr('X-Env-Sender', 'exact', 'supporting', SAMPLE, true, 'generic name'),
    ],
    modifications: [mod('banner', 'X-StarScan-Version banners= shows banner insertion'), mod('url-rewrite', 'ClickTime URL rewriting', false, UNVERIFIED)],
    notes: ['qmail-style "Received: (qmail N invoked from network)" before the tower hop', NO_ARC_SEEN],
  }),
  vendor({
    id: 'trendmicro',
    name: 'Trend Micro Email Security (TMES) / Cloud App Security / IMSVA / DDEI',
    category: 'gateway',
    hosts: [
      host('*.tmes.trendmicro.com', SAMPLE, true, 'inpre01.tmes.trendmicro.com, inpost…, *.relay.tmes.trendmicro.com'),
      host('*.tmes.trendmicro.eu'),
      host(
        '*.tmcas.trendmicro.com',
        TM_CAS,
        true,
        'Cloud App Security inline protection: Exchange Online routes mail to <id>.outrelay-<site>.tmcas.trendmicro.com and takes it back on an inbound connector (Microsoft 365, Trend Micro, Microsoft 365 again)',
      ),
    ],
    headers: [
      hdr('X-TM-AS-', 'prefix'),
      hdr('X-TMASE-', 'prefix'),
      hdr('X-TM-MAIL-', 'prefix', 'strong', SAMPLE, true, 'X-TM-MAIL-RECEIVED-TIME, X-TM-MAIL-UUID'),
      hdr('X-TM-Authentication-Results', 'exact'),
      hdr('X-TM-Deliver-Signature', 'exact'),
      hdr('X-TM-SNTS-SMTP', 'exact'),
      hdr('X-IMSS-', 'prefix', 'strong', DSH, true, 'IMSVA'),
    ],
    modifications: [mod('url-rewrite', 'Web reputation URL rewrite', false, UNVERIFIED)],
    notes: [
      'DDEI appliance: Received "by DDEI (Postfix)"',
      'Cloud App Security inline protection is not an MX gateway: Exchange Online sends the mail out to it and receives it back, with transport rules that skip spam filtering for the returning mail',
      NO_ARC_SEEN,
    ],
  }),
  vendor({
    id: 'sophos',
    name: 'Sophos Central Email',
    category: 'gateway',
    hosts: [
      host('*.hydra.sophos.com', SAMPLE, true, 'mx-01-<aws-region>.prod.hydra.sophos.com, wd-euc1.prod.hydra.sophos.com'),
      host('*.reflexion.net', SAMPLE, true, 'legacy'),
    ],
    headers: [
      hdr('X-Sophos-', 'prefix', 'strong', UNVERIFIED, false),
      hdr('X-SEA-', 'prefix', 'strong', SAMPLE, true, 'PureMessage appliance'),
    ],
    arcSealers: [arcDoc('sophos.com', 'arc')],
    dkimDomains: [host('*.prod.hydra.sophos.com', SAMPLE, true, 'own DKIM d=mail-dkim-<region>.prod.hydra.sophos.com s=v1')],
    urlRewrites: [url('*.protection.sophos.com', false)],
    modifications: [
      mod('footer', 'body footers (downstream DKIM: body hash did not verify)'),
      mod('url-rewrite', 'time-of-click URL rewrite', false, UNVERIFIED),
      mod('dkim-resign', 'adds its own DKIM signature'),
    ],
    spfIncludes: [{ example: 'include:_spf_<region>.prod.hydra.sophos.com', source: SAMPLE, asOf: COMPILED, verified: true }],
    dnsPublished: [
      dnsPub(
        '_spf.prod.hydra.sophos.com',
        'spf',
        'US West, US East, Germany and Ireland',
        SOPHOS_SPF_URL,
        'Aktualisieren des SPF-Eintrags für Ihre Domäne (Sophos Central Admin help, German edition)',
      ),
    ],
  }),
  vendor({
    id: 'hornetsecurity',
    name: 'Hornetsecurity (incl. eXpurgate)',
    category: 'gateway',
    hosts: [
      host('*.hornetsecurity.com', SAMPLE, true, 'mx01…mx04, mx-gateNN-hzN, mx-relayNN-hz1-if1, smtp-out01-hz1'),
      host('*.antispameurope.com', SAMPLE, true, 'older Hornetsecurity (antispameurope) gateway names'),
      host('*.expurgate.net', SAMPLE, true, 'mx.expurgate.net, *.mxtls.expurgate.net (eXpurgate)'),
    ],
    headers: [
      hdr('X-cloud-security-', 'prefix', 'strong', SAMPLE, true, 'X-cloud-security-sender, -recipient, -Virusscan, -disclaimer, -connect, -Mailarchiv, …'),
    ],
    authservIds: [host('*.hornetsecurity.com', SAMPLE, true, 'ARC-Authentication-Results i=1; mx-gate13-hz2.hornetsecurity.com 1; …')],
    arcSealers: [
      {
        domain: 'hornetsecurity.com',
        selector: 'hse1',
        evidence: 'seen',
        source: `${SAMPLE}: ARC-Seal and ARC-Message-Signature with d=hornetsecurity.com s=hse1`,
        asOf: COMPILED,
        verified: true,
      },
    ],
    modifications: [mod('banner', 'banners / URL rewrite', false, UNVERIFIED)],
  }),
  vendor({
    id: 'forcepoint',
    name: 'Forcepoint Email Security Cloud',
    category: 'gateway',
    hosts: [host('*.mailcontrol.com', UNVERIFIED, false, 'MX cluster-*.mailcontrol.com')],
    headers: [hdr('X-Mailcontrol-', 'prefix', 'strong', UNVERIFIED, false)],
    modifications: [mod('url-rewrite', 'URL sandboxing', false, UNVERIFIED)],
  }),
  vendor({
    id: 'fortinet',
    name: 'Fortinet FortiMail',
    category: 'gateway',
    hosts: [host('*.fortimailcloud.com', UNVERIFIED, false)],
    headers: [
      hdr('X-FEAS-', 'prefix', 'weak', SAMPLE, true, 'decode-spam-headers attributes X-FEAS-/X-FE- to FireEye; which vendor writes them is unresolved'),
      hdr('X-FE-', 'prefix', 'weak', SAMPLE, true, 'decode-spam-headers attributes X-FEAS-/X-FE- to FireEye; which vendor writes them is unresolved'),
    ],
  }),
  vendor({
    id: 'fireeye',
    name: 'Trellix Email Security (formerly FireEye ETP / EX)',
    category: 'gateway',
    source: DSH,
    headers: [hdr('X-FireEye', 'prefix', 'strong', DSH, true)],
    notes: ['No public list of Trellix Email Security host names or delivery addresses was found; only the X-FireEye header is recognised'],
  }),
  vendor({
    id: 'spamtitan',
    name: 'SpamTitan (TitanHQ)',
    category: 'gateway',
    headers: [hdr('X-SpamTitan-', 'prefix', 'strong', UNVERIFIED, false)],
  }),
  vendor({
    id: 'libraesva',
    name: 'Libraesva ESG',
    category: 'gateway',
    hosts: [host('*.esvacloud.com', UNVERIFIED, false)],
    headers: [hdr('X-Libraesva-', 'prefix', 'strong', UNVERIFIED, false)],
    modifications: [mod('url-rewrite', 'URL rewrite', false, UNVERIFIED), mod('banner', 'banners', false, UNVERIFIED)],
  }),
  vendor({
    id: 'appriver',
    name: 'Zix / AppRiver (OpenText)',
    category: 'gateway',
    hosts: [host('*.mx.appriver.com', UNVERIFIED, false), host('*.arsmtp.com', UNVERIFIED, false)],
    headers: [
      hdr('X-Note-AR-', 'prefix', 'strong', UNVERIFIED, false),
      hdr('X-Note', 'prefix', 'supporting', UNVERIFIED, false, 'generic name'),
      hdr('X-Policy', 'exact', 'supporting', UNVERIFIED, false, 'generic name (also attributed to Cisco)'),
      hdr('X-Primary', 'exact', 'supporting', UNVERIFIED, false, 'generic name'),
    ],
  }),
  vendor({
    id: 'cloudflare',
    name: 'Cloudflare Email Security (formerly Area 1)',
    category: 'gateway',
    source: CF_MX,
    hosts: [
      { ...host('mailstream-*.mxrecord.io', CF_MX, true, 'MX mailstream-east / -west / -eu1 / -canary.mxrecord.io'), asOf: READ },
      { ...host('mailstream-*.mxrecord.mx', CF_MX, true, 'MX mailstream-central / -bom.mxrecord.mx'), asOf: READ },
    ],
    ipRanges: [
      ...['52.11.209.211/32', '52.89.255.11/32', '52.0.67.109/32', '54.173.50.115/32', '104.30.32.0/19', '158.51.64.0/26', '158.51.65.0/26', '134.195.26.0/23', '35.157.195.63/32', '52.58.35.43/32', '2405:8100:c400::/38'].map(
        (r) => published(r, CF_EGRESS, CF_EGRESS_URL, CF_EGRESS_DATE),
      ),
    ],
    notes: [
      "Cloudflare's own Microsoft 365 guide sets Enhanced Filtering to skip the last IP address on the connector for its egress addresses",
      'For Microsoft 365 connectors Cloudflare also lists 104.30.32.0/19 as /24 blocks (104.30.32.0/24 … 104.30.63.0/24) and 134.195.26.0/23 as 134.195.26.0/24 and 134.195.27.0/24',
    ],
  }),
  vendor({
    id: 'kaspersky',
    name: 'Kaspersky Secure Mail Gateway / Kaspersky Security for Linux Mail Server',
    category: 'gateway',
    headers: [
      hdr('X-KSMG-', 'prefix', 'strong', SAMPLE, true, 'X-KSMG-AntiSpam-*, X-KSMG-AntiVirus, X-KSMG-Message-Action, … (product name "Kaspersky Secure Mail Gateway" in the values)'),
      hdr('X-KLMS-', 'prefix', 'strong', SAMPLE, true, 'X-KLMS-AntiSpam-*, X-KLMS-AntiVirus, … (product name "Kaspersky Security for Linux Mail Server" in the values)'),
    ],
    notes: ['Usually on premises, in front of the organisation\'s own servers; no hosted host names'],
  }),
  vendor({
    id: 'vade',
    name: 'Vade (Vade Secure)',
    category: 'filter-engine',
    headers: [
      hdr('X-VADE-SPAMSTATE', 'exact', 'strong', SAMPLE, true, 'e.g. "clean"'),
      hdr('X-VADE-SPAMCAUSE', 'exact', 'strong', SAMPLE, true, 'encoded rule trace'),
    ],
    notes: ['A filtering engine that mailbox providers and hosters run (for example OVHcloud); its headers rarely mean a customer gateway'],
  }),
  vendor({
    id: 'sonicwall',
    name: 'SonicWall Email Security (MailFrontier)',
    category: 'gateway',
    headers: [
      hdr('X-Mlf-', 'prefix', 'weak', SAMPLE, false, 'X-Mlf-Version, X-Mlf-UniqueId, … written by the MailFrontier engine that SonicWall Email Security grew from; attribution not confirmed by the vendor'),
    ],
  }),
  vendor({
    id: 'retarus',
    name: 'Retarus Email Security',
    category: 'gateway',
    hosts: [host('*.retarus.com', SAMPLE, true, 'Received "by …retarus.com" on delivered mail')],
  }),
  vendor({
    id: 'mailroute',
    name: 'MailRoute',
    category: 'gateway',
    hosts: [host('*.mailroute.net', SAMPLE, true, 'Received "by …mailroute.net" on delivered mail')],
  }),
  vendor({
    id: 'avanan',
    name: 'Check Point Harmony Email (Avanan)',
    category: 'api',
    headers: [hdr('X-CLOUD-SEC-AV-', 'prefix', 'strong', SAMPLE, true, 'X-CLOUD-SEC-AV-Info, X-CLOUD-SEC-AV-Sent')],
    urlRewrites: [url('url.avanan.click', false)],
    modifications: [mod('reinjection', 'inline mode can re-inject mail (journal / transport-rule loop)')],
    notes: ['API / inline, not usually the MX'],
  }),
  vendor({
    id: 'abnormal',
    name: 'Abnormal Security',
    category: 'api',
    notes: ['API-based (no MX change), post-delivery remediation only; no header fingerprint established'],
  }),
  vendor({
    id: 'seppmail',
    name: 'SEPPmail.cloud',
    category: 'gateway',
    hosts: [host('*.seppmail.cloud', SAMPLE, true, 'hz-m365gate01.de.seppmail.cloud, hz-deliver01.de.seppmail.cloud')],
    headers: [hdr('X-SEPP-', 'prefix', 'strong', SAMPLE, true, 'X-SEPP-Suspect, X-SEPP-CCCVersion')],
    notes: ['Vendor scripts set EFSkipLastIP $true on its inbound connector'],
  }),
  vendor({
    id: 'mailassure',
    name: 'N-able Mail Assure (SpamExperts)',
    category: 'filter-engine',
    source: DSH,
    headers: [hdr('X-SpamExperts-', 'prefix', 'strong', DSH, true, 'often written by hosting providers on outgoing mail')],
    notes: ['No public list of Mail Assure host names or delivery addresses was found; only the X-SpamExperts- headers are recognised'],
  }),
  vendor({
    id: 'cloudmark',
    name: 'Cloudmark',
    category: 'filter-engine',
    source: DSH,
    headers: [hdr('X-CNFS-', 'prefix', 'strong', DSH, true), hdr('X-CMAE-', 'prefix', 'strong', DSH, true)],
    notes: ['A filtering engine used by mailbox providers and ISPs; its headers rarely mean a customer gateway'],
  }),
  vendor({
    id: 'vipre',
    name: 'VIPRE Email Security',
    category: 'filter-engine',
    source: DSH,
    headers: [hdr('X-Vipre-', 'prefix', 'strong', DSH, true)],
  }),
];
