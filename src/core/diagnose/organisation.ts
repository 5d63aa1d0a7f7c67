// The receiving organisation: its domains, consumer mailboxes, intra-org mail, and its own devices relaying mail.
import type { Analysis } from '../types';
import { lookupProviderByIp } from '../net/kb';
import type { DiagnoseOptions } from './rule';
import { quote } from './evidence';
import { fromLabel, hostUnderDomains, isPrivateAddress, nonLinearRoute } from './route';
import { sameOrgDomain, spfEvaluation, spfFailed, type SpfEvaluation } from './verdicts';

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
