/**
 * relay-device-spf: an application, printer or internal server of the organisation sent mail from
 * the organisation's own domain through a relay/connector, and the receiver's SPF check failed on
 * the address that connected: the domain's SPF record does not list it (seed 004). Fix: add the
 * relay's public address to the SPF record, and receive such mail on a connector for that address.
 */
import type { Rule } from '../index';
import { deviceRelay, headerEvidence, hopEvidence, makeFinding, quote, receiverLabel } from '../util';

export const relayDeviceSpf: Rule = {
  id: 'relay-device-spf',
  description: "An app/device relay sent mail from the organisation's own domain through an address its SPF record does not list.",
  run({ analysis: a, options }) {
    const d = deviceRelay(a, options);
    if (!d) return [];
    const msg = `Mail from the organisation's own domain ${quote(d.domain, 80)} was relayed from ${d.ip}, and ${receiverLabel(a)}'s SPF check failed (spf=${d.spf.result}): the SPF record of ${quote(d.domain, 80)} does not list ${d.ip}. This is an application or device relay: ${d.why}.`;
    return [
      makeFinding(
        'relay-device-spf',
        'error',
        msg,
        a.boundary.entryHopIndex,
        [...d.spf.evidence, hopEvidence(a, a.boundary.entryHopIndex, `relay ${d.ip} connected here`), headerEvidence(a, 'x-ms-exchange-organization-authas', 'AuthAs'), headerEvidence(a, 'from', 'From: the organisation\'s own domain')],
        ['spf-record-relay', 'device-relay-connector'],
      ),
    ];
  },
};
