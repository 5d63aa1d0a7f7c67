/**
 * Devices and applications that send through Microsoft 365 (seed 004): a connector identified by
 * the sending IP, the SPF change that authorises that IP, and the two alternatives without a
 * connector (SMTP AUTH client submission, direct send).
 *
 * The connector is OnPremises: RestrictDomainsToIPAddresses and RequireTls apply to Partner
 * connectors only (DOMAIN.md §2.1), so an OnPremises relay connector is identified by its
 * SenderIPAddresses (IPv4 single or /24–/32) alone.
 *
 * Authorising an address is dangerous when the message is a spoof: the connecting IP is proposed
 * only for the sender's own domain, and never as "recommended" when the From domain is not one of
 * the receiving organisation's domains or a forgery finding is present.
 */
import type { Analysis, Remedy } from '../types';
import { classifyIp, ipClassName, isPublicIp, parseIp, parseIpSpec, ipInSpec, type ParsedIp } from '../net/ip';
import { arg, checkDomain, commentText, psCommand, unsafeCharReason } from './powershell';
import { finish, newConnectorName, Omitted, receivingDomain, tenantMxHost, type Facts, type RemedyKb } from './context';
import type { RemedyOptions } from './index';

export const DEFAULT_RELAY_NAME = 'Relay from devices and applications';
export const MS_SPF_INCLUDE = 'include:spf.protection.outlook.com';
const SPOOF_FINDINGS = ['forged-auth-results', 'phish-fake-helo', 'spoofed-internal-sender', 'helo-impersonation'];

interface Sender {
  ip?: ParsedIp;
  domain?: string;
  /** The From domain is one of the receiving organisation's domains. */
  internal: boolean;
  spoofSigns: string[];
  /** The diagnosis recognised a device or application sending for your domain (relay-device-spf). */
  deviceFinding: boolean;
}

function sender(f: Facts, options: RemedyOptions, k: RemedyKb, omitted: Omitted, forConnector: boolean): Sender {
  const a = f.analysis;
  let ip: ParsedIp | undefined;
  if (options.deviceIp !== undefined) {
    const p = typeof options.deviceIp === 'string' ? parseIp(options.deviceIp) : null;
    if (p) ip = p;
    else omitted.add(options.deviceIp, 'deviceIp is not an IP address');
  }
  if (!ip) {
    const raw = a.boundary.connectingIp;
    const p = parseIp(raw);
    if (raw && !p) omitted.add(raw, 'connecting address in the message is not a valid IP address');
    ip = p ?? undefined;
    // a filtering gateway in front of Microsoft 365 is not a device: its address is the vendor's
    if (ip && f.hasRelay && f.connecting?.vendorId && f.connecting.ip.ip === ip.ip) {
      omitted.add(ip.ip, `the address that connected is ${f.connecting.vendorName ?? 'a gateway vendor'}'s gateway, not a device or application of yours`);
      ip = undefined;
    }
  }
  if (ip && !isPublicIp(ip)) {
    omitted.add(ip.ip, `${ipClassName(classifyIp(ip))}: Microsoft 365 sees the public address the device connects from (your NAT address); use that`);
    ip = undefined;
  }
  if (ip && k.lookupProviderByIp(ip.ip)?.id === 'microsoft365') {
    omitted.add(ip.ip, "Microsoft 365's own address: the device's mail already came through Microsoft 365");
    ip = undefined;
  }
  if (ip && forConnector && ip.version === 6) {
    omitted.add(ip.ip, 'SenderIPAddresses accepts IPv4 only (IPv6 is not supported)');
    ip = undefined;
  }
  let domain: string | undefined;
  const fd = a.summary?.fromDomain;
  if (fd !== undefined) {
    const c = checkDomain(fd, { what: 'From domain' });
    if (c.ok) domain = c.value;
    else omitted.add(fd, c.reason);
  }
  const own = new Set<string>();
  for (const d of Array.isArray(options.receivingDomains) ? options.receivingDomains : []) {
    const c = checkDomain(d);
    if (c.ok) own.add(c.value);
  }
  const rd = receivingDomain(a, options);
  if (rd) own.add(rd);
  for (const r of Array.isArray(a.summary?.recipients) ? a.summary.recipients : []) {
    if (typeof r !== 'string') continue;
    const c = checkDomain(r.slice(r.lastIndexOf('@') + 1));
    if (c.ok) own.add(c.value);
  }
  const internal = !!domain && [...own].some((d) => domain === d || domain.endsWith(`.${d}`));
  const spoofSigns = SPOOF_FINDINGS.filter((id) => f.findingIds.has(id));
  const entry = a.hops[a.boundary.entryHopIndex ?? -1];
  if (entry?.vendor && entry.vendor.confidence === 'weak') spoofSigns.push('the sending host claims to be a gateway vendor in its HELO without proof');
  return { ip, domain, internal, spoofSigns, deviceFinding: f.findingIds.has('relay-device-spf') };
}

function trustWarning(s: Sender): string {
  return `Only if ${s.ip?.ip ?? 'this address'} is your own static public address (office NAT, application server, printer network). If you do not recognise it, this message is a spoof: do not add it anywhere.`;
}

function notRecommendedWhy(s: Sender): string | undefined {
  if (s.spoofSigns.length) return `Not recommended: signs of a forged message (${s.spoofSigns.join('; ')}); never authorise its source address.`;
  if (!s.internal) return `Not recommended: the From domain${s.domain ? ` ${s.domain}` : ''} is not one of your domains, and a device relay is only for your own devices and applications.`;
  if (!s.deviceFinding) return `Not recommended from this message alone: nothing shows that ${s.ip?.ip ?? 'the sending address'} is your own device or application (a spoof of your domain looks the same). Use it only after confirming the address is yours.`;
  return undefined;
}

export function deviceRelayConnector(f: Facts, options: RemedyOptions, k: RemedyKb): Remedy | null {
  if (f.receiver !== 'exchange-online') return null;
  const omitted = new Omitted();
  const s = sender(f, options, k, omitted, true);
  if (!s.ip) return null;
  const name = newConnectorName(options, omitted, DEFAULT_RELAY_NAME);
  const mx = tenantMxHost(f.analysis, options, omitted);
  const cmd = psCommand('New-InboundConnector', [
    ['Name', arg.str(name)],
    ['ConnectorType', arg.word('OnPremises')],
    ['SenderDomains', arg.str('*')],
    ['SenderIPAddresses', arg.list([s.ip.ip])],
  ]);
  const alternatives = [
    {
      name: 'SMTP AUTH client submission',
      host: 'smtp.office365.com',
      port: 587,
      requirements: [
        'STARTTLS with TLS 1.2 or later',
        'sign-in with a licensed mailbox (the From address must be that mailbox or one it may send as)',
        'SMTP AUTH enabled for that mailbox',
        'sends to internal and external recipients',
      ],
    },
    {
      name: 'Direct send',
      host: mx.host,
      port: 25,
      requirements: [
        'no sign-in',
        'recipients in your own organisation only',
        "the device's public IP in SPF so its mail is not junked",
        'refused if your organisation has turned on Reject Direct Send',
      ],
    },
  ];
  const header = [
    'Device / application relay through Microsoft 365: an OnPremises connector identified by the sending IP (seed 004)',
    `Sending address in this message: ${s.ip.ip}${s.domain ? `, From domain ${s.domain}` : ''}`,
    'RestrictDomainsToIPAddresses and RequireTls apply to Partner connectors only; an OnPremises connector is matched by SenderIPAddresses.',
  ];
  const body = [
    cmd,
    '# Alternatives without a connector:',
    ...alternatives.map((x) => `#   ${commentText(`${x.name}: ${x.host} port ${x.port}; ${x.requirements.join('; ')}.`)}`),
  ];
  const blocked = notRecommendedWhy(s);
  return finish({
    id: 'device-relay-connector',
    title: `Relay connector for ${s.ip.ip}`,
    language: 'powershell',
    header,
    body,
    parameters: {
      name,
      connectorType: 'OnPremises',
      senderDomains: ['*'],
      senderIPAddresses: [s.ip.ip],
      smartHost: mx.host,
      port: 25,
      fromDomain: s.domain ?? null,
      alternatives,
    },
    recommended: !blocked,
    why:
      blocked ??
      `Fits this message: ${s.ip.ip} sent mail for ${s.domain} straight to Microsoft 365 without signing in; a connector for that address lets it relay (also to external recipients) without a mailbox password on the device.`,
    caveats: [
      trustWarning(s),
      'The address must be static and belong to your organisation alone: anything that can send from it can relay through your tenant.',
      `Point the device at ${mx.host} port 25, with STARTTLS if it supports it. The From address must use one of your accepted domains.`,
      'Authorise the address in SPF too (remedy spf-record-relay), or recipients outside your organisation may junk or reject the mail.',
    ],
    preChecks: [
      'Get-InboundConnector | Format-List Name,ConnectorType,Enabled,SenderDomains,SenderIPAddresses',
      'Get-AcceptedDomain | Format-Table DomainName,DomainType',
    ],
    rollback: [psCommand('Set-InboundConnector', [['Identity', arg.str(name)], ['Enabled', arg.bool(false)]])],
    verify: [
      'Wait about 15 minutes, then send a test from the device to an external address.',
      `Message trace (or the received headers) should show the message arriving from ${s.ip.ip} through the connector "${commentText(name)}".`,
    ],
    omitted,
  });
}

// ---------------------------------------------------------------------------------------------
// SPF

// Domain specs: host names and SPF macros (%{d}, %{i}, %{l1r+-}, …); nothing else a real record needs.
const DSPEC = '[A-Za-z0-9_.%{}+,=-]+';
const TERM = new RegExp(
  `^[+\\-~?]?(?:all|include:${DSPEC}|exists:${DSPEC}|a(?::${DSPEC})?(?:/\\d{1,3}){0,2}|mx(?::${DSPEC})?(?:/\\d{1,3}){0,2}|ptr(?::${DSPEC})?|ip4:[0-9./]+|ip6:[0-9a-fA-F:./]+)$`,
  'i',
);
const MODIFIER = /^[a-z][a-z0-9_.-]*=[A-Za-z0-9_.%{}+,\/=-]*$/i;
const LOOKUP_TERM = /^[+\-~?]?(?:include:|exists:|a(?:$|[:/])|mx(?:$|[:/])|ptr(?:$|:))|^redirect=/i;

/** The current SPF record(s): options.currentSpf first, else TXT answers recorded during verification. */
function currentSpf(a: Analysis, domain: string, options: RemedyOptions, omitted: Omitted): { records: string[]; from: 'option' | 'dns' | 'none' } {
  if (options.currentSpf !== undefined) {
    if (typeof options.currentSpf === 'string') return { records: [options.currentSpf], from: 'option' };
    omitted.add(options.currentSpf, 'currentSpf must be text');
  }
  const out: string[] = [];
  for (const l of Array.isArray(a.verification?.lookups) ? a.verification!.lookups : []) {
    if (!l || typeof l.name !== 'string' || String(l.type).toUpperCase() !== 'TXT' || l.outcome !== 'answer') continue;
    if (l.name.toLowerCase().replace(/\.$/, '') !== domain) continue;
    const answers = Array.isArray(l.answer) ? l.answer : [];
    for (const ans of answers.slice(0, 50)) {
      const text = Array.isArray(ans) ? ans.filter((x) => typeof x === 'string').join('') : typeof ans === 'string' ? ans : undefined;
      if (text !== undefined && /^v=spf1(?:\s|$)/i.test(text)) out.push(text);
    }
  }
  return { records: out, from: out.length ? 'dns' : 'none' };
}

function checkSpf(text: string): { ok: true; terms: string[] } | { ok: false; reason: string } {
  const bad = unsafeCharReason(text);
  if (bad) return { ok: false, reason: `the current SPF record ${bad}` };
  if (text.length > 4096) return { ok: false, reason: 'the current SPF record is longer than 4096 characters' };
  if (!/^[\x20-\x7e]+$/.test(text) || /["\\]/.test(text)) return { ok: false, reason: 'the current SPF record has characters an SPF record cannot hold' };
  const terms = text.trim().split(/ +/);
  if (terms[0].toLowerCase() !== 'v=spf1') return { ok: false, reason: 'the current record does not start with v=spf1' };
  for (const t of terms.slice(1)) {
    if (!TERM.test(t) && !MODIFIER.test(t)) return { ok: false, reason: `the current SPF record has a term that is not valid SPF: ${t.slice(0, 60)}` };
  }
  return { ok: true, terms };
}

/** TXT value as zone-file strings of at most 255 characters each. */
function txtStrings(value: string): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 255) parts.push(`"${value.slice(i, i + 255)}"`);
  return parts.join(' ');
}

export function spfRecordRelay(f: Facts, options: RemedyOptions, k: RemedyKb): Remedy | null {
  if (f.receiver !== 'exchange-online') return null;
  const omitted = new Omitted();
  const s = sender(f, options, k, omitted, false);
  if (!s.ip || !s.domain) return null;
  const mech = `${s.ip.version === 4 ? 'ip4' : 'ip6'}:${s.ip.ip}`;
  const cur = currentSpf(f.analysis, s.domain, options, omitted);
  const caveats: string[] = [];
  let record: string;
  let changed = true;
  let basis: string;
  if (cur.records.length > 1) caveats.push(`${s.domain} publishes ${cur.records.length} SPF records: that is a permanent error (permerror) for every receiver. Merge them into the one record below.`);
  const current = cur.records[0];
  const parsed = current !== undefined ? checkSpf(current) : undefined;
  if (parsed && parsed.ok) {
    const terms = parsed.terms;
    const covering = terms.find((t) => {
      const m = /^\+?ip[46]:(.+)$/i.exec(t);
      const spec = m ? parseIpSpec(m[1]) : null;
      return !!spec && ipInSpec(s.ip!, spec);
    });
    if (covering) {
      changed = false;
      record = terms.join(' ');
      basis = `The current record already authorises ${s.ip.ip} (${covering}); nothing to change in SPF.`;
    } else {
      // A -ip/~ip/?ip term that covers the address would decide first: insert in front of it.
      const blocking = terms.findIndex((t, i) => {
        const m = /^[-~?]ip[46]:(.+)$/i.exec(t);
        const spec = i > 0 && m ? parseIpSpec(m[1]) : null;
        return !!spec && ipInSpec(s.ip!, spec);
      });
      let lastIp = -1;
      terms.forEach((t, i) => {
        if (i > 0 && /^[+]?ip[46]:/i.test(t)) lastIp = i;
      });
      const at = blocking > 0 ? blocking : lastIp > 0 ? lastIp + 1 : 1;
      const next = [...terms];
      next.splice(at, 0, mech);
      record = next.join(' ');
      const where = blocking > 0 ? `in front of ${terms[blocking]}, which would otherwise fail it` : lastIp > 0 ? 'after the existing ip4/ip6 mechanisms' : 'first (ip4/ip6 mechanisms cost no DNS lookup)';
      basis = `Merged into the current record (${cur.from === 'option' ? 'as you gave it' : 'as recorded in DNS'}): ${mech} added ${where}.`;
      if (blocking > 0) caveats.push(`The current record excludes ${s.ip.ip} explicitly (${terms[blocking]}); make sure authorising it is intended.`);
    }
  } else {
    if (parsed && !parsed.ok) {
      omitted.add(current, parsed.reason);
      caveats.push('The current SPF record could not be read, so a complete new record is shown: merge it with what you publish by hand.');
    }
    record = `v=spf1 ${mech} ${MS_SPF_INCLUDE} -all`;
    basis = cur.from === 'none' ? 'No current SPF record was given or recorded: a complete record for Microsoft 365 plus the device is shown; if you already publish one, add the mechanism to it instead (pass currentSpf).' : 'New record.';
  }
  const lookups = record.split(' ').filter((t) => LOOKUP_TERM.test(t)).length;
  caveats.push(
    `SPF allows at most 10 DNS lookups in total, nested includes counted. This record has ${lookups} at its top level (include, a, mx, ptr, exists, redirect); the includes may add more, so check the total with an SPF checker.`,
  );
  if (lookups >= 8) caveats.push('The record is close to the 10-lookup limit: prefer ip4:/ip6: mechanisms over more includes.');
  if (record.length > 255) caveats.push('The value is longer than 255 characters: it is split into several quoted strings of one TXT record, as DNS requires.');
  if (!/(?:^|\s)[-~]all$/i.test(record) && !/redirect=/i.test(record)) caveats.push('The record does not end in -all or ~all: mail from unlisted servers is not failed.');
  caveats.unshift(trustWarning(s));
  const blocked = notRecommendedWhy(s);
  const zone = `${s.domain}. IN TXT ${txtStrings(record)}`;
  const body = [
    `; SPF for ${s.domain}: authorise ${s.ip.ip} (keep exactly one v=spf1 record per domain)`,
    changed ? zone : `; already authorised; current record: ${zone}`,
  ];
  return finish({
    id: 'spf-record-relay',
    title: changed ? `SPF: authorise ${s.ip.ip} for ${s.domain}` : `SPF already authorises ${s.ip.ip} for ${s.domain}`,
    language: 'dns',
    body,
    parameters: { domain: s.domain, mechanism: mech, record, changed, currentRecord: current !== undefined ? commentText(current, 4096) : null, currentFrom: cur.from, topLevelLookups: lookups },
    recommended: !blocked && changed,
    why: blocked ?? `${basis} Receivers check SPF for ${s.domain} against ${s.ip.ip}, the address the device sends from.`,
    caveats,
    preChecks: [`Look up the current TXT records of ${s.domain} (Resolve-DnsName -Name ${s.domain} -Type TXT) and keep only one v=spf1 record.`],
    rollback: [current !== undefined && parsed?.ok ? `Restore the previous value: ${commentText(current, 4096)}` : 'Remove the added mechanism again.'],
    verify: [`After the DNS TTL has passed, a message from the device should show spf=pass for ${s.domain} (sender IP is ${s.ip.ip}) in Authentication-Results.`],
    omitted,
  });
}
