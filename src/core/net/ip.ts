/**
 * IP handling on ipaddr.js: strict parsing of literals found in headers, classification, and the
 * three EFSkipIPs forms (single address, a-b range, CIDR).
 *
 * Header text is attacker-controlled, so every IP that leaves this module is re-serialised from an
 * ipaddr.js object, never copied from the input. IPv4 is strict: four decimal parts, no octal,
 * hex or short forms (ipaddr.js alone would read "010.1.1.1" as 8.1.1.1).
 */
import * as ipaddr from 'ipaddr.js';
import type { IpClass } from '../types';

export type IpAddr = ipaddr.IPv4 | ipaddr.IPv6;

export interface ParsedIp {
  /** Canonical text: IPv4 dotted quad; IPv6 compressed lower-case (RFC 5952), no zone id. */
  ip: string;
  version: 4 | 6;
  addr: IpAddr;
}

const V4_STRICT = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const V6_CHARS = /^[0-9a-fA-F:.]+$/;

/**
 * Parse an IP literal as it appears in mail headers: bare, bracketed `[1.2.3.4]`, `IPv6:` prefixed,
 * Gmail's `?IPv6:…?` hint stripped by the caller, IPv4-mapped IPv6 (returned as IPv4), `%zone`
 * ids (dropped). Returns null for anything that is not exactly one address.
 */
export function parseIp(text: string | undefined | null): ParsedIp | null {
  if (!text) return null;
  let s = text.trim();
  if (s.length > 64) return null;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1).trim();
  if (/^ipv6:/i.test(s)) s = s.slice(5);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!s) return null;
  if (s.includes(':')) {
    if (!V6_CHARS.test(s)) return null;
    // an embedded IPv4 tail must itself be strict
    const lastColon = s.lastIndexOf(':');
    const tail = s.slice(lastColon + 1);
    if (tail.includes('.') && !V4_STRICT.test(tail)) return null;
    let v6: ipaddr.IPv6;
    try {
      v6 = ipaddr.IPv6.parse(s);
    } catch {
      return null;
    }
    if (v6.isIPv4MappedAddress()) {
      const v4 = v6.toIPv4Address();
      return { ip: v4.toString(), version: 4, addr: v4 };
    }
    return { ip: v6.toString(), version: 6, addr: v6 };
  }
  if (!V4_STRICT.test(s)) return null;
  try {
    const v4 = ipaddr.IPv4.parse(s);
    return { ip: v4.toString(), version: 4, addr: v4 };
  } catch {
    return null;
  }
}

/** Canonical text of an IP literal, or undefined. */
export function normalizeIp(text: string | undefined | null): string | undefined {
  return parseIp(text)?.ip;
}

const V4_CLASS: Record<string, IpClass> = {
  unspecified: 'unspecified',
  broadcast: 'reserved',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'cgnat',
  private: 'private',
  reserved: 'reserved',
  as112: 'reserved',
  amt: 'reserved',
  unicast: 'public',
};

const V6_CLASS: Record<string, IpClass> = {
  unspecified: 'unspecified',
  linkLocal: 'link-local',
  multicast: 'multicast',
  loopback: 'loopback',
  uniqueLocal: 'unique-local',
  unicast: 'public',
};

const DOC_V4 = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'].map((c) => ipaddr.IPv4.parseCIDR(c));
const DOC_V6 = ipaddr.IPv6.parseCIDR('2001:db8::/32');

/**
 * Classify an address. Documentation ranges (TEST-NET-1/2/3, 2001:db8::/32) are reported as
 * 'documentation' and are treated like public addresses by the trace, because realistic samples
 * and tests use them in place of real public IPs.
 */
export function classifyIp(ip: ParsedIp | string): IpClass {
  const p = typeof ip === 'string' ? parseIp(ip) : ip;
  if (!p) return 'reserved';
  if (p.addr.kind() === 'ipv4') {
    const a = p.addr as ipaddr.IPv4;
    if (DOC_V4.some((c) => a.match(c))) return 'documentation';
    return V4_CLASS[a.range()] ?? 'reserved';
  }
  const a = p.addr as ipaddr.IPv6;
  if (a.match(DOC_V6)) return 'documentation';
  return V6_CLASS[a.range()] ?? 'reserved';
}

/** True for addresses routable on the internet (public or documentation ranges). */
export function isPublicIp(ip: ParsedIp | string): boolean {
  const c = classifyIp(ip);
  return c === 'public' || c === 'documentation';
}

/**
 * How each address class is named in text we show: the one place that words it, so that a
 * link-local fe80:: address is never called private "RFC 1918" space (RFC 1918 is IPv4's
 * 10/8, 172.16/12 and 192.168/16 only).
 */
const IP_CLASS_NAMES: Record<IpClass, string> = {
  public: 'public address',
  private: 'private (RFC 1918) address',
  loopback: 'loopback address',
  'link-local': 'link-local address',
  cgnat: 'carrier-grade NAT address (RFC 6598)',
  documentation: 'documentation address (RFC 5737 / RFC 3849)',
  reserved: 'reserved address',
  unspecified: 'unspecified address',
  multicast: 'multicast address',
  'unique-local': 'unique-local IPv6 address (fc00::/7)',
};

/** An address class in words, e.g. "link-local address", "private (RFC 1918) address". */
export function ipClassName(c: IpClass): string {
  return IP_CLASS_NAMES[c] ?? 'reserved address';
}

/** True for loopback and RFC 1918 / unique-local / link-local / CGNAT space (what EFC skips by itself). */
export function isPrivateOrLoopback(ip: ParsedIp | string): boolean {
  const c = classifyIp(ip);
  return c === 'private' || c === 'loopback' || c === 'link-local' || c === 'unique-local' || c === 'cgnat';
}

// ---------------------------------------------------------------------------------------------
// Specs: single address, a-b range, CIDR (the three EFSkipIPs forms)

export interface IpSpec {
  kind: 'single' | 'range' | 'cidr';
  version: 4 | 6;
  lo: bigint;
  hi: bigint;
  /** Canonical text re-serialised from parsed addresses. */
  text: string;
}

export function ipToBigInt(addr: IpAddr): bigint {
  return addr.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

export function bigIntToIp(value: bigint, version: 4 | 6): string {
  const bytes: number[] = [];
  let v = value;
  const n = version === 4 ? 4 : 16;
  for (let i = 0; i < n; i++) {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

/** Parse "a", "a-b" or "a/n" (IPv4 or IPv6). Returns null when invalid; never throws. */
export function parseIpSpec(spec: string): IpSpec | null {
  const s = spec.trim();
  if (!s || s.length > 100) return null;
  const dash = s.indexOf('-');
  if (dash > 0) {
    const lo = parseIp(s.slice(0, dash));
    const hi = parseIp(s.slice(dash + 1));
    if (!lo || !hi || lo.version !== hi.version) return null;
    const a = ipToBigInt(lo.addr);
    const b = ipToBigInt(hi.addr);
    if (a > b) return null;
    return { kind: 'range', version: lo.version, lo: a, hi: b, text: `${lo.ip}-${hi.ip}` };
  }
  const slash = s.indexOf('/');
  if (slash > 0) {
    const baseText = s.slice(0, slash);
    const base = parseIp(baseText);
    const bitsText = s.slice(slash + 1);
    if (!base || !/^\d{1,3}$/.test(bitsText)) return null;
    let bits = Number(bitsText);
    // An IPv4-mapped base (::ffff:a.b.c.d) comes back as IPv4, but its prefix length counts IPv6
    // bits: /96../128 is the IPv4 /0../32; anything shorter reaches beyond the mapped block.
    if (base.version === 4 && baseText.replace(/^\s*\[?\s*ipv6:/i, '').includes(':')) {
      if (bits < 96 || bits > 128) return null;
      bits -= 96;
    }
    const width = base.version === 4 ? 32 : 128;
    if (bits > width) return null;
    const hostBits = BigInt(width - bits);
    const mask = (1n << hostBits) - 1n;
    const lo = ipToBigInt(base.addr) & ~mask;
    const hi = lo + mask;
    return { kind: 'cidr', version: base.version, lo, hi, text: `${bigIntToIp(lo, base.version)}/${bits}` };
  }
  const one = parseIp(s);
  if (!one) return null;
  const v = ipToBigInt(one.addr);
  return { kind: 'single', version: one.version, lo: v, hi: v, text: one.ip };
}

export function ipInSpec(ip: ParsedIp | string, spec: IpSpec): boolean {
  const p = typeof ip === 'string' ? parseIp(ip) : ip;
  if (!p || p.version !== spec.version) return false;
  const v = ipToBigInt(p.addr);
  return v >= spec.lo && v <= spec.hi;
}

/**
 * Merge single addresses and specs into the fewest a-b ranges/CIDRs covering exactly the same
 * addresses (adjacent or overlapping ones are joined). Only used when the user asks for ranges.
 */
export function mergeSpecs(specs: IpSpec[]): IpSpec[] {
  const out: IpSpec[] = [];
  for (const version of [4, 6] as const) {
    const list = specs.filter((s) => s.version === version).sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    let cur: { lo: bigint; hi: bigint } | null = null;
    const flush = () => {
      if (!cur) return;
      out.push(specFromBounds(cur.lo, cur.hi, version));
    };
    for (const s of list) {
      if (cur && s.lo <= cur.hi + 1n) {
        if (s.hi > cur.hi) cur.hi = s.hi;
      } else {
        flush();
        cur = { lo: s.lo, hi: s.hi };
      }
    }
    flush();
  }
  return out;
}

function specFromBounds(lo: bigint, hi: bigint, version: 4 | 6): IpSpec {
  if (lo === hi) return { kind: 'single', version, lo, hi, text: bigIntToIp(lo, version) };
  const size = hi - lo + 1n;
  // exact CIDR block?
  if ((size & (size - 1n)) === 0n && lo % size === 0n) {
    const width = version === 4 ? 32 : 128;
    let hostBits = 0;
    while (1n << BigInt(hostBits) < size) hostBits++;
    return { kind: 'cidr', version, lo, hi, text: `${bigIntToIp(lo, version)}/${width - hostBits}` };
  }
  return { kind: 'range', version, lo, hi, text: `${bigIntToIp(lo, version)}-${bigIntToIp(hi, version)}` };
}
