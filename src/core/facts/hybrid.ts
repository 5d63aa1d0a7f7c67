/**
 * Non-linear routing: Exchange Online took the message from the internet, handed it to the
 * organisation's own servers outside Microsoft 365 (on-premises), and took it back into the same
 * tenant. Enhanced Filtering for Connectors is not supported for that route (Microsoft Learn,
 * "Enhanced Filtering for Connectors in Exchange Online"), and a Microsoft 365 outbound address is
 * then never the original sender: the internet host of the first pass is.
 *
 * Two passes through one tenant are told apart from tenant-to-tenant mail (another organisation's
 * Microsoft 365 sending to this one) by what only the same tenant leaves: the cross-premises copies
 * of its organisation headers (X-MS-Exchange-CrossPremises-*, X-OrganizationHeadersPreserved) that
 * Exchange Online writes when it hands a message to the organisation's on-premises servers, or the
 * receiving tenant's id recorded on the first pass as well.
 */
import type { HeaderField, Hop, HopWriter, NonLinearFacts, ReceiverFacts } from '../types';
import { isPublicIp } from '../net/ip';
import { isEopOutboundIp, isMicrosoftInternalIp } from './orgs';

export interface NonLinearInput {
  hops: Hop[];
  writers: HopWriter[];
  fields: HeaderField[];
  receiver: ReceiverFacts;
  entryHopIndex: number | null;
  /** The relay line whose sending side is a Microsoft 365 outbound address (relays.ts), if the walk stopped there. */
  stoppedAtMicrosoft: number | null;
}

const FE_INBOUND = /\.mail\.protection\.(outlook\.com|office365\.us|partner\.outlook\.cn)\.?$/i;

/** What shows that the earlier pass went through the receiving tenant itself; null when nothing does. */
function sameTenantSign(fields: HeaderField[], receiver: ReceiverFacts, below: number): string | null {
  const cp = fields.find((f) => f.key.startsWith('x-ms-exchange-crosspremises-') || f.key === 'x-organizationheaderspreserved');
  if (cp) return `${cp.name} (Exchange Online's copy of the tenant's organisation headers for its on-premises servers)`;
  if (receiver.tenantId) {
    const t = receiver.tenantId.toLowerCase();
    const earlier = fields.filter(
      (f) =>
        (f.key === 'x-ms-exchange-crosstenant-id' || f.key === 'x-eoptenantattributedmessage' || f.key === 'x-ms-exchange-crosstenant-originalattributedtenantconnectingip') &&
        f.unfolded.toLowerCase().includes(t),
    );
    // the receiver writes one of each; a second one (or one above the first pass) is the first pass's
    const counts = new Map<string, number>();
    for (const f of earlier) counts.set(f.key, (counts.get(f.key) ?? 0) + 1);
    for (const [k, n] of counts) if (n > 1) return `${k === 'x-ms-exchange-crosstenant-id' ? 'X-MS-Exchange-CrossTenant-Id' : k} names the receiving tenant ${t} on both passes`;
    void below;
  }
  return null;
}

export function findNonLinear(input: NonLinearInput): NonLinearFacts | null {
  const { hops, writers, receiver } = input;
  const E = input.entryHopIndex;
  const left = input.stoppedAtMicrosoft;
  if (receiver.kind !== 'exchange-online' || E === null || left === null) return null;
  // an earlier inbound pass: Exchange Online's front end took the message from an internet host
  let first = -1;
  for (let j = left - 1; j >= 0; j--) {
    const h = hops[j];
    if (writers[j].kind !== 'microsoft365') continue;
    if (!FE_INBOUND.test(h.by.host ?? '')) continue;
    const ip = h.from.ip;
    if (ip && isPublicIp(ip) && !isEopOutboundIp(ip) && !isMicrosoftInternalIp(ip)) {
      first = j;
      break;
    }
  }
  if (first < 0) return null;
  const sign = sameTenantSign(input.fields, receiver, hops[left].fieldIndex);
  if (!sign) return null;
  return {
    firstEntryHopIndex: first,
    leftHopIndex: left,
    backHopIndex: E,
    outsideHost: hops[left].by.host ?? hops[E].from.helo ?? '?',
    sameTenant: sign,
  };
}
