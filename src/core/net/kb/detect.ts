/**
 * Vendor detection: every signal of one hop or message (rDNS, by-host, HELO, IP, header names,
 * authserv-ids, ARC sealers, DKIM domains) weighed into the vendors it points at, best first.
 */
import type { VendorMatch } from '../../types';
import { parseIp } from '../ip';
import { clip, normalizeHost } from './names';
import { lookupProviderByHost } from './provider-lookup';
import { vendorArc, vendorAuthserv, vendorDkim, vendorHosts, vendorIndex } from './tables';
import { hostHits, toHit, vendorByHost, vendorByIp, vendorsByHeaderName, type VendorHit } from './vendor-lookup';
import type { VendorRecord, Weight } from './vendors';

export interface VendorSignals {
  /** Reverse-DNS name the receiving MTA looked up for the connecting client. */
  rdns?: string;
  /** The `by` host of a Received field (the receiving MTA names itself). */
  byHost?: string;
  /** The HELO/EHLO name: a claim by the client, weak on its own. */
  helo?: string;
  ip?: string;
  headerNames?: string[];
  authservIds?: string[];
  arcSealers?: string[];
  /** DKIM d= domains of signatures in the message. */
  dkimDomains?: string[];
}

type SignalKind = VendorMatch['signals'][number]['kind'];

const MAX_LIST = 5000;
const MAX_SIGNALS = 16;

interface Acc {
  vendor: VendorRecord;
  order: number;
  strong: number;
  weak: number;
  supporting: number;
  signals: VendorMatch['signals'];
  seen: Set<string>;
}

/**
 * Every vendor the signals point at, best first. A vendor is reported when at least one signal is
 * more than 'supporting'; confidence is 'strong' when rDNS, the by-host, a published range, a
 * vendor-specific header, an authserv-id, an ARC sealer or the vendor's own DKIM domain matched,
 * 'weak' when only the HELO (or a header name whose attribution is disputed) did. Supporting
 * signals (generic header names, ranges only observed in samples) are listed with the others but
 * never report a vendor by themselves.
 */
export function detectVendors(signals: VendorSignals): VendorMatch[] {
  const accs = new Map<string, Acc>();
  const add = (hit: VendorHit, kind: SignalKind, weight: Weight, detail: string) => {
    let acc = accs.get(hit.id);
    if (!acc) {
      const rec = vendorIndex.get(hit.id);
      if (!rec) return;
      acc = { vendor: rec.vendor, order: rec.order, strong: 0, weak: 0, supporting: 0, signals: [], seen: new Set() };
      accs.set(hit.id, acc);
    }
    const key = `${kind}\u0000${detail}`;
    if (acc.seen.has(key)) return;
    acc.seen.add(key);
    acc[weight]++;
    const d = `${detail}${hit.verified ? '' : ' [unverified]'}`;
    if (acc.signals.length < MAX_SIGNALS) acc.signals.push({ kind, detail: d });
  };
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.slice(0, MAX_LIST).filter((s): s is string => typeof s === 'string') : []);

  if (typeof signals.rdns === 'string') {
    const h = normalizeHost(signals.rdns);
    if (h) for (const hit of hostHits(vendorHosts, h)) add(hit, 'rdns', 'strong', `reverse DNS ${h} matches ${hit.matched}`);
  }
  if (typeof signals.byHost === 'string') {
    const h = normalizeHost(signals.byHost);
    if (h) for (const hit of hostHits(vendorHosts, h)) add(hit, 'by-host', 'strong', `received by ${h} (matches ${hit.matched})`);
  }
  if (typeof signals.helo === 'string') {
    const h = normalizeHost(signals.helo);
    if (h) {
      for (const hit of hostHits(vendorHosts, h)) {
        add(hit, 'helo', 'weak', `HELO ${h} matches ${hit.matched} (claimed by the client, not proven)`);
      }
    }
  }
  if (typeof signals.ip === 'string') {
    const hit = vendorByIp(signals.ip);
    const p = parseIp(signals.ip);
    if (hit && p) {
      const what = hit.status === 'published' ? 'published range' : 'range only observed in samples, not published';
      add(hit, 'ip-range', hit.weight, `IP ${p.ip} in ${hit.matched} (${what})`);
    }
  }
  for (const name of new Set(list(signals.headerNames).map((n) => n.trim()))) {
    for (const hit of vendorsByHeaderName(name)) {
      const extra =
        hit.weight === 'supporting'
          ? ` (${hit.note ?? 'generic name'}; supports other evidence only)`
          : hit.weight === 'weak'
            ? ` (${hit.note ?? 'attribution disputed'})`
            : '';
      add(hit, 'header', hit.weight, `header ${clip(name)} matches ${hit.matched}${extra}`);
    }
  }
  for (const id of new Set(list(signals.authservIds))) {
    const h = normalizeHost(id);
    if (h) for (const hit of hostHits(vendorAuthserv, h)) add(hit, 'authserv-id', 'strong', `authserv-id ${h} matches ${hit.matched}`);
  }
  for (const d of new Set(list(signals.arcSealers))) {
    const h = normalizeHost(d);
    if (!h) continue;
    for (const x of vendorArc.match(h)) {
      const sealer = x.pattern.startsWith('*.') ? x.pattern.slice(2) : x.pattern;
      add(toHit(x.item, sealer), 'arc-sealer', 'strong', `ARC sealer d=${h} matches the vendor's sealer domain ${sealer}`);
    }
  }
  for (const d of new Set(list(signals.dkimDomains))) {
    const h = normalizeHost(d);
    if (h) for (const hit of hostHits(vendorDkim, h)) add(hit, 'header', 'strong', `DKIM-Signature d=${h} matches ${hit.matched}`);
  }

  const out: Array<{ m: VendorMatch; acc: Acc }> = [];
  for (const acc of accs.values()) {
    if (acc.strong === 0 && acc.weak === 0) continue;
    out.push({
      acc,
      m: { id: acc.vendor.id, name: acc.vendor.name, signals: acc.signals, confidence: acc.strong > 0 ? 'strong' : 'weak' },
    });
  }
  out.sort(
    (a, b) =>
      (b.acc.strong > 0 ? 1 : 0) - (a.acc.strong > 0 ? 1 : 0) ||
      b.acc.strong + b.acc.weak - (a.acc.strong + a.acc.weak) ||
      b.acc.supporting - a.acc.supporting ||
      a.acc.order - b.acc.order,
  );
  return out.map((x) => x.m);
}

/** The vendor the signals point at most strongly (see detectVendors), or undefined. */
export function detectVendor(signals: VendorSignals): VendorMatch | undefined {
  return detectVendors(signals)[0];
}

/** Who operates a host: Microsoft 365, Google, a known vendor, or someone else. */
export function classifyHostOperator(host: string): 'microsoft365' | 'google' | 'vendor' | 'other' {
  const p = lookupProviderByHost(host);
  if (p) return p.id;
  return vendorByHost(host) ? 'vendor' : 'other';
}
