/**
 * Received parser, the from clause: the word after "from" and the comments around it, read the way
 * each MTA family writes them (which name is the HELO, which the reverse-DNS name, which literal the
 * connecting address); local submissions, webmail and API clients with no HELO; anything left over
 * is reported.
 */
import type { ReceivedFrom } from '../../types';
import { scanMailDate } from '../date';
import { type Ctx, type Tok, MAX_CLASSIFY } from './tokenize';
import { type Literal, isFqdnLike, NO_NAME, NO_RDNS, readLiteral, stripQuotes, stripTrailing, cleanAddress } from './literals';
import { type Acc, classifyComment } from './comments';
import { type Identity, parseIdentity } from './identity';

/** A comment (or a bracketed literal) that is nothing but a complete date with its time. */
function isDateNote(inner: string): boolean {
  let t = inner.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1).trim();
  if (t.length < 10 || t.length > 80 || !/^[A-Za-z]{3},? /.test(t)) return false;
  const sc = scanMailDate(t, 0);
  return sc.matched && sc.utc !== null && !sc.zoneless && t.slice(sc.end).trim() === '';
}

export interface FromOptions {
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
export function readFrom(ctx: Ctx, toks: Tok[], mark: (n: number, state: 1 | 2) => void, acc: Acc, opt: FromOptions): ReceivedFrom {
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
