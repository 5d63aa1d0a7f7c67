/**
 * The one place the corpus run reads the engine's route judgement. Everything the invariants
 * compare against the ground truth comes through routeOf(): when the route/trust model moves (for
 * example to a facts step), only this adapter is repointed.
 *
 * The engine's answers live in `analysis.facts` (receiver, entry, relays, segments) and
 * `analysis.hops[i].vendor` / `.writer` / `.segment`.
 */
import type { Analysis } from '../../src/core/types';

export type HopSide = 'recipient' | 'sender' | 'unknown';

export interface RouteView {
  /** 'exchange-online' | 'gmail' | 'other' | 'unknown' (the engine's word). */
  receiverKind: string;
  /** A host or product name for the receiver, when the engine gives one. */
  receiverName: string | null;
  /** The connecting IP the engine says the receiver evaluated. */
  connectingIp: string | null;
  /** True / false when the engine decides whether the mailbox is a consumer one; null when it does not say. */
  consumer: boolean | null;
  /** Public IPs of the relays in front of the receiver. */
  relayIps: string[];
  entryHopIndex: number | null;
  /** Hops the engine labelled with a gateway vendor, with the side of the route it puts them on (null: not said). */
  vendorHops: Array<{ hopIndex: number; vendorId: string; vendorName: string; confidence: string; side: HopSide | null }>;
}

function sideOfSegment(a: Analysis, hopIndex: number): HopSide {
  const seg = a.hops[hopIndex]?.segment;
  const role = seg !== undefined ? a.facts.segments[seg]?.role : undefined;
  if (role === 'recipient' || role === 'recipient-gateway') return 'recipient';
  if (role === 'sender' || role === 'intermediary') return 'sender';
  return 'unknown';
}

export function routeOf(a: Analysis): RouteView {
  const f = a.facts;
  const vendorHops: RouteView['vendorHops'] = [];
  for (const h of a.hops) {
    // a relay of the recipient named by its vendor, or a hop a vendor's host wrote (either side)
    const id = h.vendor && h.vendor.confidence === 'strong' ? h.vendor.id : h.writer?.vendorId;
    if (!id) continue;
    const name = h.vendor && h.vendor.confidence === 'strong' ? h.vendor.name : h.writer!.name;
    vendorHops.push({ hopIndex: h.index, vendorId: id, vendorName: name, confidence: h.vendor?.confidence ?? 'writer', side: sideOfSegment(a, h.index) });
  }
  return {
    receiverKind: f.receiver.kind,
    receiverName: f.receiver.name,
    // what the receiver evaluated: the connecting address, or the one its gateway setting or
    // Enhanced Filtering skipped to (its own records name that one)
    connectingIp: f.entry.evaluatedIp ?? f.entry.connectingIp,
    consumer: f.receiver.kind === 'exchange-online' || f.receiver.kind === 'gmail' ? f.receiver.consumer : null,
    relayIps: f.relays.map((r) => r.ip).filter((x): x is string => !!x),
    entryHopIndex: f.entry.hopIndex,
    vendorHops,
  };
}
