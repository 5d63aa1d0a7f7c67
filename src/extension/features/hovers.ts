/**
 * Hovers on .eml headers: what a header is, what an IP or host is (private / public / Microsoft 365
 * / Google / gateway vendor, with the range and its source), what a decoded field means
 * (X-Forefront-Antispam-Report `SFV:SPM`, compauth reason codes, Authentication-Results results and
 * comments such as "body hash did not verify", DKIM/ARC tags).
 *
 * Everything derived from header text is escaped with escapeMarkdown, which first passes it
 * through displayText (src/core/present/text.ts: control and bidi characters dropped, line breaks
 * collapsed, length bounded); the MarkdownString is never trusted and never renders HTML or theme icons. The token under the cursor is found by scanning
 * characters (tokens.ts), never with a regular expression over the header.
 */
import * as vscode from 'vscode';
import type { Analysis, HeaderField, Hop, IpInfo } from '../../core/types';
import type { AnalysisStore } from '../api';
import { ipInfo, lookupProviderByHost, vendorByArcSealer, vendorByDkimDomain, vendorByHost, vendorsByHeaderName } from '../../core/net/kb';
import { normalizeIp } from '../../core/net/ip';
import {
  antispamFieldMeaning,
  compauthMeaning,
  forefrontFieldMeaning,
  mailboxDeliveryFieldMeaning,
  microsoftHeaderMeaning,
} from '../../core/parse/microsoft';
import { escapeMarkdown } from './html';
import { hostAt, ipCandidateAt, joinLines, parseResultSegment, positionOf, segmentAt, splitPair, type ResultSegment, type Span } from './tokens';

/** Fields longer than this are scanned on the hovered line only. */
const MAX_FIELD_CHARS = 64 * 1024;

// ---------------------------------------------------------------------------------------------
// Our own words about headers, results and tags

const HEADER_WORDS: Record<string, string> = {
  received:
    'Trace field: one relay added it when it accepted the message (from whom, by which host, when). Fields are prepended, so the topmost is the newest hop; read them bottom-up to follow the route.',
  'authentication-results':
    "Authentication results (RFC 8601): SPF, DKIM, DMARC, ARC and, at Microsoft 365, compauth, as judged by the system named first (the authserv-id). Only the results stamped by the final receiving system count; Microsoft 365's copy has no authserv-id.",
  'authentication-results-original':
    "An Authentication-Results field written by an earlier system (e.g. a gateway), renamed by Exchange Online when the message arrived. A claim, not the receiver's verdict.",
  'x-original-authentication-results': "An earlier system's Authentication-Results, kept under another name. A claim, not the receiver's verdict.",
  'arc-authentication-results': 'ARC (RFC 8617): a snapshot of the authentication results an intermediary saw, part of its ARC set (instance i=).',
  'arc-message-signature': 'ARC (RFC 8617): a DKIM-like signature over the message by an intermediary, for its ARC set (instance i=).',
  'arc-seal': 'ARC (RFC 8617): seals the ARC sets up to this instance; cv= says whether the chain before it validated (none, pass, fail).',
  'dkim-signature':
    'DKIM signature (RFC 6376): the domain in d= vouches for the headers listed in h= and the body hash bh=. Any change to those after signing breaks it.',
  'received-spf': 'The SPF result (RFC 7208) recorded by the receiving system, with the client IP and HELO it checked.',
  'return-path': 'The envelope sender (MAIL FROM) written at final delivery: SPF checks this domain.',
  from: 'The author address the reader sees. DMARC aligns SPF and DKIM against this domain.',
  sender: 'The mailbox that actually sent the message on behalf of From.',
  'reply-to': 'Where replies go.',
  to: 'Primary recipients as written by the sender.',
  cc: 'Copied recipients as written by the sender.',
  subject: "The message's subject. Gateways that tag it (\"[EXTERNAL]\") break DKIM if the sender signed it.",
  date: 'When the author submitted the message (the sender\'s clock).',
  'message-id': 'The unique identifier the sending system gave the message.',
  'delivered-to': 'The mailbox the message was delivered to (added at delivery).',
  'x-original-to': 'The recipient address before aliases were expanded (added at delivery).',
  'mime-version': 'Declares the MIME format of the body.',
  'content-type': 'The format of the body (multipart, text, HTML) and its boundary or character set.',
  'content-transfer-encoding': 'How the body is encoded for transport (7bit, quoted-printable, base64).',
  'list-unsubscribe': 'How to unsubscribe (bulk mail).',
  'x-ms-exchange-skiplistedinternetsender':
    'Enhanced Filtering for Connectors skipped the relays in front of Microsoft 365 and recovered this earlier hop (ip=[…]; domain= is its HELO name, not a sender domain).',
  'x-ms-exchange-externaloriginalinternetsender':
    'Enhanced Filtering for Connectors recovered the original sender (ip=[…]) and the recipient is in scope: SPF and reputation were evaluated on this address.',
};

const RESULT_WORDS: Record<string, Record<string, string>> = {
  spf: {
    pass: "the connecting IP is allowed by the envelope sender domain's SPF record.",
    fail: "the domain's SPF record says this IP is not allowed to send for it (-all).",
    softfail: "the domain's SPF record says this IP is probably not allowed (~all).",
    neutral: 'the SPF record makes no statement about this IP (?all).',
    none: 'the domain publishes no SPF record (or no domain to check).',
    temperror: 'a temporary DNS error stopped the check.',
    permerror: 'the SPF record is broken (syntax error or too many DNS lookups).',
  },
  dkim: {
    pass: 'the signature verified: the signed headers and the body are unchanged since signing.',
    fail: 'the signature did not verify (see the comment for why).',
    neutral: 'the signature could not be verified; Gmail reports a body hash mismatch this way.',
    none: 'the message carries no DKIM signature.',
    policy: 'the signature verified but the receiver does not accept it by policy.',
    temperror: 'a temporary error (usually DNS) stopped the check.',
    permerror: 'the signature is unusable (bad syntax, no key).',
  },
  dmarc: {
    pass: 'SPF or DKIM passed for a domain aligned with the From domain.',
    fail: 'neither SPF nor DKIM passed for a domain aligned with the From domain; the domain\'s policy (p=) applies.',
    bestguesspass: 'Exchange Online: the From domain has no DMARC record, but it would have passed if it had one.',
    none: 'the From domain publishes no DMARC record.',
    temperror: 'a temporary DNS error stopped the check.',
    permerror: 'the DMARC record is broken.',
  },
  arc: {
    pass: 'the ARC chain validated: the intermediaries\' seals are intact.',
    fail: 'the ARC chain is broken: a seal or signature did not verify, or a sealer reported cv=fail.',
    none: 'the message carries no ARC sets.',
  },
  iprev: {
    pass: 'the connecting IP has a reverse DNS name that resolves back to it.',
    fail: 'the reverse DNS of the connecting IP does not match.',
  },
};

/** Well-known comments after a result, lower-cased. */
const COMMENT_WORDS: Array<[string, string]> = [
  [
    'body hash did not verify',
    'The DKIM body hash (bh=) no longer matches the body: the content changed after signing. Typical causes in a gateway route: an "[EXTERNAL]" banner or disclaimer, link rewriting for click-time protection, attachment handling, or MIME re-encoding by the gateway.',
  ],
  ['body hash mismatch', 'The ARC or DKIM body hash no longer matches the body: the content changed after that signature was made.'],
  [
    'signature did not verify',
    'The body hash matches but the signature over the headers does not: a signed header (listed in h=) changed after signing, for example a Subject tag or a rewritten From.',
  ],
  ['no key for signature', "The public key was not found in DNS (selector._domainkey.domain): a DNS or selector problem, not a change in transit."],
  ['message not signed', 'The message has no DKIM signature.'],
  ['signature was verified', 'The DKIM signature verified.'],
  ['sender ip is', "The IP address SPF was checked against: the system that connected to the receiver. If it is a gateway's address, SPF judged the gateway, not the original sender."],
  ['domain of', 'The receiver names the domain and the IP it checked.'],
];

const DMARC_ACTIONS: Record<string, string> = {
  none: 'no action from DMARC (policy p=none, or passed).',
  oreject: "the domain's p=reject was honoured as 'send to Junk' instead of rejecting (Exchange Online).",
  'o.reject': "the domain's p=reject was honoured as 'send to Junk' instead of rejecting (Exchange Online).",
  'pct.quarantine': 'the pct= sampling chose not to apply the quarantine policy to this message.',
  'pct.reject': 'the pct= sampling chose not to apply the reject policy to this message.',
  quarantine: "the domain's quarantine policy applies: the message goes to Junk or quarantine.",
  reject: "the domain's reject policy applies.",
  permerror: 'the DMARC record could not be used.',
  temperror: 'a temporary DNS error.',
};

const TAG_WORDS: Record<string, string> = {
  v: 'Version of the signature format.',
  a: 'Signing algorithm (e.g. rsa-sha256, ed25519-sha256).',
  c: 'Canonicalization header/body: "relaxed" tolerates whitespace and case changes, "simple" almost none.',
  d: 'Signing domain: where the public key lives and the domain the signature vouches for (DMARC alignment compares it with From).',
  s: 'Selector: the key is published at <selector>._domainkey.<d=>.',
  t: 'Signature timestamp (seconds since 1970).',
  x: 'Expiry (seconds since 1970): after it the signature counts as invalid.',
  h: 'Signed header fields: changing any of them after signing breaks the signature.',
  bh: 'Body hash: the hash of the (canonicalized) body when it was signed. A mismatch means the body changed.',
  b: 'The signature itself.',
  l: 'Body length limit: only the first l bytes of the body are covered; text appended after it does not break the signature.',
  i: 'DKIM: the agent or user identity. ARC: the instance number of this ARC set (1 = the first intermediary).',
  q: 'Key query method (dns/txt).',
  z: 'Copied header fields (diagnostics).',
  cv: 'Chain validation: none (first instance), pass (the chain before this sealer validated) or fail (it did not; the chain is broken for everyone downstream).',
};

const IP_CLASS_WORDS: Record<IpInfo['class'], string> = {
  public: 'public internet address',
  private: 'private address (RFC 1918): internal network, never seen on the internet. Enhanced Filtering skips these hops by itself and does not accept them in EFSkipIPs',
  loopback: 'loopback address (the host talking to itself, e.g. a content filter on the same machine)',
  'link-local': 'link-local address (same network segment only)',
  cgnat: 'shared address space (RFC 6598, carrier-grade NAT): not routable on the internet',
  documentation: 'documentation address (RFC 5737 / RFC 3849): used in examples, never on the internet',
  reserved: 'reserved address: not routable on the internet',
  unspecified: 'unspecified address',
  multicast: 'multicast address',
  'unique-local': 'unique local IPv6 address (fc00::/7): internal network',
};

// ---------------------------------------------------------------------------------------------
// Markdown assembly: only our literals as Markdown, everything else escaped

class Md {
  private readonly parts: string[] = [];
  /** A bold heading followed by an escaped value. */
  head(label: string, value?: string): this {
    this.parts.push(`**${escapeMarkdown(label, 120)}**${value ? ` ${escapeMarkdown(value, 300)}` : ''}`);
    return this;
  }
  /** A paragraph of escaped text. */
  text(value: string, max = 1200): this {
    if (value) this.parts.push(escapeMarkdown(value, max));
    return this;
  }
  /** "*Label:* value" line, all escaped. */
  field(label: string, value: string | undefined, max = 600): this {
    if (value) this.parts.push(`*${escapeMarkdown(label, 80)}:* ${escapeMarkdown(value, max)}`);
    return this;
  }
  merge(other: Md): this {
    this.parts.push(...other.parts);
    return this;
  }
  rule(): this {
    if (this.parts.length) this.parts.push('---');
    return this;
  }
  get empty(): boolean {
    return this.parts.filter((p) => p !== '---').length === 0;
  }
  build(): vscode.MarkdownString {
    while (this.parts[this.parts.length - 1] === '---') this.parts.pop();
    const md = new vscode.MarkdownString(this.parts.join('\n\n'), false);
    md.isTrusted = false;
    md.supportHtml = false;
    md.supportThemeIcons = false;
    return md;
  }
}

// ---------------------------------------------------------------------------------------------
// Content builders (exported for the tests through the provider)

function describeIp(md: Md, raw: string, a: Analysis | undefined): boolean {
  const ip = normalizeIp(raw);
  if (!ip) return false;
  const info = ipInfo(ip);
  if (!info) return false;
  md.head(`IPv${info.version} address`, ip);
  md.field('Class', IP_CLASS_WORDS[info.class] ?? info.class);
  if (info.provider) md.field('Network', `${info.provider.name} (range ${info.provider.range}; source: ${info.provider.source})`);
  if (info.vendor) md.field('Gateway vendor', `${info.vendor.name} (published range ${info.vendor.range}; source: ${info.vendor.source})`);
  if (a) {
    const roles: string[] = [];
    if (a.boundary.connectingIp === ip) roles.push(`the connecting IP ${a.boundary.receiverName ?? 'the receiver'} evaluated (what SPF and CIP: saw)`);
    if (a.boundary.relayIps.includes(ip)) roles.push('a relay in front of the receiver (a candidate for EFSkipIPs when public)');
    if (a.boundary.originalSenderIp === ip) roles.push('the original sender as seen by the first relay');
    const hops = a.hops.filter((h) => h.from.ip === ip).map((h) => `hop ${h.index + 1} (${h.role})`);
    if (hops.length) roles.push(`sender side of ${hops.slice(0, 4).join(', ')}`);
    if (roles.length) md.field('In this message', roles.join('; '));
  }
  return true;
}

function describeHost(md: Md, host: string): boolean {
  const vendor = vendorByHost(host);
  const provider = lookupProviderByHost(host);
  if (!vendor && !provider) return false;
  md.head('Host', host);
  if (provider) md.field('Provider', `${provider.name}: ${provider.purpose} (pattern ${provider.pattern}; source: ${provider.source})`);
  if (vendor) {
    md.field('Gateway vendor', `${vendor.name} (pattern ${vendor.matched}; ${vendor.weight} signal${vendor.verified ? '' : ', unverified'}; source: ${vendor.source})`);
    if (vendor.note) md.text(vendor.note);
  }
  return true;
}

function hopOfField(a: Analysis, fieldIndex: number): Hop | undefined {
  return a.hops.find((h) => h.fieldIndex === fieldIndex);
}

const ROLE_WORDS: Record<Hop['role'], string> = {
  origin: 'the sender',
  'sender-internal': "inside the sender's network",
  gateway: 'a gateway or relay in front of the receiver',
  'receiver-edge': "the receiver's edge",
  'receiver-internal': 'inside the receiving system',
  unknown: 'role unknown',
};

function describeHeaderName(md: Md, field: HeaderField, a: Analysis): void {
  const key = field.key;
  md.head('Header', field.name);
  const ms = microsoftHeaderMeaning(key, key.startsWith('x-ms-exchange-organization-') ? field.unfolded : undefined);
  const own = HEADER_WORDS[key];
  if (own) md.text(own);
  if (ms && !own) md.text(ms);
  else if (ms && own && key.startsWith('x-ms-')) md.text(ms);
  if (key === 'received') {
    const hop = hopOfField(a, field.index);
    if (hop) {
      const who = hop.vendor?.name ?? hop.from.rdns ?? hop.from.helo ?? hop.from.ip ?? 'an unknown host';
      md.field(`Hop ${hop.index + 1} of ${a.hops.length} (oldest first)`, `${ROLE_WORDS[hop.role]}: from ${who} to ${hop.by.host ?? 'an unknown host'}`);
      if (a.boundary.entryHopIndex === hop.index) md.text(`This is where ${a.boundary.receiverName ?? 'the receiver'} took the message from outside (the trust boundary).`);
    }
  }
  const stamp = a.stamps.find((s) => s.fieldIndex === field.index);
  if (stamp) {
    const trust =
      stamp.trust === 'verdict'
        ? "the receiver's own verdict: these results count"
        : stamp.trust === 'forged'
          ? 'claims a trusted writer but sits below the trust boundary: likely forged, ignored'
          : 'a claim written before the receiver took the message: informative, not authoritative';
    md.field('Written by', `${stamp.writer ?? 'unknown'}, ${trust}`);
  }
  const vendors = vendorsByHeaderName(field.name);
  if (vendors.length) {
    const v = vendors[0];
    md.field('Vendor fingerprint', `${v.name} writes this header (${v.weight}${v.weight === 'supporting' ? ': needs another signal' : ''}; source: ${v.source})`);
  }
  if (md.empty) md.text('No description for this header.');
}

function describeResult(md: Md, r: ResultSegment): boolean {
  const words = RESULT_WORDS[r.method]?.[r.result];
  if (r.method === 'compauth') {
    md.head('compauth', r.result + (r.reason ? ` reason=${r.reason}` : ''));
    md.text("Microsoft 365's composite authentication: its overall verdict on whether the From domain is genuine, from SPF, DKIM, DMARC, ARC and its own signals.");
    md.field('Meaning', compauthMeaning(r.result, r.reason));
  } else {
    md.head(r.method, r.result);
    if (words) md.field('Meaning', words);
    else if (r.method.length) md.field('Meaning', `result "${r.result}" of the ${r.method} check`);
  }
  for (const c of r.comments.slice(0, 4)) {
    const lc = c.toLowerCase();
    const hit = COMMENT_WORDS.find(([k]) => lc.includes(k));
    md.field('Comment', c, 200);
    if (hit) md.text(hit[1]);
  }
  const action = r.props['action'];
  if (action) md.field(`action=${action}`, DMARC_ACTIONS[action.toLowerCase()] ?? 'not a documented action value');
  const propLabels: Record<string, string> = {
    'smtp.mailfrom': 'envelope sender checked by SPF',
    'smtp.helo': 'HELO name checked',
    'header.d': 'signing domain (d=)',
    'header.i': 'signing identity',
    'header.s': 'selector',
    'header.from': 'From domain DMARC aligned against',
    'smtp.remote-ip': 'connecting IP',
  };
  for (const [k, label] of Object.entries(propLabels)) if (r.props[k]) md.field(label, r.props[k], 200);
  return true;
}

const AUTH_RESULT_KEYS = new Set([
  'authentication-results',
  'authentication-results-original',
  'x-ms-exchange-authentication-results',
  'arc-authentication-results',
  'original-authentication-results',
  'x-original-authentication-results',
]);

const PAIR_HEADERS: Record<string, (k: string, v: string) => string | undefined> = {
  'x-forefront-antispam-report': forefrontFieldMeaning,
  'x-forefront-antispam-report-untrusted': forefrontFieldMeaning,
  'x-microsoft-antispam': antispamFieldMeaning,
  'x-microsoft-antispam-untrusted': antispamFieldMeaning,
  'x-microsoft-antispam-mailbox-delivery': mailboxDeliveryFieldMeaning,
};

const TAG_HEADERS = new Set(['dkim-signature', 'arc-seal', 'arc-message-signature']);

export interface HoverHit {
  md: vscode.MarkdownString;
  /** Range of the token the hover is about. */
  range: vscode.Range;
}

/** Binary search of the header field on a line. */
export function fieldAtLine(a: Analysis, line: number): HeaderField | undefined {
  const hs = a.headers;
  let lo = 0;
  let hi = hs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const f = hs[mid];
    if (line < f.lines.startLine) hi = mid - 1;
    else if (line > f.lines.endLine) lo = mid + 1;
    else return f;
  }
  return undefined;
}

/** The hover for a position in a message document, or undefined. */
export function hoverAt(document: vscode.TextDocument, position: vscode.Position, a: Analysis): HoverHit | undefined {
  if (position.line >= a.input.bodyStartLine || position.line >= document.lineCount) return undefined;
  const field = fieldAtLine(a, position.line);
  if (!field || field.invalid || !field.name) return undefined;
  const endLine = Math.min(field.lines.endLine, document.lineCount - 1);
  const firstLine = document.lineAt(field.lines.startLine).text;
  // the analysis may lag behind an edit: only trust it when the field still starts where it says
  if (!firstLine.toLowerCase().startsWith(field.key + ':') && !firstLine.toLowerCase().startsWith(field.key + ' ')) return undefined;

  // the field's text, or the hovered line alone for a giant field
  let lines: string[] = [];
  let base = field.lines.startLine;
  let total = 0;
  for (let l = field.lines.startLine; l <= endLine; l++) {
    total += document.lineAt(l).text.length + 1;
    if (total > MAX_FIELD_CHARS) break;
  }
  if (total > MAX_FIELD_CHARS) {
    lines = [document.lineAt(position.line).text.slice(0, MAX_FIELD_CHARS)];
    base = position.line;
  } else {
    for (let l = field.lines.startLine; l <= endLine; l++) lines.push(document.lineAt(l).text);
  }
  const { text, starts } = joinLines(lines);
  const rel = position.line - base;
  const offset = starts[rel] + Math.min(position.character, lines[rel].length);
  const toRange = (s: Span) => {
    const p1 = positionOf(starts, s.start);
    const p2 = positionOf(starts, s.end);
    return new vscode.Range(base + p1.line, p1.character, base + p2.line, p2.character);
  };

  // on the field name
  const colon = base === field.lines.startLine ? firstLine.indexOf(':') : -1;
  if (colon > 0 && rel === 0 && position.character <= colon) {
    const md = new Md();
    describeHeaderName(md, field, a);
    return { md: md.build(), range: new vscode.Range(field.lines.startLine, 0, field.lines.startLine, colon) };
  }
  const valueStart = colon > 0 ? colon + 1 : 0;
  const md = new Md();
  let range: vscode.Range | undefined;

  // decoded KEY:value pairs (Microsoft anti-spam headers)
  const pairMeaning = PAIR_HEADERS[field.key];
  if (pairMeaning) {
    const seg = segmentAt(text, offset, ';');
    if (seg && seg.start >= valueStart) {
      const pair = splitPair(seg.text, ':');
      if (pair) {
        const meaning = pairMeaning(pair.key, pair.value);
        md.head(`${field.name} · ${pair.key.toUpperCase()}`, pair.value || '(empty)');
        md.text(meaning ?? 'Not a documented field (Microsoft says undocumented fields are for its anti-spam team).');
        if (field.key.endsWith('-untrusted')) md.text("Note: this is the -Untrusted copy, the sending tenant's verdict, not the receiver's.");
        range = toRange(seg);
      }
    }
  }

  // Authentication-Results family: the result part under the cursor
  if (AUTH_RESULT_KEYS.has(field.key)) {
    const seg = segmentAt(text, offset, ';', true);
    if (seg && seg.start >= valueStart) {
      const r = parseResultSegment(seg.text);
      if (r && describeResult(md, r)) range = toRange(seg);
    }
    const stamp = a.stamps.find((s) => s.fieldIndex === field.index);
    if (stamp && !md.empty) {
      md.field(
        'Counts?',
        stamp.trust === 'verdict' ? "yes: the receiver's own verdict" : stamp.trust === 'forged' ? 'no: looks forged (below the trust boundary)' : `no: a claim by ${stamp.writer ?? 'an earlier system'}`,
      );
    }
  }

  if (field.key === 'received-spf') {
    const first = text.slice(valueStart).trimStart();
    let end = 0;
    while (end < first.length && end < 40 && ((first.charCodeAt(end) | 0x20) >= 0x61 && (first.charCodeAt(end) | 0x20) <= 0x7a)) end++;
    const result = first.slice(0, end).toLowerCase();
    const words = RESULT_WORDS.spf[result];
    if (words) {
      md.head('SPF', result);
      md.field('Meaning', words);
    }
  }

  // DKIM / ARC tags
  if (TAG_HEADERS.has(field.key)) {
    const seg = segmentAt(text, offset, ';');
    if (seg && seg.start >= valueStart) {
      const pair = splitPair(seg.text, '=');
      if (pair) {
        const tag = pair.key.toLowerCase();
        const words = TAG_WORDS[tag];
        md.head(`${field.name} · ${tag}=`, tag === 'b' || tag === 'bh' ? undefined : pair.value.slice(0, 200));
        md.text(words ?? 'Not a standard tag.');
        if (tag === 'd') {
          const v = field.key === 'arc-seal' ? vendorByArcSealer(pair.value) : vendorByDkimDomain(pair.value);
          if (v) md.field('Vendor', `${v.name} (${field.key === 'arc-seal' ? 'ARC sealer' : 'signs with this domain'}; source: ${v.source})`);
        }
        range = toRange(seg);
      }
    }
  }

  // Other Microsoft headers with documented values (X-MS-Exchange-Organization-*)
  if (md.empty && field.key.startsWith('x-ms-exchange-')) {
    const meaning = microsoftHeaderMeaning(field.key, field.unfolded);
    if (meaning) {
      md.head(field.name);
      md.text(meaning);
    }
  }

  // the IP or host under the cursor, in any header
  const ipSpan = ipCandidateAt(text, offset);
  const tokenMd = new Md();
  let tokenRange: vscode.Range | undefined;
  if (ipSpan && describeIp(tokenMd, ipSpan.text, a)) tokenRange = toRange(ipSpan);
  else {
    const host = hostAt(text, offset);
    if (host && host.start >= valueStart && describeHost(tokenMd, host.text)) tokenRange = toRange(host);
  }
  if (tokenRange) {
    // the token first: it is what the cursor is on; the surrounding result or field after it
    const out = new Md();
    out.merge(tokenMd);
    if (!md.empty) {
      out.rule();
      out.merge(md);
    }
    return { md: out.build(), range: tokenRange };
  }
  if (md.empty) return undefined;
  return { md: md.build(), range: range ?? document.getWordRangeAtPosition(position) ?? new vscode.Range(position, position) };
}

export class EmlHoverProvider implements vscode.HoverProvider {
  constructor(private readonly store: AnalysisStore) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const a = this.store.get(document.uri) ?? (await this.store.analyze(document));
    if (!a || token.isCancellationRequested) return undefined;
    const hit = hoverAt(document, position, a);
    return hit ? new vscode.Hover(hit.md, hit.range) : undefined;
  }
}

export function registerHovers(store: AnalysisStore): vscode.Disposable {
  return vscode.languages.registerHoverProvider({ language: 'eml' }, new EmlHoverProvider(store));
}
