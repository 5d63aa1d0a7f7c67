/**
 * Organisations along the path: consecutive hops written by one organisation form a segment, and
 * each segment gets its role for this message:
 *
 *   recipient           the receiver's own lines (from its entry up);
 *   recipient-gateway   lines written by established relays of the recipient;
 *   intermediary        a mailing list or a forwarder that re-sent the message (the sender of
 *                       record for the receiver), with the hops after it;
 *   sender              everything else below: the sender's organisation, including its own
 *                       Microsoft 365 tenant or outbound gateway. Written before the receiver had
 *                       the message, so it is the sender's word (trust "claimed").
 */
import type { Evidence, HeaderField, Hop, HopWriter, Intermediary, MicrosoftHeaders, NonLinearFacts, ReceiverFacts, RelayFact, Segment } from '../types';
import { normalizeHost } from '../net/kb';
import { isEopOutboundIp, registeredDomain } from './orgs';

export interface SegmentInput {
  hops: Hop[];
  writers: HopWriter[];
  fields: HeaderField[];
  receiver: ReceiverFacts;
  entryHopIndex: number | null;
  relays: RelayFact[];
  relayHops: number[];
  microsoft: MicrosoftHeaders | null;
  /** Non-linear routing: the first pass through the receiving tenant is the recipient's own. */
  nonLinear?: NonLinearFacts | null;
}

const evOf = (f: HeaderField | undefined, note: string): Evidence[] => (f ? [{ header: f.name, fieldIndex: f.index, lines: { ...f.lines }, note }] : []);

function field(fields: HeaderField[], key: string): HeaderField | undefined {
  return fields.find((f) => f.key === key && !f.invalid);
}

function addressDomain(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const m = /<?([^<>\s@]{1,256})@([A-Za-z0-9.-]{1,253})>?/.exec(text);
  return m ? normalizeHost(m[2]) : undefined;
}

function addressLocal(text: string | undefined): string | undefined {
  const m = text ? /<?([^<>\s@]{1,256})@/.exec(text) : null;
  return m ? m[1] : undefined;
}

/** Mailing lists and forwarders that re-sent the message, from the headers they add. */
export function findIntermediaries(hops: Hop[], writers: HopWriter[], fields: HeaderField[], below: number): Intermediary[] {
  const out: Intermediary[] = [];
  const newestBy = (pred: (i: number) => boolean): number | null => {
    for (let i = Math.min(below, hops.length) - 1; i >= 0; i--) if (pred(i)) return i;
    return null;
  };
  // ---- mailing lists
  const listId = field(fields, 'list-id');
  const xList = field(fields, 'x-mailing-list');
  const listPost = field(fields, 'list-post');
  const beenThere = field(fields, 'x-beenthere');
  const listexpand = newestBy((i) => /^listexpand$/i.test(hops[i].via ?? ''));
  if (listId || xList || listPost || beenThere || listexpand !== null) {
    const idText = listId?.unfolded ?? '';
    const id = /<([^<>\s]{1,200})>/.exec(idText)?.[1] ?? idText.trim().split(/\s+/).pop();
    const post = addressDomain(listPost?.unfolded) ?? addressDomain(xList?.unfolded) ?? addressDomain(beenThere?.unfolded);
    // the list's own domain: the List-Post / X-Mailing-List address, else List-Id without its label
    const domain = post ?? (id && id.includes('.') ? normalizeHost(id.slice(id.indexOf('.') + 1)) : undefined);
    const org = registeredDomain(domain);
    // the list's own line, or the line where the list's server handed the message on (its name
    // as the next host recorded it)
    const ownLine = (i: number) => writers[i].org === `domain:${org}` || (writers[i].kind === 'google' && /googlegroups\.com$/.test(domain ?? ''));
    const handedOn = (i: number) => registeredDomain(hops[i].from.rdns) === org || registeredDomain(hops[i].from.helo) === org;
    let hop = listexpand ?? (org ? newestBy(ownLine) : null);
    if (hop === null && org) {
      // the list's server under another name: the host that took the message from it recorded it
      for (let i = Math.min(below, hops.length - 1); i > 0 && hop === null; i--) if (handedOn(i)) hop = i - 1;
    }
    const name = (xList?.unfolded.trim().replace(/^<|>$/g, '') || (listPost ? listPost.unfolded.replace(/^.*<mailto:([^>?]+).*$/i, '$1') : '') || id || 'a mailing list').slice(0, 120);
    // list headers alone are the sender's word (bulk mailers write them too): a list that re-sent
    // the message wrote a Received line of its own on the route
    if (hop !== null) out.push({
      kind: 'mailing-list',
      name,
      hopIndex: hop,
      detail: `mailing list ${name}${hop !== null ? ` (it re-sent the message at hop ${hop + 1})` : ''}`,
      evidence: [...evOf(listId ?? xList ?? listPost ?? beenThere, 'list header')],
    });
  }
  // ---- forwarders (Return-Path rewritten by the forwarding system)
  const rp = field(fields, 'return-path');
  const local = addressLocal(rp?.unfolded);
  const rpDomain = addressDomain(rp?.unfolded);
  if (local && rpDomain && !out.length) {
    let kind: string | null = null;
    let org: string | undefined;
    if (/\+caf_=/i.test(local)) {
      kind = 'Gmail forwarding';
      org = 'google';
    } else if (/^(srs[01][=+-]|bounces\+srs=)/i.test(local) || /\+srs=/i.test(local)) {
      kind = `${rpDomain} (sender rewriting, SRS)`;
      org = /\.onmicrosoft\.com$|\.outlook\.com$/.test(rpDomain) ? 'microsoft365' : `domain:${registeredDomain(rpDomain) ?? rpDomain}`;
    }
    if (kind) {
      const hop = newestBy((i) => writers[i].org === org);
      if (hop !== null) out.push({
        kind: 'forwarder',
        name: kind,
        hopIndex: hop,
        detail: `forwarded by ${kind}${hop !== null ? ` (it re-sent the message at hop ${hop + 1})` : ''}`,
        evidence: evOf(rp, 'Return-Path rewritten by a forwarder'),
      });
    }
  }
  return out;
}

export function buildSegments(input: SegmentInput, intermediaries: Intermediary[]): Segment[] {
  const { hops, writers, receiver } = input;
  const E = input.entryHopIndex;
  const segs: Segment[] = [];
  if (!hops.length) return segs;
  const relayHops = new Set(input.relayHops);
  const lowestRecipientSide = Math.min(E ?? hops.length, ...input.relayHops);
  const interHop = intermediaries.map((x) => x.hopIndex).filter((x): x is number => x !== null && x < lowestRecipientSide);
  const interFrom = interHop.length ? Math.min(...interHop) : null;
  // the first hop of the intermediary's own lines: walk down while the same organisation wrote them
  let interStart = interFrom;
  if (interStart !== null) {
    const org = writers[interStart].org;
    while (interStart > 0 && writers[interStart - 1].org === org) interStart--;
  }
  const senderTenant = E !== null && hops[E]?.from.ip && isEopOutboundIp(hops[E].from.ip) && !input.relays.length;
  const relayByHop = new Map(input.relays.map((r) => [r.hopIndex, r]));

  const nl = input.nonLinear;
  const roleOf = (i: number): Segment['role'] => {
    if (E !== null && i >= E) return 'recipient';
    if (nl && i >= nl.firstEntryHopIndex && i < nl.leftHopIndex) return 'recipient';
    if (relayHops.has(i)) return 'recipient-gateway';
    if (interStart !== null && i >= interStart) return 'intermediary';
    return 'sender';
  };
  for (let i = 0; i < hops.length; i++) {
    const role = roleOf(i);
    const w = writers[i];
    const last = segs[segs.length - 1];
    const sameOrg = last && last.role === role && (w.kind === 'unknown' || last.org === w.org || (role === 'recipient' && last.role === 'recipient'));
    if (sameOrg) {
      last.lastHop = i;
      continue;
    }
    const trust: Segment['trust'] = role === 'recipient' ? 'receiver' : role === 'recipient-gateway' ? 'relay' : 'claimed';
    const seg: Segment = { role, org: w.org, name: w.name, kind: w.kind, firstHop: i, lastHop: i, trust };
    if (role === 'recipient') {
      seg.org = receiver.org ?? w.org;
      seg.name = receiver.name ?? w.name;
      seg.detail = receiver.consumer ? 'consumer mailbox' : receiver.tenantId ? `tenant ${receiver.tenantId}` : undefined;
      if (E !== null && i < E) seg.detail = `the first pass through the same tenant (non-linear routing)${seg.detail ? `, ${seg.detail}` : ''}`;
    } else if (role === 'recipient-gateway') {
      const r = relayByHop.get(i + 1) ?? input.relays.find((x) => x.hopIndex > i);
      if (r?.vendor) seg.name = r.vendor.name;
      if (r) seg.detail = `relay of the recipient (${r.strength === 'strong' ? 'confirmed' : "not confirmed as the recipient's"})`;
    } else if (role === 'intermediary') {
      const x = intermediaries.find((y) => y.hopIndex !== null && y.hopIndex >= i) ?? intermediaries[0];
      if (x && x.hopIndex !== null && w.org === writers[x.hopIndex].org) {
        seg.kind = x.kind;
        seg.detail = x.detail;
      }
    } else if (w.kind === 'microsoft365' && senderTenant) {
      seg.detail = "the sender's Microsoft 365 tenant";
    } else if (w.kind === 'vendor') {
      seg.detail = "the sender's side (not a relay of the recipient)";
    }
    if (seg.detail === undefined) delete seg.detail;
    segs.push(seg);
  }
  segs.forEach((s, n) => {
    for (let i = s.firstHop; i <= s.lastHop; i++) hops[i].segment = n;
  });
  return segs;
}
