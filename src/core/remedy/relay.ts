/**
 * Devices and applications that send through Microsoft 365 (Microsoft Learn, "How to set up a
 * multifunction device or application to send email using Microsoft 365 or Office 365"): a
 * connector that identifies the sender by its certificate (Microsoft's recommended method) or by
 * its IP address (the fallback), the SPF change that authorises that IP, and the alternatives
 * without a connector (SMTP AUTH client submission, High Volume Email, Direct Send).
 *
 * The connector is OnPremises: RestrictDomainsToIPAddresses and RequireTls apply to Partner
 * connectors only, so an OnPremises relay connector is identified by its SenderIPAddresses (IPv4
 * single or /24–/32) or by TlsSenderCertificateName (a name in one of the tenant's accepted domains).
 *
 * Authorising an address is dangerous when the message is a spoof: the connecting IP is proposed
 * only for the organisation's own domains, and never as "recommended" when the domain is not one of
 * the receiving organisation's domains or a forgery finding is present.
 *
 * SPF is checked for the envelope sender (MAIL FROM / Return-Path) domain, so the record is written
 * for that domain; when it differs from the From domain, the texts say what DMARC alignment needs.
 */
import type { Analysis, Cloud, Remedy } from '../types';
import { classifyIp, ipClassName, isPublicIp, parseIp, parseIpSpec, ipInSpec, type ParsedIp } from '../net/ip';
import { arg, checkDomain, commentText, psCommand, unsafeCharReason } from './powershell';
import { finish, type Fit, Omitted, remedyTitleWords } from './draft';
import { type Facts, isOwnDomain, PLACEHOLDER_DEVICE_IP, senderIpVouched } from './facts';
import { newConnectorName, spfIncludeFor, tenantMxHost } from './tenant';
import type { RemedyKb } from './kb-port';
import { registeredDomain } from '../facts/orgs';
import { say, sayAll } from './say';
import type { RemedyOptions } from './options';

export const DEFAULT_RELAY_NAME = 'Relay from devices and applications';
export const DEFAULT_RELAY_CERT_NAME = 'Relay from our relay server (certificate)';
export const PLACEHOLDER_RELAY_CERTIFICATE = '<certificate name in one of your accepted domains>';
/** Worldwide Microsoft 365's SPF include (GCC High/DoD and 21Vianet: see spfIncludeFor). */
export const MS_SPF_INCLUDE = spfIncludeFor('worldwide');
/** Findings that mark the message itself as forged. */
const SPOOF_FINDINGS = ['forged-auth-results'];

interface Sender {
  ip?: ParsedIp;
  /** The From domain. */
  domain?: string;
  /** The From domain is one of the receiving organisation's domains. */
  internal: boolean;
  spoofSigns: string[];
  /** The diagnosis recognised a device or application sending for your domain (relay-device-spf). */
  deviceFinding: boolean;
  /**
   * The address may go into a command (see senderIpVouched); otherwise commands carry
   * PLACEHOLDER_DEVICE_IP and the address is named only where the fix explains why.
   */
  vouched: boolean;
}

function sender(f: Facts, options: RemedyOptions, k: RemedyKb, omitted: Omitted, forConnector: boolean): Sender {
  const a = f.analysis;
  let ip: ParsedIp | undefined;
  if (options.deviceIp !== undefined) {
    const p = typeof options.deviceIp === 'string' ? parseIp(options.deviceIp) : null;
    if (p) ip = p;
    else omitted.add(options.deviceIp, say('relay.omit.deviceIp'));
  }
  if (!ip) {
    const raw = a.boundary.connectingIp;
    const p = parseIp(raw);
    if (raw && !p) omitted.add(raw, say('omit.badConnecting'));
    ip = p ?? undefined;
    // a filtering gateway in front of Microsoft 365 is not a device: its address is the vendor's
    if (ip && f.hasRelay && f.connecting?.vendorId && f.connecting.ip.ip === ip.ip) {
      omitted.add(ip.ip, say('relay.omit.gateway', { vendor: f.connecting.vendorName ?? f.connecting.vendorId }));
      ip = undefined;
    }
  }
  if (ip && !isPublicIp(ip)) {
    omitted.add(ip.ip, say('relay.omit.private', { class: ipClassName(classifyIp(ip)) }));
    ip = undefined;
  }
  if (ip && k.lookupProviderByIp(ip.ip)?.id === 'microsoft365') {
    omitted.add(ip.ip, say('relay.omit.microsoft'));
    ip = undefined;
  }
  if (ip && forConnector && ip.version === 6) {
    omitted.add(ip.ip, say('lockdown.omit.ipv6'));
    ip = undefined;
  }
  const domain = f.fromDomain;
  if (a.summary?.fromDomain !== undefined && !domain) omitted.add(a.summary.fromDomain, say('relay.omit.fromDomain'));
  const internal = isOwnDomain(f, domain);
  const spoofSigns = SPOOF_FINDINGS.filter((id) => f.findingIds.has(id)).map(() => say('relay.spoof.forged'));
  const entry = a.hops[a.boundary.entryHopIndex ?? -1];
  if (entry?.vendor && entry.vendor.confidence === 'weak') spoofSigns.push(say('relay.spoof.helo'));
  return { ip, domain, internal, spoofSigns, deviceFinding: f.findingIds.has('relay-device-spf'), vouched: senderIpVouched(f, options) };
}

function trustWarning(ip: string | undefined): string {
  return say('relay.caveat.trust', { ip: ip ?? say('relay.thisAddress') });
}

function notRecommendedWhy(s: Sender, ip: string | undefined): string | undefined {
  if (s.spoofSigns.length) return say('relay.why.spoof', { signs: s.spoofSigns.join('; ') });
  if (!s.internal) return s.domain ? say('relay.why.foreignDomain', { domain: s.domain }) : say('relay.why.noDomain');
  if (!s.deviceFinding) return say('relay.why.notShown', { ip: ip ?? say('relay.thisAddress') });
  return undefined;
}

/** The ways to send without a connector, as comment lines (Microsoft's device article, the SMTP AUTH posts). */
function alternatives(mxHost: string, cloud: Cloud, from: Facts['cloudFrom']): string[] {
  const smtpAuth =
    cloud === 'gcc-high'
      ? from === 'message'
        ? // office365.us host names are shared by GCC High and DoD
          say('relay.alt.smtpAuth.gov', { host: 'outlook.office365.us (GCC High) or outlook-dod.office365.us (DoD)', cloud: 'U.S. Government' })
        : say('relay.alt.smtpAuth.gov', { host: 'outlook.office365.us', cloud: 'GCC High' })
      : cloud === 'dod'
        ? say('relay.alt.smtpAuth.gov', { host: 'outlook-dod.office365.us', cloud: 'DoD' })
        : cloud === '21vianet'
          ? say('relay.alt.smtpAuth.21v')
          : say('relay.alt.smtpAuth');
  return [
    `# ${say('relay.alt.title')}`,
    `#   ${commentText(smtpAuth)}`,
    `#     ${say('relay.alt.basicTimeline')}`,
    `#     ${say('relay.alt.oauthDevices')}`,
    `#   ${say('relay.alt.hve')}`,
    `#   ${commentText(say('relay.alt.directSend', { mx: mxHost }))}`,
  ];
}

/** The cloud in words; office365.us host names do not tell GCC High from DoD (they share them). */
function cloudWords(c: Cloud, from: Facts['cloudFrom']): string {
  if (c === 'gcc-high') return from === 'message' ? 'U.S. Government (GCC High or DoD)' : 'GCC High';
  return c === 'dod' ? 'DoD' : c === '21vianet' ? 'operated by 21Vianet' : 'worldwide';
}

export function deviceRelayConnector(f: Facts, options: RemedyOptions, k: RemedyKb): Remedy | null {
  if (f.receiver !== 'exchange-online' || f.consumer) return null;
  const omitted = new Omitted();
  const s = sender(f, options, k, omitted, true);
  if (!s.ip) return null;
  const name = newConnectorName(options, omitted, DEFAULT_RELAY_NAME);
  const mx = tenantMxHost(f.analysis, options, omitted, f.cloud);
  // a message nobody vouched for may be a phish: its address goes into no command
  const shown = s.vouched ? s.ip.ip : PLACEHOLDER_DEVICE_IP;
  const cmd = psCommand('New-InboundConnector', [
    ['Name', arg.str(name)],
    ['ConnectorType', arg.word('OnPremises')],
    ['SenderDomains', arg.str('*')],
    ['SenderIPAddresses', s.vouched ? arg.list([s.ip.ip]) : arg.str(PLACEHOLDER_DEVICE_IP)],
  ]);
  const header = [
    say('relay.header.ip'),
    s.vouched
      ? s.domain
        ? say('relay.header.sendingFrom', { ip: s.ip.ip, domain: s.domain })
        : say('relay.header.sending', { ip: s.ip.ip })
      : say('relay.header.placeholder', { placeholder: PLACEHOLDER_DEVICE_IP }),
    say('relay.header.onPremises'),
  ];
  const body = [cmd, ...alternatives(mx.host, f.cloud, f.cloudFrom)];
  const blocked = notRecommendedWhy(s, s.ip.ip);
  const fit: Fit = blocked ? (s.spoofSigns.length || !s.internal ? 'not-this-message' : 'confirm-first') : 'recommended';
  return finish({
    id: 'device-relay-connector',
    title: say('relay.title.ip', { ip: shown }),
    language: 'powershell',
    header,
    body,
    parameters: {
      name,
      connectorType: 'OnPremises',
      senderDomains: ['*'],
      senderIPAddresses: [shown],
      placeholder: !s.vouched,
      smartHost: mx.host,
      port: 25,
      fromDomain: s.domain ?? null,
    },
    recommended: !blocked,
    fit,
    why: blocked ?? say('relay.why.fits', { ip: s.ip.ip, domain: s.domain ?? '?', cert: remedyTitleWords('device-relay-certificate') }),
    caveats: [
      // with the placeholder, its header line already asks for your own static address
      s.vouched ? trustWarning(shown) : say('relay.caveat.placeholder', { placeholder: PLACEHOLDER_DEVICE_IP }),
      say('relay.caveat.notShared'),
      say('relay.caveat.pointDevice', { mx: mx.host }),
      say('relay.caveat.spfExternal', { include: spfIncludeFor(f.cloud), spf: remedyTitleWords('spf-record-relay') }),
    ],
    preChecks: ['Get-InboundConnector | Format-List Name,ConnectorType,Enabled,SenderDomains,SenderIPAddresses', 'Get-AcceptedDomain | Format-Table DomainName,DomainType'],
    rollback: [psCommand('Set-InboundConnector', [['Identity', arg.str(name)], ['Enabled', arg.bool(false)]])],
    verify: [say('relay.verify.wait'), say('relay.verify.trace', { ip: shown, name: commentText(name) })],
    omitted,
  });
}

/**
 * The certificate-based OnPremises connector: the organisation's relay server (or a device that can
 * present a certificate) is identified by its TLS certificate, whose name must be in one of the
 * tenant's accepted domains (Microsoft's guidance MC1226222; the 5.7.64 article calls the certificate
 * the recommended method).
 */
export function deviceRelayCertificate(f: Facts, options: RemedyOptions, k: RemedyKb): Remedy | null {
  if (f.receiver !== 'exchange-online' || f.consumer) return null;
  const omitted = new Omitted();
  const s = sender(f, options, k, omitted, false);
  if (!s.ip && options.relayCertificateName === undefined) return null;
  let cert: string | undefined;
  if (options.relayCertificateName !== undefined) {
    const c = checkDomain(options.relayCertificateName, { allowWildcard: true, what: 'certificate name' });
    if (c.ok) cert = c.value;
    else omitted.add(options.relayCertificateName, say('lockdown.omit.certificateName', { reason: c.reason }));
  }
  const certName = cert ?? PLACEHOLDER_RELAY_CERTIFICATE;
  const name = newConnectorName(options, omitted, DEFAULT_RELAY_CERT_NAME);
  const mx = tenantMxHost(f.analysis, options, omitted, f.cloud);
  const cmd = psCommand('New-InboundConnector', [
    ['Name', arg.str(name)],
    ['ConnectorType', arg.word('OnPremises')],
    ['SenderDomains', arg.str('*')],
    ['TlsSenderCertificateName', arg.str(certName)],
  ]);
  const header = [say('relay.cert.header'), say('relay.cert.header.name')];
  if (!cert) header.push(say('relay.cert.header.placeholder', { placeholder: PLACEHOLDER_RELAY_CERTIFICATE }));
  if (s.ip && s.vouched) header.push(s.domain ? say('relay.header.sendingFrom', { ip: s.ip.ip, domain: s.domain }) : say('relay.header.sending', { ip: s.ip.ip }));
  const blocked = notRecommendedWhy(s, s.ip?.ip);
  const recommended = !!cert && !blocked;
  const fit: Fit = recommended ? 'recommended' : blocked && (s.spoofSigns.length || !s.internal) ? 'not-this-message' : 'confirm-first';
  const why = blocked ?? (cert ? say('relay.cert.why.given', { cert }) : say('relay.cert.why.placeholder', { ip: remedyTitleWords('device-relay-connector') }));
  return finish({
    id: 'device-relay-certificate',
    title: cert ? say('relay.cert.title', { cert }) : say('relay.cert.titleToFill'),
    language: 'powershell',
    header,
    body: [cmd],
    parameters: { name, connectorType: 'OnPremises', senderDomains: ['*'], tlsSenderCertificateName: certName, placeholder: !cert, smartHost: mx.host },
    recommended,
    fit,
    why,
    caveats: [say('relay.cert.caveat.acceptedDomain'), say('relay.cert.caveat.device'), say('relay.cert.caveat.tls', { mx: mx.host })],
    preChecks: ['Get-InboundConnector | Format-List Name,ConnectorType,Enabled,SenderDomains,SenderIPAddresses', 'Get-AcceptedDomain | Format-Table DomainName,DomainType'],
    rollback: [psCommand('Set-InboundConnector', [['Identity', arg.str(name)], ['Enabled', arg.bool(false)]])],
    verify: [say('relay.verify.wait'), say('relay.cert.verify')],
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
    omitted.add(options.currentSpf, say('omit.notText'));
  }
  const out: string[] = [];
  for (const l of Array.isArray(a.verification?.lookups) ? a.verification.lookups : []) {
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
  if (bad) return { ok: false, reason: say('spf.omit.unsafe', { problem: bad }) };
  if (text.length > 4096) return { ok: false, reason: say('spf.omit.long') };
  if (!/^[\x20-\x7e]+$/.test(text) || /["\\]/.test(text)) return { ok: false, reason: say('spf.omit.chars') };
  const terms = text.trim().split(/ +/);
  if (terms[0].toLowerCase() !== 'v=spf1') return { ok: false, reason: say('spf.omit.version') };
  for (const t of terms.slice(1)) {
    if (!TERM.test(t) && !MODIFIER.test(t)) return { ok: false, reason: say('spf.omit.term', { term: t.slice(0, 60) }) };
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
  if (f.receiver !== 'exchange-online' || f.consumer) return null;
  const omitted = new Omitted();
  const s = sender(f, options, k, omitted, false);
  // SPF is checked for the envelope sender (MAIL FROM) domain; the From domain only when the message shows no MAIL FROM
  const domain = f.mailFromDomain ?? s.domain;
  if (!s.ip || !domain) return null;
  // a message nobody vouched for may be a phish: its address goes into no record
  const shown = s.vouched ? s.ip.ip : PLACEHOLDER_DEVICE_IP;
  const mech = `${s.ip.version === 4 ? 'ip4' : 'ip6'}:${shown}`;
  const include = spfIncludeFor(f.cloud);
  const cur = currentSpf(f.analysis, domain, options, omitted);
  const caveats: string[] = [];
  let record: string;
  let changed = true;
  let basis: string;
  if (cur.records.length > 1) caveats.push(say('spf.caveat.several', { domain, n: cur.records.length }));
  const current = cur.records[0];
  const parsed = current !== undefined ? checkSpf(current) : undefined;
  if (parsed && parsed.ok) {
    const terms = parsed.terms;
    const covering = s.vouched && terms.find((t) => {
      const m = /^\+?ip[46]:(.+)$/i.exec(t);
      const spec = m ? parseIpSpec(m[1]) : null;
      return !!spec && ipInSpec(s.ip!, spec);
    });
    if (covering) {
      changed = false;
      record = terms.join(' ');
      basis = say('spf.basis.covered', { ip: shown, term: covering });
    } else {
      // A -ip/~ip/?ip term that covers the address would decide first: insert in front of it.
      const blocking = !s.vouched ? -1 : terms.findIndex((t, i) => {
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
      const where =
        blocking > 0 ? say('spf.where.before', { term: terms[blocking] }) : lastIp > 0 ? say('spf.where.afterIp') : say('spf.where.first');
      basis = say(cur.from === 'option' ? 'spf.basis.mergedGiven' : 'spf.basis.mergedDns', { mech, where });
      if (blocking > 0) caveats.push(say('spf.caveat.excluded', { ip: shown, term: terms[blocking] }));
    }
  } else {
    if (parsed && !parsed.ok) {
      omitted.add(current, parsed.reason);
      caveats.push(say('spf.caveat.unreadable'));
    }
    record = `v=spf1 ${mech} ${include} -all`;
    basis = cur.from === 'none' ? say('spf.basis.none') : say('spf.basis.new');
  }
  const lookups = record.split(' ').filter((t) => LOOKUP_TERM.test(t)).length;
  caveats.push(say('spf.caveat.lookups', { n: lookups }));
  if (lookups >= 8) caveats.push(say('spf.caveat.nearLimit'));
  if (record.length > 255) caveats.push(say('spf.caveat.long'));
  if (!/(?:^|\s)[-~]all$/i.test(record) && !/redirect=/i.test(record)) caveats.push(say('spf.caveat.noAll'));
  if (f.cloud !== 'worldwide') {
    caveats.push(say(f.cloudFrom === 'setting' ? 'spf.caveat.cloudSetting' : 'spf.caveat.cloudMessage', { cloud: cloudWords(f.cloud, f.cloudFrom), include }));
  }
  // DMARC: an SPF pass counts for the From domain only when the MAIL FROM domain is aligned with it
  if (f.mailFromDomain && s.domain && f.mailFromDomain !== s.domain) {
    const sameOrg = (registeredDomain(f.mailFromDomain) ?? f.mailFromDomain) === (registeredDomain(s.domain) ?? s.domain);
    caveats.unshift(
      sayAll([
        say('spf.align.differ', { mailFrom: f.mailFromDomain, from: s.domain }),
        say(sameOrg ? 'spf.align.relaxedOnly' : 'spf.align.notAligned', { mailFrom: f.mailFromDomain, from: s.domain }),
      ]),
    );
  } else if (!f.mailFromDomain && s.domain) {
    caveats.unshift(say('spf.caveat.noMailFrom', { domain }));
  }
  caveats.unshift(s.vouched ? trustWarning(shown) : say('spf.caveat.placeholder', { placeholder: PLACEHOLDER_DEVICE_IP }));
  const spfSender: Sender = { ...s, internal: isOwnDomain(f, domain), domain };
  const blocked = notRecommendedWhy(spfSender, s.ip.ip);
  const zone = `${domain}. IN TXT ${txtStrings(record)}`;
  const body = [`; ${say('spf.body.comment', { domain, ip: shown })}`, changed ? zone : `; ${say('spf.body.already', { zone })}`];
  const fit: Fit = blocked ? (s.spoofSigns.length || !spfSender.internal ? 'not-this-message' : 'confirm-first') : changed ? 'recommended' : 'optional';
  return finish({
    id: 'spf-record-relay',
    title: changed ? say('spf.title', { ip: shown, domain }) : say('spf.title.already', { ip: shown, domain }),
    language: 'dns',
    body,
    parameters: {
      domain,
      fromDomain: s.domain ?? null,
      mailFromDomain: f.mailFromDomain ?? null,
      cloud: f.cloud,
      include,
      mechanism: mech,
      record,
      changed,
      placeholder: !s.vouched,
      currentRecord: current !== undefined ? commentText(current, 4096) : null,
      currentFrom: cur.from,
      topLevelLookups: lookups,
    },
    recommended: !blocked && changed,
    fit,
    why: blocked ?? sayAll([basis, say('spf.why.checked', { domain, ip: shown })]),
    caveats,
    preChecks: [say('spf.precheck', { domain })],
    rollback: [current !== undefined && parsed?.ok ? say('spf.rollback.restore', { record: commentText(current, 4096) }) : say('spf.rollback.remove')],
    verify: [say('spf.verify', { domain, ip: shown })],
    omitted,
  });
}
