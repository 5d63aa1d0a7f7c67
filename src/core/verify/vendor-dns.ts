/**
 * The sending addresses a relay's vendor publishes in DNS: Mimecast's `_netblocks.mimecast.com`,
 * Sophos's `_spf.prod.hydra.sophos.com` (the
 * names come from the knowledge base, each with the vendor page that gives it; never from the
 * message). An SPF record is expanded through its `include:` and `redirect=` terms into its `ip4:`,
 * `ip6:` and `a:` addresses, within SPF's own budget of ten lookups (RFC 7208, section 4.6.4);
 * terms that depend on the connecting client (`exists:`, `ptr`, macros) cannot be listed and make
 * the result incomplete.
 *
 * Looked up only when DNS is allowed (recorded or live), and only for vendors of relays the
 * recipient's side vouches for, never for a name the sender chose.
 */
import type { Analysis, VendorDnsRanges } from '../types';
import { ipInSpec, normalizeIp, parseIpSpec } from '../net/ip';
import { vendorInfo } from '../net/kb';
import type { DnsResolver } from './resolver';

/** RFC 7208 section 4.6.4: at most ten terms that cause DNS lookups per evaluation. */
const MAX_LOOKUPS = 10;
/** A published list longer than this is cut (and marked incomplete). */
const MAX_RANGES = 500;
const MAX_RECORD = 4096;

function txtStrings(x: unknown): string[] {
  if (!Array.isArray(x)) return [];
  // node's resolveTxt gives string[][] (one record in chunks); a snapshot may give string[]
  return x.map((r) => (Array.isArray(r) ? r.filter((c) => typeof c === 'string').join('') : typeof r === 'string' ? r : '')).filter((r) => r.length > 0);
}

function addresses(x: unknown): string[] {
  return Array.isArray(x) ? x.filter((a): a is string => typeof a === 'string') : [];
}

/** A host name a term may name: letters, digits, hyphens, dots and underscores, no macros. */
const DOMAIN = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\.?$/i;

class Expansion {
  ranges: string[] = [];
  complete = true;
  private lookups = 0;
  private seen = new Set<string>();

  constructor(private readonly resolver: DnsResolver) {}

  private budget(): boolean {
    if (this.lookups >= MAX_LOOKUPS) {
      this.complete = false;
      return false;
    }
    this.lookups++;
    return true;
  }

  /** A name that can be looked up within the budget; otherwise the list is incomplete. */
  private usable(name: string): boolean {
    if (!DOMAIN.test(name)) {
      this.complete = false;
      return false;
    }
    return this.budget();
  }

  private add(text: string): void {
    const spec = parseIpSpec(text);
    // an a-b range is not SPF; a block wider than /16 (IPv4) or /32 (IPv6) is no gateway's list
    if (!spec || spec.kind === 'range' || spec.hi - spec.lo >= (spec.version === 4 ? 1n << 16n : 1n << 96n)) {
      this.complete = false;
      return;
    }
    if (this.ranges.length >= MAX_RANGES) {
      this.complete = false;
      return;
    }
    if (!this.ranges.includes(spec.text)) this.ranges.push(spec.text);
  }

  /** The addresses of a host name (A and AAAA), each as a single address. */
  async host(name: string): Promise<void> {
    if (!this.usable(name)) return;
    let found = 0;
    for (const type of ['A', 'AAAA']) {
      try {
        for (const a of addresses(await this.resolver(name, type))) {
          const n = normalizeIp(a);
          if (n) {
            this.add(n);
            found++;
          }
        }
      } catch {
        // no AAAA is normal; the name with no address at all is an incomplete list
      }
    }
    if (!found) this.complete = false;
  }

  /** The addresses an SPF record lists, following include: and redirect=. */
  async spf(name: string): Promise<void> {
    const key = name.toLowerCase().replace(/\.$/, '');
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (!this.usable(key)) return;
    let records: string[];
    try {
      records = txtStrings(await this.resolver(key, 'TXT')).filter((r) => /^v=spf1(\s|$)/i.test(r));
    } catch {
      this.complete = false;
      return;
    }
    if (records.length !== 1 || records[0].length > MAX_RECORD) {
      // none, or several (a permanent error for SPF itself)
      this.complete = false;
      return;
    }
    let redirect: string | undefined;
    for (const term of records[0].split(/\s+/).slice(1)) {
      if (!term) continue;
      const t = term.replace(/^[+?~-]/, '');
      const lower = t.toLowerCase();
      if (lower.startsWith('ip4:') || lower.startsWith('ip6:')) this.add(t.slice(4));
      else if (lower.startsWith('include:')) await this.spf(t.slice(8));
      else if (lower.startsWith('redirect=')) redirect = t.slice(9);
      else if (lower.startsWith('a:') && !t.includes('/')) await this.host(t.slice(2));
      else if (lower === 'all' || lower.startsWith('exp=') || lower.startsWith('v=')) continue;
      else this.complete = false; // a, mx, exists, ptr, macros, a CIDR-length a: — not listable here
    }
    if (redirect && !records[0].split(/\s+/).some((x) => /^[+?~-]?all$/i.test(x))) await this.spf(redirect);
  }
}

/** Vendors of the recipient's relays (with their relay addresses) that publish their senders in DNS. */
function vendorsToLookUp(a: Analysis): Array<{ id: string; ips: string[] }> {
  const f = a.facts;
  if (!f || !f.relays.length || f.receiver.consumer) return [];
  const out: Array<{ id: string; ips: string[] }> = [];
  for (const r of f.relays) {
    if (!r.vendor || !r.ip || !vendorInfo(r.vendor.id)?.dnsPublished.length) continue;
    const known = out.find((v) => v.id === r.vendor!.id);
    if (known) {
      if (!known.ips.includes(r.ip)) known.ips.push(r.ip);
    } else out.push({ id: r.vendor.id, ips: [r.ip] });
  }
  return out;
}

/** The addresses published at one name: an SPF record expanded, or a host name's addresses. */
export async function expandPublication(name: string, kind: 'spf' | 'a', resolver: DnsResolver): Promise<{ ranges: string[]; complete: boolean }> {
  const x = new Expansion(resolver);
  if (kind === 'spf') await x.spf(name);
  else await x.host(name);
  return { ranges: x.ranges, complete: x.complete };
}

export async function lookupVendorRanges(a: Analysis, resolver: DnsResolver): Promise<VendorDnsRanges[]> {
  const out: VendorDnsRanges[] = [];
  for (const v of vendorsToLookUp(a)) {
    for (const pub of vendorInfo(v.id)?.dnsPublished ?? []) {
      const { ranges, complete } = await expandPublication(pub.name, pub.kind, resolver);
      const specs = ranges.map((r) => parseIpSpec(r)).filter((s) => s !== null);
      const covers = v.ips.filter((ip) => specs.some((s) => ipInSpec(ip, s)));
      out.push({ vendorId: v.id, name: pub.name, ranges, covers, complete });
    }
  }
  return out;
}
