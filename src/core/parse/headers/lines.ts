/**
 * Header splitter: the byte-level pieces. A line reader that finds line ends with Buffer.indexOf in
 * windows (CRLF, LF and a lone CR each end a line, as VS Code counts them), decoding of 8-bit header
 * bytes (UTF-8, else windows-1252), the field-name scan, and the signatures of files that are not
 * messages at all (binary formats, control bytes).
 */

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
const COLON = 0x3a;

interface RawLine {
  /** Byte offset of the first content byte. */
  start: number;
  /** Byte offset just past the content (before the line break). */
  end: number;
  /** Byte offset just past the line break (== end at EOF without a break). */
  next: number;
  eol: 'crlf' | 'lf' | 'cr' | null;
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });
const cp1252 = new TextDecoder('windows-1252');

/** Bytes decoded per window (doubled for a line or field that does not fit). */
const WINDOW = 64 * 1024;

/**
 * Reads lines through a window of the bytes decoded as latin1 (one character per byte, so string
 * offsets are byte offsets): line ends are found with String.indexOf (native) instead of a byte
 * loop, and field text is a slice of the window rather than a new decode per field. The next LF
 * and CR found are remembered, so no character is searched twice while positions only move
 * forward. Only the header block and at most one window past it are ever decoded: splitting the
 * header of a 50 MB message does not read its body.
 */
export class LineReader {
  private win = '';
  private winStart = 0;
  private winEnd = 0;
  private lfFrom = 0;
  /** First LF at or after lfFrom; -1: none in [lfFrom, lfScanEnd). */
  private lfAt = -1;
  private lfScanEnd = 0;
  private crFrom = 0;
  private crAt = -1;
  private crScanEnd = 0;

  /** `keepFrom()` is the first offset the next window must still cover (the field being read). */
  constructor(
    private readonly b: Buffer,
    private readonly keepFrom: (pos: number) => number = (pos) => pos,
  ) {}

  private load(from: number, minEnd: number): void {
    const n = this.b.length;
    const end = Math.min(n, Math.max(from + WINDOW, minEnd, from + 2 * (minEnd - from)));
    this.win = this.b.toString('latin1', from, end);
    this.winStart = from;
    this.winEnd = end;
  }

  /** First LF in [pos, end of window), or -1 (the last answer is reused while still valid). */
  private nextLf(pos: number): number {
    if (pos >= this.lfFrom && (this.lfAt >= pos || (this.lfAt === -1 && this.lfScanEnd === this.winEnd))) return this.lfAt;
    const i = this.win.indexOf('\n', pos - this.winStart);
    this.lfFrom = pos;
    this.lfAt = i === -1 ? -1 : this.winStart + i;
    this.lfScanEnd = this.winEnd;
    return this.lfAt;
  }

  /** First CR in [pos, end of window), or -1. */
  private nextCr(pos: number): number {
    if (pos >= this.crFrom && (this.crAt >= pos || (this.crAt === -1 && this.crScanEnd === this.winEnd))) return this.crAt;
    const i = this.win.indexOf('\r', pos - this.winStart);
    this.crFrom = pos;
    this.crAt = i === -1 ? -1 : this.winStart + i;
    this.crScanEnd = this.winEnd;
    return this.crAt;
  }

  /** The line starting at `pos`, written into `out` (no allocation unless the window moves). */
  read(pos: number, out: RawLine): RawLine {
    const n = this.b.length;
    if (pos < this.winStart || pos >= this.winEnd) this.load(this.keepFrom(pos), pos + 1);
    let lf: number;
    let crAt: number;
    for (;;) {
      lf = this.nextLf(pos);
      crAt = this.nextCr(pos);
      if (lf !== -1 || this.winEnd >= n) break;
      if (crAt !== -1 && crAt + 1 < this.winEnd) break; // a lone CR ends the line inside the window
      // the line goes past the window: decode a larger one that still holds the current field
      this.load(Math.min(this.keepFrom(pos), pos), this.winEnd + 1);
    }
    const lineEnd = lf === -1 ? n : lf;
    const cr = crAt !== -1 && crAt < lineEnd ? crAt : -1;
    out.start = pos;
    if (cr !== -1) {
      out.end = cr;
      if (cr + 1 === lf) {
        out.next = cr + 2;
        out.eol = 'crlf';
      } else {
        out.next = cr + 1;
        out.eol = 'cr';
      }
    } else if (lf !== -1) {
      out.end = lf;
      out.next = lf + 1;
      out.eol = 'lf';
    } else {
      out.end = n;
      out.next = n;
      out.eol = null;
    }
    return out;
  }

  /** latin1 text of [start, end): a slice of the window when it holds the range. */
  text(start: number, end: number): string {
    if (start >= this.winStart && end <= this.winEnd) return this.win.slice(start - this.winStart, end - this.winStart);
    return this.b.toString('latin1', start, end);
  }
}

export function newLine(): RawLine {
  return { start: 0, end: 0, next: 0, eol: null };
}

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Any byte outside 7-bit ASCII (single character class: linear, no backtracking). */
const EIGHT_BIT = /[\x80-\xff]/;

/** Decode a byte range of header text; reports which charset was needed for 8-bit bytes. */
export function decodeBytes(reader: LineReader, buf: Buffer, start: number, end: number): { text: string; charset?: 'utf-8' | 'windows-1252' } {
  const latin1 = reader.text(start, end);
  if (!EIGHT_BIT.test(latin1)) return { text: latin1 };
  const slice = buf.subarray(start, end);
  try {
    return { text: utf8Fatal.decode(slice), charset: 'utf-8' };
  } catch {
    return { text: cp1252.decode(slice), charset: 'windows-1252' };
  }
}

function isFieldNameByte(c: number): boolean {
  return c >= 33 && c <= 126 && c !== COLON;
}

/**
 * Find the colon ending a field name on a line. Returns the name end (exclusive) and colon
 * position, or null when the line is not a "name: value" field. Whitespace between the name and
 * the colon (obsolete syntax) is accepted and reported via `obsWsp`.
 */
export function scanFieldName(buf: Uint8Array, line: RawLine): { nameEnd: number; colon: number; obsWsp: boolean } | null {
  let i = line.start;
  while (i < line.end && isFieldNameByte(buf[i])) i++;
  const nameEnd = i;
  if (nameEnd === line.start) return null;
  let obsWsp = false;
  while (i < line.end && (buf[i] === SP || buf[i] === HTAB)) {
    obsWsp = true;
    i++;
  }
  if (i < line.end && buf[i] === COLON) return { nameEnd, colon: i, obsWsp };
  return null;
}

const BINARY_SIGNATURES: Array<{ bytes: number[]; what: string }> = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (or an Office document)' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: 'an OLE compound file (an Outlook .msg?)' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'an ELF executable' },
  { bytes: [0x4d, 0x5a], what: 'a Windows executable' },
];

export function binarySignature(buf: Uint8Array): string | undefined {
  for (const sig of BINARY_SIGNATURES) {
    if (buf.length >= sig.bytes.length && sig.bytes.every((b, i) => buf[i] === b)) return sig.what;
  }
  return undefined;
}

/** Share of control bytes (other than TAB/CR/LF/FF) in the first 4 KiB. */
export function controlByteRatio(buf: Uint8Array): number {
  const n = Math.min(buf.length, 4096);
  if (n === 0) return 0;
  let ctl = 0;
  for (let i = 0; i < n; i++) {
    const c = buf[i];
    if ((c < 0x20 && c !== HTAB && c !== CR && c !== LF && c !== 0x0c) || c === 0x7f) ctl++;
  }
  return ctl / n;
}

/**
 * Count lines the way VS Code does (CRLF, LF and a lone CR each end a line) from a known
 * (offset, line) position to the end: native searches for LF and CR, a CR directly before an LF
 * counted once. The extension counts a document's lines with it too.
 */
export function countLines(buf: Buffer, fromByte = 0, fromLine = 0): number {
  let lf = 0;
  for (let i = buf.indexOf(LF, fromByte); i !== -1; i = buf.indexOf(LF, i + 1)) lf++;
  let cr = 0;
  let crlf = 0;
  for (let i = buf.indexOf(CR, fromByte); i !== -1; i = buf.indexOf(CR, i + 1)) {
    cr++;
    if (buf[i + 1] === LF) crlf++;
  }
  return fromLine + lf + cr - crlf + 1;
}
