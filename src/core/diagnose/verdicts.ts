// The receiver's own verdicts as opposed to the claims written further down, and what the receiver evaluated SPF on.
import type { Analysis, AuthResult, AuthResultsHeader, AuthStamp, Evidence } from '../types';
import { normalizeIp } from '../net/ip';
import { fieldEvidence, quote, stampEvidence } from './evidence';
import { hasRelays } from './route';

const AR_KINDS = new Set<AuthStamp['kind']>([
  'authentication-results',
  'x-ms-exchange-authentication-results',
  'arc-authentication-results',
  'authentication-results-original',
]);

export interface StampedResults {
  stamp: AuthStamp;
  parsed: AuthResultsHeader;
}

function parsedFor(a: Analysis, s: AuthStamp): AuthResultsHeader | undefined {
  return a.authResults.find((r) => r.fieldIndex === s.fieldIndex)?.parsed;
}

/**
 * The receiving system's own (Authentication-Results family) verdicts, most authoritative first:
 * Authentication-Results, then X-MS-Exchange-Authentication-Results, then the receiver's ARC-A-R
 * (highest instance first); within a kind the topmost field first.
 */
export function receiverVerdicts(a: Analysis): StampedResults[] {
  const rank: Partial<Record<AuthStamp['kind'], number>> = {
    'authentication-results': 0,
    'x-ms-exchange-authentication-results': 1,
    'arc-authentication-results': 2,
  };
  const out: StampedResults[] = [];
  for (const s of a.stamps) {
    if (s.trust !== 'verdict' || rank[s.kind] === undefined) continue;
    const parsed = parsedFor(a, s);
    if (parsed) out.push({ stamp: s, parsed });
  }
  return out.sort(
    (x, y) =>
      (rank[x.stamp.kind] ?? 9) - (rank[y.stamp.kind] ?? 9) ||
      (y.stamp.instance ?? 0) - (x.stamp.instance ?? 0) ||
      x.stamp.fieldIndex - y.stamp.fieldIndex,
  );
}

/** The receiver's result(s) for a method, from the most authoritative verdict that has one. */
export function verdictResults(a: Analysis, method: string): { results: AuthResult[]; from: StampedResults } | null {
  for (const v of receiverVerdicts(a)) {
    const rs = v.parsed.results.filter((r) => r.method === method);
    if (rs.length) return { results: rs, from: v };
  }
  return null;
}

export function verdictResult(a: Analysis, method: string): { result: AuthResult; from: StampedResults } | null {
  const v = verdictResults(a, method);
  return v ? { result: v.results[0], from: v.from } : null;
}

/** Authentication-Results-family claims written by the relays in front of the receiver. */
export function gatewayClaims(a: Analysis): StampedResults[] {
  const relayHops = new Set(a.boundary.relayHopIndexes);
  const out: StampedResults[] = [];
  for (const s of a.stamps) {
    if (s.trust !== 'claim' || !AR_KINDS.has(s.kind)) continue;
    const byRelay = s.hopIndex !== null && relayHops.has(s.hopIndex);
    const renamedAtEntry = s.kind === 'authentication-results-original' && s.hopIndex !== null && s.hopIndex === a.boundary.entryHopIndex && hasRelays(a);
    if (!byRelay && !renamedAtEntry) continue;
    const parsed = parsedFor(a, s);
    if (parsed) out.push({ stamp: s, parsed });
  }
  return out.sort((x, y) => x.stamp.fieldIndex - y.stamp.fieldIndex);
}

export function commentsText(r: AuthResult): string {
  return r.comments.join(' ').toLowerCase();
}

/** The first IP address written in a piece of text (comments like "sender IP is 192.0.2.1"). */
export function firstIpIn(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const t = text.length > 2000 ? text.slice(0, 2000) : text;
  let token = '';
  const flush = (): string | undefined => {
    let s = token;
    token = '';
    while (s.endsWith('.') || s.endsWith(':')) s = s.slice(0, -1);
    if (s.length < 3 || s.length > 64) return undefined;
    return normalizeIp(s);
  };
  for (const ch of t) {
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n' || ch === '(' || ch === ')' || ch === '[' || ch === ']' || ch === ',' || ch === ';' || ch === '=' || ch === '"' || ch === "'") {
      const ip = flush();
      if (ip) return ip;
    } else token += ch;
  }
  return flush();
}

export function domainOfAddress(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const at = s.lastIndexOf('@');
  const d = (at >= 0 ? s.slice(at + 1) : s).trim().replace(/^<|>$/g, '').replace(/\.$/, '').toLowerCase();
  return d && d.length <= 253 && /^[a-z0-9._-]+$/.test(d) ? d : undefined;
}

/** True when one domain is the other or a subdomain of it (relaxed alignment, approximately). */
export function sameOrgDomain(x: string | undefined, y: string | undefined): boolean {
  if (!x || !y) return false;
  const a = x.toLowerCase().replace(/\.$/, '');
  const b = y.toLowerCase().replace(/\.$/, '');
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

export interface SpfEvaluation {
  /** The address SPF was checked against, as the receiver recorded it. */
  ip?: string;
  /** Lower-case SPF result at the receiver, when it recorded one. */
  result?: string;
  /** The domain SPF was checked for (smtp.mailfrom / envelope-from). */
  domain?: string;
  /** Where the IP came from. */
  source?: 'authentication-results' | 'received-spf' | 'cip';
  evidence: Evidence[];
}

/**
 * What the receiver evaluated SPF on: the IP named in its own spf result ("sender IP is X",
 * "designates X"), else its Received-SPF client-ip, else EOP's CIP.
 */
export function spfEvaluation(a: Analysis): SpfEvaluation {
  const out: SpfEvaluation = { evidence: [] };
  const v = verdictResult(a, 'spf');
  if (v) {
    out.result = v.result.result;
    out.domain = domainOfAddress(v.result.props['smtp.mailfrom']) ?? domainOfAddress(v.result.props['smtp.helo']);
    const ip = firstIpIn(v.result.comments.join(' ')) ?? normalizeIp(v.result.props['smtp.remote-ip']) ?? normalizeIp(v.result.props['smtp.client-ip']);
    const ev = stampEvidence(a, v.from.stamp, `spf=${v.result.result}${ip ? ` on ${ip}` : ''}`);
    if (ev) out.evidence.push(ev);
    if (ip) {
      out.ip = ip;
      out.source = 'authentication-results';
    }
  }
  const rs = a.stamps.find((s) => s.kind === 'received-spf' && s.trust === 'verdict');
  if (rs) {
    const parsed = a.receivedSpf.find((r) => r.fieldIndex === rs.fieldIndex)?.parsed;
    if (parsed) {
      if (!out.result && parsed.result) out.result = parsed.result.toLowerCase();
      if (!out.domain) out.domain = domainOfAddress(parsed.envelopeFrom) ?? domainOfAddress(parsed.props['smtp.mailfrom']);
      const ip = parsed.clientIp ?? firstIpIn(parsed.comment);
      if (!out.ip && ip) {
        out.ip = ip;
        out.source = 'received-spf';
      }
      if (ip || !v) {
        const ev = stampEvidence(a, rs, `Received-SPF ${parsed.result}${ip ? ` client-ip=${ip}` : ''}`);
        if (ev) out.evidence.push(ev);
      }
    }
  }
  const ff = a.microsoft?.forefront;
  if (a.boundary.receiver === 'exchange-online' && ff && !ff.untrusted && ff.cip) {
    if (!out.ip) {
      out.ip = ff.cip;
      out.source = 'cip';
    }
    if (out.ip === ff.cip) {
      const ev = fieldEvidence(a, ff.fieldIndex, `CIP:${ff.cip}`);
      if (ev) out.evidence.push(ev);
    }
  }
  return out;
}

const BAD_SPF = new Set(['fail', 'softfail']);

export function spfFailed(result: string | undefined): boolean {
  return !!result && BAD_SPF.has(result.toLowerCase());
}

/** The receiver's compauth (Exchange Online), with its field. */
export function compauth(a: Analysis): { result: string; reason?: string; meaning?: string; evidence: Evidence | null } | null {
  const ca = a.microsoft?.compauth;
  if (ca) return { result: ca.result.toLowerCase(), reason: ca.reason, meaning: ca.meaning, evidence: fieldEvidence(a, ca.fieldIndex, `compauth=${ca.result}${ca.reason ? ` reason=${ca.reason}` : ''}`) };
  const v = verdictResult(a, 'compauth');
  if (!v) return null;
  return { result: v.result.result, reason: v.result.reason, evidence: stampEvidence(a, v.from.stamp, `compauth=${v.result.result}`) };
}

/** Did the receiver's authentication visibly suffer (SPF fail/softfail, DMARC fail, compauth fail)? */
export function receiverAuthFailed(a: Analysis): boolean {
  const ca = compauth(a);
  if (ca?.result === 'fail') return true;
  const dm = verdictResult(a, 'dmarc');
  if (dm?.result.result === 'fail') return true;
  return spfFailed(spfEvaluation(a).result);
}

/** The SPF check ran on a relay's address, not on the original sender's. */
export function spfOnRelay(a: Analysis): SpfEvaluation | null {
  if (!hasRelays(a)) return null;
  const spf = spfEvaluation(a);
  if (!spf.ip) return null;
  const b = a.boundary;
  if (b.originalSenderIp && spf.ip === b.originalSenderIp) return null;
  const relayHopIps = b.relayHopIndexes.map((i) => a.hops[i]?.from.ip).filter((x): x is string => !!x);
  if (b.relayIps.includes(spf.ip) || spf.ip === b.connectingIp || relayHopIps.includes(spf.ip)) return spf;
  return null;
}

export function stampName(s: AuthStamp): string {
  const kind =
    s.kind === 'authentication-results-original'
      ? 'Authentication-Results-Original'
      : s.kind === 'arc-authentication-results'
        ? `ARC-Authentication-Results i=${s.instance ?? '?'}`
        : s.kind === 'x-ms-exchange-authentication-results'
          ? 'X-MS-Exchange-Authentication-Results'
          : s.kind === 'received-spf'
            ? 'Received-SPF'
            : s.kind === 'authentication-results'
              ? 'Authentication-Results'
              : s.kind;
  return s.writer ? `${kind} by ${quote(s.writer, 60)}` : kind;
}

/** Our own SPF check of the original sender (verification what-if), when it ran. */
export function spfWhatIfOriginal(a: Analysis): { ip: string; result: string } | null {
  const w = a.verification?.spf.find((s) => s.role === 'original-sender');
  return w && w.result ? { ip: w.ip, result: w.result.toLowerCase() } : null;
}
