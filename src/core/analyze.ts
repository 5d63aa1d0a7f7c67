/**
 * The pipeline: bytes → split headers → parse → trace → stamps → (verify) → diagnose → remedies.
 *
 * `analyzeHeaders` is synchronous and never touches the body: it gives the complete route in
 * milliseconds even for a 50 MB message (time to first route). `analyze` adds re-verification
 * (DKIM body hashes, ARC, SPF what-if, DMARC) through an injected DNS port, then the findings and
 * remedies. Both are deterministic for a given input and options: no clock, network or
 * randomness unless passed in.
 */
import addressparser = require('nodemailer/lib/addressparser');
import type {
  Analysis,
  AnalyzeOptions,
  ArcSetInfo,
  AuthResultsHeader,
  DkimSignatureInfo,
  HeaderField,
  MessageSummary,
  ParseProblem,
  ReceivedInfo,
  ReceivedSpf,
  SplitMessage,
} from './types';
import { SCHEMA_VERSION } from './types';
import { splitHeaders, printable } from './parse/headers';
import { parseReceived } from './parse/received';
import { parseAuthResults, parseReceivedSpf } from './parse/auth-results';
import { parseArcMessageSignatureTags, parseArcSealTags, parseDkimSignature } from './parse/tags';
import { decodeMicrosoftHeaders } from './parse/microsoft';
import { trace } from './trace/trace';
import { attachStamps } from './trace/stamps';
import { concludeFacts } from './facts';
import { diagnose } from './diagnose';
import { generateRemedies, type RemedyOptions } from './remedy';
import { planStreamedVerification, verifyMessage, verifyStreamedMessage, type VerifyOptions } from './verify';
import { BodyStreamReader } from './verify/body-stream';
import { canVerifyStreamed } from './verify/dkim-fast';
import { TOOL_NAME, TOOL_VERSION } from './version';

export interface FullAnalyzeOptions extends AnalyzeOptions, VerifyOptions, RemedyOptions {
  /** Messages above this size are analysed headers-only (bytes). Default 64 MiB. */
  maxMessageBytes?: number;
}

const AUTH_RESULT_KEYS = new Set([
  'authentication-results',
  'authentication-results-original',
  'x-ms-exchange-authentication-results',
  'arc-authentication-results',
  'original-authentication-results',
  'x-original-authentication-results',
]);

/** A value made of RFC 2047 encoded-words only ("=?charset?B|Q?text?=", whitespace between). */
const ONLY_ENCODED_WORDS = /^\s*(?:=\?[^?\s]{1,64}\?[BbQq]\?[^?\s]*\?=\s*)+$/;

/**
 * The field as the parsers read it. Exchange Online sometimes writes a whole stamp
 * (Authentication-Results, Received-SPF, X-Forefront-Antispam-Report,
 * X-MS-Exchange-Organization-*, X-Microsoft-Antispam-Mailbox-Delivery) as RFC 2047 encoded-words,
 * and its verdicts can only be read decoded. Only a value that is nothing but encoded-words is
 * replaced by its decoded text (line breaks as spaces); index, lines and bytes stay the field's. Any
 * other value, such as an Authentication-Results whose comment merely contains "=?", is read as
 * written. analysis.headers keeps the fields as written.
 */
function readableField(field: HeaderField): HeaderField {
  if (field.decoded === field.unfolded || !ONLY_ENCODED_WORDS.test(field.unfolded)) return field;
  return { ...field, unfolded: field.decoded.replace(/[\r\n]+/g, ' ') };
}

const DEFAULT_MAX_HOPS = 100;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export function analyzeHeaders(bytes: Uint8Array, options: FullAnalyzeOptions = {}): Analysis {
  return analysisOfSplit(splitHeaders(bytes, { maxFields: options.maxHeaderFields }), options);
}

/**
 * analyzeHeaders from a split message (its byteLength and lineCount are those of the whole
 * message). `conclude: false` leaves findings and remedies for the caller, which verifies first
 * and would only compute them again.
 */
function analysisOfSplit(split: SplitMessage, options: FullAnalyzeOptions, conclude = true): Analysis {
  const problems: ParseProblem[] = [...split.problems];
  const fields = split.fields.filter((f) => !f.invalid).map(readableField);

  const received: Array<{ field: HeaderField; info: ReceivedInfo }> = [];
  const authResults: Array<{ field: HeaderField; parsed: AuthResultsHeader }> = [];
  const receivedSpf: Array<{ field: HeaderField; parsed: ReceivedSpf }> = [];
  const dkimSignatures: DkimSignatureInfo[] = [];
  const arcByInstance = new Map<number, ArcSetInfo>();
  const arcSet = (i: number) => {
    let s = arcByInstance.get(i);
    if (!s) arcByInstance.set(i, (s = { instance: i }));
    return s;
  };

  const maxHops = options.maxHops ?? DEFAULT_MAX_HOPS;
  let receivedSeen = 0;
  for (const field of fields) {
    const k = field.key;
    if (k === 'received') {
      // The trace covers the newest maxHops hops; older Received fields are counted, not parsed,
      // so a message with 10,000 of them stays as fast as one with a hundred.
      if (++receivedSeen > maxHops) continue;
      const info = parseReceived(field.unfolded);
      received.push({ field, info });
      if (info.unparsed.length) {
        problems.push({
          code: 'received-unparsed',
          severity: 'info',
          message: `Part of this Received field could not be read: "${printable(info.unparsed.join(' '), 100)}"`,
          lines: field.lines,
          header: field.name,
          fieldIndex: field.index,
        });
      }
    } else if (AUTH_RESULT_KEYS.has(k)) {
      const parsed = parseAuthResults(field.unfolded, { arc: k === 'arc-authentication-results' });
      authResults.push({ field, parsed });
      if (k === 'arc-authentication-results' && parsed.instance !== undefined) {
        arcSet(parsed.instance).authResults = { fieldIndex: field.index, lines: field.lines, parsed };
      }
      if (parsed.unparsed.length) {
        problems.push({
          code: 'auth-results-unparsed',
          severity: 'info',
          message: `Part of this ${field.name} field could not be read: "${printable(parsed.unparsed.join(' '), 100)}"`,
          lines: field.lines,
          header: field.name,
          fieldIndex: field.index,
        });
      }
    } else if (k === 'received-spf') {
      receivedSpf.push({ field, parsed: parseReceivedSpf(field.unfolded) });
    } else if (k === 'dkim-signature') {
      dkimSignatures.push(parseDkimSignature(field.unfolded, field.index, field.lines));
    } else if (k === 'arc-seal') {
      const t = parseArcSealTags(field.unfolded);
      if (t.instance !== undefined) {
        arcSet(t.instance).seal = { fieldIndex: field.index, lines: field.lines, domain: t.domain, selector: t.selector, cv: t.cv, tags: t.tags };
      }
    } else if (k === 'arc-message-signature') {
      const t = parseArcMessageSignatureTags(field.unfolded);
      if (t.instance !== undefined) {
        arcSet(t.instance).messageSignature = { fieldIndex: field.index, lines: field.lines, domain: t.domain, selector: t.selector, bodyHash: t.bodyHash, tags: t.tags };
      }
    }
  }

  const microsoft = decodeMicrosoftHeaders(fields);
  const summary = summarize(fields, received);
  const arcSets = [...arcByInstance.values()].sort((a, b) => a.instance - b.instance);

  const traced = trace({
    fields,
    received,
    authResults,
    receivedSpf,
    microsoft,
    recipients: summary.recipients,
    receivingDomains: options.receivingDomains ?? [],
    trustedRelays: { list: options.trustedRelays ?? [], source: options.trustedRelaysSource ?? 'the trusted relays setting' },
    maxHops,
    totalReceived: receivedSeen,
  });
  for (const p of traced.problems) problems.push({ code: p.code, severity: 'warning', message: p.message, fieldIndex: p.fieldIndex });
  // Exchange Online's tenant headers are the receiver's only when Exchange Online delivered the
  // message; otherwise they are a sender's or an intermediary's and are not read as verdicts.
  const receiverMicrosoft = traced.facts.receiver.kind === 'exchange-online' ? microsoft : null;

  const stamps = attachStamps({
    hops: traced.hops,
    boundary: traced.boundary,
    facts: traced.facts,
    verdictFields: traced.verdictFields,
    authResults,
    receivedSpf,
    dkim: dkimSignatures,
    arcSets,
    microsoft: receiverMicrosoft,
    trustedAuthservIds: options.trustedAuthservIds ?? [],
  });

  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_BYTES;
  const analysis: Analysis = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    input: {
      name: options.name,
      byteLength: split.byteLength,
      lineCount: 0, // replaced below by the splitter's lazy count
      eol: split.eol,
      mixedEol: split.mixedEol,
      hasSeparator: split.hasSeparator,
      bodyStartLine: split.bodyStartLine,
      bodyStartByte: split.bodyStartByte,
      headersOnly: split.bodyStartByte >= split.byteLength || split.byteLength > maxBytes,
    },
    summary,
    headers: split.fields,
    hops: traced.hops,
    boundary: traced.boundary,
    facts: traced.facts,
    stamps,
    authResults: authResults.map(({ field, parsed }) => ({ fieldIndex: field.index, lines: field.lines, header: field.name, parsed })),
    receivedSpf: receivedSpf.map(({ field, parsed }) => ({ fieldIndex: field.index, lines: field.lines, parsed })),
    dkimSignatures,
    arcSets,
    microsoft: receiverMicrosoft,
    vendors: traced.vendors,
    verification: null,
    findings: [],
    remedies: [],
    problems,
  };
  // the splitter counts the lines of a large body only when asked: the route of a 50 MB message
  // must not wait for a scan of its body (the editor has its own line count; JSON output asks)
  forwardLineCount(analysis.input, split);
  if (split.byteLength > maxBytes) {
    problems.push({
      code: 'message-too-large',
      severity: 'warning',
      message: `The message is ${(split.byteLength / 1048576).toFixed(1)} MiB, above the ${(maxBytes / 1048576).toFixed(0)} MiB limit: only its headers were analysed.`,
    });
  }
  return conclude ? concluded(analysis, options) : analysis;
}

/** Findings and remedies from what the analysis holds. */
function concluded(analysis: Analysis, options: FullAnalyzeOptions): Analysis {
  concludeFacts(analysis);
  analysis.findings = diagnose(analysis, options);
  analysis.remedies = generateRemedies(analysis, options);
  return analysis;
}

/** Full analysis: headers, then re-verification of DKIM/ARC/SPF/DMARC, then findings and remedies. */
export async function analyze(bytes: Uint8Array, options: FullAnalyzeOptions = {}): Promise<Analysis> {
  const analysis = analysisOfSplit(splitHeaders(bytes, { maxFields: options.maxHeaderFields }), options, false);
  if (!isMessage(analysis)) return concluded(analysis, options);
  analysis.verification = await verifyMessage(bytes, analysis, options);
  return concluded(analysis, options);
}

/** analyzeStream reads at least this much before splitting the header (the binary check reads the first 4 KiB). */
const STREAM_MIN_HEAD = 4096;
/** A header block that has not ended within this many bytes is not streamed: the message is read whole. */
export const MAX_STREAMED_HEADER_BYTES = 1024 * 1024;

const CR = 0x0d;

/**
 * Full analysis of a message that arrives in pieces: `head`, the start of the message (ideally at
 * least its header block), then `rest`, every byte after it in order. The result is identical to
 * analyze() on the joined bytes, but the body is never held: its DKIM and ARC body hashes (the
 * ones the header block's signatures ask for), the body hints' windows and the line count are
 * taken in one pass as the chunks go by (verify/body-stream.ts). Chunks may be cut anywhere.
 *
 * Read whole instead, with the same result (documented exceptions to the bounded memory):
 *  - a message whose header block does not end with a blank line within MAX_STREAMED_HEADER_BYTES
 *    (no separator: the splitter's guess at the body start needs the lines after it), unless its
 *    first bytes already show it is not a message;
 *  - verification internals that are not mailauth 7.1.0's (no precomputed hashes possible).
 *
 * `rest` is read to its end, or closed (return()) when the analysis stops early. Its chunks may
 * be views of one reused buffer (valid until the next is asked for): what is kept is copied.
 */
export async function analyzeStream(head: Uint8Array, rest: AsyncIterable<Uint8Array>, options: FullAnalyzeOptions = {}): Promise<Analysis> {
  const it = rest[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let have = 0;
  let ended = false;
  const add = (b: Uint8Array) => {
    if (!b.length) return;
    parts.push(Buffer.from(b)); // a copy: the source may reuse its buffer
    have += b.length;
  };
  const pull = async (): Promise<void> => {
    const r = await it.next();
    if (r.done) ended = true;
    else add(r.value);
  };
  const joined = (): Buffer => {
    if (parts.length !== 1) parts.splice(0, parts.length, Buffer.concat(parts, have));
    return parts[0] ?? Buffer.alloc(0);
  };
  /** Everything, read whole: analyze() itself. */
  const whole = async (): Promise<Analysis> => {
    while (!ended) await pull();
    return analyze(joined(), options);
  };
  add(head);
  try {
    while (have < STREAM_MIN_HEAD && !ended) await pull();
    let split: SplitMessage;
    let buf: Buffer;
    for (;;) {
      buf = joined();
      split = splitHeaders(buf, { maxFields: options.maxHeaderFields });
      // the header block is known when its blank line is in buf, and does not end with a CR at
      // the very end of buf (an LF in the next chunk would make that CR part of a CRLF)
      if (split.hasSeparator && (ended || !(split.bodyStartByte >= buf.length && buf[buf.length - 1] === CR))) break;
      if (split.problems.some((p) => p.code === 'not-a-message')) {
        // decided by the first bytes: only the size and the line count need the rest
        const counter = new BodyStreamReader({ requests: [], hints: false });
        counter.push(buf);
        while (!ended) {
          const r = await it.next();
          if (r.done) ended = true;
          else counter.push(r.value);
        }
        const counted = counter.end();
        split.byteLength = counted.byteLength;
        split.lineCount = counted.lineBreaks + 1;
        return analysisOfSplit(split, options);
      }
      if (ended || have >= MAX_STREAMED_HEADER_BYTES || !canVerifyStreamed()) return await whole();
      // read on (doubling, so a header block in tiny chunks is not split again for every chunk)
      const target = Math.min(have * 2, MAX_STREAMED_HEADER_BYTES);
      while (have < target && !ended) await pull();
    }
    if (!canVerifyStreamed()) return await whole();
    const bodyStart = split.bodyStartByte;
    const header = Buffer.from(buf.subarray(0, bodyStart));
    const requests = await planStreamedVerification(header, split.fields);
    if (!requests) return await whole();
    const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_BYTES;
    const reader = new BodyStreamReader({ requests, hints: true, maxBytes: maxBytes - bodyStart });
    reader.push(buf.subarray(bodyStart));
    parts.length = 0;
    buf = Buffer.alloc(0);
    while (!ended) {
      const r = await it.next();
      if (r.done) ended = true;
      else reader.push(r.value);
    }
    const body = reader.end();
    split.byteLength = bodyStart + body.byteLength;
    split.lineCount = split.bodyStartLine + body.lineBreaks + 1;
    const analysis = analysisOfSplit(split, options, false);
    if (!isMessage(analysis)) return concluded(analysis, options);
    analysis.verification = await verifyStreamedMessage({ header, body }, analysis, options);
    return concluded(analysis, options);
  } finally {
    if (!ended) await it.return?.();
  }
}

/** False when the input was not a message at all (binary, empty, no header fields). */
export function isMessage(a: Analysis): boolean {
  return !a.problems.some((p) => p.severity === 'error' && (p.code === 'not-a-message' || p.code === 'empty' || p.code === 'no-header-fields'));
}

function first(fields: HeaderField[], key: string): HeaderField | undefined {
  return fields.find((f) => f.key === key);
}

function addresses(fields: HeaderField[], key: string): string[] {
  const out: string[] = [];
  for (const f of fields) {
    if (f.key !== key) continue;
    for (const a of flattenAddresses(f.decoded)) out.push(a);
  }
  return out;
}

const ADDRESS = /^[^\s@<>()[\]",;:]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)*[A-Za-z0-9-]{1,63}$/;

/** Syntactically valid addresses from an address-list header, lower-cased domain. */
export function flattenAddresses(text: string): string[] {
  const out: string[] = [];
  let parsed: ReturnType<typeof addressparser>;
  try {
    parsed = addressparser(text.length > 16384 ? text.slice(0, 16384) : text);
  } catch {
    return out;
  }
  const walk = (list: typeof parsed) => {
    for (const a of list) {
      if ('group' in a && Array.isArray(a.group)) walk(a.group);
      else if ('address' in a && a.address && ADDRESS.test(a.address)) {
        const at = a.address.lastIndexOf('@');
        out.push(a.address.slice(0, at) + '@' + a.address.slice(at + 1).toLowerCase());
      }
    }
  };
  walk(parsed);
  return out;
}

function summarize(fields: HeaderField[], received: Array<{ info: ReceivedInfo }>): MessageSummary {
  const from = first(fields, 'from');
  const fromAddr = from ? flattenAddresses(from.decoded)[0] : undefined;
  const to = addresses(fields, 'to');
  const cc = addresses(fields, 'cc');
  const rcpts = new Set<string>();
  for (const a of [...to, ...cc, ...addresses(fields, 'delivered-to'), ...addresses(fields, 'x-original-to')]) rcpts.add(a.toLowerCase());
  for (const r of received) for (const f of r.info.for ?? []) for (const a of flattenAddresses(f)) rcpts.add(a.toLowerCase());
  const rp = first(fields, 'return-path');
  return {
    subject: first(fields, 'subject')?.decoded,
    from: from?.decoded,
    fromDomain: fromAddr?.split('@')[1],
    to,
    cc,
    date: first(fields, 'date')?.decoded,
    messageId: first(fields, 'message-id')?.decoded,
    returnPath: rp ? flattenAddresses(rp.decoded)[0] : undefined,
    recipients: [...rcpts],
  };
}

/** `input.lineCount` reads the splitter's (lazily counted) value on first access, then keeps it. */
function forwardLineCount(input: Analysis['input'], split: { readonly lineCount: number }): void {
  Object.defineProperty(input, 'lineCount', {
    enumerable: true,
    configurable: true,
    get(): number {
      const value = split.lineCount;
      Object.defineProperty(input, 'lineCount', { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
    set(value: number) {
      Object.defineProperty(input, 'lineCount', { value, enumerable: true, configurable: true, writable: true });
    },
  });
}
