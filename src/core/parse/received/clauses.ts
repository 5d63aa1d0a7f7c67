/**
 * Received parser, phase 2: the date and the clauses. The date is read after the last top-level
 * ';' (or, without one, where a word starts a date); the rest is cut into clauses, each a keyword
 * (from, by, via, with, id, for) with the tokens up to the next one. Clauses may come in any order;
 * what follows the date is a clause of its own. Also the shared state every later phase writes to:
 * which tokens were understood, and the facts comments stated.
 */
import type { MailDate } from '../../types';
import { looksLikeDateStart, mailDateOf, scanMailDate } from '../date';
import { type Ctx, type Tok, KEYWORDS } from './tokenize';
import { cleanAddress } from './literals';
import { type Acc, type CommentClass, classifyComment } from './comments';

export interface Clause {
  kw: string;
  kwTok: number;
  toks: number[];
  /** The text after the date: comments and stray words there are never recipients. */
  tail?: boolean;
}

/** What one parse shares between its phases. */
export interface ParseState {
  ctx: Ctx;
  /** The value as parsed (at most MAX_PARSE characters). */
  raw: string;
  toks: Tok[];
  /** Per token: 0 = not assigned (reported as unparsed), 1 = understood, 2 = explicitly unparsed. */
  used: Uint8Array;
  acc: Acc;
}

export function rawOf(st: ParseState, t: Tok): string {
  return st.raw.slice(t.s, t.e);
}

/** A comment outside the from clause: classified for its facts, and counted as read. */
export function plainComment(st: ParseState, i: number): CommentClass {
  const c = classifyComment(st.toks[i].v, st.acc, st.toks[i].s);
  st.used[i] = 1;
  return c;
}

/**
 * Words that may float anywhere: Haraka's bare "envelope-from <addr>", Exim's "tls CIPHER".
 * Returns true when the word was consumed.
 */
export function readLooseWord(st: ParseState, i: number): boolean {
  const { toks, used, acc } = st;
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

export interface Split {
  date?: MailDate;
  /** Where the text after the date begins (Infinity while no date was found). */
  tailStart: number;
  clauses: Clause[];
}

/** Find the date and cut the tokens into clauses. */
export function splitClauses(st: ParseState): Split {
  const { ctx, raw, toks, used } = st;
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

  return { date, tailStart, clauses };
}
