/**
 * Knowledge tables for the Microsoft 365 / Exchange Online Protection headers: what each field and
 * value means, in our own words. Anything not confirmed by a primary source says so in its text,
 * so hovers never present a guess as fact. Source tags in the rows:
 *   HDR 2025 / HDR 2022  Microsoft Learn, "Anti-spam message headers in Microsoft 365"
 *                        (learn.microsoft.com/defender-office-365/message-headers-eop-mdo; the
 *                        07/07/2025 revision, and the 2022 copy where a value was since dropped)
 *   EF                   Microsoft Learn, "Enhanced Filtering for Connectors in Exchange Online"
 *   AUTH-DOC             Microsoft Learn, "Email authentication in Microsoft 365" (compauth examples)
 *   PS-SIC               Microsoft Learn, "Set-InboundConnector"
 *   MHA                  Microsoft's open-source Message Header Analyzer (github.com/microsoft/MHA),
 *                        its header rows and rules.json
 *   samples / SAMPLE-n   the format as seen in real headers from public mailing-list archives
 *                        (format evidence only, never a meaning)
 */

export interface FieldInfo {
  /** Short label, e.g. "Spam filtering verdict". */
  label: string;
  /** One or two plain sentences. */
  meaning: string;
  /** Meanings of documented values, keyed upper-case. */
  values?: Record<string, string>;
  /** True when `values` lists only special values of a free-form field (other values are normal). */
  openValues?: boolean;
  /** Where the row comes from (a source tag, see above). */
  source: string;
}

// ---------------------------------------------------------------------------------------------
// X-Forefront-Antispam-Report. Source: HDR 2025, HDR 2022 (SFV:SKI), MHA
// (PCL, SFV:DMS), samples (SFS/SFP shapes, PTR:InfoDomainNonexistent).

export const FOREFRONT_FIELDS: Record<string, FieldInfo> = {
  CIP: {
    label: 'Connecting IP',
    meaning:
      'The IP address EOP received the message from: the last hop, which is the gateway when one sits in front of Microsoft 365 (unless Enhanced Filtering skip-listing recovered an earlier hop). 255.255.255.255 appears in the -Untrusted copy on authenticated or originating mail.',
    source: 'HDR 2025; SAMPLE-51932346802',
  },
  CTRY: {
    label: 'Country/region',
    meaning: 'Country or region of the connecting IP, which may differ from where the original sender is.',
    source: 'HDR 2025',
  },
  LANG: { label: 'Language', meaning: 'Language the message body was detected to be written in.', source: 'HDR 2025' },
  SCL: {
    label: 'Spam confidence level',
    meaning: 'Spam confidence level: -1 means spam filtering was skipped, otherwise 0 to 9 where higher is more likely spam. Mirrored in X-MS-Exchange-Organization-SCL.',
    source: 'HDR 2025; MHA',
  },
  SRV: {
    label: 'Service',
    meaning: 'Special handling. BULK marks bulk mail (BCL at or above the threshold).',
    values: { BULK: 'bulk mail: the bulk complaint level reached the policy threshold (SCL 6 when MarkAsSpamBulkMail is on)' },
    source: 'HDR 2025',
  },
  IPV: {
    label: 'IP reputation',
    meaning: 'What connection filtering concluded about the connecting IP.',
    values: {
      CAL: 'the IP is on the connection-filter IP Allow List, so spam filtering was skipped',
      NLI: 'the IP is not on any reputation list',
    },
    source: 'HDR 2025',
  },
  SFV: {
    label: 'Spam filtering verdict',
    meaning: 'Why spam filtering reached its verdict.',
    values: {
      BLK: 'blocked: the sender is on the recipient\'s Blocked Senders list',
      NSPM: 'not spam: spam filtering ran and did not find spam',
      SFE: 'allowed: the sender is on the recipient\'s Safe Senders list',
      SKA: 'allowed: the sender or domain is on an anti-spam policy allow list',
      SKB: 'blocked: the sender or domain is on an anti-spam policy block list',
      SKN: 'marked not-spam before spam filtering (for example a mail flow rule setting SCL -1 or bypassing filtering)',
      SKQ: 'released from quarantine',
      SKS: 'marked spam before spam filtering (for example a mail flow rule setting SCL 5 to 9)',
      SPM: 'spam: spam filtering found the message to be spam',
      SKI: 'intra-organisation mail: spam filtering skipped (listed in the 2022 copy of the documentation, still seen)',
      DMS: 'spam verdict ignored because of tenant settings (from Microsoft\'s Message Header Analyzer rules)',
    },
    source: 'HDR 2025 + HDR 2022 (SKI); MHA rules.json (DMS)',
  },
  H: { label: 'HELO', meaning: 'The HELO/EHLO name the connecting server gave.', source: 'HDR 2025' },
  PTR: {
    label: 'Reverse DNS',
    meaning: 'The reverse DNS (PTR) name of the connecting IP.',
    values: { INFODOMAINNONEXISTENT: 'the connecting IP has no reverse DNS name' },
    openValues: true,
    source: 'HDR 2025; SAMPLE-28881202271',
  },
  CAT: {
    label: 'Protection category',
    meaning: 'The protection policy category applied to the message.',
    values: {
      AMP: 'anti-malware policy',
      BIMP: 'brand impersonation (Defender for Office 365)',
      BULK: 'bulk',
      DIMP: 'domain impersonation (Defender for Office 365)',
      FTBP: 'anti-malware file-type policy (common attachments filter)',
      GIMP: 'mailbox intelligence impersonation (Defender for Office 365)',
      HPHSH: 'high confidence phishing',
      HPHISH: 'high confidence phishing',
      HSPM: 'high confidence spam',
      INTOS: 'intra-organisation phishing',
      MALW: 'malware',
      OSPM: 'outbound spam',
      PHSH: 'phishing',
      SAP: 'Safe Attachments (Defender for Office 365)',
      SPM: 'spam',
      SPOOF: 'spoofing',
      UIMP: 'user impersonation (Defender for Office 365)',
      NONE: 'no protection category applied',
    },
    source: 'HDR 2025',
  },
  SFTY: {
    label: 'Safety tip',
    meaning: 'Phishing safety tip shown to the recipient.',
    values: {
      '9.19': 'domain impersonation',
      '9.20': 'user impersonation',
      '9.25': 'first contact safety tip',
    },
    source: 'HDR 2025',
  },
  DIR: {
    label: 'Direction',
    meaning: 'Direction of the message as EOP classified it.',
    values: { INB: 'inbound', OUT: 'outbound', INT: 'internal' },
    source: 'HDR 2025',
  },
  SFS: {
    label: 'Spam rules',
    meaning: 'Identifiers of the spam rules that matched. Microsoft does not publish what they mean.',
    source: 'MHA; samples',
  },
  SFP: { label: 'SFP', meaning: 'Undocumented (values such as 1101 and 1102 are common).', source: 'samples' },
  PCL: {
    label: 'Phishing confidence level',
    meaning: 'Phishing confidence level as Microsoft\'s Message Header Analyzer labels it; not in the current documentation, so its scale is unconfirmed.',
    source: 'MHA [unverified]',
  },
  ARC: {
    label: 'ARC',
    meaning: 'ARC details (sub-fields AAR, AMS, AS with cv=none/pass/fail); documented but rarely seen.',
    source: 'HDR 2025',
  },
};

// ---------------------------------------------------------------------------------------------
// X-Microsoft-Antispam. Source: HDR 2025; MHA (PCL, BCL 6-9 flag); samples (ARA).

export const ANTISPAM_FIELDS: Record<string, FieldInfo> = {
  BCL: {
    label: 'Bulk complaint level',
    meaning: 'Bulk complaint level from 0 to 9: how likely recipients are to complain about this kind of mail (higher means more complaints; 6 to 9 is usually treated as bulk).',
    source: 'HDR 2025; MHA rules',
  },
  PCL: FOREFRONT_FIELDS.PCL,
  ARA: { label: 'ARA', meaning: 'Identifiers of anti-spam rules, separated by "|"; undocumented.', source: 'samples' },
};

// ---------------------------------------------------------------------------------------------
// X-Microsoft-Antispam-Mailbox-Delivery. Source: MHA rules.json. Other fields
// (ucf, jmr, auth, ex, OFR, ENG, RF) are undocumented and kept without meaning.

export const MAILBOX_DELIVERY_FIELDS: Record<string, FieldInfo> = {
  DEST: {
    label: 'Destination folder',
    meaning: 'Which folder the mailbox delivered the message to.',
    values: {
      I: 'Inbox',
      J: 'Junk Email folder',
      C: 'a custom folder (moved by the user\'s inbox rule)',
    },
    source: 'MHA rules.json',
  },
};

// ---------------------------------------------------------------------------------------------
// compauth reason codes. Source: HDR 2025 (authoritative; the 2026 AI-assisted
// ARC-DOC table contradicts it and is not used). Examples: 109 (AUTH-DOC), 130 (ARC-DOC).

export interface CompauthCode {
  /** The compauth result this code goes with. */
  result: string;
  meaning: string;
}

/** Exact codes. */
export const COMPAUTH_CODES: Record<string, CompauthCode> = {
  '000': {
    result: 'fail',
    meaning: 'explicit failure: the message failed DMARC and the From domain publishes p=quarantine or p=reject',
  },
  '001': {
    result: 'fail',
    meaning: 'implicit failure: the From domain has no or only weak authentication records (SPF ~all or ?all, DMARC p=none, or none at all) and the message did not authenticate',
  },
  '002': {
    result: 'fail',
    meaning: 'an admin policy explicitly forbids this sender and domain pair from spoofing',
  },
  '010': {
    result: 'fail',
    meaning: 'the message failed DMARC (p=quarantine or p=reject) and the From domain is one of your own accepted domains (self-to-self or intra-org spoofing)',
  },
  '130': {
    result: 'pass',
    meaning: 'passed because a trusted ARC sealer\'s authentication results overrode a DMARC failure',
  },
};

/** Code families by first digit. */
export const COMPAUTH_FAMILIES: Record<string, CompauthCode> = {
  '1': { result: 'pass', meaning: 'passed composite authentication (the last two digits are internal)' },
  '7': { result: 'pass', meaning: 'passed composite authentication (the last two digits are internal)' },
  '2': { result: 'softpass', meaning: 'soft-passed implicit authentication' },
  '3': { result: 'none', meaning: 'composite authentication was not checked' },
  '4': { result: 'none', meaning: 'composite authentication was bypassed' },
  '9': { result: 'none', meaning: 'composite authentication was bypassed' },
  '6': {
    result: 'fail',
    meaning: 'implicit failure and the From domain is one of your own accepted domains (intra-org spoofing)',
  },
};

/** What each compauth result means when no usable reason code is present. Source: HDR 2025. */
export const COMPAUTH_RESULTS: Record<string, string> = {
  pass: 'composite authentication passed: Microsoft considers the From domain authenticated',
  fail: 'composite authentication failed: Microsoft treats the message as spoofed',
  softpass: 'composite authentication soft-passed',
  none: 'composite authentication was not checked or was bypassed',
};

// ---------------------------------------------------------------------------------------------
// X-MS-Exchange-Organization-AuthMechanism. Microsoft does not publish the list;
// these two codes come from community write-ups (rafaelpfister.ch citing Microsoft Q&A, msxfaq)
// and from samples, and are marked as such.

export const AUTH_MECHANISMS: Record<string, string> = {
  '04': 'Exchange-authenticated (mailbox to mailbox, or a hybrid connector created by the Hybrid Configuration Wizard) [community-sourced, not published by Microsoft]',
  '10': 'received on a connector treated as externally secured (ExternalAuthoritative), so the sender counts as Internal [community-sourced, not published by Microsoft]',
};

// ---------------------------------------------------------------------------------------------
// X-MS-* header meanings, keyed by lower-case header name. Sources per row.

export const MS_HEADERS: Record<string, FieldInfo> = {
  'x-forefront-antispam-report': {
    label: 'EOP anti-spam report',
    meaning: 'Exchange Online Protection\'s anti-spam verdict for this message, as KEY:value; pairs.',
    source: 'HDR 2025',
  },
  'x-forefront-antispam-report-untrusted': {
    label: 'EOP anti-spam report (sending tenant)',
    meaning: 'The sending tenant\'s anti-spam report carried in outbound mail; not the recipient\'s verdict.',
    source: 'samples',
  },
  'x-microsoft-antispam': {
    label: 'Microsoft anti-spam',
    meaning: 'Bulk complaint level (BCL) and related anti-spam values.',
    source: 'HDR 2025',
  },
  'x-microsoft-antispam-untrusted': {
    label: 'Microsoft anti-spam (sending tenant)',
    meaning: 'The sending tenant\'s anti-spam values carried in outbound mail; not the recipient\'s verdict.',
    source: 'samples',
  },
  'x-microsoft-antispam-mailbox-delivery': {
    label: 'Mailbox delivery',
    meaning: 'How the recipient\'s mailbox filed the message; dest: names the folder.',
    source: 'MHA rules.json',
  },
  'x-microsoft-antispam-message-info': {
    label: 'Anti-spam message info',
    meaning: 'Opaque, encoded data for Microsoft\'s anti-spam team.',
    source: 'samples',
  },
  'x-customspam': {
    label: 'Advanced spam filter match',
    meaning: 'Which advanced spam filter option matched; added after mail flow rules run, so rules cannot act on it.',
    source: 'HDR 2025',
  },
  'x-ms-exchange-authentication-results': {
    label: 'Exchange authentication results',
    meaning: 'Authentication results stamped by EOP, same grammar as its Authentication-Results; seen on the receiving EOP hop of cross-tenant and outbound copies.',
    source: 'samples',
  },
  'authentication-results-original': {
    label: 'Renamed foreign Authentication-Results',
    meaning: 'An Authentication-Results header written by another system (a gateway, for example) that EOP renamed on arrival. It is a claim, not Microsoft\'s verdict.',
    source: 'AUTH-DOC; SAMPLE-18969058033',
  },
  'x-ms-exchange-organization-authas': {
    label: 'Authenticated as',
    meaning: 'How Exchange classified the sender.',
    values: {
      ANONYMOUS: 'anonymous: the message came from outside the organisation',
      INTERNAL: 'internal: treated as coming from inside the organisation (rules about senders outside the organisation do not fire and anti-spoofing is relaxed)',
      PARTNER: 'partner (seen with on-premises Exchange) [unverified]',
    },
    source: 'Exchange team blog / msxfaq; samples',
  },
  'x-ms-exchange-organization-authsource': {
    label: 'Authentication source',
    meaning: 'The server that made the authentication decision (in Exchange Online an EOP front-end such as BL02EPF0002992D.namprd02.prod.outlook.com).',
    source: 'samples',
  },
  'x-ms-exchange-organization-authmechanism': {
    label: 'Authentication mechanism',
    meaning: 'Two-digit code for how the sender was authenticated; Microsoft does not publish the list.',
    values: { '04': AUTH_MECHANISMS['04'], '10': AUTH_MECHANISMS['10'] },
    source: 'community (rafaelpfister.ch, msxfaq); samples',
  },
  'x-ms-exchange-organization-scl': {
    label: 'Spam confidence level',
    meaning: 'Spam confidence level for the organisation: -1 means spam filtering was skipped, otherwise 0 to 9 where higher is more likely spam.',
    source: 'MHA; samples',
  },
  'x-ms-exchange-organization-messagedirectionality': {
    label: 'Message directionality',
    meaning: 'Whether Exchange treated the message as arriving from outside or as sent from inside the organisation.',
    values: {
      INCOMING: 'incoming: arrived from outside the organisation',
      ORIGINATING: 'originating: sent from inside the organisation',
    },
    source: 'Exchange team blog; samples',
  },
  'x-ms-exchange-organization-network-message-id': {
    label: 'Network message id',
    meaning: 'The message\'s id in message trace (Network-Message-Id).',
    source: 'samples',
  },
  'x-ms-exchange-organization-expirationstarttime': {
    label: 'Expiration start time',
    meaning: 'When the message\'s delivery expiry clock started.',
    source: 'samples',
  },
  'x-ms-exchange-organization-expirationstarttimereason': {
    label: 'Expiration start reason',
    meaning: 'Why the expiry clock started then (e.g. OriginalSubmit).',
    source: 'samples',
  },
  'x-ms-exchange-organization-expirationinterval': {
    label: 'Expiration interval',
    meaning: 'How long Exchange keeps trying to deliver the message (days:hours:minutes:seconds).',
    source: 'samples',
  },
  'x-ms-exchange-organization-expirationintervalreason': {
    label: 'Expiration interval reason',
    meaning: 'Why that expiry interval applies (e.g. OriginalSubmit).',
    source: 'samples',
  },
  'x-ms-exchange-crosstenant-originalarrivaltime': {
    label: 'Original arrival time',
    meaning: 'When the message first arrived in Exchange Online (UTC).',
    source: 'SAMPLE-62062619630',
  },
  'x-ms-exchange-crosstenant-network-message-id': {
    label: 'Network message id',
    meaning: 'The message\'s id in message trace (Network-Message-Id).',
    source: 'SAMPLE-62062619630',
  },
  'x-ms-exchange-crosstenant-id': {
    label: 'Tenant id',
    meaning: 'The id (GUID) of the Microsoft 365 tenant that handled the message.',
    source: 'SAMPLE-62062619630',
  },
  'x-ms-exchange-crosstenant-originalattributedtenantconnectingip': {
    label: 'Connecting IP attributed to the tenant',
    meaning: 'The connecting IP and HELO that EOP attributed to the tenant (with a gateway in front, these are the gateway\'s).',
    source: 'SAMPLE-62062619630',
  },
  'x-ms-exchange-crosstenant-authsource': {
    label: 'Authentication source',
    meaning: 'The EOP front-end server that made the authentication decision.',
    source: 'SAMPLE-62062619630',
  },
  'x-ms-exchange-crosstenant-authas': {
    label: 'Authenticated as',
    meaning: 'How the tenant classified the sender.',
    values: {
      ANONYMOUS: 'anonymous: the message came from outside the organisation',
      INTERNAL: 'internal: treated as coming from inside the organisation',
    },
    source: 'SAMPLE-62062619630; SAMPLE-24084626689',
  },
  'x-ms-exchange-crosstenant-fromentityheader': {
    label: 'From entity',
    meaning: 'Where the tenant considers the message came from.',
    values: {
      HYBRIDONPREM: 'arrived over an on-premises (hybrid-style) connector',
      HOSTED: 'sent by a cloud mailbox',
      INTERNET: 'arrived from the internet [not confirmed in the samples checked]',
    },
    source: 'samples',
  },
  'x-ms-exchange-crosstenant-mailboxtype': {
    label: 'Mailbox type',
    meaning: 'Type of the sending mailbox (e.g. HOSTED).',
    source: 'SAMPLE-24084626689',
  },
  'x-ms-exchange-crosstenant-userprincipalname': {
    label: 'User principal name',
    meaning: 'The sender\'s user principal name, encrypted.',
    source: 'SAMPLE-24084626689',
  },
  'x-ms-exchange-transport-crosstenantheadersstamped': {
    label: 'Cross-tenant headers stamped',
    meaning: 'The server that stamped the cross-tenant headers.',
    source: 'samples',
  },
  'x-ms-exchange-transport-crosstenantheadersstripped': {
    label: 'Cross-tenant headers stripped',
    meaning: 'The server that stripped the cross-tenant headers.',
    source: 'samples',
  },
  'x-ms-exchange-skiplistedinternetsender': {
    label: 'Skip-listed internet sender',
    meaning: 'Enhanced Filtering for Connectors skipped the gateway and recovered this hop (ip= and the HELO name in domain=).',
    source: 'EF; samples',
  },
  'x-ms-exchange-externaloriginalinternetsender': {
    label: 'External original internet sender',
    meaning: 'Enhanced Filtering recovered this hop and the recipient is in its scope, so filtering used this IP instead of the gateway\'s.',
    source: 'EF; samples',
  },
  'x-originatororg': {
    label: 'Originator organisation',
    meaning: 'The sending tenant\'s organisation domain.',
    source: 'samples',
  },
  'x-eopattributedmessage': { label: 'EOP attributed message', meaning: 'Undocumented flag (0 or 1).', source: 'samples' },
  'x-ms-exchange-senderadcheck': { label: 'Sender AD check', meaning: 'Undocumented (0, 1 or 2).', source: 'samples' },
  'x-ms-exchange-antispam-relay': { label: 'Anti-spam relay', meaning: 'Undocumented (0 or 1).', source: 'samples' },
  'x-ms-publictraffictype': { label: 'Traffic type', meaning: 'Diagnostic traffic type (Email).', source: 'samples' },
  'x-ms-traffictypediagnostic': { label: 'Traffic type diagnostic', meaning: 'Diagnostic: servers that handled the message.', source: 'samples' },
  'x-ms-office365-filtering-correlation-id': {
    label: 'Filtering correlation id',
    meaning: 'Diagnostic id correlating the message with Microsoft 365 filtering.',
    source: 'samples',
  },
  'x-ms-office365-filtering-correlation-id-prvs': {
    label: 'Filtering correlation id (previous)',
    meaning: 'Diagnostic id from an earlier filtering pass.',
    source: 'samples',
  },
  'x-ms-has-attach': { label: 'Has attachments', meaning: 'Empty or "yes"; written by Outlook/Exchange.', source: 'samples' },
  'x-ms-tnef-correlator': { label: 'TNEF correlator', meaning: 'Outlook/Exchange rich-text correlator.', source: 'samples' },
  'x-ms-exchange-atpmessageproperties': {
    label: 'Defender processing',
    meaning: 'Defender for Office 365 processing, e.g. SA (Safe Attachments) and SL (Safe Links).',
    source: 'SAMPLE-44541108143',
  },
  'x-crosspremisesheaderspromoted': {
    label: 'Cross-premises headers promoted',
    meaning: 'The server that promoted cross-premises headers back into organisation headers (hybrid).',
    source: 'samples; PS-SIC',
  },
  'x-crosspremisesheadersfiltered': {
    label: 'Cross-premises headers filtered',
    meaning: 'The server that filtered cross-premises headers (hybrid).',
    source: 'samples; PS-SIC',
  },
};
