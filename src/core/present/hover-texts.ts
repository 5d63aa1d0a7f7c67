/**
 * Our own words about header fields, authentication results, result comments, DKIM/ARC tags and
 * address classes: what the editor hovers say, kept here (beside the finding explanations) so the
 * extension, the CLI and the reports word the same thing the same way.
 *
 * Plain data and small look-ups: no 'vscode', no header text. Callers escape whatever they combine
 * these with.
 */
import type { AuthSummary, HopRole, IpClass } from '../types';
import { resultMeaning } from './verdicts';

/** What a header field is, by lower-cased name. */
export const HEADER_WORDS: Readonly<Record<string, string>> = {
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
  date: "When the author submitted the message (the sender's clock).",
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


/** One line per result that did not pass ("dmarc=permerror: the From domain's DMARC record…"). */
export function explainNonPassing(s: AuthSummary): string[] {
  const out: string[] = [];
  for (const k of ['spf', 'dkim', 'dmarc', 'arc', 'compauth'] as const) {
    const v = s[k]?.toLowerCase();
    if (!v || v === 'pass') continue;
    const words = resultMeaning(k, v);
    if (words) out.push(`${k}=${v}: ${words}`);
  }
  return out;
}

/** Well-known comments after a result (matched lower-case, as a substring) and what they mean. */
export const COMMENT_WORDS: ReadonlyArray<readonly [string, string]> = [
  [
    'body hash did not verify',
    'The DKIM body hash (bh=) no longer matches the body: the content changed after signing. Typical causes in a gateway route: an "[EXTERNAL]" banner or disclaimer, link rewriting for click-time protection, attachment handling, or MIME re-encoding by the gateway.',
  ],
  ['body hash mismatch', 'The ARC or DKIM body hash no longer matches the body: the content changed after that signature was made.'],
  [
    'signature did not verify',
    'The body hash matches but the signature over the headers does not: a signed header (listed in h=) changed after signing, for example a Subject tag or a rewritten From.',
  ],
  ['no key for signature', 'The public key was not found in DNS (selector._domainkey.domain): a DNS or selector problem, not a change in transit.'],
  ['message not signed', 'The message has no DKIM signature.'],
  ['signature was verified', 'The DKIM signature verified.'],
  ['sender ip is', "The IP address SPF was checked against: the system that connected to the receiver. If it is a gateway's address, SPF judged the gateway, not the original sender."],
  ['domain of', 'The receiver names the domain and the IP it checked.'],
];

export function commentMeaning(comment: string): string | undefined {
  const lc = comment.toLowerCase();
  return COMMENT_WORDS.find(([k]) => lc.includes(k))?.[1];
}

/** Authentication-Results properties (RFC 8601 `ptype.property`), in the order a hover lists them. */
export const RESULT_PROPERTY_WORDS: ReadonlyArray<readonly [string, string]> = [
  ['smtp.mailfrom', 'envelope sender checked by SPF'],
  ['smtp.helo', 'HELO name checked'],
  ['header.d', 'signing domain (d=)'],
  ['header.i', 'signing identity'],
  ['header.s', 'selector'],
  ['header.from', 'From domain DMARC aligned against'],
  ['smtp.remote-ip', 'connecting IP'],
];

/** DKIM-Signature / ARC tags. */
export const TAG_WORDS: Readonly<Record<string, string>> = {
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

/** Address classes in words. */
export const IP_CLASS_WORDS: Readonly<Record<IpClass, string>> = {
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

/** A hop's role in words ("a gateway or relay in front of the receiver"). */
export const HOP_ROLE_WORDS: Readonly<Record<HopRole, string>> = {
  origin: 'the sender',
  'sender-internal': "inside the sender's network",
  gateway: 'a gateway or relay in front of the receiver',
  'receiver-edge': "the receiver's edge",
  'receiver-internal': 'inside the receiving system',
  unknown: 'role unknown',
};

/** How much an authentication stamp counts, by its trust. */
export const STAMP_TRUST_WORDS = {
  verdict: "the receiver's own verdict: these results count",
  claim: 'a claim written before the receiver took the message: informative, not authoritative',
  forged: 'claims a trusted writer but sits below the trust boundary: likely forged, ignored',
} as const;
