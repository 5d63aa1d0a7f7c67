// The facts the generators share, read again from the Analysis (nothing in it is trusted): the relay path, the sender's domains, the cloud.
import type { Analysis, Cloud, EfcState, Hop } from '../types';
import { isPublicIp, parseIp, type ParsedIp } from '../net/ip';
import { arg, checkDomain, commentText, psCommand } from './powershell';
import { say } from './say';
import type { RemedyKb, RemedyOptions } from './options';
import { defaultKb } from './kb-port';
import { words } from './draft';
import { receivingDomain } from './tenant';

export interface RelayIp {
  ip: ParsedIp;
  hopIndex: number | null;
  /** Host name of the relay as recorded (rDNS / PTR; the HELO only as a label). */
  host?: string;
  vendorId?: string;
  vendorName?: string;
  /** True for the host that connected to the receiver. */
  connecting: boolean;
  /** strong: something shows it is the recipient's; weak: only whose it is (see the trust model). */
  strength: 'strong' | 'weak';
  /** What makes it a relay of the recipient, in words (display-safe). */
  evidence: string[];
  /** Set when the user's configuration (not the message) made it a relay: where that came from. */
  fromConfig?: string;
}

/** Relay addresses read from one message (the trace caps hops at 100 by default). */
export const MAX_RELAYS = 1000;

export interface Facts {
  analysis: Analysis;
  receiver: Analysis['boundary']['receiver'];
  /** A consumer mailbox (Outlook.com, gmail.com): nothing to configure, no remedy. */
  consumer: boolean;
  /** Every relay address in front of the receiver from the message (public or not), oldest first. */
  relays: RelayIp[];
  /** Relay addresses beyond MAX_RELAYS (a message has far fewer; only a forged Analysis has more). */
  relaysTruncated: number;
  /** Values from the message that were not IPs. */
  badRelayValues: string[];
  connecting: RelayIp | undefined;
  /** True when the facts found relays of the recipient in front of the receiver. */
  hasRelay: boolean;
  /** True when every public relay has strong evidence: only then do their addresses go into a command. */
  relaysConfirmed: boolean;
  originalSenderIp: ParsedIp | undefined;
  /** Vendors of the relays of the recipient. */
  relayVendors: Array<{ id: string; name: string }>;
  /** The message passed Microsoft 365 before the relay (EOP → on-premises → EOP). */
  nonLinear: boolean;
  findingIds: Set<string>;
  /** The Enhanced Filtering state as the facts step decided it, and the address it recovered. */
  efcState: EfcState;
  recoveredIp: ParsedIp | undefined;
  /** The From (header) domain, validated. */
  fromDomain: string | undefined;
  /** The envelope sender (MAIL FROM) domain SPF was checked for: the receiver's smtp.mailfrom, else Return-Path. */
  mailFromDomain: string | undefined;
  /** The receiving organisation's domains: settings, the tenant's accepted domains, the recipients' domains. */
  ownDomains: string[];
  /** Exchange Online authenticated the connection as internal (a connector or the organisation's own servers). */
  authAsInternal: boolean;
  /** The Microsoft cloud the receiving tenant is in, and where that came from. */
  cloud: Cloud;
  cloudFrom: 'setting' | 'message' | 'default';
}

function hopAt(a: Analysis, i: unknown): Hop | undefined {
  return typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < a.hops.length ? a.hops[i] : undefined;
}

const EFC_STATES = new Set<EfcState>(['not-applicable', 'off', 'active', 'recipient-not-in-scope', 'incomplete']);

/**
 * What the generators need, read from analysis.facts (re-validated: an Analysis may come from
 * JSON, so nothing in it is trusted: addresses are parsed again, names checked, texts made safe).
 */
export function gatherFacts(a: Analysis, k: RemedyKb, options: RemedyOptions = {}): Facts {
  const b = a.boundary;
  const f = a.facts && typeof a.facts === 'object' ? a.facts : undefined;
  const relays: RelayIp[] = [];
  const bad: string[] = [];
  const seen = new Map<string, RelayIp>();
  let truncated = 0;
  const push = (raw: unknown, hopIndex: number | null, connecting: boolean, meta: Partial<RelayIp> & { strength: RelayIp['strength'] }) => {
    if (typeof raw !== 'string' || !raw) return;
    const ip = parseIp(raw);
    if (!ip) {
      if (bad.length < MAX_RELAYS) bad.push(raw);
      return;
    }
    const prev = seen.get(ip.ip);
    if (prev) {
      if (connecting) prev.connecting = true;
      return;
    }
    if (relays.length >= MAX_RELAYS && !connecting) {
      truncated++;
      return;
    }
    const r: RelayIp = { ip, hopIndex, connecting, strength: meta.strength, evidence: meta.evidence ?? [] };
    if (typeof meta.host === 'string') {
      const d = checkDomain(meta.host, { what: 'host name' });
      if (d.ok) r.host = d.value;
    }
    if (meta.vendorId) {
      r.vendorId = commentText(meta.vendorId, 80);
      r.vendorName = defaultKb.vendorName(meta.vendorId) ?? commentText(meta.vendorName ?? meta.vendorId, 80);
    }
    if (meta.fromConfig) r.fromConfig = commentText(meta.fromConfig, 200);
    seen.set(ip.ip, r);
    relays.push(r);
  };

  const factRelays = Array.isArray(f?.relays) ? f.relays.slice(0, MAX_RELAYS + 1) : [];
  for (const fr of factRelays) {
    if (!fr || typeof fr !== 'object') continue;
    const hop = hopAt(a, fr.hopIndex);
    const ev = Array.isArray(fr.evidence) ? fr.evidence.filter((e) => e && typeof e === 'object') : [];
    const config = ev.find((e) => e.kind === 'trusted-relay');
    push(fr.ip ?? hop?.from.ip, hop ? hop.index : null, fr.connecting === true, {
      strength: fr.strength === 'strong' ? 'strong' : 'weak',
      evidence: ev.slice(0, 10).map((e) => commentText(typeof e.detail === 'string' ? e.detail : String(e.kind), 200)),
      host: typeof fr.host === 'string' && !fr.hostIsHelo ? fr.host : hop?.from.rdns ?? hop?.from.helo,
      vendorId: fr.vendor && typeof fr.vendor.id === 'string' ? fr.vendor.id : undefined,
      vendorName: fr.vendor && typeof fr.vendor.name === 'string' ? fr.vendor.name : undefined,
      fromConfig: config ? (typeof config.source === 'string' ? config.source : 'your configuration') : undefined,
    });
  }
  const hasRelay = relays.length > 0;
  // the relays' own internal hops (loopback filters, private addresses): listed so the scripts can
  // say why they are left out, never as relays with evidence of their own
  const relayHopIndexes = Array.isArray(b?.relayHopIndexes) ? b.relayHopIndexes.filter((i) => hopAt(a, i)) : [];
  if (hasRelay) {
    for (const i of [...relayHopIndexes].sort((x, y) => x - y)) {
      if (i === b.originalSenderHopIndex) continue;
      const ip = a.hops[i].from.ip;
      if (ip && !isPublicIp(ip)) push(ip, i, false, { strength: 'strong', host: a.hops[i].from.rdns ?? a.hops[i].from.helo });
    }
    // keep oldest-first order: hop order, the connecting one last
    relays.sort((x, y) => (x.connecting ? 1 : 0) - (y.connecting ? 1 : 0) || (x.hopIndex ?? 1e9) - (y.hopIndex ?? 1e9));
  }
  const connecting = relays.find((r) => r.connecting);
  const relaysConfirmed = hasRelay && relays.every((r) => r.strength === 'strong' || !isPublicIp(r.ip));

  const relayVendors: Array<{ id: string; name: string }> = [];
  for (const r of relays) if (r.vendorId && r.vendorName && !relayVendors.some((v) => v.id === r.vendorId)) relayVendors.push({ id: r.vendorId, name: r.vendorName });

  const findingIds = new Set((Array.isArray(a.findings) ? a.findings : []).map((x) => x.id));
  // a relay inside Microsoft 365's own ranges means the route passed Microsoft 365 before it
  const nonLinear = !!f?.nonLinear || findingIds.has('efc-unsupported-routing') || relays.some((r) => k.lookupProviderByIp(r.ip.ip)?.id === 'microsoft365');
  const efcState: EfcState = f?.efc && EFC_STATES.has(f.efc.state) ? f.efc.state : 'not-applicable';
  return {
    analysis: a,
    receiver: b.receiver,
    consumer: f?.receiver?.consumer === true,
    relays,
    relaysTruncated: truncated,
    badRelayValues: bad,
    connecting,
    hasRelay,
    relaysConfirmed,
    originalSenderIp: parseIp(b.originalSenderIp) ?? undefined,
    relayVendors,
    nonLinear,
    findingIds,
    efcState,
    recoveredIp: parseIp(f?.efc?.recoveredIp ?? undefined) ?? undefined,
    ...senderFacts(a, options),
    ...cloudOf(a, options),
  };
}

const CLOUDS = new Set<Cloud>(['worldwide', 'gcc-high', 'dod', '21vianet']);

function cloudOf(a: Analysis, options: RemedyOptions): { cloud: Cloud; cloudFrom: Facts['cloudFrom'] } {
  if (options.cloud !== undefined && CLOUDS.has(options.cloud)) return { cloud: options.cloud, cloudFrom: 'setting' };
  const c = a.facts?.receiver?.cloud;
  if (c && CLOUDS.has(c)) return { cloud: c, cloudFrom: 'message' };
  return { cloud: 'worldwide', cloudFrom: 'default' };
}

function domainOf(addr: unknown): string | undefined {
  if (typeof addr !== 'string') return undefined;
  const s = addr.trim().replace(/^<|>$/g, '');
  const at = s.lastIndexOf('@');
  const d = checkDomain(at >= 0 ? s.slice(at + 1) : s);
  return d.ok ? d.value : undefined;
}

/** smtp.mailfrom of the receiver's own SPF result (its verdict stamps), when it wrote one. */
function receiverMailFrom(a: Analysis): string | undefined {
  const stamps = Array.isArray(a.stamps) ? a.stamps : [];
  const results = Array.isArray(a.authResults) ? a.authResults : [];
  for (const s of stamps) {
    if (!s || s.trust !== 'verdict' || (s.kind !== 'authentication-results' && s.kind !== 'x-ms-exchange-authentication-results')) continue;
    const parsed = results.find((r) => r && r.fieldIndex === s.fieldIndex)?.parsed;
    const spf = Array.isArray(parsed?.results) ? parsed.results.find((r) => r && r.method === 'spf') : undefined;
    const d = domainOf(spf?.props?.['smtp.mailfrom']);
    if (d) return d;
  }
  return undefined;
}

function senderFacts(a: Analysis, options: RemedyOptions): Pick<Facts, 'fromDomain' | 'mailFromDomain' | 'ownDomains' | 'authAsInternal'> {
  const fromDomain = domainOf(a.summary?.fromDomain);
  const mailFromDomain = receiverMailFrom(a) ?? domainOf(a.summary?.returnPath);
  const own: string[] = [];
  const add = (d: unknown) => {
    const c = typeof d === 'string' ? checkDomain(d.replace(/^\*\./, '')) : undefined;
    if (c?.ok && !own.includes(c.value)) own.push(c.value);
  };
  for (const d of Array.isArray(options.receivingDomains) ? options.receivingDomains : []) add(d);
  for (const d of Array.isArray(a.facts?.ownDomains?.domains) ? a.facts.ownDomains.domains : []) add(d);
  for (const r of Array.isArray(a.summary?.recipients) ? a.summary.recipients : []) {
    const d = domainOf(r);
    if (d) add(d);
  }
  return { fromDomain, mailFromDomain, ownDomains: own, authAsInternal: a.microsoft?.org?.authAs?.toLowerCase() === 'internal' };
}

/** True when `domain` is one of the organisation's domains or a subdomain of one. */
export function isOwnDomain(f: Facts, domain: string | undefined): boolean {
  return !!domain && f.ownDomains.some((d) => domain === d || domain.endsWith(`.${d}`));
}

/**
 * Direct Send as Microsoft describes it: a device, an application or a service connects to the
 * tenant's MX without signing in, with an envelope sender (MAIL FROM) in one of the tenant's own
 * domains, to recipients in the tenant. In a delivered message: no relay of the recipient, a public
 * connecting address that is not Microsoft's or Google's, not attributed to a connector (not
 * authenticated as internal), the MAIL FROM domain and every recipient domain the organisation's own.
 */
export function directSendShape(f: Facts, k: RemedyKb): { ip: ParsedIp; domain: string } | undefined {
  if (f.receiver !== 'exchange-online' || f.consumer || f.hasRelay || f.authAsInternal) return undefined;
  const ip = parseIp(f.analysis.boundary?.connectingIp);
  if (!ip || !isPublicIp(ip)) return undefined;
  const prov = k.lookupProviderByIp(ip.ip)?.id;
  if (prov === 'microsoft365' || prov === 'google') return undefined;
  const d = f.mailFromDomain;
  if (!d || !isOwnDomain(f, d)) return undefined;
  const rcpts = (Array.isArray(f.analysis.summary?.recipients) ? f.analysis.summary.recipients : []).map(domainOf).filter((x): x is string => !!x);
  if (!rcpts.length || !rcpts.every((r) => isOwnDomain(f, r))) return undefined;
  return { ip, domain: d };
}

/** Placeholder for a device's address when the message does not show that its sender is the organisation's own. */
export const PLACEHOLDER_DEVICE_IP = '<device IP>';

/**
 * May the address that connected to the receiver go into a command (a connector, an SPF record)?
 * Only when the user named the device's address, when the diagnosis recognised the organisation's
 * own device or application (relay-device-spf), or when the receiver authenticated the message.
 * Otherwise the message may be a phish, and its source address is the attacker's: a command that
 * authorises it would let the attacker in.
 */
export function senderIpVouched(f: Facts, options: { deviceIp?: unknown }): boolean {
  if (typeof options.deviceIp === 'string' && parseIp(options.deviceIp)) return true;
  if (f.findingIds.has('relay-device-spf')) return true;
  const ca = f.analysis.microsoft?.compauth?.result?.toLowerCase();
  if (ca === 'pass' || ca === 'softpass') return true;
  return f.analysis.facts?.verdict?.class === 'authentic';
}

/** Placeholder for gateway addresses that the message does not show (or not prove are the recipient's). */
export const PLACEHOLDER_GATEWAY_IP = '<gateway IP>';

/** Why the relays' addresses are not in the command yet, and how to confirm them. */
export function unconfirmedWords(f: Facts): { why: string; confirm: string[]; preChecks: string[]; candidates: string } {
  const weak = f.relays.filter((r) => r.strength === 'weak' && isPublicIp(r.ip));
  const candidates = words(weak.map((r) => `${describeRelay(r)} (${r.evidence.join('; ') || say('relay.noEvidence')})`));
  const dom = receivingDomain(f.analysis, {});
  return {
    why: say('unconfirmed.why', { ips: words(weak.map((r) => r.ip.ip)), be: weak.length === 1 ? 'is' : 'are' }),
    confirm: [say('unconfirmed.confirmMx'), say('unconfirmed.confirmSetting')],
    preChecks: [psCommand('Resolve-DnsName', [['Name', arg.str(dom ?? '<your domain>')], ['Type', arg.word('MX')]])],
    candidates,
  };
}

/** "mx0b-00498f04.pphosted.com, Proofpoint …" (no IP), or '' when nothing is known. */
export function relayLabel(r: RelayIp): string {
  return [r.host, r.vendorName].filter(Boolean).join(', ');
}

/** "148.163.138.245 [mx0b-00498f04.pphosted.com, Proofpoint …]" */
export function describeRelay(r: RelayIp): string {
  const label = relayLabel(r);
  return label ? `${r.ip.ip} [${label}]` : r.ip.ip;
}
