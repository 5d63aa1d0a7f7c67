/**
 * One message through the engine, the same way on the main thread (one file) and in the batch
 * workers: read (head-first above the size limit), analyse with the DNS mode asked for, and the
 * compact record the batch summary, SARIF and the consolidated fix are built from.
 */
import type { Analysis, DnsLookup, DnsMode, Finding, ReceiverKind, Severity } from '../core/types';
import { analyze, isMessage } from '../core/analyze';
import { resolverFromSnapshot, type DnsResolver } from '../core/verify';
import { errorCode, isNoRecord, normalizeName } from '../core/verify/resolver';
import { createLiveResolver } from '../node/dns';
import { InputError, readMessageFile, type ReadResult } from '../node/read';
import { defaultKb, gatherFacts } from '../core/remedy/context';
import { isPublicIp } from '../core/net/ip';
import { shortVendor } from './format-text';

/** How DNS is answered; serialisable (it is handed to the workers). */
export type DnsSetup =
  | { mode: 'off' }
  | { mode: 'live'; server?: string }
  | { mode: 'recorded'; file: string; snapshotText: string };

export interface EngineOptions {
  trustedRelays: string[];
  receivingDomains: string[];
  connectorName?: string;
  slowHopMs?: number;
  maxMessageBytes: number;
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

/** Analyse bytes already read. Throws InputError when the bytes are not an e-mail message. */
export async function analyzeRead(read: ReadResult, name: string, o: EngineOptions, dns: DnsHandle): Promise<Analysis> {
  const analysis = await analyze(read.bytes, {
    name,
    trustedRelays: o.trustedRelays,
    receivingDomains: o.receivingDomains,
    connectorName: o.connectorName,
    slowHopMs: o.slowHopMs,
    maxMessageBytes: o.maxMessageBytes,
    dnsMode: dns.mode,
    resolver: dns.resolver,
  });
  if (!isMessage(analysis)) {
    const p = analysis.problems.find((x) => x.severity === 'error');
    let why = p?.message ?? 'not an e-mail message';
    if (/\.msg$/i.test(name)) why += ' Outlook .msg files are not supported: open the message in Outlook and save it as .eml (File > Save As).';
    throw new InputError(`${name}: ${why}`, name);
  }
  if (read.truncated) {
    analysis.input.headersOnly = true;
    analysis.problems.push({
      code: 'message-too-large',
      severity: 'warning',
      message: `The file is ${(read.size / 1048576).toFixed(1)} MiB, above the ${(o.maxMessageBytes / 1048576).toFixed(0)} MiB limit: only its headers were read and analysed.`,
    });
  }
  return analysis;
}

export async function analyzeFile(file: string, o: EngineOptions, dns: DnsHandle): Promise<Analysis> {
  const read = await readMessageFile(file, o.maxMessageBytes);
  return analyzeRead(read, file, o, dns);
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
  /** off: no skip-listing headers; works: ExternalOriginal recovered; out-of-scope: SkipListed only; incomplete: stopped at a relay. */
  state: 'off' | 'works' | 'out-of-scope' | 'incomplete';
  relays: Array<{ ip: string; public: boolean; vendor?: string; host?: string; connecting: boolean }>;
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
    if (v && v.confidence === 'strong') add(shortVendor(v.name));
  }
  if (!out.length && b.relayIps.length) for (const v of a.vendors) if (v.confidence === 'strong') add(shortVendor(v.name));
  return out;
}

export function efcFacts(a: Analysis): EfcFacts {
  const f = gatherFacts(a, defaultKb);
  const relaySet = new Set(f.relays.map((r) => r.ip.ip));
  const recovered = f.efc.externalOriginalIp ?? f.efc.skipListedIp;
  let state: EfcFacts['state'] = 'off';
  if (f.efc.skipListed || f.efc.externalOriginal) {
    if (recovered && relaySet.has(recovered.ip)) state = 'incomplete';
    else if (f.efc.externalOriginal) state = 'works';
    else state = 'out-of-scope';
  }
  return {
    receiver: f.receiver,
    hasRelay: f.hasRelay,
    nonLinear: f.nonLinear,
    state,
    relays: f.relays.map((r) => ({
      ip: r.ip.ip,
      public: isPublicIp(r.ip),
      ...(r.vendorName ? { vendor: shortVendor(r.vendorName) } : {}),
      ...(r.host ? { host: r.host } : {}),
      connecting: r.connecting,
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
    receiver: a.boundary.receiverName ?? (a.boundary.receiver === 'unknown' ? 'unknown receiver' : a.boundary.receiver),
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
