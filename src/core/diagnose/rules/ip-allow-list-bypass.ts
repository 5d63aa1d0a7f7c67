/**
 * ip-allow-list-bypass: IPV:CAL — the connecting address is in the connection filter policy's IP
 * Allow List, so Exchange Online skipped spam filtering. With a gateway in front, that address is
 * the gateway's (shared by many customers): everything that passes it is delivered unfiltered.
 * Enhanced Filtering is the supported way to have EOP trust the gateway's route.
 */
import type { Rule } from '../rule';
import { forefrontEvidence, makeFinding } from '../evidence';
import { hasRelays, relayLabel } from '../route';
import { isConsumer } from '../organisation';

export const ipAllowListBypass: Rule = {
  id: 'ip-allow-list-bypass',
  description: "The connecting IP is in the connection filter IP Allow List (IPV:CAL): spam filtering was skipped.",
  run({ analysis: a }) {
    if (isConsumer(a)) return []; // a consumer mailbox has no mail flow rules or allow lists of its own
    const ff = a.microsoft?.forefront;
    if (!ff || ff.untrusted || ff.ipv?.toUpperCase() !== 'CAL') return [];
    const ip = ff.cip ?? a.boundary.connectingIp ?? 'the connecting address';
    const relays = hasRelays(a);
    const msg = relays
      ? `${ip} (${relayLabel(a, false)}) is in the connection filter IP Allow List (IPV:CAL): Exchange Online skipped spam filtering for everything that comes through the gateway. Remove it and use Enhanced Filtering instead.`
      : `${ip} is in the connection filter IP Allow List (IPV:CAL): Exchange Online skipped spam filtering for this sender.`;
    return [
      makeFinding(
        'ip-allow-list-bypass',
        'warning',
        msg,
        a.boundary.entryHopIndex,
        [forefrontEvidence(a, 'IPV:CAL')],
        relays && a.boundary.receiver === 'exchange-online' ? ['remove-ip-allow', 'efc-skip-ips', 'efc-skip-last-ip'] : ['remove-ip-allow'],
      ),
    ];
  },
};
