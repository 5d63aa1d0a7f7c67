/**
 * The texts behind every finding id: a title, what happened, why it matters, how to fix it, how
 * to check the fix, documentation links and the seed topics it comes from. Read by the
 * explanation panel, the hovers and the CLI (`Finding.explanation` is the key).
 *
 * Plain words, for a messaging engineer in the middle of an incident. Links point at the primary
 * sources listed in docs/DOMAIN.md §0 (Microsoft Learn, Google Workspace Admin Help, RFCs).
 */

import { MAILBOX_EXPLANATIONS } from './explanations-mailbox';

export interface DocLink {
  title: string;
  url: string;
}

export interface Explanation {
  id: string;
  title: string;
  whatHappened: string;
  whyItMatters: string;
  howToFix: string;
  howToVerify: string;
  docs: DocLink[];
  /** Source articles (docs/../seeds) this finding comes from, by topic. */
  seeds: string[];
}

const DOC = {
  efc: {
    title: 'Enhanced Filtering for Connectors in Exchange Online (Microsoft Learn)',
    url: 'https://learn.microsoft.com/exchange/mail-flow-best-practices/use-connectors-to-configure-mail-flow/enhanced-filtering-for-connectors',
  },
  thirdParty: {
    title: 'Manage mail flow using a third-party cloud service with Exchange Online (Microsoft Learn)',
    url: 'https://learn.microsoft.com/exchange/mail-flow-best-practices/manage-mail-flow-using-third-party-cloud',
  },
  headers: {
    title: 'Anti-spam message headers in Microsoft 365 (Microsoft Learn)',
    url: 'https://learn.microsoft.com/defender-office-365/message-headers-eop-mdo',
  },
  arc: {
    title: 'Configure trusted ARC sealers (Microsoft Learn)',
    url: 'https://learn.microsoft.com/defender-office-365/email-authentication-arc-configure',
  },
  emailAuth: {
    title: 'Email authentication in Microsoft 365 (Microsoft Learn)',
    url: 'https://learn.microsoft.com/defender-office-365/email-authentication-about',
  },
  endpoints: {
    title: 'Microsoft 365 URLs and IP address ranges (Microsoft Learn)',
    url: 'https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges',
  },
  gmailGateway: {
    title: 'Set up an inbound mail gateway (Google Workspace Admin Help)',
    url: 'https://support.google.com/a/answer/60730',
  },
  gmailIps: {
    title: "Google's mail server IP ranges (Google Workspace Admin Help)",
    url: 'https://support.google.com/a/answer/27642',
  },
  rfc8601: { title: 'RFC 8601: Authentication-Results header field', url: 'https://www.rfc-editor.org/rfc/rfc8601' },
  rfc6376: { title: 'RFC 6376: DomainKeys Identified Mail (DKIM) Signatures', url: 'https://www.rfc-editor.org/rfc/rfc6376' },
  rfc7208: { title: 'RFC 7208: Sender Policy Framework (SPF)', url: 'https://www.rfc-editor.org/rfc/rfc7208' },
  rfc7489: { title: 'RFC 7489: DMARC', url: 'https://www.rfc-editor.org/rfc/rfc7489' },
  rfc8617: { title: 'RFC 8617: Authenticated Received Chain (ARC)', url: 'https://www.rfc-editor.org/rfc/rfc8617' },
  rfc5321: { title: 'RFC 5321: SMTP (trace information, §4.4)', url: 'https://www.rfc-editor.org/rfc/rfc5321' },
  rfc5322: { title: 'RFC 5322: Internet Message Format', url: 'https://www.rfc-editor.org/rfc/rfc5322' },
} satisfies Record<string, DocLink>;

const SEED = {
  efc: 'seed 002: Enhanced Filtering for Connectors in Exchange Online',
  lockdown: 'seed 003: accept SMTP connections only from the mail security gateway',
  relayMs: 'seed 000: SMTP relay service issues in Microsoft Exchange, fixed with Enhanced Filtering',
  relayGoogle: 'seed 001: SMTP relay service issues in Exchange and Google Workspace (inbound mail gateway)',
  device: 'seed 004: relaying mail from applications and devices through Microsoft 365',
};

const list: Explanation[] = [
  {
    id: 'spf-evaluated-on-relay',
    title: "SPF was checked on the gateway's address, not the sender's",
    whatHappened:
      "The receiving system ran SPF against the IP address that connected to it. A filtering gateway (or another relay) sits in front of it, so that address belongs to the gateway, not to the server that originally sent the message.",
    whyItMatters:
      "The sender's SPF record lists the sender's servers, not your gateway, so SPF fails or soft-fails for legitimate mail. DMARC and Microsoft's composite authentication then count it against the message: genuine mail lands in Junk or is flagged as spoofing, sometimes only now and then.",
    howToFix:
      'Tell the receiving system to look past the gateway. In Exchange Online, turn on Enhanced Filtering for Connectors on the inbound connector the gateway uses: list the gateway\'s public IPs (EFSkipIPs) or let EOP skip the last hop (EFSkipLastIP). In Google Workspace, add the gateway\'s IPs under Inbound gateway and tick "Automatically detect external IP". Do not add the gateway to the sender\'s SPF record — the record is the sender\'s, not yours.',
    howToVerify:
      'Send a new test message from outside through the gateway. In Exchange Online the headers now show X-MS-Exchange-ExternalOriginalInternetSender and the Authentication-Results spf part names the original sender\'s IP ("sender IP is …"). In Gmail, Received-SPF / the spf result names the sender\'s IP instead of the gateway\'s.',
    docs: [DOC.efc, DOC.thirdParty, DOC.gmailGateway, DOC.rfc7208],
    seeds: [SEED.efc, SEED.relayMs, SEED.relayGoogle],
  },
  {
    id: 'dkim-body-modified',
    title: 'The message body changed after it was signed (DKIM body hash)',
    whatHappened:
      "A DKIM signature's body hash (bh=) no longer matches the body. Something between the signer and the check changed the content — typically a gateway adding an \"[EXTERNAL] / Caution\" banner or a disclaimer, rewriting links for click-time protection (for example urldefense.com), or re-encoding a MIME part.",
    whyItMatters:
      'With the signature broken, DKIM cannot vouch for the From domain. If SPF also fails (because the gateway\'s IP was checked), DMARC fails and genuine mail is junked or rejected as a spoof.',
    howToFix:
      'Either stop the change before the final check, or make the receiver trust the party that made it. In Exchange Online: Enhanced Filtering for Connectors lets EOP recover from DKIM failures caused by the gateway; if the gateway ARC-seals, add its sealing domain as a trusted ARC sealer. On the gateway: apply banners and link rewriting after delivery (or not at all for internal recipients), or have the gateway add them only where DKIM is already broken.',
    howToVerify:
      'Send a signed test message through the gateway and look at the receiver\'s Authentication-Results: dkim=pass for the sender\'s domain, or compauth=pass reason=130 (trusted ARC sealer), or the original sender\'s IP in X-MS-Exchange-ExternalOriginalInternetSender.',
    docs: [DOC.efc, DOC.arc, DOC.rfc6376],
    seeds: [SEED.efc, SEED.relayMs, SEED.relayGoogle],
  },
  {
    id: 'dkim-header-modified',
    title: 'A signed header was changed after signing (DKIM signature)',
    whatHappened:
      'The body hash still matches, but the signature over the headers does not: one of the headers listed in the signature\'s h= tag was changed on the way. The usual culprit is a gateway tagging the Subject ("[EXTERNAL] …"), or rewriting From, Reply-To or To.',
    whyItMatters:
      'A broken signature means DKIM no longer supports the From domain, and DMARC may fail for genuine mail — the same effect as a body change, just from a one-word subject tag.',
    howToFix:
      'Turn off subject tagging on the gateway (use the receiving system\'s own external-sender tag, e.g. Exchange Online\'s External tag, which is applied after the checks), or make the receiver trust the gateway: Enhanced Filtering for Connectors in Exchange Online, and a trusted ARC sealer if the gateway ARC-seals.',
    howToVerify:
      'Send a signed test message through the gateway: the receiver\'s Authentication-Results show dkim=pass for the sender\'s domain, and the Subject arrives unchanged.',
    docs: [DOC.efc, DOC.arc, DOC.rfc6376],
    seeds: [SEED.efc, SEED.relayMs],
  },
  {
    id: 'dmarc-fail-after-relay',
    title: 'DMARC failed at the receiver but passed at the gateway',
    whatHappened:
      'The gateway in front of the receiver checked the message and found it authentic (DMARC, or an aligned SPF/DKIM pass, in its own results). The receiver checked it again after the relay hop and DMARC failed.',
    whyItMatters:
      'The failure was caused by the relay itself: SPF was judged on the gateway\'s IP, and/or the gateway\'s changes broke DKIM. Depending on the sender\'s DMARC policy, genuine mail is junked, quarantined or rejected.',
    howToFix:
      'Make the receiver evaluate the original sender: Enhanced Filtering for Connectors (Exchange Online) or the Inbound gateway setting (Google Workspace). If the gateway ARC-seals, trust its sealing domain so its results count (Set-ArcConfig -ArcTrustedSealers).',
    howToVerify:
      'Send a test from a domain with DMARC p=quarantine or p=reject through the gateway: the receiver\'s Authentication-Results show dmarc=pass (or compauth=pass reason=130 when the ARC seal is trusted).',
    docs: [DOC.efc, DOC.arc, DOC.gmailGateway, DOC.rfc7489],
    seeds: [SEED.efc, SEED.relayMs, SEED.relayGoogle],
  },
  {
    id: 'dmarc-fail',
    title: 'DMARC failed at the receiver',
    whatHappened:
      "The receiver checked DMARC for the From domain and neither SPF nor DKIM passed in alignment with it. The finding shows what SPF was checked on (which IP) and what happened to DKIM (missing, body changed, header changed).",
    whyItMatters:
      "With p=quarantine or p=reject the message is junked or rejected (Exchange Online may honour reject as junk: action=oreject). For a genuine sender this is a delivery problem; for a spoof it is DMARC doing its job.",
    howToFix:
      "Follow the cause: if SPF was judged on your gateway, enable Enhanced Filtering (Exchange Online) or the Inbound gateway setting (Google Workspace); if DKIM broke in transit, stop the modification or trust the gateway's ARC seal; if the sender is your own device or service, add it to SPF or have it sign with DKIM; if it is a spoof, nothing needs fixing.",
    howToVerify: 'Send a new test message along the same path: the receiver\'s Authentication-Results show dmarc=pass.',
    docs: [DOC.emailAuth, DOC.headers, DOC.rfc7489],
    seeds: [SEED.efc, SEED.relayGoogle, SEED.device],
  },
  {
    id: 'compauth-fail',
    title: 'Microsoft composite authentication failed (compauth=fail)',
    whatHappened:
      'Exchange Online combined SPF, DKIM, DMARC and its own signals (composite authentication) and concluded that the From domain is not authenticated. The reason code tells which case: 000 DMARC failed with p=quarantine/reject, 001 weak or missing authentication records, 002 an admin policy forbids the spoof, 010 and 6xx your own domain failed (intra-org spoof).',
    whyItMatters:
      'compauth=fail drives the spoof verdict: the message goes to Junk or quarantine, or gets the unverified-sender/phish treatment. For a message that really came from the claimed domain, that is a false positive; for a spoof, it is Microsoft doing its job.',
    howToFix:
      'If the message is genuine and came through a gateway, fix the gateway path (Enhanced Filtering for Connectors, trusted ARC sealer). If it came from your own device or app relay, add the relay\'s address to your SPF record and use a connector. If it is a spoof, no change is needed — consider blocking the sender.',
    howToVerify:
      'After the change, the receiver\'s Authentication-Results for a new test message show compauth=pass (reason 1xx, or 130 for a trusted ARC sealer).',
    docs: [DOC.headers, DOC.emailAuth, DOC.efc],
    seeds: [SEED.efc, SEED.relayMs],
  },
  {
    id: 'efc-not-enabled',
    title: 'Enhanced Filtering for Connectors is not on for the gateway path',
    whatHappened:
      'The message came into Exchange Online through a gateway or other relay, and there is no X-MS-Exchange-SkipListedInternetSender header: skip listing is not configured on the connector this mail used.',
    whyItMatters:
      "Without it, Exchange Online treats the gateway as the sender. SPF is checked on the gateway's IP, IP reputation and anti-spoofing look at the gateway, and DKIM failures caused by the gateway are not recovered — the source of intermittent junking and spoof flags on genuine mail.",
    howToFix:
      'On the inbound connector used by the gateway: Set-InboundConnector -EFSkipIPs <the gateway\'s public IPs> (or -EFSkipLastIP $true to skip just the last hop). Do not list private or loopback addresses (skipped automatically) or Microsoft 365 addresses (not supported). Test on a few recipients first with -EFUsers, then apply to the whole organisation.',
    howToVerify:
      'A new test message through the gateway carries X-MS-Exchange-SkipListedInternetSender and X-MS-Exchange-ExternalOriginalInternetSender with the original sender\'s IP; the spf part of Authentication-Results names that IP.',
    docs: [DOC.efc, DOC.thirdParty],
    seeds: [SEED.efc, SEED.relayMs, SEED.relayGoogle],
  },
  {
    id: 'efc-active',
    title: 'Enhanced Filtering for Connectors is working',
    whatHappened:
      'Exchange Online skipped the gateway hop(s) and recorded the original sender in X-MS-Exchange-ExternalOriginalInternetSender (its IP, and its HELO name in domain=).',
    whyItMatters:
      "SPF, reputation and anti-spoofing were evaluated on the real sender, so the gateway's presence does not distort the verdict.",
    howToFix: 'Nothing to fix. If mail flow rules still set SCL -1 for the gateway, disable them now.',
    howToVerify: 'The Authentication-Results spf part names the same IP as X-MS-Exchange-ExternalOriginalInternetSender.',
    docs: [DOC.efc],
    seeds: [SEED.efc],
  },
  {
    id: 'efc-recipient-not-in-scope',
    title: 'Enhanced Filtering is set up, but not for these recipients',
    whatHappened:
      'X-MS-Exchange-SkipListedInternetSender is present (skip listing is configured on the connector) but X-MS-Exchange-ExternalOriginalInternetSender is not: the connector applies Enhanced Filtering only to the addresses in EFUsers, and not every recipient of this message is in that list.',
    whyItMatters:
      'For this message EOP fell back to normal filtering and judged the gateway as the sender. EFUsers matches literal addresses only (every proxy address must be listed), and one unlisted recipient turns Enhanced Filtering off for all recipients of the message.',
    howToFix:
      'Add the missing recipient addresses (all their proxy addresses; for hybrid via on-premises, the MailUser targetAddress) to EFUsers, or, once the pilot went well, apply Enhanced Filtering to the whole organisation (clear EFUsers).',
    howToVerify: 'A new test message to the same recipients carries X-MS-Exchange-ExternalOriginalInternetSender.',
    docs: [DOC.efc],
    seeds: [SEED.efc],
  },
  {
    id: 'efc-private-hop',
    title: 'A private (NAT) address in front of Microsoft 365',
    whatHappened:
      'A relay in front of Microsoft 365 (usually an on-premises server) received the message from a private, carrier-grade NAT or link-local address: part of the route runs inside a NAT-ed network.',
    whyItMatters:
      'Enhanced Filtering skips loopback and private addresses by itself and does not accept them in EFSkipIPs. A mail server behind NAT shows Microsoft 365 a shared public address, so the real sender behind it may not be evaluated.',
    howToFix:
      "Don't put private addresses in EFSkipIPs. If the server in front of Microsoft 365 is behind NAT, have the NAT device give it a public address of its own, and list that public address (plus every public intermediate hop) in EFSkipIPs.",
    howToVerify: 'X-MS-Exchange-ExternalOriginalInternetSender on a new test message names a public internet address, not a private one.',
    docs: [DOC.efc],
    seeds: [SEED.efc],
  },
  {
    id: 'efc-unsupported-routing',
    title: 'Non-linear routing: Microsoft 365 → elsewhere → Microsoft 365',
    whatHappened:
      'Microsoft 365 received the message from the internet, sent it on to servers outside Microsoft 365 (on-premises), and received it back.',
    whyItMatters:
      'Enhanced Filtering for on-premises hybrid servers is not supported on such a path: Microsoft 365 scans the returning message again, adds a second compauth verdict, and may mark it as spam. Scanning hosts placed after Microsoft 365 also break the chain of trust of the first verdict.',
    howToFix:
      'Make inbound routing linear: either MX → on-premises (or gateway) → Microsoft 365, or MX → Microsoft 365 only. Do not add the on-premises servers of a non-linear path to Enhanced Filtering.',
    howToVerify: 'A new message shows a single entry into Microsoft 365 in its Received chain.',
    docs: [DOC.efc],
    seeds: [SEED.efc],
  },
  {
    id: 'scl-bypass-rule',
    title: 'Spam filtering bypassed for gateway mail (SCL -1)',
    whatHappened:
      'Exchange Online marked the message as non-spam before filtering (SFV:SKN / SCL -1). For mail through a gateway this is almost always a mail flow rule that sets SCL -1 for the gateway\'s IPs or headers.',
    whyItMatters:
      'Everything that passes the gateway is delivered without Exchange Online\'s spam and spoof filtering — including spoofed mail the gateway let through. Gateway IPs are shared with other customers of the vendor. Microsoft asks you to disable such rules once Enhanced Filtering is on.',
    howToFix:
      'Turn on Enhanced Filtering for Connectors for the gateway connector, then disable the mail flow rule that sets SCL -1 (Get-TransportRule | Where SetSCL -eq -1). Keep the rule disabled for a while before deleting it, so you can roll back.',
    howToVerify: 'X-Forefront-Antispam-Report on a new test message shows SFV:NSPM (or SPM) and a real SCL instead of SFV:SKN / SCL:-1.',
    docs: [DOC.efc, DOC.thirdParty, DOC.headers],
    seeds: [SEED.efc],
  },
  {
    id: 'ip-allow-list-bypass',
    title: "The connecting IP is in the connection filter's IP Allow List (IPV:CAL)",
    whatHappened:
      'X-Forefront-Antispam-Report shows IPV:CAL: the connecting address is on the IP Allow List of the connection filter policy, so spam filtering was skipped.',
    whyItMatters:
      'With a gateway in front, that address is the gateway\'s — shared by many of the vendor\'s customers. Everything arriving through it, spoofs included, skips Exchange Online\'s spam filtering.',
    howToFix:
      'Remove the gateway\'s addresses from the connection filter IP Allow List (Set-HostedConnectionFilterPolicy -IPAllowList) and use Enhanced Filtering for Connectors so Exchange Online evaluates the real sender instead.',
    howToVerify: 'A new message through the gateway no longer shows IPV:CAL in X-Forefront-Antispam-Report.',
    docs: [DOC.headers, DOC.efc],
    seeds: [SEED.efc],
  },
  {
    id: 'arc-trusted-sealer-candidate',
    title: "The gateway's ARC seal verifies, but it is not trusted",
    whatHappened:
      'The gateway ARC-sealed the message (recording its own authentication results before it changed anything) and the ARC chain verifies, yet Exchange Online did not use those results: compauth or DMARC failed, and compauth is not reason 130.',
    whyItMatters:
      'Exchange Online only honours ARC seals from sealers you list as trusted. Until then, the gateway\'s evidence that the message was authentic is ignored.',
    howToFix:
      'Add the sealing domain (the d= of the gateway\'s ARC-Seal, e.g. pphosted.com for Proofpoint) to the trusted ARC sealers: Set-ArcConfig -Identity Default -ArcTrustedSealers <existing list + sealer>. The parameter replaces the list, so include the existing entries.',
    howToVerify: 'Get-ArcConfig lists the sealer; a new test message shows compauth=pass reason=130 in Authentication-Results.',
    docs: [DOC.arc, DOC.rfc8617, DOC.headers],
    seeds: [SEED.efc],
  },
  {
    id: 'gmail-inbound-gateway-missing',
    title: 'Gmail judged the gateway instead of the sender (Inbound gateway setting)',
    whatHappened:
      "A gateway sits in front of Gmail (Google Workspace), and Gmail ran SPF on the gateway's IP address.",
    whyItMatters:
      "SPF fails for legitimate senders, DMARC may fail with it, and Gmail's reputation and spam filtering look at the gateway instead of the sender — genuine mail goes to spam.",
    howToFix:
      'In the Admin console: Apps → Google Workspace → Gmail → Spam, Phishing and Malware → Inbound gateway. Add the gateway\'s public IPs and tick "Automatically detect external IP". Optionally "Reject all mail not from gateway IPs" once the MX points only to the gateway.',
    howToVerify: 'A new test message through the gateway shows the original sender\'s IP in Received-SPF and the spf result.',
    docs: [DOC.gmailGateway, DOC.gmailIps],
    seeds: [SEED.relayGoogle],
  },
  {
    id: 'direct-to-tenant',
    title: 'The message bypassed the gateway and went straight to the tenant',
    whatHappened:
      "The message reached Microsoft 365 (or Gmail) directly from the internet, not through your filtering gateway. Either the connecting host only claimed the gateway vendor's name in its HELO (nothing else confirms it), or the relays you configured are not on its route.",
    whyItMatters:
      'Anyone who knows your tenant\'s own MX host (for example <domain>.mail.protection.outlook.com) can skip the gateway and its filtering. Phishing often does exactly this and dresses up the HELO to look like the gateway.',
    howToFix:
      'Accept internet mail only from the gateway: in Exchange Online create a Partner inbound connector for all sender domains (*) that restricts mail to the gateway\'s IP addresses (RestrictDomainsToIPAddresses) or, better, to its TLS certificate (RestrictDomainsToCertificate). In Google Workspace, tick "Reject all mail not from gateway IPs" under Inbound gateway.',
    howToVerify: 'Connect to the tenant\'s MX host directly from an outside test tool: the SMTP session is now rejected, while mail through the gateway still arrives.',
    docs: [DOC.thirdParty, DOC.gmailGateway],
    seeds: [SEED.lockdown],
  },
  {
    id: 'relay-device-spf',
    title: "Device or app relay not covered by your SPF record",
    whatHappened:
      "An application, printer or internal server sent mail from your own domain through a relay, and the receiver's SPF check failed on the address that connected: your domain's SPF record does not list it.",
    whyItMatters:
      'Your own automated mail (scan-to-email, reports, alerts) fails SPF and DMARC and lands in Junk — or, with DMARC p=reject, is rejected — at your own tenant and at external recipients.',
    howToFix:
      "Add the relay's public IP to your domain's SPF record (ip4:<address>), keeping within the 10-lookup limit, and receive the device's mail on an inbound connector that identifies it by that IP or a certificate. Alternatively, have the device use authenticated SMTP submission with a licensed or shared mailbox.",
    howToVerify: "Look up the TXT record of the domain to see the new address, then send a test from the device: spf=pass in Authentication-Results.",
    docs: [DOC.thirdParty, DOC.emailAuth, DOC.rfc7208],
    seeds: [SEED.device],
  },
  {
    id: 'intra-org-spoof',
    title: "Mail from your own domain failed authentication at your own tenant",
    whatHappened:
      "The From domain is one of your organisation's domains, and your own tenant found the message unauthenticated (compauth=fail with reason 010 or 6xx in Exchange Online, or DMARC fail).",
    whyItMatters:
      "Either someone outside is sending as your domain — a classic phishing set-up — or one of your own senders (a printer, an application, a SaaS service, a relay) is not covered by your SPF record or DKIM keys, so your own mail is treated as a spoof and junked.",
    howToFix:
      "If the source is yours: add its public address to the SPF record or have it sign with DKIM, and route it through a connector that identifies it. If it is not yours: no change to mail flow; make sure DMARC is at p=quarantine or p=reject and treat the message as phishing.",
    howToVerify: 'A new message from the same source shows compauth=pass (or dmarc=pass) in Authentication-Results.',
    docs: [DOC.emailAuth, DOC.headers, DOC.rfc7208],
    seeds: [SEED.device],
  },
  {
    id: 'delivered-to-junk',
    title: 'Delivered to the Junk Email folder',
    whatHappened:
      'X-Microsoft-Antispam-Mailbox-Delivery shows dest:J: Exchange Online put the message in the Junk Email folder. The finding lists the verdict behind it (spam or spoof category, SCL, compauth).',
    whyItMatters:
      'This is what the user noticed. The cause is in the other findings (spoof verdict after a relay broke authentication, spam score, a missing SPF entry).',
    howToFix:
      'Fix the cause reported next to it. Avoid allow-listing the sender or the gateway to hide the symptom: that removes filtering for spoofs as well.',
    howToVerify: 'A new test message along the same path shows dest:I (Inbox) in X-Microsoft-Antispam-Mailbox-Delivery.',
    docs: [DOC.headers],
    seeds: [SEED.efc, SEED.relayMs],
  },
  {
    id: 'forged-auth-results',
    title: "An authentication header claims to be the receiver's but is not",
    whatHappened:
      "An Authentication-Results (or similar) header carries the receiving system's identity, but it sits below the point where the receiver took the message. The receiver only adds its results above that point, so this one was added earlier — usually by the sender.",
    whyItMatters:
      'Forged results are a phishing trick: they make a message look authenticated to people (and tools) that read headers naïvely. The only results that count are the ones the receiver added itself.',
    howToFix:
      "No configuration change: ignore the forged header and rely on the receiver's own verdict. Treat the message as suspicious, and report it if it is phishing.",
    howToVerify: "Compare with the receiver's own Authentication-Results at the top of the header block.",
    docs: [DOC.rfc8601],
    seeds: [],
  },
  {
    id: 'clock-skew',
    title: "A server's clock is wrong (negative delay)",
    whatHappened: 'A hop is timestamped earlier than the hop before it. One of the two servers has a wrong clock, or writes its time zone wrongly.',
    whyItMatters: 'Delays around that hop are meaningless, which matters when you are hunting for where a message was held. It can also affect DKIM timestamps (t=, x=).',
    howToFix: 'Find which server is off (compare with a third hop or with your own server) and fix its time synchronisation (NTP) or time zone.',
    howToVerify: 'A new message shows non-negative delays at every hop.',
    docs: [DOC.rfc5321],
    seeds: [],
  },
  {
    id: 'slow-hop',
    title: 'A hop took unusually long',
    whatHappened: 'The message waited at one hop longer than the slow-hop threshold (15 minutes unless configured otherwise).',
    whyItMatters: 'Late mail: a queue backlog, greylisting, a sandbox holding attachments, or a retry after a temporary failure.',
    howToFix: "Check the queue and logs of the host that received it late (and of the one before it): message trace in Exchange Online, the gateway's log search for its hop.",
    howToVerify: 'New messages pass the hop within the threshold.',
    docs: [DOC.rfc5321],
    seeds: [],
  },
  {
    id: 'unparsed-header',
    title: 'Part of a header could not be read',
    whatHappened: 'A header field (or a line in the header block) did not follow any syntax the parsers know, so part of it was not interpreted.',
    whyItMatters: "Usually harmless: the rest of the analysis is unaffected. It can hide information (a hop or a result) the other findings would otherwise use.",
    howToFix: 'Nothing to change in the mail system. If the line looks damaged, the message may have been altered while it was saved or copied.',
    howToVerify: 'Open the lines shown and read them directly.',
    docs: [DOC.rfc5322, DOC.rfc8601],
    seeds: [],
  },
  {
    id: 'internal-error',
    title: 'A check could not run',
    whatHappened: 'One of the diagnosis rules failed on this message, so its finding may be missing.',
    whyItMatters: 'The other findings are still valid; only that check is missing.',
    howToFix: 'Please report it with the message headers (remove personal data first).',
    howToVerify: 'Re-run the analysis after updating the extension.',
    docs: [],
    seeds: [],
  },
];

export const EXPLANATIONS: Readonly<Record<string, Explanation>> = Object.freeze(Object.fromEntries([...list, ...MAILBOX_EXPLANATIONS].map((e) => [e.id, e])));

/** The explanation for a finding id (Finding.explanation), or undefined. */
export function explanationFor(id: string): Explanation | undefined {
  return Object.prototype.hasOwnProperty.call(EXPLANATIONS, id) ? EXPLANATIONS[id] : undefined;
}
