/**
 * dkim-body-modified: a DKIM signature's body hash no longer matches the body. Sources: our own
 * re-verification (DkimCheck status body-modified) and the receiver's verdict ("body hash did not
 * verify", which Gmail reports as dkim=neutral). When a gateway's earlier result shows the same
 * signature passing, the gateway (or something between it and the receiver) changed the body:
 * typically a warning banner, a disclaimer, rewritten links or a re-encoded MIME part.
 */
import type { Evidence, Finding } from '../../types';
import type { Rule } from '../index';
import {
  alignedDkimPassAtReceiver,
  bodyChangeCauses,
  commentsText,
  dkimPassedEarlier,
  dkimResultDomain,
  dkimResultMatches,
  dkimSignatureField,
  fieldEvidence,
  gatewayArcSet,
  gatewayClaims,
  hasRelays,
  isBodyHashComment,
  lastRelayHop,
  makeFinding,
  quote,
  receiverLabel,
  relayLabel,
  stampEvidence,
  stampName,
  verdictResults,
} from '../util';

interface Broken {
  domain?: string;
  selector?: string;
  sigField?: number;
  evidence: Array<Evidence | null>;
  receiverFailed: boolean;
  receiverPassed: boolean;
  verified: boolean;
  detail?: string;
}

export const dkimBodyModified: Rule = {
  id: 'dkim-body-modified',
  description: 'A DKIM body hash no longer matches: the body was changed after signing (banner, link rewriting, re-encoding).',
  run({ analysis: a }) {
    const broken = new Map<string, Broken>();
    const keyOf = (d?: string, s?: string) => `${(d ?? '?').toLowerCase()}\u0000${(s ?? '').toLowerCase()}`;
    const get = (d?: string, s?: string): Broken => {
      // a result without a selector joins a known signature of the same domain
      let k = keyOf(d, s);
      if (!broken.has(k) && !s) {
        for (const [kk, b] of broken) if (b.domain?.toLowerCase() === d?.toLowerCase()) k = kk;
      }
      let b = broken.get(k);
      if (!b) {
        b = { domain: d?.toLowerCase(), selector: s, evidence: [], receiverFailed: false, receiverPassed: false, verified: false };
        broken.set(k, b);
      }
      return b;
    };

    for (const c of a.verification?.dkim ?? []) {
      if (c.status !== 'body-modified') continue;
      const b = get(c.domain, c.selector);
      b.verified = true;
      b.sigField = c.fieldIndex;
      b.detail = c.detail;
      b.evidence.push(fieldEvidence(a, c.fieldIndex, `bh= ${c.bodyHashExpected ? quote(c.bodyHashExpected, 20) + ' ' : ''}does not match the body${c.bodyHashComputed ? ` (computed ${quote(c.bodyHashComputed, 20)})` : ''}`));
    }
    const v = verdictResults(a, 'dkim');
    if (v) {
      for (const r of v.results) {
        if ((r.result === 'fail' || r.result === 'neutral' || r.result === 'permerror') && isBodyHashComment(commentsText(r))) {
          const b = get(dkimResultDomain(r), r.props['header.s']);
          b.receiverFailed = true;
          b.evidence.push(stampEvidence(a, v.from.stamp, `dkim=${r.result} (${quote(r.comments.join(' '), 60)})`));
        }
      }
      for (const b of broken.values()) {
        if (v.results.some((r) => r.result === 'pass' && dkimResultMatches(r, b.domain, b.selector))) {
          b.receiverPassed = true;
          b.evidence.push(stampEvidence(a, v.from.stamp, 'dkim=pass at the receiver'));
        }
      }
    }

    const out: Finding[] = [];
    for (const b of broken.values()) {
      const sigField = b.sigField ?? dkimSignatureField(a, b.domain, b.selector);
      const sigName = `DKIM signature d=${b.domain ?? '?'}${b.selector ? ` s=${quote(b.selector, 40)}` : ''}`;
      const earlier = dkimPassedEarlier(a, b.domain, b.selector);
      const receiver = receiverLabel(a);
      let where: string;
      let hopIndex: number | null;
      if (b.receiverPassed) {
        where = `${receiver} still verified it, so the body changed after ${receiver} checked it (in the mailbox, a journal or a later rule), not on the way in`;
        hopIndex = a.boundary.entryHopIndex;
      } else if (earlier) {
        where = `it still passed at the gateway (${stampName(earlier.stamp)}), so the body was changed between ${relayLabel(a)} and ${receiver}`;
        hopIndex = earlier.stamp.hopIndex ?? lastRelayHop(a)?.index ?? a.boundary.entryHopIndex;
      } else if (hasRelays(a)) {
        const claimsSeen = gatewayClaims(a).length > 0;
        where = `${relayLabel(a)} is the only host between the sender and ${receiver} that could have changed it${claimsSeen ? ' (its own results do not mention this signature)' : ''}`;
        hopIndex = lastRelayHop(a)?.index ?? a.boundary.entryHopIndex;
      } else {
        where = 'the body was changed in transit after signing (by the sender\'s own systems, a mailing list or a forwarder)';
        hopIndex = a.boundary.entryHopIndex;
      }
      const causes = bodyChangeCauses(a);
      const other = alignedDkimPassAtReceiver(a, { domain: b.domain, selector: b.selector });
      const severity = b.receiverPassed ? 'info' : other ? 'warning' : 'error';
      const seen = b.receiverFailed
        ? `${receiver} reported the body hash as not verifying`
        : 'our re-verification found the body hash no longer matches';
      let msg = `${sigName}: ${seen}; ${where}.`;
      if (causes.length && !b.receiverPassed) msg += ` Likely cause: ${causes.join('; ')}.`;
      if (other) msg += ` Another aligned signature (d=${other}) still passed, so DMARC is not affected by this one.`;
      const remedies: string[] = [];
      if (!b.receiverPassed && a.boundary.receiver === 'exchange-online' && hasRelays(a)) {
        remedies.push('efc-skip-ips', 'efc-skip-last-ip');
        if (gatewayArcSet(a)) remedies.push('arc-trusted-sealer');
      }
      out.push(
        makeFinding(
          'dkim-body-modified',
          severity,
          msg,
          hopIndex,
          [fieldEvidence(a, sigField, 'signature whose body hash broke'), ...b.evidence, stampEvidence(a, earlier?.stamp, 'dkim=pass before the change')],
          remedies,
        ),
      );
    }
    return out;
  },
};
