/**
 * Received parser, the from clause's identity comment: what the receiver wrote about the client in
 * parentheses after the word after "from": the reverse-DNS name, the address ("[IP]", a bare IP,
 * "IP:port"), the HELO ("helo=", "HELO x", zmailer's quoted "EHLO x"), an ident, "verified",
 * "account x", "with login", and the "no address / no name" markers each MTA family uses.
 */
import { type Ctx, type Tok, tokenize } from './tokenize';
import { type Literal, isFqdnLike, isHostnameLike, NO_NAME, NO_RDNS, readIdentIp, readLiteral, stripTrailing } from './literals';

export interface Identity {
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

export function parseIdentity(ctx: Ctx, tok: Tok): Identity {
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
