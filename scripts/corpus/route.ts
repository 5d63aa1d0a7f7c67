/**
 * The one place the corpus run reads the engine's route judgement. Everything the invariants
 * compare against the ground truth comes through routeOf(): when the route/trust model moves (for
 * example to a facts step), only this adapter is repointed.
 *
 * Today the engine's answers live in `analysis.boundary` (receiver, connecting IP, relays,
 * entry hop) and `analysis.hops[i].vendor` / `.role`.
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

function sideOfRole(role: string | undefined): HopSide | null {
  switch (role) {
    case 'gateway':
    case 'receiver-edge':
    case 'receiver-internal':
      return 'recipient';
    case 'origin':
    case 'sender-internal':
      return 'sender';
    case 'unknown':
      return 'unknown';
    default:
      return null;
  }
}

export function routeOf(a: Analysis): RouteView {
  const b = a.boundary;
  const consumer = (b as unknown as { consumer?: unknown }).consumer;
  return {
    receiverKind: b.receiver,
    receiverName: b.receiverName,
    connectingIp: b.connectingIp,
    consumer: typeof consumer === 'boolean' ? consumer : null,
    relayIps: [...b.relayIps],
    entryHopIndex: b.entryHopIndex,
    vendorHops: a.hops
      .filter((h) => !!h.vendor)
      .map((h) => ({ hopIndex: h.index, vendorId: h.vendor!.id, vendorName: h.vendor!.name, confidence: h.vendor!.confidence, side: sideOfRole(h.role) })),
  };
}
