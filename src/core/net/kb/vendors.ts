/**
 * Knowledge base, part 2: filtering gateways and other mail-security vendors that show up in front
 * of Microsoft 365 and Gmail. Data only; the lookups live in ./index.ts.
 *
 * Rules for this file:
 *  - Every fact carries `source` (the tag from docs/DOMAIN.md §0 plus a URL or document name),
 *    `asOf` and `verified`. `verified: false` marks what DOMAIN.md marks [unverified] or what only an
 *    AI-assisted document states; such facts still match, and the match says so.
 *  - No IP range is listed unless DOMAIN.md gives it. A range only seen in samples is `observed`:
 *    it supports other evidence but never points at a vendor by itself.
 *  - Header fingerprints carry a weight: `strong` for names only that vendor writes; `weak` where
 *    the attribution is disputed between vendors; `supporting` for generic names that several
 *    products use (they only count next to another signal for the same vendor).
 *  - Host patterns: `name.example` = exactly that name; `*.name.example` = any name below it;
 *    `pre*suf.name.example` = one label starting with `pre` and ending with `suf` directly below.
 *
 * `asOf`: the source revision date when known (ARC-DOC 2026-07-03), otherwise the date the
 * reference notes were compiled (2026-08-21).
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
  /** doc: documented by Microsoft (ARC-DOC); seen: ARC headers from the vendor in real samples. */
  evidence: 'doc' | 'seen';
}

export interface VendorIpRange extends Sourced {
  range: string;
  /** published: the vendor publishes it; observed: only seen in samples (never proof on its own). */
  status: 'published' | 'observed';
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
const ARC_DOC_DATE = '2026-07-03';
const T5 = 'DOMAIN.md §5 vendor recognition table';
const SAMPLE = `SAMPLE: real headers from public mailing-list archives (${T5})`;
const DSH = `DSH mgeeky/decode-spam-headers decode-spam-headers.py vendor header-prefix table (${T5})`;
const ARC_DOC =
  'ARC-DOC https://learn.microsoft.com/defender-office-365/email-authentication-arc-configure rev. 07/03/2026 (AI-assisted; DOMAIN.md §2.3)';
const UNVERIFIED = `${T5}, marked [unverified] (open question 10)`;
const SUGGESTION = 'G-GW https://support.google.com/a/answer/60730 (Message Tagging); regexp is our suggestion from the header format in DOMAIN.md §5';

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
    note: 'From an AI-assisted Microsoft doc revision; confirm against the ARC-Seal d= in the message (open question 9)',
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
    urlRewrites: [],
    modifications: [],
    spfIncludes: [],
    notes: [],
    source: T5,
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
        source: `SAMPLE-62062619630 (CIP:148.163.138.245, PTR:mx0b-00498f04.pphosted.com; ${T5}: "Proofpoint IPs 148.163.x.x seen")`,
        asOf: COMPILED,
        verified: false,
        note: 'Seen in samples, not a published range; never proof on its own',
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
    arcSealers: [{ ...arcDoc('pphosted.com', 'arcselector'), note: 'ARC-DOC lists pphosted.com "also for Essentials" (AI-assisted)' }],
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
    ],
    headers: [
      hdr('X-MC-Unique', 'exact', 'strong', SAMPLE, true, 'matches the id in the Received field'),
      hdr('X-Mimecast-', 'prefix', 'strong', SAMPLE, true, 'X-Mimecast-Spam-Score, -Originator, -MFC-PROC-ID, -Impersonation-Protect, …'),
    ],
    authservIds: [host('relay.mimecast.com', SAMPLE, true, 'A-R and ARC-Authentication-Results authserv-id')],
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
    notes: ['No evidence of ARC sealing (open question 9)'],
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
    notes: ['qmail-style "Received: (qmail N invoked from network)" before the tower hop', 'No evidence of ARC sealing (open question 9)'],
  }),
  vendor({
    id: 'trendmicro',
    name: 'Trend Micro Email Security (TMES) / IMSVA / DDEI',
    category: 'gateway',
    hosts: [
      host('*.tmes.trendmicro.com', SAMPLE, true, 'inpre01.tmes.trendmicro.com, inpost…, *.relay.tmes.trendmicro.com'),
      host('*.tmes.trendmicro.eu'),
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
    notes: ['DDEI appliance: Received "by DDEI (Postfix)"', 'No evidence of ARC sealing (open question 9)'],
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
  }),
  vendor({
    id: 'hornetsecurity',
    name: 'Hornetsecurity (incl. eXpurgate)',
    category: 'gateway',
    hosts: [
      host('*.hornetsecurity.com', SAMPLE, true, 'mx01…mx04, mx-gateNN-hzN, mx-relayNN-hz1-if1, smtp-out01-hz1'),
      host('*.expurgate.net', SAMPLE, true, 'mx.expurgate.net, *.mxtls.expurgate.net (eXpurgate)'),
    ],
    authservIds: [host('*.hornetsecurity.com', SAMPLE, true, 'ARC-Authentication-Results i=1; mx-gate13-hz2.hornetsecurity.com 1; …')],
    modifications: [mod('banner', 'banners / URL rewrite', false, UNVERIFIED)],
    notes: ['Seals ARC (AAR/AMS seen) but the ARC-Seal d= was not captured (open question 9)'],
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
      hdr('X-FEAS-', 'prefix', 'weak', SAMPLE, true, 'DSH attributes X-FEAS-/X-FE- to FireEye; attribution unresolved (open question 11)'),
      hdr('X-FE-', 'prefix', 'weak', SAMPLE, true, 'DSH attributes X-FEAS-/X-FE- to FireEye; attribution unresolved (open question 11)'),
    ],
  }),
  vendor({
    id: 'fireeye',
    name: 'FireEye (Trellix) Email Security',
    category: 'gateway',
    source: DSH,
    headers: [hdr('X-FireEye', 'prefix', 'strong', DSH, true)],
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
