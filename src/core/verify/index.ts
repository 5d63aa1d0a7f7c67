/**
 * Re-verification with mailauth behind a DNS port. Modes: off (default; no lookup leaves the
 * process), recorded (answers from a snapshot), live (a resolver the caller injects, see
 * src/node/dns.ts).
 *
 * Everything is judged as of the delivery time found in the Received fields, never "now", and
 * with the sender IP, HELO and MAIL FROM the trust boundary found, never mailauth's guess from the
 * first Received field.
 */
import { bodyHints } from './body-hints';
import type { Analysis, DkimCheck, DnsMode, HeaderField, Verification } from '../types';
import { checkArc } from './arc';
import { checkDkim, MAX_DKIM_SIGNATURES } from './dkim';
import { createDkimVerifier, plannedBodyHashes } from './dkim-fast';
import type { BodyHashRequest } from './body-hash';
import { checkDmarc } from './dmarc';
import type { MailauthDkimVerifyResult } from './mailauth';
import { headerAndBody, insertBlankLine, keepFirstFields, stripMboxLine, toCrlf, withoutArcNewerThan } from './message';
import type { StreamedBody } from './body-stream';
import { LIMIT_CODE, offlineResolver, recordingResolver, type DnsResolver } from './resolver';
import { mailFromOf, spfWhatIf } from './spf';
import { lookupRecipientMx } from './mx';
import { lookupVendorRanges } from './vendor-dns';
import { MAX_FIELD_TEXT_BYTES } from '../parse/headers';

export type { DnsResolver } from './resolver';
export { offlineResolver, recordingResolver, OFFLINE_CODE, LIMIT_CODE, DEFAULT_MAX_LOOKUPS, type RecordingResolver } from './resolver';
export { parseDnsSnapshot, validateDnsSnapshot, resolverFromSnapshot, formatDnsSnapshot, type DnsSnapshot, type DnsAnswer, type ParsedSnapshot } from './snapshot';
export { toCrlf } from './message';
export { BodyStreamReader, readBodyStream, type BodyStreamPlan, type StreamedBody } from './body-stream';
export { MTA_NAME } from './spf';

export interface VerifyOptions {
  dnsMode?: DnsMode;
  /** Required for 'recorded' and 'live'; ignored for 'off'. */
  resolver?: DnsResolver;
}

export interface DeliveryTime {
  date: Date | null;
  /** Where it came from, in words. */
  source: string;
}

/** When the message was delivered: the receiver-edge hop, else the newest hop, else the Date field. */
export function deliveryTimeOf(analysis: Analysis): DeliveryTime {
  const hops = analysis.hops;
  const entry = analysis.boundary.entryHopIndex;
  const at = (t: string | null | undefined) => {
    if (!t) return null;
    const ms = Date.parse(t);
    return Number.isFinite(ms) ? new Date(ms) : null;
  };
  if (entry !== null && hops[entry]) {
    const d = at(hops[entry].timestamp);
    if (d) return { date: d, source: `the receiving hop (Received hop ${entry + 1})` };
  }
  for (let i = hops.length - 1; i >= 0; i--) {
    const d = at(hops[i].timestamp);
    if (d) return { date: d, source: `the newest Received hop with a date (hop ${i + 1})` };
  }
  const dateHeader = analysis.summary.date;
  if (dateHeader && dateHeader.length < 200) {
    const d = at(stripComments(dateHeader));
    if (d) return { date: d, source: 'the Date header' };
  }
  return { date: null, source: 'unknown' };
}

function stripComments(s: string): string {
  let out = '';
  let depth = 0;
  for (const ch of s) {
    if (ch === '(') depth++;
    else if (ch === ')' && depth > 0) depth--;
    else if (depth === 0) out += ch;
  }
  return out.trim();
}

/**
 * Re-verifies DKIM, ARC, SPF (what-if) and DMARC. Never throws: failures become notes or an
 * 'error' status.
 */
const ADDRESS_HEADERS = new Set(['from', 'sender', 'reply-to', 'return-path', 'to', 'cc']);
const MAX_ADDRESS_HEADER = 16 * 1024;
const MAX_FIELD_LINES = 5000;
/** Fields mailauth parses with its tag-list and Authentication-Results parsers. */
const SIGNATURE_HEADERS = new Set(['dkim-signature', 'arc-seal', 'arc-message-signature', 'arc-authentication-results']);
/** Longest such field re-verified (real ones are a few hundred bytes to 3 KiB). */
const MAX_SIGNATURE_HEADER = 8 * 1024;

/** Why a message with these header fields is not re-verified (see verifyMessage), or undefined. */
function refusal(headers: readonly HeaderField[], problems: ReadonlyArray<{ code: string }> = []): string | undefined {
  // The header block was cut at the maxHeaderFields setting: what mailauth would read is not what
  // was analysed, and reading millions of fields is what the cap is there to avoid.
  if (problems.some((p) => p.code === 'too-many-fields')) return `the header block has more than the ${headers.length} header fields analysed`;
  // mailauth's Authentication-Results parser is quadratic in the number of empty ";" parts (a
  // 1 MiB ARC-Authentication-Results of ";;|" took minutes), and it parses every ARC set again for
  // each older instance: such fields are far longer than any real one.
  const longSignature = headers.find((h) => SIGNATURE_HEADERS.has(h.key) && h.bytes.end - h.bytes.start > MAX_SIGNATURE_HEADER);
  if (longSignature) return `the ${longSignature.name} field is ${Math.round((longSignature.bytes.end - longSignature.bytes.start) / 1024)} KiB long (line ${longSignature.lines.startLine + 1})`;
  // mailauth reads the address headers with an address parser that is slow on absurd input; an
  // address header of more than 16 KiB is never real mail (lines are limited to 998 characters),
  // so such a message is not re-verified and the note says why.
  // Its header reader also joins folded lines one at a time (quadratic in the lines of a field),
  // so a field folded over thousands of lines is refused the same way.
  const absurd = headers.find((h) => ADDRESS_HEADERS.has(h.key) && h.unfolded.length > MAX_ADDRESS_HEADER);
  const tooFolded = headers.find((h) => h.lines.endLine - h.lines.startLine + 1 > MAX_FIELD_LINES);
  if (absurd) return `the ${absurd.name || 'header'} field is ${Math.round(absurd.unfolded.length / 1024)} KiB long (line ${absurd.lines.startLine + 1})`;
  if (tooFolded) return `the ${tooFolded.name || 'header'} field is folded over ${tooFolded.lines.endLine - tooFolded.lines.startLine + 1} lines (line ${tooFolded.lines.startLine + 1})`;
  // a field the splitter kept only the start of (more than MAX_FIELD_TEXT_BYTES)
  const huge = headers.find((h) => h.bytes.end - h.bytes.start > MAX_FIELD_TEXT_BYTES);
  if (huge) return `the ${huge.name || 'header'} field is ${((huge.bytes.end - huge.bytes.start) / 1048576).toFixed(1)} MiB long (line ${huge.lines.startLine + 1})`;
  return undefined;
}

/**
 * The longest field in a header block as mailauth will read it (CRLF line ends, every line that
 * does not open a field joined to the one above), or undefined when none is folded over more than
 * MAX_FIELD_LINES lines. The splitter's lines are not enough: a line end the splitter keeps inside
 * a value (a lone CR) is a line break once the block is converted to CRLF, and mailauth joins such
 * lines one at a time, quadratic in their number (24,000 lines took nine seconds).
 */
function overFolded(header: Buffer): { lines: number; line: number } | undefined {
  const text = header.toString('latin1');
  let run = 0;
  let runStart = 0;
  let lineNo = 0;
  for (let at = 0; at <= text.length; lineNo++) {
    const end = text.indexOf('\r\n', at);
    const stop = end < 0 ? text.length : end;
    if (FIELD_OPENER.test(text.slice(at, Math.min(stop, at + 1000)))) {
      run = 0;
      runStart = lineNo;
    } else if (++run >= MAX_FIELD_LINES) {
      return { lines: run + 1, line: runStart + 1 };
    }
    if (end < 0) break;
    at = end + 2;
  }
  return undefined;
}
/** What opens a header field for mailauth's header reader: a name of printable characters, then a colon. */
const FIELD_OPENER = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;

/** The header block exactly as run() hands it to the verifier: CRLF, no mbox line, at most MAX_DKIM_SIGNATURES signatures. */
function preparedHeader(raw: Uint8Array): { message: Buffer; removed: number } {
  return keepFirstFields(stripMboxLine(toCrlf(raw)), 'dkim-signature', MAX_DKIM_SIGNATURES);
}

/**
 * A message whose body was read as a stream: its raw header block (the bytes before the body,
 * blank line included) and what one pass over the body left (src/core/verify/body-stream.ts).
 */
export interface StreamedMessage {
  header: Uint8Array;
  body: StreamedBody;
}

/**
 * The body hashes verifying this raw header block will need (its DKIM signatures, the newest
 * ARC-Message-Signature, and the older ones checkArc re-verifies), so a streamed body can be
 * hashed in one pass before verification starts. [] when the message will not be re-verified
 * (refused headers); null when streamed verification is not available (unexpected mailauth
 * internals): the caller then verifies the whole message in memory.
 */
export async function planStreamedVerification(header: Uint8Array, fields: readonly HeaderField[]): Promise<BodyHashRequest[] | null> {
  if (refusal(fields)) return [];
  const { header: block } = headerAndBody(preparedHeader(header).message);
  if (overFolded(block)) return [];
  const first = await plannedBodyHashes(block);
  if (!first) return null;
  const requests = [...first.requests];
  // checkArc verifies every older instance on the header without the newer ARC sets (mailauth
  // reads at most 50 instances, so this loop is bounded as checkArc's is)
  for (let k = 1; k < first.arcChainLength; k++) {
    const older = await plannedBodyHashes(withoutArcNewerThan(block, k));
    if (older) requests.push(...older.requests);
  }
  return requests;
}

export async function verifyMessage(bytes: Uint8Array, analysis: Analysis, options: VerifyOptions = {}): Promise<Verification> {
  return verifyFrom({ bytes }, analysis, options);
}

/**
 * verifyMessage for a message whose body was streamed: the same Verification as verifyMessage on
 * the whole bytes, from the header block and the figures computed while the body went past.
 */
export async function verifyStreamedMessage(message: StreamedMessage, analysis: Analysis, options: VerifyOptions = {}): Promise<Verification> {
  return verifyFrom({ streamed: message }, analysis, options);
}

type Source = { bytes: Uint8Array; streamed?: undefined } | { streamed: StreamedMessage; bytes?: undefined };

async function verifyFrom(source: Source, analysis: Analysis, options: VerifyOptions): Promise<Verification> {
  const notes: string[] = [];
  let dnsMode: DnsMode = options.dnsMode === 'recorded' || options.dnsMode === 'live' ? options.dnsMode : 'off';
  let inner: DnsResolver;
  if (dnsMode === 'off') inner = offlineResolver();
  else if (typeof options.resolver === 'function') inner = options.resolver;
  else {
    notes.push(`DNS mode "${dnsMode}" was asked for without a resolver, so DNS is off.`);
    dnsMode = 'off';
    inner = offlineResolver();
  }
  const rec = recordingResolver(inner);
  const v: Verification = { dnsMode, dkim: [], arc: null, spf: [], dmarc: null, lookups: rec.lookups, notes };
  // A missing header/body separator: the splitter found where the body starts; mailauth would
  // read every body line as part of the header (and slowly). Verify the message as the splitter
  // reads it, with the separator put back, and say so.
  let bytes = source.bytes;
  if (bytes && analysis.problems.some((p) => p.code === 'missing-separator') && analysis.input.bodyStartByte < bytes.length) {
    // (a streamed message always has its blank line: analyzeStream reads the others whole)
    const at = analysis.input.bodyStartByte;
    bytes = insertBlankLine(bytes, at, analysis.input.eol);
    notes.push(`The message has no blank line between header and body; it was verified with one inserted before line ${analysis.input.bodyStartLine + 1}, where the body starts.`);
  }
  const why = refusal(analysis.headers, analysis.problems);
  if (why) {
    notes.push(`Not re-verified: ${why}, which no real message has; the receiver's own results are still shown.`);
    return v;
  }
  try {
    if (!analysis.input.headersOnly) {
      const hints = bytes ? bodyHints(bytes, analysis.input.bodyStartByte) : source.streamed!.body.hints();
      if (hints) v.bodyHints = hints;
    }
  } catch (e) {
    notes.push(`Body hints could not be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  const body: Source = bytes ? { bytes } : { streamed: source.streamed! };
  try {
    await run(body, analysis, dnsMode, rec.resolver, v);
  } catch (e) {
    notes.push(`Verification stopped with an internal error: ${e instanceof Error ? e.message : String(e)}`);
  }
  return v;
}

async function run(source: Source, analysis: Analysis, dnsMode: DnsMode, resolver: DnsResolver, v: Verification): Promise<void> {
  const notes = v.notes;
  const offline = dnsMode === 'off';
  // --- input
  const input = analysis.input;
  const tooLarge = input.headersOnly && input.bodyStartByte < input.byteLength;
  // streamed: the header block only; the body's hashes were computed as it went past (for a
  // message above the size limit they are those of an empty body, as here for the bytes)
  const bytes = source.bytes;
  const raw = !bytes ? source.streamed.header : tooLarge ? bytes.subarray(0, Math.min(input.bodyStartByte, bytes.length)) : bytes;
  const capped = preparedHeader(raw);
  const message = capped.message;
  if (capped.removed) {
    notes.push(`The message carries more than ${MAX_DKIM_SIGNATURES} DKIM signatures; ${capped.removed} of them were not checked.`);
  }
  const headersOnly = input.headersOnly;
  if (offline) {
    notes.push(
      `DNS is off: no lookup left this computer. ${headersOnly ? '' : 'DKIM and ARC body hashes were checked; '}the header signatures, ARC seals, SPF and the DMARC policy need DNS answers (a recorded snapshot or live DNS).`,
    );
  }
  if (headersOnly) {
    notes.push(
      tooLarge
        ? 'Only the headers were read (the message is above the size limit): body hashes are not available, so body checks say "not available (headers only)".'
        : 'The message has no body (headers only): body hashes are not available, so body checks say "not available (headers only)".',
    );
  }

  const when = deliveryTimeOf(analysis);
  if (!when.date) {
    notes.push('The delivery time could not be read from the Received fields or the Date field: signature expiry (x=) was not judged.');
  }
  // epoch when unknown: nothing counts as expired (mailauth would otherwise use today)
  const curTime = when.date ?? new Date(0);
  const mailFrom = mailFromOf(analysis);

  // mailauth's own verifier on the header block; the body hashes it asks for are computed once
  // per body and canonicalisation (body-hash.ts), so older ARC instances re-verified below reuse them
  const verifyOptions = { resolver, curTime, ...(mailFrom ? { sender: mailFrom.address } : {}) };
  const dkimVerify = bytes ? createDkimVerifier(verifyOptions) : createDkimVerifier(verifyOptions, source.streamed.body.figures);
  const { header, body } = headerAndBody(message);
  const folded = overFolded(header);
  if (folded) {
    notes.push(`Not re-verified: a header field is folded over ${folded.lines} lines once line ends are read as CRLF (from line ${folded.line}), which no real message has; the receiver's own results are still shown.`);
    return;
  }
  const verify = (headerBlock: Buffer): Promise<MailauthDkimVerifyResult> => (bytes ? dkimVerify(headerBlock, body) : dkimVerify(headerBlock));

  // --- DKIM
  let dk: MailauthDkimVerifyResult | undefined;
  try {
    dk = await verify(header);
  } catch (e) {
    notes.push(`DKIM verification failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (dk) {
    try {
      v.dkim = await checkDkim({ analysis, resolver, curTime, headersOnly, offline, maxSignatures: MAX_DKIM_SIGNATURES }, dk.results);
    } catch (e) {
      notes.push(`DKIM results could not be read: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else {
    v.dkim = analysis.headers
      .filter((f) => f.key === 'dkim-signature' && !f.invalid)
      .map((f): DkimCheck => ({ fieldIndex: f.index, lines: f.lines, status: 'error', bodyHashOk: null, detail: 'Verification failed (see notes).' }));
  }
  for (const c of v.dkim) {
    if (c.status === 'not-verifiable-offline') {
      notes.push(
        offline
          ? `DKIM signature by ${c.domain ?? '?'} (s=${c.selector ?? '?'}): ${c.bodyHashOk ? 'the body is intact, but ' : ''}the header signature was not checked because DNS is off and the public key ${c.selector}._domainkey.${c.domain} is needed. Use a recorded DNS snapshot or live DNS to finish the check.`
          : `DKIM signature by ${c.domain ?? '?'} (s=${c.selector ?? '?'}): the public key ${c.selector}._domainkey.${c.domain} could not be fetched, so the header signature was not checked.`,
      );
    }
  }
  if (dnsMode === 'recorded' && v.dkim.some((c) => c.status === 'key-missing')) {
    notes.push('Recorded DNS: a key that is not in the snapshot counts as missing from DNS. If the snapshot was recorded for another message, record it again for this one.');
  }
  if (when.date && (v.dkim.some((c) => c.status === 'expired') || analysis.dkimSignatures.some((s) => s.expiresAt))) {
    notes.push(`Signature expiry was judged at the delivery time ${when.date.toISOString()} (from ${when.source}), not today.`);
  }

  // --- ARC
  try {
    v.arc = await checkArc({ analysis, resolver, lookups: v.lookups, headersOnly, offline, header, verify }, dk?.arc);
  } catch (e) {
    notes.push(`ARC verification failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (v.arc?.chain === 'not-verifiable-offline') {
    notes.push(
      offline
        ? 'ARC: the seals could not be verified because DNS is off (the sealers\' public keys are needed). This is not an ARC failure.'
        : 'ARC: some sealers\' public keys could not be fetched, so the chain could not be fully verified.',
    );
  }

  // --- SPF what-if
  if (offline) {
    notes.push('SPF what-if needs DNS (recorded snapshot or live).');
  } else {
    try {
      v.spf = await spfWhatIf({ analysis, resolver, mailFrom, notes });
    } catch (e) {
      notes.push(`SPF what-if failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  // --- the recipient domain's MX (relay evidence from the recipient's own DNS)
  if (!offline) {
    try {
      const mx = await lookupRecipientMx(analysis, resolver);
      if (mx.length) v.mx = mx;
    } catch (e) {
      notes.push(`The recipient's MX could not be looked up: ${e instanceof Error ? e.message : String(e)}`);
    }
    // --- the sending addresses the recipient's gateway vendor publishes in DNS
    try {
      const ranges = await lookupVendorRanges(analysis, resolver);
      if (ranges.length) v.vendorRanges = ranges;
    } catch (e) {
      notes.push(`The gateway vendor's published addresses could not be looked up: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  // --- DMARC
  try {
    v.dmarc = await checkDmarc({ fromDomain: analysis.summary.fromDomain, dnsMode, resolver, dkim: v.dkim, spf: v.spf, mailFrom });
  } catch (e) {
    notes.push(`DMARC evaluation failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (v.lookups.some((l) => l.error?.startsWith(LIMIT_CODE))) {
    notes.push('The message needed more DNS lookups than one verification may send; the checks that needed the rest are reported as not verifiable.');
  }
  if (v.dmarc?.result === 'not-verifiable-offline') {
    notes.push('DMARC: the result cannot be decided offline: the policy record, the DKIM keys and SPF all need DNS.');
  }
}
