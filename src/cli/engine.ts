/**
 * One message through the engine, the same way on the main thread (one file) and in the batch
 * workers: read (head-first above the size limit; streamed above STREAM_FILE_BYTES), analyse with
 * the DNS mode asked for, and the compact record the batch summary, SARIF and the consolidated fix
 * are built from.
 */
import type { Analysis, DnsLookup, DnsMode, EfcState, Finding, ParseProblem, ReceiverKind, Severity } from '../core/types';
import { analyze, analyzeStream, isMessage } from '../core/analyze';
import { isCompoundFile, readMsg } from '../core/msg/reader';
import { resolverFromSnapshot, type DnsResolver } from '../core/verify';
import { errorCode, isNoRecord, normalizeName } from '../core/verify/resolver';
import { createLiveResolver } from '../node/dns';
import { InputError, readMessageFile, readWholeFile, type ReadResult } from '../node/read';
import { defaultKb } from '../core/remedy/kb-port';
import { gatherFacts } from '../core/remedy/facts';
import { isPublicIp } from '../core/net/ip';
import { shortVendorName } from '../core/present/vendors';
import { receiverText } from '../core/present/verdicts';

/** How DNS is answered; serialisable (it is handed to the workers). */
export type DnsSetup =
  | { mode: 'off' }
  | { mode: 'live'; server?: string }
  | { mode: 'recorded'; file: string; snapshotText: string };

export interface EngineOptions {
  trustedRelays: string[];
  /** Where the trusted relays came from, shown next to every address they put into a script. */
  trustedRelaysSource?: string;
  receivingDomains: string[];
  connectorName?: string;
  slowHopMs?: number;
  maxMessageBytes: number;
  /** Header fields split per message (the splitter's cap; default 20,000). */
  maxHeaderFields?: number;
}

export interface DnsHandle {
  mode: DnsMode;
  resolver?: DnsResolver;
  close(): void;
}

/** Entries one process keeps in its cross-message DNS cache. */
const MAX_CACHED_LOOKUPS = 20000;

/**
 * A resolver that asks each (name, type) once per process: a folder of messages from the same
 * sender asks for the same DKIM key and SPF record hundreds of times. Conclusive answers (records,
 * NXDOMAIN, NODATA) are kept; failures such as timeouts are asked again next time.
 */
export function cachingResolver(inner: DnsResolver, max = MAX_CACHED_LOOKUPS): DnsResolver {
  const cache = new Map<string, Promise<unknown>>();
  return (name: string, rrtype: string) => {
    const key = `${String(rrtype).toUpperCase()} ${normalizeName(name)}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const p = Promise.resolve().then(() => inner(name, rrtype));
    if (cache.size < max) {
      cache.set(key, p);
      p.catch((e: unknown) => {
        if (!isNoRecord(errorCode(e))) cache.delete(key);
      });
    }
    return p;
  };
}

export function openDns(setup: DnsSetup): DnsHandle {
  if (setup.mode === 'live') {
    const live = createLiveResolver({ server: setup.server });
    return { mode: 'live', resolver: cachingResolver(live.resolve), close: () => live.cancel() };
  }
  if (setup.mode === 'recorded') {
    return { mode: 'recorded', resolver: resolverFromSnapshot(setup.snapshotText), close: () => undefined };
  }
  return { mode: 'off', close: () => undefined };
}

/**
 * Files larger than this (up to the size limit) are analysed as a stream: the header block is
 * read, then the body goes through the verification in 1 MiB chunks (analyzeStream), so memory
 * stays at a few MiB per message whatever its size. Smaller files are read whole (faster, and
 * small anyway). The output is the same either way.
 */
export const STREAM_FILE_BYTES = 4 * 1024 * 1024;

/**
 * The streaming threshold in use: STREAM_FILE_BYTES, or the byte count in the environment variable
 * MAILFLOW_LENS_STREAM_BYTES (not a user setting: the tests use it to compare the streamed and the
 * in-memory path on the same file). Worker threads see the same environment.
 */
export function streamThreshold(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.MAILFLOW_LENS_STREAM_BYTES;
  if (v !== undefined && /^[0-9]{1,15}$/.test(v.trim())) return Number(v.trim());
  return STREAM_FILE_BYTES;
}

/** An Outlook .msg is read whole up to this size (its transport headers can sit anywhere in the file). */
export const MAX_MSG_FILE_BYTES = 512 * 1024 * 1024;

/**
 * Outlook .msg (an OLE compound file, recognised by its signature whatever the file is called) →
 * its transport headers as an .eml header block; anything else passes through. Throws InputError
 * when the .msg holds no usable headers. The reader's notes come back as parse problems.
 */
export function messageBytes(read: ReadResult, name: string): { read: ReadResult; problems: ParseProblem[] } {
  if (!isCompoundFile(read.bytes)) return { read, problems: [] };
  if (read.truncated) {
    throw new InputError(`${name}: the Outlook .msg file is ${(read.size / 1048576).toFixed(1)} MiB, above the size limit; raise maxMessageSizeMB in the configuration to read it`, name);
  }
  const m = readMsg(read.bytes);
  const error = m.problems.find((p) => p.severity === 'error');
  if (error || m.headersText === undefined) throw new InputError(`${name}: ${error?.message ?? 'the .msg holds no transport headers.'}`, name);
  return { read: { bytes: Buffer.from(m.headersText, 'utf8'), size: read.size, truncated: false }, problems: m.problems };
}

/** Analyse bytes already read. Throws InputError when the bytes are not an e-mail message. */
export async function analyzeRead(input: ReadResult, name: string, o: EngineOptions, dns: DnsHandle): Promise<Analysis> {
  const { read, problems: msgProblems } = messageBytes(input, name);
  const options = {
    name,
    trustedRelays: o.trustedRelays,
    ...(o.trustedRelaysSource ? { trustedRelaysSource: o.trustedRelaysSource } : {}),
    receivingDomains: o.receivingDomains,
    connectorName: o.connectorName,
    slowHopMs: o.slowHopMs,
    maxMessageBytes: o.maxMessageBytes,
    ...(o.maxHeaderFields !== undefined ? { maxHeaderFields: o.maxHeaderFields } : {}),
    dnsMode: dns.mode,
    resolver: dns.resolver,
  };
  // a streamed file: bytes is its head, the body follows in chunks and is never held whole
  const analysis = read.rest ? await analyzeStream(read.bytes, read.rest, options) : await analyze(read.bytes, options);
  if (!isMessage(analysis)) {
    const p = analysis.problems.find((x) => x.severity === 'error');
    let why = p?.message ?? 'not an e-mail message';
    if (/\.msg$/i.test(name)) why += ' It is not an Outlook .msg file either (no compound file signature).';
    throw new InputError(`${name}: ${why}`, name);
  }
  analysis.problems.push(...msgProblems);
  if (read.truncated) {
    analysis.input.headersOnly = true;
    analysis.problems.push({
      code: 'message-too-large',
      severity: 'warning',
      message: read.sizeIsLowerBound
        ? `The input is larger than the ${(o.maxMessageBytes / 1048576).toFixed(0)} MiB limit: only its headers were read and analysed.`
        : `The file is ${(read.size / 1048576).toFixed(1)} MiB, above the ${(o.maxMessageBytes / 1048576).toFixed(0)} MiB limit: only its headers were read and analysed.`,
    });
  }
  return analysis;
}

/**
 * Reads a message file: head-first above the size limit, streamed above `streamAbove` (see
 * STREAM_FILE_BYTES), read whole otherwise; except an Outlook .msg, which is read whole (up to
 * MAX_MSG_FILE_BYTES) because its header stream can be anywhere in the file.
 */
export async function readInputFile(file: string, maxMessageBytes: number, streamAbove = streamThreshold(), o: { noFollow?: boolean } = {}): Promise<ReadResult> {
  const read = await readMessageFile(file, maxMessageBytes, { streamAbove, noFollow: o.noFollow });
  if (read.rest && !isCompoundFile(read.bytes)) return read;
  if (!read.rest && (!read.truncated || !isCompoundFile(read.bytes) || read.size > MAX_MSG_FILE_BYTES)) return read;
  // the .msg as large as it was when first opened, not what it may have grown to since
  const whole = await readWholeFile(file, MAX_MSG_FILE_BYTES, { noFollow: o.noFollow, limit: read.size });
  return { bytes: whole.bytes, size: read.size, truncated: false };
}

/** `noFollow`: a file found in a folder walk (a symbolic link is refused when it is opened). */
export async function analyzeFile(file: string, o: EngineOptions, dns: DnsHandle, read: { noFollow?: boolean } = {}): Promise<Analysis> {
  const bytes = await readInputFile(file, o.maxMessageBytes, streamThreshold(), read);
  return analyzeRead(bytes, file, o, dns);
}

// ---------------------------------------------------------------------------------------------
// The compact record of one message (what a worker posts back)

export interface CompactFinding {
  id: string;
  severity: Severity;
  message: string;
  hopIndex: number | null;
  evidence: Array<{ header: string; lines: { startLine: number; endLine: number } }>;
}

/** What `fix --kind efc` over many messages needs from each one. */
export interface EfcFacts {
  receiver: ReceiverKind;
  hasRelay: boolean;
  nonLinear: boolean;
  /** The facts step's Enhanced Filtering state (one vocabulary everywhere). */
  state: EfcState;
  /** The address Enhanced Filtering recovered (skip-listing headers), when it ran. */
  recoveredIp?: string;
  relays: Array<{ ip: string; public: boolean; vendor?: string; host?: string; connecting: boolean; strength: 'strong' | 'weak'; fromConfig?: string }>;
}

export interface MessageRecord {
  file: string;
  receiver: string;
  receiverKind: ReceiverKind;
  /** Gateway vendors on the relay path (short names). */
  vendors: string[];
  relayIps: string[];
  subject?: string;
  from?: string;
  messageId?: string;
  findings: CompactFinding[];
  headersOnly: boolean;
  lineCount: number;
  byteLength: number;
  dnsMode: DnsMode;
  efc?: EfcFacts;
  /** The lookups the verification made (only when the run records DNS). */
  lookups?: DnsLookup[];
}

function compactFinding(f: Finding): CompactFinding {
  return {
    id: f.id,
    severity: f.severity,
    message: f.message,
    hopIndex: f.hopIndex,
    evidence: f.evidence.slice(0, 20).map((e) => ({ header: e.header, lines: { startLine: e.lines.startLine, endLine: e.lines.endLine } })),
  };
}

/** Strong vendor matches on the relay path in front of the receiver (short names, oldest first). */
export function relayVendors(a: Analysis): string[] {
  const out: string[] = [];
  const add = (name: string | undefined) => {
    if (name && !out.includes(name)) out.push(name);
  };
  const b = a.boundary;
  const idx = [...b.relayHopIndexes];
  if (b.entryHopIndex !== null) idx.push(b.entryHopIndex);
  for (const i of idx.sort((x, y) => x - y)) {
    const v = a.hops[i]?.vendor;
    if (v && v.confidence === 'strong') add(shortVendorName(v.name));
  }
  if (!out.length && b.relayIps.length) for (const v of a.vendors) if (v.confidence === 'strong') add(shortVendorName(v.name));
  return out;
}

export function efcFacts(a: Analysis): EfcFacts {
  const f = gatherFacts(a, defaultKb);
  return {
    receiver: f.receiver,
    hasRelay: f.hasRelay,
    nonLinear: f.nonLinear,
    state: f.efcState,
    ...(f.recoveredIp ? { recoveredIp: f.recoveredIp.ip } : {}),
    relays: f.relays.map((r) => ({
      ip: r.ip.ip,
      public: isPublicIp(r.ip),
      ...(r.vendorName ? { vendor: shortVendorName(r.vendorName) } : {}),
      ...(r.host ? { host: r.host } : {}),
      connecting: r.connecting,
      strength: r.strength,
      ...(r.fromConfig ? { fromConfig: r.fromConfig } : {}),
    })),
  };
}

export interface RecordWants {
  efc?: boolean;
  lookups?: boolean;
}

export function recordOf(a: Analysis, file: string, want: RecordWants = {}): MessageRecord {
  const rec: MessageRecord = {
    file,
    receiver: receiverText(a.boundary),
    receiverKind: a.boundary.receiver,
    vendors: relayVendors(a),
    relayIps: [...a.boundary.relayIps],
    subject: a.summary.subject,
    from: a.summary.from,
    messageId: a.summary.messageId,
    findings: a.findings.map(compactFinding),
    headersOnly: a.input.headersOnly,
    lineCount: a.input.lineCount,
    byteLength: a.input.byteLength,
    dnsMode: a.verification?.dnsMode ?? 'off',
  };
  if (want.efc) rec.efc = efcFacts(a);
  if (want.lookups) rec.lookups = (a.verification?.lookups ?? []).filter((l) => l.outcome === 'answer' || l.outcome === 'nodata' || l.outcome === 'nxdomain' || l.outcome === 'error');
  return rec;
}
