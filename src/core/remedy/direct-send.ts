/**
 * Reject Direct Send (Microsoft Exchange Team Blog, "Introducing more control over Direct Send in
 * Exchange Online", 2025-04-28): Set-OrganizationConfig -RejectDirectSend $true refuses anonymous
 * messages whose envelope sender (P1 MAIL FROM) is one of the tenant's accepted domains, with
 * "550 5.7.68 TenantInboundAttribution; Direct Send not allowed for this organization from
 * unauthorized sources". Legitimate senders keep working through a partner connector.
 *
 * Offered when the message has Direct Send's shape (a device, an application or an outsider sent
 * to the tenant's MX with the organisation's own MAIL FROM domain, no connector, internal
 * recipients): recommended when nothing shows the sender is the organisation's own; when it is (a
 * device or application), it needs its connector first.
 */
import type { Remedy } from '../types';
import { arg, psCommand } from './powershell';
import { directSendShape, type Facts, senderIpVouched } from './facts';
import { finish, Omitted, remedyTitleWords } from './draft';
import { tenantMxHost } from './tenant';
import type { RemedyKb } from './kb-port';
import { say } from './say';
import type { RemedyOptions } from './options';

export const PRECHECK_DIRECT_SEND = 'Get-OrganizationConfig | Format-List RejectDirectSend';

export function rejectDirectSend(f: Facts, options: RemedyOptions, k: RemedyKb): Remedy | null {
  const shape = directSendShape(f, k);
  if (!shape) return null;
  const omitted = new Omitted();
  const mx = tenantMxHost(f.analysis, options, omitted, f.cloud);
  const device = f.findingIds.has('relay-device-spf');
  const compauth = f.analysis.microsoft?.compauth;
  const reason = compauth?.result?.toLowerCase() === 'fail' && typeof compauth.reason === 'string' && /^\d{3}$/.test(compauth.reason) ? compauth.reason : undefined;
  // the address of a message nobody vouched for (a likely phish) is named in the explanation only
  const vouched = senderIpVouched(f, options);
  const header = [
    say('directSend.header'),
    vouched ? say('directSend.header.message', { ip: shape.ip.ip, domain: shape.domain }) : say('directSend.header.messageAnonymous', { domain: shape.domain }),
  ];
  if (reason) header.push(say('directSend.header.compauth', { reason }));
  const cmd = psCommand('Set-OrganizationConfig', [['RejectDirectSend', arg.bool(true)]]);
  const caveats = [
    device
      ? say('directSend.caveat.deviceFirst', { ip: shape.ip.ip, connector: remedyTitleWords('device-relay-connector') })
      : say('directSend.caveat.legitimateSenders'),
    say('directSend.caveat.envelopeOnly'),
    say('directSend.caveat.tenantWide'),
  ];
  return finish({
    id: 'reject-direct-send',
    title: say('directSend.title'),
    language: 'powershell',
    header,
    body: [cmd],
    parameters: { rejectDirectSend: true, ...(vouched ? { sendingIp: shape.ip.ip } : {}), mailFromDomain: shape.domain, compauthReason: reason ?? null },
    recommended: !device,
    fit: device ? 'confirm-first' : 'recommended',
    why: device ? say('directSend.why.device', { ip: shape.ip.ip, domain: shape.domain }) : say('directSend.why.spoof', { ip: shape.ip.ip, domain: shape.domain }),
    caveats,
    preChecks: [PRECHECK_DIRECT_SEND],
    rollback: [psCommand('Set-OrganizationConfig', [['RejectDirectSend', arg.bool(false)]])],
    verify: [say('directSend.verify.refused', { mx: mx.host, domain: shape.domain }), say('directSend.verify.legitimate')],
    omitted,
  });
}
