/**
 * Received parser, the with clause: the protocol and what it says (ESMTPS = TLS, ESMTPA/SA =
 * a login, LMTP, HTTP for webmail and mail APIs, MAPI, UTF8 variants), and the vendor spellings that
 * carry TLS inside it (MessageLabs "with CIPHER encrypted SMTP", IronPort "ESMTP/TLS/CIPHER",
 * Mimecast's second "with STARTTLS", IBM's banner after the protocol).
 */
import type { ReceivedWith } from '../../types';
import { mergeTls } from './comments';
import { type Clause, type ParseState, plainComment as classify, readLooseWord as loose } from './clauses';

export function protocolFlags(protocol: string): ReceivedWith {
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

function joinWords(words: string[]): string {
  let s = '';
  for (let i = 0; i < words.length; i++) s = i === 0 ? words[i] : `${s} ${words[i]}`;
  return s;
}

/** Read every with clause; the first that names a protocol gives it, later ones add flags. */
export function readWith(st: ParseState, withClauses: Clause[]): ReceivedWith | undefined {
  const { toks, used, acc } = st;
  const plainComment = (i: number) => classify(st, i);
  const readLooseWord = (i: number) => loose(st, i);
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
    // and that kept deoptimising the (then large) parse function on every call
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
  return withInfo;
}
