// IP lists for the scripts: the policy each target needs, with what is left out and why.
import type { IpClass } from '../types';
import { classifyIp, ipClassName, mergeSpecs, parseIpSpec, type IpSpec } from '../net/ip';
import { say } from './say';
import type { RemedyKb } from './options';
import { Omitted } from './draft';

export const MAX_LIST_INPUT = 20000;

export interface IpInput {
  text: unknown;
  origin: 'message' | 'user' | 'vendor';
  /** For vendor ranges: where the range is published. */
  source?: string;
  /** Label for the message hop. */
  label?: string;
}

export interface IpListPolicy {
  /** Shown in reasons: "EFSkipIPs", "SenderIPAddresses", … */
  target: string;
  /** Why an address of a non-public class is left out, by class. */
  nonPublicReason: (c: IpClass, version: 4 | 6) => string;
  excludeMicrosoft: boolean;
  microsoftReason?: () => string;
  excludeGoogle: boolean;
  googleReason?: () => string;
  allowIpv6: boolean;
  ipv6Reason?: () => string;
  allowRange: boolean;
  rangeReason?: () => string;
  /** Narrowest allowed IPv4 prefix for CIDRs (e.g. 24), with the reason when wider. */
  minPrefixV4?: number;
  minPrefixReason?: () => string;
  merge: boolean;
  cap: number;
}

export interface IpListEntry {
  spec: IpSpec;
  origin: IpInput['origin'];
  source?: string;
  label?: string;
}

const NON_PUBLIC_V4 = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/4', '240.0.0.0/4'];

const NON_PUBLIC_V6 = ['::/127', 'fc00::/7', 'fe80::/10', 'ff00::/8'];

const NON_PUBLIC = [...NON_PUBLIC_V4, ...NON_PUBLIC_V6].map((c) => parseIpSpec(c)!);

function overlaps(a: IpSpec, b: IpSpec): boolean {
  return a.version === b.version && a.lo <= b.hi && b.lo <= a.hi;
}

let providerSpecCache: { k: RemedyKb; list: Array<{ spec: IpSpec; provider: string; range: string; source: string }> } | null = null;

function providerSpecs(k: RemedyKb) {
  if (providerSpecCache && providerSpecCache.k === k) return providerSpecCache.list;
  const list: Array<{ spec: IpSpec; provider: string; range: string; source: string }> = [];
  for (const r of k.providerRanges()) {
    const spec = parseIpSpec(r.range);
    if (spec) list.push({ spec, provider: r.provider, range: r.range, source: r.source });
  }
  providerSpecCache = { k, list };
  return list;
}

function providerOverlap(k: RemedyKb, spec: IpSpec, provider: 'microsoft365' | 'google'): { range: string; source: string } | undefined {
  if (spec.kind === 'single') {
    const hit = k.lookupProviderByIp(spec.text);
    if (hit && hit.id === provider) return { range: hit.range, source: hit.source };
  }
  const p = providerSpecs(k).find((x) => x.provider === provider && overlaps(x.spec, spec));
  return p ? { range: p.range, source: p.source } : undefined;
}

function isNonPublic(spec: IpSpec): boolean {
  if (spec.kind === 'single') {
    const c = classifyIp(spec.text);
    return !(c === 'public' || c === 'documentation');
  }
  return NON_PUBLIC.some((n) => overlaps(n, spec));
}

function cmpSpec(a: IpSpec, b: IpSpec): number {
  return a.version - b.version || (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0) || (a.hi > b.hi ? -1 : a.hi < b.hi ? 1 : 0);
}

/**
 * Parse, validate, exclude, de-duplicate (and optionally merge) a list of IPs/ranges for one
 * target. Order: as given (message first, then the user's, then vendor ranges), unless merged.
 */
export function buildIpList(inputs: readonly IpInput[], policy: IpListPolicy, k: RemedyKb, omitted: Omitted): IpListEntry[] {
  const kept: IpListEntry[] = [];
  const seen = new Set<string>();
  const limit = Math.min(inputs.length, MAX_LIST_INPUT);
  for (let n = 0; n < limit; n++) {
    const input = inputs[n];
    if (typeof input.text !== 'string') {
      omitted.add(input.text, say('omit.notText'));
      continue;
    }
    const spec = parseIpSpec(input.text);
    if (!spec) {
      omitted.add(input.text, say('omit.notIp'));
      continue;
    }
    const shown = spec.text;
    if (isNonPublic(spec)) {
      if (spec.kind !== 'single') omitted.add(shown, say('omit.rangeNonPublic', { target: policy.target }));
      else omitted.add(shown, policy.nonPublicReason(classifyIp(spec.text), spec.version));
      continue;
    }
    if (policy.excludeMicrosoft) {
      const ms = providerOverlap(k, spec, 'microsoft365');
      if (ms) {
        omitted.add(shown, say('omit.microsoftRange', { why: policy.microsoftReason ? policy.microsoftReason() : say('omit.microsoftAddress'), range: ms.range }));
        continue;
      }
    }
    if (policy.excludeGoogle) {
      const g = providerOverlap(k, spec, 'google');
      if (g) {
        omitted.add(shown, say('omit.googleRange', { why: policy.googleReason ? policy.googleReason() : say('omit.googleAddress'), range: g.range }));
        continue;
      }
    }
    if (spec.version === 6 && !policy.allowIpv6) {
      omitted.add(shown, policy.ipv6Reason ? policy.ipv6Reason() : say('omit.noIpv6', { target: policy.target }));
      continue;
    }
    if (spec.kind === 'range' && !policy.allowRange) {
      omitted.add(shown, policy.rangeReason ? policy.rangeReason() : say('omit.noRange', { target: policy.target }));
      continue;
    }
    if (spec.kind === 'cidr' && spec.version === 4 && policy.minPrefixV4 !== undefined) {
      const bits = Number(spec.text.slice(spec.text.indexOf('/') + 1));
      if (bits < policy.minPrefixV4) {
        omitted.add(shown, policy.minPrefixReason ? policy.minPrefixReason() : say('omit.prefix', { target: policy.target, bits: policy.minPrefixV4 }));
        continue;
      }
    }
    if (seen.has(spec.text)) continue;
    seen.add(spec.text);
    const e: IpListEntry = { spec, origin: input.origin };
    if (input.source) e.source = input.source;
    if (input.label) e.label = input.label;
    kept.push(e);
  }
  if (inputs.length > limit) {
    omitted.note(`(${inputs.length - limit} values)`, say('omit.inputCap', { max: MAX_LIST_INPUT }));
  }

  let out: IpListEntry[];
  if (policy.merge) {
    out = mergeSpecs(kept.map((e) => e.spec)).map((spec) => {
      const from = kept.filter((e) => overlaps(e.spec, spec));
      const origin = from.some((e) => e.origin === 'message') ? 'message' : from.some((e) => e.origin === 'user') ? 'user' : 'vendor';
      const entry: IpListEntry = { spec, origin };
      const src = from.find((e) => e.source)?.source;
      if (src) entry.source = src;
      const label = from.find((e) => e.label)?.label;
      if (label && spec.kind === 'single') entry.label = label;
      return entry;
    });
  } else {
    // drop entries fully covered by another one (e.g. a message IP inside a vendor range)
    const sorted = kept.map((e, i) => ({ e, i })).sort((x, y) => cmpSpec(x.e.spec, y.e.spec));
    const covered = new Set<number>();
    let cur: IpSpec | null = null;
    for (const { e, i } of sorted) {
      if (cur && cur.version === e.spec.version && e.spec.hi <= cur.hi) {
        covered.add(i);
        omitted.add(e.spec.text, say('omit.covered', { range: cur.text }));
      } else {
        cur = e.spec;
      }
    }
    out = kept.filter((_, i) => !covered.has(i));
  }
  if (out.length > policy.cap) {
    const rest = out.length - policy.cap;
    out = out.slice(0, policy.cap);
    omitted.note(`(${rest} entries)`, say('omit.listCap', { target: policy.target, max: policy.cap }));
  }
  return out;
}

/**
 * Why a non-public relay address is left out of a list that skips or names relays (EFSkipIPs):
 * Microsoft documents automatic skipping for loopback 127.0.0.0/8 and the RFC 1918 ranges only.
 */
export function efcNonPublicReason(c: IpClass, ipv4: boolean): string {
  const cls = ipClassName(c);
  if (ipv4 && (c === 'private' || c === 'loopback')) return say('omit.efcDocumentedSkip', { class: cls });
  return say('omit.efcUndocumented', { class: cls });
}
