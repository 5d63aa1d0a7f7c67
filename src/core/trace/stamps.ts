/**
 * Attach every authentication-related header to the hop that wrote it, and decide how much it
 * can be trusted.
 *
 * Attribution, strongest signal first: the writer's identity (authserv-id, ARC sealer d=,
 * Received-SPF receiver, DKIM d=) matched to a hop's host, vendor or operator; otherwise position
 * (headers are prepended, so a stamp belongs near the Received field of the host that added it).
 *
 * Trust (RFC 8601 §5): only the receiver's own results are verdicts: the ones the facts step found
 * next to its entry, and anything above its entry line (only the receiver writes there). Results
 * written further down are claims, even when they name Microsoft, Google or a gateway: a sending
 * tenant's own Exchange Online results, a forwarder's Gmail results. A result is forged only when
 * its writer cannot have written it: it names the receiver (or a gateway vendor) and sits below
 * every line that operator wrote on the route.
 */
import type { AuthStamp, AuthSummary, Facts, Hop, HeaderField, TrustBoundary, AuthResultsHeader, ReceivedSpf, DkimSignatureInfo, ArcSetInfo, MicrosoftHeaders } from '../types';
import { summarizeAuthResults } from '../parse/auth-results';
import { classifyHostOperator, lookupProviderByIp, vendorByArcSealer, vendorByAuthservId } from '../net/kb';

export interface StampInput {
  hops: Hop[];
  boundary: TrustBoundary;
  facts: Facts;
  /** The receiver's own Authentication-Results / Received-SPF fields, found by the facts step. */
  verdictFields: Set<number>;
  authResults: Array<{ field: HeaderField; parsed: AuthResultsHeader }>;
  receivedSpf: Array<{ field: HeaderField; parsed: ReceivedSpf }>;
  dkim: DkimSignatureInfo[];
  arcSets: ArcSetInfo[];
  microsoft: MicrosoftHeaders | null;
  /** Extra authserv-ids whose results the user trusts as the receiver's. */
  trustedAuthservIds: string[];
}

const norm = (s: string | undefined | null) => (s ?? '').toLowerCase().replace(/\.$/, '');

function hostMatches(host: string | undefined, id: string): boolean {
  const h = norm(host);
  const d = norm(id);
  if (!h || !d) return false;
  return h === d || h.endsWith(`.${d}`) || d.endsWith(`.${h}`);
}

/** The hop index whose Received field is the nearest one below (older than) field index k. */
function hopBelow(hops: Hop[], fieldIndex: number): number | null {
  let best: Hop | null = null;
  for (const h of hops) {
    if (h.fieldIndex > fieldIndex && (!best || h.fieldIndex < best.fieldIndex)) best = h;
  }
  return best ? best.index : null;
}

/** The hop whose Received field is the nearest one above (newer than) field index k. */
function hopAbove(hops: Hop[], fieldIndex: number): number | null {
  let best: Hop | null = null;
  for (const h of hops) {
    if (h.fieldIndex < fieldIndex && (!best || h.fieldIndex > best.fieldIndex)) best = h;
  }
  return best ? best.index : null;
}

type Kind = AuthStamp['kind'];

export function attachStamps(input: StampInput): AuthStamp[] {
  const { hops, boundary } = input;
  const stamps: AuthStamp[] = [];
  const entry = boundary.entryHopIndex;
  const receiverOp = boundary.receiver === 'exchange-online' ? 'microsoft365' : boundary.receiver === 'gmail' ? 'google' : null;
  const trustedIds = new Set(input.trustedAuthservIds.map(norm));
  // Lines above the entry are the receiver's own; so is the span down to the next older Received
  // (Gmail and Postfix write their results just below their own Received line).
  const entryField = entry !== null ? hops[entry].fieldIndex : null;
  const spanEnd = entry !== null ? (entry > 0 ? hops[entry - 1].fieldIndex : Number.POSITIVE_INFINITY) : null;
  const aboveEntry = (fieldIndex: number) => entryField !== null && fieldIndex < entryField;
  const inReceiverSpan = (fieldIndex: number) => spanEnd !== null && fieldIndex < spanEnd;

  const isReceiverId = (id: string | null): boolean => {
    if (id === null) return boundary.receiver === 'exchange-online';
    const d = norm(id);
    if (trustedIds.has(d)) return true;
    if (boundary.receiver === 'gmail') return d === 'mx.google.com' || d === 'google.com';
    if (boundary.receiver === 'exchange-online') return d === 'mx.microsoft.com' || d.endsWith('.protection.outlook.com') || d === 'protection.outlook.com';
    return false;
  };
  /** The operator an identity names (EOP's id-less form is Microsoft's). */
  const operatorOfId = (id: string | null): 'microsoft365' | 'google' | null => {
    if (id === null) return 'microsoft365';
    const d = norm(id);
    if (d === 'mx.microsoft.com' || d === 'protection.outlook.com' || d.endsWith('.protection.outlook.com')) return 'microsoft365';
    if (d === 'mx.google.com' || d === 'google.com' || d === 'gmr-mx.google.com') return 'google';
    return null;
  };
  /**
   * Could the named operator have written this stamp? The receiver's own identity below its span
   * only if the receiver's operator also handled the message before (a line it wrote below the
   * entry, or the entry's connection coming from its addresses: another tenant, a forwarder); any
   * other operator if it appears anywhere on the route (its lines, or a connection from its
   * addresses), since a sender's own systems write results above, below or without Received lines.
   */
  const ownsIp = (op: string, ip: string | undefined): boolean => {
    if (!ip) return false;
    const p = lookupProviderByIp(ip)?.id;
    return p === op;
  };
  const operatorBelow = (op: string, _fieldIndex: number): boolean => {
    const receiverOwn = op === receiverOp;
    const candidates = receiverOwn && entry !== null ? hops.slice(0, entry + 1) : hops;
    // another Microsoft 365 tenant sent the message (its outbound address is what the receiver, or
    // the relay in front of it, recorded): everything below that hand-over is the sender tenant's
    const st = input.facts.senderTenant;
    if (op === 'microsoft365' && st && hops[st.hopIndex] && _fieldIndex > hops[st.hopIndex].fieldIndex) return true;
    return candidates.some((h, i) => (h.writer?.org === op && !(receiverOwn && i === entry)) || ownsIp(op, h.from.ip));
  };

  /** Find the hop written by the given identity (authserv-id / sealer / receiver host). */
  const hopByWriter = (writer: string, fieldIndex: number): number | null => {
    const w = norm(writer);
    if (!w) return null;
    // receiver identities → entry hop
    if (entry !== null && isReceiverId(w)) return entry;
    const vendor = vendorByAuthservId(w) ?? vendorByArcSealer(w);
    const op = classifyHostOperator(w);
    // nearest matching hop below the stamp first, then any
    const ordered = [...hops].sort((a, b) => Math.abs(a.fieldIndex - fieldIndex) - Math.abs(b.fieldIndex - fieldIndex));
    for (const h of ordered) {
      if (hostMatches(h.by.host, w)) return h.index;
    }
    if (vendor) {
      const h = ordered.find((x) => x.vendor?.id === vendor.id && x.role === 'gateway');
      if (h) return h.index;
      const h2 = ordered.find((x) => x.vendor?.id === vendor.id);
      if (h2) return h2.index;
    }
    if (op === 'microsoft365' || op === 'google') {
      const h = ordered.find((x) => x.byOperator === op);
      if (h) return h.index;
    }
    return null;
  };

  /**
   * verdict: the receiver's own; forged: names an operator that wrote nothing at or below it;
   * claim: everything else.
   */
  const trustOf = (kind: Kind, fieldIndex: number, writerId: string | null | undefined, receiverClaim: boolean): AuthStamp['trust'] => {
    if (kind === 'skip-listed' || kind === 'external-original') return receiverClaim ? 'verdict' : 'claim';
    if (input.verdictFields.has(fieldIndex)) return 'verdict';
    // non-linear routing: the first pass through the same tenant left its own verdict below the
    // hop where the message left Exchange Online
    const nl = input.facts.nonLinear;
    if (nl && receiverOp === 'microsoft365' && operatorOfId(writerId ?? null) === 'microsoft365' && kind !== 'authentication-results-original') {
      if (fieldIndex > hops[nl.leftHopIndex].fieldIndex && fieldIndex < hops[nl.firstEntryHopIndex].fieldIndex) return 'verdict';
    }
    const renamed = kind === 'authentication-results-original';
    if (!renamed && receiverOp && aboveEntry(fieldIndex) && kind !== 'dkim-signature') return 'verdict';
    if (!renamed && writerId && trustedIds.has(norm(writerId)) && inReceiverSpan(fieldIndex)) return 'verdict';
    if (writerId === undefined || kind === 'dkim-signature' || kind === 'arc-seal' || kind === 'arc-message-signature') return 'claim';
    // only a known receiver can tell what it could not have written (another receiver keeps other
    // systems' results as they came); and only Authentication-Results has Exchange Online's id-less form
    if (!receiverOp) return 'claim';
    if (writerId === null && kind === 'arc-authentication-results') return 'claim';
    // a renamed field keeps its writer's identity: Google's or Microsoft's name on it is checked like any other
    const op = operatorOfId(writerId);
    if (op && !operatorBelow(op, fieldIndex)) return 'forged';
    if (!op && writerId) {
      const vendor = vendorByAuthservId(writerId);
      if (vendor && !hops.some((h) => h.writer?.org === `vendor:${vendor.id}`)) return 'forged';
    }
    return 'claim';
  };

  const push = (kind: Kind, field: { index: number; lines: AuthStamp['lines'] }, writer: string | null, summary: AuthSummary, hopIndex: number | null, receiverClaim: boolean, instance?: number, writerId?: string | null) => {
    const trust = trustOf(kind, field.index, writerId, receiverClaim);
    const s: AuthStamp = { kind, fieldIndex: field.index, lines: field.lines, hopIndex, writer, trust, summary };
    if (instance !== undefined) s.instance = instance;
    stamps.push(s);
    if (hopIndex !== null && hops[hopIndex]) hops[hopIndex].stamps.push(s);
  };

  for (const { field, parsed } of input.authResults) {
    const kind: Kind =
      field.key === 'authentication-results'
        ? 'authentication-results'
        : field.key === 'arc-authentication-results'
          ? 'arc-authentication-results'
          : field.key === 'x-ms-exchange-authentication-results'
            ? 'x-ms-exchange-authentication-results'
            : 'authentication-results-original';
    const id = parsed.authservId;
    const receiverClaim = kind !== 'authentication-results-original' && isReceiverId(id);
    let hop = receiverClaim && entry !== null ? entry : id ? hopByWriter(id, field.index) : null;
    if (hop === null) hop = hopBelow(hops, field.index) ?? hopAbove(hops, field.index);
    const writer = id ?? (kind === 'authentication-results' || kind === 'x-ms-exchange-authentication-results' ? 'Exchange Online' : null);
    const writerId = kind === 'authentication-results' || kind === 'x-ms-exchange-authentication-results' || kind === 'arc-authentication-results' ? id : id ?? undefined;
    push(kind, field, writer, summarizeAuthResults(parsed), hop, receiverClaim, parsed.instance, writerId);
  }

  for (const { field, parsed } of input.receivedSpf) {
    const writer = parsed.receiver ?? receiverFromComment(parsed.comment);
    const receiverClaim = !!writer && isReceiverId(writer);
    let hop = receiverClaim && entry !== null ? entry : writer ? hopByWriter(writer, field.index) : null;
    if (hop === null) hop = hopBelow(hops, field.index) ?? hopAbove(hops, field.index);
    push('received-spf', field, writer ?? null, { spf: parsed.result.toLowerCase() }, hop, receiverClaim, undefined, writer ?? undefined);
  }

  for (const set of input.arcSets) {
    const sealer = set.seal?.domain ?? set.messageSignature?.domain ?? null;
    const receiverSealer = !!sealer && ((boundary.receiver === 'exchange-online' && norm(sealer) === 'microsoft.com') || (boundary.receiver === 'gmail' && norm(sealer) === 'google.com'));
    const anchor = set.seal ?? set.messageSignature;
    if (!anchor) continue;
    let hop = receiverSealer && entry !== null ? entry : sealer ? hopByWriter(sealer, anchor.fieldIndex) : null;
    if (hop === null) hop = hopBelow(hops, anchor.fieldIndex) ?? hopAbove(hops, anchor.fieldIndex);
    if (set.seal) push('arc-seal', { index: set.seal.fieldIndex, lines: set.seal.lines }, sealer, { arc: set.seal.cv }, hop, false, set.instance);
    if (set.messageSignature) push('arc-message-signature', { index: set.messageSignature.fieldIndex, lines: set.messageSignature.lines }, sealer, {}, hop, false, set.instance);
  }

  for (const sig of input.dkim) {
    const d = sig.domain ?? null;
    let hop: number | null = null;
    if (d) {
      // a gateway re-signing → its hop; otherwise the sender's oldest hop
      const byWriter = hopByWriter(d, sig.fieldIndex);
      hop = byWriter !== null && hops[byWriter]?.role === 'gateway' ? byWriter : null;
    }
    if (hop === null) hop = hopBelow(hops, sig.fieldIndex);
    push('dkim-signature', { index: sig.fieldIndex, lines: sig.lines }, d, {}, hop, false);
  }

  const ms = input.microsoft;
  if (ms?.skipListed) push('skip-listed', { index: ms.skipListed.fieldIndex, lines: ms.skipListed.lines }, 'Exchange Online', {}, entry, boundary.receiver === 'exchange-online');
  if (ms?.externalOriginal) push('external-original', { index: ms.externalOriginal.fieldIndex, lines: ms.externalOriginal.lines }, 'Exchange Online', {}, entry, boundary.receiver === 'exchange-online');

  stamps.sort((a, b) => a.fieldIndex - b.fieldIndex);
  return stamps;
}

function receiverFromComment(comment: string | undefined): string | undefined {
  if (!comment) return undefined;
  const colon = comment.indexOf(':');
  if (colon <= 0 || colon > 100) return undefined;
  const host = comment.slice(0, colon).trim();
  return /^[A-Za-z0-9.-]+$/.test(host) ? host : undefined;
}
