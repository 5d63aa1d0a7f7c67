/**
 * Finding the thing under the cursor in header text by scanning characters (no regular expression
 * runs over header text here): IP addresses, host names, `KEY:value` pairs of Microsoft's anti-spam
 * headers, `method=result (comment)` parts of Authentication-Results, `tag=value` of DKIM/ARC
 * signatures. Every scan is bounded, so a 1 MB header line costs the same as a short one.
 * No 'vscode' import: unit-tested on its own.
 */
import { parseAuthResults } from '../../core/parse/auth-results';

/** How far a token may extend on each side of the cursor. */
export const MAX_TOKEN = 260;

export interface Span {
  /** Offsets into the scanned text, end exclusive. */
  start: number;
  end: number;
  text: string;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function isIpChar(c: number): boolean {
  return isHex(c) || c === 0x2e /* . */ || c === 0x3a /* : */;
}

function isHostChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2e || c === 0x5f;
}

function expand(text: string, offset: number, ok: (c: number) => boolean): Span | undefined {
  if (offset < 0 || offset > text.length) return undefined;
  let s = offset;
  let e = offset;
  const lo = Math.max(0, offset - MAX_TOKEN);
  const hi = Math.min(text.length, offset + MAX_TOKEN);
  while (s > lo && ok(text.charCodeAt(s - 1))) s--;
  while (e < hi && ok(text.charCodeAt(e))) e++;
  if (e <= s) return undefined;
  return { start: s, end: e, text: text.slice(s, e) };
}

/**
 * A candidate IP address under the cursor: the run of hex digits, dots and colons around `offset`,
 * trimmed of a prefix such as `IPv6:` or `CIP:` and of trailing punctuation. The caller validates it
 * with the strict IP parser; this only finds where it is. Must contain a dot or a colon.
 */
export function ipCandidateAt(text: string, offset: number): Span | undefined {
  const run = expand(text, offset, isIpChar) ?? (offset > 0 ? expand(text, offset - 1, isIpChar) : undefined);
  if (!run) return undefined;
  let { start, end } = run;
  // Prefixes: "CIP:1.2.3.4" scans as ":1.2.3.4" ('I' and 'P' are no hex digits), "IPv6:2001:db8::1"
  // as "6:2001:db8::1", "D:1.2.3.4" (a hex-looking key) as "D:1.2.3.4". Drop the fragment up to ':'.
  let t = text.slice(start, end);
  if (/^[0-9a-fA-F]{0,4}:[0-9]{1,3}\./.test(t) && !t.startsWith('::')) {
    const colon = t.indexOf(':');
    start += colon + 1;
    t = t.slice(colon + 1);
  } else if (t.startsWith('6:') && start >= 4 && text.slice(start - 3, start).toLowerCase() === 'ipv') {
    start += 2;
    t = t.slice(2);
  } else if (t.startsWith(':') && !t.startsWith('::')) {
    start += 1;
    t = t.slice(1);
  }
  while (t.length && (t.endsWith('.') || (t.endsWith(':') && !t.endsWith('::')))) {
    t = t.slice(0, -1);
    end--;
  }
  if (!t.includes('.') && !t.includes(':')) return undefined;
  if (offset < start || offset > end) return undefined;
  return { start, end, text: t };
}

/** A host name under the cursor: letters, digits, '-', '_' and '.', with at least one dot and one letter. */
export function hostAt(text: string, offset: number): Span | undefined {
  const run = expand(text, offset, isHostChar);
  if (!run) return undefined;
  let { start, end } = run;
  let t = run.text;
  while (t.startsWith('.') || t.startsWith('-')) {
    t = t.slice(1);
    start++;
  }
  while (t.endsWith('.') || t.endsWith('-')) {
    t = t.slice(0, -1);
    end--;
  }
  if (t.length < 3 || t.length > 253 || !t.includes('.')) return undefined;
  let letter = false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i) | 0x20;
    if (c >= 0x61 && c <= 0x7a) {
      letter = true;
      break;
    }
  }
  if (!letter || offset < start || offset > end) return undefined;
  return { start, end, text: t };
}

/** A word of letters, digits, '-', '_' and '.' under the cursor. */
export function wordAt(text: string, offset: number): Span | undefined {
  return expand(text, offset, isHostChar) ?? (offset > 0 ? expand(text, offset - 1, isHostChar) : undefined);
}

/**
 * The part of `text` between separators around `offset`. With `nested`, separators inside
 * parentheses (comments) and double quotes do not count (Authentication-Results). Linear: one pass
 * from the start to the end of the segment. Leading and trailing whitespace is trimmed.
 */
export function segmentAt(text: string, offset: number, sep: string, nested = false): Span | undefined {
  if (offset < 0 || offset > text.length) return undefined;
  const sepCode = sep.charCodeAt(0);
  let segStart = 0;
  let depth = 0;
  let quoted = false;
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (nested) {
      if (c === 0x5c /* \ */ && (quoted || depth > 0)) {
        i++;
        continue;
      }
      if (quoted) {
        if (c === 0x22) quoted = false;
        continue;
      }
      if (c === 0x22 && depth === 0) {
        quoted = true;
        continue;
      }
      if (c === 0x28) {
        depth++;
        continue;
      }
      if (c === 0x29 && depth > 0) {
        depth--;
        continue;
      }
      if (depth > 0) continue;
    }
    if (c === sepCode) {
      if (i >= offset) break;
      segStart = i + 1;
    }
  }
  let s = segStart;
  let e = i;
  while (s < e && isSpace(text.charCodeAt(s))) s++;
  while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
  if (e <= s || offset < s - 1 || offset > e + 1) return undefined;
  return { start: s, end: e, text: text.slice(s, e) };
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** `KEY:value` split at the first ':' (Microsoft's anti-spam pairs). */
export function splitPair(segment: string, delimiter: ':' | '='): { key: string; value: string } | undefined {
  const at = segment.indexOf(delimiter);
  if (at <= 0) return undefined;
  const key = segment.slice(0, at).trim();
  if (!key || key.length > 64) return undefined;
  for (let i = 0; i < key.length; i++) if (!isHostChar(key.charCodeAt(i))) return undefined;
  return { key, value: segment.slice(at + 1).trim() };
}

export interface ResultSegment {
  method: string;
  result: string;
  reason?: string;
  comments: string[];
  props: Record<string, string>;
}

/**
 * One `method=result (comment) reason=… ptype.prop=value` part of an Authentication-Results field,
 * read by the engine's own Authentication-Results parser (the same reading as the analysis).
 * Returns undefined when the segment does not start with `word=word` (e.g. the authserv-id or a
 * bare accepted-domain token in EOP's form).
 */
export function parseResultSegment(segment: string): ResultSegment | undefined {
  const s = segment.length > 4000 ? segment.slice(0, 4000) : segment;
  const r = parseAuthResults(s).results[0];
  if (!r || !r.method || !r.result) return undefined;
  const out: ResultSegment = { method: r.method.toLowerCase(), result: r.result.toLowerCase(), comments: [...r.comments], props: { ...r.props } };
  if (r.reason !== undefined) out.reason = r.reason;
  return out;
}

/** Offsets of each document line inside the joined text of a multi-line field. */
export function joinLines(lines: readonly string[]): { text: string; starts: number[] } {
  const starts: number[] = [];
  let text = '';
  for (let i = 0; i < lines.length; i++) {
    starts.push(text.length);
    text += lines[i];
    if (i < lines.length - 1) text += '\n';
  }
  return { text, starts };
}

/** The (line, character) of an offset in text joined by joinLines. */
export function positionOf(starts: readonly number[], offset: number): { line: number; character: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
}
