/**
 * Lock-down connector: accept internet mail only from the gateway, by IP or by TLS certificate
 * (Microsoft's "Manage mail flow using a third-party cloud service with Exchange Online", step 4;
 * o365info's "Configure Exchange Online to accept SMTP connection only from specific mail security
 * gateway"). Restrict* parameters apply to Partner connectors only; SenderIPAddresses takes IPv4
 * single addresses or CIDR /24–/32, no IPv6.
 *
 * The certificate variant is recommended only when the certificate subject is known (the user gave
 * it): a wrong name refuses every message from the gateway. A name that only follows from the
 * gateway's host names is never written into the command; it is named as the thing to confirm.
 */
import type { Remedy } from '../types';
import { isPublicIp, parseIpSpec } from '../net/ip';
import { arg, checkDomain, psCommand, psComment } from './powershell';
import { buildIpList, type IpInput } from './ip-list';
import { describeRelay, type Facts, unconfirmedWords } from './facts';
import { finish, type Fit, Omitted, remedyTitleWords, words } from './draft';
import { newConnectorName, receivingDomain, tenantMxHost } from './tenant';
import type { RemedyKb } from './kb-port';
import { vendorRangeInputs } from './efc';
import { say, sayAll } from './say';
import type { RemedyOptions } from './options';

export const DEFAULT_LOCKDOWN_NAME = 'Reject mail not routed through the gateway';
export { PLACEHOLDER_GATEWAY_IP } from './facts';
import { PLACEHOLDER_GATEWAY_IP } from './facts';
export const PLACEHOLDER_CERTIFICATE = '<certificate name the vendor gives>';
export const MAX_SENDER_IPS = 200;

const PRECHECK_LOCKDOWN =
  'Get-InboundConnector | Format-List Name,ConnectorType,Enabled,SenderDomains,SenderIPAddresses,RestrictDomainsToIPAddresses,RestrictDomainsToCertificate,RequireTls,TlsSenderCertificateName';

function applies(f: Facts): boolean {
  return f.receiver === 'exchange-online' && !f.consumer;
}

function mxPreCheck(f: Facts, options: RemedyOptions): string[] {
  const dom = receivingDomain(f.analysis, options);
  const out = [PRECHECK_LOCKDOWN];
  if (dom) out.push(psCommand('Resolve-DnsName', [['Name', arg.str(dom)], ['Type', arg.word('MX')]]));
  return out;
}

function rollback(name: string): string[] {
  return [
    psCommand('Set-InboundConnector', [['Identity', arg.str(name)], ['Enabled', arg.bool(false)]]),
    psComment(say('lockdown.rollback.delete')),
    psCommand('Remove-InboundConnector', [['Identity', arg.str(name)]]),
  ];
}

function verify(f: Facts, options: RemedyOptions, omitted: Omitted): string[] {
  const mx = tenantMxHost(f.analysis, options, omitted, f.cloud);
  const out = [say('lockdown.verify.refused', { mx: mx.host }), say('lockdown.verify.gateway'), say('lockdown.verify.wait')];
  if (mx.guessed && !mx.placeholder) out.push(say('lockdown.verify.mxGuessed', { mx: mx.host }));
  if (mx.placeholder) out.push(say('lockdown.verify.mxPlaceholder', { mx: mx.host }));
  return out;
}

/** What every lock-down variant must say: order of the change, side effects, MTA-STS, limits. */
function commonCaveats(): string[] {
  return [
    say('lockdown.caveat.mxFirst'),
    say('lockdown.caveat.directSenders', { device: remedyTitleWords('device-relay-connector') }),
    say('lockdown.caveat.hybrid'),
    say('lockdown.caveat.mtaSts'),
    say('lockdown.caveat.sharedIps'),
    say('lockdown.caveat.requireTls'),
    say('lockdown.caveat.partnerOnly'),
  ];
}

/**
 * SenderIPAddresses takes IPv4 CIDR blocks /24 to /32 only: a published IPv4 range from /19 to /23
 * is listed as the /24 blocks it is made of (the same addresses; vendors publish such lists for
 * Microsoft 365 connectors themselves). Wider ranges are left to the list's reasons.
 */
function split24(inputs: IpInput[]): IpInput[] {
  const out: IpInput[] = [];
  for (const i of inputs) {
    const spec = typeof i.text === 'string' ? parseIpSpec(i.text) : undefined;
    const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(spec?.text ?? '');
    const bits = m ? Number(m[2]) : 0;
    if (!spec || spec.version !== 4 || !m || bits < 19 || bits > 23) {
      out.push(i);
      continue;
    }
    const [a, b, c] = m[1].split('.').map(Number);
    const blocks = 2 ** (24 - bits);
    for (let n = 0; n < blocks; n++) {
      const third = c + n;
      out.push({ ...i, text: `${a}.${b}.${third}.0/24`, source: i.source ? say('vendor.rangeSplit', { source: i.source, range: spec.text }) : i.source });
    }
  }
  return out;
}

export function lockdownConnector(f: Facts, options: RemedyOptions, k: RemedyKb): Remedy | null {
  if (!applies(f)) return null;
  const omitted = new Omitted();
  const name = newConnectorName(options, omitted, DEFAULT_LOCKDOWN_NAME);
  const inputs: IpInput[] = [];
  const caveats: string[] = [];
  const gateway = f.hasRelay ? f.connecting : undefined;
  const unconfirmed = gateway && gateway.strength !== 'strong' ? unconfirmedWords(f) : null;
  if (gateway) {
    // only a gateway the recipient's side vouches for goes into the command; otherwise a placeholder
    if (!unconfirmed) inputs.push({ text: gateway.ip.ip, origin: gateway.fromConfig ? 'user' : 'message', label: describeRelay(gateway), ...(gateway.fromConfig ? { source: gateway.fromConfig } : {}) });
    for (const r of f.relays) {
      if (r !== gateway && isPublicIp(r.ip)) omitted.add(r.ip.ip, say('lockdown.omit.earlierHop'));
    }
  } else {
    const direct = f.analysis.boundary.connectingIp;
    if (typeof direct === 'string' && direct) omitted.add(direct, say('lockdown.omit.direct'));
  }
  if (options.gatewayIps !== undefined) {
    if (Array.isArray(options.gatewayIps)) for (const t of options.gatewayIps) inputs.push({ text: t, origin: 'user' });
    else omitted.add(options.gatewayIps, say('omit.notAList'));
  }
  if (gateway && !unconfirmed) inputs.push(...split24(vendorRangeInputs(f, options, k, caveats, omitted)));
  const entries = buildIpList(
    inputs,
    {
      target: 'SenderIPAddresses',
      nonPublicReason: () => say('lockdown.omit.private'),
      excludeMicrosoft: true,
      microsoftReason: () => say('lockdown.omit.microsoft'),
      excludeGoogle: false,
      allowIpv6: false,
      ipv6Reason: () => say('lockdown.omit.ipv6'),
      allowRange: false,
      rangeReason: () => say('lockdown.omit.range'),
      minPrefixV4: 24,
      minPrefixReason: () => say('lockdown.omit.prefix'),
      merge: false,
      cap: MAX_SENDER_IPS,
    },
    k,
    omitted,
  );
  const placeholder = entries.length === 0;
  const values = placeholder ? [PLACEHOLDER_GATEWAY_IP] : entries.map((e) => e.spec.text);
  const cmd = psCommand('New-InboundConnector', [
    ['Name', arg.str(name)],
    ['ConnectorType', arg.word('Partner')],
    ['SenderDomains', arg.str('*')],
    ['RequireTls', arg.bool(true)],
    ['RestrictDomainsToIPAddresses', arg.bool(true)],
    ['SenderIPAddresses', arg.list(values)],
  ]);
  const header = [say('lockdown.header.ip')];
  if (gateway) header.push(say('lockdown.header.gateway', { relay: describeRelay(gateway) }));
  if (gateway?.fromConfig) header.push(say('relay.fromConfig', { ip: gateway.ip.ip, source: gateway.fromConfig }));
  if (unconfirmed && gateway) header.push(say('relay.unconfirmed', { ip: gateway.ip.ip, evidence: gateway.evidence.join('; ') || say('relay.noEvidence') }));
  for (const e of entries) if (e.origin === 'vendor' && e.source) header.push(say('vendor.rangeComment', { range: e.spec.text, source: e.source }));
  if (placeholder) header.push(say('lockdown.header.placeholder', { placeholder: PLACEHOLDER_GATEWAY_IP }));

  const onlyMessage = entries.length > 0 && entries.every((e) => e.origin === 'message');
  if (onlyMessage) caveats.unshift(say('lockdown.caveat.everyAddress', { ips: words(entries.map((e) => e.spec.text)) }));
  if (placeholder) caveats.unshift(say('lockdown.caveat.placeholder', { placeholder: PLACEHOLDER_GATEWAY_IP }));
  caveats.push(...commonCaveats());

  let recommended = false;
  let fit: Fit = 'alternative';
  let why: string;
  const given = givenCertificate(options, omitted);
  if (!f.hasRelay) {
    recommended = f.findingIds.has('direct-to-tenant');
    why = recommended ? say('lockdown.why.direct') : say('lockdown.why.noGateway');
    if (!recommended) fit = 'not-this-message';
  } else if (unconfirmed) {
    why = unconfirmed.why;
    caveats.unshift(...unconfirmed.confirm);
    fit = 'confirm-first';
  } else if (given) {
    why = say('lockdown.why.ipWithCertificate', { cert: given });
  } else {
    recommended = !placeholder;
    why = gateway ? say('lockdown.why.ipGateway', { ip: gateway.ip.ip }) : say('lockdown.why.ip');
    if (placeholder) fit = 'confirm-first';
  }
  return finish({
    id: 'lockdown-connector',
    title: say('lockdown.title.ip'),
    language: 'powershell',
    header,
    body: [cmd],
    parameters: {
      name,
      connectorType: 'Partner',
      senderDomains: ['*'],
      requireTls: true,
      restrictDomainsToIPAddresses: true,
      senderIPAddresses: values,
      placeholder,
      sources: entries.map((e) => ({ value: e.spec.text, origin: e.origin, ...(e.source ? { source: e.source } : {}) })),
    },
    recommended,
    fit,
    why,
    caveats,
    preChecks: mxPreCheck(f, options),
    rollback: rollback(name),
    verify: verify(f, options, omitted),
    omitted,
  });
}

/** The certificate name the user gave (setting or CLI), validated. */
function givenCertificate(options: RemedyOptions, omitted: Omitted): string | undefined {
  if (options.certificateName === undefined) return undefined;
  const c = checkDomain(options.certificateName, { allowWildcard: true, what: 'certificate name' });
  if (c.ok) return c.value;
  omitted.add(options.certificateName, say('lockdown.omit.certificateName', { reason: c.reason }));
  return undefined;
}

/** The vendor host pattern the gateway's recorded name matches (what to ask the vendor about), e.g. "*.pphosted.com". */
function vendorNamePattern(f: Facts, k: RemedyKb): { pattern: string; vendor: string; host: string } | undefined {
  const g = f.hasRelay ? f.connecting : undefined;
  if (!g || !g.host || !g.vendorId) return undefined;
  const hit = k.vendorHostPattern(g.host);
  if (!hit || hit.id !== g.vendorId || hit.weight !== 'strong' || !hit.pattern.startsWith('*.')) return undefined;
  const c = checkDomain(hit.pattern, { allowWildcard: true, what: 'host pattern' });
  return c.ok ? { pattern: c.value, vendor: g.vendorName ?? g.vendorId, host: g.host } : undefined;
}

export function lockdownCertificate(f: Facts, options: RemedyOptions, k: RemedyKb): Remedy | null {
  if (!applies(f)) return null;
  const omitted = new Omitted();
  const given = givenCertificate(options, omitted);
  const candidate = given ? undefined : vendorNamePattern(f, k);
  if (!given && !candidate) return null;
  const name = newConnectorName(options, omitted, DEFAULT_LOCKDOWN_NAME);
  const certName = given ?? PLACEHOLDER_CERTIFICATE;
  const cmd = psCommand('New-InboundConnector', [
    ['Name', arg.str(name)],
    ['ConnectorType', arg.word('Partner')],
    ['SenderDomains', arg.str('*')],
    ['RequireTls', arg.bool(true)],
    ['RestrictDomainsToCertificate', arg.bool(true)],
    ['TlsSenderCertificateName', arg.str(certName)],
  ]);
  const header = [say('lockdown.header.certificate')];
  if (given) header.push(say('lockdown.header.certificateGiven', { cert: given }));
  else if (candidate) {
    header.push(say('lockdown.header.certificatePlaceholder', { placeholder: PLACEHOLDER_CERTIFICATE }));
    header.push(say('lockdown.header.certificateCandidate', { host: candidate.host, pattern: candidate.pattern, vendor: candidate.vendor }));
  }
  const unconfirmed = f.hasRelay && !f.relaysConfirmed ? unconfirmedWords(f) : null;
  const caveats = [
    ...(candidate ? [say('lockdown.caveat.askVendor', { vendor: candidate.vendor, pattern: candidate.pattern })] : []),
    say('lockdown.caveat.certificateMatch'),
    ...(unconfirmed?.confirm ?? []),
    ...commonCaveats(),
  ];
  // a certificate name guessed from host names is not a fact: a wrong one refuses every message
  // from the gateway (550 5.7.51 for each recipient), so only a name the user gave is recommended
  const recommended = !!given && (f.relaysConfirmed || f.findingIds.has('direct-to-tenant'));
  const fit: Fit = recommended ? 'recommended' : given ? 'alternative' : 'confirm-first';
  const why = given
    ? sayAll([unconfirmed?.why, say('lockdown.why.certificateGiven', { cert: given })])
    : say('lockdown.why.certificateUnknown', { vendor: candidate!.vendor, host: candidate!.host });
  return finish({
    id: 'lockdown-certificate',
    title: given ? say('lockdown.title.certificate', { cert: given }) : say('lockdown.title.certificateToConfirm', { vendor: candidate!.vendor }),
    language: 'powershell',
    header,
    body: [cmd],
    parameters: {
      name,
      connectorType: 'Partner',
      senderDomains: ['*'],
      requireTls: true,
      restrictDomainsToCertificate: true,
      tlsSenderCertificateName: certName,
      placeholder: !given,
      nameToConfirm: candidate?.pattern ?? null,
    },
    recommended,
    fit,
    why,
    caveats,
    preChecks: mxPreCheck(f, options),
    rollback: rollback(name),
    verify: verify(f, options, omitted),
    omitted,
  });
}
