/**
 * efc-not-enabled: mail reaches Exchange Online through a gateway or other relay, and Enhanced
 * Filtering for Connectors (skip listing) is not on for it — no X-MS-Exchange-SkipListedInternetSender.
 * EOP then treats the relay as the sender: SPF is checked on the relay's address, reputation and
 * anti-spoofing look at the relay, and DKIM failures caused by the relay are not recovered (Microsoft Learn, "Enhanced Filtering for Connectors in Exchange Online").
 */
import type { Rule } from '../rule';
import { deviceRelay, isIntraOrg } from '../organisation';
import { entryHop, relayLabel } from '../route';
import { forefrontEvidence, hopEvidence, makeFinding } from '../evidence';
import { receiverAuthFailed, spfOnRelay } from '../verdicts';

export const efcNotEnabled: Rule = {
  id: 'efc-not-enabled',
  description: 'A gateway or relay sits in front of Microsoft 365 and Enhanced Filtering for Connectors is not applied to this message.',
  run({ analysis: a, options }) {
    // the facts step decided it: Exchange Online, not a consumer mailbox, a relay of the recipient
    // in front of it on a linear route, and no skip-listing header
    if (a.facts?.efc?.state !== 'off') return [];
    const ms = a.microsoft;
    if (isIntraOrg(a) || deviceRelay(a, options)) return [];
    const failed = receiverAuthFailed(a);
    const onRelay = spfOnRelay(a);
    const cip = ms?.forefront && !ms.forefront.untrusted ? ms.forefront.cip : undefined;
    const judged = cip ?? a.boundary.connectingIp;
    let msg = `Mail reaches Exchange Online through ${relayLabel(a)} and Enhanced Filtering for Connectors is not applied (no X-MS-Exchange-SkipListedInternetSender): EOP treats ${judged ?? 'the relay'} as the sender`;
    if (a.boundary.originalSenderIp) msg += ` instead of ${a.boundary.originalSenderIp}`;
    msg += failed ? ', and authentication failed as a result.' : onRelay ? '.' : '; authentication happened to pass, but reputation and spoof checks still look at the relay.';
    return [
      makeFinding(
        'efc-not-enabled',
        failed ? 'error' : 'warning',
        msg,
        a.boundary.entryHopIndex,
        [forefrontEvidence(a, cip ? `CIP:${cip} (the relay)` : undefined), hopEvidence(a, entryHop(a)?.index, 'relay connected to Exchange Online here'), ...(onRelay?.evidence ?? [])],
        ['efc-skip-ips', 'efc-skip-last-ip'],
      ),
    ];
  },
};
