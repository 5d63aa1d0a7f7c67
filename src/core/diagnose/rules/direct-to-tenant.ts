/**
 * direct-to-tenant: the message reached the tenant straight from the internet although a gateway
 * is in use — the sender bypassed the MX and connected to Microsoft 365 (or Gmail) directly. Two
 * ways to see it in one message: the connecting host claims a gateway vendor's name in its HELO
 * while nothing else (reverse DNS, vendor headers, published ranges) confirms it — the usual
 * phishing trick — or the user configured the gateway as a trusted relay and it is not on the route.
 * The fix is to accept internet mail only from the gateway ("Configure Exchange Online to accept SMTP connection only from specific mail security gateway", o365info; Microsoft Learn, "Manage mail flow using a third-party cloud service with Exchange Online").
 */
import type { Rule } from '../rule';
import { lookupProviderByIp } from '../../net/kb';
import { isPublicIp } from '../../net/ip';
import { entryHop, fromLabel, hasRelays, receiverLabel } from '../route';
import { hopEvidence, makeFinding, quote } from '../evidence';
import { isConsumer, isIntraOrg } from '../organisation';
import { spfEvaluation } from '../verdicts';
import { shortVendorName } from '../../present/vendors';

export const directToTenant: Rule = {
  id: 'direct-to-tenant',
  description: 'Mail reached the tenant directly from the internet, bypassing the gateway (HELO claims the vendor, or the configured relays are not on the route).',
  run({ analysis: a, options }) {
    const b = a.boundary;
    // a consumer mailbox has no gateway to bypass and nothing to lock down
    if ((b.receiver !== 'exchange-online' && b.receiver !== 'gmail') || hasRelays(a) || isConsumer(a)) return [];
    const e = entryHop(a);
    if (!e || !e.from.ip || !isPublicIp(e.from.ip)) return [];
    const prov = lookupProviderByIp(e.from.ip);
    if (prov) return []; // Microsoft 365 / Google infrastructure, not a direct internet sender
    if (isIntraOrg(a)) return [];
    const remedies = b.receiver === 'gmail' ? ['gmail-inbound-gateway'] : ['lockdown-connector', 'lockdown-certificate'];
    const receiver = receiverLabel(a);
    // the receiver's SPF passing on the address means the sending domain authorises it: its own
    // outbound server using the vendor's name, not a phish borrowing it
    const spfPassed = spfEvaluation(a).result === 'pass';
    if (e.vendor && e.vendor.confidence === 'weak' && !spfPassed) {
      const name = shortVendorName(e.vendor.name);
      const rdns = e.from.rdns ? `its reverse DNS is ${quote(e.from.rdns, 80)}` : 'it has no reverse DNS name';
      const msg = `The host ${fromLabel(e)} announced itself as "${quote(e.from.helo, 80)}" (a ${name} name) but ${rdns} and nothing else in the message confirms ${name}: it connected to ${receiver} directly, bypassing the gateway. Accept internet mail only from the gateway.`;
      return [makeFinding('direct-to-tenant', 'error', msg, e.index, [hopEvidence(a, e.index, `HELO ${quote(e.from.helo, 60)} from ${e.from.ip}`)], remedies)];
    }
    if ((options.trustedRelays ?? []).some((s) => s.trim())) {
      const msg = `The message reached ${receiver} directly from ${fromLabel(e)}, not through the configured gateway/trusted relays: the sender bypassed the MX. Accept internet mail only from the gateway.`;
      return [makeFinding('direct-to-tenant', 'error', msg, e.index, [hopEvidence(a, e.index, `connected from ${e.from.ip}`)], remedies)];
    }
    return [];
  },
};
