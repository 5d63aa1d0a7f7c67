/**
 * scl-bypass-rule: Exchange Online skipped spam filtering because something set SCL -1 before
 * filtering (SFV:SKN) — on mail that came through a gateway this is almost always a mail flow rule
 * "bypass spam filtering for the gateway". Microsoft asks to disable such rules once Enhanced
 * Filtering is on (Microsoft Learn, "Enhanced Filtering for Connectors in Exchange Online"), and discourages them in general: gateway addresses are shared by
 * many customers, and spoofed mail that reaches the gateway gets through unfiltered.
 */
import type { Rule } from '../rule';
import { forefrontEvidence, headerEvidence, makeFinding } from '../evidence';
import { hasRelays, relayLabel } from '../route';
import { isConsumer } from '../organisation';

export const sclBypassRule: Rule = {
  id: 'scl-bypass-rule',
  description: 'Spam filtering was bypassed (SCL -1 / SFV:SKN) for mail through a gateway: a bypass rule that must go once Enhanced Filtering is on.',
  run({ analysis: a }) {
    if (isConsumer(a)) return []; // a consumer mailbox has no mail flow rules or allow lists of its own
    const ms = a.microsoft;
    if (a.boundary.receiver !== 'exchange-online' || !ms || !hasRelays(a)) return [];
    const ff = ms.forefront && !ms.forefront.untrusted ? ms.forefront : undefined;
    const sfv = ff?.sfv?.toUpperCase();
    const ipv = ff?.ipv?.toUpperCase();
    if (ipv === 'CAL') return []; // the IP Allow List did it: ip-allow-list-bypass
    if (sfv === 'SKI' || sfv === 'SKA' || sfv === 'SFE' || sfv === 'SKQ') return []; // intra-org, allowed sender, safe sender, released
    const scl = ff?.scl ?? ms.org.scl;
    const skn = sfv === 'SKN';
    if (!skn && scl !== -1) return [];
    const efcOn = !!(ms.skipListed || ms.externalOriginal);
    const what = skn ? 'SFV:SKN (marked as non-spam before filtering)' : 'SCL -1';
    const msg = `Spam filtering was skipped for mail from ${relayLabel(a)} (${what}): a mail flow rule most likely sets SCL -1 for the gateway. ${efcOn ? 'Enhanced Filtering is on, so this rule must be disabled' : 'Remove it once Enhanced Filtering is on'}; until then spoofed mail that passes the gateway is delivered unfiltered.`;
    return [
      makeFinding(
        'scl-bypass-rule',
        'warning',
        msg,
        a.boundary.entryHopIndex,
        [forefrontEvidence(a, skn ? 'SFV:SKN' : 'SCL:-1'), headerEvidence(a, 'x-ms-exchange-organization-scl', 'SCL')],
        ['remove-scl-bypass'],
      ),
    ];
  },
};
