/**
 * The recipient domain's MX: where the recipient's own DNS says its mail goes. A relay of the
 * recipient that the MX names (or resolves to) is the recipient's gateway by the recipient's own
 * configuration, the strongest evidence a message cannot forge. Looked up only when DNS is allowed
 * (recorded or live), and only for the recipient's domains, never the sender's.
 */
import type { Analysis, Verification } from '../types';
import { normalizeIp } from '../net/ip';
import { normalizeHost } from '../net/kb';
import type { DnsResolver } from './resolver';

const MAX_DOMAINS = 3;
const MAX_HOSTS = 5;

function answers(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

/** The recipient's domains to look up: the settings' domains, else the domains the message was delivered to. */
export function recipientDomainsForMx(a: Analysis): string[] {
  const own = a.facts?.ownDomains?.source === 'settings' ? a.facts.ownDomains.domains : [];
  const fromRecipients = a.summary.recipients.map((r) => normalizeHost(r.slice(r.lastIndexOf('@') + 1))).filter((d): d is string => !!d);
  return [...new Set([...own, ...fromRecipients])].filter((d) => d.includes('.')).slice(0, MAX_DOMAINS);
}

export async function lookupRecipientMx(a: Analysis, resolver: DnsResolver): Promise<NonNullable<Verification['mx']>> {
  const f = a.facts;
  // only when the route has relays of the recipient to confirm, and the mailbox can have a gateway
  if (!f || !f.relays.length || f.receiver.consumer) return [];
  const out: NonNullable<Verification['mx']> = [];
  for (const domain of recipientDomainsForMx(a)) {
    let mx: unknown[] = [];
    try {
      mx = answers(await resolver(domain, 'MX'));
    } catch {
      continue; // recorded as a lookup outcome by the recording resolver
    }
    const hosts: Array<{ exchange: string; priority: number; addresses: string[] }> = [];
    for (const m of mx.slice(0, MAX_HOSTS)) {
      const rec = m as { exchange?: unknown; priority?: unknown };
      const exchange = typeof rec.exchange === 'string' ? normalizeHost(rec.exchange) : undefined;
      if (!exchange) continue;
      const addresses: string[] = [];
      try {
        for (const ip of answers(await resolver(exchange, 'A'))) {
          const n = typeof ip === 'string' ? normalizeIp(ip) : undefined;
          if (n) addresses.push(n);
        }
      } catch {
        /* no address: the name alone still counts */
      }
      hosts.push({ exchange, priority: typeof rec.priority === 'number' ? rec.priority : 0, addresses });
    }
    if (hosts.length) out.push({ domain, hosts });
  }
  return out;
}
