/**
 * Byte-level preparation of the message for mailauth: line endings, the mbox separator, and a
 * header block with newer ARC sets removed (to check an older ARC-Message-Signature).
 * Plain Buffer scanning, no regular expressions over message text.
 */

const CR = 0x0d;
const LF = 0x0a;

/**
 * Buffers known to hold no bare LF: what toCrlf returned, and what the functions below made from
 * such a buffer (they only cut whole CRLF-terminated lines). The DKIM verifier reads this instead
 * of scanning a large message for line ends a second time.
 */
const crlfOnly = new WeakSet<Buffer>();

function markCrlf<T extends Buffer>(buf: T, from: Buffer): T {
  if (crlfOnly.has(from)) crlfOnly.add(buf);
  return buf;
}

/** True when `buf` has no LF without a CR before it (known from toCrlf, else checked now). */
export function isCrlfOnly(buf: Buffer): boolean {
  if (crlfOnly.has(buf)) return true;
  for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) {
    if (i === 0 || buf[i - 1] !== CR) return false;
  }
  crlfOnly.add(buf);
  return true;
}

/**
 * Turns every bare LF into CRLF (CRLF stays as it is). Returns the input when there is nothing to
 * change. mailauth does the same conversion line by line and about half as fast; the hash is
 * identical.
 */
export function toCrlf(input: Uint8Array): Buffer {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (crlfOnly.has(buf)) return buf;
  // one search pass records where the bare LFs are, so the copy below needs no second search
  let bare = new Int32Array(256);
  let count = 0;
  for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) {
    if (i === 0 || buf[i - 1] !== CR) {
      if (count === bare.length) {
        const grown = new Int32Array(bare.length * 2);
        grown.set(bare);
        bare = grown;
      }
      bare[count++] = i;
    }
  }
  // A lone CR ends a line for the header splitter and the editor, but not for mailauth, which
  // then reads everything up to the next LF as one line (and its trailing-CR regex backtracks
  // quadratically on long runs of them). Lone CRs are not valid in mail: they become CRLF too.
  let loneCr = false;
  for (let i = buf.indexOf(CR); i !== -1; i = buf.indexOf(CR, i + 1)) {
    if (i + 1 >= buf.length || buf[i + 1] !== LF) {
      loneCr = true;
      break;
    }
  }
  if (loneCr) {
    let lone = 0;
    for (let i = buf.indexOf(CR); i !== -1; i = buf.indexOf(CR, i + 1)) {
      if (i + 1 >= buf.length || buf[i + 1] !== LF) lone++;
    }
    const out = Buffer.allocUnsafe(buf.length + count + lone);
    let o = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i];
      if (c === CR) {
        out[o++] = CR;
        out[o++] = LF;
        if (i + 1 < buf.length && buf[i + 1] === LF) i++;
      } else if (c === LF) {
        out[o++] = CR;
        out[o++] = LF;
      } else out[o++] = c;
    }
    const result = out.subarray(0, o);
    crlfOnly.add(result);
    return result;
  }
  if (count === 0) {
    crlfOnly.add(buf);
    return buf;
  }
  const out = Buffer.allocUnsafe(buf.length + count);
  let o = 0;
  let start = 0;
  for (let k = 0; k < count; k++) {
    const i = bare[k];
    o += buf.copy(out, o, start, i);
    out[o++] = CR;
    out[o++] = LF;
    start = i + 1;
  }
  o += buf.copy(out, o, start);
  crlfOnly.add(out);
  return out;
}

/**
 * The message with a blank line inserted at `at` (the start of a line: where the splitter found
 * the body of a message without a header/body separator), written in the message's line ending.
 * After a line that ended with a lone CR, an LF would only complete that CR into one CRLF (no blank
 * line: mailauth would then read the whole body as folded header lines, which it joins in
 * quadratic time; a fuzzed 1 MB message of such lines ran for minutes), so CRLF is inserted there.
 */
export function insertBlankLine(input: Uint8Array, at: number, eol: 'CRLF' | 'LF' | 'CR'): Buffer {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const afterLoneCr = at > 0 && buf[at - 1] === CR;
  const text = afterLoneCr || eol === 'CRLF' ? '\r\n' : eol === 'LF' ? '\n' : '\r';
  return Buffer.concat([buf.subarray(0, at), Buffer.from(text, 'latin1'), buf.subarray(at)]);
}

/** Drops an mbox "From " separator line at the very top (it is not a header field). */
export function stripMboxLine(buf: Buffer): Buffer {
  if (buf.length > 5 && buf[0] === 0x46 && buf.toString('latin1', 0, 5) === 'From ') {
    const nl = buf.indexOf(LF);
    return markCrlf(nl === -1 ? Buffer.alloc(0) : buf.subarray(nl + 1), buf);
  }
  return buf;
}

/**
 * Where mailauth's message parser ends the header block of a CRLF message: after the first empty
 * line (the blank line is part of the header it parses), or after a leading CRLF; the whole input
 * when there is no empty line (headers only).
 */
export function headerEnd(buf: Buffer): number {
  if (buf.length >= 2 && buf[0] === CR && buf[1] === LF) return 2;
  const i = buf.indexOf('\r\n\r\n', 0, 'latin1');
  return i === -1 ? buf.length : i + 4;
}

/**
 * The header block (blank line included) and the body of a CRLF message, as views of `buf`. Both
 * keep toCrlf's mark: a cut right after a CRLF cannot leave a bare LF behind.
 */
export function headerAndBody(buf: Buffer): { header: Buffer; body: Buffer } {
  const end = headerEnd(buf);
  return { header: markCrlf(buf.subarray(0, end), buf), body: markCrlf(buf.subarray(end), buf) };
}

/** Offset where the body starts in a CRLF message (after the blank line); buf.length when none. */
export function bodyStart(buf: Buffer): number {
  if (buf.length >= 2 && buf[0] === CR && buf[1] === LF) return 2;
  const i = buf.indexOf('\r\n\r\n', 0, 'latin1');
  return i === -1 ? buf.length : i + 4;
}

export interface RawField {
  start: number;
  end: number;
  /** Lower-cased field name. */
  key: string;
}

/** Header fields of a CRLF header block (continuation lines belong to the field above). */
export function headerFields(buf: Buffer, headerEnd: number): RawField[] {
  const fields: RawField[] = [];
  let pos = 0;
  while (pos < headerEnd) {
    let end = buf.indexOf(LF, pos);
    end = end === -1 || end >= headerEnd ? headerEnd : end + 1;
    const first = buf[pos];
    if ((first === 0x20 || first === 0x09) && fields.length) {
      fields[fields.length - 1].end = end;
    } else if (!(first === CR && end - pos <= 2)) {
      const colon = buf.indexOf(0x3a, pos);
      const key = colon !== -1 && colon < end && colon - pos <= 200 ? buf.toString('latin1', pos, colon).trim().toLowerCase() : '';
      fields.push({ start: pos, end, key });
    }
    pos = end;
  }
  return fields;
}

const ARC_KEYS = new Set(['arc-seal', 'arc-message-signature', 'arc-authentication-results']);

/** The i= instance of an ARC header field value, or undefined. */
export function arcInstanceOf(value: string): number | undefined {
  const v = value.length > 100000 ? value.slice(0, 100000) : value;
  for (const part of v.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (stripWs(part.slice(0, eq)).toLowerCase() !== 'i') continue;
    const n = stripWs(part.slice(eq + 1));
    if (n.length === 0 || n.length > 3) return undefined;
    for (let j = 0; j < n.length; j++) {
      const c = n.charCodeAt(j);
      if (c < 0x30 || c > 0x39) return undefined;
    }
    return Number(n);
  }
  return undefined;
}

function stripWs(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWs(s.charCodeAt(a))) a++;
  while (b > a && isWs(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/**
 * The message with the ARC sets newer than `keep` removed from the header block, so that the
 * ARC-Message-Signature of instance `keep` is the newest and mailauth checks it.
 */
export function withoutArcNewerThan(buf: Buffer, keep: number): Buffer {
  const hEnd = bodyStart(buf);
  const parts: Buffer[] = [];
  let last = 0;
  for (const f of headerFields(buf, hEnd)) {
    if (!ARC_KEYS.has(f.key)) continue;
    const value = buf.toString('latin1', buf.indexOf(0x3a, f.start) + 1, f.end);
    const i = arcInstanceOf(value);
    if (i !== undefined && i > keep) {
      parts.push(buf.subarray(last, f.start));
      last = f.end;
    }
  }
  if (!parts.length) return buf;
  parts.push(buf.subarray(last));
  return markCrlf(Buffer.concat(parts), buf);
}

/** The message with every `key` field after the first `keep` removed from the header block. */
export function keepFirstFields(buf: Buffer, key: string, keep: number): { message: Buffer; removed: number } {
  const hEnd = bodyStart(buf);
  const parts: Buffer[] = [];
  let last = 0;
  let seen = 0;
  let removed = 0;
  for (const f of headerFields(buf, hEnd)) {
    if (f.key !== key || ++seen <= keep) continue;
    parts.push(buf.subarray(last, f.start));
    last = f.end;
    removed++;
  }
  if (!removed) return { message: buf, removed };
  parts.push(buf.subarray(last));
  return { message: markCrlf(Buffer.concat(parts), buf), removed };
}
