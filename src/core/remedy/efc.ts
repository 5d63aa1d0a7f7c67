/**
 * Enhanced Filtering for Connectors (skip listing): EFSkipLastIP, EFSkipIPs, the EFUsers pilot, and
 * the verify-only note when it already works. Sources: seed 002 (Microsoft's Enhanced Filtering
 * article), DOMAIN.md §1.5, §2.1, §2.2.
 */
import type { EfcState, Remedy } from '../types';
import { classifyIp, ipClassName, isPublicIp, type ParsedIp } from '../net/ip';
import { arg, checkAddress, checkDomain, psCommand, type PsArg } from './powershell';
import {
  buildIpList,
  connectorIdentity,
  describeRelay,
  finish,
  Omitted,
  PLACEHOLDER_GATEWAY_IP,
  unconfirmedWords,
  words,
  type Facts,
  type IpInput,
  type IpListEntry,
  type RelayIp,
  type RemedyKb,
} from './context';
import type { RemedyOptions } from './index';

export const PRECHECK_CONNECTOR = 'Get-InboundConnector | Format-List Name,ConnectorType,Enabled,SenderIPAddresses,EFSkipLastIP,EFSkipIPs,EFUsers';
export const PRECHECK_SCL_RULES = 'Get-TransportRule | Where-Object { $_.SetSCL -eq -1 } | Format-Table Name,State,Priority,SetSCL';
export const PRECHECK_ALLOW_LIST = 'Get-HostedConnectionFilterPolicy -Identity Default | Format-List IPAllowList';

export const MAX_EF_SKIP_IPS = 200;
export const MAX_EF_USERS = 100;

/** Why a non-public relay address is left out; shown after the address class (ipClassName). */
const PRIVATE_REASON = 'Enhanced Filtering skips these by itself and does not accept them in EFSkipIPs. If this relay sits behind NAT, configure NAT to give it a public IP';
const MICROSOFT_REASON = "Microsoft 365's own address: never skip Microsoft's IPs (not supported by Enhanced Filtering)";

interface Plan {
  state: EfcState;
  /** The IP EOP recovered (ExternalOriginal or SkipListed), validated. */
  recovered?: ParsedIp;
  /** Public relays that are not Microsoft's: what EFC has to skip. */
  publicRelays: RelayIp[];
  lastIpFits: boolean;
}

function plan(f: Facts, k: RemedyKb): Plan {
  const state = f.efcState;
  const recovered = f.recoveredIp;
  const publicRelays = f.relays.filter((r) => isPublicIp(r.ip) && k.lookupProviderByIp(r.ip.ip)?.id !== 'microsoft365');
  return { state, recovered, publicRelays, lastIpFits: publicRelays.length === 1 && !f.nonLinear };
}

/** Exchange Online with connectors of its own (never a consumer mailbox), on a linear route. */
function applies(f: Facts): boolean {
  return f.receiver === 'exchange-online' && !f.consumer;
}

function relayWords(rs: RelayIp[]): string {
  return words(rs.map(describeRelay));
}

function privateRelays(f: Facts): RelayIp[] {
  return f.relays.filter((r) => !isPublicIp(r.ip));
}

function verifyLines(f: Facts, p: Plan, k: RemedyKb): string[] {
  // after a Microsoft 365 hop (non-linear route) the "original sender" is Microsoft itself: don't name it
  const o = f.originalSenderIp;
  const orig = o && isPublicIp(o) && k.lookupProviderByIp(o.ip)?.id !== 'microsoft365' ? o.ip : undefined;
  const gw = f.connecting?.ip.ip;
  const out = [
    'Send a new test message from outside through the gateway (this message was filtered before the change and will not change).',
    `Its headers must show X-MS-Exchange-SkipListedInternetSender and X-MS-Exchange-ExternalOriginalInternetSender with ${orig ? `ip=[${orig}], the original sender's IP` : "the original sender's IP"}${gw ? `, not the gateway's ${gw}` : ''}.`,
    `Authentication-Results should then evaluate SPF for ${orig ?? "the original sender's IP"}${gw ? ` instead of ${gw}` : ''}, and compauth should no longer fail because of the relay.`,
    'SkipListedInternetSender without ExternalOriginalInternetSender means Enhanced Filtering ran but the recipient was not in EFUsers.',
  ];
  if (p.publicRelays.length > 1) out.push(`If SkipListedInternetSender shows one of the relays (${words(p.publicRelays.map((r) => r.ip.ip))}), a relay hop is missing from EFSkipIPs.`);
  return out;
}

const NONLINEAR_CAVEAT =
  'This route is non-linear (Internet → Microsoft 365 → on-premises or another system → Microsoft 365): Enhanced Filtering on that connector is not supported and makes Microsoft 365 scan the returning mail again. Fix the routing instead (let the MX or centralized mail transport deliver linearly).';

const COMMON_CAVEATS = [
  'Enhanced Filtering is configured on the inbound connector the gateway\'s mail arrives on; mail that matches no connector is not skip-listed. The pre-check lists the connectors: pick the one whose SenderIPAddresses or certificate matches the gateway.',
  'Supported for linear routes only (Internet → gateway → Microsoft 365, or Internet → gateway → on-premises → Microsoft 365). Do not add on-premises hybrid servers when mail goes Microsoft 365 → on-premises → Microsoft 365.',
  'Once the next message shows the skip-listing headers, disable mail flow rules that set SCL -1 for the gateway (remedy remove-scl-bypass, second pre-check) and take the gateway IPs out of the connection filter allow list (remedy remove-ip-allow, third pre-check).',
];

function rollbackLine(connector: string): string {
  return psCommand('Set-InboundConnector', [
    ['Identity', arg.str(connector)],
    ['EFSkipLastIP', arg.bool(false)],
    ['EFSkipIPs', arg.null()],
  ]);
}

function notApplicableWhy(f: Facts, p: Plan): string | undefined {
  if (f.nonLinear) {
    return 'Not supported for this route: the message passed through Microsoft 365 before the relay (non-linear routing). Enhanced Filtering on on-premises hops is supported only for linear routes (Internet → gateway/on-premises → Microsoft 365).';
  }
  if (!p.publicRelays.length) return 'No public relay hop in front of Microsoft 365 was found in this message, so there is nothing for Enhanced Filtering to skip.';
  return undefined;
}

function statePrefix(p: Plan): string {
  if (p.state === 'incomplete' && p.recovered) {
    return `Enhanced Filtering is on but stopped at the relay ${p.recovered.ip} (X-MS-Exchange-SkipListedInternetSender ip=[${p.recovered.ip}]), so EOP still sees a relay as the sender. `;
  }
  return '';
}

/** Inputs for EFSkipIPs: the message's relays, the user's list, vendor-published ranges. */
function skipInputs(f: Facts, options: RemedyOptions, k: RemedyKb, caveats: string[], omitted: Omitted): IpInput[] {
  // only relays the recipient's side vouches for go into the command (weak ones become a placeholder)
  const inputs: IpInput[] = f.relays
    .filter((r) => r.strength === 'strong' || !isPublicIp(r.ip))
    .map((r) => ({ text: r.ip.ip, origin: r.fromConfig ? 'user' : 'message', label: describeRelay(r), ...(r.fromConfig ? { source: r.fromConfig } : {}) }));
  for (const bad of f.badRelayValues) omitted.add(bad, 'relay address in the message is not a valid IP address');
  if (f.relaysTruncated) omitted.note(`(${f.relaysTruncated} relay addresses)`, 'not read: more relay addresses than any real route has');
  if (options.efSkipIps !== undefined) {
    if (Array.isArray(options.efSkipIps)) for (const t of options.efSkipIps) inputs.push({ text: t, origin: 'user' });
    else omitted.add(options.efSkipIps, 'efSkipIps must be a list');
  }
  if (options.useVendorRanges) {
    if (!f.relayVendors.length) caveats.push('useVendorRanges: no gateway vendor was recognised on the relay path, so no published ranges were added.');
    for (const v of f.relayVendors) {
      const pub = k.vendorPublishedRanges(v.id);
      if (!pub.length) caveats.push(`useVendorRanges: the knowledge base has no published IP ranges for ${v.name}; ask the vendor for the full list of addresses it delivers from.`);
      for (const r of pub) inputs.push({ text: r.range, origin: 'vendor', source: `${v.name}: ${r.source} (as of ${r.asOf})` });
      for (const r of k.vendorObservedRanges(v.id)) {
        omitted.add(r.range, `${v.name} range only observed in samples, not published by the vendor; not used`);
      }
    }
  }
  return inputs;
}

function entryComments(entries: IpListEntry[]): string[] {
  const out: string[] = [];
  for (const e of entries) {
    if (e.origin === 'vendor' && e.source) out.push(`${e.spec.text}: published range, ${e.source}`);
  }
  return out;
}

function listCaveats(entries: IpListEntry[], p: Plan, f: Facts, options: RemedyOptions): string[] {
  const out: string[] = [];
  if (entries.some((e) => e.spec.version === 6)) out.push('IPv6 entries can be set only in PowerShell; the Defender portal (Enhanced filtering page) accepts IPv4 only.');
  const onlyMessage = entries.every((e) => e.origin === 'message');
  if (onlyMessage && f.relayVendors.length) {
    out.push(
      `This message shows only the gateway address(es) it passed through (${words(p.publicRelays.map((r) => r.ip.ip))}); ${words(f.relayVendors.map((v) => v.name))} delivers from more. List all of them (options efSkipIps / useVendorRanges), or mail from the other gateway nodes is not skip-listed.`,
    );
  } else if (onlyMessage) {
    out.push('This message shows only the relay address(es) it passed through; list every address the gateway or on-premises servers deliver from.');
  }
  if (options.mergeRanges) out.push('Adjacent addresses were merged into ranges (mergeRanges); the ranges cover exactly the same addresses.');
  return out;
}

// ---------------------------------------------------------------------------------------------

/** Comment lines naming where each relay address came from: the message's evidence, or the user's configuration. */
function originComments(f: Facts): string[] {
  const out: string[] = [];
  for (const r of f.relays) {
    if (!isPublicIp(r.ip)) continue;
    if (r.fromConfig) out.push(`${r.ip.ip}: from your configuration (${r.fromConfig}), not from evidence in the message`);
    else if (r.strength === 'weak') out.push(`${r.ip.ip}: not confirmed as your gateway (${r.evidence.join('; ') || 'no evidence'})`);
  }
  return out;
}

export function efcSkipLastIp(f: Facts, options: RemedyOptions, k: RemedyKb): Remedy | null {
  if (!applies(f) || !f.hasRelay || f.nonLinear) return null;
  const p = plan(f, k);
  if (p.state === 'active' || p.state === 'recipient-not-in-scope') return null;
  const omitted = new Omitted();
  const c = connectorIdentity(options, omitted);
  for (const r of privateRelays(f)) {
    omitted.add(r.ip.ip, `${ipClassName(classifyIp(r.ip))}: ${PRIVATE_REASON}. EFSkipLastIP skips it automatically as well`);
  }
  for (const r of f.relays) if (k.lookupProviderByIp(r.ip.ip)?.id === 'microsoft365') omitted.add(r.ip.ip, MICROSOFT_REASON);

  const blocked = notApplicableWhy(f, p);
  let why: string;
  if (blocked) why = blocked;
  else if (p.lastIpFits) {
    const priv = privateRelays(f).length ? ' The private or loopback hops behind it are skipped automatically.' : '';
    why = `${statePrefix(p)}-EFSkipLastIP $true fits: exactly one public relay hop (${describeRelay(p.publicRelays[0])}) precedes Microsoft 365, and it is skipped automatically whatever address the gateway delivers from.${priv}`;
  } else {
    const last = p.publicRelays[p.publicRelays.length - 1];
    why = `${statePrefix(p)}Does not fit this message: ${p.publicRelays.length} public relay hops precede Microsoft 365 and EFSkipLastIP skips only the last one (${last.ip.ip}); EOP would take ${p.publicRelays[p.publicRelays.length - 2].ip.ip} as the sender. Use EFSkipIPs.`;
  }
  const cmd = psCommand('Set-InboundConnector', [
    ['Identity', arg.str(c.name)],
    ['EFSkipLastIP', arg.bool(true)],
  ]);
  const header = ['Enhanced Filtering for Connectors: skip the last hop automatically (EFSkipLastIP)'];
  if (f.relays.length) header.push(`Relay hops in front of Microsoft 365 in this message (oldest first): ${relayWords(f.relays)}`);
  header.push(...originComments(f));
  const unconfirmed = f.relaysConfirmed ? null : unconfirmedWords(f);
  if (unconfirmed && !blocked) why = `${unconfirmed.why} ${why}`;
  const caveats = [...(unconfirmed?.confirm ?? []), ...COMMON_CAVEATS];
  if (c.placeholder) caveats.unshift(`Replace ${c.name} with the name of your inbound connector (see the pre-check), or pass connectorName.`);
  return finish({
    id: 'efc-skip-last-ip',
    title: 'Enhanced Filtering: skip the last hop (EFSkipLastIP)',
    language: 'powershell',
    header,
    body: [cmd],
    parameters: {
      connector: c.name,
      connectorPlaceholder: c.placeholder,
      efSkipLastIP: true,
      publicRelayHops: p.publicRelays.map((r) => r.ip.ip),
      originalSenderIp: f.originalSenderIp?.ip ?? null,
      efcState: p.state,
    },
    recommended: !blocked && p.lastIpFits && f.relaysConfirmed,
    why,
    caveats,
    preChecks: [...(unconfirmed?.preChecks ?? []), PRECHECK_CONNECTOR, PRECHECK_SCL_RULES, PRECHECK_ALLOW_LIST],
    rollback: [rollbackLine(c.name)],
    verify: verifyLines(f, p, k),
    omitted,
  });
}

export function efcSkipIps(f: Facts, options: RemedyOptions, k: RemedyKb): Remedy | null {
  if (!applies(f) || f.nonLinear) return null;
  const p = plan(f, k);
  if (p.state === 'active' || p.state === 'recipient-not-in-scope') return null;
  const omitted = new Omitted();
  const c = connectorIdentity(options, omitted);
  const caveats: string[] = [];
  const inputs = skipInputs(f, options, k, caveats, omitted);
  const entries = buildIpList(
    inputs,
    {
      target: 'EFSkipIPs',
      privateReason: PRIVATE_REASON,
      excludeMicrosoft: true,
      microsoftReason: MICROSOFT_REASON,
      excludeGoogle: false,
      allowIpv6: true,
      allowRange: true,
      merge: options.mergeRanges === true,
      cap: MAX_EF_SKIP_IPS,
    },
    k,
    omitted,
  );
  const unconfirmed = f.hasRelay && !f.relaysConfirmed ? unconfirmedWords(f) : null;
  if (!entries.length && !unconfirmed) return null;

  const blocked = notApplicableWhy(f, p);
  let why: string;
  let recommended = false;
  if (blocked) why = blocked;
  else if (p.publicRelays.length >= 2) {
    recommended = true;
    why = `${statePrefix(p)}EFSkipIPs fits: ${p.publicRelays.length} public relay hops (${relayWords(p.publicRelays)}) precede Microsoft 365, and all of them must be skipped to reach the original sender.`;
  } else {
    why = `${statePrefix(p)}Works, but EFSkipLastIP is simpler here: only one public relay hop (${describeRelay(p.publicRelays[0])}) precedes Microsoft 365, while EFSkipIPs must list every address the gateway delivers from, not only the one in this message.`;
  }
  if (unconfirmed) {
    recommended = false;
    if (!blocked) why = `${unconfirmed.why} The command has a placeholder where the gateway's addresses go. ${why}`;
  }
  const values = [...entries.map((e) => e.spec.text), ...(unconfirmed ? [PLACEHOLDER_GATEWAY_IP] : [])];
  const cmd = psCommand('Set-InboundConnector', [
    ['Identity', arg.str(c.name)],
    ['EFSkipLastIP', arg.bool(false)],
    ['EFSkipIPs', arg.list(values)],
  ]);
  const header = ['Enhanced Filtering for Connectors: skip the listed relay IPs (EFSkipIPs)'];
  if (f.relays.length) header.push(`Relay hops in front of Microsoft 365 in this message (oldest first): ${relayWords(f.relays)}`);
  header.push(...entryComments(entries), ...originComments(f));
  if (unconfirmed) header.push(`Replace ${PLACEHOLDER_GATEWAY_IP} with the gateway's addresses once confirmed (see the pre-checks).`);
  if (entries.some((e) => e.spec.version === 6)) header.push('IPv6 entries can be set only in PowerShell (the Defender portal accepts IPv4 only).');
  caveats.unshift(...(unconfirmed?.confirm ?? []), ...listCaveats(entries, p, f, options), ...COMMON_CAVEATS);
  if (c.placeholder) caveats.unshift(`Replace ${c.name} with the name of your inbound connector (see the pre-check), or pass connectorName.`);
  caveats.push('EFSkipIPs replaces the list on the connector: the pre-check shows what is there now; keep entries you still need.');
  return finish({
    id: 'efc-skip-ips',
    title: `Enhanced Filtering: skip ${values.length} relay address${values.length === 1 ? '' : 'es'} (EFSkipIPs)`,
    language: 'powershell',
    header,
    body: [cmd],
    parameters: {
      connector: c.name,
      connectorPlaceholder: c.placeholder,
      efSkipLastIP: false,
      efSkipIPs: values,
      sources: entries.map((e) => ({ value: e.spec.text, origin: e.origin, ...(e.source ? { source: e.source } : {}) })),
      merged: options.mergeRanges === true,
      publicRelayHops: p.publicRelays.map((r) => r.ip.ip),
      originalSenderIp: f.originalSenderIp?.ip ?? null,
      efcState: p.state,
    },
    recommended,
    why,
    caveats,
    preChecks: [...(unconfirmed?.preChecks ?? []), PRECHECK_CONNECTOR, PRECHECK_SCL_RULES, PRECHECK_ALLOW_LIST],
    rollback: [rollbackLine(c.name)],
    verify: verifyLines(f, p, k),
    omitted,
  });
}

/** Valid, de-duplicated pilot recipients (options.pilotUsers, else the message's recipients). */
function pilotRecipients(f: Facts, options: RemedyOptions, omitted: Omitted): { users: string[]; fromMessage: boolean } {
  const fromMessage = options.pilotUsers === undefined;
  const raw: unknown[] = fromMessage ? (Array.isArray(f.analysis.summary?.recipients) ? f.analysis.summary.recipients : []) : Array.isArray(options.pilotUsers) ? options.pilotUsers : [];
  if (!fromMessage && !Array.isArray(options.pilotUsers)) omitted.add(options.pilotUsers, 'pilotUsers must be a list of addresses');
  const domains = (Array.isArray(options.receivingDomains) ? options.receivingDomains : [])
    .map((d) => checkDomain(d))
    .filter((d): d is { ok: true; value: string } => d.ok)
    .map((d) => d.value);
  const users: string[] = [];
  const seen = new Set<string>();
  let capped = 0;
  for (const r of raw.slice(0, 20000)) {
    const c = checkAddress(r);
    if (!c.ok) {
      omitted.add(r, `not used in EFUsers: ${c.reason}`);
      continue;
    }
    const dom = c.value.slice(c.value.lastIndexOf('@') + 1);
    if (domains.length && !domains.some((d) => dom === d || dom.endsWith(`.${d}`))) {
      omitted.add(c.value, 'not in your receiving domains: EFUsers lists your own recipients');
      continue;
    }
    const key = c.value.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    if (users.length >= MAX_EF_USERS) {
      capped++;
      continue;
    }
    users.push(c.value);
  }
  if (capped) omitted.note(`(${capped} addresses)`, `EFUsers pilot capped at ${MAX_EF_USERS} recipients; a pilot is meant for a few users`);
  return { users, fromMessage };
}

export function efcPilotUsers(f: Facts, options: RemedyOptions, k: RemedyKb): Remedy | null {
  if (!applies(f) || f.nonLinear) return null;
  const p = plan(f, k);
  if (p.state === 'active') return null;
  if ((p.state === 'off' || p.state === 'not-applicable') && !f.hasRelay && options.efSkipIps === undefined) return null;
  const omitted = new Omitted();
  const c = connectorIdentity(options, omitted);
  const { users, fromMessage } = pilotRecipients(f, options, omitted);
  if (!users.length) return null;

  let cmd: string;
  let rollback: string;
  let why: string;
  let recommended = false;
  let mode: 'add' | 'last-ip' | 'skip-ips';
  if (p.state === 'recipient-not-in-scope') {
    mode = 'add';
    recommended = true;
    cmd = psCommand('Set-InboundConnector', [
      ['Identity', arg.str(c.name)],
      ['EFUsers', arg.add(users)],
    ]);
    rollback = psCommand('Set-InboundConnector', [
      ['Identity', arg.str(c.name)],
      ['EFUsers', arg.remove(users)],
    ]);
    why = `Enhanced Filtering ran for this message (X-MS-Exchange-SkipListedInternetSender${p.recovered ? ` ip=[${p.recovered.ip}]` : ''}) but X-MS-Exchange-ExternalOriginalInternetSender is missing: the recipient is not in the connector's EFUsers pilot list. Add the recipients, or set -EFUsers $null to apply it to everyone.`;
  } else {
    const skip = p.lastIpFits || !p.publicRelays.length ? null : buildIpList(
      skipInputs(f, options, k, [], new Omitted()),
      { target: 'EFSkipIPs', privateReason: PRIVATE_REASON, excludeMicrosoft: true, excludeGoogle: false, allowIpv6: true, allowRange: true, merge: options.mergeRanges === true, cap: MAX_EF_SKIP_IPS },
      k,
      new Omitted(),
    ).map((e) => e.spec.text);
    mode = skip && skip.length ? 'skip-ips' : 'last-ip';
    const params: Array<[string, PsArg]> = [['Identity', arg.str(c.name)]];
    if (mode === 'skip-ips') params.push(['EFSkipLastIP', arg.bool(false)], ['EFSkipIPs', arg.list(skip!)]);
    else params.push(['EFSkipLastIP', arg.bool(true)]);
    params.push(['EFUsers', arg.list(users)]);
    cmd = psCommand('Set-InboundConnector', params);
    rollback = psCommand('Set-InboundConnector', [
      ['Identity', arg.str(c.name)],
      ['EFSkipLastIP', arg.bool(false)],
      ['EFSkipIPs', arg.null()],
      ['EFUsers', arg.null()],
    ]);
    const blocked = notApplicableWhy(f, p);
    why = blocked ?? `Optional first step: turn Enhanced Filtering on for ${users.length} recipient${users.length === 1 ? '' : 's'} only (${mode === 'skip-ips' ? 'EFSkipIPs, as the route has several relay hops' : 'EFSkipLastIP, as one relay hop precedes Microsoft 365'}), check their next messages, then apply it to everyone.`;
  }
  const caveats = [
    'EFUsers applies only when every recipient of a message is listed: one unlisted recipient means normal filtering for all recipients of that message.',
    'EFUsers matches the literal address: list every proxy address of each mailbox (Get-Mailbox shows them in EmailAddresses).',
    'Hybrid, with inbound mail through on-premises Exchange: list the MailUser\'s targetAddress (user@<tenant>.mail.onmicrosoft.com), not the primary address.',
    'When the pilot works, set -EFUsers $null on the same connector to apply Enhanced Filtering to everyone.',
  ];
  if (f.nonLinear) caveats.unshift(NONLINEAR_CAVEAT);
  if (fromMessage) caveats.push('The recipients come from this message (To, Cc, Delivered-To and Received "for" clauses); remove any that are not your own mailboxes.');
  if (c.placeholder) caveats.unshift(`Replace ${c.name} with the name of your inbound connector (see the pre-check), or pass connectorName.`);
  return finish({
    id: 'efc-pilot-users',
    title: `Enhanced Filtering pilot for ${users.length} recipient${users.length === 1 ? '' : 's'} (EFUsers)`,
    language: 'powershell',
    header: [mode === 'add' ? 'Enhanced Filtering for Connectors: add the recipients to the EFUsers pilot list' : 'Enhanced Filtering for Connectors: pilot for a few recipients (EFUsers)'],
    body: [cmd],
    parameters: { connector: c.name, connectorPlaceholder: c.placeholder, efUsers: users, mode, efcState: p.state },
    recommended,
    why,
    caveats,
    preChecks: [PRECHECK_CONNECTOR],
    rollback: [rollback],
    verify: verifyLines(f, p, k),
    omitted,
  });
}

/** Enhanced Filtering already works for this message: nothing to change, only what to look at. */
export function efcVerify(f: Facts, options: RemedyOptions, k: RemedyKb): Remedy | null {
  if (!applies(f)) return null;
  const p = plan(f, k);
  if (p.state !== 'active') return null;
  const omitted = new Omitted();
  const behind = f.connecting ? ` behind ${describeRelay(f.connecting)}` : '';
  const header = [
    'Enhanced Filtering for Connectors already works for this message',
    `X-MS-Exchange-ExternalOriginalInternetSender: ip=[${p.recovered?.ip ?? '?'}] recovered${behind}`,
    'Nothing to change. To confirm the connector settings:',
  ];
  void options;
  return finish({
    id: 'efc-verify',
    title: 'Enhanced Filtering already works (verify only)',
    language: 'powershell',
    header,
    body: [PRECHECK_CONNECTOR],
    parameters: { recoveredIp: p.recovered?.ip ?? null, efcState: p.state },
    recommended: false,
    why: `Nothing to change: EOP recovered the original sender${p.recovered ? ` ${p.recovered.ip}` : ''} (X-MS-Exchange-ExternalOriginalInternetSender), so SPF, DMARC and compauth were evaluated against the real source.`,
    caveats: ['If other messages from the same gateway fail, compare their SkipListed/ExternalOriginal headers: a missing ExternalOriginal header means the recipient is outside EFUsers.'],
    preChecks: [],
    rollback: [],
    verify: ['Keep the SCL -1 mail flow rules and connection filter allow-list entries for the gateway disabled: with Enhanced Filtering they are no longer needed.'],
    omitted,
  });
}
