/**
 * compauth-fail: Exchange Online's composite authentication failed — Microsoft treats the message
 * as spoofed (junk, quarantine or a phish verdict, depending on policy). The reason code says why;
 * its meaning comes from Microsoft's table (message-headers-eop-mdo).
 */
import type { Rule } from '../rule';
import { COMPAUTH_CODES, COMPAUTH_FAMILIES } from '../../parse/microsoft-data';
import { compauth, spfOnRelay } from '../verdicts';
import { deviceRelay } from '../organisation';
import { gatewayArcSet, hasRelays, relayLabel, relayRemedies } from '../route';
import { makeFinding } from '../evidence';

export function compauthMeaning(reason: string | undefined): string | undefined {
  if (!reason) return undefined;
  const r = reason.trim();
  if (!/^\d{3}$/.test(r)) return undefined;
  return COMPAUTH_CODES[r]?.meaning ?? COMPAUTH_FAMILIES[r[0]]?.meaning;
}

export const compauthFail: Rule = {
  id: 'compauth-fail',
  description: 'Exchange Online composite authentication failed (compauth=fail), with the reason code decoded.',
  run({ analysis: a, options }) {
    const ca = compauth(a);
    if (!ca || ca.result !== 'fail') return [];
    const meaning = compauthMeaning(ca.reason) ?? ca.meaning ?? 'no reason code given';
    let context = '';
    let remedies: string[] = [];
    const device = deviceRelay(a, options);
    if (device) {
      context = ` The sender is the organisation's own device or application relaying from ${device.ip}, which the SPF record of ${device.domain || 'the domain'} does not list.`;
      remedies = ['spf-record-relay', 'device-relay-certificate', 'device-relay-connector', 'reject-direct-send'];
    } else if (hasRelays(a)) {
      const onRelay = spfOnRelay(a);
      context = onRelay
        ? ` It was judged on ${relayLabel(a)} rather than on the original sender.`
        : ` The message came through ${relayLabel(a)}.`;
      remedies = [...relayRemedies(a)];
      if (gatewayArcSet(a)) remedies.push('arc-trusted-sealer');
    }
    const msg = `Exchange Online composite authentication failed (compauth=fail${ca.reason ? ` reason=${ca.reason}` : ''}): ${meaning}.${context}`;
    return [makeFinding('compauth-fail', 'error', msg, a.boundary.entryHopIndex, [ca.evidence], remedies)];
  },
};
