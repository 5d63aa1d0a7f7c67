/**
 * Received field parser (RFC 5321 §4.4 and the shapes real MTAs write).
 *
 *   from <HELO> (<comment: rDNS, [IP], ident, helo=, HELO x, ...>) by <host> (<comment>)
 *   via <link> with <protocol> id <id> for <addr> ; <date>
 *
 * The value is split by a hand-written tokenizer into words, parenthesised comments (nesting
 * allowed), bracketed literals, angle addresses and ';'. Parenthesis pairs and the next ']' / '>'
 * are precomputed in single passes, so tokenizing is linear even for hostile input (a megabyte of
 * '(' or '[' or "from "). Clauses may come in any order. Anything that is not understood is kept in
 * `unparsed`, never dropped.
 *
 * Vendor knowledge encoded here (which name is the HELO and which the reverse-DNS name):
 *  - Postfix/Sendmail/Courier/Gmail: `from HELO (rDNS [IP])`; "unknown" means no rDNS.
 *  - Exim: `from rDNS ([IP]:port helo=HELO)`; the name is the verified rDNS and helo= appears only
 *    when it differs; `from [IP] (helo=HELO)` without rDNS.
 *  - qmail: `from rDNS (HELO helo) (ident@IP)`; "unknown" when there is no rDNS; HELO omitted when
 *    it equals the rDNS name.
 *  - CommuniGate: `from NAME ([IP] verified)` (NAME verified by rDNS), `from [IP] (HELO name)`.
 *  - Exchange / Exchange Online: `from HELO (IP) by HOST (IP) with Microsoft SMTP Server` — bare IP
 *    in parentheses, no rDNS; `(::1)` and `(fe80::…%13)` for the server talking to itself.
 *  - zmailer (vger.kernel.org): `from rDNS ([IP]:port "EHLO helo" rhost-flags-OK-OK-OK-OK) by …
 *    (ORCPT <rfc822;rcpt>)`, and the list expansion `(majordomo@vger.kernel.org) by vger.kernel.org
 *    via listexpand id …`: the leading `(user@host)` is the local sender (from.ident); an ORCPT
 *    address is a recipient (for).
 *  - Mimecast: `from HELO (rDNS [IP])`, or `(IP [IP])` when the address has no reverse DNS.
 *  - qmail's own line `(qmail 123 invoked by uid 89)` / `(qmail 123 invoked from network)`.
 *  - Forcepoint Email writes its product name in place of the host: `by Forcepoint Email with …`.
 *  - Over HTTP (webmail, mail APIs) there is no HELO: SquirrelMail `from rDNS-or-IP (SquirrelMail
 *    authenticated user x)`, CommuniGate `from [IP] (account x)`, the Gmail API `from 4294… named
 *    unknown by gmailapi.google.com with HTTPREST`, Yahoo `from IP by … pod-id NONE with HTTPS`.
 *    HTTP, `…SA`/`…A` protocols and "(authenticated as …)" set with.authenticated.
 * The date ends the field: what follows it is reported, never taken as a recipient.
 */
import type { MailDate, ReceivedFrom, ReceivedInfo, ReceivedWith, TlsInfo } from '../types';
import { parseIp } from '../net/ip';
import { looksLikeDateStart, mailDateOf, scanMailDate } from './date';

/** Only this much of a value is tokenized; the rest (never seen in real mail) goes to unparsed. */
const MAX_PARSE = 65536;
/** Comments longer than this are not run through the classifiers. */
const MAX_CLASSIFY = 600;

type TokKind = 'word' | 'comment' | 'bracket' | 'angle' | 'semi' | 'junk';

interface Tok {
  k: TokKind;
  /** Start and end offsets in the working text. */
  s: number;
  e: number;
  /** word: the word; comment/bracket/angle: the inner text; semi/junk: the text. */
  v: string;
}

interface Ctx {
  /** Working text: the unfolded value with control characters turned into spaces (same offsets as raw). */
  w: string;
  raw: string;
  parenMatch: Int32Array;
  nextRB: Int32Array;
  nextGT: Int32Array;
}

const KEYWORDS = new Set(['from', 'by', 'via', 'with', 'id', 'for']);

function isSpaceCode(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** RFC 5322 unfolding: a line break followed by whitespace is removed; any other line break becomes a space. */
function unfold(value: string): string {
  const parts: string[] = [];
  let last = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c !== 13 && c !== 10) continue;
    let j = i + 1;
    if (c === 13 && value.charCodeAt(j) === 10) j++;
    parts.push(value.slice(last, i));
    const next = value.charCodeAt(j);
    if (next !== 32 && next !== 9) parts.push(' ');
    last = j;
    i = j - 1;
  }
  parts.push(value.slice(last));
  return parts.join('').trim();
}

/**
 * Scratch tables shared by every call (parsing is synchronous and a Ctx never outlives its
 * parseInto call): allocating three typed arrays per Received field cost more than parsing it.
 * They grow to the longest value seen (at most MAX_PARSE entries each).
 */
let scratchParen = new Int32Array(1024);
let scratchStack = new Int32Array(1024);
let scratchRB = new Int32Array(1024);
let scratchGT = new Int32Array(1024);

const CONTROL_CHARS = /[\x00-\x1f\x7f]/g;

function buildCtx(raw: string): Ctx {
  const w = raw.replace(CONTROL_CHARS, ' ');
  const n = w.length;
  if (scratchParen.length < n) {
    const size = Math.max(n, scratchParen.length * 2);
    scratchParen = new Int32Array(size);
    scratchStack = new Int32Array(size);
    scratchRB = new Int32Array(size);
    scratchGT = new Int32Array(size);
  }
  const parenMatch = scratchParen;
  parenMatch.fill(-1, 0, n);
  const stack = scratchStack;
  let top = 0;
  for (let i = 0; i < n; i++) {
    const c = w.charCodeAt(i);
    if (c === 92 && top > 0) {
      i++; // quoted-pair inside a comment
    } else if (c === 40) {
      stack[top++] = i;
    } else if (c === 41 && top > 0) {
      parenMatch[stack[--top]] = i;
    }
  }
  const nextRB = scratchRB;
  const nextGT = scratchGT;
  let rb = -1;
  let gt = -1;
  for (let i = n - 1; i >= 0; i--) {
    const c = w.charCodeAt(i);
    if (c === 93) rb = i;
    else if (c === 62) gt = i;
    nextRB[i] = rb;
    nextGT[i] = gt;
  }
  return { w, raw, parenMatch, nextRB, nextGT };
}

/** Tokenize w[from, to). Linear: every step consumes at least one character. */
function tokenize(ctx: Ctx, from: number, to: number): Tok[] {
  const { w } = ctx;
  const out: Tok[] = [];
  let junkStart = -1;
  const flushJunk = (end: number) => {
    if (junkStart >= 0) {
      out.push({ k: 'junk', s: junkStart, e: end, v: w.slice(junkStart, end) });
      junkStart = -1;
    }
  };
  const junk = (i: number) => {
    if (junkStart < 0) junkStart = i;
  };
  let i = from;
  while (i < to) {
    const c = w.charCodeAt(i);
    if (isSpaceCode(c)) {
      flushJunk(i);
      i++;
      continue;
    }
    if (c === 40) {
      const m = ctx.parenMatch[i];
      if (m >= 0 && m < to) {
        flushJunk(i);
        out.push({ k: 'comment', s: i, e: m + 1, v: w.slice(i + 1, m) });
        i = m + 1;
      } else {
        junk(i);
        i++;
      }
      continue;
    }
    if (c === 41) {
      junk(i);
      i++;
      continue;
    }
    if (c === 59) {
      flushJunk(i);
      out.push({ k: 'semi', s: i, e: i + 1, v: ';' });
      i++;
      continue;
    }
    if (c === 91) {
      const m = ctx.nextRB[i];
      if (m >= 0 && m < to) {
        flushJunk(i);
        let e = m + 1;
        let inner = w.slice(i + 1, m);
        // XMail writes the address already bracketed inside its brackets: "[[10.18.0.3]]"
        if (w.charCodeAt(i + 1) === 91 && w.charCodeAt(e) === 93 && e < to) {
          e++;
          inner = w.slice(i + 1, m + 1);
        }
        if (w.charCodeAt(e) === 58 && e + 1 < to && isDigitCode(w.charCodeAt(e + 1))) {
          e++;
          while (e < to && isDigitCode(w.charCodeAt(e))) e++;
        }
        out.push({ k: 'bracket', s: i, e, v: inner });
        i = e;
      } else {
        junk(i);
        i++;
      }
      continue;
    }
    if (c === 60) {
      const m = ctx.nextGT[i];
      if (m >= 0 && m < to) {
        flushJunk(i);
        let e = m + 1;
        while (e < to && w.charCodeAt(e) === 62) e++;
        out.push({ k: 'angle', s: i, e, v: w.slice(i + 1, m) });
        i = e;
      } else {
        junk(i);
        i++;
      }
      continue;
    }
    flushJunk(i);
    let j = i;
    while (j < to) {
      const d = w.charCodeAt(j);
      if (isSpaceCode(d) || d === 40 || d === 41 || d === 59 || d === 91) break;
      j++;
    }
    out.push({ k: 'word', s: i, e: j, v: w.slice(i, j) });
    i = j;
  }
  flushJunk(to);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function stripTrailing(s: string, chars: string): string {
  let e = s.length;
  while (e > 0 && chars.includes(s[e - 1])) e--;
  return s.slice(0, e);
}

/** A host name; letters beyond ASCII are allowed (internationalised names under SMTPUTF8, RFC 6531). */
const HOST_RE = /^[\p{L}\p{N}_][\p{L}\p{N}\p{M}_.-]*$/u;

function isHostnameLike(s: string): boolean {
  return s.length > 0 && s.length <= 255 && HOST_RE.test(s);
}

const NO_RDNS = new Set(['unknown', 'softdnserr', 'harddnserr', 'unverified', 'localhost.localdomain.invalid']);
/** Angle-bracketed stand-ins for a missing name: "<unknown>", "<unavailable>". */
const NO_NAME = new Set(['unknown', 'unavailable']);

interface Literal {
  /** The IP as written (brackets, port and `?` hints removed; `IPv6:` prefix kept). */
  raw: string;
  /** Normalised IP, or undefined when the text is not a strict IP. */
  ip?: string;
  /** A port was written with the address. */
  port?: boolean;
}

/** Five dot-separated numbers (the last a port); linear: each group is bounded and dot-delimited. */
const IPV4_DOT_PORT = /^\d{1,5}\.\d{1,5}\.\d{1,5}\.\d{1,5}\.\d{1,5}$/;

/**
 * Read an IP literal: `[1.2.3.4]`, `[IPv6:2001:db8::1]`, `[?IPv6:…?]`, `[1.2.3.4:50024]`,
 * `[1.2.3.4.50024]`, bare `1.2.3.4`, `1.2.3.4:23198`, `2603:10a6::12`, `fe80::1%12`.
 * Returns null when the text does not even look like an address.
 */
function readLiteral(text: string): Literal | null {
  let s = text.trim();
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return null;
    s = s.slice(1, close).trim();
  }
  if (s.length > 2 && s.startsWith('?') && s.endsWith('?')) s = s.slice(1, -1);
  // Cellopoint (MediaTek's gateways): "[(172.21.101.30)]"
  if (s.length > 2 && s.startsWith('(') && s.endsWith(')')) s = s.slice(1, -1).trim();
  if (!s || s.length > 80) return null;
  let body = s;
  let port = false;
  const v6prefix = body.toLowerCase().startsWith('ipv6:');
  if (!v6prefix) {
    const firstColon = body.indexOf(':');
    if (body.includes('.') && firstColon > 0 && firstColon === body.lastIndexOf(':')) {
      // IPv4 with a port
      const p = body.slice(firstColon + 1);
      if (/^\d{1,5}$/.test(p)) {
        body = body.slice(0, firstColon);
        port = true;
      }
    } else if (firstColon < 0 && IPV4_DOT_PORT.test(body)) {
      // Sendmail/Courier "[192.0.2.1.50024]": the fifth number is the port
      body = body.slice(0, body.lastIndexOf('.'));
      port = true;
    }
  }
  // IPv4-looking (digits and dots) or IPv6-looking (hex, colons, optional zone); hostnames such
  // as "dead.beef.cafe" are not addresses
  const looks = body.includes(':')
    ? /^(?:ipv6:)?[0-9a-f:.]+(?:%[0-9a-z_.-]+)?$/i.test(body)
    : /^[0-9.]+$/.test(body) && body.includes('.');
  if (!looks) return null;
  const p = parseIp(body);
  const lit: Literal = { raw: body, ip: p?.ip };
  if (port) lit.port = true;
  return lit;
}

/** A stand-alone IP word, possibly with an ident prefix (`user@1.2.3.4`). */
function readIdentIp(word: string): { ident?: string; lit: Literal } | null {
  const at = word.lastIndexOf('@');
  if (at > 0) {
    const lit = readLiteral(word.slice(at + 1));
    if (lit) return { ident: word.slice(0, at), lit };
    return null;
  }
  const lit = readLiteral(word);
  return lit ? { lit } : null;
}

function stripQuotes(text: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && text[a] === '"') a++;
  while (b > a && text[b - 1] === '"') b--;
  return text.slice(a, b);
}

/** A name that can be a reverse-DNS result: a dotted name, or "localhost". */
function isFqdnLike(name: string): boolean {
  return isHostnameLike(name) && (name.includes('.') || name.toLowerCase() === 'localhost');
}

function cleanAddress(text: string): string {
  let s = text.trim();
  while (s.startsWith('<')) s = s.slice(1);
  while (s.endsWith('>')) s = s.slice(0, -1);
  s = stripTrailing(s, ',;');
  return s.trim();
}

// ---------------------------------------------------------------------------------------------
// Comment classifiers (TLS, authentication, envelope sender)

interface Acc {
  tls: TlsInfo;
  tlsSeen: boolean;
  authSeen: boolean;
  envelopeFrom?: string;
  /** DSN original recipients "(ORCPT <rfc822;addr>)" (zmailer, vger), with where they were written. */
  orcpt: Array<{ pos: number; addr: string }>;
  /** qmail's own line "(qmail 123 invoked by uid 89)" / "(qmail 123 invoked from network[IP/name])". */
  qmail?: { comment: string; ident?: string; ip?: string; rdns?: string };
  unparsed: Array<{ pos: number; text: string }>;
}

function mergeTls(acc: Acc, t: TlsInfo): void {
  acc.tlsSeen = true;
  if (t.version && !acc.tls.version) acc.tls.version = t.version;
  if (t.cipher && !acc.tls.cipher) acc.tls.cipher = t.cipher;
  if (t.bits && !acc.tls.bits) acc.tls.bits = t.bits;
}

/** `TLSv1.2,256bits,ECDHE-RSA-AES256-GCM-SHA384` (Courier, MDaemon "SSL:" parts). */
function readCommaTls(text: string): TlsInfo {
  const t: TlsInfo = {};
  for (const part of text.split(',')) {
    const p = part.trim();
    if (!p) continue;
    if (/^(?:TLS|SSL)/i.test(p) && !t.version) t.version = p;
    else if (/^\d+\s*bits?$/i.test(p)) t.bits = p.replace(/\s*bits?$/i, '');
    else if (!t.cipher && /^[A-Za-z0-9_-]+$/.test(p)) t.cipher = p;
  }
  return t;
}

/** Recognise a comment that states TLS use. Returns the details (possibly empty) or null. */
function tlsFromComment(inner: string): TlsInfo | null {
  const t = inner.trim().replace(/\s+/g, ' ');
  const lower = t.toLowerCase();
  // Postfix: "using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange ..."
  if (lower.startsWith('using ')) {
    const info: TlsInfo = {};
    const words = t.split(' ');
    if (words[1]) info.version = words[1];
    const ci = words.findIndex((w, i) => w.toLowerCase() === 'cipher' && i > 1);
    if (ci > 0 && words[ci + 1]) info.cipher = words[ci + 1];
    const bits = /\((\d+\/\d+) bits\)/.exec(t);
    if (bits) info.bits = bits[1];
    return info;
  }
  // key=value: Gmail, Sendmail, Exchange, Barracuda, Mimecast, ecelerity
  if (/(?:^|[\s,(])(?:version|cipher)=/i.test(t)) {
    const info: TlsInfo = {};
    const re = /(?:^|[\s,(])(version|cipher|bits)=([^\s,;)]+)/gi;
    let m: RegExpExecArray | null;
    while ((m = re.exec(t)) !== null) {
      const key = m[1].toLowerCase() as 'version' | 'cipher' | 'bits';
      if (!info[key]) info[key] = m[2];
    }
    return info;
  }
  // Courier "TLS: TLSv1.2,256bits,CIPHER"; MDaemon/other "SSL: ..."
  const colon = /^(?:TLS|SSL): ?(.*)$/i.exec(t);
  if (colon) return readCommaTls(colon[1]);
  // Exim "TLS1.3", "TLSv1:AES256-SHA:256", "TLS-1.0:DHE_RSA_3DES_EDE_CBC_SHA:24"; Exchange "TLS"
  const parts = t.split(':');
  if (parts.length <= 3 && /^(?:TLS|SSL)[-v0-9._]*$/i.test(parts[0]) && !t.includes(' ')) {
    const info: TlsInfo = {};
    if (parts[0].length > 3) info.version = parts[0];
    if (parts[1]) info.cipher = parts[1];
    if (parts[2] && /^\d+$/.test(parts[2])) info.bits = parts[2];
    return info;
  }
  // "DHE-RSA-AES256-SHA encrypted"
  const enc = /^(\S+) encrypted$/i.exec(t);
  if (enc) return { cipher: enc[1] };
  if (lower === 'google transport security' || lower === 'tls' || lower === 'ssl') return {};
  return null;
}

type CommentClass = 'env' | 'tls' | 'tls-note' | 'auth' | 'orcpt' | 'qmail' | null;

/** "ORCPT <rfc822;addr>" or "ORCPT rfc822;addr" (RFC 3461 original recipient, as zmailer writes it). */
const ORCPT_RE = /^ORCPT\s*(?:<\s*)?rfc822\s*;\s*([^<>\s;]{0,320})\s*>?$/i;
/** qmail's line: "qmail 123 invoked from network", "qmail 87263 messnum 771997 invoked by uid 89". */
const QMAIL_RE = /^qmail(?:-[A-Za-z0-9/_-]{1,40})? \d{1,12}(?: messnum \d{1,12})? invoked (?:by [A-Za-z][A-Za-z0-9_-]{0,19} (?=by uid))?(by uid \d{1,10}|by alias|for bounce|from network(?:\[([^\]\s/]{1,80})(?:\/([^\]\s]{1,255}))?\])?)$/;
/** nullmailer's line for a local submission: "(nullmailer pid 1696440 invoked by uid 1000)". */
const NULLMAILER_RE = /^nullmailer pid \d{1,12} invoked (by uid \d{1,10})$/;
/**
 * Alibaba Cloud's submission comment: "(mailfrom:user@example.com fp:SMTPD_---0VUHLUO9_1667876225)",
 * "… cluster:ay29)". The fp value is an opaque token: any run of non-space characters.
 */
const ALIBABA_RE = /^mailfrom:([^\s()<>]{0,320})(?: fp:[^\s()<>]{1,80})?(?: cluster:[A-Za-z0-9_.-]{1,40})?$/;
/** Sendmail's AUTH note when the configuration names the login: "(user=x@example.com mech=LOGIN bits=0)". */
const SENDMAIL_AUTH_RE = /^user=[^\s()]{1,320} mech=[A-Za-z0-9_-]{1,40}(?: bits=\d{1,5})?$/;

/**
 * Classify a comment that is not part of the from/by identity. Updates acc. `pos` is where the
 * comment starts in the value (recipients after the date are not taken).
 */
function classifyComment(inner: string, acc: Acc, pos = 0): CommentClass {
  if (inner.length > MAX_CLASSIFY) return null;
  const t = inner.trim();
  const lower = t.toLowerCase();
  const orcpt = ORCPT_RE.exec(t);
  if (orcpt) {
    if (orcpt[1].includes('@')) acc.orcpt.push({ pos, addr: cleanAddress(orcpt[1]) });
    return 'orcpt';
  }
  const oneSpaced = t.replace(/\s+/g, ' ');
  const qm = QMAIL_RE.exec(oneSpaced) ?? NULLMAILER_RE.exec(oneSpaced);
  if (qm) {
    if (!acc.qmail) {
      const q: Acc['qmail'] = { comment: `(${t})` };
      if (qm[1].startsWith('by uid')) q.ident = qm[1].slice(3);
      const lit = qm[2] ? readLiteral(qm[2]) : null;
      if (lit?.ip) q.ip = lit.ip;
      if (qm[3] && isFqdnLike(qm[3])) q.rdns = qm[3];
      acc.qmail = q;
    }
    return 'qmail';
  }
  const ali = ALIBABA_RE.exec(oneSpaced);
  if (ali) {
    if (acc.envelopeFrom === undefined) acc.envelopeFrom = cleanAddress(ali[1]);
    return 'env';
  }
  if (SENDMAIL_AUTH_RE.test(oneSpaced)) {
    acc.authSeen = true;
    return 'auth';
  }
  const env = /^envelope-(?:from|sender)\b[\s:=]*(.*)$/i.exec(t);
  if (env) {
    let addr = env[1].trim();
    const angle = addr.indexOf('<');
    if (angle >= 0) {
      const close = addr.indexOf('>', angle);
      addr = close > angle ? addr.slice(angle + 1, close) : addr.slice(angle + 1);
    } else {
      const cut = addr.search(/[\s,]/);
      if (cut >= 0) addr = addr.slice(0, cut);
    }
    if (acc.envelopeFrom === undefined) acc.envelopeFrom = cleanAddress(addr);
    return 'env';
  }
  const tls = tlsFromComment(t);
  if (tls) {
    mergeTls(acc, tls);
    return 'tls';
  }
  if (
    lower.startsWith('no client certificate') ||
    lower.startsWith('client did not present') ||
    lower.startsWith('client cn ') ||
    lower.startsWith('client certificate')
  ) {
    acc.tlsSeen = true;
    return 'tls-note';
  }
  if (
    lower.startsWith('authenticated') ||
    lower.startsWith('auth:') ||
    lower.startsWith('auth=') ||
    /(?:^|\s)authenticated (?:user|as|sender)\b/.test(lower)
  ) {
    acc.authSeen = true;
    const ssl = /(?:^|[\s,])(?:SSL|TLS): ?([^)]*)$/i.exec(t);
    if (ssl) mergeTls(acc, readCommaTls(ssl[1]));
    return 'auth';
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// From-clause identity comments

interface Identity {
  helo?: string;
  heloSet: boolean;
  rdns?: string;
  /** rdns word seen but it was "unknown" or similar. */
  rdnsNone: boolean;
  lit?: Literal;
  /** The literal came in brackets (vs a bare IP word). */
  litBracketed: boolean;
  extraLits: Array<{ text: string; pos: number }>;
  ident?: string;
  verified: boolean;
  account: boolean;
  hostOnly?: string;
  /** Exim-style key=value items (helo=, ident=, port=) were present. */
  eximKeys: boolean;
  /** An empty literal "[]" or an empty comment "()": the receiver wrote that it knew no address. */
  noAddress: boolean;
  /**
   * The client came over a local channel, not the network: Cyrus "([unix socket])", ecelerity and
   * OpenSMTPD "[local]".
   */
  local: boolean;
  /** Yahoo's "(user@example.com@192.0.2.1 with login)": the client logged in. */
  login: boolean;
  leftovers: string[];
  /** True when the comment contributed anything to the hop identity. */
  useful: boolean;
}

function parseIdentity(ctx: Ctx, tok: Tok): Identity {
  const id: Identity = {
    heloSet: false,
    rdnsNone: false,
    litBracketed: false,
    extraLits: [],
    verified: false,
    account: false,
    eximKeys: false,
    noAddress: false,
    local: false,
    login: false,
    leftovers: [],
    useful: false,
  };
  const toks = tokenize(ctx, tok.s + 1, tok.e - 1);
  if (toks.length === 0) id.noAddress = true; // "()": Yahoo/qmail-style line with no address known
  const words = toks.filter((t) => t.k === 'word');
  const setLit = (lit: Literal, bracketed: boolean, t: Tok) => {
    if (!id.lit) {
      id.lit = lit;
      id.litBracketed = bracketed;
    } else {
      id.extraLits.push({ text: ctx.raw.slice(t.s, t.e), pos: t.s });
    }
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const next = toks[i + 1];
    if (t.k === 'comment') continue; // "(may be forged)" and similar notes
    if (t.k === 'bracket') {
      const lit = readLiteral(t.v);
      const inner = t.v.trim().toLowerCase();
      if (lit) setLit(lit, true, t);
      else if (inner === '') id.noAddress = true; // "(<unknown> [])": no address known
      else if (inner === 'local' || inner === 'unix socket') id.local = true;
      else if (NO_NAME.has(inner) && !id.lit && id.rdns === undefined) {
        // trex: "([UNAVAILABLE]. [10.30.224.222])": no reverse-DNS name, then the address
        id.rdnsNone = true;
        if (next?.k === 'word' && next.v === '.' && next.s === t.e) i++;
      } else id.leftovers.push(ctx.raw.slice(t.s, t.e));
      continue;
    }
    if (t.k === 'angle' && NO_NAME.has(t.v.trim().toLowerCase())) {
      id.rdnsNone = true; // "<unknown>": no reverse-DNS name
      continue;
    }
    if (t.k !== 'word') {
      id.leftovers.push(ctx.raw.slice(t.s, t.e));
      continue;
    }
    const v = stripTrailing(t.v, ',');
    const lower = v.toLowerCase();
    // zmailer (vger.kernel.org): ([IP]:port "EHLO name" rhost-flags-OK-OK-OK-OK)
    if (v.startsWith('"') && /^"(?:helo|ehlo|lhlo)$/i.test(v)) {
      id.heloSet = true;
      let j = i + 1;
      let name = '';
      // the name up to the closing quote: a word ending in '"', or a literal followed by '"'
      if (toks[j]?.k === 'bracket' && toks[j + 1]?.k === 'word' && toks[j + 1].v === '"' && toks[j + 1].s === toks[j].e) {
        name = ctx.w.slice(toks[j].s, toks[j].e);
        j += 2;
      } else if (toks[j]?.k === 'word' && toks[j].v.endsWith('"')) {
        name = toks[j].v.slice(0, -1);
        j++;
      } else {
        id.leftovers.push(ctx.raw.slice(t.s, t.e));
        continue;
      }
      if (name) id.helo = name;
      i = j - 1;
      continue;
    }
    if (lower.startsWith('rhost-flags-')) continue; // zmailer's reverse/forward DNS check flags
    if (lower === 'helo' || lower === 'ehlo' || lower === 'hello' || lower === 'lhlo') {
      id.heloSet = true;
      if (next && (next.k === 'word' || next.k === 'bracket') && !(next.k === 'word' && next.v.toLowerCase() === 'helo')) {
        id.helo = next.k === 'bracket' ? ctx.w.slice(next.s, next.e) : stripTrailing(next.v, ',');
        i++;
      }
      continue;
    }
    if (lower.startsWith('helo=')) {
      id.heloSet = true;
      id.eximKeys = true;
      let h = v.slice(5);
      if (!h && next && next.k === 'bracket' && next.s === t.e) {
        h = ctx.w.slice(next.s, next.e);
        i++;
      }
      if (h) id.helo = h;
      continue;
    }
    if (lower.startsWith('ident=')) {
      id.eximKeys = true;
      if (v.length > 6) id.ident = v.slice(6);
      else if (next && next.k === 'bracket' && next.s === t.e) {
        // "ident=[U2FsdGVk…]": an ident value written in brackets
        id.ident = next.v;
        i++;
      }
      continue;
    }
    if (lower.startsWith('port=')) {
      id.eximKeys = true;
      continue;
    }
    if (lower === 'account' && next && next.k === 'word') {
      id.account = true;
      i++;
      continue;
    }
    if (lower === 'verified') {
      id.verified = true;
      continue;
    }
    // NVIDIA's gateways: "(Not Verified[216.228.121.13])": the name was not confirmed by reverse DNS
    if (lower === 'not' && next?.k === 'word' && next.v.toLowerCase() === 'verified') {
      id.rdnsNone = true;
      i++;
      continue;
    }
    // Yahoo: "(user@example.com@192.0.2.1 with login)": the client logged in before sending
    if (lower === 'with' && next?.k === 'word' && next.v.toLowerCase() === 'login' && id.lit) {
      id.login = true;
      i++;
      continue;
    }
    if (lower === 'unverified' || lower === 'rdns' || lower === 'failed' || lower === 'may' || lower === 'be' || lower === 'forged')
      continue;
    // "user@" glued to a following bracket: Sendmail ident "(user@[192.0.2.1])"
    if (v.endsWith('@') && v.length > 1 && next && next.k === 'bracket' && next.s === t.e) {
      id.ident = v.slice(0, -1);
      continue;
    }
    // Oracle Beehive (Java's address notation "name/address", the name empty): "(/10.182.71.205)"
    const slash = v.lastIndexOf('/');
    if (slash >= 0 && !v.includes('@')) {
      const lit = readLiteral(v.slice(slash + 1));
      const before = v.slice(0, slash);
      if (lit?.ip && (before === '' || isFqdnLike(before))) {
        if (before && id.rdns === undefined) id.rdns = before;
        setLit(lit, false, t);
        continue;
      }
    }
    const ipw = readIdentIp(v);
    if (ipw) {
      // Mimecast "(192.0.2.10 [192.0.2.10])": the address stands where the reverse-DNS name goes,
      // so there was none; the bracketed one is the connecting address
      const nextLit = next?.k === 'bracket' && !ipw.ident && !id.lit ? readLiteral(next.v) : null;
      if (nextLit?.ip && nextLit.ip === ipw.lit.ip) {
        id.rdnsNone = true;
        continue;
      }
      if (ipw.ident) id.ident = ipw.ident;
      setLit(ipw.lit, false, t);
      continue;
    }
    // name before the bracketed IP: the reverse-DNS name (maybe with an ident prefix)
    let name = v;
    let identPart: string | undefined;
    const at = v.lastIndexOf('@');
    if (at > 0) {
      identPart = v.slice(0, at);
      name = v.slice(at + 1);
    }
    name = stripTrailing(name, '.');
    if (isHostnameLike(name) && next && next.k === 'bracket' && !id.lit && id.rdns === undefined && !id.rdnsNone) {
      if (identPart) id.ident = identPart;
      if (NO_RDNS.has(name.toLowerCase())) id.rdnsNone = true;
      else id.rdns = name;
      continue;
    }
    if (words.length === 1 && toks.length === 1 && isFqdnLike(name)) {
      id.hostOnly = name;
      if (identPart) id.ident = identPart;
      continue;
    }
    // ZoneMTA: "([192.0.2.1] host.example.net)": the address, then its reverse-DNS name
    const prev = toks[i - 1];
    if (!identPart && isFqdnLike(name) && prev?.k === 'bracket' && id.lit && id.litBracketed && i === 1 && id.rdns === undefined && !id.rdnsNone) {
      id.rdns = name;
      continue;
    }
    if (NO_RDNS.has(lower)) {
      id.rdnsNone = true;
      continue;
    }
    id.leftovers.push(ctx.raw.slice(t.s, t.e));
  }
  // Clearswift "from NAME (unverified)": the name is the HELO, its reverse DNS was not confirmed
  if (words.length === 1 && toks.length === 1 && words[0].v.toLowerCase() === 'unverified') id.rdnsNone = true;
  id.useful =
    id.heloSet ||
    id.rdns !== undefined ||
    id.rdnsNone ||
    id.lit !== undefined ||
    id.ident !== undefined ||
    id.hostOnly !== undefined ||
    id.account ||
    id.noAddress ||
    id.local ||
    id.eximKeys;
  return id;
}

// ---------------------------------------------------------------------------------------------
// Protocol keywords

function protocolFlags(protocol: string): ReceivedWith {
  const first = protocol.split(' ')[0].toUpperCase();
  const flags: ReceivedWith = {
    protocol,
    tls: false,
    authenticated: false,
    lmtp: false,
    http: false,
    mapi: false,
    utf8: false,
  };
  let base = first;
  let utf8 = false;
  if (base.startsWith('UTF8')) {
    utf8 = true;
    base = base.slice(4);
  }
  const m = /^(ESMTP|SMTP|LMTP)(S|A|SA)?$/.exec(base);
  if (m) {
    const suffix = m[2] ?? '';
    flags.tls = suffix.includes('S');
    flags.authenticated = suffix.includes('A');
    flags.lmtp = m[1] === 'LMTP';
    flags.utf8 = utf8;
  }
  if (first === 'ASMTP') flags.authenticated = true; // Exim's older name for authenticated SMTP
  if (first.startsWith('HTTP')) {
    // webmail and mail APIs (HTTP, HTTPS, HTTPU, HTTPREST): the user or the API client logged in
    flags.http = true;
    flags.authenticated = true;
    if (first === 'HTTPS') flags.tls = true;
  }
  if (first === 'MAPI') flags.mapi = true;
  return flags;
}

// ---------------------------------------------------------------------------------------------
// Main

interface Clause {
  kw: string;
  kwTok: number;
  toks: number[];
  /** The text after the date: comments and stray words there are never recipients. */
  tail?: boolean;
}

/**
 * A by word with an "@" in it is normally an address, not a host ("by someone@example.com" is
 * refused). When the receiver wrote its own address right after it, as Exchange does ("by NAME
 * (IP)"), the word stands where the server's name goes and still names that server, even if a
 * character in it was replaced (copies of messages made anonymous that way exist): it is kept as
 * written, the "@" included, and nothing is made up from it.
 */
function isNamedByAddress(ctx: Ctx, word: string, next: Tok | undefined): boolean {
  if (!next || next.k !== 'comment' || next.v.length > 100) return false;
  const at = word.indexOf('@');
  if (at <= 0 || at !== word.lastIndexOf('@')) return false;
  if (!isHostnameLike(word.slice(0, at)) || !isFqdnLike(word.slice(at + 1))) return false;
  const inner = tokenize(ctx, next.s + 1, next.e - 1);
  return inner.length === 1 && (inner[0].k === 'word' || inner[0].k === 'bracket') && !!readLiteral(inner[0].v)?.ip;
}

/** A leading "(user@host)" comment: vger's "(majordomo@vger.kernel.org) by vger.kernel.org via listexpand". */
const LOCAL_SENDER_RE = /^\s*([^\s@()<>]{1,64})@([A-Za-z0-9.-]{1,255})\s*$/;

/**
 * Parse the value of a Received field (without the "Received:" name; folded or unfolded).
 * Never throws.
 */
export function parseReceived(value: string): ReceivedInfo {
  const raw = unfold(typeof value === 'string' ? value : '');
  const info: ReceivedInfo = { raw, unparsed: [] };
  try {
    parseInto(info);
  } catch {
    // defensive: a parser bug must not take the analysis down; keep the text
    info.unparsed = [raw];
  }
  return info;
}

function parseInto(info: ReceivedInfo): void {
  const fullRaw = info.raw;
  const raw = fullRaw.length > MAX_PARSE ? fullRaw.slice(0, MAX_PARSE) : fullRaw;
  const ctx = buildCtx(raw);
  const toks = tokenize(ctx, 0, raw.length);
  /** 0 = not assigned (reported as unparsed), 1 = understood, 2 = explicitly unparsed. */
  const used = new Uint8Array(toks.length);
  const acc: Acc = { tls: {}, tlsSeen: false, authSeen: false, orcpt: [], unparsed: [] };
  const rawOf = (t: Tok) => raw.slice(t.s, t.e);
  // the field's own name written again at the start of its value ("Received: Received from 10.137.11.157
  // by …"): a sender's slip, not text about the hop
  if (toks.length > 1 && toks[0].k === 'word' && /^received:?$/i.test(toks[0].v) && toks[1].k === 'word' && KEYWORDS.has(toks[1].v.toLowerCase())) used[0] = 1;

  // --- date: after the last top-level ';'
  let date: MailDate | undefined;
  let lastSemi = -1;
  for (let i = 0; i < toks.length; i++) {
    if (toks[i].k === 'semi') {
      lastSemi = i;
      used[i] = 1;
    }
  }
  const markRange = (from: number, to: number) => {
    for (let i = 0; i < toks.length; i++) if (toks[i].s >= from && toks[i].s < to) used[i] = 1;
  };
  /** Where the text after the date begins (Infinity while no date was found). */
  let tailStart = Infinity;
  if (lastSemi >= 0) {
    const start = toks[lastSemi].e;
    const sc = scanMailDate(ctx.w, start);
    if (sc.matched) {
      date = mailDateOf(raw.slice(start, sc.end).trim(), sc);
      markRange(start, sc.end);
      tailStart = sc.end;
    }
  }

  // --- split into clauses (keyword + its tokens); a date without ';' is found on the way. What
  // follows the date is a clause of its own: it never continues the clause before the date.
  const clauses: Clause[] = [];
  let cur: Clause = { kw: '', kwTok: -1, toks: [] };
  let inTail = false;
  for (let i = 0; i < toks.length; i++) {
    if (used[i]) continue;
    const t = toks[i];
    if (t.s >= tailStart && !inTail) {
      inTail = true;
      clauses.push(cur);
      cur = { kw: '', kwTok: -1, toks: [], tail: true };
    }
    if (t.k !== 'word') {
      cur.toks.push(i);
      continue;
    }
    if (!date && !((cur.kw === 'from' || cur.kw === 'by') && cur.toks.length === 0)) {
      const next = toks[i + 1];
      if (looksLikeDateStart(t.v, next && next.k === 'word' ? next.v : undefined)) {
        const sc = scanMailDate(ctx.w, t.s);
        if (sc.matched && sc.utc !== null) {
          date = mailDateOf(raw.slice(t.s, sc.end).trim(), sc);
          markRange(t.s, sc.end);
          tailStart = sc.end;
          continue;
        }
      }
    }
    const kw = t.v.toLowerCase();
    // after the date "for" names no recipient (a trailing note, not a clause)
    if (KEYWORDS.has(kw) && !(inTail && kw === 'for')) {
      clauses.push(cur);
      cur = { kw, kwTok: i, toks: [] };
      continue;
    }
    cur.toks.push(i);
  }
  clauses.push(cur);

  // --- global facts needed to read the from clause
  let isExim = false;
  for (const t of toks) {
    if (t.k === 'comment' && t.v.length < 200 && /(?:^|\s)Exim(?:\s|$)/.test(t.v)) {
      isExim = true;
      break;
    }
  }

  const seen = new Set<string>();
  let fromClause: Clause | undefined;
  let fromInComment: { toks: Tok[] } | undefined;
  const withClauses: Clause[] = [];
  let by: ReceivedInfo['by'];
  let via: string | undefined;
  let id: string | undefined;
  const forList: string[] = [];
  const byComments: string[] = [];
  let byBareIp = false;
  let localSender: { ident: string; comment: string } | undefined;
  let loneNote: string | undefined;

  const plainComment = (i: number) => {
    const c = classifyComment(toks[i].v, acc, toks[i].s);
    used[i] = 1;
    return c;
  };

  let qmailScannerUid: string | undefined;
  for (let ci = 0; ci < clauses.length; ci++) {
    const cl = clauses[ci];
    if (cl.kw === '') {
      for (const i of cl.toks) {
        const t = toks[i];
        if (used[i]) continue;
        if (t.k === 'comment') {
          // Sendmail local submission "(from user@localhost)", NAVGW "(from NAME [IP])"
          if (!cl.tail && !fromInComment && /^\s*from\s/i.test(t.v) && t.v.length < MAX_CLASSIFY) {
            const inner = tokenize(ctx, t.s + 1, t.e - 1);
            fromInComment = { toks: inner.slice(1) };
            used[i] = 1;
            continue;
          }
          // Exim without a from clause: "(helo=hipldsb.com) by biz221.vodien.com with esmtpsa …"
          if (!cl.tail && !fromInComment && i === 0 && /^\s*helo=\S/i.test(t.v) && t.v.length < MAX_CLASSIFY) {
            fromInComment = { toks: [t] };
            used[i] = 1;
            continue;
          }
          // vger/zmailer list expansion "(majordomo@vger.kernel.org) by vger.kernel.org ..."
          const ls = !cl.tail && !localSender && t.v.length < 400 ? LOCAL_SENDER_RE.exec(t.v) : null;
          if (ls) {
            localSender = { ident: ls[1], comment: rawOf(t) };
            used[i] = 1;
            continue;
          }
          // qmail "(qmail 20838 invoked from network)", DSN "(ORCPT <rfc822;x@y>)"
          if (classifyComment(t.v, acc, t.s)) used[i] = 1;
          // the whole field is one comment before the date: a local program's note on how it
          // took the message ("(ce send program)", "(eYou MTA subsystem invoked by bounce
          // program)"); a comment is free text, kept as the submitter's note, not an error
          else if (clauses.length === 1 && cl.toks.length === 1 && !cl.tail && !fromInComment && !localSender && t.v.trim() && t.v.length < 200) {
            loneNote = rawOf(t);
            used[i] = 1;
          } else used[i] = 2;
        } else {
          readLooseWord(i); // Haraka "envelope-from <addr>", else unparsed
        }
      }
      continue;
    }
    const single = cl.kw === 'from' || cl.kw === 'by' || cl.kw === 'id' || cl.kw === 'via';
    if (single && seen.has(cl.kw)) {
      // XMail: "... for <rcpt> from <sender>" states the envelope sender
      const first = cl.toks.length ? toks[cl.toks[0]] : undefined;
      if (cl.kw === 'from' && first && first.k === 'angle' && cl.toks.length === 1) {
        if (acc.envelopeFrom === undefined) acc.envelopeFrom = cleanAddress(first.v);
        used[cl.kwTok] = 1;
        used[cl.toks[0]] = 1;
        continue;
      }
      // Exchange Online: "with MailboxResubmission by AntispamTT id 15.20…": the agent that
      // resubmitted the message belongs to the protocol, it is no second receiving host
      const prevCl = clauses[ci - 1];
      if (cl.kw === 'by' && prevCl?.kw === 'with' && cl.toks.length === 1 && first?.k === 'word' && /^[A-Za-z][A-Za-z0-9]{1,40}$/.test(first.v)) {
        prevCl.toks.push(cl.kwTok, cl.toks[0]);
        continue;
      }
      // qmail-scanner: "from x@example.com by host by uid 502 with qmail-scanner-1.12 (…)": the
      // user id the scanner ran under
      const second = cl.toks.length === 2 ? toks[cl.toks[1]] : undefined;
      if (cl.kw === 'by' && first?.k === 'word' && first.v.toLowerCase() === 'uid' && second?.k === 'word' && /^\d{1,10}$/.test(second.v)) {
        qmailScannerUid = `uid ${second.v}`;
        used[cl.kwTok] = 1;
        used[cl.toks[0]] = 1;
        used[cl.toks[1]] = 1;
        continue;
      }
      used[cl.kwTok] = 2;
      for (const i of cl.toks) used[i] = 2;
      continue;
    }
    seen.add(cl.kw);
    used[cl.kwTok] = 1;
    switch (cl.kw) {
      case 'from':
        fromClause = cl; // read after the other clauses: it needs their context
        break;
      case 'by': {
        let host: string | undefined;
        let byIp: string | undefined;
        // Barricade (a firewall's mail relay): "Message by Barricade gw.example.com with SMTP id …":
        // the product's name, then the host
        const prevCl = clauses[ci - 1];
        const b0 = cl.toks[0] !== undefined ? toks[cl.toks[0]] : undefined;
        const b1 = cl.toks[1] !== undefined ? toks[cl.toks[1]] : undefined;
        if (ci === 1 && prevCl.kw === '' && prevCl.toks.length === 1 && toks[prevCl.toks[0]].v === 'Message' && b0?.k === 'word' && b0.v === 'Barricade' && b1?.k === 'word' && isFqdnLike(b1.v)) {
          used[prevCl.toks[0]] = 1;
          used[cl.toks[0]] = 1;
          used[cl.toks[1]] = 1;
          host = b1.v;
          byComments.push('Barricade');
        }
        // GoDaddy's relays write a label between colons where the host goes: "by : HOSTING RELAY :"
        const label = cl.toks.length >= 3 && toks[cl.toks[0]].k === 'word' && toks[cl.toks[0]].v === ':' ? cl.toks.findIndex((x, n) => n > 0 && toks[x].k === 'word' && toks[x].v === ':') : -1;
        if (label > 1 && label <= 5 && cl.toks.slice(1, label).every((x) => toks[x].k === 'word' && /^[A-Za-z0-9-]{1,30}$/.test(toks[x].v))) {
          byComments.push(raw.slice(toks[cl.toks[0]].s, toks[cl.toks[label]].e));
          for (let n = 0; n <= label; n++) used[cl.toks[n]] = 1;
        }
        cl.toks.forEach((i, n) => {
          const t = toks[i];
          if (used[i]) return;
          if (n === 0 && (t.k === 'word' || t.k === 'bracket')) {
            // a custom Exim configuration: "by authid <user@example.com>": who logged in, no host
            if (t.k === 'word' && t.v.toLowerCase() === 'authid' && cl.toks[1] !== undefined && toks[cl.toks[1]].k === 'angle') {
              acc.authSeen = true;
              used[i] = 1;
              used[cl.toks[1]] = 1;
              return;
            }
            const h = t.k === 'word' ? stripTrailing(t.v, ',') : rawOf(t);
            if (h && (!h.includes('@') || (t.k === 'word' && isNamedByAddress(ctx, h, cl.toks[1] !== undefined ? toks[cl.toks[1]] : undefined)))) {
              host = h;
              used[i] = 1;
              const lit = readLiteral(h);
              if (lit?.ip) byIp = lit.ip;
              // a product name instead of a host: Forcepoint's "by Forcepoint Email with ESMTP",
              // Websense's "by Websense Email Security Gateway with ESMTP" (at most three
              // capitalised words, each a single space apart, ending the clause)
              if (t.k === 'word' && !h.includes('.')) {
                let k = 1;
                let end = t.e;
                while (k <= 3 && cl.toks[k] !== undefined) {
                  const w = toks[cl.toks[k]];
                  if (w.k !== 'word' || w.s !== end + 1 || !/^[A-Z][a-z]{2,20}$/.test(w.v)) break;
                  end = w.e;
                  k++;
                }
                const after = cl.toks[k] !== undefined ? toks[cl.toks[k]] : undefined;
                if (k > 1 && (!after || after.k === 'comment')) {
                  host = raw.slice(t.s, end);
                  for (let m = 1; m < k; m++) used[cl.toks[m]] = 1;
                }
              }
              return;
            }
            used[i] = 2;
            return;
          }
          // Amazon's Farcaster: "by smtpin.naws.eu-west-1.prod.farcaster.email.amazon.dev [10.0.31.105:2525]"
          if (n === 1 && t.k === 'bracket' && host !== undefined && !byIp) {
            const lit = readLiteral(t.v);
            if (lit?.ip) {
              byIp = lit.ip;
              used[i] = 1;
              return;
            }
          }
          // Host Europe: "by wp530.webpack.hosteurope.de running ExIM with esmtpsa"
          if (t.k === 'word' && t.v.toLowerCase() === 'running' && n > 0 && cl.toks[n + 1] === i + 1 && toks[i + 1]?.k === 'word' && /^[A-Za-z][A-Za-z0-9._-]{0,30}$/.test(toks[i + 1].v)) {
            byComments.push(`running ${toks[i + 1].v}`);
            used[i] = 1;
            used[i + 1] = 1;
            return;
          }
          // Microsoft SMTPSVC (Hotmail): "by BLU0-SMTP20.blu0.hotmail.com over TLS secured channel with …"
          if (t.k === 'word' && t.v.toLowerCase() === 'over' && cl.toks[n + 3] === i + 3 && toks.slice(i + 1, i + 4).map((x) => x.v.toLowerCase()).join(' ') === 'tls secured channel') {
            acc.tlsSeen = true;
            for (let m = 0; m < 4; m++) used[i + m] = 1;
            return;
          }
          // Vade (OpenText): "by smtp.oxsus-vadesecure.net ESMTP oxsus1nmtao01p with ngmta": the
          // banner word, then the name of the node that took the message
          if (n === 1 && t.k === 'word' && t.v === 'ESMTP' && host !== undefined && cl.toks[n + 1] === i + 1 && toks[i + 1]?.k === 'word' && /^[A-Za-z][A-Za-z0-9-]{0,62}$/.test(toks[i + 1].v) && cl.toks.length === 3) {
            byComments.push(`ESMTP ${toks[i + 1].v}`);
            used[i] = 1;
            used[i + 1] = 1;
            return;
          }
          // Yahoo: "by atlas122.free.mail.bf1.yahoo.com pod-id NONE with HTTPS"
          if (t.k === 'word' && t.v.toLowerCase() === 'pod-id' && toks[i + 1]?.k === 'word' && cl.toks[n + 1] === i + 1) {
            used[i] = 1;
            used[i + 1] = 1;
            return;
          }
          if (t.k === 'comment') {
            if (plainComment(i)) return;
            byComments.push(rawOf(t));
            if (!byIp && t.v.length < MAX_CLASSIFY) {
              // "(2603:10a6:910:13::9)" (Exchange) or "(name [192.0.2.1])"; never a version
              // number such as "(NAVGW 2.5.2.12)"
              const inner = tokenize(ctx, t.s + 1, t.e - 1);
              if (inner.length === 1 && inner[0].k === 'word') {
                const lit = readLiteral(inner[0].v);
                if (lit?.ip) {
                  byIp = lit.ip;
                  byBareIp = true;
                }
              } else {
                const br = inner.find((x) => x.k === 'bracket');
                const lit = br ? readLiteral(br.v) : null;
                if (lit?.ip) byIp = lit.ip;
              }
            }
            return;
          }
          if (t.k === 'word' && t.v.toLowerCase() === 'envelope-from' && toks[i + 1]?.k === 'angle') {
            used[i] = 1;
            return;
          }
          if (t.k === 'angle' && i > 0 && toks[i - 1].k === 'word' && toks[i - 1].v.toLowerCase() === 'envelope-from') {
            if (acc.envelopeFrom === undefined) acc.envelopeFrom = cleanAddress(t.v);
            used[i] = 1;
            return;
          }
          used[i] = 2;
        });
        by = {};
        if (host !== undefined) by.host = host;
        if (byIp !== undefined) by.ip = byIp;
        if (byComments.length) by.comment = byComments.join(' ');
        break;
      }
      case 'with':
        withClauses.push(cl);
        break;
      case 'via': {
        const words: string[] = [];
        for (const i of cl.toks) {
          const t = toks[i];
          if (used[i]) continue;
          if (t.k === 'comment') {
            plainComment(i);
          } else if (t.k === 'word' && words.length < 4) {
            words.push(stripTrailing(t.v, ','));
            used[i] = 1;
          } else {
            used[i] = 2;
          }
        }
        if (words.length) via = words.join(' ');
        break;
      }
      case 'id':
        cl.toks.forEach((i, n) => {
          const t = toks[i];
          if (used[i]) return;
          if (n === 0 && (t.k === 'word' || t.k === 'angle')) {
            const v = t.k === 'angle' ? cleanAddress(t.v) : stripTrailing(t.v, ',');
            if (v) id = v;
            used[i] = 1;
            return;
          }
          if (t.k === 'comment') {
            plainComment(i);
            return;
          }
          readLooseWord(i);
        });
        break;
      case 'for': {
        let pendingName: number[] = [];
        for (const i of cl.toks) {
          const t = toks[i];
          if (used[i]) continue;
          if (t.k === 'angle') {
            const a = cleanAddress(t.v);
            if (a) forList.push(a);
            used[i] = 1;
            for (const p of pendingName) used[p] = 1; // display name before <addr>
            pendingName = [];
          } else if (t.k === 'word') {
            const v = cleanAddress(stripQuotes(t.v));
            // nbSMTP: "for uid 1000 user@example.com": the local user id that submitted it
            if (t.v === 'uid' && toks[i + 1]?.k === 'word' && /^\d{1,10}$/.test(toks[i + 1].v) && cl.toks.includes(i + 1)) {
              used[i] = 1;
              used[i + 1] = 1;
              continue;
            }
            if (v.includes('@') && !t.v.startsWith('"')) {
              forList.push(v);
              used[i] = 1;
            } else if (t.v === ',') {
              used[i] = 1;
            } else if (!readLooseWord(i)) {
              pendingName.push(i);
            }
          } else if (t.k === 'comment') {
            plainComment(i);
          } else {
            used[i] = 2;
          }
        }
        // Sendmail delivering to a local alias or mailbox: "for tbtf-outgoing;", "for nsb;" (a bare
        // local part is the whole clause): the recipient as the receiver knew it
        if (pendingName.length === 1 && cl.toks.length === 1 && /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/.test(toks[pendingName[0]].v)) {
          forList.push(toks[pendingName[0]].v);
          used[pendingName[0]] = 1;
          pendingName = [];
        }
        for (const p of pendingName) used[p] = 2;
        break;
      }
    }
  }

  /**
   * Words that may float anywhere: Haraka's bare "envelope-from <addr>", Exim's "tls CIPHER".
   * Returns true when the word was consumed.
   */
  function readLooseWord(i: number): boolean {
    const t = toks[i];
    const next = toks[i + 1];
    const lower = t.v.toLowerCase();
    if (t.k === 'word' && t.v === ',') {
      used[i] = 1;
      return true;
    }
    if (t.k === 'word' && lower === 'envelope-from' && next?.k === 'angle') {
      if (acc.envelopeFrom === undefined) acc.envelopeFrom = cleanAddress(next.v);
      used[i] = 1;
      used[i + 1] = 1;
      return true;
    }
    used[i] = 2;
    return false;
  }

  // --- with: protocol and flags
  let withInfo: ReceivedWith | undefined;
  for (const cl of withClauses) {
    const protoWords: number[] = [];
    let protoDone = false;
    let bracketProto: string | undefined;
    /** IBM's gateways put their SMTP banner after the protocol: "with IBM ESMTP SMTP Gateway: Authorized Use Only! …". */
    let bannerWords = -1;
    for (let n = 0; n < cl.toks.length; n++) {
      const i = cl.toks[n];
      const t = toks[i];
      if (used[i]) continue;
      if (bannerWords >= 0 && t.k === 'word' && bannerWords < 12) {
        bannerWords++;
        used[i] = 1;
        continue;
      }
      if (t.k === 'comment') {
        plainComment(i);
        if (protoWords.length) protoDone = true;
        continue;
      }
      if (t.k === 'bracket' && !protoDone && protoWords.length === 0 && !withInfo) {
        bracketProto = t.v.trim();
        used[i] = 1;
        protoDone = true;
        continue;
      }
      if (t.k === 'word') {
        const lower = t.v.toLowerCase();
        if (withInfo || protoDone) {
          // a second "with" (Mimecast "with ESMTP with STARTTLS") or words after the protocol
          if (lower === 'starttls' || lower === 'tls' || lower === 'ssl') {
            acc.tlsSeen = true;
            used[i] = 1;
            const nx = cl.toks[n + 1];
            if (lower === 'tls' && nx !== undefined && toks[nx].k === 'word' && /^[A-Z0-9_-]+$/i.test(toks[nx].v) && /[_-]/.test(toks[nx].v)) {
              mergeTls(acc, { cipher: toks[nx].v });
              used[nx] = 1;
              n++;
            }
            continue;
          }
          if (lower === 'auth' || lower === 'authenticated') {
            acc.authSeen = true;
            used[i] = 1;
            continue;
          }
          if (withInfo && (lower === 'both' || lower === 'and')) {
            used[i] = 1;
            continue;
          }
          readLooseWord(i);
          continue;
        }
        if (protoWords.length < 4) {
          protoWords.push(i);
          used[i] = 1;
          if (t.v.length > 1 && t.v.endsWith(':') && protoWords.length > 1) bannerWords = 0;
        } else {
          used[i] = 2;
        }
        continue;
      }
      used[i] = 2;
    }
    if (withInfo) continue;
    // plain loops, not map/join: an empty map() result has another array map than a full one,
    // and that kept deoptimising this (large) function on every call
    const words: string[] = [];
    for (const i of protoWords) words.push(toks[i].v);
    if (bannerWords >= 0) words[words.length - 1] = words[words.length - 1].slice(0, -1);
    let protocol = bracketProto ?? joinWords(words);
    // MessageLabs: "with ECDHE-RSA-AES256-GCM-SHA384 encrypted SMTP"
    if (words.length >= 3 && words[1].toLowerCase() === 'encrypted') {
      mergeTls(acc, { cipher: words[0] });
      protocol = words.slice(1).join(' ');
    }
    // IronPort: "with ESMTP/TLS/ECDHE-RSA-AES128-GCM-SHA256"
    const slash = protocol.toUpperCase().indexOf('/TLS/');
    if (slash > 0 && !protocol.includes(' ')) {
      const cipher = protocol.slice(slash + 5);
      mergeTls(acc, cipher ? { cipher } : {});
      protocol = protocol.slice(0, slash);
    } else if (/^[A-Z]+\/TLS$/i.test(protocol)) {
      acc.tlsSeen = true;
      protocol = protocol.slice(0, -4);
    }
    if (/(?:^|\s)encrypted(?:\s|$)/i.test(protocol)) acc.tlsSeen = true;
    if (protocol) withInfo = protocolFlags(protocol);
  }

  // comments anywhere else (after the date, between clauses) still count for TLS/envelope
  const inFrom = new Uint8Array(toks.length);
  if (fromClause) for (const i of fromClause.toks) inFrom[i] = 1;
  for (let i = 0; i < toks.length; i++) {
    if (used[i] || inFrom[i] || toks[i].k !== 'comment') continue;
    plainComment(i);
  }

  // --- from
  const msStyle = !!withInfo && (withInfo.mapi || /microsoft/i.test(withInfo.protocol));
  const protoLocal = !!withInfo && /^local/i.test(withInfo.protocol);
  let from: ReceivedFrom | undefined;
  if (fromClause) {
    const fromToks: Tok[] = [];
    for (const i of fromClause.toks) fromToks.push(toks[i]);
    from = readFrom(ctx, fromToks, (n, state) => {
      used[fromClause.toks[n]] = state;
    }, acc, { isExim, msStyle: msStyle || byBareIp, protoLocal, http: !!withInfo?.http });
  } else if (fromInComment) {
    from = readFrom(ctx, fromInComment.toks, () => undefined, acc, { isExim, msStyle, protoLocal, http: false, sendmailLocal: true });
  } else if (localSender) {
    from = { ident: localSender.ident, comment: localSender.comment };
  } else if (loneNote !== undefined) {
    from = { comment: loneNote };
  } else if (acc.qmail) {
    // qmail's own line: who handed it the message (a local uid, or the network peer it names)
    const q = acc.qmail;
    from = {};
    if (q.rdns) from.rdns = q.rdns;
    if (q.ip) from.ip = from.ipRaw = q.ip;
    if (q.ident) from.ident = q.ident;
    from.comment = q.comment;
  }

  // qmail-scanner names the envelope sender where the client goes: "from x@example.com by host by
  // uid 502 with qmail-scanner-1.12 (…)"; the user id is the scanner's
  if (qmailScannerUid !== undefined && withInfo && /^qmail-scanner/i.test(withInfo.protocol)) {
    if (from?.helo?.includes('@') && !from.ip) {
      if (acc.envelopeFrom === undefined) acc.envelopeFrom = from.helo;
      delete from.helo;
    }
    from = { ...from, ident: qmailScannerUid };
  } else if (qmailScannerUid !== undefined) {
    acc.unparsed.push({ pos: 0, text: `by ${qmailScannerUid}` });
  }

  // --- assemble
  if (from && Object.keys(from).length) info.from = from;
  if (by && (by.host !== undefined || by.ip !== undefined || by.comment !== undefined)) info.by = by;
  if (via !== undefined) info.via = via;
  // Critical Path "(authenticated as user)" with no "with" clause: the submission is still
  // authenticated; the protocol is not named
  if (!withInfo && acc.authSeen) withInfo = protocolFlags('');
  if (withInfo) {
    if (acc.tlsSeen) withInfo.tls = true;
    if (acc.authSeen) withInfo.authenticated = true;
    info.with = withInfo;
  }
  if (acc.tls.version || acc.tls.cipher || acc.tls.bits) info.tls = { ...acc.tls };
  if (id !== undefined) info.id = id;
  // DSN original recipients (zmailer's "(ORCPT <rfc822;addr>)") name the envelope recipient too
  for (const o of acc.orcpt) if (o.pos < tailStart && o.addr && !forList.includes(o.addr)) forList.push(o.addr);
  if (forList.length) info.for = forList;
  if (acc.envelopeFrom !== undefined) info.envelopeFrom = acc.envelopeFrom;
  if (date) info.date = date;

  // --- unparsed: runs of tokens nobody understood, plus notes from inside comments
  const pieces: Array<{ pos: number; text: string }> = [...acc.unparsed];
  let runStart = -1;
  let runEnd = -1;
  for (let i = 0; i <= toks.length; i++) {
    const bad = i < toks.length && used[i] !== 1;
    if (bad) {
      if (runStart < 0) runStart = toks[i].s;
      runEnd = toks[i].e;
    } else if (runStart >= 0) {
      pieces.push({ pos: runStart, text: raw.slice(runStart, runEnd) });
      runStart = -1;
    }
  }
  if (fullRaw.length > raw.length) pieces.push({ pos: raw.length, text: fullRaw.slice(raw.length) });
  pieces.sort((a, b) => a.pos - b.pos);
  const unparsed: string[] = [];
  for (const p of pieces) {
    const t = p.text.trim();
    if (t.length > 0) unparsed.push(t);
  }
  info.unparsed = unparsed;
}

/** A comment (or a bracketed literal) that is nothing but a complete date with its time. */
function isDateNote(inner: string): boolean {
  let t = inner.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1).trim();
  if (t.length < 10 || t.length > 80 || !/^[A-Za-z]{3},? /.test(t)) return false;
  const sc = scanMailDate(t, 0);
  return sc.matched && sc.utc !== null && !sc.zoneless && t.slice(sc.end).trim() === '';
}

function joinWords(words: string[]): string {
  let s = '';
  for (let i = 0; i < words.length; i++) s = i === 0 ? words[i] : `${s} ${words[i]}`;
  return s;
}

interface FromOptions {
  isExim: boolean;
  msStyle: boolean;
  protoLocal: boolean;
  /** The hop was taken over HTTP (webmail, an API): the client sent no HELO. */
  http: boolean;
  /** Sendmail's "(from user@localhost)": the word is a local user, not a host. */
  sendmailLocal?: boolean;
}

/**
 * Read the from clause: the word after "from", its identity comments, and stray pieces.
 * `mark(n, state)` records whether the n-th token was understood (1) or not (2).
 */
function readFrom(ctx: Ctx, toks: Tok[], mark: (n: number, state: 1 | 2) => void, acc: Acc, opt: FromOptions): ReceivedFrom {
  const from: ReceivedFrom = {};
  let word: string | undefined;
  let wordIsLiteral = false;
  let wordLit: Literal | null = null;
  let start = 0;
  const first = toks[0];
  if (first && first.k === 'word') {
    word = stripTrailing(first.v, ',');
    wordLit = readLiteral(word);
    wordIsLiteral = !!wordLit;
    mark(0, 1);
    start = 1;
  } else if (first && first.k === 'bracket') {
    word = ctx.w.slice(first.s, first.e);
    // "[192.0.2.1]", "[IPv6:...]"; a non-address literal such as "[Masked]" is only a HELO name
    wordLit = readLiteral(first.v);
    wordIsLiteral = true;
    mark(0, 1);
    start = 1;
  } else if (first && first.k === 'angle' && NO_NAME.has(first.v.trim().toLowerCase())) {
    // "from <unknown> (<unknown> []) by ...", "from <unavailable> by ...": no name at all
    mark(0, 1);
    start = 1;
  }
  // Exim (Debian's hosts): "from authenticated user by …": a logged-in client, no name given
  if (word !== undefined && word.toLowerCase() === 'authenticated' && toks.length === 2 && toks[1].k === 'word' && toks[1].v.toLowerCase() === 'user') {
    acc.authSeen = true;
    mark(1, 1);
    return {};
  }
  // Microsoft SMTPSVC (IIS, early Exchange, Hotmail): "from mail pickup service by …": a message
  // dropped into the pickup folder on the server itself
  if (
    word !== undefined &&
    word.toLowerCase() === 'mail' &&
    toks.length === 3 &&
    toks[1].k === 'word' &&
    toks[1].v.toLowerCase() === 'pickup' &&
    toks[2].k === 'word' &&
    toks[2].v.toLowerCase() === 'service'
  ) {
    mark(1, 1);
    mark(2, 1);
    return { ident: 'mail pickup service' };
  }

  const idents: Identity[] = [];
  const identRaw: string[] = [];
  /** Obtuse smtpd writes "from rDNS(IP)" with the comment glued to the name; HELO comes only as "claiming to be". */
  const glued = start === 1 && first.k === 'word' && toks[1]?.k === 'comment' && toks[1].s === first.e;
  let outer: { lit: Literal; text: string; pos: number } | undefined;
  let claiming: string | undefined;
  let named = false;
  /** A comment says who logged in (CommuniGate "account x", SquirrelMail "authenticated user x"). */
  let loggedIn = false;
  for (let n = start; n < toks.length; n++) {
    const t = toks[n];
    if (t.k === 'comment') {
      const cls = classifyComment(t.v, acc, t.s);
      if (cls) {
        if (cls === 'auth') loggedIn = true;
        mark(n, 1);
        continue;
      }
      if (t.v.length > MAX_CLASSIFY) {
        mark(n, 2);
        continue;
      }
      // a time stamp where the address goes: "(HELO x) (Fri, 06 Oct 2023 10:25:28 +0100)" or
      // "([Thu, 28 Sep 2023 05:27:01 -0700])": a date, not an address (and no identity)
      if (isDateNote(t.v)) {
        mark(n, 1);
        continue;
      }
      const id = parseIdentity(ctx, t);
      if (id.account || id.login) {
        acc.authSeen = true;
        loggedIn = true;
      }
      if (id.useful) {
        idents.push(id);
        identRaw.push(ctx.raw.slice(t.s, t.e));
        mark(n, 1);
        for (const l of id.leftovers) acc.unparsed.push({ pos: t.s, text: l });
        for (const l of id.extraLits) acc.unparsed.push(l);
      } else {
        mark(n, 2);
      }
      continue;
    }
    if (t.k === 'bracket' && !outer) {
      const lit = readLiteral(t.v);
      if (lit) {
        outer = { lit, text: ctx.raw.slice(t.s, t.e), pos: t.s };
        mark(n, 1);
        continue;
      }
    }
    if (t.k === 'word') {
      const lower = t.v.toLowerCase();
      // smtpd: "NAME(IP), claiming to be "HELO""
      if (lower === 'claiming' && toks[n + 1]?.v.toLowerCase() === 'to' && toks[n + 2]?.v.toLowerCase() === 'be' && toks[n + 3]?.k === 'word') {
        claiming = stripQuotes(stripTrailing(toks[n + 3].v, ','));
        for (let k = 0; k < 4; k++) mark(n + k, 1);
        n += 3;
        continue;
      }
      if (t.v === ',') {
        mark(n, 1);
        continue;
      }
      // Host Europe's Exim: "from [2a02:…]; authenticated by wp530.webpack.hosteurope.de"
      if (lower === 'authenticated' && n > 0) {
        acc.authSeen = true;
        loggedIn = true;
        mark(n, 1);
        continue;
      }
      // Gmail API: "from 429412751972 named unknown by gmailapi.google.com with HTTPREST"
      if (lower === 'named' && n === start && toks[n + 1]?.k === 'word') {
        named = true;
        mark(n, 1);
        mark(n + 1, 1);
        n++;
        continue;
      }
      if (lower === 'envelope-from' && toks[n + 1]?.k === 'angle') {
        if (acc.envelopeFrom === undefined) acc.envelopeFrom = cleanAddress(toks[n + 1].v);
        mark(n, 1);
        mark(n + 1, 1);
        n++;
        continue;
      }
    }
    mark(n, 2);
  }

  const wordName = word !== undefined && !wordIsLiteral ? stripTrailing(word, '.') : undefined;
  /** The word after "from" could be a reverse-DNS name (dotted, not "unknown"). */
  const wordIsHost = wordName !== undefined && isFqdnLike(wordName) && !NO_RDNS.has(wordName.toLowerCase());

  // local submissions: Sendmail "(from user@localhost)", Exim "from user by host with local"
  if (opt.sendmailLocal && word !== undefined && !idents.some((i) => i.lit) && !outer) {
    const at = word.indexOf('@');
    from.ident = at > 0 ? word.slice(0, at) : word;
    return from;
  }
  if (opt.protoLocal && word !== undefined && !wordIsLiteral && !word.includes('.') && !idents.some((i) => i.lit) && !outer) {
    from.ident = word;
    const h = idents.find((i) => i.heloSet);
    if (h?.helo) from.helo = h.helo;
    if (identRaw.length) from.comment = identRaw.join(' ');
    return from;
  }

  const heloId = idents.find((i) => i.heloSet);
  const litId = idents.find((i) => i.lit);
  const rdnsId = idents.find((i) => i.rdns !== undefined || i.rdnsNone);
  const hostOnly = idents.find((i) => i.hostOnly)?.hostOnly;
  const verified = idents.some((i) => i.verified);

  // IP: the address the receiver saw (inside the comment), else the outer literal, else the word
  const candidates: Array<{ lit: Literal; text: string }> = [];
  if (litId?.lit) candidates.push({ lit: litId.lit, text: litId.litBracketed ? `[${litId.lit.raw}]` : litId.lit.raw });
  if (outer) candidates.push({ lit: outer.lit, text: outer.text });
  if (wordLit) candidates.push({ lit: wordLit, text: word ?? '' });
  const chosen = candidates.find((c) => c.lit.ip);
  if (chosen) {
    from.ip = chosen.lit.ip;
    from.ipRaw = chosen.lit.raw;
  } else if (candidates.length) {
    from.ipRaw = candidates[0].lit.raw;
  }
  const reported = new Set<string>();
  for (const c of candidates) {
    if (c.lit.ip || reported.has(c.lit.raw)) continue;
    // the word after "from" only looks like an address ("from 192.61831 (host [192.0.2.1])"): it is
    // the name the client gave, and the receiver recorded the address in the comment
    if (c.lit === wordLit && chosen && chosen.lit !== wordLit && first?.k === 'word') continue;
    reported.add(c.lit.raw);
    acc.unparsed.push({ pos: 0, text: c.text });
  }

  // reverse DNS and HELO
  const explicitRdns = rdnsId?.rdns;
  let helo: string | undefined;
  let rdns: string | undefined = explicitRdns;
  const usedBareIp = !!litId && !litId.litBracketed && chosen?.lit === litId.lit;
  if (heloId) {
    helo = heloId.helo;
    if (!rdns && wordIsHost && !rdnsId?.rdnsNone) rdns = wordName;
  } else if (claiming !== undefined) {
    helo = claiming;
    if (!rdns && wordIsHost) rdns = wordName;
  } else if (hostOnly && outer) {
    // smail: "from rDNS (HELO) [IP]"
    helo = hostOnly;
    if (wordIsHost) rdns = wordName;
  } else {
    const gluedRdns = glued && wordIsHost && !!litId && !litId.litBracketed;
    // Exim "from [IP] (ident=x)": the literal is the address; no HELO was given
    const eximNoHelo = wordIsLiteral && idents.some((i) => i.eximKeys);
    if (word !== undefined && !gluedRdns && !eximNoHelo && (idents.length > 0 || outer || !wordIsLiteral || word.startsWith('['))) helo = word;
    if (!rdns && wordIsHost && !rdnsId) {
      if (verified) rdns = wordName;
      else if (usedBareIp && !opt.msStyle && !litId?.lit?.port) rdns = wordName; // qmail, Critical Path
      else if (litId && litId.litBracketed && opt.isExim) rdns = wordName; // Exim: name is the verified rDNS
      else if (outer && idents.length === 0) rdns = wordName; // "from NAME [IP]"
      else if (hostOnly && !litId) rdns = hostOnly; // "from HELO (rdns)"
    }
  }
  if (helo === '') helo = undefined;
  let ident = idents.find((i) => i.ident !== undefined)?.ident;
  // Over HTTP there is no HELO: the word after "from" is the client as the web server knew it (its
  // name or address; SquirrelMail, CommuniGate WebUser) or, for the Gmail API, the API client's
  // number. Only when the line shows it is such a submission (a login, an address, "named"), so
  // gateways that write a host name there keep it.
  if (opt.http && !heloId && word !== undefined && helo === word && (loggedIn || named || wordIsLiteral)) {
    helo = undefined;
    if (named && ident === undefined) ident = word;
    else if (!rdns && wordIsHost && !rdnsId) rdns = wordName;
  }
  if (helo !== undefined) from.helo = helo;
  if (rdns !== undefined) from.rdns = rdns;
  if (ident !== undefined) from.ident = ident;
  if (identRaw.length) from.comment = identRaw.join(' ');
  // the word after "from" must end up somewhere (HELO, rDNS, or the address); otherwise report
  // it, e.g. a forged "[IP]" that disagrees with the address the receiver recorded
  if (word !== undefined && first) {
    const wordUsed =
      from.helo === word ||
      (wordName !== undefined && from.rdns === wordName) ||
      from.ident === word ||
      (!!chosen && !!wordLit && (chosen.lit === wordLit || (!!wordLit.ip && wordLit.ip === chosen.lit.ip))) ||
      NO_RDNS.has(word.toLowerCase());
    if (!wordUsed) acc.unparsed.push({ pos: first.s, text: word });
  }
  // put the fields in a stable, readable order
  const ordered: ReceivedFrom = {};
  for (const k of ['helo', 'rdns', 'ip', 'ipRaw', 'ident', 'comment'] as const) if (from[k] !== undefined) ordered[k] = from[k];
  return ordered;
}
