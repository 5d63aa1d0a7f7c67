/**
 * The Analysis schema: the one data model every view (tree, diagnostics, code actions, CLI, SARIF)
 * reads. Versioned by SCHEMA_VERSION; documented field by field in docs/schema.md. It is one file on
 * purpose, though long: the schema is read and versioned as a whole, and docs/schema.md follows it
 * section by section.
 *
 * Conventions:
 *  - Lines are 0-based and counted the way VS Code's TextDocument counts them (CRLF, LF and a lone
 *    CR each end a line). Ranges are inclusive of startLine and endLine.
 *  - Byte ranges are [start, end) offsets into the raw input.
 *  - Every user-visible claim carries Evidence pointing at the header field(s) it came from.
 *  - Timestamps are ISO-8601 strings in UTC; null when unknown.
 */

export const SCHEMA_VERSION = 1;

export interface LineRange {
  startLine: number;
  endLine: number;
}

export interface ByteRange {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning' | 'info';

/** A pointer at the header field (and its lines) that supports a claim. */
export interface Evidence {
  header: string;
  fieldIndex: number;
  lines: LineRange;
  note?: string;
}

export interface ParseProblem {
  code: string;
  message: string;
  severity: Severity;
  lines?: LineRange;
  bytes?: ByteRange;
  header?: string;
  fieldIndex?: number;
}

// ---------------------------------------------------------------------------------------------
// Header splitting

export interface HeaderField {
  /** Position in the header block, 0 = topmost (newest). */
  index: number;
  /** Field name as written (for the mbox separator: "mbox-from"; for a line that is no field: ""). */
  name: string;
  /** Lower-cased name. */
  key: string;
  /** The value after the colon as text, folding line breaks kept. */
  value: string;
  /** The value with folding line breaks removed (RFC 5322 unfolding), leading whitespace trimmed. */
  unfolded: string;
  /** RFC 2047 encoded-words decoded. */
  decoded: string;
  lines: LineRange;
  bytes: ByteRange;
  /** Set when the raw bytes contained 8-bit data, naming how they were decoded. */
  charset8bit?: 'utf-8' | 'windows-1252';
  /** True for a line that is not a valid "name: value" field (kept, never dropped). */
  invalid?: boolean;
}

export type Eol = 'CRLF' | 'LF' | 'CR';

export interface SplitMessage {
  fields: HeaderField[];
  /** The dominant line ending in the header block. */
  eol: Eol;
  eolCounts: { crlf: number; lf: number; cr: number };
  mixedEol: boolean;
  hasSeparator: boolean;
  /** First line of the body (the line after the blank separator line); lineCount when absent. */
  bodyStartLine: number;
  /** Byte offset where the body starts; byteLength when there is no body. */
  bodyStartByte: number;
  /** Number of lines in the document as VS Code counts them. */
  lineCount: number;
  byteLength: number;
  mboxFrom?: { line: number; text: string };
  problems: ParseProblem[];
}

// ---------------------------------------------------------------------------------------------
// Received

export interface MailDate {
  raw: string;
  /** ISO-8601 UTC, or null when the text could not be read as a date. */
  utc: string | null;
  /** Offset from UTC in minutes as written (e.g. -480 for -0800), null when absent or unknown. */
  offsetMinutes: number | null;
  /**
   * Set when the text states no time zone at all ("4/20/2018 11:01:36 PM", or a zone name that
   * cannot be read, such as the ambiguous "IST"). `utc` is then computed as if the time were UTC
   * and may be off by up to ±14 hours: show it, but never compare it with other times (delays,
   * clock skew). Absent when a zone was stated (including "-0000" and military letters, which
   * RFC 5322 §4.3 reads as UTC).
   */
  zoneless?: true;
}

export interface ReceivedFrom {
  /** The name the client gave in HELO/EHLO (the word after `from`, or `helo=`/`HELO` in comments). */
  helo?: string;
  /** The reverse-DNS name the receiving MTA looked up (inside the comment). */
  rdns?: string;
  /** Normalised IP (strict; IPv4-mapped IPv6 shown as IPv4; zone id stripped). */
  ip?: string;
  /** The IP exactly as written, for evidence. */
  ipRaw?: string;
  /**
   * RFC 1413 ident or other `user@` prefix found in the comment; for a local or API submission the
   * submitter the line names (Sendmail "(from user@localhost)", vger's "(majordomo@…)", qmail's
   * "uid 89", the Gmail API client number).
   */
  ident?: string;
  /** The whole comment text after the from-domain, e.g. "(mail.example.com [192.0.2.1])". */
  comment?: string;
}

export interface ReceivedWith {
  /** The protocol keyword as written, e.g. "ESMTPS", "Microsoft SMTP Server", "LMTP", "mapi". */
  protocol: string;
  tls: boolean;
  authenticated: boolean;
  lmtp: boolean;
  http: boolean;
  mapi: boolean;
  utf8: boolean;
}

export interface TlsInfo {
  version?: string;
  cipher?: string;
  bits?: string;
}

export interface ReceivedInfo {
  /** Unfolded text of the field value. */
  raw: string;
  from?: ReceivedFrom;
  by?: { host?: string; ip?: string; comment?: string };
  via?: string;
  with?: ReceivedWith;
  tls?: TlsInfo;
  id?: string;
  for?: string[];
  envelopeFrom?: string;
  date?: MailDate;
  /** Text the parser could not assign to a clause. Empty when everything was understood. */
  unparsed: string[];
}

// ---------------------------------------------------------------------------------------------
// Authentication results and signatures

export interface AuthResult {
  /** e.g. "spf", "dkim", "dmarc", "arc", "compauth", "iprev", "auth", "bimi". */
  method: string;
  methodVersion?: string;
  /** Lower-cased result keyword, e.g. "pass", "fail", "softfail", "neutral", "none", "bestguesspass". */
  result: string;
  /** reason=... value (compauth's 3-digit code lives here). */
  reason?: string;
  /** Comments attached to the result, without parentheses, e.g. ["body hash did not verify"]. */
  comments: string[];
  /** ptype.property=value pairs, keys lower-cased: "smtp.mailfrom", "header.d", "header.from", "action", ... */
  props: Record<string, string>;
  /** The text of this result as written. */
  raw: string;
}

export interface AuthResultsHeader {
  /** null for EOP's id-less form. */
  authservId: string | null;
  authservVersion?: string;
  /** ARC instance (ARC-Authentication-Results i=N). */
  instance?: number;
  results: AuthResult[];
  /** EOP inserts the recipient's accepted domain as bare tokens between results. */
  bareTokens: string[];
  form: 'rfc8601' | 'eop' | 'none';
  /**
   * Properties written between the authserv-id and the first result, outside any result (not in
   * RFC 8601, but real: "smtp02.example.net smtp.user=<hidden>; auth=pass", a TLS certificate
   * subject before "auth=pass"). Keys lower-cased. Absent when there are none.
   */
  props?: Record<string, string>;
  unparsed: string[];
}

export interface ReceivedSpf {
  result: string;
  comment?: string;
  clientIp?: string;
  helo?: string;
  envelopeFrom?: string;
  receiver?: string;
  props: Record<string, string>;
}

/** A parsed tag=value list (DKIM-Signature, ARC-Seal, ARC-Message-Signature). */
export interface TagList {
  tags: Record<string, string>;
  /** Tags in written order (duplicates kept). */
  order: Array<{ name: string; value: string }>;
  problems: string[];
}

export interface DkimSignatureInfo {
  fieldIndex: number;
  lines: LineRange;
  domain?: string;
  selector?: string;
  algorithm?: string;
  canonicalization?: string;
  /** h= names, lower-cased. */
  signedHeaders: string[];
  bodyHash?: string;
  bodyLength?: number;
  identity?: string;
  /** Signature timestamp and expiry (ISO), when t= / x= are present. */
  signedAt?: string;
  expiresAt?: string;
  tags: TagList;
}

export interface ArcSetInfo {
  instance: number;
  seal?: { fieldIndex: number; lines: LineRange; domain?: string; selector?: string; cv?: string; tags: TagList };
  messageSignature?: { fieldIndex: number; lines: LineRange; domain?: string; selector?: string; bodyHash?: string; tags: TagList };
  authResults?: { fieldIndex: number; lines: LineRange; parsed: AuthResultsHeader };
}

// ---------------------------------------------------------------------------------------------
// Microsoft 365 / EOP headers

export interface DecodedField {
  key: string;
  value: string;
  /** Plain-words meaning from the knowledge base; undefined for undocumented fields. */
  meaning?: string;
}

export interface CompAuth {
  result: string;
  reason?: string;
  /** Meaning of the reason code from Microsoft's table. */
  meaning?: string;
}

export interface SkipListing {
  ip?: string;
  /** The HELO name of the recovered hop (not a sender domain). */
  helo?: string;
  fieldIndex: number;
  lines: LineRange;
}

export interface MicrosoftHeaders {
  forefront?: {
    fieldIndex: number;
    lines: LineRange;
    untrusted: boolean;
    fields: DecodedField[];
    cip?: string;
    country?: string;
    helo?: string;
    ptr?: string;
    scl?: number;
    sfv?: string;
    ipv?: string;
    cat?: string;
    dir?: string;
  };
  /** X-Forefront-Antispam-Report-Untrusted (the sending tenant's verdict), whenever present. */
  forefrontUntrusted?: MicrosoftHeaders['forefront'];
  antispam?: { fieldIndex: number; lines: LineRange; bcl?: number; pcl?: number; fields: DecodedField[] };
  mailboxDelivery?: { fieldIndex: number; lines: LineRange; dest?: string; destMeaning?: string; fields: DecodedField[] };
  compauth?: CompAuth & { fieldIndex: number; lines: LineRange };
  org: {
    authAs?: string;
    authSource?: string;
    authMechanism?: string;
    authMechanismMeaning?: string;
    scl?: number;
    directionality?: string;
  };
  skipListed?: SkipListing;
  externalOriginal?: SkipListing;
  crossTenantConnecting?: { tenantId?: string; ip?: string; helo?: string; fieldIndex: number; lines: LineRange };
  /** The receiving tenant (the newest X-MS-Exchange-CrossTenant-Id), lower-case. */
  crossTenantId?: { tenantId: string; fieldIndex: number; lines: LineRange };
  /** X-EOPTenantAttributedMessage's tenant, lower-case. */
  attributedTenantId?: string;
  /** X-MS-Exchange-CrossTenant-FromEntityHeader: Internet, Hosted, HybridOnPrem, ... */
  fromEntity?: string;
  /** X-Sender-IP: the address Exchange Online took the message from. */
  senderIp?: { ip: string; fieldIndex: number; lines: LineRange };
  originatorOrg?: string;
  /** Every field decoded from the X-MS-Exchange-Organization-* and X-MS-Exchange-CrossTenant-* family. */
  fields: Array<DecodedField & { fieldIndex: number; lines: LineRange }>;
}

// ---------------------------------------------------------------------------------------------
// Network knowledge

export type IpClass =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link-local'
  | 'cgnat'
  | 'documentation'
  | 'reserved'
  | 'unspecified'
  | 'multicast'
  | 'unique-local';

export interface IpInfo {
  ip: string;
  version: 4 | 6;
  class: IpClass;
  /** Provider networks the IP belongs to, e.g. "microsoft365", "google". */
  provider?: { id: string; name: string; range: string; source: string };
  /** Vendor networks (published gateway ranges), when known. */
  vendor?: { id: string; name: string; range: string; source: string };
}

export interface VendorMatch {
  id: string;
  name: string;
  /** Which independent signals matched (never HELO alone). */
  signals: Array<{ kind: 'rdns' | 'by-host' | 'header' | 'ip-range' | 'helo' | 'arc-sealer' | 'authserv-id'; detail: string }>;
  /** strong: rDNS/by-host/range/header evidence; weak: only the HELO claims it. */
  confidence: 'strong' | 'weak';
}

// ---------------------------------------------------------------------------------------------
// Trace

export type HopRole =
  | 'origin'
  | 'sender-internal'
  | 'gateway'
  | 'receiver-edge'
  | 'receiver-internal'
  | 'unknown';

export type ReceiverKind = 'exchange-online' | 'gmail' | 'other' | 'unknown';

export interface AuthSummary {
  spf?: string;
  dkim?: string;
  dmarc?: string;
  arc?: string;
  compauth?: string;
}

/** An authentication-related header attached to the hop that wrote it. */
export interface AuthStamp {
  kind:
    | 'authentication-results'
    | 'authentication-results-original'
    | 'x-ms-exchange-authentication-results'
    | 'arc-authentication-results'
    | 'arc-seal'
    | 'arc-message-signature'
    | 'received-spf'
    | 'dkim-signature'
    | 'skip-listed'
    | 'external-original';
  fieldIndex: number;
  lines: LineRange;
  hopIndex: number | null;
  /** Who wrote it (authserv-id, ARC d=, DKIM d=, or "Exchange Online"). */
  writer: string | null;
  /**
   * verdict: stamped by the receiving system itself (the only results that count);
   * claim: written further down (by a gateway or the sender);
   * forged: claims a trusted authserv-id but sits below the trust boundary.
   */
  trust: 'verdict' | 'claim' | 'forged';
  instance?: number;
  summary: AuthSummary;
}

export interface Hop {
  /** 0 = oldest hop. */
  index: number;
  fieldIndex: number;
  lines: LineRange;
  from: { helo?: string; rdns?: string; ip?: string };
  by: { host?: string };
  via?: string;
  protocol?: string;
  with?: ReceivedWith;
  tls: TlsInfo | null;
  id?: string;
  for?: string[];
  envelopeFrom?: string;
  timestamp: string | null;
  offsetMinutes: number | null;
  /** Milliseconds since the previous hop; null when either time is unknown. Negative = clock skew. */
  delayMs: number | null;
  clockSkew: boolean;
  role: HopRole;
  vendor?: VendorMatch;
  ipInfo?: IpInfo;
  /** Who operates the receiving side of this hop (the `by` host). */
  byOperator?: 'microsoft365' | 'google' | 'vendor' | 'other';
  /** The organisation that wrote this Received field (its `by` host's operator), as far as names tell. */
  writer?: HopWriter;
  /** Index into Facts.segments of the organisation segment this hop belongs to. */
  segment?: number;
  stamps: AuthStamp[];
  unparsed: string[];
  raw: string;
}

export interface TrustBoundary {
  receiver: ReceiverKind;
  receiverName: string | null;
  /** The hop where the receiving tenant took the message from outside; null when not found. */
  entryHopIndex: number | null;
  /** The connecting IP the receiver evaluated (what SPF and CIP: saw). */
  connectingIp: string | null;
  connectingHelo: string | null;
  /** Hops in front of the receiver that relayed the message (gateways, on-premises), oldest first. */
  relayHopIndexes: number[];
  /** Public IPs of those relays (what EFSkipIPs needs), deduplicated, oldest first. */
  relayIps: string[];
  /** The first untrusted hop's IP: the sender as seen by the first relay. */
  originalSenderIp: string | null;
  originalSenderHopIndex: number | null;
  /** How the boundary was found, in words (for tooltips and the explanation panel). */
  reasoning: string[];
  evidence: Evidence[];
}

// ---------------------------------------------------------------------------------------------
// Facts: who is who, decided once (src/core/facts). Rules, remedies, the CLI, compare, reports and
// the extension read these; none of them re-derives the receiver, the relays or the EFC state.

export type OrgKind = 'microsoft365' | 'google' | 'vendor' | 'other' | 'unknown';

/** The organisation a host name points at. A name is a label, never proof of who wrote a line. */
export interface HopWriter {
  kind: OrgKind;
  /** Stable key: "microsoft365", "google", "vendor:<id>", "domain:<registered domain>", "unknown". */
  org: string;
  /** Display name: "Microsoft 365", "Proofpoint", "example.org". */
  name: string;
  vendorId?: string;
}

export type EvidenceStrength = 'strong' | 'weak';

/**
 * Why a host in front of the receiver is taken for a relay of the recipient. Only what the receiver
 * (or an established relay of the recipient) recorded, the recipient's DNS, published vendor data
 * and the user's own settings count; HELO names and anything written below the entry never do.
 */
export type RelayEvidenceKind =
  /** The receiver skip-listed the connection: Enhanced Filtering is configured for it. */
  | 'skip-listed'
  /** The receiver attributed the connection to an inbound connector (authenticated as internal). */
  | 'connector'
  /** The receiver evaluated SPF on an older hop: its inbound-gateway setting skips this one. */
  | 'receiver-spf-skip'
  /** The recipient domain's MX points at this host (recorded or live DNS). */
  | 'mx'
  /** The user listed it as a trusted relay (setting or configuration file). */
  | 'trusted-relay'
  /** The receiver (or the established relay after it) recorded a reverse-DNS name for the address. */
  | 'receiver-ptr'
  /** The address is in a range the vendor publishes. */
  | 'vendor-range'
  /** The receiver's connection filter allow-lists the address (IPV:CAL). */
  | 'allow-list';

export interface RelayEvidence {
  kind: RelayEvidenceKind;
  strength: EvidenceStrength;
  /** In words, display-safe. */
  detail: string;
  evidence?: Evidence;
  /** Where a value came from: the configuration file or setting, the data source of a range. */
  source?: string;
}

/** A relay of the recipient: a host in front of the receiver that the recipient's side runs or uses. */
export interface RelayFact {
  /** The hop on whose sending side this relay is (the hop where it handed the message on). */
  hopIndex: number;
  ip: string | null;
  /** The name the receiver (or the next relay) recorded for it; the HELO only when nothing else. */
  host: string | null;
  hostIsHelo: boolean;
  vendor: { id: string; name: string } | null;
  evidence: RelayEvidence[];
  /** strong: something shows it is the recipient's (connector, skip-listing, MX, settings); weak: only whose it is. */
  strength: EvidenceStrength;
  /** True for the relay that connected to the receiver. */
  connecting: boolean;
}

export type SegmentRole = 'sender' | 'intermediary' | 'recipient-gateway' | 'recipient';

/** Consecutive hops written by one organisation. */
export interface Segment {
  role: SegmentRole;
  /** HopWriter.org of the hops (or "list:<id>" / "forwarder:<domain>" for intermediaries). */
  org: string;
  /** Display name: "Exchange Online", "Proofpoint", "northwindtraders.com", "mailing list …". */
  name: string;
  kind: OrgKind | 'mailing-list' | 'forwarder';
  /** Oldest and newest hop index of the segment (inclusive). */
  firstHop: number;
  lastHop: number;
  /** receiver: written by the receiver; relay: by an established relay of the recipient; claimed: below both, the sender's word. */
  trust: 'receiver' | 'relay' | 'claimed';
  detail?: string;
}

export type ReceiverRecordKind = 'auth-results' | 'received-spf' | 'x-sender-ip' | 'cip';

/** Something the receiver wrote about the connection it took the message from. */
export interface ReceiverRecord {
  kind: ReceiverRecordKind;
  ip: string;
  /** True when the address is the entry hop's sending address (or, with Enhanced Filtering, the recovered one). */
  agrees: boolean;
  evidence: Evidence;
}

export type Cloud = 'worldwide' | 'gcc-high' | 'dod' | '21vianet';

export interface ReceiverFacts {
  kind: ReceiverKind;
  /** "Exchange Online", "Gmail", or the receiving host's organisation. */
  name: string | null;
  /** HopWriter.org of the newest Received field's author. */
  org: string | null;
  /** The newest Received hop (the final delivery); null without Received fields. */
  newestHopIndex: number | null;
  /** Exchange Online: the recipient's tenant (the receiver's own X-MS-Exchange-CrossTenant-Id). */
  tenantId: string | null;
  /** A consumer mailbox (Outlook.com / Hotmail, gmail.com): no connectors, no gateway of its own. */
  consumer: boolean;
  consumerReason: string | null;
  /** Exchange Online: which Microsoft cloud, from the receiver's host names. */
  cloud: Cloud | null;
  /** The tenant's accepted domains the receiver named (EOP's bare tokens in its own results). */
  acceptedDomains: string[];
}

export interface EntryFacts {
  /** The hop where the receiver took the message from outside; null when not found. */
  hopIndex: number | null;
  connectingIp: string | null;
  /**
   * The address the receiver evaluated (what its own records name): the connecting address, or
   * the older one its inbound-gateway setting or Enhanced Filtering skipped to; null when unknown.
   */
  evaluatedIp: string | null;
  /** The name the connecting host gave (HELO): a label, not evidence. */
  connectingHelo: string | null;
  /** The receiver's own records of the connection. */
  records: ReceiverRecord[];
  /** True when at least one of the receiver's records names the entry's address. */
  anchored: boolean;
  /** Why the entry could not be placed or confirmed (reported as a problem, never guessed). */
  problem: string | null;
}

export type EfcState = 'not-applicable' | 'off' | 'active' | 'recipient-not-in-scope' | 'incomplete';

export interface EfcFacts {
  state: EfcState;
  /** The sender address Enhanced Filtering recovered (skip-listing headers), validated. */
  recoveredIp: string | null;
  why: string;
  evidence: Evidence[];
}

/** Exchange Online → elsewhere → the same tenant again: Enhanced Filtering does not support it. */
export interface NonLinearFacts {
  /** The older hop where Exchange Online first took the message from outside. */
  firstEntryHopIndex: number;
  /** The first hop after that written outside Microsoft 365 (the message left the service). */
  leftHopIndex: number;
  /** The hop where it came back (the receiver's entry). */
  backHopIndex: number;
  outsideHost: string;
  /** What shows the two passes are one tenant. */
  sameTenant: string;
}

export interface Intermediary {
  kind: 'mailing-list' | 'forwarder';
  /** "linux-kernel@vger.kernel.org", "Gmail forwarding", "example.org (SRS)". */
  name: string;
  /** The newest hop the intermediary wrote, when found on the route. */
  hopIndex: number | null;
  detail: string;
  evidence: Evidence[];
}

export type VerdictClass = 'authentic' | 'broken-in-transit' | 'never-authentic' | 'unknown';

export interface VerdictFacts {
  class: VerdictClass;
  /** never-authentic: nothing authenticated the From domain (spoof), or something passed for another domain (misaligned). */
  kind: 'spoof' | 'misaligned' | null;
  /** One line, display-safe. */
  summary: string;
  /** broken-in-transit: the hop where it broke (a pass before it, a failure after it). */
  breakHopIndex: number | null;
  /** broken-in-transit: who changed it ("the Proofpoint gateway …"). */
  brokenBy: string | null;
  reasons: string[];
  evidence: Evidence[];
}

export interface Facts {
  receiver: ReceiverFacts;
  entry: EntryFacts;
  /** Oldest first. */
  segments: Segment[];
  /** Relays of the recipient in front of the receiver, oldest first (the connecting one last). */
  relays: RelayFact[];
  /** The first host the recipient's side took the message from (the entry's sender when there are no relays). */
  originalSender: { hopIndex: number; ip: string | null; host: string | null } | null;
  /** The message came from another Microsoft 365 tenant's outbound servers. */
  senderTenant: { hopIndex: number; tenantId: string | null } | null;
  intermediaries: Intermediary[];
  nonLinear: NonLinearFacts | null;
  /** The recipient organisation's domains and where they came from (never guessed from From = To). */
  ownDomains: { domains: string[]; source: 'settings' | 'tenant' | 'none' };
  efc: EfcFacts;
  verdict: VerdictFacts;
  /** How the route was judged, in words (tooltips, the explanation panel, the CLI). */
  reasoning: string[];
}

// ---------------------------------------------------------------------------------------------
// Verification

export type DnsMode = 'off' | 'recorded' | 'live';

export interface DnsLookup {
  name: string;
  type: string;
  outcome: 'answer' | 'nxdomain' | 'nodata' | 'offline' | 'error';
  answer?: unknown;
  error?: string;
}

export interface DkimCheck {
  fieldIndex: number;
  lines: LineRange;
  domain?: string;
  selector?: string;
  /** What we found, in one word. */
  status:
    | 'pass'
    | 'body-modified'
    | 'header-modified'
    | 'key-missing'
    | 'not-verifiable-offline'
    | 'expired'
    | 'invalid'
    | 'error';
  bodyHashOk: boolean | null;
  bodyHashExpected?: string;
  bodyHashComputed?: string;
  /** Bytes of body not covered by l=. */
  unsignedTailBytes?: number;
  aligned?: boolean;
  detail: string;
  /** A second signature by a gateway vendor. */
  vendorResign?: string;
}

export interface ArcInstanceCheck {
  instance: number;
  sealer?: string;
  cv?: string;
  seal: 'pass' | 'fail' | 'not-verifiable-offline' | 'missing';
  ams: 'pass' | 'fail' | 'body-modified' | 'not-verifiable-offline' | 'missing';
  bodyHashOk: boolean | null;
  detail: string;
}

export interface SpfWhatIf {
  domain?: string;
  ip: string;
  role: 'original-sender' | 'connecting-relay';
  result: string;
  detail: string;
}

export interface Verification {
  dnsMode: DnsMode;
  dkim: DkimCheck[];
  arc: { instances: ArcInstanceCheck[]; chain: string; detail: string } | null;
  spf: SpfWhatIf[];
  dmarc: {
    fromDomain?: string;
    policy?: string;
    alignment: { spf?: 'strict' | 'relaxed'; dkim?: 'strict' | 'relaxed' };
    result?: string;
    detail: string;
  } | null;
  lookups: DnsLookup[];
  /** The recipient domains' MX hosts and their addresses (only when DNS was allowed). */
  mx?: Array<{ domain: string; hosts: Array<{ exchange: string; priority: number; addresses: string[] }> }>;
  /** Addresses a relay's vendor publishes in DNS (only when DNS was allowed): see verify/vendor-dns.ts. */
  vendorRanges?: VendorDnsRanges[];
  notes: string[];
  /** What the body shows about changes made in transit (filled when the body was read). */
  bodyHints?: BodyHints;
}

/** The sending addresses a gateway vendor publishes at one DNS name, as looked up for this message. */
export interface VendorDnsRanges {
  vendorId: string;
  /** The DNS name the vendor's documentation gives. */
  name: string;
  /** IP addresses and CIDR blocks, normalised, in the order found. */
  ranges: string[];
  /** The relays of this message (by the vendor) whose address is inside one of the ranges. */
  covers: string[];
  /** False when a lookup failed or a limit stopped the expansion: the list may miss addresses. */
  complete: boolean;
}

/** Traces of gateway changes found in the body, used to name the cause of a body-hash failure. */
export interface BodyHints {
  /** Link hosts of URL-rewriting services (e.g. urldefense.com), with the vendor id when known. */
  rewrittenUrlHosts: Array<{ host: string; vendorId?: string; count: number }>;
  /** Inserted warning banners / disclaimers / footers: the text (cut to 200 characters) and where. */
  banners: Array<{ text: string; position: 'top' | 'bottom' | 'unknown'; vendorId?: string }>;
}

// ---------------------------------------------------------------------------------------------
// Findings and remedies

export interface Finding {
  /** Stable rule id, e.g. "spf-evaluated-on-relay". */
  id: string;
  severity: Severity;
  message: string;
  hopIndex: number | null;
  evidence: Evidence[];
  /** Key into the explanation texts. */
  explanation: string;
  /** Ids of remedies that fix this finding. */
  remedies: string[];
}

export type RemedyKind = 'efc' | 'lockdown' | 'arc' | 'gmail' | 'relay' | 'cleanup';

export interface Remedy {
  id: string;
  kind: RemedyKind;
  title: string;
  /** Ready-to-paste text (PowerShell or a settings checklist). */
  text: string;
  language: 'powershell' | 'markdown' | 'text' | 'dns';
  parameters: Record<string, unknown>;
  /** Whether this remedy fits this message best among alternatives, and why. */
  recommended?: boolean;
  why?: string;
  caveats: string[];
  preChecks: string[];
  rollback: string[];
  verify: string[];
  /** Values seen in the message but left out (with why), e.g. private IPs, invalid addresses. */
  omitted: Array<{ value: string; reason: string }>;
}

// ---------------------------------------------------------------------------------------------
// Analysis

export interface MessageSummary {
  subject?: string;
  from?: string;
  fromDomain?: string;
  to: string[];
  cc: string[];
  date?: string;
  messageId?: string;
  returnPath?: string;
  /** Addresses the message was delivered to (To/Cc plus Received `for` clauses), deduplicated. */
  recipients: string[];
}

export interface Analysis {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: string; version: string };
  input: {
    name?: string;
    byteLength: number;
    lineCount: number;
    eol: Eol;
    mixedEol: boolean;
    hasSeparator: boolean;
    bodyStartLine: number;
    bodyStartByte: number;
    /** True when only headers were analysed (no body, or above the size limit). */
    headersOnly: boolean;
  };
  summary: MessageSummary;
  headers: HeaderField[];
  hops: Hop[];
  boundary: TrustBoundary;
  /** Who is who, decided once (receiver, entry, segments, relays with evidence, EFC state, verdict class). */
  facts: Facts;
  stamps: AuthStamp[];
  authResults: Array<{ fieldIndex: number; lines: LineRange; header: string; parsed: AuthResultsHeader }>;
  receivedSpf: Array<{ fieldIndex: number; lines: LineRange; parsed: ReceivedSpf }>;
  dkimSignatures: DkimSignatureInfo[];
  arcSets: ArcSetInfo[];
  microsoft: MicrosoftHeaders | null;
  vendors: VendorMatch[];
  verification: Verification | null;
  findings: Finding[];
  remedies: Remedy[];
  problems: ParseProblem[];
}

export interface AnalyzeOptions {
  /** Display name of the input (file name). */
  name?: string;
  /** Trusted relays: IPs, CIDRs, a-b ranges or host patterns (`*.example.net`). */
  trustedRelays?: string[];
  /** Where trustedRelays came from, in the user's words (shown next to every address it adds). */
  trustedRelaysSource?: string;
  /** authserv-ids whose results count as the receiver's verdicts, besides EOP and mx.google.com. */
  trustedAuthservIds?: string[];
  /** The receiving organisation's domains (helps find the trust boundary). */
  receivingDomains?: string[];
  /** Threshold for the slow-hop finding, in milliseconds. */
  slowHopMs?: number;
  /** Maximum hops to trace; beyond it the rest is reported as a problem. */
  maxHops?: number;
  /** Maximum header fields to read (default 20,000); beyond it the rest is reported as a problem. */
  maxHeaderFields?: number;
}
