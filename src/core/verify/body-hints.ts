/**
 * Traces of gateway changes in the body, to name the cause of a body-hash failure: links rewritten
 * to a vendor's URL-protection host, and warning banners or footers a gateway inserts.
 *
 * Reads the raw body (at most the first and last 256 KiB), with quoted-printable soft line breaks
 * and the common =XX escapes undone, so wrapped URLs and banner text are found. One linear pass per
 * pattern; no regex with nested quantifiers.
 *
 * The two windows are all it reads, so a body that streams past (body-stream.ts) keeps just them
 * (BodyHintWindows) and gets the very same hints from bodyHintsOf().
 */
import type { BodyHints } from '../types';
import { vendorByUrlHost } from '../net/kb';

/** Bytes read at the start and at the end of the body. */
export const BODY_HINT_WINDOW = 256 * 1024;
const WINDOW = BODY_HINT_WINDOW;

/** Phrases gateways put in external-sender banners and footers (lower case). */
const BANNER_PHRASES = [
  'this email originated from outside',
  'this message originated from outside',
  'this email came from outside',
  'this message came from outside',
  'external email',
  'external sender',
  '[external]',
  'caution: this email',
  'caution: external',
  'do not click links or open attachments unless',
  'this message was sent from outside',
  'this email has been scanned',
  'scanned by',
  'you don\u2019t often get email from',
  "you don't often get email from",
];

function softDecode(text: string): string {
  // quoted-printable: soft line breaks, then =XX escapes of printable ASCII (enough for URLs and banners)
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => {
    const c = parseInt(h, 16);
    return c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ' ';
  });
}

/** Stands where base64 lines were taken out: a part boundary no banner is read across. */
const GAP = '\u0001';
const IS_BASE64 = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') IS_BASE64[c.charCodeAt(0)] = 1;

/**
 * The bytes as latin1 text with each run of base64 lines (attachments, images) replaced by one
 * GAP line: neither links nor banners are written in base64, and those lines are most of a large
 * body's bytes, which the decoding and tag passes below would otherwise copy several times. A
 * base64 line is 40 or more base64 characters, at most two '=', then CRLF or LF: a text line has
 * a space, colon or dot somewhere and is never taken. One pass over the bytes (a regular
 * expression doing the same is three times slower).
 */
function textWithoutBase64(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = b.length;
  const parts: string[] = [];
  let keepFrom = 0;
  let runStart = -1;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j < n && IS_BASE64[b[j]]) j++;
    let k = j;
    while (k < n && k - j < 2 && b[k] === 0x3d) k++;
    if (b[k] === 0x0d) k++;
    if (j - i >= 40 && b[k] === 0x0a) {
      if (runStart < 0) runStart = i;
      i = k + 1;
      continue;
    }
    if (runStart >= 0) {
      parts.push(b.toString('latin1', keepFrom, runStart), `${GAP}\n`);
      keepFrom = i;
      runStart = -1;
    }
    const nl = b.indexOf(0x0a, i);
    i = nl < 0 ? n : nl + 1;
  }
  if (runStart >= 0) {
    parts.push(b.toString('latin1', keepFrom, runStart), `${GAP}\n`);
    keepFrom = n;
  }
  if (!parts.length) return b.toString('latin1');
  parts.push(b.toString('latin1', keepFrom, n));
  return parts.join('');
}

function stripTags(text: string): string {
  return text.replace(/<[^<>]{0,2000}>/g, ' ').replace(/&nbsp;/gi, ' ').replace(/&amp;/gi, '&').replace(/\s+/g, ' ');
}

export function bodyHints(bytes: Uint8Array, bodyStart: number): BodyHints {
  if (bodyStart >= bytes.length) return { rewrittenUrlHosts: [], banners: [] };
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = bytes.length - bodyStart;
  const head = buf.subarray(bodyStart, bodyStart + Math.min(len, WINDOW));
  const tail = len > WINDOW ? buf.subarray(Math.max(bodyStart + WINDOW, bytes.length - WINDOW)) : undefined;
  return bodyHintsOf(head, tail);
}

/**
 * The hints from the body's windows: `head` = its first min(length, BODY_HINT_WINDOW) bytes,
 * `tail` = its last bytes after the first window, at most BODY_HINT_WINDOW of them (none when
 * the body fits in the first window).
 */
export function bodyHintsOf(head: Uint8Array, tail: Uint8Array | undefined): BodyHints {
  const hints: BodyHints = { rewrittenUrlHosts: [], banners: [] };
  const headText = textWithoutBase64(head);
  const tailText = tail && tail.length ? textWithoutBase64(tail) : '';
  const text = softDecode(headText + (tailText ? `\n${tailText}` : ''));

  // rewritten links
  const counts = new Map<string, { host: string; vendorId?: string; count: number }>();
  const urlRe = /https?:\/\/([A-Za-z0-9.-]{1,253})/g;
  let m: RegExpExecArray | null;
  while ((m = urlRe.exec(text))) {
    const host = m[1].toLowerCase().replace(/\.$/, '');
    const hit = vendorByUrlHost(host);
    if (!hit) continue;
    const e = counts.get(host) ?? { host, vendorId: hit.id, count: 0 };
    e.count++;
    counts.set(host, e);
  }
  hints.rewrittenUrlHosts = [...counts.values()].sort((a, b) => b.count - a.count).slice(0, 10);

  // banners: the phrase, in the first or last part of a text or HTML part
  const flat = stripTags(text);
  const plain = flat.toLowerCase();
  const hits: number[] = [];
  for (const phrase of BANNER_PHRASES) {
    let from = 0;
    for (let k = 0; k < 4; k++) {
      const i = plain.indexOf(phrase, from);
      if (i < 0) break;
      from = i + phrase.length;
      // one banner per region: phrases of the same banner (or its HTML copy) are 300 characters
      // apart at most, with no attachment between them
      if (hits.some((h) => Math.abs(h - i) < 300 && plain.lastIndexOf(GAP, Math.max(h, i)) < Math.min(h, i))) continue;
      hits.push(i);
    }
  }
  hits.sort((a, b) => a - b);
  for (const i of hits.slice(0, 3)) {
    let end = i + 160;
    const stop = plain.indexOf('. ', i + 20);
    if (stop > 0 && stop < end) end = stop + 1;
    const gap = plain.indexOf(GAP, i);
    if (gap > 0 && gap < end) end = gap;
    const position: 'top' | 'bottom' | 'unknown' = i < plain.length * 0.35 ? 'top' : i > plain.length * 0.65 ? 'bottom' : 'unknown';
    const bannerText = flat.slice(i, Math.min(end, flat.length)).trim().slice(0, 200);
    const same = hints.banners.find((b) => b.text === bannerText);
    if (same) {
      // the same banner in the text and the HTML part: keep one, at the position of the first
      continue;
    }
    hints.banners.push({ text: bannerText, position });
  }
  return hints;
}

/**
 * Keeps the two windows bodyHintsOf() reads while a body streams past in chunks of any size:
 * copies of at most 2 × BODY_HINT_WINDOW bytes, whatever the body's length.
 */
export class BodyHintWindows {
  private head: Buffer[] = [];
  private headLen = 0;
  private tail: Buffer[] = [];
  private tailLen = 0;
  private total = 0;

  push(chunk: Uint8Array): void {
    let c = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!c.length) return;
    this.total += c.length;
    if (this.headLen < WINDOW) {
      const take = Math.min(WINDOW - this.headLen, c.length);
      this.head.push(Buffer.from(c.subarray(0, take)));
      this.headLen += take;
      c = c.subarray(take);
      if (!c.length) return;
    }
    // the tail: the newest bytes after the first window, at most WINDOW of them
    const keep = c.length > WINDOW ? c.subarray(c.length - WINDOW) : c;
    this.tail.push(Buffer.from(keep));
    this.tailLen += keep.length;
    while (this.tail.length > 1 && this.tailLen - this.tail[0].length >= WINDOW) this.tailLen -= this.tail.shift()!.length;
  }

  /** The body length so far. */
  get length(): number {
    return this.total;
  }

  hints(): BodyHints {
    if (!this.total) return { rewrittenUrlHosts: [], banners: [] };
    const head = Buffer.concat(this.head, this.headLen);
    if (!this.tailLen) return bodyHintsOf(head, undefined);
    const tail = Buffer.concat(this.tail, this.tailLen);
    return bodyHintsOf(head, tail.subarray(Math.max(0, tail.length - WINDOW)));
  }
}
