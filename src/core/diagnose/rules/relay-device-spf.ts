/**
 * relay-device-spf: an application, printer or internal server of the organisation sent mail from
 * the organisation's own domain through a relay/connector, and the receiver's SPF check failed on
 * the address that connected: the domain's SPF record does not list it (Microsoft Learn, "How to set up a multifunction device or application to send email using Microsoft 365 or Office 365"). Fix: add the
 * relay's public address to the SPF record, and receive such mail on a connector for that address.
 */
import type { Rule } from '../rule';
import { deviceRelay, fromDomain } from '../organisation';
import { hasRelays, receiverLabel } from '../route';
import { headerEvidence, hopEvidence, makeFinding, quote } from '../evidence';

export const relayDeviceSpf: Rule = {
  id: 'relay-device-spf',
  description: "An app/device relay sent mail from the organisation's own domain through an address its SPF record does not list.",
  run({ analysis: a, options }) {
    const d = deviceRelay(a, options);
    if (!d) return [];
    const from = fromDomain(a);
    const envelope = from && from !== d.domain ? ` (envelope sender domain ${quote(d.domain, 80)})` : '';
    let msg = `Mail from the organisation's own domain ${quote(from ?? d.domain, 80)}${envelope} was relayed from ${d.ip}, and ${receiverLabel(a)}'s SPF check failed (spf=${d.spf.result}): the SPF record of ${quote(d.domain, 80)} does not list ${d.ip}. This is an application or device relay: ${d.why}.`;
    if (a.boundary.receiver === 'exchange-online' && !hasRelays(a) && a.microsoft?.org.authAs?.toLowerCase() === 'anonymous') {
      msg += ' It connected straight to the MX without signing in and no connector identified it (X-MS-Exchange-Organization-AuthAs: Anonymous): Microsoft calls this Direct Send.';
    }
    return [
      makeFinding(
        'relay-device-spf',
        'error',
        msg,
        a.boundary.entryHopIndex,
        [...d.spf.evidence, hopEvidence(a, a.boundary.entryHopIndex, `relay ${d.ip} connected here`), headerEvidence(a, 'x-ms-exchange-organization-authas', 'AuthAs'), headerEvidence(a, 'from', 'From: the organisation\'s own domain')],
        ['spf-record-relay', 'device-relay-certificate', 'device-relay-connector', 'reject-direct-send'],
      ),
    ];
  },
};
