/**
 * Traces of gateway changes in the body, to name the cause of a body-hash failure: links rewritten
 * to a vendor's URL-protection host, and warning banners or footers a gateway inserts.
 *
 * Reads the raw body (at most the first and last 256 KiB), with quoted-printable soft line breaks
 * and the common =XX escapes undone, so wrapped URLs and banner text are found. One linear pass per
 * pattern; no regex with nested quantifiers.
 */
import type { BodyHints } from '../types';
import { vendorByUrlHost } from '../net/kb';

const WINDOW = 256 * 1024;

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

function stripTags(text: string): string {
  return text.replace(/<[^<>]{0,2000}>/g, ' ').replace(/&nbsp;/gi, ' ').replace(/&amp;/gi, '&').replace(/\s+/g, ' ');
}

export function bodyHints(bytes: Uint8Array, bodyStart: number): BodyHints {
  const hints: BodyHints = { rewrittenUrlHosts: [], banners: [] };
  if (bodyStart >= bytes.length) return hints;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = bytes.length - bodyStart;
  const head = buf.subarray(bodyStart, bodyStart + Math.min(len, WINDOW)).toString('latin1');
  const tail = len > WINDOW ? buf.subarray(Math.max(bodyStart + WINDOW, bytes.length - WINDOW)).toString('latin1') : '';
  const text = softDecode(head + (tail ? `\n${tail}` : ''));

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
      // one banner per region: phrases of the same banner (or its HTML copy) are 300 characters apart at most
      if (hits.some((h) => Math.abs(h - i) < 300)) continue;
      hits.push(i);
    }
  }
  hits.sort((a, b) => a - b);
  for (const i of hits.slice(0, 3)) {
    let end = i + 160;
    const stop = plain.indexOf('. ', i + 20);
    if (stop > 0 && stop < end) end = stop + 1;
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
