/**
 * The public documents the product's remedies and explanations rest on: title, publisher, address
 * and date, exactly as the documents give them. Every statement a user reads (./statements.ts, the
 * explanation texts) names one or more of these; docs/sources.md is generated from this list and
 * the statements, and a test keeps the two in step.
 *
 * `date` is the date the document states (published, revised or "last updated"); when it states
 * none, `date` is null and `checked` says when its text was read for this product. `note` says
 * where a document's own wording is not what we rely on (an earlier revision, a copy).
 */

export interface Source {
  id: string;
  title: string;
  publisher: string;
  url: string;
  /** ISO date (YYYY-MM-DD or YYYY-MM) the document states, or null when it states none. */
  date: string | null;
  /** When the text was read for this product (ISO date). */
  checked: string;
  note?: string;
  /** Background reading (a community or vendor article) rather than the primary documentation. */
  background?: true;
}

const CHECKED = '2026-12-07';

function src(id: string, title: string, publisher: string, url: string, date: string | null, note?: string): Source {
  const s: Source = { id, title, publisher, url, date, checked: CHECKED };
  if (note) s.note = note;
  return s;
}

function bg(s: Source): Source {
  return { ...s, background: true };
}

const LEARN = 'Microsoft Learn';
const EXCHANGE_BLOG = 'Microsoft Exchange Team Blog';

export const SOURCES: readonly Source[] = [
  // ---- Microsoft: connectors and Enhanced Filtering
  src(
    'ms-efc',
    'Enhanced Filtering for Connectors in Exchange Online',
    LEARN,
    'https://learn.microsoft.com/exchange/mail-flow-best-practices/use-connectors-to-configure-mail-flow/enhanced-filtering-for-connectors',
    null,
  ),
  src(
    'ms-third-party',
    'Manage mail flow using a third-party cloud service with Exchange Online',
    LEARN,
    'https://learn.microsoft.com/exchange/mail-flow-best-practices/manage-mail-flow-using-third-party-cloud',
    null,
  ),
  src('ms-set-inboundconnector', 'Set-InboundConnector', LEARN, 'https://learn.microsoft.com/powershell/module/exchange/set-inboundconnector', null),
  src('ms-new-inboundconnector', 'New-InboundConnector', LEARN, 'https://learn.microsoft.com/powershell/module/exchange/new-inboundconnector', null),
  src(
    'ms-multivalued',
    'Modifying multivalued properties',
    LEARN,
    'https://learn.microsoft.com/exchange/modifying-multivalued-properties-exchange-2013-help',
    null,
    'Exchange PowerShell article on @{Add=…; Remove=…} for multi-valued parameters such as EFSkipIPs and IPAllowList.',
  ),
  src(
    'ms-onprem-connectors',
    'Prevent/Fix: Guidance for On-Premises Connectors Configuration (MC1226222)',
    'Microsoft 365 message center',
    'https://admin.microsoft.com/AdminPortal/home#/MessageCenter/:/messages/MC1226222',
    '2026-02-04',
    'Read in public copies of the message; the address opens it in the Microsoft 365 admin center.',
  ),
  src(
    'ms-5764',
    '"550 5.7.64 TenantAttribution" when sending mail externally in Microsoft 365',
    LEARN,
    'https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/relay-access-denied-smtp',
    null,
  ),
  src(
    'ms-hybrid-tls',
    'TLS Certificates in Exchange Hybrid - Common Issues & How to Fix them',
    EXCHANGE_BLOG,
    'https://techcommunity.microsoft.com/blog/exchange/tls-certificates-in-exchange-hybrid---common-issues--how-to-fix-them/4420592',
    '2025-06-04',
  ),
  // ---- Microsoft: devices, Direct Send, SMTP AUTH
  src(
    'ms-device',
    'How to set up a multifunction device or application to send email using Microsoft 365 or Office 365',
    LEARN,
    'https://learn.microsoft.com/exchange/mail-flow-best-practices/how-to-set-up-a-multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365',
    null,
  ),
  src(
    'ms-direct-send',
    'Introducing more control over Direct Send in Exchange Online',
    EXCHANGE_BLOG,
    'https://techcommunity.microsoft.com/blog/exchange/introducing-more-control-over-direct-send-in-exchange-online/4408790',
    '2025-04-28',
    'Updated 2025-08-12.',
  ),
  src(
    'ms-smtp-auth-retire',
    'Exchange Online to retire Basic auth for Client Submission (SMTP AUTH)',
    EXCHANGE_BLOG,
    'https://techcommunity.microsoft.com/t5/exchange-team-blog/exchange-online-to-retire-basic-auth-for-client-submission-smtp/ba-p/4114750',
    '2025-06-11',
    'Date of the update to the post; the alternatives it lists (High Volume Email, on-premises relay) are the ones cited.',
  ),
  src(
    'ms-smtp-auth-timeline',
    'Updated Exchange Online SMTP AUTH Basic Authentication Deprecation Timeline',
    EXCHANGE_BLOG,
    'https://techcommunity.microsoft.com/blog/exchange/updated-exchange-online-smtp-auth-basic-authentication-deprecation-timeline/4489835',
    '2026-01-27',
  ),
  // ---- Microsoft: authentication and headers
  src('ms-arc', 'Configure trusted ARC sealers', LEARN, 'https://learn.microsoft.com/defender-office-365/email-authentication-arc-configure', '2024-01-29'),
  src('ms-set-arcconfig', 'Set-ArcConfig', LEARN, 'https://learn.microsoft.com/powershell/module/exchange/set-arcconfig', null),
  src('ms-headers', 'Anti-spam message headers in Microsoft 365', LEARN, 'https://learn.microsoft.com/defender-office-365/message-headers-eop-mdo', '2025-07-07'),
  src(
    'ms-headers-2022',
    'Anti-spam message headers in Microsoft 365',
    LEARN,
    'https://learn.microsoft.com/defender-office-365/message-headers-eop-mdo',
    '2022',
    'Earlier revision of the same article: it defines action=oreject ("override reject"); the current revision lists the value without defining it.',
  ),
  src('ms-antiphish', 'Anti-phishing policies in Microsoft 365', LEARN, 'https://learn.microsoft.com/defender-office-365/anti-phishing-policies-about', null),
  src(
    'ms-spf',
    'Set up SPF to identify valid email sources for your Microsoft 365 domain',
    LEARN,
    'https://learn.microsoft.com/defender-office-365/email-authentication-spf-configure',
    '2024-01-29',
  ),
  src('ms-safe-senders', 'Create safe sender lists in EOP', LEARN, 'https://learn.microsoft.com/defender-office-365/create-safe-sender-lists-in-office-365', null),
  src('ms-dkim-configure', 'Set up DKIM to sign mail from your Microsoft 365 domain', LEARN, 'https://learn.microsoft.com/defender-office-365/email-authentication-dkim-configure', null),
  src('ms-email-auth', 'Email authentication in Microsoft 365', LEARN, 'https://learn.microsoft.com/defender-office-365/email-authentication-about', null),
  // ---- Microsoft: clouds and addresses
  src('ms-endpoints', 'Microsoft 365 URLs and IP address ranges', LEARN, 'https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges', '2026-08-14'),
  src('ms-gcch-dns', 'DNS records for Office 365 GCC High', LEARN, 'https://learn.microsoft.com/microsoft-365/enterprise/dns-records-for-office-365-gcc-high', '2020-05-19'),
  src('ms-dod-dns', 'DNS records for Office 365 DoD', LEARN, 'https://learn.microsoft.com/microsoft-365/enterprise/dns-records-for-office-365-dod', '2020-05-19'),
  src(
    'ms-gcch-endpoints',
    'Microsoft 365 U.S. Government GCC High endpoints',
    LEARN,
    'https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-u-s-government-gcc-high-endpoints',
    '2026-03-31',
  ),
  src(
    'ms-dod-endpoints',
    'Microsoft 365 U.S. Government DoD endpoints',
    LEARN,
    'https://learn.microsoft.com/microsoft-365/enterprise/microsoft-365-u-s-government-dod-endpoints',
    '2026-03-31',
  ),
  src(
    'ms-21v-endpoints',
    'URLs and IP address ranges for Office 365 operated by 21Vianet',
    LEARN,
    'https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges-21vianet',
    '2021-05-16',
  ),
  // ---- Google
  src('google-gateway', 'Set up an inbound mail gateway', 'Google Workspace Admin Help', 'https://support.google.com/a/answer/60730', null),
  src('google-ips', "Google's mail server IP ranges", 'Google Workspace Admin Help', 'https://support.google.com/a/answer/27642', null),
  // ---- Background articles
  bg(
    src(
      'bullphish-connector',
      'Enabling a connector to resolve SMTP relay service email issues in Microsoft Exchange',
      'BullPhish ID help (Kaseya)',
      'https://help.bullphishid.kaseya.com/help/Content/12_Safelisting_guides/Resolving_SMTP_relay_issues.htm',
      '2025-02-18',
      'Original release of the article; the revision of 2025-07-14 renamed it and added Google Workspace.',
    ),
  ),
  bg(
    src(
      'bullphish-relay',
      'Resolving SMTP relay service email issues in Microsoft Exchange and Google Workspace',
      'BullPhish ID help (Kaseya)',
      'https://help.bullphishid.kaseya.com/help/Content/12_Safelisting_guides/Resolving_SMTP_relay_issues.htm',
      '2025-07-14',
    ),
  ),
  bg(
    src(
      'o365info-lockdown',
      'Configure Exchange Online to accept SMTP connection only from specific mail security gateway',
      'o365info',
      'https://o365info.com/tag/block-smtp-access/',
      null,
      'The address is the o365info page that carries the article; its own permalink was not confirmed.',
    ),
  ),
  // ---- Vendors
  src(
    'cloudflare-egress',
    'Egress IPs',
    'Cloudflare Email Security documentation',
    'https://developers.cloudflare.com/cloudflare-one/email-security/setup/pre-delivery-deployment/egress-ips/',
    '2026-04-17',
  ),
  src(
    'mimecast-spf',
    'Implementing SPF for Outbound Email Delivery',
    'Mimecast Community',
    'https://community.mimecast.com/docs/DOC-2010',
    null,
    'Names the DNS records where Mimecast publishes its outbound addresses by region; _netblocks.mimecast.com includes them all.',
  ),
  src(
    'sophos-spf',
    'Aktualisieren des SPF-Eintrags für Ihre Domäne (Updating the SPF record for your domain)',
    'Sophos Central Admin help',
    'https://docs.sophos.com/central/customer/help/de-de/ManageYourProducts/EmailSecurity/SophosGateway/ExternalServices/OutboundM365/updatingspf/index.html',
    null,
    'The German edition was read; it names _spf.prod.hydra.sophos.com for US West, US East, Germany and Ireland.',
  ),
  // ---- Standards
  src('rfc5321', 'RFC 5321: Simple Mail Transfer Protocol', 'IETF (RFC Editor)', 'https://www.rfc-editor.org/rfc/rfc5321', '2008-10'),
  src('rfc5322', 'RFC 5322: Internet Message Format', 'IETF (RFC Editor)', 'https://www.rfc-editor.org/rfc/rfc5322', '2008-10'),
  src('rfc6376', 'RFC 6376: DomainKeys Identified Mail (DKIM) Signatures', 'IETF (RFC Editor)', 'https://www.rfc-editor.org/rfc/rfc6376', '2011-09'),
  src('rfc7208', 'RFC 7208: Sender Policy Framework (SPF) for Authorizing Use of Domains in Email', 'IETF (RFC Editor)', 'https://www.rfc-editor.org/rfc/rfc7208', '2014-04'),
  src('rfc7489', 'RFC 7489: Domain-based Message Authentication, Reporting, and Conformance (DMARC)', 'IETF (RFC Editor)', 'https://www.rfc-editor.org/rfc/rfc7489', '2015-03'),
  src('rfc8461', 'RFC 8461: SMTP MTA Strict Transport Security (MTA-STS)', 'IETF (RFC Editor)', 'https://www.rfc-editor.org/rfc/rfc8461', '2018-09'),
  src('rfc8601', 'RFC 8601: Message Header Field for Indicating Message Authentication Status', 'IETF (RFC Editor)', 'https://www.rfc-editor.org/rfc/rfc8601', '2019-05'),
  src('rfc8617', 'RFC 8617: The Authenticated Received Chain (ARC) Protocol', 'IETF (RFC Editor)', 'https://www.rfc-editor.org/rfc/rfc8617', '2019-07'),
];

const BY_ID = new Map(SOURCES.map((s) => [s.id, s]));

export type SourceId = string;

/** The source with this id; throws for an unknown id (a data error, caught by the tests). */
export function sourceById(id: SourceId): Source {
  const s = BY_ID.get(id);
  if (!s) throw new Error(`unknown source ${id}`);
  return s;
}

/** The source whose address is this URL, if any. */
export function sourceByUrl(url: string): Source | undefined {
  return SOURCES.find((s) => s.url === url);
}

export function hasSource(id: string): boolean {
  return BY_ID.has(id);
}

/** "Title (Publisher, date)" */
export function citation(s: Source): string {
  return `${s.title} (${s.publisher}${s.date ? `, ${s.date}` : ''})`;
}
