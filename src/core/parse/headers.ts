/**
 * Header splitter on the raw bytes of a message.
 *
 * Returns every header field with its name, value, unfolded and RFC 2047-decoded value, and the
 * exact line and byte range it occupies, with lines counted the way VS Code's TextDocument counts
 * them (CRLF, LF and a lone CR each end a line). Detects the mbox `From ` line, a missing
 * header/body separator, lines that are not fields, mixed line endings, NUL bytes and 8-bit
 * header bytes (decoded as UTF-8, else windows-1252). Never throws: problems are returned.
 *
 * One pass over the header block, no regular expressions over header text: linear in the input
 * size. Line ends are found with Buffer.indexOf (native), not byte by byte, and the body is never
 * read on the way: `lineCount`, the only figure that needs the whole file, is counted on first
 * access, so splitting the header of a 50 MB message costs the same as splitting a 50 KB one.
 *
 * The byte-level pieces (line reader, decoding, field-name scan, binary signatures) are in
 * ./headers/lines.ts. splitHeaders stays one function: it is one pass over the lines whose state
 * (the field being built, folding, problems) is shared by every step.
 */
import libmime = require('libmime');
import type { Eol, HeaderField, ParseProblem, SplitMessage } from '../types';
import { displayText } from '../present/text';
import {
  CR,
  HTAB,
  LF,
  LineReader,
  SP,
  asBuffer,
  binarySignature,
  controlByteRatio,
  countLines,
  decodeBytes,
  newLine,
  scanFieldName,
} from './headers/lines';

export interface SplitOptions {
  /**
   * Stop treating lines as header fields after this many fields (default DEFAULT_MAX_HEADER_FIELDS):
   * the rest of the header block is not split line by line, only its end is found (native
   * searches), and a 'too-many-fields' problem says so.
   */
  maxFields?: number;
}

/** Header fields split by default (the maxHeaderFields setting). */
export const DEFAULT_MAX_HEADER_FIELDS = 20000;
/**
 * Bytes of one field's value that are decoded, unfolded and kept as text (value, unfolded,
 * decoded). A longer field keeps its full line and byte range, but only this much of its text:
 * a 60 MB header line would otherwise be held three times over and written out in full by every
 * JSON report. Real fields are far shorter (lines are limited to 998 characters; the longest real
 * fields, long recipient lists, are tens of KiB; a 1 MiB line is still read whole).
 */
export const MAX_FIELD_TEXT_BYTES = 4 * 1024 * 1024;
/** Problems reported one by one for lines that are not fields (or have space before the colon); then one summary. */
export const MAX_LINE_PROBLEMS = 100;

/** The first blank line at or after `from` (a line start): where it starts and where the line after it starts, or -1. */
function findBlankLine(buf: Buffer, from: number): { at: number; next: number } {
  let at = -1;
  if (buf[from] === CR || buf[from] === LF) at = from;
  else {
    // an empty line follows a line end: LF LF, LF CR (also CRLF CRLF) or a lone CR before CR
    for (const pair of ['\n\n', '\n\r', '\r\r']) {
      const i = buf.indexOf(pair, from, 'latin1');
      if (i !== -1 && (at === -1 || i + 1 < at)) at = i + 1;
    }
  }
  if (at === -1) return { at: -1, next: -1 };
  return { at, next: buf[at] === CR && buf[at + 1] === LF ? at + 2 : at + 1 };
}

/** Line ends (CRLF, LF, lone CR) in [from, to), counted with native searches. */
function countLineEnds(buf: Buffer, from: number, to: number): number {
  let lf = 0;
  for (let i = buf.indexOf(LF, from); i !== -1 && i < to; i = buf.indexOf(LF, i + 1)) lf++;
  let cr = 0;
  let crlf = 0;
  for (let i = buf.indexOf(CR, from); i !== -1 && i < to; i = buf.indexOf(CR, i + 1)) {
    cr++;
    if (buf[i + 1] === LF && i + 1 < to) crlf++;
  }
  return lf + cr - crlf;
}

/**
 * Split the header block of a message. `bytes` is the whole message (or just its header block).
 */
export function splitHeaders(bytes: Uint8Array, options: SplitOptions = {}): SplitMessage {
  const buf = asBuffer(bytes);
  const n = buf.length;
  const maxFields = Math.max(1, Math.floor(options.maxFields ?? DEFAULT_MAX_HEADER_FIELDS));
  /** Line problems not reported one by one (beyond MAX_LINE_PROBLEMS). */
  let unlistedLineProblems = 0;
  let lineProblems = 0;
  const lineProblem = (p: ParseProblem) => {
    if (lineProblems++ < MAX_LINE_PROBLEMS) problems.push(p);
    else unlistedLineProblems++;
  };
  const problems: ParseProblem[] = [];
  const fields: HeaderField[] = [];
  const eolCounts = { crlf: 0, lf: 0, cr: 0 };
  let nulLines = 0;
  let firstNulLine = -1;

  const result = (extra: Partial<SplitMessage>): SplitMessage => {
    const eol: Eol =
      eolCounts.crlf >= eolCounts.lf && eolCounts.crlf >= eolCounts.cr ? 'CRLF' : eolCounts.lf >= eolCounts.cr ? 'LF' : 'CR';
    const kinds = (eolCounts.crlf ? 1 : 0) + (eolCounts.lf ? 1 : 0) + (eolCounts.cr ? 1 : 0);
    if (kinds > 1) {
      problems.push({
        code: 'mixed-line-endings',
        severity: 'warning',
        message: `Mixed line endings in the header block (CRLF ${eolCounts.crlf}, LF ${eolCounts.lf}, CR ${eolCounts.cr}): the message was probably edited or re-saved; DKIM results may differ from what the receiver saw.`,
      });
    }
    if (nulLines > 0) {
      problems.push({
        code: 'nul-bytes',
        severity: 'warning',
        message: `NUL bytes in ${nulLines} header line(s): they are kept as-is, but a real MTA would have rejected or altered them.`,
        lines: { startLine: firstNulLine, endLine: firstNulLine },
      });
    }
    return {
      fields,
      eol,
      eolCounts,
      mixedEol: kinds > 1,
      hasSeparator: false,
      bodyStartLine: 0,
      bodyStartByte: n,
      lineCount: 0,
      byteLength: n,
      problems,
      ...extra,
    };
  };

  if (n === 0) {
    problems.push({ code: 'empty', severity: 'error', message: 'The file is empty: there is no message to analyse.' });
    return result({ lineCount: 1, bodyStartLine: 1 });
  }
  const sig = binarySignature(buf);
  if (sig || controlByteRatio(buf) > 0.1) {
    problems.push({
      code: 'not-a-message',
      severity: 'error',
      message: sig
        ? `This file is ${sig}, not an e-mail message (.eml).`
        : 'This file is binary data, not an e-mail message (.eml): too many control bytes.',
    });
    return withLineCount(result({ bodyStartLine: 0, bodyStartByte: 0 }), buf, 0, 0);
  }

  let pos = 0;
  let lineNo = 0;
  let mboxFrom: SplitMessage['mboxFrom'];
  let current: { name: string; nameEnd: number; start: number; startLine: number; end: number; endLine: number; colon: number; invalid: boolean } | null = null;
  let hasSeparator = false;
  let bodyStartLine = -1;
  let bodyStartByte = n;
  let truncatedFields = false;

  const flush = () => {
    if (!current) return;
    const c = current;
    current = null;
    if (fields.length >= maxFields) {
      truncatedFields = true;
      return;
    }
    const valueStart = c.invalid ? c.start : c.colon + 1;
    let valueEnd = c.end;
    if (valueEnd - valueStart > MAX_FIELD_TEXT_BYTES) {
      valueEnd = valueStart + MAX_FIELD_TEXT_BYTES;
      // not inside a UTF-8 sequence
      for (let k = 0; k < 3 && (buf[valueEnd] & 0xc0) === 0x80; k++) valueEnd--;
      problems.push({
        code: 'field-too-long',
        severity: 'warning',
        message: `The ${c.name ? `${printable(c.name, 80)} field` : 'line'} is ${((c.end - c.start) / 1048576).toFixed(1)} MiB long: only its first ${MAX_FIELD_TEXT_BYTES / 1048576} MiB is analysed.`,
        lines: { startLine: c.startLine, endLine: c.endLine },
        header: c.name || undefined,
        fieldIndex: fields.length,
      });
    }
    const { text: value, charset } = decodeBytes(reader, buf, valueStart, valueEnd);
    const unfolded = unfold(value);
    let decoded = unfolded;
    if (!c.invalid && unfolded.includes('=?')) {
      try {
        decoded = libmime.decodeWords(unfolded);
      } catch {
        decoded = unfolded;
      }
    }
    const field: HeaderField = {
      index: fields.length,
      name: c.name,
      key: c.name.toLowerCase(),
      value,
      unfolded,
      decoded,
      lines: { startLine: c.startLine, endLine: c.endLine },
      bytes: { start: c.start, end: c.end },
    };
    if (charset) field.charset8bit = charset;
    if (c.invalid) field.invalid = true;
    fields.push(field);
  };

  // a new window starts at the field being read, so its whole text stays one slice
  const reader = new LineReader(buf, (p) => (current ? current.start : p));
  const line = newLine();
  /** Lines read, and the end of the last one's content: the span checked for NUL bytes. */
  let linesRead = 0;
  let scannedEnd = 0;
  while (pos < n) {
    if (truncatedFields) {
      // Past the field cap: the rest of the header block is not split line by line (7.5 million
      // tiny fields must not cost what splitting them would); only its end, the first blank line,
      // is found and the lines up to it counted, with native searches.
      const blank = findBlankLine(buf, pos);
      if (blank.at !== -1) {
        lineNo += countLineEnds(buf, pos, blank.at);
        hasSeparator = true;
        bodyStartLine = lineNo + 1;
        bodyStartByte = blank.next;
      } else {
        lineNo += countLineEnds(buf, pos, n) + (buf[n - 1] === LF || buf[n - 1] === CR ? 0 : 1);
      }
      break;
    }
    reader.read(pos, line);
    linesRead++;
    scannedEnd = line.end;
    if (line.eol) eolCounts[line.eol]++;

    // blank line: end of the header block
    if (line.end === line.start && line.eol) {
      flush();
      hasSeparator = true;
      bodyStartLine = lineNo + 1;
      bodyStartByte = line.next;
      break;
    }
    if (line.end === line.start) {
      // empty last line at EOF (file ends with a line break): nothing more
      break;
    }

    const first = buf[line.start];
    if (lineNo === 0 && line.end - line.start >= 5 && isMboxFrom(buf, line.start)) {
      mboxFrom = { line: 0, text: decodeBytes(reader, buf, line.start, line.end).text };
      fields.push({
        index: fields.length,
        name: 'mbox-from',
        key: 'mbox-from',
        value: mboxFrom.text,
        unfolded: mboxFrom.text,
        decoded: mboxFrom.text,
        lines: { startLine: 0, endLine: 0 },
        bytes: { start: line.start, end: line.end },
        invalid: true,
      });
      problems.push({
        code: 'mbox-from-line',
        severity: 'info',
        message: 'The file starts with an mbox "From " separator line; it is not part of the message and was skipped.',
        lines: { startLine: 0, endLine: 0 },
      });
    } else if ((first === SP || first === HTAB) && current) {
      // continuation of the current field
      current.end = line.end;
      current.endLine = lineNo;
    } else {
      const name = first === SP || first === HTAB ? null : scanFieldName(buf, line);
      if (name) {
        flush();
        const nameText = reader.text(line.start, name.nameEnd);
        current = { name: nameText, nameEnd: name.nameEnd, start: line.start, startLine: lineNo, end: line.end, endLine: lineNo, colon: name.colon, invalid: false };
        if (name.obsWsp) {
          lineProblem({
            code: 'obs-space-before-colon',
            severity: 'info',
            message: `Whitespace between the field name "${printable(nameText)}" and its colon (obsolete syntax).`,
            lines: { startLine: lineNo, endLine: lineNo },
            header: nameText,
          });
        }
      } else {
        // Not a field. If it is followed by more non-field lines, the separator is missing and the
        // body starts here; otherwise it is a stray line inside the header block.
        if (fields.length > 0 && looksLikeBodyStart(buf, line.next)) {
          flush();
          problems.push({
            code: 'missing-separator',
            severity: 'warning',
            message: `No blank line between the header and the body: the body is taken to start at line ${lineNo + 1}, the first line that is not a header field.`,
            lines: { startLine: lineNo, endLine: lineNo },
          });
          bodyStartLine = lineNo;
          bodyStartByte = line.start;
          break;
        }
        flush();
        current = { name: '', nameEnd: line.start, start: line.start, startLine: lineNo, end: line.end, endLine: lineNo, colon: line.start, invalid: true };
        lineProblem({
          code: 'not-a-field',
          severity: 'warning',
          message: `Line ${lineNo + 1} is not a header field (no valid "name:" before the text).`,
          lines: { startLine: lineNo, endLine: lineNo },
        });
      }
    }
    pos = line.next;
    lineNo++;
  }
  flush();

  if (unlistedLineProblems) {
    problems.push({
      code: 'more-line-problems',
      severity: 'warning',
      message: `${unlistedLineProblems} more header lines are not well-formed header fields; only the first ${MAX_LINE_PROBLEMS} are listed.`,
    });
  }
  if (truncatedFields) {
    problems.push({
      code: 'too-many-fields',
      severity: 'warning',
      message: `More than ${maxFields} header fields: only the first ${maxFields} are analysed, and the message is not re-verified (the limit is the maxHeaderFields setting, --max-header-fields on the command line).`,
    });
  }
  const validFields = fields.filter((f) => !f.invalid).length;
  if (validFields === 0) {
    problems.push({
      code: 'no-header-fields',
      severity: 'error',
      message: 'No header fields were found: this does not look like an e-mail message.',
    });
  } else if (!hasSeparator && bodyStartLine < 0) {
    problems.push({
      code: 'headers-only',
      severity: 'info',
      message: 'The input holds header fields only (no blank line and no body): body checks such as DKIM body hashes are not available.',
    });
  }
  // NUL bytes: one native search over the lines read; the lines are only walked again when found
  if (scannedEnd > 0 && buf.subarray(0, scannedEnd).indexOf(0) !== -1) {
    const again = new LineReader(buf);
    const l = newLine();
    let p = 0;
    for (let k = 0; k < linesRead; k++) {
      again.read(p, l);
      const at = l.end > l.start ? buf.subarray(l.start, l.end).indexOf(0) : -1;
      if (at !== -1) {
        nulLines++;
        if (firstNulLine < 0) firstNulLine = k;
      }
      p = l.next;
    }
  }
  const { problems: _p, ...rest } = result({});
  void _p;
  const split: SplitMessage = {
    ...rest,
    problems,
    hasSeparator,
    bodyStartLine: bodyStartLine >= 0 ? bodyStartLine : 0,
    bodyStartByte: bodyStartLine >= 0 ? bodyStartByte : n,
    lineCount: 0,
    mboxFrom,
  };
  withLineCount(split, buf, bodyStartByte < n ? bodyStartByte : n, bodyStartLine >= 0 ? bodyStartLine : lineNo);
  if (bodyStartLine < 0) split.bodyStartLine = split.lineCount; // nothing after the header: counting is free
  return split;
}

/**
 * Gives `split` its lineCount: counted right away when little is left after `fromByte`, else on
 * first access (the body of a large message is not read just to split its header). Assigning
 * lineCount replaces the counter with the value.
 */
function withLineCount(split: SplitMessage, buf: Buffer, fromByte: number, fromLine: number): SplitMessage {
  if (buf.length - fromByte <= 64 * 1024) {
    split.lineCount = countLines(buf, fromByte, fromLine);
    return split;
  }
  let source: Buffer | undefined = buf;
  let count = 0;
  Object.defineProperty(split, 'lineCount', {
    enumerable: true,
    configurable: true,
    get(): number {
      if (source) {
        count = countLines(source, fromByte, fromLine);
        source = undefined; // the message bytes are not kept once counted
      }
      return count;
    },
    set(value: number) {
      source = undefined;
      Object.defineProperty(split, 'lineCount', { value, enumerable: true, configurable: true, writable: true });
    },
  });
  return split;
}

function isMboxFrom(buf: Uint8Array, start: number): boolean {
  return buf[start] === 0x46 && buf[start + 1] === 0x72 && buf[start + 2] === 0x6f && buf[start + 3] === 0x6d && buf[start + 4] === SP;
}

/** A non-field line starts the body when the next non-empty line is not a header field either. */
function looksLikeBodyStart(buf: Buffer, from: number): boolean {
  const reader = new LineReader(buf);
  const next = newLine();
  let pos = from;
  for (let k = 0; k < 2 && pos < buf.length; k++) {
    reader.read(pos, next);
    if (next.end === next.start) return true;
    const first = buf[next.start];
    if (first === SP || first === HTAB) return false;
    if (scanFieldName(buf, next)) return false;
    pos = next.next;
  }
  return true;
}

/** RFC 5322 unfolding: remove the line breaks, keep the whitespace; trim the ends. */
export function unfold(value: string): string {
  if (value.indexOf('\n') < 0 && value.indexOf('\r') < 0) return value.trim();
  return value.replace(/\r\n|[\r\n]/g, '').trim();
}

/** A short, printable version of attacker-controlled text for messages (see displayText). */
export function printable(text: string, max = 80): string {
  return displayText(text, max);
}

/** All fields with the given lower-case name, in header order (newest first). */
export function fieldsNamed(fields: HeaderField[], key: string): HeaderField[] {
  return fields.filter((f) => f.key === key && !f.invalid);
}
