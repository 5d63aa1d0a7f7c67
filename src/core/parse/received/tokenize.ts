/**
 * Received parser, phase 1: tokenising. The unfolded value is split into words, parenthesised
 * comments (nesting allowed), bracketed literals, angle addresses and ';'. Parenthesis pairs and the
 * next ']' / '>' are precomputed in single passes, so tokenising is linear even for hostile input
 * (a megabyte of '(' or '[' or "from ").
 */

export const MAX_PARSE = 65536;
/** Comments longer than this are not run through the classifiers. */
export const MAX_CLASSIFY = 600;

export type TokKind = 'word' | 'comment' | 'bracket' | 'angle' | 'semi' | 'junk';

export interface Tok {
  k: TokKind;
  /** Start and end offsets in the working text. */
  s: number;
  e: number;
  /** word: the word; comment/bracket/angle: the inner text; semi/junk: the text. */
  v: string;
}

export interface Ctx {
  /** Working text: the unfolded value with control characters turned into spaces (same offsets as raw). */
  w: string;
  raw: string;
  parenMatch: Int32Array;
  nextRB: Int32Array;
  nextGT: Int32Array;
}

export const KEYWORDS = new Set(['from', 'by', 'via', 'with', 'id', 'for']);

function isSpaceCode(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** RFC 5322 unfolding: a line break followed by whitespace is removed; any other line break becomes a space. */
export function unfold(value: string): string {
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

export function buildCtx(raw: string): Ctx {
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
export function tokenize(ctx: Ctx, from: number, to: number): Tok[] {
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
