// The route as the rules see it: the relays in front of the receiver, their vendor and ARC set, hop labels, non-linear routes.
import type { Analysis, AuthStamp, Hop } from '../types';
import { isPublicIp, isPrivateOrLoopback } from '../net/ip';
import { lookupProviderByHost, lookupProviderByIp, vendorByArcSealer } from '../net/kb';
import type { DiagnoseOptions } from './rule';
import { shortVendorName } from '../present/vendors';
import { quote } from './evidence';

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
