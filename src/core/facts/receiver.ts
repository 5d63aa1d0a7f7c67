/**
 * The receiver and where it took the message.
 *
 * The receiver is whoever wrote the newest Received field: the final delivery. Walking down from
 * there, the receiver's own lines continue while the sending side of each hop is inside the
 * receiver's network (an address no outsider can connect from). The first hop whose sending side
 * is outside is the entry: the receiver wrote that line too, so its address is real, but its HELO
 * name is the sender's word, and every line below it was written before the receiver had the
 * message.
 *
 * The entry is then checked against what the receiver recorded about the connection (Exchange
 * Online: its id-less Authentication-Results and Received-SPF directly above the entry, X-Sender-IP
 * and the anti-spam report's CIP; Gmail: its Received-SPF and Authentication-Results directly below
 * its entry). When no record names the entry's address the mismatch is reported, not guessed away.
 */
import type { AuthResultsHeader, EntryFacts, Evidence, HeaderField, Hop, HopWriter, MicrosoftHeaders, ReceivedSpf, ReceiverFacts, ReceiverRecord } from '../types';
import { normalizeIp, isPublicIp } from '../net/ip';
import { lookupProviderByHost, normalizeHost } from '../net/kb';
import { isEopOutboundIp, isGoogleIp, isInternalAddress, isMeaninglessIp, isMicrosoftInternalIp, registeredDomain } from './orgs';

/** Names of Exchange Online's own servers (never an outside sender's). */
const MICROSOFT_INTERNAL_NAME = /\.(prod\.outlook\.com|prod\.exchangelabs\.com|outlook\.office365\.com|prod\.protection\.outlook\.com)\.?$/i;

const RECORD_RANK: Record<ReceiverRecord['kind'], number> = { 'auth-results': 0, 'received-spf': 1, cip: 2, 'x-sender-ip': 3 };

/** Outlook.com / Hotmail consumer mailboxes share this Microsoft 365 tenant. */
export const CONSUMER_TENANT_ID = '84df9e7f-e9f6-40af-b435-aaaaaaaaaaaa';
const CONSUMER_GOOGLE = new Set(['gmail.com', 'googlemail.com']);

export interface ReceiverInput {
  hops: Hop[];
  writers: HopWriter[];
  fields: HeaderField[];
  authResults: Array<{ field: HeaderField; parsed: AuthResultsHeader }>;
  receivedSpf: Array<{ field: HeaderField; parsed: ReceivedSpf }>;
  microsoft: MicrosoftHeaders | null;
  recipients: string[];
}

export interface ReceiverResult {
  receiver: ReceiverFacts;
  entry: EntryFacts;
  reasoning: string[];
  /** The receiver's own Authentication-Results / Received-SPF fields (its verdicts), by field index. */
  verdictFields: Set<number>;
}

const ev = (f: HeaderField, note: string): Evidence => ({ header: f.name, fieldIndex: f.index, lines: { ...f.lines }, note });

/** Hops without a host of their own (a bare name, an address, or nothing) inherit the organisation of the hop above. */
function qualifiedReceiverHop(hops: Hop[], writers: HopWriter[]): number {
  for (let i = hops.length - 1; i >= 0; i--) if (writers[i].kind !== 'unknown') return i;
  return hops.length - 1;
}

/** Is the sending side of hop i inside the receiver's own network? Decided by the address, never the name. */
function insideReceiver(h: Hop, kind: ReceiverFacts['kind'], receiverOrg: string | null): boolean {
  const ip = h.from.ip;
  if (!ip && kind === 'exchange-online' && MICROSOFT_INTERNAL_NAME.test(h.from.helo ?? h.from.rdns ?? '')) {
    // Exchange Online always records the address of a connection it takes from outside, so a line
    // between its own servers whose address could not be read (damaged or anonymised copies) is
    // still one of its internal lines
    return true;
  }
  if (!ip) {
    // no sending address recorded: a local pickup, a mailbox hop over HTTP(S)/MAPI, or Gmail's
    // internal "by 2002:…" lines; an entry from the internet always records the client's address
    if (!h.from.helo && !h.from.rdns) return true;
    return !!(h.with?.http || h.with?.mapi || h.with?.lmtp);
  }
  if (isInternalAddress(ip)) return true;
  if (kind === 'exchange-online') {
    if (isMicrosoftInternalIp(ip)) return true;
    // Exchange Online Protection's own front ends hand over from its public ranges too; only
    // Microsoft can connect from them, so their names are Microsoft's own: an outbound server
    // (`*.outbound.protection.outlook.com`) is another tenant sending, anything else is internal
    if (isEopOutboundIp(ip)) {
      const name = (h.from.helo ?? h.from.rdns ?? '').toLowerCase();
      return !!name && !/(^|\.)outbound\.protection\.(outlook\.com|office365\.us|partner\.outlook\.cn)\.?$/.test(name) && /\.(outlook\.com|office365\.us|outlook\.cn)\.?$/.test(name);
    }
    return false;
  }
  if (kind === 'other' && receiverOrg && h.from.rdns) {
    // a reverse-DNS name the receiving host looked up itself under its own domain (an MTA of the
    // same organisation); only for receivers for which no fix is ever generated
    const d = registeredDomain(h.from.rdns);
    return !!d && `domain:${d}` === receiverOrg;
  }
  return false;
}

export function findReceiver(input: ReceiverInput): ReceiverResult {
  const { hops, writers } = input;
  const reasoning: string[] = [];
  const verdictFields = new Set<number>();
  const receiver: ReceiverFacts = {
    kind: 'unknown',
    name: null,
    org: null,
    newestHopIndex: null,
    tenantId: null,
    consumer: false,
    consumerReason: null,
    cloud: null,
    acceptedDomains: [],
  };
  const entry: EntryFacts = { hopIndex: null, connectingIp: null, evaluatedIp: null, connectingHelo: null, records: [], anchored: false, problem: null };
  if (!hops.length) {
    reasoning.push('The message has no Received fields: its route and its receiver are unknown.');
    return { receiver, entry, reasoning, verdictFields };
  }

  // ---- Who wrote the newest Received field
  const newest = hops.length - 1;
  const top = qualifiedReceiverHop(hops, writers);
  const w = writers[top];
  receiver.newestHopIndex = newest;
  receiver.org = w.kind === 'unknown' ? null : w.org;
  receiver.kind = w.kind === 'microsoft365' ? 'exchange-online' : w.kind === 'google' ? 'gmail' : w.kind === 'unknown' ? 'unknown' : 'other';
  receiver.name = receiver.kind === 'exchange-online' ? 'Exchange Online' : receiver.kind === 'gmail' ? 'Gmail' : w.kind === 'unknown' ? (hops[top].by.host ?? null) : w.name;
  reasoning.push(
    receiver.kind === 'unknown'
      ? 'The newest Received field names no organisation, so the receiver is unknown.'
      : `The newest Received field was written by ${receiver.name}: that is the receiver, and only its own stamps are verdicts.`,
  );

  // ---- Its own lines, down to the entry
  let e = -1;
  for (let i = newest; i >= 0; i--) {
    const h = hops[i];
    const wi = writers[i];
    const sameOrg = wi.kind === 'unknown' || wi.org === w.org;
    if (!sameOrg) {
      // another organisation wrote this line: the receiver's lines ended above, and its lowest
      // line took the message from an address inside some network (private peering, a local relay)
      if (i < newest) {
        e = i + 1;
        reasoning.push(`The receiver's lowest Received line (hop ${i + 2}) took the message from an internal address; the line below it was written by ${wi.name}.`);
      }
      break;
    }
    if (!insideReceiver(h, receiver.kind, receiver.org)) {
      e = i;
      break;
    }
  }
  if (e < 0) {
    entry.problem = 'No Received field shows where the receiver took the message from outside (the route ends inside the receiver, or the message was imported).';
    reasoning.push(entry.problem);
    return finish();
  }
  const eh = hops[e];
  entry.hopIndex = e;
  entry.connectingIp = eh.from.ip && !isMeaninglessIp(eh.from.ip) ? eh.from.ip : null;
  entry.connectingHelo = eh.from.helo ?? null;

  // ---- What the receiver recorded about the connection
  const above = e < newest ? hops[e + 1].fieldIndex : -1; // receiver lines above the entry
  const below = e > 0 ? hops[e - 1].fieldIndex : Number.POSITIVE_INFINITY; // the next older Received
  const ms = input.microsoft;
  const recovered = normalizeIp(ms?.externalOriginal?.ip ?? ms?.skipListed?.ip);
  // Gmail's inbound-gateway setting makes it evaluate an older hop's address: its records then
  // name a host the gateway received the message from, which a Received line below still shows
  const olderHopIp = (ip: string) => receiver.kind === 'gmail' && hops.slice(0, e).some((h) => h.from.ip === ip);
  const record = (kind: ReceiverRecord['kind'], ip: string | undefined, f: HeaderField, note: string) => {
    if (!ip) return;
    const agrees = ip === eh.from.ip || (!!recovered && ip === recovered) || olderHopIp(ip);
    entry.records.push({ kind, ip, agrees, evidence: ev(f, note) });
  };
  if (receiver.kind === 'exchange-online') {
    // id-less Authentication-Results and Received-SPF directly above the entry
    for (const { field, parsed } of input.authResults) {
      if (field.index >= eh.fieldIndex || field.index <= above) continue;
      if (field.key !== 'authentication-results' && field.key !== 'x-ms-exchange-authentication-results') continue;
      if (parsed.authservId !== null) continue;
      verdictFields.add(field.index);
      const spf = parsed.results.find((r) => r.method === 'spf');
      const ip = spf ? senderIpIn(spf.comments.join(' ')) : undefined;
      record('auth-results', ip, field, `sender IP is ${ip ?? '?'}`);
      for (const t of parsed.bareTokens) {
        const d = normalizeHost(t);
        if (d && d.includes('.') && !receiver.acceptedDomains.includes(d)) receiver.acceptedDomains.push(d);
      }
    }
    for (const { field, parsed } of input.receivedSpf) {
      if (field.index >= eh.fieldIndex || field.index <= above) continue;
      if (!/(^|\.)protection\.outlook\.(com|de)$|(^|\.)office365\.us$|(^|\.)outlook\.cn$/i.test(parsed.receiver ?? spfWriter(parsed.comment) ?? '')) continue;
      verdictFields.add(field.index);
      record('received-spf', normalizeIp(parsed.clientIp), field, `client-ip=${parsed.clientIp ?? '?'}`);
    }
    if (ms?.senderIp) {
      const f = input.fields.find((x) => x.index === ms.senderIp!.fieldIndex);
      if (f) record('x-sender-ip', ms.senderIp.ip, f, `X-Sender-IP ${ms.senderIp.ip}`);
    }
    if (ms?.forefront && !ms.forefront.untrusted && ms.forefront.cip) {
      const f = input.fields.find((x) => x.index === ms.forefront!.fieldIndex);
      if (f && !isMeaninglessIp(ms.forefront.cip)) record('cip', ms.forefront.cip, f, `CIP:${ms.forefront.cip}`);
    }
    // tenant, consumer, cloud
    receiver.tenantId = ms?.crossTenantId?.tenantId ?? ms?.attributedTenantId ?? null;
    if (receiver.tenantId === CONSUMER_TENANT_ID) {
      receiver.consumer = true;
      receiver.consumerReason = 'the receiving tenant is Outlook.com\'s consumer tenant (X-MS-Exchange-CrossTenant-Id 84df9e7f-e9f6-40af-b435-aaaaaaaaaaaa)';
    }
    receiver.cloud = cloudOf(hops.slice(e).map((h) => h.by.host));
  } else if (receiver.kind === 'gmail') {
    // Gmail writes its Received-SPF and Authentication-Results directly below its entry line; a
    // second copy further down is not its own (only the first one of each counts)
    let arSeen = false;
    let spfSeen = false;
    const inWindow = (f: HeaderField) => f.index > eh.fieldIndex && f.index < below;
    const ordered = [...input.authResults].sort((a, b) => a.field.index - b.field.index);
    for (const { field, parsed } of ordered) {
      if (field.key === 'arc-authentication-results' && field.index < eh.fieldIndex && field.index > above && isGoogleId(parsed.authservId)) {
        verdictFields.add(field.index);
        continue;
      }
      if (arSeen || field.key !== 'authentication-results' || !inWindow(field) || !isGoogleId(parsed.authservId)) continue;
      arSeen = true;
      verdictFields.add(field.index);
      const spf = parsed.results.find((r) => r.method === 'spf');
      const ip = spf ? normalizeIp(spf.props['smtp.client-ip']) ?? designatesIp(spf.comments.join(' ')) : undefined;
      record('auth-results', ip, field, `spf on ${ip ?? '?'}`);
    }
    for (const { field, parsed } of [...input.receivedSpf].sort((a, b) => a.field.index - b.field.index)) {
      if (spfSeen || !inWindow(field)) continue;
      const writer = (parsed.receiver ?? spfWriter(parsed.comment) ?? '').toLowerCase();
      if (writer !== 'google.com' && writer !== 'mx.google.com') continue;
      spfSeen = true;
      verdictFields.add(field.index);
      record('received-spf', normalizeIp(parsed.clientIp), field, `client-ip=${parsed.clientIp ?? '?'}`);
    }
    const rcpt = gmailRecipient(eh, input.fields);
    const domain = rcpt?.split('@')[1]?.toLowerCase();
    if (domain && CONSUMER_GOOGLE.has(domain)) {
      receiver.consumer = true;
      receiver.consumerReason = `the message was delivered to ${domain}, Google's consumer mail`;
    }
  } else {
    // another receiver: its own results sit next to its entry line, under its own name
    for (const { field, parsed } of input.authResults) {
      const inSpan = (field.index < eh.fieldIndex && field.index > above) || (field.index > eh.fieldIndex && field.index < below);
      if (!inSpan || field.key !== 'authentication-results' || !parsed.authservId) continue;
      const d = registeredDomain(parsed.authservId);
      if (d && receiver.org === `domain:${d}`) verdictFields.add(field.index);
    }
  }

  entry.anchored = entry.records.some((r) => r.agrees);
  // what the receiver evaluated: its results first (they are what it judged), then its other records
  const evaluated = [...entry.records].sort((x, y) => RECORD_RANK[x.kind] - RECORD_RANK[y.kind]).find((r) => r.agrees);
  entry.evaluatedIp = evaluated?.ip ?? entry.connectingIp;
  const differing = entry.records.filter((r) => !r.agrees);
  if (receiver.kind === 'exchange-online' || receiver.kind === 'gmail') {
    if (!entry.records.length) {
      reasoning.push(`${receiver.name} left no record of the connecting address next to its entry; the entry is taken from its Received line alone.`);
    } else if (!entry.anchored) {
      entry.problem = `${receiver.name} recorded the connecting address as ${differing.map((r) => r.ip).filter(unique).join(', ')}, but its entry Received line shows ${eh.from.ip ?? 'no address'}; no Received line matches what it recorded.`;
      reasoning.push(entry.problem);
    } else if (differing.length) {
      reasoning.push(`${receiver.name}'s records disagree: ${differing.map((r) => `${r.evidence.header} names ${r.ip}`).join('; ')}; its entry line and ${entry.records.filter((r) => r.agrees).map((r) => r.evidence.header).filter(unique).join(', ')} name ${eh.from.ip}.`);
    }
  }
  if (entry.connectingIp === null && eh.from.ip) reasoning.push(`The entry line records ${eh.from.ip}, which cannot be a sender's address.`);
  reasoning.push(`${receiver.name ?? 'The receiver'} took the message from outside at hop ${e + 1}${entry.connectingIp ? ` from ${entry.connectingIp}` : ''}${entry.anchored ? ` (confirmed by its own ${entry.records.filter((r) => r.agrees).map((r) => r.evidence.header).filter(unique).join(', ')})` : ''}.`);
  if (receiver.consumer) reasoning.push(`This is a consumer mailbox: ${receiver.consumerReason}. Consumer mailboxes have no connectors and no gateway of their own.`);
  return finish();

  function finish(): ReceiverResult {
    return { receiver, entry, reasoning, verdictFields };
  }
}

function unique<T>(v: T, i: number, a: T[]): boolean {
  return a.indexOf(v) === i;
}

function isGoogleId(id: string | null): boolean {
  const d = (id ?? '').toLowerCase().replace(/\.$/, '');
  return d === 'mx.google.com' || d === 'google.com';
}

/** "sender IP is 192.0.2.1" (EOP's wording). */
function senderIpIn(text: string): string | undefined {
  const m = /sender ip is \[?([0-9a-f:.]{2,64})\]?/i.exec(text.slice(0, 500));
  return m ? normalizeIp(m[1]) : undefined;
}

/** "… designates 192.0.2.1 as permitted sender" (Gmail's wording). */
function designatesIp(text: string): string | undefined {
  const m = /designates ([0-9a-f:.]{2,64}) as/i.exec(text.slice(0, 500));
  return m ? normalizeIp(m[1]) : undefined;
}

/** The host before the colon in a Received-SPF comment: "(protection.outlook.com: …)". */
function spfWriter(comment: string | undefined): string | undefined {
  if (!comment) return undefined;
  const c = comment.indexOf(':');
  if (c <= 0 || c > 100) return undefined;
  const h = comment.slice(0, c).trim();
  return /^[A-Za-z0-9.-]+$/.test(h) ? h : undefined;
}

/**
 * Which Microsoft cloud wrote these host names: the knowledge base tags the sovereign clouds' names
 * (U.S. Government GCC High and DoD, operated by 21Vianet); worldwide unless one of them appears.
 */
function cloudOf(hosts: Array<string | undefined>): ReceiverFacts['cloud'] {
  for (const h of hosts) {
    const c = h ? lookupProviderByHost(h)?.cloud : undefined;
    if (c) return c;
  }
  return 'worldwide';
}

/** The address Gmail delivered to: its entry line's `for <…>`, else Delivered-To above it. */
function gmailRecipient(entry: Hop, fields: HeaderField[]): string | undefined {
  const f = entry.for?.[0];
  if (f) return f.replace(/^<|>$/g, '');
  const d = fields.find((x) => x.key === 'delivered-to' && x.index < entry.fieldIndex);
  return d?.unfolded.trim().replace(/^<|>$/g, '');
}

export { isPublicIp, isGoogleIp };
