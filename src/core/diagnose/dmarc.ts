// DMARC: whether it would have passed at the gateway, and the receiver's DMARC failure.
import type { Analysis, AuthResult } from '../types';
import { dkimResultDomain } from './dkim';
import { fromDomain } from './organisation';
import { hasRelays } from './route';
import { domainOfAddress, gatewayClaims, sameOrgDomain, verdictResult, type StampedResults } from './verdicts';

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
