/**
 * safe-sender-override: Exchange Online judged the message as spam, phishing or spoofed (a high
 * SCL, compauth=fail, DMARC fail), yet delivered it to the Inbox because the recipient's own
 * lists said so: X-Microsoft-Antispam-Mailbox-Delivery "dest:I" with "OFR:TrustedSenderList"
 * (the sender is in the user's Safe Senders) or "OFR:SenderInAddressBook" (the sender is a
 * contact). The filter's verdict stands in the headers; only the folder changed.
 */
import type { Evidence, Finding } from '../../types';
import type { Rule } from '../rule';
import { compauth, verdictResult } from '../verdicts';
import { fieldEvidence, forefrontEvidence, makeFinding, stampEvidence } from '../evidence';

/** The mailbox's override reasons (OFR) that come from the recipient's own lists. */
const USER_LISTS: Record<string, string> = {
  trustedsenderlist: "the sender is on the recipient's Safe Senders list",
  senderinaddressbook: "the sender is in the recipient's contacts (address book)",
};

export const safeSenderOverride: Rule = {
  id: 'safe-sender-override',
  description: "Exchange Online judged the message bad but delivered it to the Inbox because the recipient's Safe Senders list or contacts allowed the sender.",
  run({ analysis: a }) {
    const md = a.microsoft?.mailboxDelivery;
    if (!md || (md.dest ?? '').toUpperCase() !== 'I') return [];
    const ofr = md.fields.find((f) => f.key.toLowerCase() === 'ofr')?.value.trim();
    const list = ofr ? USER_LISTS[ofr.toLowerCase()] : undefined;
    if (!ofr || !list) return [];

    const failed: string[] = [];
    const evidence: Array<Evidence | null> = [fieldEvidence(a, md.fieldIndex, `dest:I, OFR:${ofr}`)];
    const ff = a.microsoft?.forefront && !a.microsoft.forefront.untrusted ? a.microsoft.forefront : undefined;
    const scl = ff?.scl ?? a.microsoft?.org.scl;
    if (scl !== undefined && scl >= 5) {
      failed.push(`SCL ${scl} (spam)`);
      evidence.push(forefrontEvidence(a, `SCL:${scl}`));
    }
    const cat = ff?.cat?.toUpperCase();
    if (cat && cat !== 'NONE') failed.push(`CAT:${cat}`);
    const ca = compauth(a);
    if (ca?.result === 'fail') {
      failed.push(`compauth=fail${ca.reason ? ` reason=${ca.reason}` : ''}`);
      evidence.push(ca.evidence);
    }
    const dm = verdictResult(a, 'dmarc');
    if (dm?.result.result === 'fail') {
      failed.push('dmarc=fail');
      evidence.push(stampEvidence(a, dm.from.stamp, 'dmarc=fail'));
    }
    if (!failed.length) return [];

    const msg =
      `Exchange Online's filter found ${failed.join(', ')}, yet the message was delivered to the Inbox (dest:I) because ${list} (OFR:${ofr}). ` +
      'The filter verdict was overridden by the recipient, not fixed: the sender can be spoofed, and a list entry for a domain lets every spoof of it through.';
    const out: Finding[] = [makeFinding('safe-sender-override', 'warning', msg, a.boundary.entryHopIndex, evidence, [])];
    return out;
  },
};
