/**
 * efc-active: Enhanced Filtering for Connectors worked for this message. EOP skipped the relay(s)
 * and recorded the original sender's address and HELO in X-MS-Exchange-ExternalOriginalInternetSender;
 * SPF, reputation and anti-spoofing used that address.
 */
import type { Rule } from '../rule';
import { fieldEvidence, makeFinding, quote } from '../evidence';
import { relayLabel } from '../route';

export const efcActive: Rule = {
  id: 'efc-active',
  description: 'Enhanced Filtering for Connectors recovered the original sender behind the gateway.',
  run({ analysis: a }) {
    const ms = a.microsoft;
    const ext = ms?.externalOriginal;
    if (!ms || !ext || (a.facts?.efc?.state !== 'active' && a.facts?.efc?.state !== 'incomplete')) return [];
    const who = `${ext.ip ?? 'an unreadable address'}${ext.helo ? ` (HELO ${quote(ext.helo, 80)})` : ''}`;
    const msg = `Enhanced Filtering for Connectors is working: Exchange Online skipped ${relayLabel(a)} and evaluated the original sender ${who}.`;
    return [
      makeFinding(
        'efc-active',
        'info',
        msg,
        a.boundary.entryHopIndex,
        [fieldEvidence(a, ext.fieldIndex, 'original sender recovered'), fieldEvidence(a, ms.skipListed?.fieldIndex, 'skip-listed')],
        [],
      ),
    ];
  },
};
