/**
 * dkim-header-modified: the body hash still matches but the signature over the headers does not —
 * a signed header was changed on the way (most often a gateway tagging the Subject with
 * "[EXTERNAL]", or rewriting From / Reply-To). Sources: our re-verification (DkimCheck status
 * header-modified) and the receiver's verdict ("signature did not verify").
 */
import type { Analysis, Evidence, Finding } from '../../types';
import type { Rule } from '../index';
import {
  alignedDkimPassAtReceiver,
  commentsText,
  dkimPassedEarlier,
  dkimResultDomain,
  dkimResultMatches,
  dkimSignatureField,
  fieldEvidence,
  gatewayArcSet,
  hasRelays,
  isHeaderSigComment,
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
}

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

export const dkimHeaderModified: Rule = {
  id: 'dkim-header-modified',
  description: 'A DKIM signature fails on its headers while the body hash matches: a signed header (e.g. Subject tag [EXTERNAL]) was changed.',
  run({ analysis: a }) {
    const broken = new Map<string, Broken>();
    const get = (d?: string, s?: string): Broken => {
      let k = `${(d ?? '?').toLowerCase()}\u0000${(s ?? '').toLowerCase()}`;
      if (!broken.has(k) && !s) for (const [kk, b] of broken) if (b.domain === d?.toLowerCase()) k = kk;
      let b = broken.get(k);
      if (!b) broken.set(k, (b = { domain: d?.toLowerCase(), selector: s, evidence: [], receiverFailed: false, receiverPassed: false }));
      return b;
    };
    for (const c of a.verification?.dkim ?? []) {
      if (c.status !== 'header-modified') continue;
      const b = get(c.domain, c.selector);
      b.sigField = c.fieldIndex;
      b.evidence.push(fieldEvidence(a, c.fieldIndex, 'body hash matches, header signature does not'));
    }
    // the receiver's verdict, when our own check did not say the body changed
    const bodyBroken = new Set((a.verification?.dkim ?? []).filter((c) => c.status === 'body-modified').map((c) => c.domain?.toLowerCase()));
    const v = verdictResults(a, 'dkim');
    if (v) {
      for (const r of v.results) {
        const d = dkimResultDomain(r);
        if (r.result !== 'pass' && r.result !== 'none' && isHeaderSigComment(commentsText(r)) && !bodyBroken.has(d)) {
          const b = get(d, r.props['header.s']);
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
      const receiver = receiverLabel(a);
      const earlier = dkimPassedEarlier(a, b.domain, b.selector);
      let where: string;
      let hopIndex: number | null;
      if (b.receiverPassed) {
        where = `${receiver} still verified it, so a header changed after ${receiver} checked it`;
        hopIndex = a.boundary.entryHopIndex;
      } else if (earlier) {
        where = `it still passed at the gateway (${stampName(earlier.stamp)}), so ${relayLabel(a)} changed a signed header before handing the message to ${receiver}`;
        hopIndex = earlier.stamp.hopIndex ?? lastRelayHop(a)?.index ?? a.boundary.entryHopIndex;
      } else if (hasRelays(a)) {
        where = `${relayLabel(a)} is the only host in between that could have changed a signed header`;
        hopIndex = lastRelayHop(a)?.index ?? a.boundary.entryHopIndex;
      } else {
        where = 'a signed header was changed in transit after signing';
        hopIndex = a.boundary.entryHopIndex;
      }
      const cause = b.receiverPassed ? null : headerChangeCause(a, sigField);
      const other = alignedDkimPassAtReceiver(a, { domain: b.domain, selector: b.selector });
      const severity = b.receiverPassed ? 'info' : other ? 'warning' : 'error';
      const seen = b.receiverFailed ? `${receiver} reported the signature as not verifying while the body hash was fine` : 'our re-verification found the body hash matching but the header signature failing';
      let msg = `${sigName}: ${seen}; ${where}.`;
      if (cause) msg += ` Likely cause: ${cause.text}.`;
      if (other) msg += ` Another aligned signature (d=${other}) still passed, so DMARC is not affected by this one.`;
      const remedies: string[] = [];
      if (!b.receiverPassed && a.boundary.receiver === 'exchange-online' && hasRelays(a)) {
        remedies.push('efc-skip-ips', 'efc-skip-last-ip');
        if (gatewayArcSet(a)) remedies.push('arc-trusted-sealer');
      }
      out.push(
        makeFinding(
          'dkim-header-modified',
          severity,
          msg,
          hopIndex,
          [fieldEvidence(a, sigField, 'signature whose header hash broke'), ...b.evidence, ...(cause?.evidence ?? []), stampEvidence(a, earlier?.stamp, 'dkim=pass before the change')],
          remedies,
        ),
      );
    }
    return out;
  },
};
