/**
 * Received parser, the by clause: the receiving host (or the product name some gateways write in its
 * place: Forcepoint, Websense, GoDaddy's ": HOSTING RELAY :", Barricade), its own address
 * ("(2603:…)", "[10.0.31.105:2525]"), and the vendor words that may follow it (Host Europe's
 * "running ExIM", Hotmail's "over TLS secured channel", Vade's "ESMTP node", Yahoo's "pod-id").
 */
import type { ReceivedInfo } from '../../types';
import { type Ctx, type Tok, MAX_CLASSIFY, tokenize } from './tokenize';
import { cleanAddress, isFqdnLike, isHostnameLike, readLiteral, stripTrailing } from './literals';
import { type Clause, type ParseState, plainComment as classify, rawOf as rawText } from './clauses';

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

export interface ByReading {
  by: NonNullable<ReceivedInfo['by']>;
  /** The receiver's address came alone in parentheses, as Exchange writes it ("by HOST (IP)"). */
  byBareIp: boolean;
}

/** Read the by clause `clauses[ci]`. */
export function readBy(st: ParseState, clauses: Clause[], ci: number): ByReading {
  const { ctx, raw, toks, used, acc } = st;
  const cl = clauses[ci];
  const plainComment = (i: number) => classify(st, i);
  const rawOf = (t: Tok) => rawText(st, t);
  const byComments: string[] = [];
  let byBareIp = false;
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
  const by: ByReading['by'] = {};
  if (host !== undefined) by.host = host;
  if (byIp !== undefined) by.ip = byIp;
  if (byComments.length) by.comment = byComments.join(' ');
  return { by, byBareIp };
}
