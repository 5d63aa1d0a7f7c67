/**
 * dkim-header-modified: the body hash still matches but the signature over the headers does not —
 * a signed header was changed on the way (most often a gateway tagging the Subject with
 * "[EXTERNAL]", or rewriting From / Reply-To). Sources: our re-verification (DkimCheck status
 * header-modified) and the receiver's verdict ("signature did not verify").
 */
import type { Analysis, Evidence, Finding } from '../../types';
import type { Rule } from '../rule';
import { type BrokenDkim, BrokenDkimTable, dkimBreakSite, dkimResultDomain, isHeaderSigComment, noteReceiverPasses } from '../dkim';
import { commentsText, compauth, verdictResult, verdictResults } from '../verdicts';
import { fieldEvidence, makeFinding, quote, stampEvidence } from '../evidence';

const SUBJECT_TAG = /^\s{0,5}(\[[^\]\r\n]{1,40}\]|\*{1,3}[^*\r\n]{1,40}\*{1,3}|\(?EXT(?:ERNAL)?\)?\s?:)/i;

/** What a signed header change most likely was, from the message's own headers. */
function headerChangeCause(a: Analysis, sigField: number | undefined): { text: string; evidence: Array<Evidence | null> } | null {
  const sig = a.dkimSignatures.find((s) => s.fieldIndex === sigField);
  const signed = new Set(sig?.signedHeaders ?? []);
  const subject = a.headers.find((h) => h.key === 'subject' && !h.invalid);
  if (subject && (!sig || signed.has('subject'))) {
    const orig = a.headers.find((h) => h.key === 'x-asg-orig-subj' && !h.invalid);
    if (orig && orig.decoded.trim() !== subject.decoded.trim()) {
      return {
        text: `the Subject was changed from "${quote(orig.decoded, 50)}" to "${quote(subject.decoded, 50)}" (X-ASG-Orig-Subj keeps the original)`,
        evidence: [fieldEvidence(a, subject.index, 'signed header that changed'), fieldEvidence(a, orig.index, 'original subject')],
      };
    }
    const m = SUBJECT_TAG.exec(subject.decoded.slice(0, 200));
    if (m) {
      return {
        text: `the Subject carries the tag "${quote(m[1], 40)}", which a gateway adds after the sender signed (Subject is in h=)`,
        evidence: [fieldEvidence(a, subject.index, 'tagged Subject (a signed header)')],
      };
    }
  }
  return null;
}

/**
 * The receiver's own DMARC or compauth verdict passed: the broken signature cost the message
 * nothing there, so it is worth knowing but not a warning. Returns the passing verdict and its evidence.
 */
function receiverStillPassed(a: Analysis): { text: string; evidence: Evidence | null } | null {
  const dm = verdictResult(a, 'dmarc');
  if (dm?.result.result === 'pass') return { text: 'dmarc=pass', evidence: stampEvidence(a, dm.from.stamp, 'dmarc=pass at the receiver') };
  const ca = compauth(a);
  if (ca?.result === 'pass') return { text: `compauth=pass${ca.reason ? ` reason=${ca.reason}` : ''}`, evidence: ca.evidence };
  return null;
}

export const dkimHeaderModified: Rule = {
  id: 'dkim-header-modified',
  description: 'A DKIM signature fails on its headers while the body hash matches: a signed header (e.g. Subject tag [EXTERNAL]) was changed.',
  run({ analysis: a }) {
    const broken = new BrokenDkimTable<BrokenDkim>((domain, selector) => ({ domain, selector, evidence: [], receiverFailed: false, receiverPassed: false }));
    for (const c of a.verification?.dkim ?? []) {
      if (c.status !== 'header-modified') continue;
      const b = broken.get(c.domain, c.selector);
      b.sigField = c.fieldIndex;
      b.evidence.push(fieldEvidence(a, c.fieldIndex, 'body hash matches, header signature does not'));
    }
    // the receiver's verdict: "signature did not verify" means its body hash matched, so a signed
    // header changed before it checked, even when our later copy of the body differs as well
    // (dkim-body-modified then names that second change)
    const v = verdictResults(a, 'dkim');
    for (const r of v?.results ?? []) {
      const d = dkimResultDomain(r);
      if (r.result !== 'pass' && r.result !== 'none' && isHeaderSigComment(commentsText(r))) {
        const b = broken.get(d, r.props['header.s']);
        b.receiverFailed = true;
        b.evidence.push(stampEvidence(a, v!.from.stamp, `dkim=${r.result} (${quote(r.comments.join(' '), 60)})`));
      }
    }
    noteReceiverPasses(a, v, broken);

    const out: Finding[] = [];
    for (const b of broken.values()) {
      const site = dkimBreakSite(a, b, {
        afterReceiver: (receiver) => `${receiver} still verified it, so a header changed after ${receiver} checked it`,
        afterGateway: (stamp, relay, receiver) => `it still passed at the gateway (${stamp}), so ${relay} changed a signed header before handing the message to ${receiver}`,
        onlyRelay: (relay) => `${relay} is the only host in between that could have changed a signed header`,
        noRelay: 'a signed header was changed in transit after signing',
      });
      const cause = b.receiverPassed ? null : headerChangeCause(a, site.sigField);
      const seen = b.receiverFailed
        ? `${site.receiver} reported the signature as not verifying while the body hash was fine`
        : 'our re-verification found the body hash matching but the header signature failing';
      let msg = `${site.sigName}: ${seen}; ${site.where}.`;
      if (cause) msg += ` Likely cause: ${cause.text}.`;
      msg += site.otherText;
      let severity = site.severity;
      const passed = severity === 'info' ? null : receiverStillPassed(a);
      if (passed) {
        severity = 'info';
        msg += ` ${site.receiver} still passed the message (${passed.text}), so this signature cost nothing there.`;
      }
      out.push(
        makeFinding(
          'dkim-header-modified',
          severity,
          msg,
          site.hopIndex,
          [
            fieldEvidence(a, site.sigField, 'signature whose header hash broke'),
            ...b.evidence,
            ...(cause?.evidence ?? []),
            stampEvidence(a, site.earlier?.stamp, 'dkim=pass before the change'),
            passed?.evidence ?? null,
          ],
          site.remedies,
        ),
      );
    }
    return out;
  },
};
