/**
 * domain-misalignment: the From domain, the envelope sender's domain (MAIL FROM, as Return-Path or
 * the receiver's smtp.mailfrom) and the DKIM signing domains (d=) belong to different
 * organisations, so no identifier can carry DMARC for the From domain (RFC 7489, section 3.1,
 * relaxed alignment: the same organisational domain). Typical of a third-party sender that was
 * never set up to sign for the From domain, and of a spoof.
 */
import type { Evidence } from '../../types';
import type { Rule } from '../rule';
import { registeredDomain } from '../../facts/orgs';
import { compauth, domainOfAddress, verdictResult } from '../verdicts';
import { fieldEvidence, headerEvidence, makeFinding, stampEvidence } from '../evidence';

function org(d: string | undefined): string | undefined {
  return d ? registeredDomain(d) ?? d.toLowerCase() : undefined;
}

export const domainMisalignment: Rule = {
  id: 'domain-misalignment',
  description: 'The From domain is aligned with neither the envelope sender (MAIL FROM) nor any DKIM signing domain, so DMARC cannot pass for it.',
  run({ analysis: a }) {
    // a list or forwarder re-sent the message under its own envelope and signature: expected,
    // and the list findings explain it
    if ((a.facts?.intermediaries ?? []).some((x) => x.kind === 'mailing-list' || x.kind === 'forwarder')) return [];
    const from = a.summary.fromDomain?.toLowerCase();
    const fromOrg = org(from);
    if (!from || !fromOrg) return [];

    const evidence: Array<Evidence | null> = [headerEvidence(a, 'from', `From domain ${from}`)];
    const spf = verdictResult(a, 'spf');
    const receiverMailFrom = domainOfAddress(spf?.result.props['smtp.mailfrom']);
    const mailFrom = receiverMailFrom ?? domainOfAddress(a.summary.returnPath);
    if (receiverMailFrom) evidence.push(stampEvidence(a, spf!.from.stamp, `smtp.mailfrom=${receiverMailFrom}`));
    else if (mailFrom) evidence.push(headerEvidence(a, 'return-path', `envelope sender domain ${mailFrom}`));

    const dkim = a.dkimSignatures.filter((s) => s.domain).map((s) => ({ d: s.domain!.toLowerCase(), fieldIndex: s.fieldIndex }));
    // nothing to compare: a message without envelope sender and signatures says nothing here
    if (!mailFrom && !dkim.length) return [];
    if (org(mailFrom) === fromOrg) return [];
    if (dkim.some((s) => org(s.d) === fromOrg)) return [];
    for (const s of dkim.slice(0, 3)) evidence.push(fieldEvidence(a, s.fieldIndex, `DKIM d=${s.d}`));

    const parts = [
      mailFrom ? `the envelope sender (MAIL FROM) is at ${mailFrom}` : 'no envelope sender domain was recorded',
      dkim.length ? `DKIM signed as ${[...new Set(dkim.map((s) => s.d))].slice(0, 3).join(', ')}` : 'no DKIM signature',
    ];
    // only where the receiver checked DMARC and did not pass it: a pass means it found an aligned
    // identifier our approximation of organisational domains missed, and without a check the
    // alignment decided nothing
    const dm = verdictResult(a, 'dmarc');
    if (!dm || /^(pass|bestguesspass)$/.test(dm.result.result)) return [];
    evidence.push(stampEvidence(a, dm.from.stamp, `dmarc=${dm.result.result}`));
    const dmText = ` The receiver's DMARC result: dmarc=${dm.result.result}.`;
    const msg =
      `From is ${from}, but ${parts.join(' and ')}: none of them is in ${fromOrg}'s organisation, so neither SPF nor DKIM can align with From and DMARC cannot pass for ${from}.${dmText} ` +
      `A genuine sender fixes this by signing with d=${fromOrg} (or a subdomain) or by using a bounce domain under ${fromOrg}; a spoof looks exactly like this.`;
    // no DMARC record (dmarc=none) or a receiver that let it through on compauth: worth knowing,
    // not a warning
    const ca = compauth(a);
    const severity = dm.result.result === 'none' || ca?.result === 'pass' || ca?.result === 'softpass' ? 'info' : 'warning';
    return [makeFinding('domain-misalignment', severity, msg, a.boundary.entryHopIndex, evidence, [])];
  },
};
