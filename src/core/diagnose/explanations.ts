/**
 * The texts behind every finding id: a title, what happened, why it matters, how to fix it, how
 * to check the fix, documentation links and background articles. Read by the explanation panel,
 * the hovers, the CLI and the reports (`Finding.explanation` is the key).
 *
 * Plain words, for a messaging engineer in the middle of an incident. Every text is a statement
 * record with the public sources it rests on (ids in ../remedy/sources.ts): `docs` are the primary
 * documents those records cite (Microsoft Learn, Microsoft's Exchange Team blog, Google Workspace
 * Admin Help, RFCs, vendor documentation), `seeds` the background articles, by title and link.
 * docs/sources.md lists every statement with its sources; a test keeps it in step.
 */
import { sourceById, type Source } from '../remedy/sources';
import type { StatementRecord } from '../remedy/statements';

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
  /** The primary documents the texts rest on: "Title (Publisher)" and link. */
  docs: DocLink[];
  /** Background articles on the same problem, "Title (Publisher, date): link" (shown as text). */
  seeds: string[];
}

type Field = 'title' | 'whatHappened' | 'whyItMatters' | 'howToFix' | 'howToVerify';
const FIELDS: readonly Field[] = ['title', 'whatHappened', 'whyItMatters', 'howToFix', 'howToVerify'];

const R = (text: string, ...sources: string[]): StatementRecord => ({ text, sources });

type Data = Record<Field, StatementRecord>;

const DATA: Record<string, Data> = {
  'spf-evaluated-on-relay': {
    title: R("SPF was checked on the gateway's address, not the sender's", 'ms-efc'),
    whatHappened: R(
      "The receiving system ran SPF against the IP address that connected to it. A filtering gateway (or another relay) sits in front of it, so that address belongs to the gateway, not to the server that originally sent the message.",
      'ms-efc',
      'bullphish-relay',
    ),
    whyItMatters: R(
      "The sender's SPF record lists the sender's servers, not your gateway, so SPF fails or soft-fails for legitimate mail. DMARC and Microsoft's composite authentication then count it against the message: genuine mail lands in Junk or is flagged as spoofing, sometimes only now and then.",
      'bullphish-relay',
      'bullphish-connector',
      'ms-email-auth',
    ),
    howToFix: R(
      'Tell the receiving system to look past the gateway. In Exchange Online, turn on Enhanced Filtering for Connectors on the inbound connector the gateway uses: list the gateway\'s public IPs (EFSkipIPs) or let Exchange Online skip the last hop (EFSkipLastIP). In Google Workspace, add the gateway\'s IPs under Inbound gateway and check "Automatically detect external IP". Do not add the gateway to the sender\'s SPF record: the record is the sender\'s, not yours.',
      'ms-efc',
      'google-gateway',
      'bullphish-relay',
    ),
    howToVerify: R(
      'Send a new test message from outside through the gateway. In Exchange Online the headers now show X-MS-Exchange-ExternalOriginalInternetSender and the spf part of Authentication-Results names the original sender\'s IP ("sender IP is …"). In Gmail, Received-SPF and the spf result name the sender\'s IP instead of the gateway\'s.',
      'ms-efc',
      'ms-headers',
      'google-gateway',
    ),
  },
  'dkim-body-modified': {
    title: R('The message body changed after it was signed (DKIM body hash)', 'rfc6376'),
    whatHappened: R(
      'A DKIM signature\'s body hash (bh=) no longer matches the body. Something between the signer and the check changed the content: typically a gateway adding a warning banner or a disclaimer, rewriting links for click-time protection, or re-encoding a MIME part.',
      'rfc6376',
      'bullphish-connector',
    ),
    whyItMatters: R(
      "With the signature broken, DKIM cannot vouch for the From domain. If SPF also fails (because the gateway's IP was checked), DMARC fails and genuine mail is junked or rejected as a spoof.",
      'rfc7489',
      'ms-arc',
    ),
    howToFix: R(
      "Either stop the change before the final check, or make the receiver trust the party that made it. In Exchange Online, Enhanced Filtering for Connectors recovers from DKIM signature failures caused by services that modify messages; if the gateway ARC-seals, add its sealing domain as a trusted ARC sealer. On the gateway, apply banners and link rewriting only where they are needed.",
      'ms-efc',
      'ms-arc',
    ),
    howToVerify: R(
      "Send a signed test message through the gateway and look at the receiver's Authentication-Results: dkim=pass for the sender's domain, or compauth=pass reason=130 (trusted ARC sealer), or the original sender's IP in X-MS-Exchange-ExternalOriginalInternetSender.",
      'ms-headers',
      'ms-arc',
      'ms-efc',
    ),
  },
  'dkim-header-modified': {
    title: R('A signed header was changed after signing (DKIM signature)', 'rfc6376'),
    whatHappened: R(
      "The body hash still matches, but the signature over the headers does not: one of the headers listed in the signature's h= tag was changed on the way. The usual culprit is a gateway tagging the Subject, or rewriting From, Reply-To or To.",
      'rfc6376',
      'bullphish-connector',
    ),
    whyItMatters: R(
      'A broken signature means DKIM no longer supports the From domain, and DMARC may fail for genuine mail: the same effect as a body change, from a one-word subject tag.',
      'rfc7489',
    ),
    howToFix: R(
      "Turn off subject tagging on the gateway, or make the receiver trust the gateway: Enhanced Filtering for Connectors in Exchange Online, and a trusted ARC sealer if the gateway ARC-seals.",
      'ms-efc',
      'ms-arc',
    ),
    howToVerify: R("Send a signed test message through the gateway: the receiver's Authentication-Results show dkim=pass for the sender's domain, and the Subject arrives unchanged.", 'ms-headers'),
  },
  'dmarc-fail-after-relay': {
    title: R('DMARC failed at the receiver but passed at the gateway', 'rfc7489'),
    whatHappened: R(
      'The gateway in front of the receiver checked the message and found it authentic (DMARC, or an aligned SPF or DKIM pass, in its own results). The receiver checked it again after the relay hop and DMARC failed.',
      'rfc7489',
      'rfc8601',
    ),
    whyItMatters: R(
      "The failure was caused by the relay itself: SPF was judged on the gateway's IP, and the gateway's changes may have broken DKIM. Depending on the sender's DMARC policy and the receiver's settings, genuine mail is junked, quarantined or rejected.",
      'ms-arc',
      'bullphish-relay',
    ),
    howToFix: R(
      'Make the receiver evaluate the original sender: Enhanced Filtering for Connectors (Exchange Online) or the Inbound gateway setting (Google Workspace). If the gateway ARC-seals, trust its sealing domain so its results count (Set-ArcConfig -ArcTrustedSealers).',
      'ms-efc',
      'google-gateway',
      'ms-arc',
    ),
    howToVerify: R(
      "Send a test from a domain with DMARC p=quarantine or p=reject through the gateway: the receiver's Authentication-Results show dmarc=pass (or compauth=pass reason=130 when the ARC seal is trusted).",
      'ms-headers',
      'ms-arc',
    ),
  },
  'dmarc-fail': {
    title: R('DMARC failed at the receiver', 'rfc7489'),
    whatHappened: R(
      "The receiver checked DMARC for the From domain and neither SPF nor DKIM passed in alignment with it. The finding shows what SPF was checked on (which IP) and what happened to DKIM (missing, body changed, header changed).",
      'rfc7489',
      'ms-headers',
    ),
    whyItMatters: R(
      "What Exchange Online does with the sender's policy is in action= and depends on the anti-phishing policy: with \"Honor DMARC record policy when the message is detected as spoof\" on, p=quarantine and p=reject get the actions the policy sets; action=oreject (override reject) means a p=reject message was marked as spam instead of rejected. Behind a gateway, the Honor DMARC policy setting applies only when Enhanced Filtering is on for the connector. For a genuine sender this is a delivery problem; for a spoof it is DMARC doing its job.",
      'ms-antiphish',
      'ms-headers',
      'ms-headers-2022',
    ),
    howToFix: R(
      "Follow the cause: if SPF was judged on your gateway, turn on Enhanced Filtering (Exchange Online) or the Inbound gateway setting (Google Workspace); if DKIM broke in transit, stop the modification or trust the gateway's ARC seal; if the sender is your own device or service, add it to SPF or have it sign with DKIM; if it is a spoof, nothing needs fixing.",
      'ms-efc',
      'google-gateway',
      'ms-arc',
      'ms-spf',
    ),
    howToVerify: R("Send a new test message along the same path: the receiver's Authentication-Results show dmarc=pass.", 'ms-headers'),
  },
  'compauth-fail': {
    title: R('Microsoft composite authentication failed (compauth=fail)', 'ms-headers'),
    whatHappened: R(
      'Exchange Online combined SPF, DKIM, DMARC and other parts of the message (composite authentication), with the From domain as the basis, and concluded that the message is not authenticated. The reason code tells which case: 000 explicit failure (DMARC failed with p=quarantine or p=reject), 001 implicit failure (no authentication records, or weak ones such as SPF ~all or ?all, or DMARC p=none), 002 an admin policy forbids this sender from spoofing, 010 and 6xx your own domain failed (intra-org spoofing). dmarc=bestguesspass is not a pass: it means the domain publishes no DMARC record and would have passed if it had one.',
      'ms-headers',
    ),
    whyItMatters: R(
      'compauth=fail drives the spoof verdict: the message goes to Junk or quarantine, or gets the unverified-sender treatment, unless other assessments clear it. For a message that really came from the claimed domain that is a false positive; for a spoof it is Microsoft doing its job.',
      'ms-headers',
      'ms-antiphish',
    ),
    howToFix: R(
      "If the message is genuine and came through a gateway, fix the gateway path (Enhanced Filtering for Connectors, trusted ARC sealer). If it came from your own device or application, add its address to your SPF record and give it a connector. If it is a spoof, no change is needed.",
      'ms-efc',
      'ms-arc',
      'ms-device',
    ),
    howToVerify: R(
      "After the change, the receiver's Authentication-Results for a new test message show compauth=pass (reason 1xx, or 130 for a trusted ARC sealer).",
      'ms-headers',
    ),
  },
  'efc-not-enabled': {
    title: R('Enhanced Filtering for Connectors is not on for the gateway path', 'ms-efc'),
    whatHappened: R(
      'The message came into Exchange Online through a gateway or other relay, and there is no X-MS-Exchange-SkipListedInternetSender header: skip listing is not configured on the connector this mail used.',
      'ms-efc',
    ),
    whyItMatters: R(
      "Without it, Exchange Online takes the gateway for the sender: SPF is checked on the gateway's IP, authentication is implicit instead of explicit, and DKIM failures caused by the gateway are not recovered. That is the source of intermittent junking and spoof flags on genuine mail.",
      'ms-efc',
      'bullphish-connector',
    ),
    howToFix: R(
      "On the inbound connector the gateway uses: Set-InboundConnector -EFSkipIPs <the gateway's public IPs> (with -EFSkipLastIP $false), or -EFSkipLastIP $true to skip only the last hop. Do not list loopback or RFC 1918 private addresses (Enhanced Filtering detects and skips them itself) or Microsoft 365 addresses (not supported). Test on a few recipients first with -EFUsers, then apply it to the whole organisation.",
      'ms-efc',
      'ms-set-inboundconnector',
    ),
    howToVerify: R(
      "A new test message through the gateway carries X-MS-Exchange-SkipListedInternetSender and X-MS-Exchange-ExternalOriginalInternetSender with the original sender's IP; the spf part of Authentication-Results names that IP.",
      'ms-efc',
      'ms-headers',
    ),
  },
  'efc-active': {
    title: R('Enhanced Filtering for Connectors is working', 'ms-efc'),
    whatHappened: R(
      'Exchange Online skipped the gateway hops and recorded the true source in X-MS-Exchange-ExternalOriginalInternetSender (its IP, and the name it gave in domain=).',
      'ms-efc',
    ),
    whyItMatters: R(
      "SPF, DKIM and DMARC were evaluated explicitly on the real sender, so the gateway's presence does not distort the verdict.",
      'ms-efc',
    ),
    howToFix: R('Nothing to fix. If mail flow rules still set SCL -1 for the gateway, disable them now.', 'ms-efc'),
    howToVerify: R('The spf part of Authentication-Results names the same IP as X-MS-Exchange-ExternalOriginalInternetSender.', 'ms-efc', 'ms-headers'),
  },
  'efc-recipient-not-in-scope': {
    title: R('Enhanced Filtering is set up, but not for these recipients', 'ms-efc'),
    whatHappened: R(
      'X-MS-Exchange-SkipListedInternetSender is present (skip listing is configured on the connector) but X-MS-Exchange-ExternalOriginalInternetSender is not: the connector applies Enhanced Filtering only to the addresses in EFUsers, and not every recipient of this message is in that list.',
      'ms-efc',
    ),
    whyItMatters: R(
      'For this message Exchange Online fell back to normal filtering and judged the gateway as the sender. EFUsers matches literal addresses only (every proxy address must be listed), and one unlisted recipient means normal filtering for all recipients of the message.',
      'ms-efc',
    ),
    howToFix: R(
      'Add the missing recipient addresses (all their proxy addresses; in hybrid with inbound mail through on-premises Exchange, the MailUser targetAddress) to EFUsers, or, once the pilot went well, apply Enhanced Filtering to the whole organisation (clear EFUsers).',
      'ms-efc',
    ),
    howToVerify: R('A new test message to the same recipients carries X-MS-Exchange-ExternalOriginalInternetSender.', 'ms-efc'),
  },
  'efc-private-hop': {
    title: R('A private (NAT) address in front of Microsoft 365', 'ms-efc'),
    whatHappened: R(
      'A relay in front of Microsoft 365 (usually an on-premises server) received the message from a private, carrier-grade NAT or link-local address: part of the route runs inside a network behind NAT.',
      'rfc5321',
    ),
    whyItMatters: R(
      'Enhanced Filtering detects and skips loopback (127.0.0.0/8) and RFC 1918 private addresses by itself and does not support them in EFSkipIPs; Microsoft documents no automatic skipping for link-local, unique-local or carrier-grade NAT addresses. A mail server behind NAT shows Microsoft 365 a shared public address.',
      'ms-efc',
    ),
    howToFix: R(
      "Don't put private addresses in EFSkipIPs. If the previous hop is a mail server behind a NAT device that gives it a private address, Microsoft recommends configuring NAT to give it a public address, and listing that public address (plus every public intermediate hop) in EFSkipIPs.",
      'ms-efc',
    ),
    howToVerify: R('X-MS-Exchange-ExternalOriginalInternetSender on a new test message names a public internet address, not a private one.', 'ms-efc'),
  },
  'efc-unsupported-routing': {
    title: R('Non-linear routing: Microsoft 365, then elsewhere, then Microsoft 365 again', 'ms-efc'),
    whatHappened: R('Microsoft 365 received the message from the internet, sent it on to servers outside Microsoft 365 (on-premises), and received it back.', 'ms-efc'),
    whyItMatters: R(
      'Adding on-premises hybrid servers to Enhanced Filtering is not supported on such a path: Microsoft 365 scans the returning message again, adds a compauth header value, and may identify it as spam. Scanning hosts placed after Microsoft 365 also break the chain of trust of the first verdict.',
      'ms-efc',
    ),
    howToFix: R(
      'Make inbound routing linear: the MX to on-premises (or the gateway) and then Microsoft 365, or the MX to Microsoft 365 only. Do not add the on-premises servers of a non-linear path to Enhanced Filtering.',
      'ms-efc',
    ),
    howToVerify: R('A new message shows a single entry into Microsoft 365 in its Received chain.', 'rfc5321'),
  },
  'scl-bypass-rule': {
    title: R('Spam filtering bypassed for gateway mail (SCL -1)', 'ms-headers'),
    whatHappened: R(
      "Exchange Online marked the message as not spam before filtering (SFV:SKN, SCL -1). For mail through a gateway this is usually a mail flow rule that sets SCL -1 for the gateway's IPs or headers.",
      'ms-headers',
      'ms-third-party',
    ),
    whyItMatters: R(
      "Everything that passes the gateway is delivered without Exchange Online's spam and spoof filtering, spoofed mail included. Most third-party filtering services share their IP addresses among many customers. Microsoft asks you to disable such rules once Enhanced Filtering is on.",
      'ms-third-party',
      'ms-efc',
    ),
    howToFix: R(
      'Turn on Enhanced Filtering for Connectors for the gateway connector, then disable the mail flow rule that sets SCL -1 (Get-TransportRule | Where-Object { $_.SetSCL -eq -1 }). Keep the rule disabled for a while before deleting it, so you can roll back.',
      'ms-efc',
    ),
    howToVerify: R('X-Forefront-Antispam-Report on a new test message shows SFV:NSPM (or SPM) and a real SCL instead of SFV:SKN and SCL -1.', 'ms-headers'),
  },
  'ip-allow-list-bypass': {
    title: R("The connecting IP is in the connection filter's IP Allow List (IPV:CAL)", 'ms-headers'),
    whatHappened: R(
      'X-Forefront-Antispam-Report shows IPV:CAL: the connecting address is on the IP Allow List of the connection filter policy, so spam filtering was skipped.',
      'ms-headers',
    ),
    whyItMatters: R(
      "With a gateway in front, that address is the gateway's, shared by many of the vendor's customers. Everything arriving through it, spoofs included, skips Exchange Online's spam filtering.",
      'ms-third-party',
    ),
    howToFix: R(
      "Remove the gateway's addresses from the connection filter IP Allow List (Set-HostedConnectionFilterPolicy -IPAllowList) and use Enhanced Filtering for Connectors so Exchange Online evaluates the real sender instead.",
      'ms-third-party',
      'ms-efc',
    ),
    howToVerify: R('A new message through the gateway no longer shows IPV:CAL in X-Forefront-Antispam-Report.', 'ms-headers'),
  },
  'arc-trusted-sealer-candidate': {
    title: R("The gateway's ARC seal verifies, but it is not trusted", 'ms-arc'),
    whatHappened: R(
      'The gateway ARC-sealed the message (recording its own authentication results before it changed anything) and the ARC chain verifies, yet Exchange Online did not use those results: compauth or DMARC failed, and compauth is not reason 130.',
      'ms-arc',
      'rfc8617',
    ),
    whyItMatters: R(
      "Microsoft 365 uses the original authentication information an ARC sealer provides only for sealers you list as trusted. Until then, the gateway's evidence that the message was authentic is ignored.",
      'ms-arc',
    ),
    howToFix: R(
      "Add the sealing domain (the d= of the gateway's ARC-Seal and ARC-Message-Signature) to the trusted ARC sealers with Set-ArcConfig -Identity Default -ArcTrustedSealers. The parameter replaces the list, so include the existing entries.",
      'ms-arc',
      'ms-set-arcconfig',
    ),
    howToVerify: R(
      'Get-ArcConfig lists the sealer; on a new test message the last ARC-Authentication-Results shows arc=pass and oda=1, and Authentication-Results shows compauth=pass reason=130 where DMARC alone fails.',
      'ms-arc',
    ),
  },
  'gmail-inbound-gateway-missing': {
    title: R('Gmail judged the gateway instead of the sender (Inbound gateway setting)', 'google-gateway'),
    whatHappened: R("A gateway sits in front of Gmail (Google Workspace), and Gmail ran SPF on the gateway's IP address.", 'google-gateway', 'bullphish-relay'),
    whyItMatters: R(
      "SPF fails for legitimate senders, DMARC may fail with it, and Gmail's reputation and spam filtering look at the gateway instead of the sender: genuine mail goes to spam.",
      'bullphish-relay',
    ),
    howToFix: R(
      'In the Admin console: Apps > Google Workspace > Gmail > Spam, Phishing and Malware > Inbound gateway. Add the gateway\'s public IPs and check "Automatically detect external IP". Optionally check "Reject all mail not from gateway IPs" once the MX points only to the gateway.',
      'google-gateway',
    ),
    howToVerify: R("A new test message through the gateway shows the original sender's IP in Received-SPF and the spf result.", 'google-gateway', 'rfc7208'),
  },
  'direct-to-tenant': {
    title: R('The message bypassed the gateway and went straight to the tenant', 'ms-third-party'),
    whatHappened: R(
      "The message reached Microsoft 365 (or Gmail) directly from the internet, not through your filtering gateway. Either the connecting host only claimed the gateway vendor's name in its HELO (nothing else confirms it), or the relays you configured are not on its route.",
      'o365info-lockdown',
      'rfc5321',
    ),
    whyItMatters: R(
      "Hosts that know your tenant's own MX host (for example <domain>.mail.protection.outlook.com) can skip the gateway and its filtering; spammers keep such host names and addresses.",
      'o365info-lockdown',
    ),
    howToFix: R(
      "Accept internet mail only from the gateway: in Exchange Online create a Partner inbound connector for all sender domains (*) restricted to the gateway's TLS certificate (RestrictDomainsToCertificate, preferred by Microsoft) or IP addresses (RestrictDomainsToIPAddresses). In Google Workspace, check \"Reject all mail not from gateway IPs\" under Inbound gateway.",
      'ms-third-party',
      'google-gateway',
    ),
    howToVerify: R(
      "Connect to the tenant's MX host directly from an outside test host and send to one of your recipients: each recipient is refused (550 5.7.51 TenantInboundAttribution in Exchange Online), while mail through the gateway still arrives.",
      'o365info-lockdown',
      'ms-hybrid-tls',
    ),
  },
  'relay-device-spf': {
    title: R('Device or app relay not covered by your SPF record', 'ms-device'),
    whatHappened: R(
      "An application, printer or internal server sent mail from your own domain, and the receiver's SPF check failed on the address that connected: your domain's SPF record does not list it. A device that sends to your MX without signing in and without a connector is using Direct Send.",
      'ms-device',
      'ms-direct-send',
    ),
    whyItMatters: R(
      'Your own automated mail (scan to email, reports, alerts) fails SPF and DMARC and is flagged as spam, or rejected with DMARC p=reject, at your own tenant.',
      'ms-device',
      'ms-direct-send',
    ),
    howToFix: R(
      "Add the device's public IP to your domain's SPF record (ip4:<address>), keeping within the 10-lookup limit, and receive its mail on an inbound connector that identifies it by certificate (Microsoft's recommended method) or by that IP. SMTP AUTH client submission is the alternative with a mailbox; Basic authentication for it is disabled by default for existing tenants at the end of December 2026. Once every legitimate sender has a connector, Set-OrganizationConfig -RejectDirectSend $true refuses Direct Send from everything else.",
      'ms-device',
      'ms-spf',
      'ms-5764',
      'ms-smtp-auth-timeline',
      'ms-direct-send',
    ),
    howToVerify: R("Look up the TXT record of the domain to see the new address, then send a test from the device: spf=pass in Authentication-Results.", 'ms-headers', 'ms-spf'),
  },
  'intra-org-spoof': {
    title: R('Mail from your own domain failed authentication at your own tenant', 'ms-headers'),
    whatHappened: R(
      "The From domain is one of your organisation's domains, and your own tenant found the message unauthenticated (compauth=fail with reason 010 or 6xx in Exchange Online, or DMARC fail).",
      'ms-headers',
    ),
    whyItMatters: R(
      'Either someone outside is sending as your domain, or one of your own senders (a printer, an application, a third-party service, a relay) is not covered by your SPF record or DKIM keys, so your own mail is treated as a spoof.',
      'ms-headers',
      'ms-direct-send',
    ),
    howToFix: R(
      "If the source is yours: add its public address to the SPF record or have it sign with DKIM, and route it through a connector that identifies it. If it is not yours: no change to mail flow is needed for this message; make sure DMARC is at p=quarantine or p=reject. When such mail arrives anonymously with your domain as envelope sender (Direct Send), Set-OrganizationConfig -RejectDirectSend $true makes Exchange Online refuse it.",
      'ms-device',
      'ms-spf',
      'ms-direct-send',
    ),
    howToVerify: R('A new message from the same source shows compauth=pass (or dmarc=pass) in Authentication-Results.', 'ms-headers'),
  },
  'delivered-to-junk': {
    title: R('Delivered to the Junk Email folder', 'ms-headers'),
    whatHappened: R(
      'X-Microsoft-Antispam-Mailbox-Delivery shows dest:J: Exchange Online put the message in the Junk Email folder. The finding lists the verdict behind it (spam or spoof category, SCL, compauth).',
      'ms-headers',
    ),
    whyItMatters: R('This is what the user noticed. The cause is in the other findings (a spoof verdict after a relay broke authentication, a spam score, a missing SPF entry).', 'ms-headers'),
    howToFix: R(
      'Fix the cause reported next to it. Avoid allow-listing the sender or the gateway to hide the symptom: that removes filtering for spoofs as well.',
      'ms-third-party',
    ),
    howToVerify: R('A new test message along the same path shows dest:I (Inbox) in X-Microsoft-Antispam-Mailbox-Delivery.', 'ms-headers'),
  },
  'forged-auth-results': {
    title: R("An authentication header claims to be the receiver's but is not", 'rfc8601'),
    whatHappened: R(
      "An Authentication-Results (or similar) header carries the receiving system's identity, but it sits below the point where the receiver took the message. The receiver adds its results above that point, so this one was added earlier, usually by the sender.",
      'rfc8601',
      'rfc5321',
    ),
    whyItMatters: R(
      'Forged results make a message look authenticated to people and tools that read headers naively. Only the results the receiver added itself count; results from authentication services a reader does not trust are to be ignored.',
      'rfc8601',
    ),
    howToFix: R("No configuration change: ignore the forged header and rely on the receiver's own verdict. Treat the message as suspicious, and report it if it is phishing.", 'rfc8601'),
    howToVerify: R("Compare with the receiver's own Authentication-Results at the top of the header block.", 'rfc8601'),
  },
  'clock-skew': {
    title: R("A server's clock is wrong (negative delay)", 'rfc5321'),
    whatHappened: R('A hop is timestamped earlier than the hop before it. One of the two servers has a wrong clock, or writes its time zone wrongly.', 'rfc5321', 'rfc5322'),
    whyItMatters: R(
      'Delays around that hop are meaningless, which matters when you are hunting for where a message was held. It can also affect DKIM timestamps (t=, x=).',
      'rfc5321',
      'rfc6376',
    ),
    howToFix: R('Find which server is off (compare with a third hop or with your own server) and fix its time synchronisation or time zone.', 'rfc5321'),
    howToVerify: R('A new message shows non-negative delays at every hop.', 'rfc5321'),
  },
  'slow-hop': {
    title: R('A hop took unusually long', 'rfc5321'),
    whatHappened: R('The message waited at one hop longer than the slow-hop threshold (15 minutes unless configured otherwise).', 'rfc5321', 'product'),
    whyItMatters: R('Late mail: a queue backlog, greylisting, a sandbox holding attachments, or a retry after a temporary failure.', 'rfc5321'),
    howToFix: R("Check the queue and logs of the host that received it late (and of the one before it): message trace in Exchange Online, the gateway's log search for its hop.", 'rfc5321'),
    howToVerify: R('New messages pass the hop within the threshold.', 'rfc5321'),
  },
  'unparsed-header': {
    title: R('Part of a header could not be read', 'rfc5322'),
    whatHappened: R('A header field (or a line in the header block) did not follow any syntax the parsers know, so part of it was not interpreted.', 'rfc5322', 'rfc8601'),
    whyItMatters: R('Usually harmless: the rest of the analysis is unaffected. It can hide information (a hop or a result) the other findings would otherwise use.', 'product'),
    howToFix: R('Nothing to change in the mail system. If the line looks damaged, the message may have been altered while it was saved or copied.', 'rfc5322'),
    howToVerify: R('Open the lines shown and read them directly.', 'product'),
  },
  'safe-sender-override': {
    title: R(
      "The recipient's Safe Senders list overrode the spam or spoof verdict",
      'ms-safe-senders',
    ),
    whatHappened: R(
      "Exchange Online's filter judged the message as spam, phishing or a failed sender check (a high SCL, compauth=fail or dmarc=fail), but the mailbox delivered it to the Inbox because the sender is on the recipient's Safe Senders list or in their contacts (X-Microsoft-Antispam-Mailbox-Delivery: dest:I with OFR:TrustedSenderList or OFR:SenderInAddressBook).",
      'ms-safe-senders', 'ms-headers',
    ),
    whyItMatters: R(
      'The verdict did not change, only the folder. Safe Senders entries match the From address, which a spoof can carry: an entry for a whole domain lets every forged message from it reach the Inbox.',
      'ms-safe-senders',
    ),
    howToFix: R(
      "If the sender is genuine, fix its authentication (SPF, DKIM, DMARC) so the filter passes it on its own, then remove the list entry. Otherwise remove the entry from the user's Safe Senders (Outlook junk email options), and consider turning off Safe Senders overrides for spoof verdicts in the anti-spam policy.",
      'ms-safe-senders', 'ms-email-auth',
    ),
    howToVerify: R(
      'A new message from the sender shows dest:I without an OFR override (or lands in Junk if it is still judged bad).',
      'ms-headers',
    ),
  },
  'domain-misalignment': {
    title: R(
      'From, MAIL FROM and DKIM domains do not align',
      'rfc7489',
    ),
    whatHappened: R(
      "The From domain is not in the same organisational domain as the envelope sender (MAIL FROM / Return-Path) nor as any DKIM signature's d= domain, so neither SPF nor DKIM can count for DMARC.",
      'rfc7489',
    ),
    whyItMatters: R(
      "DMARC needs at least one aligned pass. Without one, the From domain's DMARC policy applies in full: the message is junked or rejected under p=quarantine or p=reject, and receivers without a policy may still treat it as suspicious.",
      'rfc7489', 'ms-email-auth',
    ),
    howToFix: R(
      "For a genuine third-party sender (newsletter service, ticketing system, CRM), have it sign with DKIM as the From domain (a CNAME or key it publishes under your domain) or use a custom bounce domain under it; for a spoof, nothing to fix on the sender's side.",
      'rfc7489', 'ms-email-auth',
    ),
    howToVerify: R(
      'A new message carries a DKIM signature with d= under the From domain (or a Return-Path under it) and the receiver reports dmarc=pass.',
      'rfc7489', 'ms-headers',
    ),
  },
  'dkim-signature-unusable': {
    title: R(
      'A DKIM signature could not be used at all',
      'rfc6376',
    ),
    whatHappened: R(
      'The receiver (or our re-verification) could not check the signature: no key is published for its selector ("no key for signature"), the key is revoked, malformed or too short, the signature is malformed, or it had expired.',
      'rfc6376',
    ),
    whyItMatters: R(
      'Such a signature fails at every receiver, whatever happened to the message in transit. If it is the only signature aligned with the From domain, DMARC then rests on SPF alone, which breaks as soon as the message is forwarded or relayed.',
      'rfc6376', 'rfc7489',
    ),
    howToFix: R(
      'The signer fixes its DKIM setup: publish the public key at selector._domainkey.domain (or correct the selector the signing system uses), replace a revoked or short key with a 2048-bit RSA key, and keep old selectors published until no message signed with them is in flight.',
      'rfc6376', 'ms-dkim-configure',
    ),
    howToVerify: R(
      'Look up the key (selector._domainkey.domain TXT) and send a new message: the receiver reports dkim=pass for the same d= and s=.',
      'rfc6376', 'ms-dkim-configure',
    ),
  },
  'internal-error': {
    title: R('A check could not run', 'product'),
    whatHappened: R('One of the diagnosis rules failed on this message, so its finding may be missing.', 'product'),
    whyItMatters: R('The other findings are still valid; only that check is missing.', 'product'),
    howToFix: R('Please report it with the message headers (remove personal data first).', 'product'),
    howToVerify: R('Re-run the analysis after updating the extension.', 'product'),
  },
};

/** Every explanation text as a statement record (id "expl.<finding>.<field>"). */
export const EXPLANATION_STATEMENTS: Readonly<Record<string, StatementRecord>> = Object.freeze(
  Object.fromEntries(Object.entries(DATA).flatMap(([id, d]) => FIELDS.map((f) => [`expl.${id}.${f}`, d[f]] as const))),
);

function docLink(s: Source): DocLink {
  return { title: `${s.title} (${s.publisher})`, url: s.url };
}

function build(id: string, d: Data): Explanation {
  const docs: DocLink[] = [];
  const seeds: string[] = [];
  for (const f of FIELDS) {
    for (const sid of d[f].sources) {
      if (sid === 'product') continue;
      const s = sourceById(sid);
      if (s.background) {
        const line = `${s.title} (${s.publisher}${s.date ? `, ${s.date}` : ''}): ${s.url}`;
        if (!seeds.includes(line)) seeds.push(line);
      } else if (!docs.some((x) => x.url === s.url && x.title === docLink(s).title)) {
        docs.push(docLink(s));
      }
    }
  }
  return { id, title: d.title.text, whatHappened: d.whatHappened.text, whyItMatters: d.whyItMatters.text, howToFix: d.howToFix.text, howToVerify: d.howToVerify.text, docs, seeds };
}

export const EXPLANATIONS: Readonly<Record<string, Explanation>> = Object.freeze(Object.fromEntries(Object.entries(DATA).map(([id, d]) => [id, build(id, d)])));

/** The explanation for a finding id (Finding.explanation), or undefined. */
export function explanationFor(id: string): Explanation | undefined {
  return Object.prototype.hasOwnProperty.call(EXPLANATIONS, id) ? EXPLANATIONS[id] : undefined;
}
