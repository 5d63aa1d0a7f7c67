/**
 * Explanations for the findings about what the mailbox and the sender's own setup did to a
 * verdict: a recipient's own list overriding the filter, identifiers that cannot align with From,
 * and a DKIM signature no receiver can use. Kept apart from the main list so each group of
 * findings owns its texts.
 */
import type { Explanation } from './explanations';

export const MAILBOX_EXPLANATIONS: Explanation[] = [
  {
    id: 'safe-sender-override',
    title: "The recipient's Safe Senders list overrode the spam or spoof verdict",
    whatHappened:
      "Exchange Online's filter judged the message as spam, phishing or a failed sender check (a high SCL, compauth=fail or dmarc=fail), but the mailbox delivered it to the Inbox because the sender is on the recipient's Safe Senders list or in their contacts (X-Microsoft-Antispam-Mailbox-Delivery: dest:I with OFR:TrustedSenderList or OFR:SenderInAddressBook).",
    whyItMatters:
      'The verdict did not change, only the folder. Safe Senders entries match the From address, which a spoof can carry: an entry for a whole domain lets every forged message from it reach the Inbox.',
    howToFix:
      "If the sender is genuine, fix its authentication (SPF, DKIM, DMARC) so the filter passes it on its own, then remove the list entry. Otherwise remove the entry from the user's Safe Senders (Outlook junk email options), and consider turning off Safe Senders overrides for spoof verdicts in the anti-spam policy.",
    howToVerify: 'A new message from the sender shows dest:I without an OFR override (or lands in Junk if it is still judged bad).',
    docs: [
      { title: 'Create safe sender lists in EOP (Microsoft Learn)', url: 'https://learn.microsoft.com/defender-office-365/create-safe-sender-lists-in-office-365' },
      { title: 'Anti-spam message headers in Microsoft 365 (Microsoft Learn)', url: 'https://learn.microsoft.com/defender-office-365/message-headers-eop-mdo' },
    ],
    seeds: [],
  },
  {
    id: 'domain-misalignment',
    title: 'From, MAIL FROM and DKIM domains do not align',
    whatHappened:
      "The From domain is not in the same organisational domain as the envelope sender (MAIL FROM / Return-Path) nor as any DKIM signature's d= domain, so neither SPF nor DKIM can count for DMARC.",
    whyItMatters:
      "DMARC needs at least one aligned pass. Without one, the From domain's DMARC policy applies in full: the message is junked or rejected under p=quarantine or p=reject, and receivers without a policy may still treat it as suspicious.",
    howToFix:
      "For a genuine third-party sender (newsletter service, ticketing system, CRM), have it sign with DKIM as the From domain (a CNAME or key it publishes under your domain) or use a custom bounce domain under it; for a spoof, nothing to fix on the sender's side.",
    howToVerify: 'A new message carries a DKIM signature with d= under the From domain (or a Return-Path under it) and the receiver reports dmarc=pass.',
    docs: [
      { title: 'RFC 7489: DMARC (identifier alignment, section 3.1)', url: 'https://www.rfc-editor.org/rfc/rfc7489#section-3.1' },
      { title: 'Email authentication in Microsoft 365 (Microsoft Learn)', url: 'https://learn.microsoft.com/defender-office-365/email-authentication-about' },
    ],
    seeds: [],
  },
  {
    id: 'dkim-signature-unusable',
    title: 'A DKIM signature could not be used at all',
    whatHappened:
      'The receiver (or our re-verification) could not check the signature: no key is published for its selector ("no key for signature"), the key is revoked, malformed or too short, the signature is malformed, or it had expired.',
    whyItMatters:
      'Such a signature fails at every receiver, whatever happened to the message in transit. If it is the only signature aligned with the From domain, DMARC then rests on SPF alone, which breaks as soon as the message is forwarded or relayed.',
    howToFix:
      'The signer fixes its DKIM setup: publish the public key at selector._domainkey.domain (or correct the selector the signing system uses), replace a revoked or short key with a 2048-bit RSA key, and keep old selectors published until no message signed with them is in flight.',
    howToVerify: 'Look up the key (selector._domainkey.domain TXT) and send a new message: the receiver reports dkim=pass for the same d= and s=.',
    docs: [
      { title: 'RFC 6376: DomainKeys Identified Mail (DKIM) Signatures (key records, section 3.6)', url: 'https://www.rfc-editor.org/rfc/rfc6376#section-3.6' },
      { title: 'Set up DKIM to sign mail from your Microsoft 365 domain (Microsoft Learn)', url: 'https://learn.microsoft.com/defender-office-365/email-authentication-dkim-configure' },
    ],
    seeds: [],
  },
];
