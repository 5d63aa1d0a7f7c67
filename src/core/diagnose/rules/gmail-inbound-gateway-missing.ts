/**
 * gmail-inbound-gateway-missing: a gateway sits in front of Gmail (Google Workspace) and Gmail
 * judged SPF on the gateway's address: the Workspace "Inbound gateway" setting does not list the
 * gateway's IPs (or "Automatically detect external IP" is off). With the setting, Gmail skips the
 * gateway and evaluates the original sender (Google Workspace Admin Help, "Set up an inbound mail gateway").
 */
import type { Rule } from '../rule';
import { entryHop, relayLabel } from '../route';
import { hopEvidence, makeFinding } from '../evidence';
import { receiverAuthFailed, spfFailed, spfOnRelay } from '../verdicts';

export const gmailInboundGatewayMissing: Rule = {
  id: 'gmail-inbound-gateway-missing',
  description: "A gateway sits in front of Gmail and Gmail evaluated SPF on the gateway's IP: the Inbound gateway setting is missing.",
  run({ analysis: a }) {
    if (a.boundary.receiver !== 'gmail') return [];
    const spf = spfOnRelay(a);
    if (!spf || !spf.ip) return [];
    const failed = spfFailed(spf.result) || receiverAuthFailed(a);
    const msg = `Gmail evaluated SPF on ${spf.ip} (${relayLabel(a, spf.ip !== a.boundary.connectingIp)}), so the Google Workspace Inbound gateway setting does not cover it (gateway IPs with "Automatically detect external IP")${failed ? `; spf=${spf.result ?? '?'} is the result for the gateway, not for the sender` : ''}.`;
    return [
      makeFinding(
        'gmail-inbound-gateway-missing',
        failed ? 'error' : 'warning',
        msg,
        a.boundary.entryHopIndex,
        [...spf.evidence, hopEvidence(a, entryHop(a)?.index, `gateway ${spf.ip} connected to Gmail`)],
        ['gmail-inbound-gateway'],
      ),
    ];
  },
};
