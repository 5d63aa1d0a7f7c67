/**
 * Received parser: comments that are not part of the client's identity and what they state: TLS
 * (Postfix "using TLSv1.3 …", key=value, Courier "TLS: …", Exim "TLS1.3:…"), a login, the envelope
 * sender, DSN original recipients (ORCPT), qmail's and nullmailer's own lines, Alibaba's and
 * Sendmail's submission notes. `Acc` collects these facts for the whole field.
 */
import type { TlsInfo } from '../../types';
import { MAX_CLASSIFY } from './tokenize';
import { cleanAddress, isFqdnLike, readLiteral } from './literals';

export interface Acc {
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

export function mergeTls(acc: Acc, t: TlsInfo): void {
  acc.tlsSeen = true;
  if (t.version && !acc.tls.version) acc.tls.version = t.version;
  if (t.cipher && !acc.tls.cipher) acc.tls.cipher = t.cipher;
  if (t.bits && !acc.tls.bits) acc.tls.bits = t.bits;
}

/** `TLSv1.2,256bits,ECDHE-RSA-AES256-GCM-SHA384` (Courier, MDaemon "SSL:" parts). */
export function readCommaTls(text: string): TlsInfo {
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
export function tlsFromComment(inner: string): TlsInfo | null {
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

export type CommentClass = 'env' | 'tls' | 'tls-note' | 'auth' | 'orcpt' | 'qmail' | null;

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
export function classifyComment(inner: string, acc: Acc, pos = 0): CommentClass {
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
