/**
 * Ground truth for the corpus run, read straight from the raw header block with rules of its own.
 *
 * This file deliberately shares no code with the engine (src/core): it is the yardstick the
 * engine's route judgement is measured against, so a mistake in the engine's parsing or trust
 * model must not be copied into it. The rules are the narrow, receiver-written facts listed in
 * the trust-evidence notes:
 *
 *  - The newest writer: the `by` host of the topmost Received that is an SMTP/LMTP handoff (a
 *    `from` clause and an SMTP/LMTP-family protocol; HTTP, MAPI and local injection are not
 *    handoffs) to a host that names an organisation (not an unqualified local name or
 *    localhost), grouped as Microsoft 365, Google, or "other: <registered domain>".
 *  - Exchange Online as final receiver: its entry is the topmost Received `by
 *    *.mail.protection.outlook.com`; the receiver's own records of the connecting IP are the
 *    id-less Authentication-Results ("sender IP is X") and Received-SPF (written by
 *    protection.outlook.com, "client-ip=X") directly above that entry, and, among the tenant
 *    headers EOP appends after the last X-IncomingHeaderCount, X-Sender-IP and the CIP: of the plain
 *    (not -Untrusted) X-Forefront-Antispam-Report. X-MS-Exchange-...OriginalAttributedTenant-
 *    ConnectingIp is never used (it is the sending tenant's).
 *  - Gmail as final receiver: its entry is the topmost Received `by mx.google.com`; its records
 *    are the Received-SPF "(google.com: ...) client-ip=X" and the Authentication-Results
 *    `mx.google.com` ("designates X as permitted sender") directly below that entry.
 *  - Consumer mailbox: Exchange Online receiver whose last X-MS-Exchange-CrossTenant-Id is the
 *    Outlook.com consumer tenant, or Gmail receiver delivering to @gmail.com / @googlemail.com.
 */

export const CONSUMER_TENANT_ID = '84df9e7f-e9f6-40af-b435-aaaaaaaaaaaa';

export interface RawField {
  /** 0 = topmost. */
  index: number;
  name: string;
  /** Lower-cased name. */
  key: string;
  /** Unfolded value, trimmed. */
  value: string;
}

export type Org = 'Microsoft 365' | 'Google' | `other: ${string}`;

export interface ReceiverRecord {
  /** The receiver whose records these are. */
  kind: 'exchange-online' | 'gmail';
  /** Field index of the receiver's entry Received. */
  entryIndex: number;
  /** Each record of the connecting IP that was found, normalised. */
  xSenderIp?: string;
  authResultsIp?: string;
  receivedSpfIp?: string;
  cip?: string;
  /** The receiver's connecting IP: the first of A-R, X-Sender-IP, Received-SPF, CIP found. */
  ip: string | null;
  /** False when the receiver's own records name different IPs. */
  consistent: boolean;
}

export interface Truth {
  /** Organisation of the newest SMTP/LMTP writer; null when no Received is a handoff. */
  receiverOrg: Org | null;
  /** The by-host of that Received. */
  receiverHost: string | null;
  /** The receiver's own record of the connecting IP, when it is Exchange Online or Gmail. */
  record: ReceiverRecord | null;
  /** Consumer mailbox (Outlook.com / gmail.com) as the final receiver. */
  consumer: boolean;
  /** Why consumer is what it is, in a few words. */
  consumerWhy: string | null;
}

// ---------------------------------------------------------------------------------------------
// Header block

/** The header fields of a message (bytes or text), topmost first. An mbox "From " line is skipped. */
export function splitHeaderFields(input: Uint8Array | string): RawField[] {
  let text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, Math.min(input.byteLength, 4 * 1024 * 1024)).toString('latin1');
  const end = /\r?\n\r?\n|\r\r/.exec(text);
  if (end) text = text.slice(0, end.index);
  const lines = text.split(/\r\n|\n|\r/);
  const fields: RawField[] = [];
  let cur: { name: string; parts: string[] } | null = null;
  const flush = () => {
    if (!cur) return;
    fields.push({ index: fields.length, name: cur.name, key: cur.name.toLowerCase(), value: cur.parts.join(' ').replace(/\s+/g, ' ').trim() });
    cur = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (i === 0 && line.startsWith('From ')) continue;
    if (/^[ \t]/.test(line)) {
      if (cur) cur.parts.push(line.trim());
      continue;
    }
    flush();
    const m = /^([!-9;-~]+)[ \t]*:(.*)$/.exec(line);
    if (m) cur = { name: m[1], parts: [m[2]] };
  }
  flush();
  return fields;
}

/** RFC 2047 encoded-words decoded (B and Q), for the few receivers that encode their A-R. */
export function decodeWords(s: string): string {
  if (!s.includes('=?')) return s;
  return s
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_all, charset: string, enc: string, data: string) => {
      let bytes: Buffer;
      if (enc.toUpperCase() === 'B') bytes = Buffer.from(data, 'base64');
      else bytes = Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
      return /^utf-?8$/i.test(charset) ? bytes.toString('utf8') : bytes.toString('latin1');
    });
}

// ---------------------------------------------------------------------------------------------
// Addresses and names

/** A normalised IP (IPv4 dotted; IPv6 lower-case, compressed; v4-mapped shown as IPv4), or null. */
export function normalizeIp(text: string | undefined | null): string | null {
  if (!text) return null;
  let s = text.trim().replace(/^\[|\]$/g, '').replace(/^ipv6:/i, '').replace(/%.*$/, '');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) return s.split('.').every((o) => Number(o) <= 255) ? s.split('.').map(Number).join('.') : null;
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return null;
  s = s.toLowerCase();
  // embedded IPv4 tail
  let tail: number[] = [];
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  if (v4) {
    const o = v4[1].split('.').map(Number);
    if (o.some((x) => x > 255)) return null;
    tail = [(o[0] << 8) | o[1], (o[2] << 8) | o[3]];
    s = s.slice(0, -v4[1].length) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const part = (h: string) => (h === '' ? [] : h.split(':'));
  const head = part(halves[0]);
  const rest = halves.length === 2 ? part(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? head.length !== 8 : missing < 1) return null;
  const groups = [...head, ...new Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest].map((g) => parseInt(g, 16));
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g) || g > 0xffff)) return null;
  if (tail.length) groups.splice(6, 2, ...tail);
  // IPv4-mapped
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255].join('.');
  }
  // compress the longest run of zeros (RFC 5952)
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Two-label public suffixes under a country code that are common in mail host names. */
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'ac', 'gov', 'edu', 'gob', 'go', 'or', 'ne', 'mil', 'ltd', 'plc', 'nic', 'sch', 'web', 'biz', 'in', 'gen', 'nom', 'info']);

/** The registered domain of a host name (a short public-suffix rule), or the IP literal. */
export function registeredDomain(host: string): string {
  const h = host.toLowerCase().replace(/\.$/, '').replace(/^\[|\]$/g, '');
  if (normalizeIp(h)) return normalizeIp(h)!;
  const labels = h.split('.').filter(Boolean);
  if (labels.length <= 2) return labels.join('.');
  const tld = labels[labels.length - 1];
  const sld = labels[labels.length - 2];
  const take = tld.length === 2 && SECOND_LEVEL.has(sld) ? 3 : 2;
  return labels.slice(-take).join('.');
}

const MICROSOFT_HOST = /(^|\.)(outlook\.com|office365\.com|exchangelabs\.com|outlook\.cn|office365\.us|outlook\.office365\.us|hotmail\.com|live\.com|msn\.com|mx\.microsoft)$/i;
const GOOGLE_HOST = /(^|\.)(google\.com|gmail\.com|googlemail\.com)$/i;

export function orgOfHost(host: string): Org {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (MICROSOFT_HOST.test(h)) return 'Microsoft 365';
  if (GOOGLE_HOST.test(h)) return 'Google';
  return `other: ${registeredDomain(h)}`;
}

// ---------------------------------------------------------------------------------------------
// Received, read only as far as the truth needs

export interface ReceivedClauses {
  from?: string;
  by?: string;
  /** The protocol after `with` ("ESMTPS", "Microsoft SMTP Server", "HTTPS", ...). */
  with?: string;
  /** An IP written in the from-part (inside brackets or parentheses). */
  fromIp?: string;
}

/** Removes (nested) comments, keeping a space where they were. */
function stripComments(s: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && depth > 0) {
      i++;
      continue;
    }
    if (c === '(') {
      depth++;
      if (depth === 1) out += ' ';
      continue;
    }
    if (c === ')' && depth > 0) {
      depth--;
      continue;
    }
    if (depth === 0) out += c;
  }
  return out;
}

export function receivedClauses(value: string): ReceivedClauses {
  const body = value.replace(/;[^;]*$/, (m) => (/\d{1,2}:\d{2}/.test(m) ? '' : m)); // the date after the last ;
  const plain = stripComments(body);
  const out: ReceivedClauses = {};
  const from = /^\s*from\s+(\S+)/i.exec(plain);
  if (from) out.from = from[1];
  const by = /(?:^|\s)by\s+([^\s;]+)/i.exec(plain);
  if (by) out.by = by[1].replace(/\.$/, '');
  const w = /(?:^|\s)with\s+(Microsoft\s+SMTP\s+Server|[^\s;]+)/i.exec(plain);
  if (w) out.with = w[1];
  if (from) {
    const fromPart = body.slice(0, by ? body.search(/(?:^|[\s)])by\s/i) + 1 || body.length : body.length);
    const ip = /\[(?:ipv6:)?([0-9a-fA-F:.]+)\]/i.exec(fromPart) ?? /\(([0-9a-fA-F:.]{7,})\)/.exec(fromPart) ?? /\s([0-9a-fA-F:.]{7,})[\s)]/.exec(fromPart);
    if (ip && normalizeIp(ip[1])) out.fromIp = normalizeIp(ip[1])!;
  }
  return out;
}

/**
 * Does a `by` host name an organisation? An unqualified name ("lfdr", a local LMTP delivery) or
 * localhost does not: the next handoff below it names the organisation.
 */
export function namesAnOrganisation(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (normalizeIp(h)) return true;
  if (/^localhost(\.localdomain)?$/.test(h)) return false;
  return h.includes('.');
}

/** Is this Received an SMTP/LMTP handoff from one host to another? */
export function isHandoff(c: ReceivedClauses): boolean {
  if (!c.from || !c.by) return false;
  if (!c.with) return !!c.fromIp; // old MTAs that leave out `with`
  return /^(e?smtp|lmtp|utf8smtp|utf8lmtp|esmtp|microsoft\s+smtp\s+server)/i.test(c.with);
}

// ---------------------------------------------------------------------------------------------
// The receivers' own records

const EOP_ENTRY = /\.mail\.protection\.(partner\.)?outlook\.(com|cn)$|\.mail\.protection\.office365\.us$/i;

/** An Authentication-Results value without an authserv-id (EOP's form): it starts with method=result. */
function isIdLessAuthResults(value: string): boolean {
  const first = value.split(';')[0].trim();
  return /^[a-z][a-z0-9-]*(\/[0-9]+)?\s*=/i.test(first);
}

function authservId(value: string): string | null {
  if (isIdLessAuthResults(value)) return null;
  const m = /^\s*([^\s;]+)/.exec(value);
  return m ? m[1].toLowerCase() : null;
}

function lastIndexOfKey(fields: RawField[], key: string): number {
  for (let i = fields.length - 1; i >= 0; i--) if (fields[i].key === key) return i;
  return -1;
}

function exchangeOnlineRecord(fields: RawField[]): ReceiverRecord | null {
  const entry = fields.find((f) => f.key === 'received' && EOP_ENTRY.test(receivedClauses(f.value).by ?? ''));
  const rec: ReceiverRecord = { kind: 'exchange-online', entryIndex: entry ? entry.index : -1, ip: null, consistent: true };
  if (entry) {
    // the run of fields directly above the entry, up to the next Received
    for (let i = entry.index - 1; i >= 0 && fields[i].key !== 'received'; i--) {
      const f = fields[i];
      if (f.key === 'authentication-results' && !rec.authResultsIp) {
        const v = decodeWords(f.value);
        if (isIdLessAuthResults(v)) {
          const m = /sender IP is ([0-9a-fA-F:.]+)/i.exec(v);
          if (m) rec.authResultsIp = normalizeIp(m[1]) ?? undefined;
        }
      }
      if (f.key === 'received-spf' && !rec.receivedSpfIp && /protection\.outlook\.com/i.test(f.value)) {
        const m = /client-ip=([^;\s]+)/i.exec(f.value);
        if (m) rec.receivedSpfIp = normalizeIp(m[1]) ?? undefined;
      }
    }
  }
  // what EOP appended for the receiving tenant: everything after the last X-IncomingHeaderCount
  const anchor = lastIndexOfKey(fields, 'x-incomingheadercount');
  if (anchor >= 0) {
    for (let i = fields.length - 1; i > anchor; i--) {
      const f = fields[i];
      if (f.key === 'x-sender-ip' && !rec.xSenderIp) rec.xSenderIp = normalizeIp(f.value) ?? undefined;
      if (f.key === 'x-forefront-antispam-report' && !rec.cip) {
        const m = /(?:^|;)\s*CIP:([^;\s]+)/i.exec(f.value);
        if (m) rec.cip = normalizeIp(m[1]) ?? undefined;
      }
    }
  }
  return finish(rec);
}

function gmailRecord(fields: RawField[]): ReceiverRecord | null {
  const entry = fields.find((f) => f.key === 'received' && (receivedClauses(f.value).by ?? '').toLowerCase() === 'mx.google.com');
  if (!entry) return finish({ kind: 'gmail', entryIndex: -1, ip: null, consistent: true });
  const rec: ReceiverRecord = { kind: 'gmail', entryIndex: entry.index, ip: null, consistent: true };
  // the run of fields directly below the entry, down to the next Received
  for (let i = entry.index + 1; i < fields.length && fields[i].key !== 'received'; i++) {
    const f = fields[i];
    if (f.key === 'received-spf' && !rec.receivedSpfIp && /\(google\.com:/i.test(f.value)) {
      const m = /client-ip=([^;\s]+)/i.exec(f.value);
      if (m) rec.receivedSpfIp = normalizeIp(m[1]) ?? undefined;
    }
    if (f.key === 'authentication-results' && !rec.authResultsIp && authservId(f.value) === 'mx.google.com') {
      const m = /designates ([0-9a-fA-F:.]+) as permitted sender/i.exec(f.value);
      if (m) rec.authResultsIp = normalizeIp(m[1]) ?? undefined;
    }
  }
  return finish(rec);
}

function finish(rec: ReceiverRecord): ReceiverRecord | null {
  const all = [rec.authResultsIp, rec.xSenderIp, rec.receivedSpfIp, rec.cip].filter((x): x is string => !!x);
  if (!all.length) return rec.entryIndex >= 0 ? rec : null;
  rec.ip = all[0];
  rec.consistent = all.every((x) => x === all[0]);
  return rec;
}

function recipientDomains(fields: RawField[], entryIndex: number): string[] {
  const out: string[] = [];
  const add = (text: string) => {
    for (const m of text.matchAll(/[^\s<>@,;"]+@([A-Za-z0-9.-]+)/g)) out.push(m[1].toLowerCase().replace(/\.$/, ''));
  };
  const delivered = fields.find((f) => f.key === 'delivered-to');
  if (delivered && delivered.index < (entryIndex < 0 ? Infinity : entryIndex)) add(delivered.value);
  if (entryIndex >= 0) {
    const m = /\bfor\s+<?([^\s<>;]+@[^\s<>;]+)>?/i.exec(fields[entryIndex].value);
    if (m) add(m[1]);
  }
  return out;
}

/** The ground truth for one message. */
export function truthOf(input: Uint8Array | string | RawField[]): Truth {
  const fields = Array.isArray(input) ? input : splitHeaderFields(input);
  let receiverHost: string | null = null;
  for (const f of fields) {
    if (f.key !== 'received') continue;
    const c = receivedClauses(f.value);
    if (isHandoff(c) && namesAnOrganisation(c.by!)) {
      receiverHost = c.by!;
      break;
    }
  }
  const receiverOrg = receiverHost ? orgOfHost(receiverHost) : null;
  let record: ReceiverRecord | null = null;
  let consumer = false;
  let consumerWhy: string | null = null;
  if (receiverOrg === 'Microsoft 365') {
    record = exchangeOnlineRecord(fields);
    const last = lastIndexOfKey(fields, 'x-ms-exchange-crosstenant-id');
    if (last >= 0 && fields[last].value.toLowerCase() === CONSUMER_TENANT_ID) {
      consumer = true;
      consumerWhy = 'last X-MS-Exchange-CrossTenant-Id is the Outlook.com consumer tenant';
    }
  } else if (receiverOrg === 'Google') {
    record = gmailRecord(fields);
    const doms = recipientDomains(fields, record ? record.entryIndex : -1);
    const d = doms.find((x) => x === 'gmail.com' || x === 'googlemail.com');
    if (d) {
      consumer = true;
      consumerWhy = `Gmail delivered it to an @${d} address`;
    }
  }
  return { receiverOrg, receiverHost, record, consumer, consumerWhy };
}
