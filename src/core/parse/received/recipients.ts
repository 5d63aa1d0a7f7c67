/**
 * Received parser, the via, id and for clauses: the link ("via Frontend Transport"), the queue or
 * message id, and the recipients (angle addresses, bare addresses, a local alias, nbSMTP's
 * "for uid 1000 user@example.com").
 */
import { cleanAddress, stripQuotes, stripTrailing } from './literals';
import { type Clause, type ParseState, plainComment as classify, readLooseWord as loose } from './clauses';

/** The via clause: up to four words ("Frontend Transport"). */
export function readVia(st: ParseState, cl: Clause): string | undefined {
  const { toks, used } = st;
  const plainComment = (i: number) => classify(st, i);
  let via: string | undefined;
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
  return via;
}

/** The id clause: its first word or angle address. */
export function readId(st: ParseState, cl: Clause): string | undefined {
  const { toks, used } = st;
  const plainComment = (i: number) => classify(st, i);
  const readLooseWord = (i: number) => loose(st, i);
  let id: string | undefined;
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
  return id;
}

/** The for clause: recipients are appended to `forList`. */
export function readFor(st: ParseState, cl: Clause, forList: string[]): void {
  const { toks, used } = st;
  const plainComment = (i: number) => classify(st, i);
  const readLooseWord = (i: number) => loose(st, i);
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
}
