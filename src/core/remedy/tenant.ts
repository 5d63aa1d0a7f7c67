// The tenant's names in the scripts (inbound connector, receiving domain, MX host, SPF include): the options first, validated, else placeholders.
import type { Analysis, Cloud } from '../types';
import { checkConnectorName, checkDomain } from './powershell';
import { say } from './say';
import type { RemedyOptions } from './options';
import { Omitted } from './draft';

export const PLACEHOLDER_CONNECTOR = '<your inbound connector>';

export function connectorIdentity(options: RemedyOptions, omitted: Omitted, fallback = PLACEHOLDER_CONNECTOR): { name: string; placeholder: boolean } {
  if (options.connectorName === undefined || options.connectorName === '') return { name: fallback, placeholder: true };
  const c = checkConnectorName(options.connectorName);
  if (c.ok) return { name: c.value, placeholder: false };
  omitted.add(options.connectorName, say('omit.connectorName', { reason: c.reason }));
  return { name: fallback, placeholder: true };
}

export function newConnectorName(options: RemedyOptions, omitted: Omitted, fallback: string): string {
  if (options.newConnectorName === undefined || options.newConnectorName === '') return fallback;
  const c = checkConnectorName(options.newConnectorName);
  if (c.ok) return c.value;
  omitted.add(options.newConnectorName, say('omit.newConnectorName', { reason: c.reason }));
  return fallback;
}

/** The receiving organisation's domain (options first, then recipients), validated. */
export function receivingDomain(a: Analysis, options: RemedyOptions): string | undefined {
  const candidates: unknown[] = [...(Array.isArray(options.receivingDomains) ? options.receivingDomains : [])];
  for (const r of Array.isArray(a.summary?.recipients) ? a.summary.recipients : []) {
    if (typeof r === 'string') candidates.push(r.slice(r.lastIndexOf('@') + 1));
  }
  for (const c of candidates) {
    const d = checkDomain(c);
    if (d.ok) return d.value;
  }
  return undefined;
}

/**
 * The tenant's MX host: options.mxHost; else the recipient domain's MX when DNS (recorded or live)
 * shows it naming Exchange Online; else, worldwide, the usual `<domain-with-dashes>.mail.protection.outlook.com`;
 * GCC High and DoD name it after the tenant (`<tenant>.mail.protection.office365.us`), 21Vianet after
 * a domain key (`<domain-key>.mail.protection.partner.outlook.cn`): placeholders there.
 */
export function tenantMxHost(a: Analysis, options: RemedyOptions, omitted: Omitted, cloud: Cloud = 'worldwide'): { host: string; guessed: boolean; placeholder: boolean } {
  if (options.mxHost !== undefined) {
    const d = checkDomain(options.mxHost, { what: 'MX host' });
    if (d.ok) return { host: d.value, guessed: false, placeholder: false };
    omitted.add(options.mxHost, say('omit.mxHost', { reason: d.reason }));
  }
  // the recipient domain's MX as recorded or looked up, when it names Exchange Online itself
  for (const m of Array.isArray(a.verification?.mx) ? a.verification.mx : []) {
    for (const h of Array.isArray(m?.hosts) ? m.hosts : []) {
      const host = typeof h?.exchange === 'string' ? h.exchange.toLowerCase().replace(/\.$/, '') : '';
      if (EXCHANGE_MX.test(host) && checkDomain(host).ok) return { host, guessed: false, placeholder: false };
    }
  }
  if (cloud === 'gcc-high' || cloud === 'dod') return { host: '<tenant>.mail.protection.office365.us', guessed: true, placeholder: true };
  if (cloud === '21vianet') return { host: '<domain-key>.mail.protection.partner.outlook.cn', guessed: true, placeholder: true };
  const dom = receivingDomain(a, options);
  return dom
    ? { host: `${dom.replace(/\./g, '-')}.mail.protection.outlook.com`, guessed: true, placeholder: false }
    : { host: '<your-domain>.mail.protection.outlook.com', guessed: true, placeholder: true };
}

/** MX host names of Exchange Online in each cloud (worldwide, the newer mx.microsoft, GCC High / DoD, 21Vianet). */
const EXCHANGE_MX = /^[a-z0-9-]+\.(mail\.protection\.outlook\.com|[a-z0-9-]+\.mx\.microsoft|mail\.protection\.office365\.us|mail\.protection\.partner\.outlook\.cn)$/;

/** Microsoft 365's SPF include for a cloud (Microsoft's SPF set-up article). */
export function spfIncludeFor(cloud: Cloud): string {
  return cloud === 'gcc-high' || cloud === 'dod' ? 'include:spf.protection.office365.us' : cloud === '21vianet' ? 'include:spf.protection.partner.outlook.cn' : 'include:spf.protection.outlook.com';
}
