/**
 * Tag-list parsing (RFC 6376 §3.2) for DKIM-Signature, ARC-Seal and ARC-Message-Signature, and the
 * typed views over the tags the analysis needs.
 *
 * tag-list = tag-spec *( ";" tag-spec ) [ ";" ]; tag-spec = [FWS] name [FWS] "=" [FWS] value [FWS].
 * Values cannot contain ';', so splitting on ';' is exact. Tag names are case-sensitive. Whitespace
 * inside b= and bh= (base64 folded over lines) is removed; other values are unfolded and trimmed.
 * Nothing here throws; every oddity becomes a problem string.
 */
import type { DkimSignatureInfo, LineRange, TagList } from '../types';

/** Problems kept per tag list; a hostile header could produce one per character. */
const MAX_PROBLEMS = 50;
/** Length a quoted fragment in a problem message is cut to. */
const MAX_QUOTE = 60;

function isTagName(s: string): boolean {
  if (s.length === 0 || s.length > 64) return false;
  const f = s.charCodeAt(0);
  if (!((f >= 65 && f <= 90) || (f >= 97 && f <= 122))) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95)) return false;
  }
  return true;
}

function quote(s: string): string {
  const t = (s.length > MAX_QUOTE ? s.slice(0, MAX_QUOTE) + '…' : s).replace(/[\r\n]+/g, ' ');
  return JSON.stringify(t);
}

/** Tags whose values are base64 and may be folded anywhere. */
const BASE64_TAGS = new Set(['b', 'bh']);

/** Parse an RFC 6376 tag-list. */
export function parseTagList(value: string): TagList {
  const out: TagList = { tags: {}, order: [], problems: [] };
  const problem = (msg: string): void => {
    if (out.problems.length < MAX_PROBLEMS) out.problems.push(msg);
    else if (out.problems.length === MAX_PROBLEMS) out.problems.push('… more problems not listed');
  };
  const text = typeof value === 'string' ? value : '';
  let start = 0;
  let index = 0;
  while (start <= text.length) {
    let end = text.indexOf(';', start);
    const isLast = end < 0;
    if (isLast) end = text.length;
    const spec = text.slice(start, end).trim();
    start = end + 1;
    index++;
    if (!spec) {
      // A trailing ';' is allowed; an empty entry anywhere else is not.
      if (!isLast) problem(`empty entry at position ${index} (";;" or a leading ";")`);
      if (isLast) break;
      continue;
    }
    const eq = spec.indexOf('=');
    if (eq < 0) {
      problem(`malformed entry ${quote(spec)}: no "="`);
      if (isLast) break;
      continue;
    }
    const name = spec.slice(0, eq).trim();
    if (!isTagName(name)) {
      problem(`malformed tag name ${quote(name)}`);
      if (isLast) break;
      continue;
    }
    const rawValue = spec.slice(eq + 1);
    const v = BASE64_TAGS.has(name) ? rawValue.replace(/\s+/g, '') : rawValue.replace(/[\r\n]+/g, '').trim();
    out.order.push({ name, value: v });
    if (Object.prototype.hasOwnProperty.call(out.tags, name)) {
      problem(`duplicate tag "${name}" (the first value is kept; RFC 6376 makes such a signature invalid)`);
    } else {
      out.tags[name] = v;
    }
    if (isLast) break;
  }
  return out;
}

/** Unix seconds (1 to 12 digits) as ISO-8601, or undefined. */
function secondsToIso(v: string | undefined): string | undefined {
  if (v === undefined || !/^\d{1,12}$/.test(v)) return undefined;
  const d = new Date(Number(v) * 1000);
  return Number.isFinite(d.getTime()) ? d.toISOString() : undefined;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/**
 * c= with both halves: the default is simple/simple, and a lone algorithm names the header
 * canonicalization with "simple" for the body (RFC 6376 §3.5).
 */
function canonicalization(v: string | undefined): string {
  if (!v) return 'simple/simple';
  const c = v.toLowerCase();
  return c.includes('/') ? c : `${c}/simple`;
}

/** h= as lower-cased header names (FWS and empty names from a trailing ':' dropped). */
function headerList(v: string | undefined): string[] {
  if (!v) return [];
  const out: string[] = [];
  for (const part of v.split(':')) {
    const n = part.trim().toLowerCase();
    if (n) out.push(n);
  }
  return out;
}

/** Parse a DKIM-Signature value into the fields the analysis uses. */
export function parseDkimSignature(value: string, fieldIndex: number, lines: LineRange): DkimSignatureInfo {
  const tags = parseTagList(value);
  const t = tags.tags;
  const info: DkimSignatureInfo = {
    fieldIndex,
    lines,
    canonicalization: canonicalization(t['c']),
    signedHeaders: headerList(t['h']),
    tags,
  };
  const d = nonEmpty(t['d']);
  if (d) info.domain = d;
  const s = nonEmpty(t['s']);
  if (s) info.selector = s;
  const a = nonEmpty(t['a']);
  if (a) info.algorithm = a.toLowerCase();
  const bh = nonEmpty(t['bh']);
  if (bh) info.bodyHash = bh;
  const l = t['l'];
  if (l !== undefined) {
    if (/^\d{1,76}$/.test(l) && Number.isSafeInteger(Number(l))) info.bodyLength = Number(l);
    else tags.problems.push(`l= is not a usable length: ${quote(l)}`);
  }
  const i = nonEmpty(t['i']);
  if (i) info.identity = i;
  const signedAt = secondsToIso(t['t']);
  if (signedAt) info.signedAt = signedAt;
  else if (t['t'] !== undefined) tags.problems.push(`t= is not a timestamp: ${quote(t['t'])}`);
  const expiresAt = secondsToIso(t['x']);
  if (expiresAt) info.expiresAt = expiresAt;
  else if (t['x'] !== undefined) tags.problems.push(`x= is not a timestamp: ${quote(t['x'])}`);
  if (!d) tags.problems.push('missing d= (signing domain)');
  if (!s) tags.problems.push('missing s= (selector)');
  if (!bh) tags.problems.push('missing bh= (body hash)');
  if (t['b'] === undefined) tags.problems.push('missing b= (signature)');
  return info;
}

/** The tags of an ARC-Seal or ARC-Message-Signature that the analysis uses. */
export interface ArcTagsInfo {
  /** i= (1..50 in valid chains; any small integer is read). */
  instance?: number;
  domain?: string;
  selector?: string;
  /** ARC-Seal only: cv= lower-cased ("none", "pass", "fail"). */
  cv?: string;
  /** ARC-Message-Signature only: bh=. */
  bodyHash?: string;
  tags: TagList;
}

function arcCommon(value: string): ArcTagsInfo {
  const tags = parseTagList(value);
  const out: ArcTagsInfo = { tags };
  const i = tags.tags['i'];
  if (i !== undefined) {
    if (/^\d{1,4}$/.test(i)) out.instance = Number(i);
    else tags.problems.push(`i= is not an instance number: ${quote(i)}`);
  } else {
    tags.problems.push('missing i= (instance)');
  }
  const d = nonEmpty(tags.tags['d']);
  if (d) out.domain = d;
  const s = nonEmpty(tags.tags['s']);
  if (s) out.selector = s;
  return out;
}

/** Parse an ARC-Seal value: i=, d=, s=, cv=. */
export function parseArcSealTags(value: string): ArcTagsInfo {
  const out = arcCommon(value);
  const cv = nonEmpty(out.tags.tags['cv']);
  if (cv) out.cv = cv.toLowerCase();
  else out.tags.problems.push('missing cv= (chain validation status)');
  return out;
}

/** Parse an ARC-Message-Signature value: i=, d=, s=, bh=. */
export function parseArcMessageSignatureTags(value: string): ArcTagsInfo {
  const out = arcCommon(value);
  const bh = nonEmpty(out.tags.tags['bh']);
  if (bh) out.bodyHash = bh;
  return out;
}
