/**
 * Helpers shared by the rules: evidence from header fields and stamps, the receiver's own verdicts
 * (as opposed to claims written further down), the IP the receiver evaluated SPF on, the relays in
 * front of the receiver, the receiving organisation's domains.
 *
 * Everything here reads the Analysis only. Header text is attacker-controlled: messages quote it
 * through `quote()` (printable, length-bounded), and nothing is ever built into code from it.
 */
import type {
  Analysis,
  AuthResult,
  AuthResultsHeader,
  AuthStamp,
  Evidence,
  Finding,
  Hop,
  Severity,
} from '../types';
import { isPublicIp, isPrivateOrLoopback, normalizeIp } from '../net/ip';
import { lookupProviderByHost, lookupProviderByIp, vendorByArcSealer, vendorInfo } from '../net/kb';
import type { DiagnoseOptions } from './rule';
import { displayText } from '../present/text';
import { shortVendorName } from '../present/vendors';

// ---------------------------------------------------------------------------------------------
// Findings and evidence

export function makeFinding(
  id: string,
  severity: Severity,
  message: string,
  hopIndex: number | null,
  evidence: Array<Evidence | null | undefined>,
  remedies: string[] = [],
): Finding {
  return {
    id,
    severity,
    message: sentenceCase(message),
    hopIndex,
    evidence: dedupeEvidence(evidence),
    explanation: id,
    remedies: [...new Set(remedies)],
  };
}

/**
 * The message with a capital first letter, unless it starts with a host name, an address or a
 * header value (those are quoted as written: "mx.google.com", never "Mx.google.com").
 */
export function sentenceCase(message: string): string {
  const first = /^\S+/.exec(message)?.[0] ?? '';
  if (/[.:@=]/.test(first.replace(/[.,;:]$/, ''))) return message;
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/** Drop nulls and repeated fields (the first note wins), keep the order of first appearance. */
export function dedupeEvidence(list: Array<Evidence | null | undefined>): Evidence[] {
  const out: Evidence[] = [];
  const seen = new Set<number>();
  for (const e of list) {
    if (!e || seen.has(e.fieldIndex)) continue;
    seen.add(e.fieldIndex);
    out.push(e);
  }
  return out.sort((a, b) => a.lines.startLine - b.lines.startLine);
}

/** Evidence for the header field at `fieldIndex` (its name and line range as split). */
export function fieldEvidence(a: Analysis, fieldIndex: number | undefined | null, note?: string): Evidence | null {
  if (fieldIndex === undefined || fieldIndex === null) return null;
  const f = a.headers[fieldIndex]?.index === fieldIndex ? a.headers[fieldIndex] : a.headers.find((h) => h.index === fieldIndex);
  if (!f) return null;
  const e: Evidence = { header: f.name || '(line)', fieldIndex: f.index, lines: { ...f.lines } };
  if (note) e.note = note;
  return e;
}

export function hopEvidence(a: Analysis, hopIndex: number | null | undefined, note?: string): Evidence | null {
  if (hopIndex === null || hopIndex === undefined) return null;
  const h = a.hops[hopIndex];
  return h ? fieldEvidence(a, h.fieldIndex, note) : null;
}

export function stampEvidence(a: Analysis, s: AuthStamp | null | undefined, note?: string): Evidence | null {
  return s ? fieldEvidence(a, s.fieldIndex, note) : null;
}

/** Evidence for the first header field with this (lower-case) name. */
export function headerEvidence(a: Analysis, key: string, note?: string): Evidence | null {
  const f = a.headers.find((h) => h.key === key && !h.invalid);
  return f ? fieldEvidence(a, f.index, note) : null;
}

export function forefrontEvidence(a: Analysis, note?: string): Evidence | null {
  const ff = a.microsoft?.forefront;
  return ff && !ff.untrusted ? fieldEvidence(a, ff.fieldIndex, note) : null;
}

/** Header text made safe to quote in a message: control and bidi characters become spaces, whitespace collapsed, length bounded. */
export function quote(text: string | undefined | null, max = 80): string {
  return displayText(text, { max, unsafe: 'space' });
}

// ---------------------------------------------------------------------------------------------
// Verdicts and claims

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

// ---------------------------------------------------------------------------------------------
// Route

export function hasRelays(a: Analysis): boolean {
  return a.boundary.relayHopIndexes.length > 0 || a.boundary.relayIps.length > 0;
}

export function entryHop(a: Analysis): Hop | null {
  const i = a.boundary.entryHopIndex;
  return i !== null && a.hops[i] ? a.hops[i] : null;
}

/** The newest hop written by a relay in front of the receiver (where it handed the message on). */
export function lastRelayHop(a: Analysis): Hop | null {
  const r = a.boundary.relayHopIndexes;
  return r.length ? a.hops[r[r.length - 1]] ?? null : null;
}

/** The vendor of the relays in front of the receiver, when one was recognised. */
export function relayVendor(a: Analysis): { id: string; name: string } | null {
  const order = [a.boundary.entryHopIndex, ...[...a.boundary.relayHopIndexes].reverse()];
  for (const i of order) {
    if (i === null) continue;
    const v = a.hops[i]?.vendor;
    if (v && v.confidence === 'strong') return { id: v.id, name: shortVendorName(v.name) };
  }
  return null;
}

/** Host text for the sending side of a hop: "rdns [ip]" / "helo [ip]". */
export function fromLabel(h: Hop | null | undefined): string {
  if (!h) return 'an unknown host';
  const name = quote(h.from.rdns ?? h.from.helo, 100);
  if (name && h.from.ip) return `${name} [${h.from.ip}]`;
  return name || (h.from.ip ? `[${h.from.ip}]` : 'an unknown host');
}

/** "the Proofpoint gateway mx0b-….pphosted.com [148.163.138.245]" / "the relay relay.example [ip]". */
export function relayLabel(a: Analysis, withIp = true): string {
  const v = relayVendor(a);
  const e = entryHop(a);
  const name = e ? quote(e.from.rdns ?? e.from.helo, 100) : '';
  const host = withIp ? (e ? fromLabel(e) : a.boundary.connectingIp ? `[${a.boundary.connectingIp}]` : 'an unknown host') : name || 'host';
  return v ? `the ${v.name} gateway ${host}` : `the relay ${host}`;
}

export function receiverLabel(a: Analysis): string {
  return a.boundary.receiverName ?? (a.boundary.receiver === 'gmail' ? 'Gmail' : a.boundary.receiver === 'exchange-online' ? 'Exchange Online' : 'the receiver');
}

/** Hops (oldest first) whose sending side is a Microsoft 365 host or address. */
export function fromMicrosoft(h: Hop): boolean {
  for (const n of [h.from.rdns, h.from.helo]) {
    if (n && lookupProviderByHost(n)?.id === 'microsoft365') return true;
  }
  return !!h.from.ip && lookupProviderByIp(h.from.ip)?.id === 'microsoft365';
}

export function isPrivateAddress(ip: string | null | undefined): boolean {
  return !!ip && !isPublicIp(ip) && isPrivateOrLoopback(ip);
}

// ---------------------------------------------------------------------------------------------
// The receiving organisation

/**
 * The receiving organisation's domains, as the facts step found them: the settings, else the
 * accepted domains the tenant itself named. Never guessed from the message's To or From.
 */
export function ownDomains(a: Analysis, _options?: DiagnoseOptions): string[] {
  return a.facts?.ownDomains?.domains ?? [];
}

/** A consumer mailbox (Outlook.com, gmail.com): no connectors, no gateway of its own. */
export function isConsumer(a: Analysis): boolean {
  return a.facts?.receiver?.consumer === true;
}

/** The From domain (lower-case), when there is one. */
export function fromDomain(a: Analysis): string | undefined {
  return a.summary.fromDomain?.toLowerCase();
}

/**
 * The From domain belongs to the receiving organisation: it is one of the organisation's known
 * domains (settings, or the accepted domains the tenant named), or Exchange Online authenticated
 * the sender as Internal and the originating organisation is that domain.
 */
export function fromIsOwnDomain(a: Analysis, options: DiagnoseOptions): boolean {
  const fd = fromDomain(a);
  if (!fd) return false;
  if (ownDomains(a, options).some((d) => sameOrgDomain(d, fd))) return true;
  const ms = a.microsoft;
  return !!ms && ms.org.authAs?.toLowerCase() === 'internal' && sameOrgDomain(ms.originatorOrg, fd);
}

/** Exchange Online treated the message as internal to the organisation (intra-org / originating). */
export function isIntraOrg(a: Analysis): boolean {
  const ms = a.microsoft;
  if (!ms) return false;
  const sfv = ms.forefront && !ms.forefront.untrusted ? ms.forefront.sfv?.toUpperCase() : undefined;
  const dir = ms.forefront && !ms.forefront.untrusted ? ms.forefront.dir?.toUpperCase() : undefined;
  return sfv === 'SKI' || dir === 'INT' || dir === 'OUT' || ms.org.directionality?.toLowerCase() === 'originating';
}

const BAD_SPF = new Set(['fail', 'softfail']);

export function spfFailed(result: string | undefined): boolean {
  return !!result && BAD_SPF.has(result.toLowerCase());
}

/**
 * An application, device or internal server of the receiving organisation relayed this message
 * (Microsoft Learn, "How to set up a multifunction device or application to send email using Microsoft 365 or Office 365"): the From domain is the organisation's own, the receiver's SPF failed on the address
 * that connected, and something shows the sender is the organisation's own system rather than an
 * outsider spoofing the domain: Exchange Online authenticated it as Internal, the route starts at a
 * private address, the connecting host is named under the organisation's domain, or the host
 * introduced itself with a bare machine name or address literal (printers, scanners and
 * applications do; internet mail servers use their DNS name).
 */
export function deviceRelay(a: Analysis, options: DiagnoseOptions): { ip: string; domain: string; spf: SpfEvaluation; why: string } | null {
  if (isConsumer(a) || !fromIsOwnDomain(a, options)) return null;
  const spf = spfEvaluation(a);
  if (!spf.ip || !spfFailed(spf.result)) return null;
  const prov = lookupProviderByIp(spf.ip)?.id;
  if (prov === 'microsoft365' || prov === 'google') return null;
  const entry = a.boundary.entryHopIndex;
  const ms = a.microsoft;
  const own = ownDomains(a, options);
  let why: string | null = null;
  if (ms?.org.authAs?.toLowerCase() === 'internal') why = 'Exchange Online authenticated the sender as Internal (X-MS-Exchange-Organization-AuthAs)';
  if (!why && entry !== null) {
    for (let i = entry - 1; i >= 0; i--) {
      const h = a.hops[i];
      if (isPrivateAddress(h.from.ip)) {
        why = `the message started at ${fromLabel(h)}, a private address inside the network`;
        break;
      }
    }
  }
  const e = entry !== null ? a.hops[entry] : null;
  if (!why && e) {
    const ptr = a.microsoft?.forefront && !a.microsoft.forefront.untrusted && a.microsoft.forefront.cip === e.from.ip ? a.microsoft.forefront.ptr : undefined;
    const n = e.from.rdns ?? (ptr && ptr !== 'InfoDomainNonexistent' ? ptr : undefined);
    if (n && hostUnderDomains(n, own)) why = `the connecting host ${quote(n, 80)} belongs to the organisation`;
  }
  if (!why && e && e.from.helo) {
    const helo = e.from.helo.trim();
    if (helo.startsWith('[') || (!helo.includes('.') && /^[A-Za-z0-9_-]{1,63}$/.test(helo))) {
      why = `the sending host introduced itself as "${quote(helo, 60)}", a machine name or address rather than an internet mail server's DNS name, as printers, scanners and applications do`;
    }
  }
  if (!why) return null;
  if (nonLinearRoute(a, options)) return null;
  return { ip: spf.ip, domain: spf.domain ?? fromDomain(a) ?? '', spf, why };
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

export function slowHopMs(options: DiagnoseOptions): number {
  const v = options.slowHopMs;
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 15 * 60 * 1000;
}

/** Remedies for "the relay's address was judged instead of the sender's", by receiver. */
export function relayRemedies(a: Analysis): string[] {
  if (a.boundary.receiver === 'gmail') return ['gmail-inbound-gateway'];
  if (a.boundary.receiver === 'exchange-online') {
    const ms = a.microsoft;
    if (ms?.skipListed && !ms.externalOriginal) return ['efc-pilot-users'];
    return ['efc-skip-ips', 'efc-skip-last-ip'];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// DKIM

/** The signing domain a dkim result talks about (header.d, else the domain of header.i). */
export function dkimResultDomain(r: AuthResult): string | undefined {
  return domainOfAddress(r.props['header.d']) ?? domainOfAddress(r.props['header.i']);
}

export function dkimResultMatches(r: AuthResult, domain: string | undefined, selector: string | undefined): boolean {
  const d = dkimResultDomain(r);
  if (!domain || !d || d !== domain.toLowerCase()) return false;
  const s = r.props['header.s'];
  return !s || !selector || s.toLowerCase() === selector.toLowerCase();
}

export function isBodyHashComment(text: string): boolean {
  const t = text.toLowerCase();
  return t.includes('body hash') || t.includes('bad body') || t.includes('bodyhash');
}

export function isHeaderSigComment(text: string): boolean {
  const t = text.toLowerCase();
  return (t.includes('signature did not verify') || t.includes('signature verification failed') || t.includes('bad signature') || t.includes('signature is invalid')) && !isBodyHashComment(t);
}

/** DKIM-Signature field of a given domain/selector. */
export function dkimSignatureField(a: Analysis, domain: string | undefined, selector: string | undefined): number | undefined {
  if (!domain) return undefined;
  const d = domain.toLowerCase();
  const sig =
    a.dkimSignatures.find((s) => s.domain?.toLowerCase() === d && (!selector || s.selector?.toLowerCase() === selector.toLowerCase())) ??
    a.dkimSignatures.find((s) => s.domain?.toLowerCase() === d);
  return sig?.fieldIndex;
}

/** Did any DKIM signature aligned with the From domain pass at the receiver? */
export function alignedDkimPassAtReceiver(a: Analysis, except?: { domain?: string; selector?: string }): string | null {
  const fd = fromDomain(a);
  const v = verdictResults(a, 'dkim');
  if (!v || !fd) return null;
  for (const r of v.results) {
    if (r.result !== 'pass') continue;
    const d = dkimResultDomain(r);
    if (!d || !sameOrgDomain(d, fd)) continue;
    if (except && except.domain && dkimResultMatches(r, except.domain, except.selector)) continue;
    return d;
  }
  return null;
}

/**
 * Where a DKIM signature was still good: a gateway's claim (Authentication-Results-Original,
 * the gateway's own A-R or ARC-Authentication-Results) that reports dkim=pass for it. The change
 * then happened between that gateway and the receiver.
 */
export function dkimPassedEarlier(a: Analysis, domain: string | undefined, selector: string | undefined): StampedResults | null {
  for (const c of gatewayClaims(a)) {
    if (c.parsed.results.some((r) => r.method === 'dkim' && r.result === 'pass' && dkimResultMatches(r, domain, selector))) return c;
  }
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

/** The likely causes of a body change, from body hints and what the gateway vendor is known to do. */
export function bodyChangeCauses(a: Analysis): string[] {
  const out: string[] = [];
  const hints = a.verification?.bodyHints;
  if (hints) {
    for (const u of hints.rewrittenUrlHosts.slice(0, 3)) {
      const v = u.vendorId ? vendorInfo(u.vendorId) : undefined;
      out.push(`links rewritten to ${quote(u.host, 60)}${v ? ` (${shortVendorName(v.name)} URL rewriting)` : ''}`);
    }
    for (const b of hints.banners.slice(0, 2)) {
      const where = b.position === 'top' ? ' at the top' : b.position === 'bottom' ? ' at the bottom' : '';
      out.push(`a banner added${where}: "${quote(b.text, 60)}"`);
    }
  }
  const star = a.headers.find((h) => h.key === 'x-starscan-version');
  if (star) {
    const m = /banners=([^;\s]{1,60})/i.exec(star.unfolded.slice(0, 500));
    if (m && m[1].replace(/[-,]/g, '') !== '') out.push(`a banner inserted by Broadcom/Symantec Email Security.cloud (X-StarScan-Version banners=${quote(m[1], 40)})`);
  }
  if (!out.length) {
    const v = relayVendor(a);
    const info = v ? vendorInfo(v.id) : undefined;
    if (info) {
      const kinds = new Set(info.modifications.map((m) => m.kind));
      const typical: string[] = [];
      if (kinds.has('url-rewrite')) typical.push(info.urlRewrites.length ? `URL rewriting (${info.urlRewrites.slice(0, 2).map((u) => u.pattern).join(', ')})` : 'URL rewriting');
      if (kinds.has('banner')) typical.push('warning banners');
      if (kinds.has('footer')) typical.push('footers or disclaimers');
      if (kinds.has('attachment-rewrite')) typical.push('attachment rewriting');
      if (typical.length) out.push(`typical ${shortVendorName(info.name)} changes: ${typical.join(', ')}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// ARC

/** The ARC set sealed by the relays in front of the receiver (highest instance), if any. */
export function gatewayArcSet(a: Analysis): { set: Analysis['arcSets'][number]; sealStamp: AuthStamp | undefined } | null {
  if (!hasRelays(a)) return null;
  const relayHops = new Set(a.boundary.relayHopIndexes);
  const rv = relayVendor(a);
  const receiverSealer = a.boundary.receiver === 'exchange-online' ? 'microsoft.com' : a.boundary.receiver === 'gmail' ? 'google.com' : null;
  const sets = [...a.arcSets].sort((x, y) => y.instance - x.instance);
  for (const set of sets) {
    const d = set.seal?.domain?.toLowerCase();
    if (!set.seal || !d || d === receiverSealer) continue;
    const stamp = a.stamps.find((s) => s.kind === 'arc-seal' && s.fieldIndex === set.seal!.fieldIndex);
    const byHop = stamp?.hopIndex !== null && stamp?.hopIndex !== undefined && relayHops.has(stamp.hopIndex);
    const byVendor = !!rv && vendorByArcSealer(d)?.id === rv.id;
    if (byHop || byVendor) return { set, sealStamp: stamp };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Non-linear routing (Microsoft 365 → elsewhere → Microsoft 365)

export function hostUnderDomains(host: string | undefined, domains: string[]): boolean {
  if (!host) return false;
  const h = host.toLowerCase().replace(/\.$/, '');
  return domains.some((d) => h === d || h.endsWith(`.${d}`));
}

export interface NonLinearRoute {
  /** The older hop where Microsoft 365 first took the message from outside. */
  firstEntryHopIndex: number;
  /** The first hop outside Microsoft 365 after that (the message left the service). */
  leftHopIndex: number;
  /** The hop where it came back (the receiver's entry). */
  backHopIndex: number;
  outsideHost: string;
}

/** The non-linear route the facts step found (Exchange Online → on-premises → the same tenant). */
export function nonLinearRoute(a: Analysis, _options?: DiagnoseOptions): NonLinearRoute | null {
  const nl = a.facts?.nonLinear;
  return nl ? { firstEntryHopIndex: nl.firstEntryHopIndex, leftHopIndex: nl.leftHopIndex, backHopIndex: nl.backHopIndex, outsideHost: nl.outsideHost } : null;
}

// ---------------------------------------------------------------------------------------------
// DMARC at the gateway

/** What in a gateway's results shows DMARC would have passed there. */
export function dmarcPassIn(c: StampedResults, from: string | undefined): string | null {
  const rs = c.parsed.results;
  const dmarc = rs.find((r) => r.method === 'dmarc');
  if (dmarc?.result === 'pass') return 'dmarc=pass';
  if (dmarc || !from) return null;
  const aligned = (r: AuthResult, d: string | undefined) => r.result === 'pass' && !!d && sameOrgDomain(d, from);
  if (rs.some((r) => r.method === 'dkim' && aligned(r, dkimResultDomain(r)))) return `dkim=pass aligned with ${from}`;
  if (rs.some((r) => r.method === 'spf' && aligned(r, domainOfAddress(r.props['smtp.mailfrom'])))) return `spf=pass aligned with ${from}`;
  return null;
}

/** The first gateway claim showing the message passed DMARC (or aligned SPF/DKIM) at the gateway. */
export function gatewayDmarcPass(a: Analysis, from: string | undefined): { claim: StampedResults; what: string } | null {
  if (!hasRelays(a)) return null;
  for (const c of gatewayClaims(a)) {
    const what = dmarcPassIn(c, from);
    if (what) return { claim: c, what };
  }
  return null;
}

/** The receiver's DMARC failure (dmarc=fail), with the From domain it was about. */
export function dmarcFailure(a: Analysis): { result: AuthResult; from: StampedResults; domain: string | undefined } | null {
  const dm = verdictResult(a, 'dmarc');
  if (!dm || dm.result.result !== 'fail') return null;
  return { result: dm.result, from: dm.from, domain: domainOfAddress(dm.result.props['header.from']) ?? fromDomain(a) };
}

/** Our own SPF check of the original sender (verification what-if), when it ran. */
export function spfWhatIfOriginal(a: Analysis): { ip: string; result: string } | null {
  const w = a.verification?.spf.find((s) => s.role === 'original-sender');
  return w && w.result ? { ip: w.ip, result: w.result.toLowerCase() } : null;
}

// ---------------------------------------------------------------------------------------------
// A DKIM signature that broke on the way (dkim-body-modified, dkim-header-modified)

/** One signature that broke, from our re-verification and/or the receiver's verdict. */
export interface BrokenDkim {
  domain?: string;
  selector?: string;
  sigField?: number;
  evidence: Array<Evidence | null>;
  receiverFailed: boolean;
  receiverPassed: boolean;
}

/** The broken signatures by domain and selector; a result without a selector joins a known signature of its domain. */
export class BrokenDkimTable<T extends BrokenDkim> {
  private readonly byKey = new Map<string, T>();
  constructor(private readonly make: (domain: string | undefined, selector: string | undefined) => T) {}

  get(domain?: string, selector?: string): T {
    let k = `${(domain ?? '?').toLowerCase()}\u0000${(selector ?? '').toLowerCase()}`;
    if (!this.byKey.has(k) && !selector) {
      for (const [kk, b] of this.byKey) if (b.domain === domain?.toLowerCase()) k = kk;
    }
    let b = this.byKey.get(k);
    if (!b) this.byKey.set(k, (b = this.make(domain?.toLowerCase(), selector)));
    return b;
  }

  values(): IterableIterator<T> {
    return this.byKey.values();
  }
}

/** Marks the signatures the receiver itself still verified (the change happened after it checked). */
export function noteReceiverPasses(a: Analysis, v: ReturnType<typeof verdictResults>, table: BrokenDkimTable<BrokenDkim>): void {
  if (!v) return;
  for (const b of table.values()) {
    if (v.results.some((r) => r.result === 'pass' && dkimResultMatches(r, b.domain, b.selector))) {
      b.receiverPassed = true;
      b.evidence.push(stampEvidence(a, v.from.stamp, 'dkim=pass at the receiver'));
    }
  }
}

/** How a rule words each case of where the signature broke. */
export interface DkimChangeWords {
  afterReceiver: (receiver: string) => string;
  afterGateway: (gatewayStamp: string, relay: string, receiver: string) => string;
  onlyRelay: (relay: string, receiver: string) => string;
  noRelay: string;
}

/** Where a broken signature was most likely changed, the hop to mark, its name, and the rest of what both rules decide alike. */
export function dkimBreakSite(a: Analysis, b: BrokenDkim, words: DkimChangeWords) {
  const sigField = b.sigField ?? dkimSignatureField(a, b.domain, b.selector);
  const sigName = `DKIM signature d=${b.domain ?? '?'}${b.selector ? ` s=${quote(b.selector, 40)}` : ''}`;
  // a mailing list or forwarder that re-sent the message (not the author's own list signature)
  const list = (a.facts?.intermediaries ?? []).find((x) => x.kind === 'mailing-list' || x.kind === 'forwarder');
  const receiver = receiverLabel(a);
  const earlier = dkimPassedEarlier(a, b.domain, b.selector);
  let where: string;
  let hopIndex: number | null;
  if (b.receiverPassed) {
    where = words.afterReceiver(receiver);
    hopIndex = a.boundary.entryHopIndex;
  } else if (earlier) {
    where = words.afterGateway(stampName(earlier.stamp), relayLabel(a), receiver);
    hopIndex = earlier.stamp.hopIndex ?? lastRelayHop(a)?.index ?? a.boundary.entryHopIndex;
  } else if (hasRelays(a)) {
    where = words.onlyRelay(relayLabel(a), receiver);
    hopIndex = lastRelayHop(a)?.index ?? a.boundary.entryHopIndex;
  } else if (list) {
    where = `${quote(list.name, 80)} re-sent the message (${list.kind === 'mailing-list' ? 'a mailing list: they add footers and subject tags' : 'a forwarder'}), which explains the change; this is expected for ${list.kind === 'mailing-list' ? 'list mail' : 'forwarded mail'}`;
    hopIndex = list.hopIndex ?? a.boundary.entryHopIndex;
  } else if (a.facts?.verdict.class === 'never-authentic') {
    // nothing vouches that this signature ever verified on this message: spoofs carry signatures
    // copied from other mail, so "changed in transit" would be a guess, and a gateway fix no help
    where = 'nothing on the way saw it pass, and nothing else authenticated the message, so the signature may never have been valid for it (spoofs carry signatures copied from other mail) rather than broken in transit';
    hopIndex = a.boundary.entryHopIndex;
  } else {
    where = words.noRelay;
    hopIndex = a.boundary.entryHopIndex;
  }
  const spoofed = !b.receiverPassed && !earlier && !hasRelays(a) && !list && a.facts?.verdict.class === 'never-authentic';
  const other = alignedDkimPassAtReceiver(a, { domain: b.domain, selector: b.selector });
  const severity: Finding['severity'] = b.receiverPassed || spoofed || (list && !hasRelays(a) && !earlier) ? 'info' : other ? 'warning' : 'error';
  const remedies: string[] = [];
  if (!b.receiverPassed && a.boundary.receiver === 'exchange-online' && hasRelays(a)) {
    remedies.push('efc-skip-ips', 'efc-skip-last-ip');
    if (gatewayArcSet(a)) remedies.push('arc-trusted-sealer');
  }
  const otherText = other ? ` Another aligned signature (d=${other}) still passed, so DMARC is not affected by this one.` : '';
  return { sigField, sigName, receiver, earlier, where, hopIndex, severity, remedies, otherText };
}
