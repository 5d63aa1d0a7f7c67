/**
 * dmarc-fail-after-relay: the receiver's DMARC check failed although a relay in front of it had
 * checked the same message and DMARC (or an aligned SPF / DKIM result) passed there. The message
 * was genuine when the gateway saw it; the relay hop itself broke DMARC (the receiver judged SPF on
 * the gateway's IP, and/or the gateway changed the message so DKIM no longer verifies).
 */
import type { Rule } from '../rule';
import { domainOfAddress, stampName, verdictResult } from '../verdicts';
import { fromDomain } from '../organisation';
import { gatewayArcSet, hasRelays, receiverLabel, relayLabel, relayRemedies } from '../route';
import { gatewayDmarcPass } from '../dmarc';
import { makeFinding, stampEvidence } from '../evidence';

export const dmarcFailAfterRelay: Rule = {
  id: 'dmarc-fail-after-relay',
  description: "DMARC failed at the receiver although the gateway in front of it found the message authenticated.",
  run({ analysis: a }) {
    if (!hasRelays(a)) return [];
    const dm = verdictResult(a, 'dmarc');
    if (!dm || dm.result.result !== 'fail') return [];
    const from = domainOfAddress(dm.result.props['header.from']) ?? fromDomain(a);
    const passed = gatewayDmarcPass(a, from);
    if (!passed) return [];
    const remedies = [...relayRemedies(a)];
    if (a.boundary.receiver === 'exchange-online' && gatewayArcSet(a)) remedies.push('arc-trusted-sealer');
    const receiver = receiverLabel(a);
    const msg = `DMARC for ${from ?? 'the From domain'} failed at ${receiver}, but ${relayLabel(a)} had found ${passed.what} (${stampName(passed.claim.stamp)}): the message was authentic when the gateway received it and the relay hop broke DMARC.`;
    return [
      makeFinding(
        'dmarc-fail-after-relay',
        'error',
        msg,
        a.boundary.entryHopIndex,
        [stampEvidence(a, dm.from.stamp, `dmarc=${dm.result.result}`), stampEvidence(a, passed.claim.stamp, `${passed.what} at the gateway`)],
        remedies,
      ),
    ];
  },
};
