/**
 * spf-evaluated-on-relay: the receiver checked SPF against the address of a relay in front of it
 * (the gateway that connected), not against the original sender's address. The sender's SPF record
 * does not list the gateway, so SPF fails or soft-fails on every message that takes this route.
 */
import type { Rule } from '../rule';
import { deviceRelay } from '../organisation';
import { entryHop, fromLabel, nonLinearRoute, receiverLabel, relayLabel, relayRemedies } from '../route';
import { hopEvidence, makeFinding } from '../evidence';
import { spfFailed, spfOnRelay, spfWhatIfOriginal } from '../verdicts';

export const spfEvaluatedOnRelay: Rule = {
  id: 'spf-evaluated-on-relay',
  description: "The receiver's SPF check used a relay's (gateway's) IP address instead of the original sender's.",
  run({ analysis: a, options }) {
    const spf = spfOnRelay(a);
    if (!spf || !spf.ip) return [];
    // An organisation's own device or app relaying through its own server: the fix is the SPF
    // record or the connector (relay-device-spf), not Enhanced Filtering.
    if (deviceRelay(a, options)) return [];
    // Non-linear routing: the returning pass judged the organisation's own servers; the first pass counts.
    if (nonLinearRoute(a, options)) return [];
    const result = spf.result ?? 'unknown';
    const severity = spfFailed(result) ? 'error' : result === 'pass' ? 'info' : 'warning';
    const b = a.boundary;
    const orig = b.originalSenderHopIndex !== null ? a.hops[b.originalSenderHopIndex] : null;
    const origText = b.originalSenderIp
      ? `the original sender ${orig && orig.from.ip === b.originalSenderIp ? fromLabel(orig) : b.originalSenderIp}`
      : 'the original sender (not recorded in the Received chain)';
    const domain = spf.domain ? ` for ${spf.domain}` : '';
    const consequence =
      severity === 'error'
        ? `; the result spf=${result} says nothing about the real sender`
        : severity === 'info'
          ? '; it passed only because the domain authorises the relay'
          : `; spf=${result}`;
    let msg = `${receiverLabel(a)} evaluated SPF${domain} on ${spf.ip} (${relayLabel(a, spf.ip !== b.connectingIp)}) instead of ${origText}${consequence}.`;
    const whatIf = spfWhatIfOriginal(a);
    if (whatIf && whatIf.ip !== spf.ip) msg += ` Checked on the original sender ${whatIf.ip}, SPF gives ${whatIf.result}.`;
    const entry = entryHop(a);
    return [
      makeFinding(
        'spf-evaluated-on-relay',
        severity,
        msg,
        b.entryHopIndex,
        [...spf.evidence, hopEvidence(a, entry?.index, `connected from ${spf.ip}`), hopEvidence(a, b.originalSenderHopIndex, 'original sender')],
        relayRemedies(a),
      ),
    ];
  },
};
