/**
 * delivered-to-junk: Exchange Online put the message in the recipient's Junk Email folder
 * (X-Microsoft-Antispam-Mailbox-Delivery dest:J). The user-visible symptom; the message names the
 * verdict behind it (spam or spoof, SCL, compauth) so it can be tied to the other findings.
 */
import type { Rule } from '../rule';
import { compauth } from '../verdicts';
import { fieldEvidence, forefrontEvidence, makeFinding } from '../evidence';

const CAT: Record<string, string> = {
  SPOOF: 'spoofing',
  PHSH: 'phishing',
  HPHSH: 'high-confidence phishing',
  HPHISH: 'high-confidence phishing',
  SPM: 'spam',
  HSPM: 'high-confidence spam',
  BULK: 'bulk mail',
  MALW: 'malware',
  DIMP: 'domain impersonation',
  UIMP: 'user impersonation',
  GIMP: 'mailbox intelligence impersonation',
  INTOS: 'intra-organisation phishing',
  OSPM: 'outbound spam',
  AMP: 'anti-malware',
  SAP: 'safe attachments',
};

export const deliveredToJunk: Rule = {
  id: 'delivered-to-junk',
  description: 'Exchange Online delivered the message to the Junk Email folder (dest:J).',
  run({ analysis: a }) {
    const md = a.microsoft?.mailboxDelivery;
    if (!md || (md.dest ?? '').toUpperCase() !== 'J') return [];
    const ff = a.microsoft?.forefront && !a.microsoft.forefront.untrusted ? a.microsoft.forefront : undefined;
    const why: string[] = [];
    const cat = ff?.cat?.toUpperCase();
    if (cat && cat !== 'NONE') why.push(`verdict ${CAT[cat] ?? cat} (CAT:${cat})`);
    if (ff?.sfv) why.push(`SFV:${ff.sfv}`);
    const scl = ff?.scl ?? a.microsoft?.org.scl;
    if (scl !== undefined) why.push(`SCL ${scl}`);
    const ca = compauth(a);
    if (ca?.result === 'fail') why.push(`compauth=fail${ca.reason ? ` reason=${ca.reason}` : ''}`);
    const msg = `Exchange Online delivered the message to the Junk Email folder (dest:J)${why.length ? `: ${why.join(', ')}` : ''}.`;
    return [
      makeFinding(
        'delivered-to-junk',
        'warning',
        msg,
        a.boundary.entryHopIndex,
        [fieldEvidence(a, md.fieldIndex, 'dest:J'), forefrontEvidence(a, cat ? `CAT:${cat}` : undefined), ca?.result === 'fail' ? ca.evidence : null],
        [],
      ),
    ];
  },
};
