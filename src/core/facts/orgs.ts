/**
 * Whose host is it: the organisation that operates a host name or an address, as far as the name
 * or the address can tell. Used to say who wrote each Received field (its `by` host) and to group
 * consecutive hops into organisations.
 *
 * Names are only labels here: a name tells which organisation a host claims to belong to, never
 * that a hop is trusted. Trust decisions (receiver.ts, relays.ts) look at where a line sits and at
 * what the receiver itself recorded.
 */
import type { Hop, HopWriter } from '../types';
import { classifyIp, isPrivateOrLoopback, parseIp, ipInSpec, parseIpSpec, type IpSpec } from '../net/ip';
import { PROVIDER_RANGES, lookupProviderByHost, lookupProviderByIp, normalizeHost, vendorByHost, vendorInfo } from '../net/kb';
import { shortVendorName } from '../present/vendors';

const spec = (s: string): IpSpec => {
  const p = parseIpSpec(s);
  if (!p) throw new Error(`bad range ${s}`);
  return p;
};

/** Second-level labels under which country-code domains register names (co.uk, com.au, ...). */
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'edu', 'ac', 'or', 'ne', 'go', 'mil', 'gob', 'nic', 'ltd', 'plc', 'gen', 'biz', 'info', 'nom', 'sch']);

/**
 * The registrable part of a host name, approximately: the last two labels, or three under a
 * country-code second level (mail.example.co.uk → example.co.uk). Undefined for names that are no
 * DNS names (single labels, address literals).
 */
export function registeredDomain(host: string | undefined): string | undefined {
  const h = host ? normalizeHost(host) : undefined;
  if (!h || !h.includes('.') || parseIp(h)) return undefined;
  const labels = h.split('.');
  if (labels.some((l) => !l)) return undefined;
  const tld = labels[labels.length - 1];
  if (!/^[a-z][a-z0-9-]*$/.test(tld) && !/^xn--/.test(tld)) return undefined;
  const n = labels.length >= 3 && tld.length === 2 && SECOND_LEVEL.has(labels[labels.length - 2]) ? 3 : 2;
  return labels.slice(-n).join('.');
}

/** True when `host` is `domain` or a name under it. */
export function hostUnder(host: string | undefined, domain: string | undefined): boolean {
  const h = host ? normalizeHost(host) : undefined;
  const d = domain ? normalizeHost(domain) : undefined;
  if (!h || !d) return false;
  return h === d || h.endsWith(`.${d}`);
}

export function hostUnderAny(host: string | undefined, domains: readonly string[]): boolean {
  return domains.some((d) => hostUnder(host, d));
}

const UNKNOWN: HopWriter = { kind: 'unknown', org: 'unknown', name: 'unknown host' };
const GOOGLE: HopWriter = { kind: 'google', org: 'google', name: 'Google' };

/** 6to4 addresses of 10.0.0.0/8: Gmail's internal servers name themselves this way ("by 2002:a05:…"). */
const GMAIL_INTERNAL_BY = spec('2002:a00::/24');

/** Gmail's internal delivery line: `Received: by 2002:a05:…:… with SMTP id …;` (no from clause). */
function isGmailInternalBy(h: Hop): boolean {
  const by = h.by.host;
  if (!by || !by.includes(':') || h.from.ip || h.from.helo) return false;
  return ipInSpec(by, GMAIL_INTERNAL_BY) && /^smtp$/i.test(h.protocol ?? '');
}

/** The organisation a host name points at (never an IP literal or a bare machine name). */
export function orgOfHost(host: string | undefined): HopWriter {
  const h = host ? normalizeHost(host) : undefined;
  if (!h || !h.includes('.') || parseIp(h)) return UNKNOWN;
  const p = lookupProviderByHost(h);
  if (p) return p.id === 'microsoft365' ? { kind: 'microsoft365', org: 'microsoft365', name: 'Microsoft 365' } : { kind: 'google', org: 'google', name: 'Google' };
  const v = vendorByHost(h);
  if (v) return { kind: 'vendor', org: `vendor:${v.id}`, name: shortVendorName(vendorInfo(v.id)?.name ?? v.name), vendorId: v.id };
  const d = registeredDomain(h);
  return d ? { kind: 'other', org: `domain:${d}`, name: d } : UNKNOWN;
}

// ---------------------------------------------------------------------------------------------
// Addresses inside an operator's own network

/**
 * Microsoft datacenter addresses seen on the sending side of Microsoft-to-Microsoft hops inside
 * Exchange Online (mailbox, hub and front-end servers), counted on real delivered mail: never the
 * address of a sender outside Microsoft 365.
 */
const MICROSOFT_INTERNAL_V6 = [
  '2603:1000::/24',
  '2406:e500::/32',
  // the U.S. Government clouds' published Exchange Online IPv6 ranges (knowledge base, endpoint set 1)
  ...PROVIDER_RANGES.filter((r) => r.cloud && r.list === 'client-access' && r.range.includes(':')).map((r) => r.range),
].map(spec);

/**
 * Exchange Online Protection's outbound (sending) ranges: another tenant's, or a relay's, outbound.
 * The U.S. Government clouds' EOP ranges (knowledge base, endpoint set 6) serve both directions.
 */
const EOP_OUTBOUND = [
  '40.92.0.0/15',
  '40.107.0.0/16',
  '52.100.0.0/14',
  '104.47.0.0/17',
  '40.95.0.0/16',
  '2a01:111:f400::/48',
  '2a01:111:f403::/48',
  ...PROVIDER_RANGES.filter((r) => r.cloud && r.list === 'endpoint-set').map((r) => r.range),
].map(spec);

/** Not reachable from the internet: private, loopback, link-local, shared (CGNAT) or unique-local. */
export function isInternalAddress(ip: string | undefined): boolean {
  if (!ip) return false;
  const p = parseIp(ip);
  return !!p && isPrivateOrLoopback(p);
}

export function isMicrosoftInternalIp(ip: string | undefined): boolean {
  if (!ip) return false;
  return MICROSOFT_INTERNAL_V6.some((s) => ipInSpec(ip, s));
}

export function isEopOutboundIp(ip: string | undefined): boolean {
  return !!ip && EOP_OUTBOUND.some((s) => ipInSpec(ip, s));
}

export function isGoogleIp(ip: string | undefined): boolean {
  return !!ip && lookupProviderByIp(ip)?.id === 'google';
}

/** An address that can never be a sender's: 0.0.0.0, 255.255.255.255, ::, multicast. */
export function isMeaninglessIp(ip: string | undefined): boolean {
  if (!ip) return true;
  const p = parseIp(ip);
  if (!p) return true;
  const c = classifyIp(p);
  return c === 'unspecified' || c === 'multicast' || (p.version === 4 && p.ip === '255.255.255.255');
}

// ---------------------------------------------------------------------------------------------
// Who wrote each hop

/**
 * The organisation of each hop's `by` host. A `by` host that names no organisation (a bare machine
 * name, an address, nothing) belongs to the organisation of the host that handed the message on
 * next, when that host named the same machine ("from mx1 (mx1.example.org [10.0.0.5])" after
 * "by mx1"), else it stays unknown.
 */
export function hopWriters(hops: readonly Hop[]): HopWriter[] {
  const out = hops.map((h) => (isGmailInternalBy(h) ? GOOGLE : orgOfHost(h.by.host)));
  for (let i = 0; i < hops.length; i++) {
    if (out[i].kind !== 'unknown') continue;
    const by = normalizeHost(hops[i].by.host ?? '');
    const next = hops[i + 1];
    if (!by || !next) continue;
    const label = by.split('.')[0];
    for (const name of [next.from.rdns, next.from.helo]) {
      const n = name ? normalizeHost(name) : undefined;
      if (n && n.includes('.') && n.split('.')[0] === label) {
        const o = orgOfHost(n);
        if (o.kind !== 'unknown') {
          out[i] = o;
          break;
        }
      }
    }
  }
  return out;
}
