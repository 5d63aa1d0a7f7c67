/**
 * Attach every authentication-related header to the hop that wrote it, and decide how much it
 * can be trusted.
 *
 * Attribution, strongest signal first: the writer's identity (authserv-id, ARC sealer d=,
 * Received-SPF receiver, DKIM d=) matched to a hop's host, vendor or operator; otherwise position
 * (headers are prepended, so a stamp belongs near the Received field of the host that added it).
 *
 * Trust (RFC 8601 §5): only the receiving system's own results are verdicts. Results written
 * further down are claims. A result that carries the receiver's identity but sits below the trust
 * boundary cannot have been written by the receiver: it is flagged as forged.
 */
import type { AuthStamp, AuthSummary, Hop, HeaderField, TrustBoundary, AuthResultsHeader, ReceivedSpf, DkimSignatureInfo, ArcSetInfo, MicrosoftHeaders } from '../types';
import { summarizeAuthResults } from '../parse/auth-results';
import { classifyHostOperator, vendorByArcSealer, vendorByAuthservId } from '../net/kb';

export interface StampInput {
  hops: Hop[];
  boundary: TrustBoundary;
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
  // The lowest position a receiver stamp may have: above the Received field of the hop before the
  // entry (Gmail and Postfix put their results just below their own Received; EOP puts them above).
  // With no older hop, EOP's own results still sit above its entry Received (it never writes below it).
  const limitField =
    entry !== null
      ? entry > 0
        ? hops[entry - 1].fieldIndex
        : boundary.receiver === 'exchange-online' && hops[entry]
          ? hops[entry].fieldIndex
          : Number.POSITIVE_INFINITY
      : null;

  const isReceiverId = (id: string | null): boolean => {
    if (id === null) return boundary.receiver === 'exchange-online';
    const d = norm(id);
    if (trustedIds.has(d)) return true;
    if (boundary.receiver === 'gmail') return d === 'mx.google.com' || d === 'google.com';
    if (boundary.receiver === 'exchange-online') return d === 'mx.microsoft.com' || d.endsWith('.protection.outlook.com') || d === 'protection.outlook.com';
    return false;
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

  const push = (kind: Kind, field: { index: number; lines: AuthStamp['lines'] }, writer: string | null, summary: AuthSummary, hopIndex: number | null, receiverClaim: boolean, instance?: number) => {
    let trust: AuthStamp['trust'] = 'claim';
    // Skip-listing headers sit with EOP's organisation headers, anywhere in the block: position says nothing.
    const positionless = kind === 'skip-listed' || kind === 'external-original';
    if (receiverClaim && receiverOp) {
      if (!positionless && limitField !== null && field.index > limitField) trust = 'forged';
      else trust = 'verdict';
    } else if (receiverClaim && !receiverOp && trustedIds.size) {
      trust = 'verdict';
    }
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
    push(kind, field, writer, summarizeAuthResults(parsed), hop, receiverClaim, parsed.instance);
    // A gateway's results in a message that never passed that gateway cannot be genuine.
    if (!receiverClaim && id && entry !== null) {
      const vendor = vendorByAuthservId(id);
      if (vendor && !hops.some((h) => h.role === 'gateway' && h.vendor?.id === vendor.id && h.vendor.confidence === 'strong')) {
        stamps[stamps.length - 1].trust = 'forged';
      }
    }
  }

  for (const { field, parsed } of input.receivedSpf) {
    const writer = parsed.receiver ?? receiverFromComment(parsed.comment);
    const receiverClaim = !!writer && isReceiverId(writer);
    let hop = receiverClaim && entry !== null ? entry : writer ? hopByWriter(writer, field.index) : null;
    if (hop === null) hop = hopBelow(hops, field.index) ?? hopAbove(hops, field.index);
    push('received-spf', field, writer ?? null, { spf: parsed.result.toLowerCase() }, hop, receiverClaim);
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
