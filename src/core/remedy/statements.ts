/**
 * The statements remedies are made of: each a template ({name} placeholders hold facts of the
 * message or values the user gave) and the public sources it rests on (ids in ./sources.ts).
 * Generators compose every sentence they show from these records (./say.ts); a test walks every
 * remedy on every scenario and fails on a sentence that no record accounts for, and
 * docs/sources.md is generated from these records and the source list.
 *
 * The file is long because it is data: one record per sentence, grouped by fix, read as a table.
 *
 * 'product' as a source marks what the product says about itself (its settings, its own output);
 * such records cite no outside document.
 *
 * Wording rules: say only what the sources say; name settings as VS Code shows them ("Mail Flow
 * Lens: Trusted Relays") and CLI options as the CLI spells them (--trusted-relay); name other fixes
 * by their titles, never by an internal id.
 */

export interface StatementRecord {
  text: string;
  sources: readonly string[];
}

const S = (text: string, ...sources: string[]): StatementRecord => ({ text, sources });

export const STATEMENTS: Readonly<Record<string, StatementRecord>> = {
  // ---------------------------------------------------------------------------------------------
  // Common

  'common.review': S('Review before running: Mail Flow Lens only writes this text, it never runs it.', 'product'),
  'common.sources': S('Public sources of the statements above:', 'product'),
  'problem.remedyFailed': S('The fix "{title}" could not be generated: {reason}', 'product'),
  'common.replaceConnector': S(
    'Replace {name} with the name of the inbound connector the gateway\'s mail arrives on (the first pre-check lists them), or set it once in Mail Flow Lens: Connector Name (CLI: --connector NAME).',
    'ms-efc',
    'product',
  ),

  // titles of the fixes, as other fixes name them
  'title.ref.efc-verify': S('Enhanced Filtering already works (verify only)', 'ms-efc'),
  'title.ref.efc-skip-last-ip': S('Enhanced Filtering: skip the last hop (EFSkipLastIP)', 'ms-efc'),
  'title.ref.efc-skip-ips': S('Enhanced Filtering: skip the relay addresses (EFSkipIPs)', 'ms-efc'),
  'title.ref.efc-pilot-users': S('Enhanced Filtering pilot for a few recipients (EFUsers)', 'ms-efc'),
  'title.ref.lockdown-connector': S('Lock down: accept mail only from the gateway IPs', 'ms-third-party', 'o365info-lockdown'),
  'title.ref.lockdown-certificate': S('Lock down: accept mail only from the gateway certificate', 'ms-third-party'),
  'title.ref.reject-direct-send': S('Reject Direct Send for your domains', 'ms-direct-send'),
  'title.ref.arc-trusted-sealer': S('Trust the gateway as ARC sealer', 'ms-arc'),
  'title.ref.gmail-inbound-gateway': S('Gmail inbound gateway', 'google-gateway'),
  'title.ref.device-relay-connector': S('Relay connector for the device address', 'ms-device'),
  'title.ref.device-relay-certificate': S('Relay connector for your relay server certificate', 'ms-device', 'ms-5764'),
  'title.ref.spf-record-relay': S('SPF: authorise the device address', 'ms-device', 'ms-spf'),
  'title.ref.remove-scl-bypass': S('Disable mail flow rules that set SCL -1 for the gateway', 'ms-efc'),
  'title.ref.remove-ip-allow': S('Remove the gateway from the connection filter allow list', 'ms-third-party'),

  // ---------------------------------------------------------------------------------------------
  // Relays as the message shows them (read from Received fields and the receiver's stamps)

  'relay.hops': S('Relay hops in front of Microsoft 365 in this message (oldest first): {relays}', 'rfc5321'),
  'relay.fromConfig': S('{ip}: from your configuration ({source}), not from evidence in the message', 'product'),
  'relay.unconfirmed': S('{ip}: not confirmed as your gateway ({evidence})', 'product'),
  'relay.noEvidence': S('no evidence recorded', 'product'),
  'unconfirmed.why': S(
    "Not recommended yet: nothing in the message proves that {ips} {be} your organisation's gateway (only whose host it is). Confirm it first.",
    'ms-efc',
    'ms-third-party',
  ),
  'unconfirmed.confirmMx': S(
    "Confirm the gateway is yours before changing the connector: your domain's MX record must point at it (first pre-check), and its addresses must be the ones the service's documentation or support names.",
    'ms-third-party',
    'ms-efc',
  ),
  'unconfirmed.confirmSetting': S(
    'Or list the gateway in Mail Flow Lens: Trusted Relays (CLI: --trusted-relay), or analyse with recorded or live DNS so the MX record is checked: the fix is then generated with its addresses, marked with where they came from.',
    'product',
  ),

  // vendor ranges (knowledge base)
  'vendor.rangeSource': S('{vendor}, published list {title} ({date})', 'product'),
  'vendor.rangeComment': S('{range}: published range, {source}', 'product'),
  'vendor.rangeSplit': S('{source}, a /24 block of {range} (SenderIPAddresses takes /24 to /32)', 'ms-new-inboundconnector'),
  'vendor.rangeLabel': S('published range, {source}', 'product'),
  'vendor.dnsRangeSource': S('{vendor}, published in DNS at {name} ({title})', 'product'),
  'vendor.dnsOffline': S(
    "{vendor} publishes the addresses its servers send from in DNS at {names} ({title}). With DNS lookups allowed (the CLI's --dns live, or the Mail Flow Lens: DNS Mode setting), they are looked up, checked against the gateway address in this message and added to this list; or list them yourself: {command}",
    'product',
  ),
  'vendor.dnsUnread': S(
    "{vendor} publishes the addresses its servers send from in DNS at {names} ({title}), but no usable list was found there for this analysis; list them yourself: {command}",
    'product',
  ),
  'vendor.dnsNotCovering': S(
    "{vendor}'s addresses published in DNS at {name} do not include {ips}, the address it delivered this message from; they are not used: ask {vendor} which addresses deliver your mail.",
    'product',
  ),
  'vendor.dnsCheckCurrent': S(
    "The addresses from {name} are {vendor}'s list as DNS answered for this analysis (live, or from a recorded snapshot); vendors change them: compare with {command} before you run this.",
    'product',
  ),
  'vendor.dnsIncomplete': S(
    "The list published at {name} could not be read completely (a lookup failed, a term depends on the connecting client, or SPF's limit of ten lookups was reached): compare it with {vendor}'s documentation.",
    'rfc7208',
  ),
  'vendor.noPublishedRanges': S(
    "No published list of {vendor}'s delivery addresses is recorded here: ask {vendor} for every address it delivers from (Microsoft: consult the documentation or support that's provided with the service).",
    'ms-efc',
  ),

  // ---------------------------------------------------------------------------------------------
  // Values left out (omitted)

  'omit.more': S('further values left out for the same kinds of reasons; only the first {max} are listed', 'product'),
  'omit.notText': S('the value is not text', 'product'),
  'omit.notIp': S('not an IP address, an a-b range or a CIDR block', 'ms-set-inboundconnector'),
  'omit.notAList': S('not a list of values', 'product'),
  'omit.invalid': S('value left out: {reason}', 'product'),
  'omit.valueReason': S('{value}: {reason} (left out)', 'product'),
  'omit.badRelay': S('the relay address in the message is not a valid IP address', 'rfc5321'),
  'omit.badConnecting': S('the connecting address in the message is not a valid IP address', 'rfc5321'),
  'omit.relaysTruncated': S('not read: more relay addresses than any real route has', 'product'),
  'omit.rangeNonPublic': S('the range overlaps private, loopback or other non-public address space; {target} needs public addresses', 'ms-efc', 'ms-set-inboundconnector'),
  'omit.microsoftAddress': S("Microsoft 365's own address", 'ms-endpoints'),
  'omit.microsoftRange': S('{why} (in {range}, a range Microsoft publishes for Exchange Online)', 'ms-endpoints'),
  'omit.googleAddress': S("Google's own address", 'google-ips'),
  'omit.googleRange': S('{why} (in {range}, a range of Google\'s mail servers)', 'google-ips'),
  'omit.noIpv6': S('IPv6 is not accepted by {target}', 'ms-new-inboundconnector'),
  'omit.noRange': S('{target} does not accept a-b ranges; give single addresses or CIDR blocks', 'ms-new-inboundconnector'),
  'omit.prefix': S('{target} accepts CIDR blocks /{bits} to /32 only', 'ms-new-inboundconnector'),
  'omit.covered': S('already covered by {range}', 'product'),
  'omit.inputCap': S('not read: only the first {max} values of a list are considered', 'product'),
  'omit.listCap': S('{target} list capped at {max} entries; ask the vendor for its CIDR blocks', 'product'),
  'omit.observedRange': S('{vendor} range only seen in real messages, not published by the vendor; not used', 'product'),
  'omit.connectorName': S('connector name left out: {reason}', 'product'),
  'omit.newConnectorName': S('new connector name left out: {reason}', 'product'),
  'omit.mxHost': S('MX host left out: {reason}', 'product'),
  'omit.efcDocumentedSkip': S(
    '{class}: Enhanced Filtering detects and skips loopback (127.0.0.0/8) and RFC 1918 private addresses by itself, and listing them is not supported. If the hop in front of Microsoft 365 sits behind NAT, Microsoft recommends giving it a public address',
    'ms-efc',
  ),
  'omit.efcUndocumented': S(
    '{class}: Microsoft documents automatic skipping only for loopback (127.0.0.0/8) and RFC 1918 private addresses, so whether Enhanced Filtering skips this one is not documented; EFSkipIPs is for the public addresses of the hops in front of Microsoft 365',
    'ms-efc',
  ),

  // ---------------------------------------------------------------------------------------------
  // Enhanced Filtering for Connectors

  'efc.title.lastIp': S('Enhanced Filtering: skip the last hop (EFSkipLastIP)', 'ms-efc'),
  'efc.title.skipIps': S('Enhanced Filtering: skip {what} (EFSkipIPs)', 'ms-efc'),
  'efc.title.skipIpsAdd': S('Enhanced Filtering: add {what} to EFSkipIPs', 'ms-efc', 'ms-multivalued'),
  'efc.title.pilot': S('Enhanced Filtering pilot for {what} (EFUsers)', 'ms-efc'),
  'efc.title.verify': S('Enhanced Filtering already works (verify only)', 'ms-efc'),
  'efc.header.lastIp': S('Enhanced Filtering for Connectors: skip the last hop automatically (EFSkipLastIP)', 'ms-efc'),
  'efc.header.skipIps': S('Enhanced Filtering for Connectors: skip the listed relay IPs (EFSkipIPs)', 'ms-efc'),
  'efc.header.skipIpsAdd': S(
    'Enhanced Filtering for Connectors: add the missing relay IPs to EFSkipIPs and keep the entries already there (@{Add=…} changes a multi-valued property without replacing it)',
    'ms-efc',
    'ms-multivalued',
  ),
  'efc.header.placeholder': S("Replace {placeholder} with the gateway's addresses once confirmed (see the pre-checks).", 'product'),
  'efc.header.pilot': S('Enhanced Filtering for Connectors: pilot for a few recipients (EFUsers)', 'ms-efc'),
  'efc.header.pilotAdd': S('Enhanced Filtering for Connectors: add the recipients to the EFUsers pilot list', 'ms-efc', 'ms-multivalued'),
  'efc.header.verify': S('Enhanced Filtering for Connectors already works for this message', 'ms-efc'),
  'efc.header.recovered': S('X-MS-Exchange-ExternalOriginalInternetSender: ip=[{ip}] recovered', 'ms-efc'),
  'efc.header.recoveredBehind': S('X-MS-Exchange-ExternalOriginalInternetSender: ip=[{ip}] recovered behind {relay}', 'ms-efc'),
  'efc.header.verifyNothing': S('Nothing to change. To confirm the connector settings:', 'ms-efc'),
  'efc.omit.microsoft': S("Microsoft 365's own address: entering Microsoft 365 IP addresses in Enhanced Filtering is not supported", 'ms-efc'),
  'efc.omit.badUser': S('not used in EFUsers: {reason}', 'product'),
  'efc.omit.foreignUser': S('not in your receiving domains: EFUsers lists your own recipients', 'ms-efc'),
  'efc.omit.userCap': S('EFUsers pilot capped at {max} recipients; Microsoft recommends the pilot as a test on a few recipients', 'ms-efc'),
  'efc.why.nonLinear': S(
    'Not supported for this route: the message passed through Microsoft 365 before the relay (non-linear routing). Adding on-premises servers to Enhanced Filtering is supported only for linear routes (Internet > gateway or on-premises > Microsoft 365).',
    'ms-efc',
  ),
  'efc.why.noRelay': S('No public relay hop in front of Microsoft 365 was found in this message, so there is nothing for Enhanced Filtering to skip.', 'ms-efc'),
  'efc.why.incomplete': S(
    'Enhanced Filtering is on but stopped at the relay {ip} (X-MS-Exchange-SkipListedInternetSender ip=[{ip}]), so Exchange Online still takes a relay for the sender.',
    'ms-efc',
  ),
  'efc.why.lastIpFits': S(
    '-EFSkipLastIP $true fits: exactly one public relay hop ({relay}) precedes Microsoft 365, and Microsoft recommends skipping the last IP automatically when only the last message source has to be skipped.',
    'ms-efc',
  ),
  'efc.why.privateSkipped': S('The loopback or RFC 1918 hops behind it are detected and skipped by Enhanced Filtering itself.', 'ms-efc'),
  'efc.why.privateUndocumented': S(
    'Some hops behind it use addresses for which Microsoft documents no automatic skipping (only loopback and RFC 1918 are documented).',
    'ms-efc',
  ),
  'efc.why.lastIpMisfit': S(
    'Does not fit this message: {n} public relay hops precede Microsoft 365 and EFSkipLastIP skips only the last one ({last}); Exchange Online would take {next} for the sender. Use EFSkipIPs.',
    'ms-efc',
  ),
  'efc.why.skipIpsFits': S('EFSkipIPs fits: {n} public relay hops ({relays}) precede Microsoft 365, and every one of them must be skipped to reach the original sender.', 'ms-efc'),
  'efc.why.addMissing': S('The connector already skips some hops: the command adds the missing addresses and keeps the list that is there.', 'ms-efc', 'ms-multivalued'),
  'efc.why.skipIpsWorks': S(
    'Works, but EFSkipLastIP is simpler here: only one public relay hop ({relay}) precedes Microsoft 365, while EFSkipIPs must list every address the gateway delivers from, not only the one in this message.',
    'ms-efc',
  ),
  'efc.why.placeholder': S("The command has a placeholder where the gateway's addresses go.", 'product'),
  'efc.why.outOfScope': S(
    "Enhanced Filtering ran for this message (X-MS-Exchange-SkipListedInternetSender) but X-MS-Exchange-ExternalOriginalInternetSender is missing: the recipient is not in the connector's EFUsers pilot list. Add the recipients, or set -EFUsers $null to apply it to everyone.",
    'ms-efc',
  ),
  'efc.why.outOfScopeIp': S(
    "Enhanced Filtering ran for this message (X-MS-Exchange-SkipListedInternetSender ip=[{ip}]) but X-MS-Exchange-ExternalOriginalInternetSender is missing: the recipient is not in the connector's EFUsers pilot list. Add the recipients, or set -EFUsers $null to apply it to everyone.",
    'ms-efc',
  ),
  'efc.why.pilotLastIp': S(
    'Optional first step: turn Enhanced Filtering on for {users} only (EFSkipLastIP, as one relay hop precedes Microsoft 365), check their next messages, then apply it to everyone.',
    'ms-efc',
  ),
  'efc.why.pilotSkipIps': S(
    'Optional first step: turn Enhanced Filtering on for {users} only (EFSkipIPs, as the route has several relay hops), check their next messages, then apply it to everyone.',
    'ms-efc',
  ),
  'efc.why.active': S('Nothing to change: Exchange Online recovered the original sender (X-MS-Exchange-ExternalOriginalInternetSender), so SPF, DMARC and compauth were evaluated against the real source.', 'ms-efc'),
  'efc.why.activeIp': S(
    'Nothing to change: Exchange Online recovered the original sender {ip} (X-MS-Exchange-ExternalOriginalInternetSender), so SPF, DMARC and compauth were evaluated against the real source.',
    'ms-efc',
  ),
  'efc.caveat.connector': S(
    "Enhanced Filtering is configured on the inbound connector the gateway's mail arrives on. The pre-check lists the connectors: pick the one whose SenderIPAddresses or certificate matches the gateway.",
    'ms-efc',
    'ms-third-party',
  ),
  'efc.caveat.linear': S(
    'Supported for linear routes only (Internet > gateway > Microsoft 365, or Internet > gateway > on-premises > Microsoft 365). Do not add on-premises hybrid servers when mail goes Microsoft 365 > on-premises > Microsoft 365.',
    'ms-efc',
  ),
  'efc.caveat.cleanup': S(
    'Once the next message shows the skip-listing headers, disable the mail flow rules that set SCL -1 for the gateway (the fix "{rules}", second pre-check) and take the gateway\'s addresses out of the connection filter IP Allow List (the fix "{allow}", third pre-check).',
    'ms-efc',
    'ms-third-party',
  ),
  'efc.caveat.ipv6': S('IPv6 entries can be set only in PowerShell; the Defender portal (Enhanced filtering page) accepts IPv4 only.', 'ms-efc'),
  'efc.caveat.moreNodesVendor': S(
    'This message shows only the gateway address(es) it passed through ({ips}); {vendor} delivers from more. Add all of them to the list (its documentation or support names them), or mail from the other gateway nodes is not skip-listed.',
    'ms-efc',
  ),
  'efc.caveat.moreNodes': S(
    'This message shows only the relay address(es) it passed through; list every public address the gateway or on-premises servers deliver from, including intermediate hops.',
    'ms-efc',
  ),
  'efc.caveat.vendorRanges': S(
    "The list includes the ranges the gateway's vendor publishes for its delivery servers (named above with their source), so every node of the gateway is skipped.",
    'ms-efc',
  ),
  'efc.caveat.merged': S('Adjacent addresses were merged into ranges; the ranges cover exactly the same addresses.', 'ms-set-inboundconnector'),
  'efc.caveat.replaces': S(
    'Written this way, EFSkipIPs replaces the list on the connector: the pre-check shows what is there now; keep entries you still need.',
    'ms-set-inboundconnector',
    'ms-multivalued',
  ),
  'efc.caveat.addKeeps': S('@{Add=…} keeps the entries already on the connector and adds these; the pre-check shows the list before and after.', 'ms-multivalued'),
  'efc.caveat.addAfterLastIp': S(
    'If the pre-check shows EFSkipLastIP True, this command switches automatic last-hop skipping off: with EFSkipLastIP $false only the listed addresses are skipped, so the list must hold every address of the last hop\'s gateway as well.',
    'ms-efc',
    'ms-set-inboundconnector',
  ),
  'efc.caveat.incompleteLastIp': S(
    'Enhanced Filtering is already on and stopped at a relay: EFSkipLastIP skips only the last message source, so with more than one public relay hop use EFSkipIPs.',
    'ms-efc',
  ),
  'efc.caveat.pilotAll': S('EFUsers applies only when every recipient of a message is listed: one unlisted recipient means normal filtering for all recipients of that message.', 'ms-efc'),
  'efc.caveat.pilotProxy': S('EFUsers matches the literal address: list every proxy address of each mailbox (Get-Mailbox shows them in EmailAddresses).', 'ms-efc'),
  'efc.caveat.pilotHybrid': S(
    "Hybrid, with inbound mail through on-premises Exchange: list the MailUser's targetAddress (user@<tenant>.mail.onmicrosoft.com), not the primary address.",
    'ms-efc',
  ),
  'efc.caveat.pilotDone': S('When the pilot works, set -EFUsers $null on the same connector to apply Enhanced Filtering to everyone.', 'ms-efc', 'ms-set-inboundconnector'),
  'efc.caveat.pilotFromMessage': S(
    'The recipients come from this message (To, Cc, Delivered-To and Received "for" clauses); remove any that are not your own mailboxes.',
    'rfc5321',
    'rfc5322',
  ),
  'efc.caveat.compareOthers': S(
    'If other messages from the same gateway fail, compare their skip-listing headers: X-MS-Exchange-SkipListedInternetSender without X-MS-Exchange-ExternalOriginalInternetSender means the recipient is outside EFUsers.',
    'ms-efc',
  ),
  'efc.verify.newMessage': S('Send a new test message from outside through the gateway (this message was filtered before the change and will not change).', 'ms-efc'),
  'efc.verify.headersGw': S(
    "Its headers must show X-MS-Exchange-SkipListedInternetSender and X-MS-Exchange-ExternalOriginalInternetSender with ip=[{orig}], the original sender's IP, not the gateway's {gw}.",
    'ms-efc',
  ),
  'efc.verify.headers': S(
    "Its headers must show X-MS-Exchange-SkipListedInternetSender and X-MS-Exchange-ExternalOriginalInternetSender with ip=[{orig}], the original sender's IP.",
    'ms-efc',
  ),
  'efc.verify.headersUnknown': S(
    "Its headers must show X-MS-Exchange-SkipListedInternetSender and X-MS-Exchange-ExternalOriginalInternetSender with the original sender's IP.",
    'ms-efc',
  ),
  'efc.verify.headersUnknownGw': S(
    "Its headers must show X-MS-Exchange-SkipListedInternetSender and X-MS-Exchange-ExternalOriginalInternetSender with the original sender's IP, not the gateway's {gw}.",
    'ms-efc',
  ),
  'efc.verify.spfUnknownGw': S(
    "Authentication-Results should then evaluate SPF for the original sender's IP instead of {gw}, and compauth should no longer fail because of the relay.",
    'ms-efc',
    'ms-headers',
  ),
  'efc.verify.spfGw': S(
    'Authentication-Results should then evaluate SPF for {orig} instead of {gw}, and compauth should no longer fail because of the relay.',
    'ms-efc',
    'ms-headers',
  ),
  'efc.verify.spf': S(
    "Authentication-Results should then evaluate SPF for the original sender's IP, and compauth should no longer fail because of the relay.",
    'ms-efc',
    'ms-headers',
  ),
  'efc.verify.scope': S('X-MS-Exchange-SkipListedInternetSender without X-MS-Exchange-ExternalOriginalInternetSender means Enhanced Filtering ran but the recipient was not in EFUsers.', 'ms-efc'),
  'efc.verify.missingHop': S('If X-MS-Exchange-SkipListedInternetSender shows one of the relays ({ips}), a relay hop is missing from EFSkipIPs.', 'ms-efc'),
  'efc.verify.keepDisabled': S(
    'Keep the SCL -1 mail flow rules for the gateway disabled and its addresses out of the connection filter allow list: with Enhanced Filtering they are no longer needed.',
    'ms-efc',
    'ms-third-party',
  ),

  // ---------------------------------------------------------------------------------------------
  // Lock-down connector

  'lockdown.title.ip': S('Lock down: accept mail only from the gateway IPs', 'ms-third-party', 'o365info-lockdown'),
  'lockdown.title.certificate': S('Lock down: accept mail only from the gateway certificate {cert}', 'ms-third-party'),
  'lockdown.title.certificateToConfirm': S('Lock down by certificate: the certificate name to get from {vendor} first', 'ms-third-party', 'ms-new-inboundconnector'),
  'lockdown.header.ip': S('Lock down: accept internet mail only from the gateway (Partner connector restricted to its IPs)', 'ms-third-party', 'o365info-lockdown'),
  'lockdown.header.certificate': S('Lock down: accept internet mail only from the gateway (Partner connector restricted to its TLS certificate)', 'ms-third-party'),
  'lockdown.header.gateway': S('Gateway that delivered this message: {relay}', 'rfc5321'),
  'lockdown.header.placeholder': S('Replace {placeholder} with every IPv4 address or /24 to /32 block your gateway delivers from.', 'ms-new-inboundconnector'),
  'lockdown.header.certificateGiven': S('Certificate name as you gave it: {cert}', 'product'),
  'lockdown.header.certificatePlaceholder': S(
    'Replace {placeholder} with the subject name of the TLS certificate the gateway presents when it delivers to Microsoft 365, as the vendor states it.',
    'ms-new-inboundconnector',
  ),
  'lockdown.header.certificateCandidate': S(
    'The gateway host {host} is named under {pattern}; that is not proof of the certificate subject: ask {vendor}.',
    'ms-new-inboundconnector',
  ),
  'lockdown.omit.earlierHop': S('earlier relay hop: it does not connect to Microsoft 365, so it does not belong in SenderIPAddresses', 'ms-new-inboundconnector'),
  'lockdown.omit.direct': S('this message reached Microsoft 365 directly from this address, not through a gateway: never list it', 'ms-third-party'),
  'lockdown.omit.private': S('not a public address: Microsoft 365 sees the public address the gateway connects from', 'ms-new-inboundconnector'),
  'lockdown.omit.microsoft': S("Microsoft 365's own address: a lock-down connector lists the gateway, never Microsoft", 'ms-third-party'),
  'lockdown.omit.ipv6': S('SenderIPAddresses accepts IPv4 only (IPv6 is not supported)', 'ms-new-inboundconnector'),
  'lockdown.omit.range': S('SenderIPAddresses does not accept a-b ranges; give single addresses or CIDR blocks /24 to /32', 'ms-new-inboundconnector'),
  'lockdown.omit.prefix': S('SenderIPAddresses accepts CIDR blocks /24 to /32 only; split the range into /24 blocks (some vendors publish those for Microsoft 365)', 'ms-new-inboundconnector', 'cloudflare-egress'),
  'lockdown.omit.certificateName': S('certificate name left out: {reason}', 'product'),
  'lockdown.rollback.delete': S('To delete the connector instead:', 'ms-new-inboundconnector'),
  'lockdown.caveat.everyAddress': S(
    'SenderIPAddresses must list EVERY address the gateway delivers from, or mail from the missing ones is rejected. This message shows only {ips}; add the others (the vendor publishes them, or its support names them) or use the certificate variant.',
    'ms-third-party',
    'o365info-lockdown',
  ),
  'lockdown.caveat.placeholder': S("The script contains the placeholder {placeholder}: New-InboundConnector fails until you replace it with your gateway's addresses.", 'product'),
  'lockdown.caveat.mxFirst': S(
    "Enable this only when the domain's MX records point to the gateway and have propagated; until then, mail sent straight to Microsoft 365 is rejected.",
    'ms-third-party',
    'o365info-lockdown',
  ),
  'lockdown.caveat.directSenders': S(
    'Every message that reaches Microsoft 365 from the internet without passing the gateway is rejected: partners, services, devices and applications that send straight to your tenant\'s MX host. Give devices and applications their own connector first (the fix "{device}").',
    'ms-third-party',
    'o365info-lockdown',
  ),
  'lockdown.caveat.hybrid': S(
    'Hybrid: mail from your on-premises Exchange servers must keep matching their OnPremises connector (its certificate or IP address); when it does not, for example after a certificate renewal, the lock-down Partner connector applies and Exchange Online refuses each recipient with 550 5.7.51 TenantInboundAttribution.',
    'ms-hybrid-tls',
    'ms-third-party',
  ),
  'lockdown.caveat.mtaSts': S(
    "MTA-STS: if your domain publishes an MTA-STS policy, list the gateway's MX host names in its mx: lines (and change the policy id) before the MX moves: senders that enforce the policy refuse to deliver to an MX host the policy does not list.",
    'rfc8461',
  ),
  'lockdown.caveat.sharedIps': S(
    "Third-party filtering services share their addresses among many customers: the restriction proves the mail came through the vendor's platform, not through your own policy on it.",
    'ms-third-party',
  ),
  'lockdown.caveat.requireTls': S('RequireTls $true rejects mail the gateway delivers without TLS.', 'ms-new-inboundconnector'),
  'lockdown.caveat.partnerOnly': S(
    'RestrictDomainsToIPAddresses and RestrictDomainsToCertificate apply to Partner connectors only: an OnPremises connector for the same gateway locks nothing down (the two can coexist). Turn on Enhanced Filtering on the Partner connector that receives the gateway\'s mail.',
    'ms-third-party',
    'ms-new-inboundconnector',
  ),
  'lockdown.caveat.askVendor': S(
    "Ask {vendor} which certificate subject its servers present when they deliver to Microsoft 365 (its Microsoft 365 set-up guide or support names it); names under {pattern} are only a lead. Then give that name in Mail Flow Lens: Gateway Certificate Name (CLI: --certificate-name NAME).",
    'ms-third-party',
    'ms-new-inboundconnector',
    'product',
  ),
  'lockdown.caveat.certificateMatch': S(
    'TlsSenderCertificateName must match the subject of the TLS certificate the gateway presents: with a wrong name every message through the gateway is refused, with 550 5.7.51 TenantInboundAttribution for each recipient.',
    'ms-new-inboundconnector',
    'ms-hybrid-tls',
  ),
  'lockdown.why.direct': S(
    "This message reached Microsoft 365 directly, bypassing the gateway: a lock-down connector makes Microsoft 365 refuse such connections. Fill in your gateway's addresses.",
    'ms-third-party',
    'o365info-lockdown',
  ),
  'lockdown.why.noGateway': S('No gateway was seen in front of Microsoft 365 in this message; use this only if your MX points to a gateway.', 'ms-third-party'),
  'lockdown.why.ipWithCertificate': S(
    'Works when the list is complete, but the certificate variant ({cert}) covers every gateway node without listing addresses; Microsoft prefers the certificate.',
    'ms-third-party',
  ),
  'lockdown.why.ip': S("Restricting the Partner connector to the gateway's IPs makes Microsoft 365 refuse mail that did not pass the gateway.", 'ms-third-party', 'o365info-lockdown'),
  'lockdown.why.ipGateway': S(
    "Restricting the Partner connector to the gateway's IPs makes Microsoft 365 refuse mail that did not pass the gateway ({ip} delivered this message). The certificate variant is preferred by Microsoft once you know the certificate name.",
    'ms-third-party',
    'o365info-lockdown',
  ),
  'lockdown.why.certificateGiven': S(
    'Uses the certificate name you gave ({cert}): a certificate restriction covers every gateway node without listing addresses, and Microsoft prefers it to the IP variant.',
    'ms-third-party',
  ),
  'lockdown.why.certificateUnknown': S(
    "Not recommended until the certificate subject is known: nothing in the message records the certificate {vendor}'s servers present ({host} is only a host name), and a wrong name refuses every message from the gateway. Use the IP variant until {vendor} confirms the name.",
    'ms-new-inboundconnector',
    'ms-third-party',
  ),
  'lockdown.verify.wait': S('If the first test still gets through, test again a little later before you conclude that the connector does not work.', 'product'),
  'lockdown.verify.refused': S(
    'From a host that is NOT the gateway, open an SMTP session to {mx} on port 25 and send to one of your recipients: each recipient must be refused (Exchange Online answers 550 5.7.51 TenantInboundAttribution).',
    'o365info-lockdown',
    'ms-hybrid-tls',
  ),
  'lockdown.verify.gateway': S('Send a message from outside through the gateway: it must still arrive.', 'o365info-lockdown'),
  'lockdown.verify.mxGuessed': S('{mx} follows the usual naming for your domain; confirm the MX target in the Microsoft 365 admin center (Settings > Domains).', 'ms-third-party', 'ms-device'),
  'lockdown.verify.mxPlaceholder': S('Replace {mx} with your tenant\'s MX host as the Microsoft 365 admin center shows it (Settings > Domains).', 'ms-gcch-dns', 'ms-dod-dns', 'ms-device'),

  // ---------------------------------------------------------------------------------------------
  // Reject Direct Send

  'directSend.title': S('Reject Direct Send for your domains (Set-OrganizationConfig -RejectDirectSend $true)', 'ms-direct-send'),
  'directSend.header': S(
    'Reject Direct Send: refuse anonymous messages whose envelope sender (MAIL FROM) is one of your accepted domains',
    'ms-direct-send',
  ),
  'directSend.header.message': S(
    'This message: {ip} connected to your MX without a connector and used MAIL FROM in {domain}, to recipients in your organisation (Direct Send)',
    'ms-direct-send',
    'ms-device',
  ),
  'directSend.header.messageAnonymous': S(
    'This message: a host connected to your MX without a connector and used MAIL FROM in {domain}, to recipients in your organisation (Direct Send)',
    'ms-direct-send',
    'ms-device',
  ),
  'directSend.header.compauth': S('Exchange Online judged it compauth=fail reason={reason}', 'ms-headers'),
  'directSend.why.spoof': S(
    "Fits this message: {ip} sent anonymously to your tenant with MAIL FROM in your own domain {domain} (Direct Send), and nothing shows it is your own device or application. With Reject Direct Send on, Exchange Online refuses such messages instead of filtering them.",
    'ms-direct-send',
  ),
  'directSend.why.device': S(
    "{ip} looks like your own device or application sending for {domain} by Direct Send: turning on Reject Direct Send refuses it too, unless a partner connector authenticates it first.",
    'ms-direct-send',
  ),
  'directSend.caveat.legitimateSenders': S(
    'Legitimate Direct Send senders (devices, applications, third-party services using your domain) are refused too, unless a partner connector (certificate or IP) authenticates them: create those connectors first.',
    'ms-direct-send',
  ),
  'directSend.caveat.deviceFirst': S(
    'Give {ip} a connector first (the fix "{connector}"), then turn Reject Direct Send on: Microsoft\'s guidance is a partner mail flow connector for legitimate senders.',
    'ms-direct-send',
  ),
  'directSend.caveat.envelopeOnly': S(
    'The setting looks at the envelope sender (P1 MAIL FROM), not at the From header: spoofs with another MAIL FROM domain are left to DMARC and spoof protection.',
    'ms-direct-send',
  ),
  'directSend.caveat.tenantWide': S('The setting applies to the whole organisation (Set-OrganizationConfig), for all accepted domains.', 'ms-direct-send'),
  'directSend.verify.refused': S(
    'Send a test to one of your recipients from an outside host, anonymously to {mx} on port 25 with MAIL FROM in {domain}: it must be refused with 550 5.7.68 TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources.',
    'ms-direct-send',
  ),
  'directSend.verify.legitimate': S('Check that every legitimate sender that used Direct Send still delivers through its connector.', 'ms-direct-send'),

  // ---------------------------------------------------------------------------------------------
  // Device / application relay

  'relay.title.ip': S('Relay connector for {ip}', 'ms-device'),
  'relay.header.ip': S('Device or application relay through Microsoft 365: an OnPremises connector identified by the sending IP (the fallback when no certificate can be used)', 'ms-device', 'ms-5764'),
  'relay.header.sending': S('Sending address in this message: {ip}', 'rfc5321'),
  'relay.header.sendingFrom': S('Sending address in this message: {ip}, From domain {domain}', 'rfc5321', 'rfc5322'),
  'relay.header.placeholder': S(
    'Replace {placeholder} with the static public address of your own device or application: nothing in this message shows that the address it came from is yours, so it is not written into the command.',
    'ms-device',
  ),
  'relay.caveat.placeholder': S('The script contains the placeholder {placeholder}: New-InboundConnector fails until you replace it with your device\'s address.', 'product'),
  'relay.header.onPremises': S(
    'RestrictDomainsToIPAddresses and RequireTls apply to Partner connectors only; an OnPremises connector is matched by SenderIPAddresses or by its certificate.',
    'ms-new-inboundconnector',
  ),
  'relay.alt.title': S('Alternatives without a connector:', 'ms-device'),
  'relay.alt.smtpAuth': S(
    'SMTP AUTH client submission: smtp.office365.com port 587; STARTTLS with TLS 1.2 or later; sign-in with a licensed mailbox with SMTP AUTH enabled; sends to internal and external recipients.',
    'ms-device',
  ),
  'relay.alt.smtpAuth.gov': S(
    'SMTP AUTH client submission in the {cloud} cloud: {host}, port 587 (Microsoft\'s endpoint list for the cloud names it for ports 25 and 587); STARTTLS with TLS 1.2 or later; sign-in with a licensed mailbox with SMTP AUTH enabled; sends to internal and external recipients.',
    'ms-gcch-endpoints',
    'ms-dod-endpoints',
    'ms-device',
  ),
  'relay.alt.smtpAuth.21v': S(
    "SMTP AUTH client submission: port 587 on the SMTP host Microsoft lists for Office 365 operated by 21Vianet; STARTTLS with TLS 1.2 or later; sign-in with a licensed mailbox with SMTP AUTH enabled; sends to internal and external recipients.",
    'ms-21v-endpoints',
    'ms-device',
  ),
  'relay.alt.basicTimeline': S(
    'Basic authentication (user name and password) for SMTP AUTH: unchanged until December 2026; at the end of December 2026 disabled by default for existing tenants (admins can still turn it on); unavailable for tenants created after that; Microsoft announces the final removal date in the second half of 2027.',
    'ms-smtp-auth-timeline',
  ),
  'relay.alt.oauthDevices': S(
    'OAuth is the supported method from then on, but most devices and clients were not designed to use OAuth with SMTP AUTH: most printers and scanners sign in with Basic authentication.',
    'ms-smtp-auth-timeline',
    'ms-device',
  ),
  'relay.alt.hve': S(
    'Microsoft 365 High Volume Email: Microsoft\'s alternative for applications that send to recipients inside your tenant and cannot use OAuth.',
    'ms-smtp-auth-retire',
  ),
  'relay.alt.directSend': S(
    "Direct Send: {mx} port 25; no sign-in; recipients in your own organisation only; the device's public IP in SPF so its mail is not flagged as spam; refused when Reject Direct Send is on, unless a partner connector authenticates the device.",
    'ms-device',
    'ms-direct-send',
  ),
  'relay.omit.deviceIp': S('the device address given is not an IP address', 'product'),
  'relay.omit.gateway': S("the address that connected is {vendor}'s gateway, not a device or application of yours", 'ms-third-party'),
  'relay.omit.private': S('{class}: Microsoft 365 sees the public address the device connects from (your NAT address); use that', 'ms-device'),
  'relay.omit.microsoft': S("Microsoft 365's own address: the device's mail already came through Microsoft 365", 'ms-endpoints'),
  'relay.omit.fromDomain': S('the From domain is not a valid domain name', 'rfc5322'),
  'relay.spoof.forged': S('an authentication header forged below the receiver', 'rfc8601'),
  'relay.spoof.helo': S('the sending host claims to be a gateway vendor in its HELO without proof', 'rfc5321'),
  'relay.thisAddress': S('this sending address', 'product'),
  'relay.why.spoof': S('Not recommended: signs of a forged message ({signs}); never authorise its source address.', 'ms-device'),
  'relay.why.foreignDomain': S('Not recommended: the domain {domain} is not one of your domains, and a device relay is only for your own devices and applications.', 'ms-device'),
  'relay.why.noDomain': S('Not recommended: the message shows no domain of yours, and a device relay is only for your own devices and applications.', 'ms-device'),
  'relay.why.notShown': S(
    'Not recommended from this message alone: nothing shows that {ip} is your own device or application (a spoof of your domain looks the same). Use it only after confirming the address is yours.',
    'ms-device',
  ),
  'relay.why.fits': S(
    'Fits this message: {ip} sent mail for {domain} straight to Microsoft 365 without signing in; a connector for that address lets it relay (also to external recipients) without a mailbox password on the device. Microsoft recommends a certificate where the sender can present one (the fix "{cert}"); the IP address is the fallback.',
    'ms-device',
    'ms-5764',
  ),
  'relay.caveat.trust': S(
    "Only if {ip} is your own static public address (office NAT, application server, printer network): Microsoft does not support dynamic addresses here. If you do not recognise it, this message is a spoof: do not add it anywhere.",
    'ms-device',
  ),
  'relay.caveat.notShared': S(
    "The address must belong to your organisation alone: Microsoft warns that an IP-based OnPremises connector whose address other tenants' servers also use to reach Exchange Online can stop working or misroute mail (a cloud provider's shared outbound address is such a case); use a certificate there.",
    'ms-onprem-connectors',
    'ms-device',
  ),
  'relay.caveat.pointDevice': S(
    'Point the device at {mx} port 25, with STARTTLS if it supports it. The From address must use one of your accepted domains.',
    'ms-device',
  ),
  'relay.caveat.spfExternal': S(
    "With the connector, mail to external recipients leaves through Microsoft 365's outbound servers, which {include} already authorises in your SPF record; Microsoft still recommends the device's own address in SPF (the fix \"{spf}\"), which matters for the mail it delivers into your own tenant.",
    'ms-device',
    'ms-spf',
  ),
  'relay.verify.wait': S('Send a test from the device to an external address; if it is refused at first, test again a little later.', 'product'),
  'relay.verify.trace': S('Message trace (or the received headers) should show the message arriving from {ip} through the connector "{name}".', 'ms-device'),
  'relay.cert.title': S('Relay connector for the certificate {cert}', 'ms-device', 'ms-5764'),
  'relay.cert.titleToFill': S('Relay connector by certificate (fill in your relay server\'s certificate name)', 'ms-device', 'ms-5764'),
  'relay.cert.header': S(
    'Device or application relay through Microsoft 365: an OnPremises connector that identifies your relay server by its TLS certificate (the method Microsoft recommends; the IP address is the alternative)',
    'ms-5764',
    'ms-onprem-connectors',
  ),
  'relay.cert.header.name': S(
    "The certificate's subject or subject alternative name must be a domain that is one of your tenant's accepted domains.",
    'ms-onprem-connectors',
  ),
  'relay.cert.header.placeholder': S('Replace {placeholder} with the name on the certificate your relay server presents (for example mail.contoso.com).', 'ms-new-inboundconnector'),
  'relay.cert.why.given': S(
    'Uses the certificate name you gave ({cert}): Exchange Online attributes the connection to your tenant by the domain on the certificate first, which IP addresses shared with other tenants cannot spoil.',
    'ms-onprem-connectors',
    'ms-5764',
  ),
  'relay.cert.why.placeholder': S(
    'The certificate method Microsoft recommends for OnPremises connectors; it needs a sending server that presents a certificate in one of your accepted domains. Until you have one, use the fix "{ip}".',
    'ms-5764',
    'ms-onprem-connectors',
  ),
  'relay.cert.caveat.acceptedDomain': S(
    "A certificate whose subject is not one of your accepted domains is one of the configurations Microsoft warns against: mail can be attributed to the wrong tenant or stop without notice.",
    'ms-onprem-connectors',
  ),
  'relay.cert.caveat.device': S(
    "A device that cannot present such a certificate sends through a relay server that can: Microsoft suggests an on-premises Exchange or other SMTP server for devices that cannot meet Microsoft 365's requirements.",
    'ms-device',
  ),
  'relay.cert.caveat.tls': S('The relay server connects to {mx} on port 25 with TLS and presents the certificate.', 'ms-device', 'ms-5764'),
  'relay.cert.verify': S('Message trace should show the message arriving through this connector; a renewed certificate with another name needs the connector changed too.', 'ms-5764', 'ms-hybrid-tls'),

  // ---------------------------------------------------------------------------------------------
  // SPF

  'spf.title': S('SPF: authorise {ip} for {domain}', 'ms-spf'),
  'spf.title.already': S('SPF already authorises {ip} for {domain}', 'ms-spf'),
  'spf.body.comment': S('SPF for {domain}: authorise {ip} (keep exactly one v=spf1 record per domain)', 'ms-spf'),
  'spf.body.already': S('already authorised; current record: {zone}', 'ms-spf'),
  'spf.basis.covered': S('The current record already authorises {ip} ({term}); nothing to change in SPF.', 'rfc7208'),
  'spf.basis.mergedGiven': S('Merged into the current record (as you gave it): {mech} added {where}.', 'rfc7208'),
  'spf.basis.mergedDns': S('Merged into the current record (as recorded in DNS): {mech} added {where}.', 'rfc7208'),
  'spf.where.before': S('in front of {term}, which would otherwise fail it', 'rfc7208'),
  'spf.where.afterIp': S('after the existing ip4/ip6 mechanisms', 'rfc7208'),
  'spf.where.first': S('first (ip4 and ip6 mechanisms cost no DNS lookup)', 'ms-spf', 'rfc7208'),
  'spf.basis.none': S(
    'No current SPF record was given or recorded: a complete record for Microsoft 365 plus the device is shown; if you already publish one, add the mechanism to it instead.',
    'ms-spf',
  ),
  'spf.basis.new': S('A new record for the domain.', 'ms-spf'),
  'spf.why.checked': S('Receivers check SPF for {domain}, the envelope sender (MAIL FROM) domain, against {ip}, the address the device sends from.', 'ms-spf', 'rfc7208'),
  'spf.caveat.placeholder': S(
    'The record contains the placeholder {placeholder}: nothing in this message shows that the address it came from is your own device or application, so it is not written into the record; put in the static public address of your own device.',
    'ms-device',
    'ms-spf',
  ),
  'spf.caveat.several': S('{domain} publishes {n} SPF records: that is a permanent error (permerror) for every receiver. Merge them into the one record below.', 'ms-spf', 'rfc7208'),
  'spf.caveat.excluded': S('The current record excludes {ip} explicitly ({term}); make sure authorising it is intended.', 'rfc7208'),
  'spf.caveat.unreadable': S('The current SPF record could not be read, so a complete new record is shown: merge it with what you publish by hand.', 'product'),
  'spf.caveat.lookups': S(
    'SPF allows at most 10 DNS lookups in total, nested includes counted. This record has {n} at its top level (include, a, mx, ptr, exists, redirect); the includes may add more, so check the total with an SPF checker.',
    'ms-spf',
    'rfc7208',
  ),
  'spf.caveat.nearLimit': S('The record is close to the 10-lookup limit: prefer ip4 and ip6 mechanisms over more includes.', 'ms-spf'),
  'spf.caveat.long': S('The value is longer than 255 characters: it is split into several quoted strings of one TXT record, as DNS requires.', 'rfc7208'),
  'spf.caveat.noAll': S('The record does not end in -all or ~all: mail from unlisted servers is not failed.', 'ms-spf'),
  'spf.caveat.cloudMessage': S(
    "The receiver's host names show a Microsoft 365 {cloud} tenant, whose SPF include is {include} (not the worldwide include:spf.protection.outlook.com).",
    'ms-spf',
    'ms-gcch-dns',
    'ms-dod-dns',
    'ms-gcch-endpoints',
    'ms-21v-endpoints',
  ),
  'spf.caveat.cloudSetting': S(
    "You named the Microsoft 365 {cloud} cloud for your tenant (Mail Flow Lens: Cloud; CLI: --cloud), whose SPF include is {include} (not the worldwide include:spf.protection.outlook.com).",
    'ms-spf',
    'product',
  ),
  'spf.align.differ': S(
    'SPF is checked for the envelope sender (MAIL FROM) domain {mailFrom}, not the From domain {from}: the record belongs to {mailFrom}.',
    'ms-spf',
    'rfc7208',
  ),
  'spf.align.relaxedOnly': S(
    "For DMARC, an SPF pass counts only when {mailFrom} is aligned with {from}: they share the organisational domain, which passes relaxed alignment (DMARC's default) but not strict alignment (aspf=s).",
    'rfc7489',
    'ms-spf',
  ),
  'spf.align.notAligned': S(
    'For DMARC, an SPF pass counts only when {mailFrom} is aligned with {from}, and they do not share an organisational domain: an SPF pass will not make DMARC pass for {from}. Sign the mail with DKIM for {from}, or let the device use a MAIL FROM address in {from}.',
    'rfc7489',
    'ms-spf',
  ),
  'spf.caveat.noMailFrom': S(
    'The message shows no envelope sender (MAIL FROM) domain, so the record is written for the From domain {domain}: SPF is checked for the MAIL FROM domain, so make sure the device uses one in {domain}.',
    'ms-spf',
    'rfc7208',
  ),
  'spf.omit.unsafe': S('the current SPF record {problem}', 'product'),
  'spf.omit.long': S('the current SPF record is longer than 4096 characters', 'product'),
  'spf.omit.chars': S('the current SPF record has characters an SPF record cannot hold', 'rfc7208'),
  'spf.omit.version': S('the current record does not start with v=spf1', 'rfc7208'),
  'spf.omit.term': S('the current SPF record has a term that is not valid SPF: {term}', 'rfc7208'),
  'spf.precheck': S('Look up the current TXT records of {domain} (Resolve-DnsName -Name {domain} -Type TXT) and keep only one v=spf1 record.', 'ms-spf'),
  'spf.rollback.restore': S('Restore the previous value: {record}', 'product'),
  'spf.rollback.remove': S('Remove the added mechanism again.', 'product'),
  'spf.verify': S('After the DNS TTL has passed, a message from the device should show spf=pass for {domain} (sender IP is {ip}) in Authentication-Results.', 'ms-headers'),

  // ---------------------------------------------------------------------------------------------
  // ARC

  'arc.title': S('Trust {domains} as ARC sealer', 'ms-arc'),
  'arc.titleMany': S('Trust {domains} as ARC sealers', 'ms-arc'),
  'arc.header': S('ARC: add the gateway as a trusted ARC sealer, keeping the sealers already trusted', 'ms-arc', 'ms-set-arcconfig'),
  'arc.header.sealer': S("ARC-Seal i={i} d={domain} is {vendor}'s sealer", 'rfc8617'),
  'arc.header.sealerSeen': S("ARC-Seal i={i} d={domain} is {vendor}'s sealer (sealer domain seen in real messages; confirmed by this one)", 'rfc8617'),
  'arc.header.given': S('{domain} as you gave it', 'product'),
  'arc.header.value': S("The value is the sealer's d= in the ARC-Seal and ARC-Message-Signature headers (the vendor's domain), not your own domain.", 'ms-arc'),
  'arc.omit.provider': S('sealed by the receiving service itself (ARC instance i={i}); no trust needed', 'ms-arc'),
  'arc.omit.providerGiven': S("the receiving service's own sealer; no trust needed", 'ms-arc'),
  'arc.omit.senderSide': S(
    "{vendor}'s sealer, but {vendor} is not on the relay path in front of Microsoft 365 in this message (sealed on the sender's side); trust it only if it relays your inbound mail",
    'ms-arc',
  ),
  'arc.omit.unknown': S('not a known gateway sealer: add only legitimate, required services as trusted ARC sealers', 'ms-arc'),
  'arc.caveat.replaces': S('Set-ArcConfig replaces the whole list; the script reads the current list first and appends, so existing sealers stay.', 'ms-arc', 'ms-set-arcconfig'),
  'arc.caveat.what': S(
    'Trusting a sealer makes Microsoft 365 use the authentication results the sealer recorded before it changed the message; it helps when the gateway modifies messages (banners, URL rewriting, subject tags) and DKIM or DMARC fail after it.',
    'ms-arc',
  ),
  'arc.caveat.onlyNeeded': S('Add only legitimate, required services as trusted ARC sealers.', 'ms-arc'),
  'arc.caveat.failed': S('The ARC seal by {sealers} did not validate in this message; trusting the sealer only helps once its seals validate.', 'ms-arc', 'rfc8617'),
  'arc.caveat.notVerified': S('The ARC chain of this message was not re-verified here (no verification data): the trust only helps when the seal validates at Microsoft 365.', 'ms-arc'),
  'arc.why.fits': S(
    'Fits this message: {vendors} sealed it with ARC before Microsoft 365 (d={domains}); trusting the sealer lets Microsoft 365 use the authentication results from before the gateway changed the message.',
    'ms-arc',
  ),
  'arc.why.given': S('Adds the sealer(s) you named ({domains}).', 'ms-set-arcconfig'),
  'arc.verify.oda': S(
    'On the next message through the gateway, the last ARC-Authentication-Results must show arc=pass and oda=1 for the chain sealed by {domains}: the previous ARC verified, its sealer is trusted, and its pass can override a DMARC failure.',
    'ms-arc',
  ),
  'arc.verify.compauth': S('Where DMARC alone fails, the last Authentication-Results shows compauth=pass reason=130: the ARC result was used to override the DMARC failure.', 'ms-arc', 'ms-headers'),

  // ---------------------------------------------------------------------------------------------
  // Gmail inbound gateway

  'gmail.heading': S('Gmail inbound gateway for {who}', 'google-gateway'),
  'gmail.path': S(
    'Google Admin console > **Apps > Google Workspace > Gmail > Spam, Phishing and Malware > Inbound gateway** (configure it at the top-level organizational unit).',
    'google-gateway',
  ),
  'gmail.step.ips': S('**Gateway IPs**: add each address below (public addresses only; Gmail does not accept private IPs).', 'google-gateway'),
  'gmail.unconfirmed': S('Not confirmed as your gateway yet: {candidates}. Check that your MX points at it before listing its addresses.', 'google-gateway', 'product'),
  'gmail.placeholder': S('every address your gateway delivers from, once confirmed', 'google-gateway'),
  'gmail.fromYourList': S('from your list', 'product'),
  'gmail.step.detectIp': S(
    'Check **Automatically detect external IP (recommended)**: Gmail then evaluates SPF and reputation against the original sender ({ip} in this message) instead of the gateway.',
    'google-gateway',
  ),
  'gmail.step.detect': S(
    'Check **Automatically detect external IP (recommended)**: Gmail then evaluates SPF and reputation against the original sender instead of the gateway.',
    'google-gateway',
  ),
  'gmail.step.reject': S('Check **Reject all mail not from gateway IPs**, only after your MX records point to the gateway and the change has propagated.', 'google-gateway'),
  'gmail.step.tls': S('Check **Require TLS for connections from the email gateways listed above**.', 'google-gateway'),
  'gmail.step.tagNumeric': S(
    'Message tagging ({vendor} scores spam in {header}): check **Message is considered spam if the following header regexp matches**, enter {rx}, check **Regexp extracts a numeric score** and set **message is considered spam if extracted numeric score is** Greater than or equal to {threshold}.',
    'google-gateway',
  ),
  'gmail.step.tag': S('Message tagging ({vendor} marks spam in {header}): check **Message is considered spam if the following header regexp matches** and enter {rx}.', 'google-gateway'),
  'gmail.step.save': S('**Save** the setting.', 'google-gateway'),
  'gmail.theVendor': S('the gateway vendor', 'product'),
  'gmail.yourGateway': S('your gateway', 'product'),
  'gmail.yourThreshold': S("the spam score threshold of your gateway's policy", 'product'),
  'gmail.omit.private': S('{class}: Gmail does not accept private IPs as gateway IPs', 'google-gateway'),
  'gmail.omit.google': S("Google's own address, not a gateway in front of Gmail", 'google-ips'),
  'gmail.omit.range': S('enter gateway ranges as CIDR blocks; a-b ranges are not accepted here', 'google-gateway'),
  'gmail.title': S('Gmail inbound gateway: {n} gateway {addresses}', 'google-gateway'),
  'gmail.titleConfirm': S('Gmail inbound gateway: confirm the gateway, then list its addresses', 'google-gateway'),
  'gmail.caveat.every': S('List every address {who} delivers from; this message shows only {ips}.', 'google-gateway'),
  'gmail.caveat.everyNone': S('List every address {who} delivers from.', 'google-gateway'),
  'gmail.caveat.rejectLast': S(
    'Reject all mail not from gateway IPs refuses every direct delivery to Gmail, including partners or services that send straight to Google; enable it last.',
    'google-gateway',
  ),
  'gmail.caveat.regexp': S("The spam-header regexp for {vendor} is a suggestion built from the header's format: check it against a spam-tagged message from your gateway.", 'google-gateway', 'product'),
  'gmail.caveat.regexpUnconfirmed': S(
    "The spam-header regexp for {vendor} is a suggestion built from the header's format (not confirmed by vendor documentation): check it against a spam-tagged message from your gateway.",
    'google-gateway',
    'product',
  ),
  'gmail.caveat.regexpShape': S('Header value seen in real messages: {note}', 'product'),
  'gmail.why.fitsGw': S('Fits this message: Gmail received it from {gw} ({who}), so without the inbound gateway setting SPF and spam checks judge the gateway instead of the original sender.', 'google-gateway', 'bullphish-relay'),
  'gmail.why.fits': S('Fits this message: Gmail received it from {who}, so without the inbound gateway setting SPF and spam checks judge the gateway instead of the original sender.', 'google-gateway', 'bullphish-relay'),
  'gmail.why.origIp': S('The original sender in this message is {ip}.', 'rfc5321'),
  'gmail.why.orig': S('The message does not show the original sender\'s public address.', 'rfc5321'),
  'gmail.precheck.mxDomain': S('Check that the MX records of {domain} point to the gateway before enabling "Reject all mail not from gateway IPs".', 'google-gateway'),
  'gmail.precheck.mx': S('Check that your MX records point to the gateway before enabling "Reject all mail not from gateway IPs".', 'google-gateway'),
  'gmail.precheck.existing': S('Look at the current Inbound gateway setting first: if one exists, edit it rather than adding a second.', 'google-gateway'),
  'gmail.rollback.reject': S('If mail is being rejected, uncheck "Reject all mail not from gateway IPs" first.', 'google-gateway'),
  'gmail.rollback.remove': S('To undo entirely, remove the gateway entries (or the Inbound gateway setting) and save.', 'google-gateway'),
  'gmail.verify.spfGw': S(
    "On the next message, Gmail's Authentication-Results (mx.google.com) should evaluate SPF for {ip}, not the gateway {gw} (\"designates {ip} as permitted sender\", or a fail that names that address).",
    'google-gateway',
    'rfc8601',
  ),
  'gmail.verify.spfIp': S(
    "On the next message, Gmail's Authentication-Results (mx.google.com) should evaluate SPF for {ip} (\"designates {ip} as permitted sender\", or a fail that names that address).",
    'google-gateway',
    'rfc8601',
  ),
  'gmail.verify.spf': S("On the next message, Gmail's Authentication-Results (mx.google.com) should evaluate SPF for the original sender, not the gateway.", 'google-gateway', 'rfc8601'),
  'gmail.verify.receivedSpf': S('Received-SPF should show client-ip={ip}.', 'rfc7208'),

  // ---------------------------------------------------------------------------------------------
  // Clean-up

  'cleanup.evidence.skn': S('X-Forefront-Antispam-Report SFV:SKN (marked as not spam before filtering)', 'ms-headers'),
  'cleanup.evidence.scl': S('SCL -1 (spam filtering bypassed)', 'ms-headers'),
  'cleanup.omit.ruleCap': S('more than {max} rule names', 'product'),
  'cleanup.scl.header': S('Clean-up: mail flow rules that bypass spam filtering (SCL -1) for the gateway', 'ms-efc'),
  'cleanup.scl.evidence': S('Evidence in this message: {evidence}', 'ms-headers'),
  'cleanup.scl.step1': S('1. List the rules that set SCL -1:', 'ms-efc'),
  'cleanup.scl.step2': S('2. Disable the rules:', 'ms-efc'),
  'cleanup.scl.step2Placeholder': S('2. Disable each rule that was added for the gateway (replace the name):', 'ms-efc'),
  'cleanup.scl.why.bypassed': S(
    'This message skipped spam filtering before it was scanned ({evidence}), which is what a mail flow rule setting SCL -1 does. Once Enhanced Filtering is on, Microsoft says to disable such rules: gateway addresses are shared among many customers, and bypassing them lets spoofed and phishing messages through.',
    'ms-efc',
    'ms-third-party',
  ),
  'cleanup.scl.why.allowList': S(
    'The SCL -1 verdict of this message comes from the connection filter IP Allow List (IPV:CAL; the fix "{allow}"), not necessarily from a mail flow rule; run the listing to find bypass rules as well.',
    'ms-headers',
  ),
  'cleanup.scl.why.none': S('No SCL -1 verdict in this message; run the listing anyway to find bypass rules left over from the gateway set-up.', 'ms-efc'),
  'cleanup.scl.caveat.afterEfc': S(
    "Disable these rules only after Enhanced Filtering works for the gateway's connector; until then they may be what keeps gateway mail out of Junk.",
    'ms-efc',
  ),
  'cleanup.scl.caveat.onlyGateway': S(
    'Only rules added for the gateway: keep SCL -1 rules that serve another purpose (for example a simulation or archiving service), after checking their conditions.',
    'ms-efc',
  ),
  'cleanup.scl.caveat.placeholder': S('Replace {placeholder} with the rule names from the listing.', 'product'),
  'cleanup.scl.verify': S('On the next message through the gateway, X-Forefront-Antispam-Report no longer shows SFV:SKN and the SCL comes from filtering (SFV:NSPM for clean mail).', 'ms-headers'),
  'cleanup.omit.ipv6': S('the connection filter IP Allow List holds IPv4 addresses only', 'ms-headers'),
  'cleanup.omit.notPublic': S('not a public address ({what})', 'product'),
  'cleanup.omit.badCip': S('CIP in X-Forefront-Antispam-Report is not a valid IP address', 'ms-headers'),
  'cleanup.allow.header': S("Clean-up: the gateway's address in the connection filter IP Allow List", 'ms-third-party'),
  'cleanup.allow.evidence': S(
    'Evidence: X-Forefront-Antispam-Report IPV:CAL for CIP {ip} (the connecting IP was on the allow list, so spam filtering was skipped)',
    'ms-headers',
  ),
  'cleanup.allow.title': S('Remove {ips} from the connection filter allow list', 'ms-third-party'),
  'cleanup.allow.lookFirst': S('Look at the list first:', 'product'),
  'cleanup.allow.why.listed': S(
    "This message came from {ip}, which is on the connection filter's IP Allow List (IPV:CAL): Exchange Online skipped spam filtering for it. With Enhanced Filtering, the gateway's addresses do not belong there: third-party services share them among many customers.",
    'ms-headers',
    'ms-third-party',
  ),
  'cleanup.allow.why.none': S("No IPV:CAL in this message; only needed if the gateway's addresses were added to the allow list during set-up (check the listing).", 'ms-headers'),
  'cleanup.allow.caveat.afterEfc': S("Do this after Enhanced Filtering works for the gateway's connector.", 'ms-third-party'),
  'cleanup.allow.caveat.exact': S(
    '@{Remove=…} removes only an entry written exactly this way: if the list holds a range that contains the address (for example a /24), remove that entry instead.',
    'ms-multivalued',
  ),
  'cleanup.allow.caveat.default': S('Other policies than Default are not touched; the listing shows only the Default policy.', 'product'),
  'cleanup.allow.verify': S('On the next message through the gateway, X-Forefront-Antispam-Report no longer shows IPV:CAL.', 'ms-headers'),
  // ---------------------------------------------------------------------------------------------
  // The folder fix (one Enhanced Filtering change for many messages)

  'batch.header': S('Enhanced Filtering for Connectors: one change for the relays seen in {covered} of {total} {messages}', 'ms-efc'),
  'batch.header.relays': S('Relay IPs in front of Exchange Online (messages · gateway · host):', 'rfc5321'),
  'batch.header.notInList': S('Not in the change:', 'product'),
  'batch.label.skipped': S('already skip-listed in {n}', 'ms-efc'),
  'batch.plan.unknownState': S(
    "The connector's current state was not given: the change only adds to EFSkipIPs (@{Add=…}) and leaves EFSkipLastIP as it is. Save the output of the first pre-check to a file and run again with --connector-state FILE (or state it with --connector-efc last-ip|off|LIST) for the exact change.",
    'ms-multivalued',
    'product',
  ),
  'batch.plan.addToList': S('Connector state from {from}: EFSkipLastIP False; the change adds the missing addresses to its EFSkipIPs list and keeps the entries there.', 'ms-efc', 'ms-multivalued', 'product'),
  'batch.plan.lastIpToList': S(
    'Connector state from {from}: EFSkipLastIP True, which skips only the last hop, but {n} of these messages have more than one public relay hop: the change switches to EFSkipIPs, which then must list every relay address, the last hops included.',
    'ms-efc',
    'product',
  ),
  'batch.plan.offToLastIp': S(
    'Connector state from {from}: no skipping configured, and every message has exactly one public relay hop: EFSkipLastIP $true skips it automatically, whatever address the gateway delivers from.',
    'ms-efc',
    'product',
  ),
  'batch.none.lastIpEnough': S(
    'the connector already skips the last hop automatically (EFSkipLastIP True, from {from}) and every message has one public relay hop in front of Exchange Online: nothing to change',
    'ms-efc',
  ),
  'batch.none.noRelay': S('no message was delivered to Exchange Online through a relay (gateway or on-premises server) on a linear route', 'ms-efc'),
  'batch.none.allSkipped': S(
    "every relay address of these messages is already skip-listed by Enhanced Filtering or already on the connector's EFSkipIPs list: nothing to add",
    'ms-efc',
  ),
  'batch.none.noPublic': S(
    'the messages show no public relay address in front of Exchange Online that Enhanced Filtering could skip (loopback and RFC 1918 addresses are skipped automatically)',
    'ms-efc',
  ),
  'batch.note.alreadySkipped': S('{ips}: Enhanced Filtering already skip-listed them in every message that showed them', 'ms-efc'),
  'batch.note.onList': S("{ips}: already on the connector's EFSkipIPs list", 'product'),
  'batch.note.gmail': S('{n} message(s) delivered to Gmail (run `fix <file> --kind gmail` on one of them): {files}', 'google-gateway', 'product'),
  'batch.note.otherReceiver': S('{n} message(s) not delivered to Exchange Online ({receiver}): {files}', 'product'),
  'batch.note.nonLinear': S(
    '{n} message(s) with non-linear routing (passed Microsoft 365 before the relay; Enhanced Filtering is not supported there): {files}',
    'ms-efc',
  ),
  'batch.note.direct': S('{n} message(s) reached Exchange Online directly (no relay to skip)', 'ms-efc'),
  'batch.caveat.vendors': S(
    "The relays belong to {n} gateways ({vendors}). Enhanced Filtering is configured on the inbound connector each gateway's mail arrives on: run the change on each gateway's connector with that gateway's addresses.",
    'ms-efc',
  ),
  'batch.caveat.unknownState': S('Before running it, look at EFSkipLastIP in the first pre-check: {lastIp}', 'ms-efc', 'ms-set-inboundconnector'),
  'batch.caveat.unknownStateSingle': S(
    'if it is True, the connector already skips the last hop of these routes and the change is not needed (EFSkipIPs is used only when EFSkipLastIP is $false).',
    'ms-efc',
    'ms-set-inboundconnector',
  ),
  'batch.caveat.unknownStateMulti': S(
    "if it is True, the listed addresses are used only after EFSkipLastIP is set to $false, and then every relay address of the gateways must be listed: run again with the connector's state for the exact change.",
    'ms-efc',
    'ms-set-inboundconnector',
    'product',
  ),
  'batch.caveat.unreadable': S('These entries of the current list could not be read and are kept as they are: {entries}', 'product'),
  'batch.caveat.addKeeps': S('@{Add=…} keeps the entries already on the connector and adds these; the pre-check shows the list before and after.', 'ms-multivalued'),
  'batch.caveat.everyNode': S(
    'These messages show only the relay addresses they passed through; list every public address your gateways deliver from (their documentation or support names them), or mail from the other gateway nodes is not skip-listed.',
    'ms-efc',
  ),
  'batch.caveat.unconfirmed': S(
    'Left out, not confirmed as your gateway (only whose host each is): {ips}. Confirm them with your MX record and the gateway\'s address list, or list them in Mail Flow Lens: Trusted Relays (CLI: --trusted-relay).',
    'ms-third-party',
    'product',
  ),
  'batch.caveat.outOfScope': S('{n} message(s) were skip-listed but the recipient was outside the EFUsers pilot ({files}): add the recipients or set -EFUsers $null.', 'ms-efc'),
  'batch.section.prechecks': S('---- 1. Pre-checks (read-only: run these first) ----', 'product'),
  'batch.section.change': S('---- 2. The change ----', 'product'),
  'batch.section.rollback': S('---- 3. Roll back (removes the added addresses again) ----', 'ms-multivalued'),
  'batch.section.rollbackState': S('---- 3. Roll back (restores the state the change started from) ----', 'product'),
  'batch.section.verify': S('---- 4. Verify after the change ----', 'product'),
  'batch.section.caveats': S('Caveats to read first:', 'product'),
  'batch.note.omitted': S('{value}: {reason} (left out; seen in {n} {messages})', 'product'),
  'batch.verify.newMessage': S('Send a new test message from outside through each gateway (the analysed messages were filtered before the change and will not change).', 'ms-efc'),
  'batch.verify.missing': S(
    'If X-MS-Exchange-SkipListedInternetSender shows one of the relay IPs above, that address is missing from EFSkipIPs on the connector the message arrived on.',
    'ms-efc',
  ),
  'batch.verify.rerun': S('Run mailflow-lens analyze on the new messages: the Enhanced Filtering findings should be gone.', 'product'),
};
