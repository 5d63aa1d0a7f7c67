/**
 * Enhanced Filtering for Connectors (skip listing): EFSkipLastIP, EFSkipIPs, the EFUsers pilot, and
 * the verify-only note when it already works. Every sentence is a sourced statement (mostly
 * Microsoft's "Enhanced Filtering for Connectors in Exchange Online" and the Set-InboundConnector
 * reference).
 *
 * Automatic skipping: Microsoft documents that Enhanced Filtering detects and skips loopback
 * (127.0.0.0/8) and RFC 1918 private addresses by itself. Nothing is said about link-local,
 * unique-local or carrier-grade NAT addresses, so the texts say only what is documented.
 */
import type { EfcState, Remedy } from '../types';
import { classifyIp, isPublicIp, type ParsedIp } from '../net/ip';
import { arg, checkAddress, checkDomain, psCommand, type PsArg } from './powershell';
import { buildIpList, efcNonPublicReason, type IpInput, type IpListEntry, type IpListPolicy } from './ip-list';
import { connectorIdentity } from './tenant';
import { count, finish, type Fit, Omitted, remedyTitleWords, words } from './draft';
import { describeRelay, type Facts, PLACEHOLDER_GATEWAY_IP, type RelayIp, unconfirmedWords } from './facts';
import type { RemedyKb } from './kb-port';
import { citeSource, say, sayAll } from './say';
import { sourceByUrl } from './sources';
import type { RemedyOptions } from './options';

export const PRECHECK_CONNECTOR = 'Get-InboundConnector | Format-List Name,ConnectorType,Enabled,SenderIPAddresses,EFSkipLastIP,EFSkipIPs,EFUsers';
export const PRECHECK_SCL_RULES = 'Get-TransportRule | Where-Object { $_.SetSCL -eq -1 } | Format-Table Name,State,Priority,SetSCL';
export const PRECHECK_ALLOW_LIST = 'Get-HostedConnectionFilterPolicy -Identity Default | Format-List IPAllowList';

export const MAX_EF_SKIP_IPS = 200;
export const MAX_EF_USERS = 100;

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

/** Exchange Online with connectors of its own (never a consumer mailbox). */
function applies(f: Facts): boolean {
  return f.receiver === 'exchange-online' && !f.consumer;
}

function relayWords(rs: RelayIp[]): string {
  return words(rs.map(describeRelay));
}

function privateRelays(f: Facts): RelayIp[] {
  return f.relays.filter((r) => !isPublicIp(r.ip));
}

/** True when every non-public relay is of a class Microsoft documents as skipped automatically. */
function privateHopsDocumented(f: Facts): boolean {
  return privateRelays(f).every((r) => r.ip.version === 4 && ['private', 'loopback'].includes(classifyIp(r.ip)));
}

/** The EFSkipIPs list policy: public addresses only, never Microsoft 365's. */
export function efSkipIpsPolicy(merge: boolean): IpListPolicy {
  return {
    target: 'EFSkipIPs',
    nonPublicReason: (c, v) => efcNonPublicReason(c, v === 4),
    excludeMicrosoft: true,
    microsoftReason: () => say('efc.omit.microsoft'),
    excludeGoogle: false,
    allowIpv6: true,
    allowRange: true,
    merge,
    cap: MAX_EF_SKIP_IPS,
  };
}

function verifyLines(f: Facts, p: Plan, k: RemedyKb): string[] {
  // after a Microsoft 365 hop (non-linear route) the "original sender" is Microsoft itself: don't name it
  const o = f.originalSenderIp;
  const orig = o && isPublicIp(o) && k.lookupProviderByIp(o.ip)?.id !== 'microsoft365' ? o.ip : undefined;
  const gw = f.connecting?.ip.ip;
  const out = [
    say('efc.verify.newMessage'),
    orig && gw
      ? say('efc.verify.headersGw', { orig, gw })
      : orig
        ? say('efc.verify.headers', { orig })
        : gw
          ? say('efc.verify.headersUnknownGw', { gw })
          : say('efc.verify.headersUnknown'),
    orig && gw ? say('efc.verify.spfGw', { orig, gw }) : gw ? say('efc.verify.spfUnknownGw', { gw }) : say('efc.verify.spf'),
    say('efc.verify.scope'),
  ];
  if (p.publicRelays.length > 1) out.push(say('efc.verify.missingHop', { ips: words(p.publicRelays.map((r) => r.ip.ip)) }));
  return out;
}

function commonCaveats(): string[] {
  return [
    say('efc.caveat.connector'),
    say('efc.caveat.linear'),
    say('efc.caveat.cleanup', { rules: remedyTitleWords('remove-scl-bypass'), allow: remedyTitleWords('remove-ip-allow') }),
  ];
}

function rollbackLine(connector: string): string {
  return psCommand('Set-InboundConnector', [
    ['Identity', arg.str(connector)],
    ['EFSkipLastIP', arg.bool(false)],
    ['EFSkipIPs', arg.null()],
  ]);
}

function notApplicableWhy(f: Facts, p: Plan): string | undefined {
  if (f.nonLinear) return say('efc.why.nonLinear');
  if (!p.publicRelays.length) return say('efc.why.noRelay');
  return undefined;
}

function statePrefix(p: Plan): string | undefined {
  if (p.state === 'incomplete' && p.recovered) return say('efc.why.incomplete', { ip: p.recovered.ip });
  return undefined;
}

function placeholderCaveat(c: { name: string; placeholder: boolean }): string[] {
  return c.placeholder ? [say('common.replaceConnector', { name: c.name })] : [];
}

/**
 * Inputs for EFSkipIPs: the message's relays the recipient's side vouches for, the user's list, and
 * (unless turned off) the ranges the gateway's vendor publishes, once the gateway is confirmed.
 */
function skipInputs(f: Facts, options: RemedyOptions, k: RemedyKb, caveats: string[], omitted: Omitted): IpInput[] {
  // only relays the recipient's side vouches for go into the command (weak ones become a placeholder)
  const inputs: IpInput[] = f.relays
    .filter((r) => r.strength === 'strong' || !isPublicIp(r.ip))
    .map((r) => ({ text: r.ip.ip, origin: r.fromConfig ? 'user' : 'message', label: describeRelay(r), ...(r.fromConfig ? { source: r.fromConfig } : {}) }));
  for (const bad of f.badRelayValues) omitted.add(bad, say('omit.badRelay'));
  if (f.relaysTruncated) omitted.note(`(${f.relaysTruncated} relay addresses)`, say('omit.relaysTruncated'));
  if (options.efSkipIps !== undefined) {
    if (Array.isArray(options.efSkipIps)) for (const t of options.efSkipIps) inputs.push({ text: t, origin: 'user' });
    else omitted.add(options.efSkipIps, say('omit.notAList'));
  }
  inputs.push(...vendorRangeInputs(f, options, k, caveats, omitted));
  return inputs;
}

/** The vendor's published delivery ranges, for a gateway the recipient's side vouches for. */
export function vendorRangeInputs(f: Facts, options: RemedyOptions, k: RemedyKb, caveats: string[], omitted: Omitted): IpInput[] {
  const out: IpInput[] = [];
  if (options.useVendorRanges === false || !f.relaysConfirmed) return out;
  for (const v of f.relayVendors) {
    const pub = k.vendorPublishedRanges(v.id);
    const fromDns = dnsRangeInputs(f, v, k, caveats);
    if (!pub.length && fromDns === undefined) caveats.push(say('vendor.noPublishedRanges', { vendor: v.name }));
    for (const r of pub) {
      // the vendor's page is cited by title and address with the fix's other sources
      const doc = r.url ? sourceByUrl(r.url) : undefined;
      if (!doc) throw new Error(`the page that lists ${v.name}'s range ${r.range} is not in the source list`);
      citeSource(doc.id);
      out.push({ text: r.range, origin: 'vendor', source: say('vendor.rangeSource', { vendor: v.name, title: doc.title, date: doc.date ?? r.asOf }) });
    }
    out.push(...(fromDns ?? []));
    for (const r of k.vendorObservedRanges(v.id)) omitted.add(r.range, say('omit.observedRange', { vendor: v.name }));
  }
  return out;
}

/** The PowerShell line that shows what a vendor publishes at a DNS name (names come from the knowledge base). */
function listCommand(name: string, kind: 'spf' | 'a'): string {
  return `Resolve-DnsName -Name '${name}'${kind === 'spf' ? ' -Type TXT' : ''}`;
}

/**
 * The addresses a vendor publishes in DNS, as looked up for this message (verify/vendor-dns.ts):
 * used only when they cover the address the vendor delivered this message from. Without DNS the
 * caveat names where they are published and how to list them. undefined: the vendor publishes none.
 */
function dnsRangeInputs(f: Facts, v: { id: string; name: string }, k: RemedyKb, caveats: string[]): IpInput[] | undefined {
  const pubs = k.vendorDnsPublications(v.id);
  if (!pubs.length) return undefined;
  const doc = sourceByUrl(pubs[0].url);
  if (!doc) throw new Error(`the page that names ${v.name}'s published addresses is not in the source list`);
  citeSource(doc.id);
  const looked = (f.analysis.verification?.vendorRanges ?? []).filter((d) => d.vendorId === v.id);
  // not looked up (DNS off), or nothing usable found at the name: say where they are and how to list them
  if (!looked.some((d) => d.ranges.length)) {
    const command = pubs.map((p) => listCommand(p.name, p.kind)).join('; ');
    caveats.push(say(looked.length ? 'vendor.dnsUnread' : 'vendor.dnsOffline', { vendor: v.name, names: words(pubs.map((p) => p.name)), title: doc.title, command }));
    return [];
  }
  const out: IpInput[] = [];
  const vendorIps = f.relays.filter((r) => r.vendorId === v.id && isPublicIp(r.ip)).map((r) => r.ip.ip);
  const covering = looked.filter((d) => d.covers.length > 0);
  if (!covering.length) {
    caveats.push(say('vendor.dnsNotCovering', { vendor: v.name, name: words(looked.map((d) => d.name)), ips: words(vendorIps) }));
    return out;
  }
  for (const d of covering) {
    for (const r of d.ranges) out.push({ text: r, origin: 'vendor', source: say('vendor.dnsRangeSource', { vendor: v.name, name: d.name, title: doc.title }) });
    if (!d.complete) caveats.push(say('vendor.dnsIncomplete', { vendor: v.name, name: d.name }));
    const pub = pubs.find((p) => p.name === d.name);
    caveats.push(say('vendor.dnsCheckCurrent', { vendor: v.name, name: d.name, command: listCommand(d.name, pub?.kind ?? 'spf') }));
  }
  return out;
}

function entryComments(entries: IpListEntry[]): string[] {
  const out: string[] = [];
  for (const e of entries) if (e.origin === 'vendor' && e.source) out.push(say('vendor.rangeComment', { range: e.spec.text, source: e.source }));
  return out;
}

function listCaveats(entries: IpListEntry[], p: Plan, f: Facts, options: RemedyOptions): string[] {
  const out: string[] = [];
  if (entries.some((e) => e.spec.version === 6)) out.push(say('efc.caveat.ipv6'));
  const fromVendor = entries.some((e) => e.origin === 'vendor');
  const onlyMessage = entries.every((e) => e.origin === 'message');
  if (onlyMessage && f.relayVendors.length) {
    out.push(say('efc.caveat.moreNodesVendor', { ips: words(p.publicRelays.map((r) => r.ip.ip)), vendor: words(f.relayVendors.map((v) => v.name)) }));
  } else if (onlyMessage) {
    out.push(say('efc.caveat.moreNodes'));
  } else if (fromVendor) {
    out.push(say('efc.caveat.vendorRanges'));
  }
  if (options.mergeRanges) out.push(say('efc.caveat.merged'));
  return out;
}

/** Comment lines naming where each relay address came from: the message's evidence, or the user's configuration. */
function originComments(f: Facts): string[] {
  const out: string[] = [];
  for (const r of f.relays) {
    if (!isPublicIp(r.ip)) continue;
    if (r.fromConfig) out.push(say('relay.fromConfig', { ip: r.ip.ip, source: r.fromConfig }));
    else if (r.strength === 'weak') out.push(say('relay.unconfirmed', { ip: r.ip.ip, evidence: r.evidence.join('; ') || say('relay.noEvidence') }));
  }
  return out;
}

function omitNonPublic(f: Facts, omitted: Omitted, extra?: string): void {
  for (const r of privateRelays(f)) {
    const c = classifyIp(r.ip);
    const reason = efcNonPublicReason(c, r.ip.version === 4);
    omitted.add(r.ip.ip, extra ? sayAll([reason, extra]) : reason);
  }
}

export function efcSkipLastIp(f: Facts, options: RemedyOptions, k: RemedyKb): Remedy | null {
  if (!applies(f) || !f.hasRelay || f.nonLinear) return null;
  const p = plan(f, k);
  if (p.state === 'active' || p.state === 'recipient-not-in-scope') return null;
  const omitted = new Omitted();
  const c = connectorIdentity(options, omitted);
  omitNonPublic(f, omitted);
  for (const r of f.relays) if (k.lookupProviderByIp(r.ip.ip)?.id === 'microsoft365') omitted.add(r.ip.ip, say('efc.omit.microsoft'));

  const blocked = notApplicableWhy(f, p);
  let why: string;
  let fit: Fit;
  if (blocked) {
    why = blocked;
    fit = 'not-this-message';
  } else if (p.lastIpFits) {
    const priv = privateRelays(f).length ? (privateHopsDocumented(f) ? say('efc.why.privateSkipped') : say('efc.why.privateUndocumented')) : undefined;
    why = sayAll([statePrefix(p), say('efc.why.lastIpFits', { relay: describeRelay(p.publicRelays[0]) }), priv]);
    fit = 'alternative';
  } else {
    const last = p.publicRelays[p.publicRelays.length - 1];
    why = sayAll([statePrefix(p), say('efc.why.lastIpMisfit', { n: p.publicRelays.length, last: last.ip.ip, next: p.publicRelays[p.publicRelays.length - 2].ip.ip })]);
    fit = 'not-this-message';
  }
  const cmd = psCommand('Set-InboundConnector', [
    ['Identity', arg.str(c.name)],
    ['EFSkipLastIP', arg.bool(true)],
  ]);
  const header = [say('efc.header.lastIp')];
  if (f.relays.length) header.push(say('relay.hops', { relays: relayWords(f.relays) }));
  header.push(...originComments(f));
  const unconfirmed = f.relaysConfirmed ? null : unconfirmedWords(f);
  if (unconfirmed && !blocked) {
    why = sayAll([unconfirmed.why, why]);
    fit = p.lastIpFits ? 'confirm-first' : fit;
  }
  const caveats = [...placeholderCaveat(c), ...(unconfirmed?.confirm ?? []), ...commonCaveats()];
  if (p.state === 'incomplete') caveats.push(say('efc.caveat.incompleteLastIp'));
  const recommended = !blocked && p.lastIpFits && f.relaysConfirmed;
  return finish({
    id: 'efc-skip-last-ip',
    title: say('efc.title.lastIp'),
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
    recommended,
    fit,
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
  const entries = buildIpList(inputs, efSkipIpsPolicy(options.mergeRanges === true), k, omitted);
  const unconfirmed = f.hasRelay && !f.relaysConfirmed ? unconfirmedWords(f) : null;
  if (!entries.length && !unconfirmed) return null;

  // Enhanced Filtering already runs on the connector but misses a hop: add the missing addresses
  // to the list that is there (EFSkipIPs is multi-valued), instead of replacing it
  const addMode = p.state === 'incomplete';
  const blocked = notApplicableWhy(f, p);
  let why: string;
  let recommended = false;
  let fit: Fit = 'alternative';
  if (blocked) {
    why = blocked;
    fit = 'not-this-message';
  } else if (p.publicRelays.length >= 2 || addMode) {
    recommended = true;
    why = sayAll([statePrefix(p), p.publicRelays.length >= 2 ? say('efc.why.skipIpsFits', { n: p.publicRelays.length, relays: relayWords(p.publicRelays) }) : undefined, addMode ? say('efc.why.addMissing') : undefined]);
  } else {
    why = sayAll([statePrefix(p), say('efc.why.skipIpsWorks', { relay: describeRelay(p.publicRelays[0]) })]);
  }
  if (unconfirmed) {
    recommended = false;
    if (!blocked) {
      why = sayAll([unconfirmed.why, say('efc.why.placeholder'), why]);
      fit = 'confirm-first';
    }
  }
  const values = [...entries.map((e) => e.spec.text), ...(unconfirmed ? [PLACEHOLDER_GATEWAY_IP] : [])];
  const cmd = psCommand('Set-InboundConnector', [
    ['Identity', arg.str(c.name)],
    ['EFSkipLastIP', arg.bool(false)],
    ['EFSkipIPs', addMode ? arg.add(values) : arg.list(values)],
  ]);
  const header = [addMode ? say('efc.header.skipIpsAdd') : say('efc.header.skipIps')];
  if (f.relays.length) header.push(say('relay.hops', { relays: relayWords(f.relays) }));
  header.push(...entryComments(entries), ...originComments(f));
  if (unconfirmed) header.push(say('efc.header.placeholder', { placeholder: PLACEHOLDER_GATEWAY_IP }));
  if (entries.some((e) => e.spec.version === 6)) header.push(say('efc.caveat.ipv6'));
  caveats.unshift(...placeholderCaveat(c), ...(unconfirmed?.confirm ?? []), ...listCaveats(entries, p, f, options), ...commonCaveats());
  caveats.push(addMode ? say('efc.caveat.addKeeps') : say('efc.caveat.replaces'));
  if (addMode) caveats.push(say('efc.caveat.addAfterLastIp'));
  const n = values.length;
  return finish({
    id: 'efc-skip-ips',
    title: addMode ? say('efc.title.skipIpsAdd', { what: count(n, 'relay address', 'relay addresses') }) : say('efc.title.skipIps', { what: count(n, 'relay address', 'relay addresses') }),
    language: 'powershell',
    header,
    body: [cmd],
    parameters: {
      connector: c.name,
      connectorPlaceholder: c.placeholder,
      efSkipLastIP: false,
      efSkipIPs: values,
      add: addMode,
      sources: entries.map((e) => ({ value: e.spec.text, origin: e.origin, ...(e.source ? { source: e.source } : {}) })),
      merged: options.mergeRanges === true,
      publicRelayHops: p.publicRelays.map((r) => r.ip.ip),
      originalSenderIp: f.originalSenderIp?.ip ?? null,
      efcState: p.state,
    },
    recommended,
    fit,
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
  if (!fromMessage && !Array.isArray(options.pilotUsers)) omitted.add(options.pilotUsers, say('omit.notAList'));
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
      omitted.add(r, say('efc.omit.badUser', { reason: c.reason }));
      continue;
    }
    const dom = c.value.slice(c.value.lastIndexOf('@') + 1);
    if (domains.length && !domains.some((d) => dom === d || dom.endsWith(`.${d}`))) {
      omitted.add(c.value, say('efc.omit.foreignUser'));
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
  if (capped) omitted.note(`(${capped} addresses)`, say('efc.omit.userCap', { max: MAX_EF_USERS }));
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
  let fit: Fit = 'optional';
  let mode: 'add' | 'last-ip' | 'skip-ips';
  const skipCaveats: string[] = [];
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
    why = p.recovered ? say('efc.why.outOfScopeIp', { ip: p.recovered.ip }) : say('efc.why.outOfScope');
  } else {
    // the same list as the EFSkipIPs fix, with what it leaves out and why
    const skip =
      p.lastIpFits || !p.publicRelays.length
        ? null
        : buildIpList(skipInputs(f, options, k, skipCaveats, omitted), efSkipIpsPolicy(options.mergeRanges === true), k, omitted).map((e) => e.spec.text);
    if (skip?.some((x) => x.includes(':'))) skipCaveats.push(say('efc.caveat.ipv6'));
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
    if (blocked) {
      why = blocked;
      fit = 'not-this-message';
    } else {
      why = say(mode === 'skip-ips' ? 'efc.why.pilotSkipIps' : 'efc.why.pilotLastIp', { users: count(users.length, 'recipient', 'recipients') });
    }
  }
  const caveats = [say('efc.caveat.pilotAll'), say('efc.caveat.pilotProxy'), say('efc.caveat.pilotHybrid'), say('efc.caveat.pilotDone')];
  if (fromMessage) caveats.push(say('efc.caveat.pilotFromMessage'));
  caveats.push(...skipCaveats);
  caveats.unshift(...placeholderCaveat(c));
  return finish({
    id: 'efc-pilot-users',
    title: say('efc.title.pilot', { what: count(users.length, 'recipient', 'recipients') }),
    language: 'powershell',
    header: [mode === 'add' ? say('efc.header.pilotAdd') : say('efc.header.pilot')],
    body: [cmd],
    parameters: { connector: c.name, connectorPlaceholder: c.placeholder, efUsers: users, mode, efcState: p.state },
    recommended,
    fit,
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
  const header = [
    say('efc.header.verify'),
    f.connecting ? say('efc.header.recoveredBehind', { ip: p.recovered?.ip ?? '?', relay: describeRelay(f.connecting) }) : say('efc.header.recovered', { ip: p.recovered?.ip ?? '?' }),
    say('efc.header.verifyNothing'),
  ];
  void options;
  return finish({
    id: 'efc-verify',
    title: say('efc.title.verify'),
    language: 'powershell',
    header,
    body: [PRECHECK_CONNECTOR],
    parameters: { recoveredIp: p.recovered?.ip ?? null, efcState: p.state },
    recommended: false,
    fit: 'optional',
    why: p.recovered ? say('efc.why.activeIp', { ip: p.recovered.ip }) : say('efc.why.active'),
    caveats: [say('efc.caveat.compareOthers')],
    preChecks: [],
    rollback: [],
    verify: [say('efc.verify.keepDisabled')],
    omitted,
  });
}
