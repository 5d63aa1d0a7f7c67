/**
 * The facts that need the verification: the recipient domain's MX as relay evidence (only when DNS
 * was allowed), the Enhanced Filtering state, and the one verdict class of the message:
 *
 *   authentic           the receiver's DMARC or composite authentication passed;
 *   broken-in-transit   it failed at the receiver, and something trustworthy shows it passed
 *                       before: an established relay of the recipient found it passing, the
 *                       original sender (as that relay recorded it) passes SPF aligned with From,
 *                       or an authenticated mailing list re-sent it. The break hop is where;
 *   never-authentic     it failed and nothing shows it ever passed: a spoof, or a message whose
 *                       passing checks are for another domain than From (misaligned);
 *   unknown             no verdict of the receiver and no check of our own.
 *
 * Claims written below the entry by anyone else are never the "pass before".
 */
import type { Analysis, AuthResult, AuthResultsHeader, AuthStamp, EfcFacts, Evidence, RelayEvidence, RelayFact, VerdictFacts } from '../types';
import { normalizeIp } from '../net/ip';
import { normalizeHost, vendorByHost } from '../net/kb';
import { describe, skipListing } from './relays';
import { registeredDomain } from './orgs';

const AR_KINDS = new Set<AuthStamp['kind']>(['authentication-results', 'x-ms-exchange-authentication-results', 'arc-authentication-results', 'authentication-results-original']);

function fieldEv(a: Analysis, fieldIndex: number | undefined | null, note: string): Evidence | null {
  if (fieldIndex === undefined || fieldIndex === null) return null;
  const f = a.headers.find((h) => h.index === fieldIndex);
  return f ? { header: f.name || '(line)', fieldIndex: f.index, lines: { ...f.lines }, note } : null;
}

function parsedOf(a: Analysis, s: AuthStamp): AuthResultsHeader | undefined {
  return a.authResults.find((r) => r.fieldIndex === s.fieldIndex)?.parsed;
}

/** The receiver's results for a method, from its most authoritative verdict that has one. */
export function receiverResult(a: Analysis, method: string): { result: AuthResult; stamp: AuthStamp } | null {
  const rank: Partial<Record<AuthStamp['kind'], number>> = { 'authentication-results': 0, 'x-ms-exchange-authentication-results': 1, 'arc-authentication-results': 2 };
  const verdicts = a.stamps
    .filter((s) => s.trust === 'verdict' && rank[s.kind] !== undefined)
    .sort((x, y) => (rank[x.kind] ?? 9) - (rank[y.kind] ?? 9) || (y.instance ?? 0) - (x.instance ?? 0) || x.fieldIndex - y.fieldIndex);
  for (const s of verdicts) {
    const r = parsedOf(a, s)?.results.find((x) => x.method === method);
    if (r) return { result: r, stamp: s };
  }
  return null;
}

const domainOf = (s: string | undefined): string | undefined => {
  if (!s) return undefined;
  const at = s.lastIndexOf('@');
  return normalizeHost((at >= 0 ? s.slice(at + 1) : s).replace(/^<|>$/g, '').trim());
};

/** Relaxed alignment: the same registered domain. */
export function aligned(x: string | undefined, y: string | undefined): boolean {
  if (!x || !y) return false;
  const a = registeredDomain(x) ?? x.toLowerCase();
  const b = registeredDomain(y) ?? y.toLowerCase();
  return a === b;
}

/** What in a set of results shows DMARC passed (or would have): "dmarc=pass", "dkim=pass aligned with …". */
export function dmarcPassIn(results: AuthResult[], from: string | undefined): string | null {
  const dmarc = results.find((r) => r.method === 'dmarc');
  if (dmarc?.result === 'pass') return 'dmarc=pass';
  if (dmarc || !from) return null;
  if (results.some((r) => r.method === 'dkim' && r.result === 'pass' && aligned(domainOf(r.props['header.d'] ?? r.props['header.i']), from))) return `dkim=pass aligned with ${from}`;
  if (results.some((r) => r.method === 'spf' && r.result === 'pass' && aligned(domainOf(r.props['smtp.mailfrom']), from))) return `spf=pass aligned with ${from}`;
  return null;
}

/** Results the established relays of the recipient wrote (their own stamps), oldest first. */
export function relayClaims(a: Analysis): Array<{ stamp: AuthStamp; parsed: AuthResultsHeader }> {
  if (!a.facts.relays.length) return [];
  const relayHops = new Set(a.boundary.relayHopIndexes);
  const out: Array<{ stamp: AuthStamp; parsed: AuthResultsHeader }> = [];
  for (const s of a.stamps) {
    if (s.trust !== 'claim' || !AR_KINDS.has(s.kind)) continue;
    const byRelay = s.hopIndex !== null && relayHops.has(s.hopIndex);
    const renamedAtEntry = s.kind === 'authentication-results-original' && s.hopIndex !== null && s.hopIndex === a.boundary.entryHopIndex;
    if (!byRelay && !renamedAtEntry) continue;
    const parsed = parsedOf(a, s);
    if (parsed) out.push({ stamp: s, parsed });
  }
  return out.sort((x, y) => x.stamp.fieldIndex - y.stamp.fieldIndex);
}

// ---------------------------------------------------------------------------------------------
// MX of the recipient domain

function addMxEvidence(a: Analysis): void {
  const mx = a.verification?.mx ?? [];
  if (!mx.length) return;
  for (const r of a.facts.relays) {
    if (r.evidence.some((y) => y.kind === 'mx')) continue;
    // the closest match first: the MX host is this relay (by name or address), else the same vendor
    let best: { rank: number; domain: string; host: string; how: string } | null = null;
    for (const m of mx) {
      for (const x of m.hosts) {
        const host = normalizeHost(x.exchange);
        if (!host) continue;
        const v = vendorByHost(host);
        const candidates: Array<[number, boolean, string]> = [
          [0, !!r.ip && x.addresses.includes(r.ip), `resolves to ${r.ip}`],
          [1, !!r.host && !r.hostIsHelo && normalizeHost(r.host) === host, 'is this host'],
          [2, !!v && !!r.vendor && r.vendor.id === v.id, `is a ${r.vendor?.name ?? ''} host`],
        ];
        for (const [rank, ok, how] of candidates) {
          if (ok && (!best || rank < best.rank)) best = { rank, domain: m.domain, host, how };
        }
      }
    }
    if (!best) continue;
    r.evidence.push({
      kind: 'mx',
      strength: 'strong',
      detail: `the MX of ${best.domain} (${best.host}) ${best.how}: the recipient's mail is routed through it`,
      source: `DNS (${a.verification?.dnsMode ?? 'recorded'})`,
    });
    r.strength = 'strong';
  }
  // the segments name their relays' strength
  for (const seg of a.facts.segments) {
    if (seg.role !== 'recipient-gateway') continue;
    const r = a.facts.relays.find((x) => x.hopIndex > seg.lastHop) ?? a.facts.relays[a.facts.relays.length - 1];
    if (r) seg.detail = `relay of the recipient (${r.strength === 'strong' ? 'confirmed' : 'not confirmed as the recipient\'s'})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Enhanced Filtering

/** The Enhanced Filtering state, from the receiver's skip-listing headers and the relays. */
export function efcState(a: Analysis): EfcFacts {
  const f = a.facts;
  if (f.receiver.kind !== 'exchange-online') return { state: 'not-applicable', recoveredIp: null, why: 'Enhanced Filtering for Connectors is an Exchange Online feature; this message was delivered by another receiver.', evidence: [] };
  if (f.receiver.consumer) return { state: 'not-applicable', recoveredIp: null, why: 'A consumer mailbox (Outlook.com) has no connectors, so Enhanced Filtering does not apply.', evidence: [] };
  const ms = a.microsoft;
  const entryHop = f.entry.hopIndex !== null ? a.hops[f.entry.hopIndex] : undefined;
  const sk = skipListing(ms, f.entry, entryHop?.from.ip);
  const skip = sk.state === 'applied' || sk.state === 'listed' ? (ms?.externalOriginal ?? ms?.skipListed) : undefined;
  const recoveredIp = normalizeIp(skip?.ip) ?? null;
  const evidence = [fieldEv(a, ms?.externalOriginal?.fieldIndex, 'recovered original sender'), fieldEv(a, ms?.skipListed?.fieldIndex, 'skip-listed')].filter((e): e is Evidence => !!e);
  if (sk.state === 'contradicted' && !f.relays.length) {
    return { state: 'not-applicable', recoveredIp: null, why: `X-MS-Exchange-ExternalOriginalInternetSender names ${sk.recoveredIp ?? 'an address'}, but Exchange Online evaluated the connecting address itself: it did not write that header, which came with the message.`, evidence };
  }
  if (skip) {
    if (recoveredIp && f.relays.some((r) => r.ip === recoveredIp)) {
      return { state: 'incomplete', recoveredIp, why: `Enhanced Filtering recovered ${recoveredIp}, which is itself a relay of the recipient: the skip list misses a hop.`, evidence };
    }
    if (sk.state === 'applied' || (sk.state === 'listed' && ms?.externalOriginal)) return { state: 'active', recoveredIp, why: `Enhanced Filtering is active: Exchange Online recovered the original sender ${recoveredIp ?? '(unreadable)'}.`, evidence };
    return { state: 'recipient-not-in-scope', recoveredIp, why: 'The connection was skip-listed, but Enhanced Filtering was not applied for this recipient (it is limited to some recipients).', evidence };
  }
  if (!f.relays.length) return { state: 'not-applicable', recoveredIp: null, why: 'No relay of the recipient sits in front of Exchange Online, so Enhanced Filtering has nothing to skip.', evidence: [] };
  if (f.nonLinear) return { state: 'not-applicable', recoveredIp: null, why: 'The message passed Exchange Online twice (non-linear routing), which Enhanced Filtering does not support.', evidence: [] };
  return { state: 'off', recoveredIp: null, why: `A relay of the recipient (${describe(f.relays[f.relays.length - 1])}) sits in front of Exchange Online and no skip-listing header shows Enhanced Filtering.`, evidence: [] };
}

// ---------------------------------------------------------------------------------------------
// The verdict class

function verdictOf(a: Analysis): VerdictFacts {
  const f = a.facts;
  const from = a.summary.fromDomain?.toLowerCase();
  const receiver = f.receiver.name ?? 'the receiver';
  const evidence: Evidence[] = [];
  const reasons: string[] = [];
  const out = (v: Omit<VerdictFacts, 'evidence' | 'reasons'>): VerdictFacts => ({ ...v, reasons, evidence });

  const dmarc = receiverResult(a, 'dmarc');
  const ca = a.microsoft?.compauth;
  const compauth = ca ? { result: ca.result.toLowerCase(), reason: ca.reason } : receiverResult(a, 'compauth') ? { result: receiverResult(a, 'compauth')!.result.result, reason: receiverResult(a, 'compauth')!.result.reason } : null;
  if (dmarc) evidence.push(fieldEv(a, dmarc.stamp.fieldIndex, `dmarc=${dmarc.result.result}`)!);
  if (ca) evidence.push(fieldEv(a, ca.fieldIndex, `compauth=${ca.result}${ca.reason ? ` reason=${ca.reason}` : ''}`)!);

  let passed = dmarc?.result.result === 'pass' || compauth?.result === 'pass' || compauth?.result === 'softpass';
  let failed = !passed && (dmarc?.result.result === 'fail' || compauth?.result === 'fail');
  let judge = receiver;
  if (!dmarc && !compauth) {
    const ours = a.verification?.dmarc?.result;
    if (ours === 'pass' || ours === 'fail') {
      passed = ours === 'pass';
      failed = ours === 'fail';
      judge = 'our re-verification';
    }
  }
  if (passed) {
    const what = dmarc?.result.result === 'pass' ? `DMARC passed${from ? ` for ${from}` : ''}` : compauth ? `composite authentication passed (compauth=${compauth.result}${compauth.reason ? ` reason=${compauth.reason}` : ''})` : 'DMARC passed';
    return out({ class: 'authentic', kind: null, summary: `Authentic: ${judge === receiver ? `${receiver}'s` : 'our'} ${what}.`, breakHopIndex: null, brokenBy: null });
  }
  if (!failed) {
    const why = dmarc || compauth ? `${receiver} neither passed nor failed the From domain (${[dmarc ? `dmarc=${dmarc.result.result}` : '', compauth ? `compauth=${compauth.result}` : ''].filter(Boolean).join(', ')})` : `${receiver} left no verdict of its own${a.verification ? ' and our check could not decide' : ''}`;
    return out({ class: 'unknown', kind: null, summary: `Unknown: ${why}.`, breakHopIndex: null, brokenBy: null });
  }

  // ---- failed: was it authentic before?
  const relays = f.relays;
  const lastRelay = relays[relays.length - 1];
  if (relays.length) {
    for (const c of relayClaims(a)) {
      const what = dmarcPassIn(c.parsed.results, from);
      if (!what) continue;
      const e = fieldEv(a, c.stamp.fieldIndex, `${what} at the relay`);
      if (e) evidence.push(e);
      reasons.push(`${describe(lastRelay)} found ${what} (${c.parsed.authservId ?? 'its results'}) before handing the message on.`);
      const hop = c.stamp.hopIndex ?? lastRelay.hopIndex;
      return out({
        class: 'broken-in-transit',
        kind: null,
        summary: `Authentic when ${describe(lastRelay)} received it (${what}), broken in transit before ${receiver} checked it.`,
        breakHopIndex: hop,
        brokenBy: describe(lastRelay),
      });
    }
    const w = a.verification?.spf.find((s) => s.role === 'original-sender');
    const mailFrom = domainOf(a.summary.returnPath);
    if (w && w.result.toLowerCase() === 'pass' && aligned(mailFrom, from)) {
      reasons.push(`The original sender ${w.ip}, as the relays recorded it, passes SPF for ${mailFrom}, aligned with From.`);
      return out({
        class: 'broken-in-transit',
        kind: null,
        summary: `Authentic from the original sender ${w.ip} (SPF passes for ${mailFrom}), broken in transit: ${receiver} judged ${describe(lastRelay)} instead.`,
        breakHopIndex: a.boundary.entryHopIndex,
        brokenBy: describe(lastRelay),
      });
    }
  }
  // an authenticated mailing list or forwarder re-sent it: its changes explain the author's failure
  for (const x of f.intermediaries) {
    const dkim = receiverResult(a, 'dkim');
    const verdict = a.stamps.filter((s) => s.trust === 'verdict').map((s) => parsedOf(a, s)).filter((p): p is AuthResultsHeader => !!p);
    const listDomain = x.hopIndex !== null ? a.hops[x.hopIndex].writer?.name : undefined;
    const passedFor = verdict
      .flatMap((p) => p.results)
      .find((r) => (r.method === 'dkim' || r.method === 'arc') && r.result === 'pass' && (r.method === 'arc' || aligned(domainOf(r.props['header.d'] ?? r.props['header.i']), listDomain)));
    void dkim;
    if (!passedFor) continue;
    reasons.push(`${receiver} verified ${x.detail} (${passedFor.method}=pass): the changes it made explain the author's failing checks.`);
    return out({
      class: 'broken-in-transit',
      kind: null,
      summary: `Re-sent by ${x.name}, which ${receiver} authenticated; the ${x.kind === 'mailing-list' ? 'list' : 'forwarder'} changed the message, so the author's checks fail (expected).`,
      breakHopIndex: x.hopIndex,
      brokenBy: x.name,
    });
  }
  // the receiver judged a relay of the recipient or an intermediary, not the sender: without the
  // checks that need DNS (the original sender's SPF, the signatures' keys) we cannot say it never passed
  const dnsChecked = a.verification?.dnsMode === 'recorded' || a.verification?.dnsMode === 'live';
  if ((relays.length && !dnsChecked) || f.intermediaries.length) {
    const via = relays.length ? describe(lastRelay) : f.intermediaries[0].detail;
    reasons.push(`${receiver} judged ${via}, not the original sender; ${relays.length ? 'checking the original sender needs DNS (recorded or live)' : 'nothing authenticated the intermediary'}.`);
    return out({
      class: 'unknown',
      kind: null,
      summary: `Unknown: ${receiver}'s checks failed on ${via}; whether the message was authentic before it ${relays.length ? 'needs a check with DNS (recorded or live)' : 'cannot be told from the message'}.`,
      breakHopIndex: null,
      brokenBy: null,
    });
  }
  // never authentic: spoofed or misaligned
  const spf = receiverResult(a, 'spf');
  const dkims = receiverResultsAll(a, 'dkim');
  const spfFor = domainOf(spf?.result.props['smtp.mailfrom']) ?? domainOf(a.summary.returnPath);
  const dkimPassOther = dkims.find((r) => r.result === 'pass' && !aligned(domainOf(r.props['header.d']), from));
  const spfPassOther = spf?.result.result === 'pass' && spfFor && !aligned(spfFor, from);
  if (dkimPassOther || spfPassOther) {
    const parts = [spfPassOther ? `SPF passed for ${spfFor}` : '', dkimPassOther ? `DKIM passed for ${domainOf(dkimPassOther.props['header.d']) ?? '?'}` : ''].filter(Boolean);
    reasons.push(`${parts.join(' and ')}, not for the From domain ${from ?? '?'}.`);
    return out({ class: 'never-authentic', kind: 'misaligned', summary: `Never authentic for ${from ?? 'the From domain'}: ${parts.join(' and ')}, which is not aligned with From.`, breakHopIndex: null, brokenBy: null });
  }
  const seen = [spf ? `spf=${spf.result.result}` : '', dkims.length ? `dkim=${dkims.map((r) => r.result).join('/')}` : '', dmarc ? `dmarc=${dmarc.result.result}` : '', compauth ? `compauth=${compauth.result}` : ''].filter(Boolean).join(', ');
  reasons.push(`Nothing trustworthy shows the message passed for ${from ?? 'its From domain'} anywhere on its route.`);
  return out({ class: 'never-authentic', kind: 'spoof', summary: `Never authentic: nothing authenticated ${from ?? 'the From domain'} (${seen || `failed at ${judge}`}).`, breakHopIndex: null, brokenBy: null });
}

function receiverResultsAll(a: Analysis, method: string): AuthResult[] {
  const r = receiverResult(a, method);
  if (!r) return [];
  return parsedOf(a, r.stamp)?.results.filter((x) => x.method === method) ?? [r.result];
}

/** Adds what only verification can decide to analysis.facts (idempotent). */
export function concludeFacts(a: Analysis): void {
  addMxEvidence(a);
  a.facts.efc = efcState(a);
  a.facts.verdict = verdictOf(a);
}

export type { RelayFact };
