/**
 * Lock-down connector: accept internet mail only from the gateway, by IP or by TLS certificate
 * (seed 003; DOMAIN.md §2.1, §2.2 "Lock down"). Restrict* parameters apply to Partner connectors
 * only; SenderIPAddresses takes IPv4 single addresses or CIDR /24–/32, no IPv6.
 */
import type { Remedy } from '../types';
import { isPublicIp } from '../net/ip';
import { arg, checkDomain, psCommand, psComment } from './powershell';
import {
  buildIpList,
  describeRelay,
  unconfirmedWords,
  finish,
  newConnectorName,
  Omitted,
  receivingDomain,
  tenantMxHost,
  words,
  type Facts,
  type IpInput,
  type RemedyKb,
} from './context';
import type { RemedyOptions } from './index';

export const DEFAULT_LOCKDOWN_NAME = 'Reject mail not routed through the gateway';
export { PLACEHOLDER_GATEWAY_IP } from './context';
import { PLACEHOLDER_GATEWAY_IP } from './context';
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
    psComment('To delete the connector instead:'),
    psCommand('Remove-InboundConnector', [['Identity', arg.str(name)]]),
  ];
}

function verify(f: Facts, options: RemedyOptions, omitted: Omitted): string[] {
  const mx = tenantMxHost(f.analysis, options, omitted);
  const out = [
    'Wait about 15 minutes: connector changes take time to reach every Exchange Online server.',
    `From a host that is NOT the gateway, open an SMTP session to ${mx.host} on port 25 and send to one of your recipients: the message must be rejected (Exchange Online answers 550 5.7.51 TenantInboundAttribution).`,
    'Send a message from outside through the gateway: it must still arrive.',
  ];
  if (mx.guessed) out.push(`${mx.host} follows the usual naming for your domain; confirm the MX target in the Microsoft 365 admin center (Settings → Domains).`);
  return out;
}

function commonCaveats(): string[] {
  return [
    'Enable this only when the domain\'s MX records point to the gateway and have propagated; until then, mail sent straight to Microsoft 365 is rejected.',
    'Known side effect (seed 003): mail that reaches Microsoft 365 from outside without passing the gateway is rejected, e.g. a meeting invitation from an external organiser forwarded to a colleague, or applications, devices and partners that send straight to your MX. Test forwarding and calendar flows after the change; give devices their own connector (remedy device-relay-connector).',
    'The gateway\'s addresses and certificate are shared by the vendor\'s customers: the restriction proves the mail came through the vendor\'s platform, not through your own policy on it.',
    'RequireTls $true rejects mail the gateway delivers without TLS.',
    'If a Partner connector for the gateway already exists, set the same Restrict… parameters on it (Set-InboundConnector) instead of adding a second one; enable Enhanced Filtering on that connector (efc remedies with connectorName set to it).',
  ];
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
      if (r !== gateway && isPublicIp(r.ip)) omitted.add(r.ip.ip, 'earlier relay hop: it does not connect to Microsoft 365, so it does not belong in SenderIPAddresses');
    }
  } else {
    const direct = f.analysis.boundary.connectingIp;
    if (typeof direct === 'string' && direct) {
      omitted.add(direct, 'this message reached Microsoft 365 directly from this address, not through a gateway: never list it');
    }
  }
  if (options.gatewayIps !== undefined) {
    if (Array.isArray(options.gatewayIps)) for (const t of options.gatewayIps) inputs.push({ text: t, origin: 'user' });
    else omitted.add(options.gatewayIps, 'gatewayIps must be a list');
  }
  if (options.useVendorRanges) {
    for (const v of f.relayVendors) {
      const pub = k.vendorPublishedRanges(v.id);
      if (!pub.length) caveats.push(`useVendorRanges: the knowledge base has no published IP ranges for ${v.name}; ask the vendor for every address it delivers from.`);
      for (const r of pub) inputs.push({ text: r.range, origin: 'vendor', source: `${v.name}: ${r.source} (as of ${r.asOf})` });
    }
  }
  const entries = buildIpList(
    inputs,
    {
      target: 'SenderIPAddresses',
      privateReason: 'Microsoft 365 sees the public address the gateway connects from; give the gateway a public IP',
      excludeMicrosoft: true,
      microsoftReason: "Microsoft 365's own address: a lock-down connector lists the gateway, never Microsoft",
      excludeGoogle: false,
      allowIpv6: false,
      ipv6Reason: 'SenderIPAddresses accepts IPv4 only (IPv6 is not supported)',
      allowRange: false,
      rangeReason: 'SenderIPAddresses does not accept a-b ranges; give single addresses or CIDR blocks /24 to /32',
      minPrefixV4: 24,
      minPrefixReason: 'SenderIPAddresses accepts CIDR blocks /24 to /32 only; split it into /24 blocks',
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
  const header = ['Lock down: accept internet mail only from the gateway (Partner connector restricted to its IPs)'];
  if (gateway) header.push(`Gateway that delivered this message: ${describeRelay(gateway)}`);
  if (gateway?.fromConfig) header.push(`${gateway.ip.ip}: from your configuration (${gateway.fromConfig}), not from evidence in the message`);
  if (unconfirmed && gateway) header.push(`${gateway.ip.ip}: not confirmed as your gateway (${gateway.evidence.join('; ') || 'no evidence'})`);
  for (const e of entries) if (e.origin === 'vendor' && e.source) header.push(`${e.spec.text}: published range, ${e.source}`);
  if (placeholder) header.push(`Replace ${PLACEHOLDER_GATEWAY_IP} with every IPv4 address or /24-/32 block your gateway delivers from.`);

  const onlyMessage = entries.length > 0 && entries.every((e) => e.origin === 'message');
  if (onlyMessage) {
    caveats.unshift(
      `SenderIPAddresses must list EVERY address the gateway delivers from, or mail from the missing ones is rejected. This message shows only ${words(entries.map((e) => e.spec.text))}; add the others (options gatewayIps / useVendorRanges) or use the certificate variant.`,
    );
  }
  if (placeholder) caveats.unshift(`The script contains the placeholder ${PLACEHOLDER_GATEWAY_IP}: New-InboundConnector fails until you replace it with your gateway's addresses.`);
  caveats.push(...commonCaveats());

  let recommended = false;
  let why: string;
  const cert = certificateName(f, options, k, omitted);
  if (!f.hasRelay) {
    recommended = f.findingIds.has('direct-to-tenant');
    why = recommended
      ? 'This message reached Microsoft 365 directly, bypassing the gateway: a lock-down connector makes Microsoft 365 refuse such connections. Fill in your gateway\'s addresses.'
      : 'No gateway was seen in front of Microsoft 365 in this message; use this only if your MX points to a gateway.';
  } else if (unconfirmed) {
    why = unconfirmed.why;
    caveats.unshift(...unconfirmed.confirm);
  } else if (cert && options.certificateName !== undefined) {
    why = `Works when the list is complete, but the certificate variant (${cert.name}) covers every ${cert.vendor ?? 'gateway'} node without listing IPs.`;
  } else {
    recommended = !placeholder;
    why = `Restricting the Partner connector to the gateway's IPs makes Microsoft 365 refuse mail that did not pass the gateway${gateway ? ` (${gateway.ip.ip} delivered this message)` : ''}.`;
  }
  return finish({
    id: 'lockdown-connector',
    title: 'Lock down: accept mail only from the gateway IPs',
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
    why,
    caveats,
    preChecks: mxPreCheck(f, options),
    rollback: rollback(name),
    verify: verify(f, options, omitted),
    omitted,
  });
}

/** TlsSenderCertificateName: options.certificateName, else the vendor host pattern of the gateway's name. */
function certificateName(f: Facts, options: RemedyOptions, k: RemedyKb, omitted: Omitted): { name: string; vendor?: string; derivedFrom?: string } | undefined {
  if (options.certificateName !== undefined) {
    const c = checkDomain(options.certificateName, { allowWildcard: true, what: 'certificate name' });
    if (c.ok) return { name: c.value };
    omitted.add(options.certificateName, `certificateName left out: ${c.reason}`);
  }
  const g = f.hasRelay ? f.connecting : undefined;
  if (!g || !g.host || !g.vendorId) return undefined;
  const hit = k.vendorHostPattern(g.host);
  if (!hit || hit.id !== g.vendorId || hit.weight !== 'strong' || !hit.pattern.startsWith('*.')) return undefined;
  const c = checkDomain(hit.pattern, { allowWildcard: true, what: 'certificate name' });
  if (!c.ok) return undefined;
  return { name: c.value, vendor: g.vendorName, derivedFrom: g.host };
}

export function lockdownCertificate(f: Facts, options: RemedyOptions, k: RemedyKb): Remedy | null {
  if (!applies(f)) return null;
  const omitted = new Omitted();
  const cert = certificateName(f, options, k, omitted);
  if (!cert) return null;
  const name = newConnectorName(options, omitted, DEFAULT_LOCKDOWN_NAME);
  const cmd = psCommand('New-InboundConnector', [
    ['Name', arg.str(name)],
    ['ConnectorType', arg.word('Partner')],
    ['SenderDomains', arg.str('*')],
    ['RequireTls', arg.bool(true)],
    ['RestrictDomainsToCertificate', arg.bool(true)],
    ['TlsSenderCertificateName', arg.str(cert.name)],
  ]);
  const header = ['Lock down: accept internet mail only from the gateway (Partner connector restricted to its TLS certificate)'];
  if (cert.derivedFrom) header.push(`Certificate name derived from the gateway host ${cert.derivedFrom}${cert.vendor ? ` (${cert.vendor})` : ''}`);
  const caveats = [
    `Confirm with ${cert.vendor ?? 'the vendor'} that its servers present a TLS certificate whose subject matches ${cert.name} when delivering to Microsoft 365; otherwise all mail through the gateway is rejected.`,
    ...commonCaveats(),
  ];
  // a certificate name guessed from host names is not a fact: a wrong one rejects every message
  // from the gateway (550 5.7.51), so only a name the user confirmed is recommended
  const recommended = options.certificateName !== undefined && !cert.derivedFrom && f.relaysConfirmed;
  return finish({
    id: 'lockdown-certificate',
    title: `Lock down: accept mail only from the gateway certificate ${cert.name}`,
    language: 'powershell',
    header,
    body: [cmd],
    parameters: {
      name,
      connectorType: 'Partner',
      senderDomains: ['*'],
      requireTls: true,
      restrictDomainsToCertificate: true,
      tlsSenderCertificateName: cert.name,
      derivedFrom: cert.derivedFrom ?? null,
    },
    recommended,
    why: cert.derivedFrom
      ? `Not recommended until the certificate subject is confirmed: ${cert.name} is derived from the gateway's host name ${cert.derivedFrom} (${cert.vendor ?? 'a known vendor'}), not read from its certificate. Ask the vendor which subject its servers present to Microsoft 365, then set it as the certificate name; a certificate restriction then covers every gateway node without listing IPs.`
      : `Uses the certificate name you gave (${cert.name}); covers every gateway node without listing IPs.`,
    caveats,
    preChecks: mxPreCheck(f, options),
    rollback: rollback(name),
    verify: verify(f, options, omitted),
    omitted,
  });
}
