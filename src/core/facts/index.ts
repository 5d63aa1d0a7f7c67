/**
 * Facts: who is who in one message, decided once and stored on the Analysis. Everything else
 * (rules, remedies, the CLI, compare, reports, the extension) reads these and re-derives none of
 * them.
 *
 * Two steps, because the rest of the pipeline needs the route before it can verify:
 *  - routeFacts (with the trace): the receiver (whoever wrote the newest Received), its entry and
 *    the connecting address anchored on what it recorded, relays of the recipient with their
 *    evidence, the original sender, intermediaries, organisation segments, non-linear routing;
 *  - concludeFacts (after verification): evidence only DNS can give (the recipient domain's MX),
 *    the Enhanced Filtering state, and the one verdict class of the message with its break hop.
 *
 * The trust model in one sentence: only the receiver's own lines and records, the recipient's DNS,
 * published vendor data and the user's settings can make a host a relay of the recipient; what the
 * sender wrote below the entry can lower confidence, never raise it.
 */
import type { Facts, HeaderField, Hop, HopWriter, AuthResultsHeader, ReceivedSpf, MicrosoftHeaders, TrustBoundary, Evidence, VendorMatch } from '../types';
import { findReceiver } from './receiver';
import { findRelays, type TrustedRelaysInput } from './relays';
import { buildSegments, findIntermediaries } from './segments';
import { findNonLinear } from './hybrid';
import { hopWriters, isEopOutboundIp } from './orgs';
import { normalizeHost, vendorInfo } from '../net/kb';

export { concludeFacts } from './conclude';
export { CONSUMER_TENANT_ID } from './receiver';
export type { TrustedRelaysInput } from './relays';

export interface RouteInput {
  hops: Hop[];
  fields: HeaderField[];
  authResults: Array<{ field: HeaderField; parsed: AuthResultsHeader }>;
  receivedSpf: Array<{ field: HeaderField; parsed: ReceivedSpf }>;
  microsoft: MicrosoftHeaders | null;
  recipients: string[];
  trustedRelays: TrustedRelaysInput;
  /** The organisation's domains from the settings (never guessed from the message). */
  receivingDomains: string[];
}

export interface RouteResult {
  facts: Facts;
  boundary: TrustBoundary;
  /** The receiver's own Authentication-Results / Received-SPF fields (its verdicts). */
  verdictFields: Set<number>;
  problems: Array<{ code: string; message: string; fieldIndex?: number }>;
}

const domainList = (xs: readonly string[]) =>
  [...new Set(xs.map((d) => (typeof d === 'string' ? normalizeHost(d.replace(/^\*\./, '')) : undefined)).filter((d): d is string => !!d && d.includes('.')))];

export function routeFacts(input: RouteInput): RouteResult {
  const { hops, fields } = input;
  const writers: HopWriter[] = hopWriters(hops);
  hops.forEach((h, i) => (h.writer = writers[i]));
  const rcv = findReceiver({ hops, writers, fields, authResults: input.authResults, receivedSpf: input.receivedSpf, microsoft: input.microsoft, recipients: input.recipients });
  const { receiver, entry } = rcv;
  const settings = domainList(input.receivingDomains);
  const ownDomains: Facts['ownDomains'] = settings.length
    ? { domains: settings, source: 'settings' }
    : receiver.acceptedDomains.length
      ? { domains: receiver.acceptedDomains, source: 'tenant' }
      : { domains: [], source: 'none' };

  const relayResult = findRelays({
    hops,
    writers,
    fields,
    receiver,
    entry,
    microsoft: input.microsoft,
    trustedRelays: input.trustedRelays,
    ownDomains: ownDomains.domains,
  });
  const nonLinear = findNonLinear({ hops, writers, fields, receiver, entryHopIndex: entry.hopIndex, stoppedAtMicrosoft: relayResult.stoppedAtMicrosoft });
  let originalSender = relayResult.originalSender;
  const reasoning = [...rcv.reasoning, ...relayResult.reasoning];
  if (nonLinear) {
    const h = hops[nonLinear.firstEntryHopIndex];
    originalSender = { hopIndex: nonLinear.firstEntryHopIndex, ip: h.from.ip ?? null, host: h.from.rdns ?? h.from.helo ?? null };
    reasoning.push(
      `The message passed Exchange Online twice: it entered at hop ${nonLinear.firstEntryHopIndex + 1} from ${h.from.ip ?? '?'}, left for ${nonLinear.outsideHost} and came back at hop ${nonLinear.backHopIndex + 1} (shown by ${nonLinear.sameTenant}). That is non-linear routing.`,
    );
  } else if (relayResult.stoppedAtMicrosoft !== null) {
    reasoning.push(`The relays received the message from a Microsoft 365 outbound address (hop ${relayResult.stoppedAtMicrosoft + 1}): it came from another Microsoft 365 tenant.`);
  }
  const E = entry.hopIndex;
  const senderTenant =
    E !== null && !relayResult.relays.length && isEopOutboundIp(hops[E].from.ip)
      ? { hopIndex: E, tenantId: tenantOtherThan(input.microsoft, receiver.tenantId) }
      : relayResult.stoppedAtMicrosoft !== null && !nonLinear
        ? { hopIndex: relayResult.stoppedAtMicrosoft, tenantId: null }
        : null;
  if (senderTenant && E !== null && senderTenant.hopIndex === E) {
    reasoning.push(`The connecting address ${hops[E].from.ip} is Microsoft 365's outbound: the sender is another Microsoft 365 tenant, and the hops below the entry are that tenant's.`);
  }
  const lowest = Math.min(E ?? hops.length, ...relayResult.relayHops);
  const intermediaries = findIntermediaries(hops, writers, fields, lowest);
  for (const x of intermediaries) reasoning.push(`The message was re-sent by ${x.detail}: for the receiver, that ${x.kind === 'mailing-list' ? 'list' : 'forwarder'} is the sender of record.`);
  const segments = buildSegments(
    { hops, writers, fields, receiver, entryHopIndex: E, relays: relayResult.relays, relayHops: relayResult.relayHops, microsoft: input.microsoft, nonLinear },
    intermediaries,
  );

  // ---- hop roles and vendor labels (what the tree and the reports show)
  for (let i = 0; i < hops.length; i++) {
    const h = hops[i];
    const wk = writers[i].kind;
    h.byOperator = wk === 'unknown' ? 'other' : wk;
    if (E !== null && i > E) h.role = 'receiver-internal';
    else if (E !== null && i === E) h.role = 'receiver-edge';
    else if (relayResult.relayHops.includes(i)) h.role = 'gateway';
    else if (E === null) h.role = i === 0 ? 'origin' : 'unknown';
    else h.role = i === 0 ? 'origin' : 'sender-internal';
  }
  if (nonLinear) {
    // the first pass through the same tenant: its entry and its own lines
    hops[nonLinear.firstEntryHopIndex].role = 'receiver-edge';
    for (let i = nonLinear.firstEntryHopIndex + 1; i < nonLinear.leftHopIndex; i++) hops[i].role = 'receiver-internal';
  }
  const vendors: VendorMatch[] = [];
  for (const r of relayResult.relays) {
    if (!r.vendor) continue;
    const match: VendorMatch = {
      id: r.vendor.id,
      name: vendorInfo(r.vendor.id)?.name ?? r.vendor.name,
      signals: r.evidence.map((e) => ({ kind: e.kind === 'vendor-range' ? ('ip-range' as const) : e.kind === 'receiver-ptr' ? ('rdns' as const) : ('header' as const), detail: e.detail })),
      confidence: 'strong',
    };
    hops[r.hopIndex].vendor = match;
    for (const j of relayResult.relayHops) if (j < r.hopIndex && !hops[j].vendor && writers[j].vendorId === r.vendor.id) hops[j].vendor = match;
    if (!vendors.some((v) => v.id === match.id)) vendors.push(match);
  }
  if (E !== null && !relayResult.relays.length && !relayResult.senderGateway && hops[E].from.helo) {
    // a HELO that names a vendor nothing else confirms: kept as a weak label for the direct-delivery
    // finding (not when the receiver's own records name the vendor and the host is the sender's gateway)
    const helo = normalizeHost(hops[E].from.helo);
    const w = helo ? hopWriters([{ ...hops[E], by: { host: helo } }])[0] : undefined;
    if (w?.vendorId) hops[E].vendor = { id: w.vendorId, name: vendorInfo(w.vendorId)?.name ?? w.name, signals: [{ kind: 'helo', detail: `HELO ${helo} (claimed by the client, not proven)` }], confidence: 'weak' };
  }

  const facts: Facts = {
    receiver,
    entry,
    segments,
    relays: relayResult.relays,
    originalSender,
    senderTenant,
    intermediaries,
    nonLinear,
    ownDomains,
    efc: { state: 'not-applicable', recoveredIp: null, why: '', evidence: [] },
    verdict: { class: 'unknown', kind: null, summary: 'Not judged yet.', breakHopIndex: null, brokenBy: null, reasons: [], evidence: [] },
    reasoning,
  };
  const relayIps: string[] = [];
  for (const r of relayResult.relays) if (r.ip && !relayIps.includes(r.ip)) relayIps.push(r.ip);
  const evidence: Evidence[] = entry.records.filter((r) => r.agrees).map((r) => r.evidence);
  if (E !== null) {
    const f = fields.find((x) => x.index === hops[E].fieldIndex);
    if (f) evidence.push({ header: f.name, fieldIndex: f.index, lines: { ...f.lines }, note: 'receiver took the message here' });
  }
  const boundary: TrustBoundary = {
    receiver: receiver.kind,
    receiverName: receiver.name,
    entryHopIndex: E,
    connectingIp: entry.connectingIp,
    connectingHelo: entry.connectingHelo,
    relayHopIndexes: relayResult.relayHops,
    relayIps,
    originalSenderIp: originalSender?.ip ?? null,
    originalSenderHopIndex: originalSender?.hopIndex ?? null,
    reasoning,
    evidence,
  };
  const problems: RouteResult['problems'] = [];
  if (entry.problem) problems.push({ code: 'entry-not-confirmed', message: entry.problem, fieldIndex: E !== null ? hops[E].fieldIndex : undefined });
  return { facts, boundary, verdictFields: rcv.verdictFields, problems };
}

/** The sender tenant's id, when a header names a tenant other than the receiver's. */
function tenantOtherThan(ms: MicrosoftHeaders | null, receiverTenant: string | null): string | null {
  const t = ms?.crossTenantConnecting?.tenantId?.toLowerCase();
  return t && t !== receiverTenant ? t : null;
}
