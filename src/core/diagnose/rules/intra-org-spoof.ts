/**
 * intra-org-spoof: the From domain is one of the receiving organisation's own domains and the
 * message failed authentication at the organisation's own tenant (compauth=fail, reason 010 / 6xx
 * in Exchange Online, or DMARC fail). Either an outsider is sending as the organisation, or one of
 * its own senders (a device, an application, a SaaS service) is missing from SPF/DKIM.
 */
import type { Rule } from '../rule';
import { compauth, spfEvaluation } from '../verdicts';
import { deviceRelay, fromDomain, fromIsOwnDomain } from '../organisation';
import { dmarcFailure } from '../dmarc';
import { hasRelays, receiverLabel } from '../route';
import { headerEvidence, makeFinding, quote, stampEvidence } from '../evidence';

export const intraOrgSpoof: Rule = {
  id: 'intra-org-spoof',
  description: "Mail from the organisation's own domain failed authentication at the organisation's own tenant.",
  run({ analysis: a, options }) {
    if (!fromIsOwnDomain(a, options)) return [];
    const ca = compauth(a);
    const dm = dmarcFailure(a);
    if (ca?.result !== 'fail' && !dm) return [];
    const domain = fromDomain(a) ?? '?';
    const spf = spfEvaluation(a);
    const outcome = ca?.result === 'fail' ? `compauth=fail${ca.reason ? ` reason=${ca.reason}` : ''}` : 'dmarc=fail';
    const device = deviceRelay(a, options);
    const source = spf.ip ?? a.boundary.connectingIp ?? 'an unknown address';
    // anonymous, straight to the tenant's MX, no connector: the shape Microsoft calls Direct Send
    const directSend = a.boundary.receiver === 'exchange-online' && !hasRelays(a) && a.microsoft?.org.authAs?.toLowerCase() === 'anonymous';
    let msg = device
      ? `Mail from your own domain ${quote(domain, 80)} failed authentication at ${receiverLabel(a)} (${outcome}) and is treated as a spoof of your domain: it came from your own device or application at ${device.ip} (${device.why}), which the SPF record of ${quote(device.domain || domain, 80)} does not authorise.`
      : `Mail from your own domain ${quote(domain, 80)} failed authentication at ${receiverLabel(a)} (${outcome}): it came from ${source}, which the domain does not authorise. Either someone outside is sending as your domain, or one of your own sending services is missing from SPF/DKIM.`;
    if (!device && directSend) {
      msg += ' It was sent straight to your MX without signing in and no connector identified it (X-MS-Exchange-Organization-AuthAs: Anonymous): Microsoft calls this Direct Send, and Reject Direct Send refuses such messages from outside.';
    }
    return [
      makeFinding(
        'intra-org-spoof',
        'error',
        msg,
        a.boundary.entryHopIndex,
        [headerEvidence(a, 'from', `From: ${quote(domain, 60)}`), ca?.evidence, directSend && !device ? headerEvidence(a, 'x-ms-exchange-organization-authas', 'AuthAs: Anonymous') : null, dm ? stampEvidence(a, dm.from.stamp, 'dmarc=fail') : null, ...spf.evidence],
        device ? ['spf-record-relay', 'device-relay-certificate', 'device-relay-connector', 'reject-direct-send'] : ['reject-direct-send'],
      ),
    ];
  },
};
