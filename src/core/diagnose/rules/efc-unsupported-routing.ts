/**
 * efc-unsupported-routing: non-linear routing — Microsoft 365 took the message from the internet,
 * sent it to the organisation's own servers outside Microsoft 365 (on-premises), and took it back.
 * Enhanced Filtering for on-premises hybrid servers is not supported for this path: Microsoft 365
 * scans the returning message again, adds a second compauth verdict and may mark it as spam (Microsoft Learn, "Enhanced Filtering for Connectors in Exchange Online").
 */
import type { Rule } from '../rule';
import { fieldEvidence, hopEvidence, makeFinding, quote } from '../evidence';
import { fromLabel, nonLinearRoute } from '../route';

export const efcUnsupportedRouting: Rule = {
  id: 'efc-unsupported-routing',
  description: 'Non-linear routing (Microsoft 365 → on-premises → Microsoft 365), for which Enhanced Filtering is not supported.',
  run({ analysis: a, options }) {
    const r = nonLinearRoute(a, options);
    if (!r) return [];
    const efcOn = !!(a.microsoft?.skipListed || a.microsoft?.externalOriginal);
    const first = a.hops[r.firstEntryHopIndex];
    const msg =
      `Non-linear routing: Microsoft 365 first took the message from ${fromLabel(first)}, handed it to ${quote(r.outsideHost, 80)} outside Microsoft 365, and took it back from ${fromLabel(a.hops[r.backHopIndex])}. ` +
      (efcOn
        ? 'Enhanced Filtering is applied on the returning connector, which Microsoft does not support for this path: the message is scanned twice and may be marked as spam.'
        : 'Enhanced Filtering is not supported for this path; make the inbound route linear (MX → on-premises → Microsoft 365, or MX → Microsoft 365 only).');
    return [
      makeFinding(
        'efc-unsupported-routing',
        efcOn ? 'error' : 'warning',
        msg,
        r.backHopIndex,
        [
          hopEvidence(a, r.firstEntryHopIndex, 'first entry into Microsoft 365'),
          hopEvidence(a, r.leftHopIndex, 'left Microsoft 365'),
          hopEvidence(a, r.backHopIndex, 'came back into Microsoft 365'),
          fieldEvidence(a, a.microsoft?.skipListed?.fieldIndex ?? a.microsoft?.externalOriginal?.fieldIndex, 'Enhanced Filtering applied on the way back'),
        ],
        [],
      ),
    ];
  },
};
