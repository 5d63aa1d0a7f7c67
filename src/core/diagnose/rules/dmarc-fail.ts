/**
 * dmarc-fail: the receiver's DMARC check failed — neither SPF nor DKIM passed in alignment with the
 * From domain. (When a gateway in front had found the same message passing, dmarc-fail-after-relay
 * reports it instead, with the gateway's evidence.) The message says which of SPF and DKIM failed
 * and on what, so the cause is visible: a relay's address, a changed body, an unlisted device, or a
 * sender that is not who it claims to be.
 */
import type { Rule } from '../rule';
import { compauth, spfEvaluation, spfOnRelay, spfWhatIfOriginal, verdictResults } from '../verdicts';
import { deviceRelay } from '../organisation';
import { dmarcFailure, gatewayDmarcPass } from '../dmarc';
import { gatewayArcSet, hasRelays, receiverLabel, relayLabel, relayRemedies } from '../route';
import { makeFinding, quote, stampEvidence } from '../evidence';

export const dmarcFail: Rule = {
  id: 'dmarc-fail',
  description: "DMARC failed at the receiver: neither SPF nor DKIM passed aligned with the From domain.",
  run({ analysis: a, options }) {
    const dm = dmarcFailure(a);
    if (!dm) return [];
    if (gatewayDmarcPass(a, dm.domain)) return []; // dmarc-fail-after-relay
    const spf = spfEvaluation(a);
    const dkim = verdictResults(a, 'dkim');
    const dkimText = dkim ? dkim.results.map((r) => `dkim=${r.result}${r.comments.length ? ` (${quote(r.comments.join(' '), 40)})` : ''}`).join(', ') : 'no DKIM result';
    const spfText = spf.result ? `spf=${spf.result}${spf.ip ? ` on ${spf.ip}` : ''}` : 'no SPF result';
    const action = dm.result.props['action'] ? ` action=${quote(dm.result.props['action'], 20)}` : '';
    const policy = dm.result.comments.find((c) => /\bp=/i.test(c));
    let msg = `DMARC for ${dm.domain ?? 'the From domain'} failed at ${receiverLabel(a)} (dmarc=fail${action}${policy ? ` ${quote(policy, 50)}` : ''}): ${spfText}, ${dkimText}.`;
    let remedies: string[] = [];
    let severity: 'error' | 'warning' | 'info' = 'error';
    const device = deviceRelay(a, options);
    const ca = compauth(a);
    const via = a.facts?.intermediaries?.[0];
    if (ca && (ca.result === 'pass' || ca.result === 'softpass')) {
      // Exchange Online overrode the DMARC failure (a trusted ARC chain, an allow, implicit auth)
      msg += ` ${receiverLabel(a)}'s composite authentication still passed (compauth=${ca.result}${ca.reason ? ` reason=${ca.reason}` : ''}${ca.meaning ? `: ${ca.meaning.replace(/^\d{3}: /, '')}` : ''}), so the message was not treated as failing.`;
      severity = 'info';
    } else if (via) {
      msg += ` It was re-sent by ${quote(via.detail, 160)}: ${via.kind === 'mailing-list' ? 'a list changes the message and sends it from its own servers' : 'a forwarder sends it from its own servers'}, so the author's SPF and DKIM no longer line up with From.${via.kind === 'mailing-list' ? ' Lists that rewrite From or ARC-seal avoid this.' : ''}`;
      severity = 'warning';
    }
    if (severity !== 'error') {
      // explained above
    } else if (device) {
      msg += ` The sender is the organisation's own device or application at ${device.ip}, which the SPF record does not list, and it does not sign with DKIM.`;
      remedies = ['spf-record-relay', 'device-relay-certificate', 'device-relay-connector', 'reject-direct-send'];
    } else if (hasRelays(a)) {
      const onRelay = spfOnRelay(a);
      msg += onRelay ? ` SPF was judged on ${relayLabel(a)}, not on the original sender.` : ` The message came through ${relayLabel(a)}.`;
      const whatIf = spfWhatIfOriginal(a);
      if (onRelay && whatIf?.result === 'pass') msg += ` Checked on the original sender ${whatIf.ip}, SPF passes: the failure comes from the relay hop.`;
      remedies = [...relayRemedies(a)];
      if (a.boundary.receiver === 'exchange-online' && gatewayArcSet(a)) remedies.push('arc-trusted-sealer');
    } else {
      msg += ' Nothing relayed it in front of the receiver: the sending server is not authorised for this domain.';
    }
    return [
      makeFinding(
        'dmarc-fail',
        severity,
        msg,
        a.boundary.entryHopIndex,
        [stampEvidence(a, dm.from.stamp, `dmarc=fail`), ...spf.evidence],
        remedies,
      ),
    ];
  },
};
