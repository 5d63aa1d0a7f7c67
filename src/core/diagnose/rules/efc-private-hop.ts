/**
 * efc-private-hop: a relay in front of Microsoft 365 received the message from a private
 * (RFC 1918), carrier-grade-NAT, unique-local or link-local address — an on-premises server or
 * appliance behind NAT. Enhanced Filtering skips such addresses by itself and does not accept them
 * in EFSkipIPs (Microsoft Learn, "Enhanced Filtering for Connectors in Exchange Online"); only the public addresses belong there. If the server that talks to
 * Microsoft 365 is itself behind NAT, give it a public address of its own.
 * Loopback hops (a gateway's internal filter hand-off, e.g. Proofpoint's pps.filterd) are not NAT.
 */
import type { Rule } from '../rule';
import { classifyIp, ipClassName } from '../../net/ip';
import { fromLabel, nonLinearRoute } from '../route';
import { hopEvidence, makeFinding } from '../evidence';

const NAT_CLASSES = new Set(['private', 'cgnat', 'unique-local', 'link-local']);

function kind(ip: string): string {
  const c = classifyIp(ip);
  return c === 'private' ? 'private RFC 1918' : c === 'cgnat' ? 'carrier-grade NAT' : c === 'unique-local' ? 'unique-local IPv6' : 'link-local';
}

export const efcPrivateHop: Rule = {
  id: 'efc-private-hop',
  description: 'A relay in front of Microsoft 365 received the message from a private / NAT address, which Enhanced Filtering skips and cannot list.',
  run({ analysis: a, options }) {
    if (a.boundary.receiver !== 'exchange-online' || nonLinearRoute(a, options)) return [];
    const hops = [...a.boundary.relayHopIndexes].reverse().map((i) => a.hops[i]).filter((h) => !!h && !!h.from.ip && NAT_CLASSES.has(classifyIp(h.from.ip)));
    if (!hops.length) return [];
    const nearest = hops[0];
    const list = hops.map((h) => `${fromLabel(h)}, a ${kind(h.from.ip!)} address`).join('; ');
    const ips = [...new Set(hops.map((h) => h.from.ip!))].join(', ');
    const msg = `The relays in front of Microsoft 365 passed the message on from ${list}. Enhanced Filtering skips private addresses automatically and does not accept them in EFSkipIPs: list only the public addresses (${a.boundary.relayIps.join(', ') || 'none seen'}), not ${ips}. If the server that connects to Microsoft 365 is behind NAT, give it a public address of its own.`;
    return [makeFinding('efc-private-hop', 'info', msg, nearest.index, hops.map((h) => hopEvidence(a, h.index, `${ipClassName(classifyIp(h.from.ip!))} ${h.from.ip}`)), [])];
  },
};
