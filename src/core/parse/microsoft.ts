/**
 * Decoder for the headers Microsoft 365 / Exchange Online Protection stamps: the anti-spam report,
 * BCL, mailbox delivery, compauth (from EOP's id-less Authentication-Results), the organisation and
 * cross-tenant headers, and the Enhanced Filtering skip-listing headers.
 *
 * Everything is read from header text that anyone upstream could have written, so values are only
 * described, never trusted here (the trace decides which copy counts). Splitting is done with
 * indexOf loops, linear in the input; nothing throws.
 */
import type { DecodedField, HeaderField, LineRange, MicrosoftHeaders, SkipListing } from '../types';
import { normalizeIp } from '../net/ip';
import { parseAuthResults } from './auth-results';
import {
  ANTISPAM_FIELDS,
  AUTH_MECHANISMS,
  COMPAUTH_CODES,
  COMPAUTH_FAMILIES,
  COMPAUTH_RESULTS,
  FOREFRONT_FIELDS,
  MAILBOX_DELIVERY_FIELDS,
  MS_HEADERS,
  type FieldInfo,
} from './microsoft-data';

export {
  ANTISPAM_FIELDS,
  AUTH_MECHANISMS,
  COMPAUTH_CODES,
  COMPAUTH_FAMILIES,
  COMPAUTH_RESULTS,
  FOREFRONT_FIELDS,
  MAILBOX_DELIVERY_FIELDS,
  MS_HEADERS,
};
export type { FieldInfo };

/** Pairs kept per header; real ones have about twenty. */
const MAX_PAIRS = 1000;
/** Length a value is cut to inside a meaning sentence. */
const MAX_QUOTED_VALUE = 100;

type Forefront = NonNullable<MicrosoftHeaders['forefront']>;

// ---------------------------------------------------------------------------------------------
// Meanings

function describe(info: FieldInfo | undefined, value: string | undefined): string | undefined {
  if (!info) return undefined;
  if (value === undefined) return `${info.label}: ${info.meaning}`;
  const v = value.trim();
  if (!v) return `${info.label}: ${info.meaning} (empty here)`;
  if (info.values) {
    const vm = info.values[v.toUpperCase()];
    if (vm) return `${info.label}: ${vm}`;
    if (!info.openValues) {
      const shown = v.length > MAX_QUOTED_VALUE ? v.slice(0, MAX_QUOTED_VALUE) + '…' : v;
      return `${info.label}: ${info.meaning} "${shown}" is not a documented value.`;
    }
  }
  return `${info.label}: ${info.meaning}`;
}

/** Meaning of one X-Forefront-Antispam-Report field (key case-insensitive), or undefined when undocumented. */
export function forefrontFieldMeaning(key: string, value: string): string | undefined {
  const k = (key ?? '').trim().toUpperCase();
  if (k === 'SCL') return sclMeaning(value);
  return describe(FOREFRONT_FIELDS[k], value ?? '');
}

/** Meaning of one X-Microsoft-Antispam field, or undefined. */
export function antispamFieldMeaning(key: string, value: string): string | undefined {
  return describe(ANTISPAM_FIELDS[(key ?? '').trim().toUpperCase()], value ?? '');
}

/** Meaning of one X-Microsoft-Antispam-Mailbox-Delivery field, or undefined. */
export function mailboxDeliveryFieldMeaning(key: string, value: string): string | undefined {
  return describe(MAILBOX_DELIVERY_FIELDS[(key ?? '').trim().toUpperCase()], value ?? '');
}

/** Meaning of a Microsoft header (by name, any case) and, where documented, of its value. */
export function microsoftHeaderMeaning(name: string, value?: string): string | undefined {
  const k = (name ?? '').trim().toLowerCase();
  if (k === 'x-ms-exchange-organization-scl' && value !== undefined) {
    return sclMeaning(value, 'Organisation spam confidence level');
  }
  return describe(MS_HEADERS[k], value);
}

function sclMeaning(value: string, label = 'Spam confidence level'): string {
  const v = (value ?? '').trim();
  if (v === '-1') return `${label}: -1, spam filtering was skipped (trusted, internal or allowed by a rule)`;
  if (/^\d$/.test(v)) return `${label}: ${v} on a scale of 0 to 9 (higher is more likely spam)`;
  if (!v) return `${label}: empty`;
  return `${label}: "${v.slice(0, 20)}" is not a valid level (-1 or 0 to 9)`;
}

/** Meaning of an AuthMechanism code (community-sourced). */
export function authMechanismMeaning(code: string): string {
  const c = (code ?? '').trim();
  return (
    AUTH_MECHANISMS[c] ??
    `code ${c.slice(0, 10) || '(empty)'} is not in the community-sourced list (Microsoft does not publish the codes)`
  );
}

/**
 * Meaning of a compauth result and reason code, from Microsoft's table (HDR 2025). When the code's
 * family disagrees with the result keyword, the text says so.
 */
export function compauthMeaning(result: string, reason?: string): string {
  const res = (result ?? '').trim().toLowerCase();
  const code = (reason ?? '').trim();
  const generic = COMPAUTH_RESULTS[res] ?? `compauth result "${res.slice(0, 20)}" is not a documented value`;
  if (!code) return generic;
  if (!/^\d{3}$/.test(code)) return `${generic}; reason "${code.slice(0, 20)}" is not a three-digit code`;
  const entry = COMPAUTH_CODES[code] ?? COMPAUTH_FAMILIES[code[0]];
  if (!entry) return `${generic}; reason ${code} is not in Microsoft's published table`;
  let text = `${code}: ${entry.meaning}`;
  if (res && entry.result !== res) text += ` (note: the table pairs this code with compauth=${entry.result}, but the header says ${res})`;
  return text;
}

// ---------------------------------------------------------------------------------------------
// Splitting

interface Pair {
  key: string;
  value: string;
}

/**
 * Split `KEY:value;KEY:value;` pairs the way Microsoft writes them: spaces after ';', folding,
 * `(null)` fillers, ';;', a missing final ';'. The value starts after the FIRST ':' (so IPv6
 * addresses in CIP stay whole). Returns at most MAX_PAIRS pairs and how many were dropped.
 */
export function splitMicrosoftPairs(text: string): { pairs: Pair[]; dropped: number } {
  const s = (typeof text === 'string' ? text : '').split('(null)').join('');
  const pairs: Pair[] = [];
  let dropped = 0;
  let start = 0;
  while (start < s.length) {
    let end = s.indexOf(';', start);
    if (end < 0) end = s.length;
    if (end > start) {
      const part = s.slice(start, end).trim();
      if (part) {
        if (pairs.length >= MAX_PAIRS) dropped++;
        else {
          const colon = part.indexOf(':');
          if (colon < 0) pairs.push({ key: part, value: '' });
          else pairs.push({ key: part.slice(0, colon).trim(), value: part.slice(colon + 1).trim() });
        }
      }
    }
    start = end + 1;
  }
  return { pairs, dropped };
}

/** Split `key=value;key=value` (skip-listing and cross-tenant headers); keys lower-cased, first wins. */
function splitKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const s = typeof text === 'string' ? text : '';
  let start = 0;
  let count = 0;
  while (start < s.length && count < MAX_PAIRS) {
    let end = s.indexOf(';', start);
    if (end < 0) end = s.length;
    const part = s.slice(start, end);
    const eq = part.indexOf('=');
    if (eq > 0) {
      const k = part.slice(0, eq).trim().toLowerCase();
      if (k && !(k in out)) out[k] = part.slice(eq + 1).trim();
      count++;
    }
    start = end + 1;
  }
  return out;
}

function unbracket(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  let t = v.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1).trim();
  return t || undefined;
}

function toFields(pairs: Pair[], dropped: number, meaning: (k: string, v: string) => string | undefined): DecodedField[] {
  const out: DecodedField[] = pairs.map((p) => {
    const f: DecodedField = { key: p.key, value: p.value };
    const m = meaning(p.key, p.value);
    if (m) f.meaning = m;
    return f;
  });
  if (dropped > 0) {
    out.push({ key: '…', value: `${dropped} more`, meaning: `The header has ${dropped} more fields than are decoded.` });
  }
  return out;
}

/** First value for a key (case-insensitive), undefined when absent or empty. */
function first(pairs: Pair[], key: string): string | undefined {
  for (const p of pairs) if (p.key.toUpperCase() === key) return p.value || undefined;
  return undefined;
}

function smallInt(v: string | undefined, allowNegative: boolean): number | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  if (!(allowNegative ? /^-?\d{1,2}$/ : /^\d{1,2}$/).test(t)) return undefined;
  return Number(t);
}

// ---------------------------------------------------------------------------------------------
// Header decoders

function textOf(f: HeaderField): string {
  const t = typeof f.unfolded === 'string' ? f.unfolded : typeof f.value === 'string' ? f.value : '';
  return t.trim();
}

function where(f: HeaderField): { fieldIndex: number; lines: LineRange } {
  return { fieldIndex: f.index, lines: f.lines };
}

/** Decode one X-Forefront-Antispam-Report(-Untrusted) value. */
export function decodeForefront(value: string, untrusted: boolean, fieldIndex: number, lines: LineRange): Forefront {
  const { pairs, dropped } = splitMicrosoftPairs(value);
  const out: Forefront = {
    fieldIndex,
    lines,
    untrusted,
    fields: toFields(pairs, dropped, forefrontFieldMeaning),
  };
  const cip = normalizeIp(first(pairs, 'CIP'));
  if (cip) out.cip = cip;
  const set = (k: 'country' | 'helo' | 'ptr' | 'sfv' | 'ipv' | 'cat' | 'dir', key: string): void => {
    const v = first(pairs, key);
    if (v) out[k] = v;
  };
  set('country', 'CTRY');
  set('helo', 'H');
  set('ptr', 'PTR');
  set('sfv', 'SFV');
  set('ipv', 'IPV');
  set('cat', 'CAT');
  set('dir', 'DIR');
  const scl = smallInt(first(pairs, 'SCL'), true);
  if (scl !== undefined && scl >= -1 && scl <= 9) out.scl = scl;
  return out;
}

/** Parse `ip=[addr];domain=HELO` (X-MS-Exchange-SkipListedInternetSender / -ExternalOriginalInternetSender). */
export function parseSkipListing(value: string, fieldIndex: number, lines: LineRange): SkipListing {
  const kv = splitKeyValues(value);
  const out: SkipListing = { fieldIndex, lines };
  const ip = normalizeIp(kv['ip']);
  if (ip) out.ip = ip;
  const helo = unbracket(kv['domain']);
  if (helo) out.helo = helo;
  return out;
}

/** Parse `TenantId=<guid>;Ip=[1.2.3.4];Helo=[host]`. */
export function parseCrossTenantConnecting(
  value: string,
  fieldIndex: number,
  lines: LineRange,
): NonNullable<MicrosoftHeaders['crossTenantConnecting']> {
  const kv = splitKeyValues(value);
  const out: NonNullable<MicrosoftHeaders['crossTenantConnecting']> = { fieldIndex, lines };
  const tenant = unbracket(kv['tenantid']);
  if (tenant) out.tenantId = tenant;
  const ip = normalizeIp(kv['ip']);
  if (ip) out.ip = ip;
  const helo = unbracket(kv['helo']);
  if (helo) out.helo = helo;
  return out;
}

function isMicrosoftName(key: string): boolean {
  return (
    key.startsWith('x-ms-') ||
    key.startsWith('x-microsoft-') ||
    key.startsWith('x-forefront-') ||
    key === 'x-originatororg' ||
    key === 'x-eopattributedmessage' ||
    key === 'x-crosspremisesheaderspromoted' ||
    key === 'x-crosspremisesheadersfiltered'
  );
}

const ORG_PREFIX = 'x-ms-exchange-organization-';
const CROSS_TENANT_PREFIX = 'x-ms-exchange-crosstenant-';

/**
 * Decode the Microsoft headers of a message. Where a header occurs more than once the topmost
 * (lowest index, i.e. the newest) copy is used. Returns null when no Microsoft header is present.
 */
export function decodeMicrosoftHeaders(fields: HeaderField[]): MicrosoftHeaders | null {
  if (!Array.isArray(fields)) return null;
  const sorted = fields
    .filter((f) => f && typeof f.key === 'string' && f.key !== '' && !f.invalid)
    .slice()
    .sort((a, b) => a.index - b.index);

  const out: MicrosoftHeaders = { org: {}, fields: [] };
  let any = false;
  // Exchange Online appends its tenant-scoped headers after the last X-IncomingHeaderCount (when it
  // writes one); copies above it came with the message. Without that header the newest copy of each
  // tenant-scoped header is the receiver's (it appends last, and renames or strips incoming ones).
  let regionStart = -1;
  for (const f of sorted) if (f.key === 'x-incomingheadercount') regionStart = f.index;
  let trustedFf: Forefront | undefined;
  let untrustedFf: Forefront | undefined;
  let compauthFrom: { rank: number } | undefined;

  for (const f of sorted) {
    const key = f.key.toLowerCase();
    if (isMicrosoftName(key)) any = true;
    const v = textOf(f);
    const at = where(f);
    const inRegion = f.index > regionStart;

    switch (key) {
      case 'x-forefront-antispam-report':
        if (inRegion) trustedFf = decodeForefront(v, false, at.fieldIndex, at.lines);
        continue;
      case 'x-forefront-antispam-report-untrusted':
        if (!untrustedFf) untrustedFf = decodeForefront(v, true, at.fieldIndex, at.lines);
        continue;
      case 'x-microsoft-antispam':
        if (!out.antispam) {
          const { pairs, dropped } = splitMicrosoftPairs(v);
          out.antispam = { ...at, fields: toFields(pairs, dropped, antispamFieldMeaning) };
          const bcl = smallInt(first(pairs, 'BCL'), false);
          if (bcl !== undefined && bcl <= 9) out.antispam.bcl = bcl;
          const pcl = smallInt(first(pairs, 'PCL'), false);
          if (pcl !== undefined) out.antispam.pcl = pcl;
        }
        continue;
      case 'x-microsoft-antispam-mailbox-delivery':
        if (!out.mailboxDelivery) {
          const { pairs, dropped } = splitMicrosoftPairs(v);
          out.mailboxDelivery = { ...at, fields: toFields(pairs, dropped, mailboxDeliveryFieldMeaning) };
          const dest = first(pairs, 'DEST');
          if (dest) {
            out.mailboxDelivery.dest = dest;
            const m = MAILBOX_DELIVERY_FIELDS.DEST.values?.[dest.toUpperCase()];
            if (m) out.mailboxDelivery.destMeaning = m;
          }
        }
        continue;
      case 'authentication-results':
      case 'x-ms-exchange-authentication-results': {
        // EOP's own A-R has no authserv-id; prefer Authentication-Results over the X-MS- copy.
        const rank = key === 'authentication-results' ? 0 : 1;
        if (compauthFrom && compauthFrom.rank <= rank) continue;
        if (!v.toLowerCase().includes('compauth')) continue;
        const parsed = parseAuthResults(v);
        if (parsed.authservId !== null) continue;
        const ca = parsed.results.find((r) => r.method === 'compauth');
        if (!ca) continue;
        any = true;
        compauthFrom = { rank };
        out.compauth = { result: ca.result, meaning: compauthMeaning(ca.result, ca.reason), ...at };
        if (ca.reason !== undefined && ca.reason !== '') out.compauth.reason = ca.reason;
        continue;
      }
      case 'x-ms-exchange-skiplistedinternetsender':
        if (inRegion) out.skipListed = parseSkipListing(v, at.fieldIndex, at.lines);
        continue;
      case 'x-ms-exchange-externaloriginalinternetsender':
        if (inRegion) out.externalOriginal = parseSkipListing(v, at.fieldIndex, at.lines);
        continue;
      case 'x-originatororg':
        if (inRegion && v) out.originatorOrg = v;
        continue;
      case 'x-sender-ip': {
        const ip = normalizeIp(v);
        if (inRegion && ip) out.senderIp = { ip, ...at };
        continue;
      }
      case 'x-eoptenantattributedmessage': {
        const tenant = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?::|$)/i.exec(v)?.[1];
        if (inRegion && tenant) out.attributedTenantId = tenant.toLowerCase();
        any = true;
        continue;
      }
      default:
        break;
    }

    if (key.startsWith(ORG_PREFIX) || key.startsWith(CROSS_TENANT_PREFIX)) {
      const entry: DecodedField & { fieldIndex: number; lines: LineRange } = { key: f.name || f.key, value: v, ...at };
      const m = microsoftHeaderMeaning(key, v);
      if (m) entry.meaning = m;
      out.fields.push(entry);

      if (!inRegion) continue;
      switch (key) {
        case 'x-ms-exchange-organization-authas':
          if (v) out.org.authAs = v;
          break;
        case 'x-ms-exchange-organization-authsource':
          if (v) out.org.authSource = v;
          break;
        case 'x-ms-exchange-organization-authmechanism':
          if (v) {
            out.org.authMechanism = v;
            out.org.authMechanismMeaning = authMechanismMeaning(v);
          }
          break;
        case 'x-ms-exchange-organization-scl': {
          const scl = smallInt(v, true);
          if (scl !== undefined && scl >= -1 && scl <= 9) out.org.scl = scl;
          break;
        }
        case 'x-ms-exchange-organization-messagedirectionality':
          if (v) out.org.directionality = v;
          break;
        case 'x-ms-exchange-crosstenant-originalattributedtenantconnectingip':
          out.crossTenantConnecting = parseCrossTenantConnecting(v, at.fieldIndex, at.lines);
          break;
        case 'x-ms-exchange-crosstenant-id': {
          const t = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.exec(v)?.[0];
          if (t) out.crossTenantId = { tenantId: t.toLowerCase(), ...at };
          break;
        }
        case 'x-ms-exchange-crosstenant-fromentityheader':
          if (v) out.fromEntity = v;
          break;
        default:
          break;
      }
    }
  }

  const ff = trustedFf ?? untrustedFf;
  if (ff) out.forefront = ff;
  if (untrustedFf) out.forefrontUntrusted = untrustedFf;
  return any ? out : null;
}
