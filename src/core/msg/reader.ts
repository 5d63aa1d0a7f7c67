/**
 * Outlook .msg → the message's transport headers as an .eml header block.
 *
 * A .msg is an OLE compound file ([MS-CFB]) holding MAPI properties ([MS-OXMSG]). What Mail Flow
 * Lens needs is PidTagTransportMessageHeaders (0x007D): the internet header block exactly as the
 * receiving server recorded it (Received, Authentication-Results, DKIM-Signature, ARC, the
 * X-MS-Exchange-* stamps). The container is opened with @kenjiuno/msgreader after our own
 * structural check (./cfb-guard.ts), because that library follows chains without loop guards.
 *
 * Outlook keeps the body as it rendered it (plain text, HTML or compressed RTF), not the MIME body
 * that was signed, so the body is returned for display but never placed under the header block:
 * a re-rendered body would make every DKIM body hash look broken. The .eml view is headers only,
 * and DKIM body checks say "not available (headers only)".
 *
 * Pure: bytes in, text out; no I/O, no clock. Never throws: what could not be read is reported in
 * `problems`.
 */
import type MsgReaderClass from '@kenjiuno/msgreader';
import type { ParseProblem } from '../types';
import { checkCompoundFile, isCompoundFile } from './cfb-guard';

export { isCompoundFile } from './cfb-guard';

/** A header block larger than this is cut (a real one is a few to a few hundred KB). */
export const MAX_HEADER_CHARS = 8 * 1024 * 1024;
/** Body text kept for display. */
export const MAX_BODY_CHARS = 2 * 1024 * 1024;

export interface MsgRecipient {
  name?: string;
  address?: string;
  type?: 'to' | 'cc' | 'bcc';
}

export interface MsgContent {
  /** The bytes are a compound file (what Outlook writes). False: not a .msg at all. */
  compoundFile: boolean;
  /**
   * The transport headers as an .eml header block: the fields, then one empty line, nothing after
   * it. Undefined when the item has none (a draft, or a sent item saved from Outlook).
   */
  headersText?: string;
  /** The plain-text body as Outlook stored it (for display; it is not the signed MIME body). */
  bodyText?: string;
  subject?: string;
  /** PidTagMessageClass, e.g. "IPM.Note". */
  messageClass?: string;
  senderName?: string;
  senderAddress?: string;
  internetMessageId?: string;
  recipients: MsgRecipient[];
  attachmentCount: number;
  problems: ParseProblem[];
}

interface RawProp {
  propertyTag?: string;
  value?: unknown;
}

interface Fields {
  dataType?: string | null;
  error?: string;
  subject?: string;
  messageClass?: string;
  senderName?: string;
  senderEmail?: string;
  senderSmtpAddress?: string;
  messageId?: string;
  attachments?: unknown[];
  recipients?: Array<{ name?: string; email?: string; smtpAddress?: string; recipType?: string }>;
  rawProps?: RawProp[];
}

const MS_HEADERS_PREAMBLE = 'Microsoft Mail Internet Headers Version 2.0';

/** Windows code page → WHATWG encoding label (the ones TextDecoder knows). */
const CODEPAGES: Record<number, string> = {
  874: 'windows-874',
  932: 'shift_jis',
  936: 'gbk',
  949: 'euc-kr',
  950: 'big5',
  1250: 'windows-1250',
  1251: 'windows-1251',
  1252: 'windows-1252',
  1253: 'windows-1253',
  1254: 'windows-1254',
  1255: 'windows-1255',
  1256: 'windows-1256',
  1257: 'windows-1257',
  1258: 'windows-1258',
  20127: 'windows-1252',
  20866: 'koi8-r',
  21866: 'koi8-u',
  28591: 'iso-8859-1',
  28592: 'iso-8859-2',
  28593: 'iso-8859-3',
  28594: 'iso-8859-4',
  28595: 'iso-8859-5',
  28596: 'iso-8859-6',
  28597: 'iso-8859-7',
  28598: 'iso-8859-8',
  28599: 'iso-8859-9',
  28603: 'iso-8859-13',
  28605: 'iso-8859-15',
  50220: 'iso-2022-jp',
  51932: 'euc-jp',
  54936: 'gb18030',
  65001: 'utf-8',
};

function problem(code: string, severity: ParseProblem['severity'], message: string): ParseProblem {
  return { code, severity, message };
}

/** The bytes of a string8 value the library read one byte per character. */
function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** Windows-1252 0x80-0x9F (Node's TextDecoder reads that label as ISO-8859-1); 0 = unassigned. */
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
  0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];

function decode1252(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    s += String.fromCharCode(b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] || b : b);
  }
  return s;
}

function decode(bytes: Uint8Array, label: string): string {
  if (label === 'windows-1252') return decode1252(bytes);
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    let s = '';
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return s;
  }
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function cut(s: string, max: number): string {
  const i = s.indexOf('\0');
  const t = i >= 0 ? s.slice(0, i) : s;
  return t.length > max ? t.slice(0, max) : t;
}

/**
 * The header block as the analysis expects it: fields, an empty line, no body. Line ends are
 * kept as stored (Exchange writes CRLF); the "Microsoft Mail Internet Headers Version 2.0" line some
 * Exchange versions put first is dropped (it is no header field).
 */
export function normalizeHeaderBlock(text: string, problems: ParseProblem[] = []): string | undefined {
  let t = text;
  if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
  // leading empty lines would end the header block before it starts
  let start = 0;
  while (start < t.length && (t[start] === '\r' || t[start] === '\n')) start++;
  t = t.slice(start);
  if (t.startsWith(MS_HEADERS_PREAMBLE)) {
    let e = MS_HEADERS_PREAMBLE.length;
    if (t[e] === '\r') e++;
    if (t[e] === '\n') e++;
    t = t.slice(e);
    problems.push(problem('msg-headers-preamble', 'info', `The stored headers began with "${MS_HEADERS_PREAMBLE}" (written by older Exchange servers); that line is not a header field and is left out.`));
  }
  // drop trailing line ends, then end with exactly one empty line
  let end = t.length;
  while (end > 0 && (t[end - 1] === '\r' || t[end - 1] === '\n')) end--;
  if (!t.slice(0, end).trim()) return undefined;
  const body = t.slice(0, end);
  const eol = body.includes('\r\n') ? '\r\n' : body.includes('\n') ? '\n' : '\r\n';
  // Some Exchange versions store the start of the MIME body (a boundary line and the first part's
  // headers) after an empty line: that is not part of the message's header block
  const lines = body.split(/\r\n|\n|\r/);
  const blank = lines.findIndex((l) => l === '');
  if (blank >= 0) {
    problems.push(problem('msg-headers-body-part', 'info', `The stored headers continue after an empty line (${lines.length - blank - 1} more line(s), e.g. the first MIME part's headers); only the header block before it is analysed.`));
    lines.length = blank;
  }
  return lines.join(eol) + eol + eol;
}

/** Reads a .msg file's transport headers, body and a few properties. Never throws. */
export function readMsg(bytes: Uint8Array): MsgContent {
  const out: MsgContent = { compoundFile: isCompoundFile(bytes), recipients: [], attachmentCount: 0, problems: [] };
  if (!out.compoundFile) {
    out.problems.push(problem('msg-not-compound-file', 'error', 'This is not an Outlook .msg file: it does not start with the compound file signature. Save the message from Outlook again (File > Save As > Outlook Message Format), or as .eml.'));
    return out;
  }
  const guard = checkCompoundFile(bytes);
  if (!guard.ok) {
    out.problems.push(problem('msg-corrupt', 'error', `This .msg file is damaged or crafted and was not opened: ${guard.reason}.`));
    return out;
  }

  let fields: Fields;
  try {
    const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const reader = new (msgReaderClass())(copy);
    reader.parserConfig = { includeRawProps: true };
    fields = reader.getFileData();
  } catch (e) {
    out.problems.push(problem('msg-unreadable', 'error', `The .msg file could not be read: ${e instanceof Error ? e.message : String(e)}.`));
    return out;
  }
  if (fields.error || fields.dataType !== 'msg') {
    out.problems.push(problem('msg-unreadable', 'error', `The .msg file could not be read${fields.error ? `: ${fields.error}` : ''}.`));
    return out;
  }

  const raw = new Map<string, unknown>();
  for (const p of fields.rawProps ?? []) if (p.propertyTag && !raw.has(p.propertyTag.toLowerCase())) raw.set(p.propertyTag.toLowerCase(), p.value);
  const codepageNumber = [raw.get('3ffd0003'), raw.get('3fde0003')].find((v): v is number => typeof v === 'number' && CODEPAGES[v] !== undefined);
  const ansi = codepageNumber !== undefined ? CODEPAGES[codepageNumber] : 'windows-1252';

  /** A string property: Unicode (001F) as read, string8 (001E) re-decoded with the message's code page. */
  const text = (id: string, opts: { utf8First?: boolean } = {}): string | undefined => {
    const u = raw.get(`${id}001f`);
    if (typeof u === 'string') return u;
    const a = raw.get(`${id}001e`);
    if (typeof a !== 'string') return undefined;
    const b = latin1Bytes(a);
    return decode(b, opts.utf8First && isUtf8(b) ? 'utf-8' : ansi);
  };

  out.messageClass = text('001a');
  out.subject = text('0037');
  out.senderName = text('0c1a');
  out.senderAddress = text('5d01') ?? (text('0c1e')?.toUpperCase() === 'SMTP' ? text('0c1f') : undefined);
  out.internetMessageId = text('1035');
  out.attachmentCount = fields.attachments?.length ?? 0;
  for (const r of fields.recipients ?? []) {
    const type = r.recipType === 'to' || r.recipType === 'cc' || r.recipType === 'bcc' ? r.recipType : undefined;
    const address = r.smtpAddress ?? (r.email && r.email.includes('@') ? r.email : undefined);
    out.recipients.push({ ...(r.name ? { name: r.name } : {}), ...(address ? { address } : {}), ...(type ? { type } : {}) });
  }

  const body = text('1000');
  if (body !== undefined) out.bodyText = cut(body, MAX_BODY_CHARS);

  const headers = text('007d', { utf8First: true });
  if (headers === undefined || !headers.trim()) {
    const cls = out.messageClass ?? 'IPM.Note';
    out.problems.push(
      problem(
        'msg-no-transport-headers',
        'error',
        `This .msg (${cls}) has no transport headers: it was never received over the internet (a draft, or a copy saved from Sent Items), so there is no route to trace. Save the message from the recipient's mailbox instead.`,
      ),
    );
    return out;
  }
  let h = headers;
  const nul = h.indexOf('\0');
  if (nul >= 0) h = h.slice(0, nul);
  if (h.length > MAX_HEADER_CHARS) {
    h = h.slice(0, MAX_HEADER_CHARS);
    out.problems.push(problem('msg-headers-truncated', 'warning', `The stored headers are longer than ${MAX_HEADER_CHARS / 1048576} MB; only the first ${MAX_HEADER_CHARS / 1048576} MB are analysed.`));
  }
  out.headersText = normalizeHeaderBlock(h, out.problems);
  if (out.headersText === undefined) {
    out.problems.push(problem('msg-no-transport-headers', 'error', 'The transport headers stored in this .msg are empty: there is no route to trace.'));
  }
  return out;
}

/** The .eml text Mail Flow Lens analyses for a .msg: the header block (ends with an empty line), or undefined. */
export function msgToEml(bytes: Uint8Array): { text?: string; content: MsgContent } {
  const content = readMsg(bytes);
  return { text: content.headersText, content };
}

/**
 * The .msg reader, loaded on first use: it is a third of the extension bundle's size and only
 * Outlook files need it (the bundler can place it in a chunk of its own, see scripts/bundle.js).
 */
function msgReaderClass(): typeof MsgReaderClass {
  const m = require('@kenjiuno/msgreader') as { default?: typeof MsgReaderClass } & typeof MsgReaderClass;
  return m.default ?? m;
}
