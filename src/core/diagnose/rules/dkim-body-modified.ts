/**
 * dkim-body-modified: a DKIM signature's body hash no longer matches the body. Sources: our own
 * re-verification (DkimCheck status body-modified) and the receiver's verdict ("body hash did not
 * verify", which Gmail reports as dkim=neutral). When a gateway's earlier result shows the same
 * signature passing, the gateway (or something between it and the receiver) changed the body:
 * typically a warning banner, a disclaimer, rewritten links or a re-encoded MIME part.
 */
import type { Finding } from '../../types';
import type { Rule } from '../rule';
import { bodyChangeCauses, type BrokenDkim, BrokenDkimTable, dkimBreakSite, dkimResultDomain, dkimResultMatches, isBodyHashComment, isHeaderSigComment, noteReceiverPasses } from '../dkim';
import { commentsText, gatewayClaims, verdictResults } from '../verdicts';
import { fieldEvidence, makeFinding, quote, stampEvidence } from '../evidence';
import { unusableAtReceiver } from './dkim-signature-unusable';

interface Broken extends BrokenDkim {
  verified: boolean;
  detail?: string;
}

export const dkimBodyModified: Rule = {
  id: 'dkim-body-modified',
  description: 'A DKIM body hash no longer matches: the body was changed after signing (banner, link rewriting, re-encoding).',
  run({ analysis: a }) {
    const broken = new BrokenDkimTable<Broken>((domain, selector) => ({ domain, selector, evidence: [], receiverFailed: false, receiverPassed: false, verified: false }));
    for (const c of a.verification?.dkim ?? []) {
      if (c.status !== 'body-modified') continue;
      const b = broken.get(c.domain, c.selector);
      b.verified = true;
      b.sigField = c.fieldIndex;
      b.detail = c.detail;
      b.evidence.push(fieldEvidence(a, c.fieldIndex, `bh= ${c.bodyHashExpected ? quote(c.bodyHashExpected, 20) + ' ' : ''}does not match the body${c.bodyHashComputed ? ` (computed ${quote(c.bodyHashComputed, 20)})` : ''}`));
    }
    const v = verdictResults(a, 'dkim');
    for (const r of v?.results ?? []) {
      if ((r.result === 'fail' || r.result === 'neutral' || r.result === 'permerror') && isBodyHashComment(commentsText(r))) {
        const b = broken.get(dkimResultDomain(r), r.props['header.s']);
        b.receiverFailed = true;
        b.evidence.push(stampEvidence(a, v!.from.stamp, `dkim=${r.result} (${quote(r.comments.join(' '), 60)})`));
      }
    }
    noteReceiverPasses(a, v, broken);

    // one body: when the receiver verified one signature over it, the body it saw was intact, so a
    // mismatch only our re-verification found on another signature also happened after it checked
    const intact = [...broken.values()].find((x) => x.receiverPassed);
    const out: Finding[] = [];
    for (const b of broken.values()) {
      // the receiver could not use this signature at all (no key, a bad key): not a body change
      // (dkim-signature-unusable names it)
      if (!b.receiverPassed && unusableAtReceiver(a, b.domain, b.selector)) continue;
      const sibling = intact && intact !== b && !b.receiverFailed ? intact : undefined;
      // the receiver failed only the header signature ("signature did not verify"): its body hash
      // matched there, so the body changed after the receiver checked it
      const headerOnly = !b.receiverFailed && !b.receiverPassed && (v?.results ?? []).some((r) => r.result !== 'pass' && isHeaderSigComment(commentsText(r)) && dkimResultMatches(r, b.domain, b.selector));
      const after = !!sibling || headerOnly;
      const site = dkimBreakSite(a, after ? { ...b, receiverPassed: true } : b, {
        afterReceiver: (receiver) =>
          sibling
            ? `${receiver} verified d=${sibling.domain ?? '?'} over the same body, so the body changed after ${receiver} checked it (in the mailbox, a journal or a later rule), not on the way in`
            : headerOnly
              ? `${receiver} failed only its header signature, so the body hash still matched there: the body changed after ${receiver} checked it (in the mailbox, a journal or a later rule), not on the way in`
              : `${receiver} still verified it, so the body changed after ${receiver} checked it (in the mailbox, a journal or a later rule), not on the way in`,
        afterGateway: (stamp, relay, receiver) => `it still passed at the gateway (${stamp}), so the body was changed between ${relay} and ${receiver}`,
        onlyRelay: (relay, receiver) =>
          `${relay} is the only host between the sender and ${receiver} that could have changed it${gatewayClaims(a).length > 0 ? ' (its own results do not mention this signature)' : ''}`,
        noRelay: 'the body was changed in transit after signing (by the sender\'s own systems, a mailing list or a forwarder)',
      });
      const causes = bodyChangeCauses(a);
      const seen = b.receiverFailed
        ? `${site.receiver} reported the body hash as not verifying`
        : 'our re-verification found the body hash no longer matches';
      let msg = `${site.sigName}: ${seen}; ${site.where}.`;
      if (causes.length && !b.receiverPassed && !after) msg += ` Likely cause: ${causes.join('; ')}.`;
      msg += site.otherText;
      out.push(
        makeFinding(
          'dkim-body-modified',
          site.severity,
          msg,
          site.hopIndex,
          [fieldEvidence(a, site.sigField, 'signature whose body hash broke'), ...b.evidence, stampEvidence(a, site.earlier?.stamp, 'dkim=pass before the change')],
          site.remedies,
        ),
      );
    }
    return out;
  },
};
