// DKIM results and signatures: matching results to signatures, where a broken signature was changed, and the likely causes.
import type { Analysis, AuthResult, Evidence, Finding } from '../types';
import { vendorInfo } from '../net/kb';
import { shortVendorName } from '../present/vendors';
import { quote, stampEvidence } from './evidence';
import { fromDomain } from './organisation';
import { gatewayArcSet, hasRelays, lastRelayHop, receiverLabel, relayLabel, relayVendor } from './route';
import { domainOfAddress, gatewayClaims, sameOrgDomain, stampName, verdictResults, type StampedResults } from './verdicts';

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
