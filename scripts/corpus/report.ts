/**
 * The corpus invariants: numbers from the per-message records (message.ts), as one JSON object
 * and as the text table `npm run corpus` prints.
 */
import { isConsumerForbidden, sameIp, CONSUMER_FORBIDDEN_REMEDIES, type MessageResult } from './message';

export interface CorpusReport {
  folder: string;
  files: { seen: number; skipped: number; mboxes: number; skippedSample: Array<{ file: string; why: string }> };
  messages: { total: number; ok: number; notMessage: number; errors: number; timeouts: number };
  time: { totalMs: number; meanMs: number; workers: number };
  /** 1. The connecting IP the engine reports vs the receiver's own record of it. */
  connectingIp: {
    withRecord: number;
    agree: number;
    differ: number;
    engineNone: number;
    /** Messages whose receiver's own records name different IPs (counted in the above by the first record). */
    recordInconsistent: number;
    /** Exchange Online / Gmail receivers whose own records of the IP were not found. */
    receiverWithoutRecord: number;
    byReceiver: Record<string, { withRecord: number; agree: number; differ: number; engineNone: number }>;
    disagreements: Array<{ file: string; receiver: string; truthIp: string; engineIp: string | null; records: Record<string, string> }>;
  };
  /** 2. The organisation of the newest SMTP/LMTP writer vs what the engine calls the receiver. */
  receiver: {
    messages: number;
    agree: number;
    differ: number;
    /** Same kind (Microsoft 365 / Google / other) but a different or missing name. */
    sameKindOnly: number;
    noHandoff: number;
    pairs: Array<{ truth: string; engine: string; count: number }>;
    bySource: Record<string, { messages: number; agree: number }>;
    disagreements: Array<{ file: string; truth: string; engine: string }>;
  };
  /** 3. Connector / gateway findings and remedies on consumer mailboxes (target 0). */
  consumer: {
    messages: number;
    exchangeOnline: number;
    gmail: number;
    messagesFlagged: number;
    findings: Record<string, number>;
    remedies: Record<string, number>;
    /** Whether the engine itself calls these mailboxes consumer ones (null: it does not say). */
    engineSaysConsumer: { yes: number; no: number; notSaid: number };
    examples: Array<{ file: string; why: string; flagged: string[] }>;
  };
  /** 4. Hops the engine labelled with a vendor, by side of the route. */
  vendors: Array<{
    vendor: string;
    hops: number;
    messages: number;
    recipientSide: number;
    /** Recipient-side hops of consumer mailboxes, which have no gateway of their own: all wrong. */
    recipientSideConsumer: number;
    senderSide: number;
    unknownSide: number;
    notSaid: number;
    weak: number;
  }>;
  /** 5. Share of messages with parse trouble, per source folder. */
  unparsed: Array<{ source: string; messages: number; unparsedHeader: number; unparsedProblem: number }>;
  /** 6. Per finding id: messages it fired on. */
  findings: Array<{ id: string; messages: number; rate: number }>;
  failures: Array<{ file: string; status: string; error?: string; ms: number }>;
  slowest: Array<{ file: string; ms: number }>;
}

const SAMPLE_DISAGREEMENTS = 200;

function kindOf(org: string): string {
  return org.startsWith('other') ? 'other' : org;
}

function inc<K extends string>(o: Record<K, number>, k: K, by = 1): void {
  o[k] = (o[k] ?? 0) + by;
}

export function buildReport(results: MessageResult[], meta: { folder: string; files: number; skipped: Array<{ file: string; why: string }>; mboxes: number; totalMs: number; workers: number }): CorpusReport {
  const r: CorpusReport = {
    folder: meta.folder,
    files: { seen: meta.files, skipped: meta.skipped.length, mboxes: meta.mboxes, skippedSample: meta.skipped.slice(0, 20) },
    messages: { total: results.length, ok: 0, notMessage: 0, errors: 0, timeouts: 0 },
    time: { totalMs: Math.round(meta.totalMs), meanMs: 0, workers: meta.workers },
    connectingIp: { withRecord: 0, agree: 0, differ: 0, engineNone: 0, recordInconsistent: 0, receiverWithoutRecord: 0, byReceiver: {}, disagreements: [] },
    receiver: { messages: 0, agree: 0, differ: 0, sameKindOnly: 0, noHandoff: 0, pairs: [], bySource: {}, disagreements: [] },
    consumer: { messages: 0, exchangeOnline: 0, gmail: 0, messagesFlagged: 0, findings: {}, remedies: {}, engineSaysConsumer: { yes: 0, no: 0, notSaid: 0 }, examples: [] },
    vendors: [],
    unparsed: [],
    findings: [],
    failures: [],
    slowest: [],
  };
  const pairs = new Map<string, number>();
  const vendors = new Map<string, CorpusReport['vendors'][number] & { seen: Set<string> }>();
  const unparsed = new Map<string, CorpusReport['unparsed'][number]>();
  const findings = new Map<string, number>();
  let msSum = 0;

  for (const m of results) {
    msSum += m.ms;
    if (m.status === 'not-a-message') r.messages.notMessage++;
    else if (m.status === 'error') r.messages.errors++;
    else if (m.status === 'timeout') r.messages.timeouts++;
    if (m.status === 'error' || m.status === 'timeout') r.failures.push({ file: m.file, status: m.status, error: m.error, ms: m.ms });
    if (m.status !== 'ok' || !m.truth || !m.route) continue;
    r.messages.ok++;
    const { truth, route } = m;

    // 1. connecting IP
    const rec = truth.record;
    if (rec && rec.ip) {
      const c = r.connectingIp;
      const by = (c.byReceiver[rec.kind] ??= { withRecord: 0, agree: 0, differ: 0, engineNone: 0 });
      c.withRecord++;
      by.withRecord++;
      if (!rec.consistent) c.recordInconsistent++;
      if (!route.connectingIp) {
        c.engineNone++;
        by.engineNone++;
      } else if (sameIp(route.connectingIp, rec.ip)) {
        c.agree++;
        by.agree++;
      } else {
        c.differ++;
        by.differ++;
      }
      if (!sameIp(route.connectingIp, rec.ip) && c.disagreements.length < SAMPLE_DISAGREEMENTS) {
        const records: Record<string, string> = {};
        if (rec.authResultsIp) records['Authentication-Results'] = rec.authResultsIp;
        if (rec.xSenderIp) records['X-Sender-IP'] = rec.xSenderIp;
        if (rec.receivedSpfIp) records['Received-SPF'] = rec.receivedSpfIp;
        if (rec.cip) records['CIP'] = rec.cip;
        c.disagreements.push({ file: m.file, receiver: rec.kind, truthIp: rec.ip, engineIp: route.connectingIp, records });
      }
    } else if (truth.receiverOrg === 'Microsoft 365' || truth.receiverOrg === 'Google') {
      r.connectingIp.receiverWithoutRecord++;
    }

    // 2. receiver
    const src = (r.receiver.bySource[m.source] ??= { messages: 0, agree: 0 });
    if (!truth.receiverOrg) r.receiver.noHandoff++;
    else {
      const engine = m.engineOrg ?? 'unknown';
      r.receiver.messages++;
      src.messages++;
      if (engine === truth.receiverOrg) {
        r.receiver.agree++;
        src.agree++;
      } else {
        r.receiver.differ++;
        if (kindOf(engine) === kindOf(truth.receiverOrg)) r.receiver.sameKindOnly++;
        const key = `${truth.receiverOrg}\u0000${engine}`;
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
        if (r.receiver.disagreements.length < SAMPLE_DISAGREEMENTS) r.receiver.disagreements.push({ file: m.file, truth: truth.receiverOrg, engine });
      }
    }

    // 3. consumer mailboxes
    if (truth.consumer) {
      const c = r.consumer;
      c.messages++;
      if (truth.receiverOrg === 'Google') c.gmail++;
      else c.exchangeOnline++;
      if (route.consumer === true) c.engineSaysConsumer.yes++;
      else if (route.consumer === false) c.engineSaysConsumer.no++;
      else c.engineSaysConsumer.notSaid++;
      const flagged: string[] = [];
      for (const id of m.findings ?? []) {
        if (!isConsumerForbidden(id)) continue;
        inc(c.findings, id);
        flagged.push(id);
      }
      for (const k of m.remedyKinds ?? []) {
        if (!CONSUMER_FORBIDDEN_REMEDIES.includes(k)) continue;
        inc(c.remedies, k);
        flagged.push(`remedy:${k}`);
      }
      if (flagged.length) {
        c.messagesFlagged++;
        if (c.examples.length < 50) c.examples.push({ file: m.file, why: truth.consumerWhy ?? '', flagged });
      }
    }

    // 4. vendor-labelled hops
    for (const h of route.vendorHops) {
      const key = h.vendorName;
      let v = vendors.get(key);
      if (!v) vendors.set(key, (v = { vendor: key, hops: 0, messages: 0, recipientSide: 0, recipientSideConsumer: 0, senderSide: 0, unknownSide: 0, notSaid: 0, weak: 0, seen: new Set() }));
      v.hops++;
      if (!v.seen.has(m.file)) {
        v.seen.add(m.file);
        v.messages++;
      }
      if (h.side === 'recipient') {
        v.recipientSide++;
        if (truth.consumer) v.recipientSideConsumer++;
      }
      else if (h.side === 'sender') v.senderSide++;
      else if (h.side === 'unknown') v.unknownSide++;
      else v.notSaid++;
      if (h.confidence === 'weak') v.weak++;
    }

    // 5. unparsed
    let u = unparsed.get(m.source);
    if (!u) unparsed.set(m.source, (u = { source: m.source, messages: 0, unparsedHeader: 0, unparsedProblem: 0 }));
    u.messages++;
    if (m.findings?.includes('unparsed-header')) u.unparsedHeader++;
    if (m.problemCodes?.some((p) => p === 'received-unparsed' || p === 'auth-results-unparsed')) u.unparsedProblem++;

    // 6. findings
    for (const id of m.findings ?? []) findings.set(id, (findings.get(id) ?? 0) + 1);
  }

  r.time.meanMs = results.length ? Math.round((msSum / results.length) * 10) / 10 : 0;
  r.receiver.pairs = [...pairs].map(([k, count]) => ({ truth: k.split('\u0000')[0], engine: k.split('\u0000')[1], count })).sort((a, b) => b.count - a.count);
  r.vendors = [...vendors.values()].map(({ seen: _seen, ...v }) => v).sort((a, b) => b.hops - a.hops || a.vendor.localeCompare(b.vendor));
  r.unparsed = [...unparsed.values()].sort((a, b) => a.source.localeCompare(b.source));
  r.findings = [...findings].map(([id, n]) => ({ id, messages: n, rate: r.messages.ok ? n / r.messages.ok : 0 })).sort((a, b) => b.messages - a.messages || a.id.localeCompare(b.id));
  r.slowest = results
    .filter((m) => m.status === 'ok')
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5)
    .map((m) => ({ file: m.file, ms: m.ms }));
  return r;
}

// ---------------------------------------------------------------------------------------------
// Text

function pct(n: number, d: number): string {
  if (!d) return '-';
  const p = (100 * n) / d;
  return `${p >= 99.95 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}

function table(head: string[], rows: Array<Array<string | number>>, alignRight: boolean[] = []): string[] {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const w = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => '  ' + r.map((c, i) => (alignRight[i] ? c.padStart(w[i]) : c.padEnd(w[i]))).join('  ').trimEnd();
  return [line(cells[0]), '  ' + w.map((x) => '-'.repeat(x)).join('  '), ...cells.slice(1).map(line)];
}

export function formatReport(r: CorpusReport, o: { listLimit?: number } = {}): string {
  const L = o.listLimit ?? 15;
  const out: string[] = [];
  const m = r.messages;
  out.push(`Corpus run over ${r.folder}`);
  out.push(`  ${m.total} messages from ${r.files.seen} files (${r.files.mboxes} mbox files split; ${r.files.skipped} files skipped as not messages)`);
  out.push(`  analysed ${m.ok}, not a message ${m.notMessage}, crashed ${m.errors}, timed out ${m.timeouts}`);
  out.push(`  total time ${(r.time.totalMs / 1000).toFixed(1)} s on ${r.time.workers} workers, mean ${r.time.meanMs} ms per message`);
  out.push('');

  const c = r.connectingIp;
  out.push('1. Connecting IP: engine vs the receiver\'s own record (Exchange Online: id-less A-R, Received-SPF, X-Sender-IP, CIP; Gmail: Received-SPF, A-R mx.google.com)');
  out.push(
    ...table(
      ['receiver', 'with record', 'agree', 'differ', 'engine none', 'agree %'],
      [
        ...Object.entries(c.byReceiver)
          .sort()
          .map(([k, v]) => [k, v.withRecord, v.agree, v.differ, v.engineNone, pct(v.agree, v.withRecord)]),
        ['all', c.withRecord, c.agree, c.differ, c.engineNone, pct(c.agree, c.withRecord)],
      ],
      [false, true, true, true, true, true],
    ),
  );
  out.push(`  receiver's own records disagree among themselves: ${c.recordInconsistent}; EXO/Gmail receivers with no record found: ${c.receiverWithoutRecord}`);
  if (c.disagreements.length) {
    out.push(`  disagreements (first ${Math.min(L, c.disagreements.length)} of ${c.differ + c.engineNone}):`);
    for (const d of c.disagreements.slice(0, L)) out.push(`    ${d.file}: receiver ${d.truthIp} (${Object.keys(d.records).join(', ')}), engine ${d.engineIp ?? 'none'}`);
  }
  out.push('');

  const rc = r.receiver;
  out.push('2. Receiver: organisation of the newest SMTP/LMTP Received writer vs the engine\'s receiver (target 100%)');
  out.push(`  ${rc.messages} messages: agree ${rc.agree} (${pct(rc.agree, rc.messages)}), differ ${rc.differ} (same kind but another or no name: ${rc.sameKindOnly}; wrong kind: ${rc.differ - rc.sameKindOnly}); no SMTP/LMTP Received: ${rc.noHandoff}`);
  if (Object.keys(rc.bySource).length > 1) {
    out.push(...table(['source', 'messages', 'agree', 'agree %'], Object.entries(rc.bySource).sort().map(([s, v]) => [s, v.messages, v.agree, pct(v.agree, v.messages)]), [false, true, true, true]));
  }
  if (rc.pairs.length) {
    out.push('  most frequent disagreements (newest writer -> engine):');
    for (const p of rc.pairs.slice(0, L)) out.push(`    ${String(p.count).padStart(6)}  ${p.truth} -> ${p.engine}`);
    out.push(`  examples:`);
    for (const d of rc.disagreements.slice(0, Math.min(L, 10))) out.push(`    ${d.file}: ${d.truth} -> ${d.engine}`);
  }
  out.push('');

  const cs = r.consumer;
  out.push('3. Consumer mailboxes (Outlook.com tenant / Gmail to @gmail.com): connector and gateway advice (target 0)');
  out.push(`  ${cs.messages} consumer messages (Exchange Online ${cs.exchangeOnline}, Gmail ${cs.gmail}); engine calls them consumer: yes ${cs.engineSaysConsumer.yes}, no ${cs.engineSaysConsumer.no}, not said ${cs.engineSaysConsumer.notSaid}`);
  out.push(`  messages with any of these: ${cs.messagesFlagged}`);
  const flaggedRows = [...Object.entries(cs.findings).map(([k, v]) => [k, v]), ...Object.entries(cs.remedies).map(([k, v]) => [`remedy kind ${k}`, v])];
  if (flaggedRows.length) out.push(...table(['finding / remedy', 'messages'], flaggedRows, [false, true]));
  for (const e of cs.examples.slice(0, Math.min(L, 10))) out.push(`    ${e.file}: ${e.flagged.join(', ')}`);
  out.push('');

  out.push('4. Vendor-labelled hops (side of the route as the engine\'s hop roles say)');
  if (!r.vendors.length) out.push('  none');
  else out.push(...table(['vendor', 'hops', 'messages', 'recipient side', '(of it consumer)', 'sender side', 'unknown', 'weak (HELO only)'], r.vendors.map((v) => [v.vendor, v.hops, v.messages, v.recipientSide, v.recipientSideConsumer, v.senderSide, v.unknownSide + v.notSaid, v.weak]), [false, true, true, true, true, true, true, true]));
  out.push('');

  out.push('5. Unparsed share by source folder');
  out.push(...table(['source', 'messages', 'unparsed-header finding', 'received/auth-results unparsed'], r.unparsed.map((u) => [u.source, u.messages, `${u.unparsedHeader} (${pct(u.unparsedHeader, u.messages)})`, `${u.unparsedProblem} (${pct(u.unparsedProblem, u.messages)})`]), [false, true, true, true]));
  out.push('');

  out.push('6. Findings (messages each id fired on)');
  if (!r.findings.length) out.push('  none');
  else out.push(...table(['finding', 'messages', 'rate'], r.findings.map((f) => [f.id, f.messages, pct(f.messages, m.ok)]), [false, true, true]));
  out.push('');

  out.push(`Crashes and timeouts: ${r.failures.length}`);
  for (const f of r.failures.slice(0, 50)) out.push(`  ${f.status.padEnd(7)} ${f.file} (${f.ms} ms): ${f.error ?? ''}`);
  if (r.slowest.length) out.push(`Slowest: ${r.slowest.map((s) => `${s.file} ${s.ms} ms`).join('; ')}`);
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Samples for checking precision by hand

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Up to n example files per finding id, picked at random (reservoir sampling, seeded). */
export function sampleFindings(results: MessageResult[], n: number, seed: number): Map<string, string[]> {
  const rand = rng(seed);
  const seen = new Map<string, number>();
  const picks = new Map<string, string[]>();
  for (const m of results) {
    for (const id of m.findings ?? []) {
      const k = (seen.get(id) ?? 0) + 1;
      seen.set(id, k);
      const arr = picks.get(id) ?? [];
      if (arr.length < n) arr.push(m.file);
      else {
        const j = Math.floor(rand() * k);
        if (j < n) arr[j] = m.file;
      }
      picks.set(id, arr);
    }
  }
  return new Map([...picks].sort((a, b) => a[0].localeCompare(b[0])));
}
