/**
 * efc-recipient-not-in-scope: skip listing is configured on the connector (X-MS-Exchange-
 * SkipListedInternetSender is present) but was not applied to this message
 * (X-MS-Exchange-ExternalOriginalInternetSender is absent): the recipient is not in the connector's
 * EFUsers list, or the message had a recipient outside it (then normal filtering applies to all).
 */
import type { Rule } from '../rule';
import { fieldEvidence, headerEvidence, makeFinding, quote } from '../evidence';
import { receiverAuthFailed } from '../verdicts';
import { relayLabel } from '../route';

export const efcRecipientNotInScope: Rule = {
  id: 'efc-recipient-not-in-scope',
  description: 'Enhanced Filtering is configured but not applied to this message: a recipient is outside the EFUsers pilot list.',
  run({ analysis: a }) {
    const ms = a.microsoft;
    if (!ms?.skipListed || ms.externalOriginal || a.facts?.efc?.state !== 'recipient-not-in-scope') return [];
    const skip = ms.skipListed;
    const who = `${skip.ip ?? '?'}${skip.helo ? ` (HELO ${quote(skip.helo, 80)})` : ''}`;
    const rcpts = a.summary.recipients.slice(0, 5).map((r) => quote(r, 80));
    const more = a.summary.recipients.length > 5 ? ` and ${a.summary.recipients.length - 5} more` : '';
    const rcptText = rcpts.length ? ` (${rcpts.join(', ')}${more})` : '';
    const failed = receiverAuthFailed(a);
    const msg = `Enhanced Filtering is set up on the connector and identified the original sender ${who} behind ${relayLabel(a)}, but did not apply it to this message: not every recipient${rcptText} is in the connector's EFUsers list, so EOP filtered it as coming from the relay${failed ? ' and authentication failed' : ''}.`;
    return [
      makeFinding(
        'efc-recipient-not-in-scope',
        failed ? 'error' : 'warning',
        msg,
        a.boundary.entryHopIndex,
        [fieldEvidence(a, skip.fieldIndex, 'skip-listed, but no ExternalOriginalInternetSender'), headerEvidence(a, 'to', 'recipients'), headerEvidence(a, 'cc', 'recipients')],
        ['efc-pilot-users'],
      ),
    ];
  },
};
