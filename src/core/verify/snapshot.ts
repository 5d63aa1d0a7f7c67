/**
 * Recorded DNS: a snapshot in mailauth's `--dns-cache` JSON shape, so one file works with both
 * tools:
 *
 *   { "example.com": { "TXT": [["v=spf1 ip4:192.0.2.0/24 -all"]], "MX": [{ "exchange": "mx.example.com", "priority": 10 }] },
 *     "sel._domainkey.example.com": { "TXT": [["v=DKIM1; k=rsa; p=MIIB", "IjAN..."]] } }
 *
 * Keys are DNS names, values map a record type to the answer exactly as dns.promises.resolve()
 * returns it. A name that is absent does not exist (ENOTFOUND, as mailauth's CLI answers); a name
 * that is present without the asked type has no such record (ENODATA; mailauth's CLI answers
 * ENOTFOUND there, which every check treats the same way).
 *
 * Snapshot files come from users and may be hostile: parseDnsSnapshot validates every entry,
 * keeps what is well-formed and lists what it dropped. Its messages quote the file only about
 * entries of a file that has DNS names (names and values, sanitised and bounded): a setting pointed at another
 * file (/etc/shadow, a credentials file) must not print that file's beginning, so a JSON syntax
 * error is reported by line and column only (jsonErrorLocation), never with V8's excerpt.
 */
import { parseIp } from '../net/ip';
import { displayText, toJsonText } from '../present/text';
import { dnsError, normalizeName, type DnsResolver } from './resolver';

export type DnsAnswer = string[][] | string[] | Array<{ exchange: string; priority: number }>;

/** name → record type → answer. Objects have no prototype (names like "__proto__" are data). */
export type DnsSnapshot = Record<string, Record<string, DnsAnswer>>;

export interface ParsedSnapshot {
  snapshot: DnsSnapshot;
  /** One sentence per entry that was dropped or changed. Empty when the file was clean. */
  problems: string[];
}

export const SNAPSHOT_LIMITS = {
  /** Bytes of JSON text. */
  maxTextLength: 16 * 1024 * 1024,
  maxNames: 20000,
  maxRecordsPerType: 200,
  /** Characters of one TXT character-string (real DNS: 255 bytes; joined values are accepted). */
  maxTxtChunk: 65535,
  /** Characters of one whole TXT record. */
  maxTxtRecord: 65535,
  maxProblems: 100,
};

const TYPES = new Set(['TXT', 'A', 'AAAA', 'MX', 'PTR', 'CNAME', 'NS']);

/** A DNS name: labels of letters, digits, '-', '_' (and a leading '*' label), at most 253 characters. */
export function isDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  let labelLen = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2e) {
      if (labelLen === 0) return false;
      labelLen = 0;
      continue;
    }
    const ok =
      (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f || (c === 0x2a && i === 0 && name.length > 1 && name[1] === '.');
    if (!ok) return false;
    if (++labelLen > 63) return false;
  }
  return labelLen > 0;
}

/** Parse and validate snapshot text (JSON). Never throws. */
export function parseDnsSnapshot(text: string): ParsedSnapshot {
  if (typeof text !== 'string') return { snapshot: Object.create(null), problems: ['The DNS snapshot is not text.'] };
  if (text.length > SNAPSHOT_LIMITS.maxTextLength) {
    return { snapshot: Object.create(null), problems: [`The DNS snapshot is larger than ${SNAPSHOT_LIMITS.maxTextLength / 1048576} MiB; it was not read.`] };
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    // V8's message quotes the text around the error: only the position is reported
    const at = jsonErrorLocation(body) ?? { line: 1, column: 1 };
    return { snapshot: Object.create(null), problems: [`Not a DNS snapshot (line ${at.line}, column ${at.column}): the text there is not valid JSON.`] };
  }
  return validateDnsSnapshot(json);
}

/**
 * Where JSON text stops being valid JSON (RFC 8259), as a 1-based line and column (UTF-16 code
 * units; lines end at LF), or undefined when it is valid. A small validating scanner of its own, so
 * an error can be located without quoting the text (JSON.parse's messages quote it, and not every
 * Node version gives a position). Iterative: nesting depth costs no stack.
 */
export function jsonErrorLocation(text: string): { line: number; column: number } | undefined {
  const at = jsonErrorOffset(text);
  if (at === undefined) return undefined;
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: at - lineStart + 1 };
}

const JSON_NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

function jsonErrorOffset(text: string): number | undefined {
  const n = text.length;
  let i = 0;
  /** Open containers: true = object, false = array. */
  const stack: boolean[] = [];
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  /** A string at i (which holds '"'); false with i at the offending character. */
  const str = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else return false;
        continue;
      }
      if (c < 0x20) return false;
      i++;
    }
    return false;
  };
  /** A member name and its colon; false with i at the offending character. */
  const key = (): boolean => {
    ws();
    if (text[i] !== '"' || !str()) return false;
    ws();
    if (text[i] !== ':') return false;
    i++;
    return true;
  };
  for (;;) {
    // a value at i
    ws();
    if (i >= n) return i;
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      ws();
      if (text[i] === (c === '{' ? '}' : ']')) i++;
      else {
        stack.push(c === '{');
        if (c === '{' && !key()) return i;
        continue;
      }
    } else if (c === '"') {
      if (!str()) return i;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      JSON_NUMBER.lastIndex = i;
      const m = JSON_NUMBER.exec(text);
      if (!m) return i;
      i += m[0].length;
    } else if (text.startsWith('true', i)) i += 4;
    else if (text.startsWith('false', i)) i += 5;
    else if (text.startsWith('null', i)) i += 4;
    else return i;
    // after a value: separators and closing brackets
    for (;;) {
      ws();
      if (!stack.length) return i < n ? i : undefined;
      const inObject = stack[stack.length - 1];
      if (text[i] === ',') {
        i++;
        if (inObject && !key()) return i;
        break;
      }
      if (text[i] === (inObject ? '}' : ']')) {
        i++;
        stack.pop();
        continue;
      }
      return i;
    }
  }
}

/** Validate an already-parsed snapshot object. Never throws. */
export function validateDnsSnapshot(json: unknown): ParsedSnapshot {
  const snapshot: DnsSnapshot = Object.create(null);
  const problems: string[] = [];
  let dropped = 0;
  const problem = (s: string) => {
    if (problems.length < SNAPSHOT_LIMITS.maxProblems) problems.push(s);
    else dropped++;
  };
  if (!isPlainObject(json)) {
    return { snapshot, problems: ['The DNS snapshot must be a JSON object mapping DNS names to records, like mailauth\'s --dns-cache file.'] };
  }
  const names = Object.keys(json);
  if (names.length > SNAPSHOT_LIMITS.maxNames) problem(`The DNS snapshot has ${names.length} names; only the first ${SNAPSHOT_LIMITS.maxNames} were read.`);
  for (const rawName of names.slice(0, SNAPSHOT_LIMITS.maxNames)) {
    const shown = show(rawName);
    const name = normalizeName(rawName);
    if (!isDnsName(name)) {
      problem(`Dropped "${shown}": not a DNS name.`);
      continue;
    }
    const rec = (json as Record<string, unknown>)[rawName];
    if (!isPlainObject(rec)) {
      problem(`Dropped "${shown}": its value must be an object of record types.`);
      continue;
    }
    const target = snapshot[name] ?? (snapshot[name] = Object.create(null) as Record<string, DnsAnswer>);
    for (const rawType of Object.keys(rec)) {
      const type = rawType.toUpperCase();
      if (!TYPES.has(type)) {
        problem(`Dropped ${show(rawType)} records of "${shown}": record type not supported (TXT, A, AAAA, MX, PTR, CNAME, NS).`);
        continue;
      }
      const checked = checkAnswer(type, (rec as Record<string, unknown>)[rawType]);
      if (typeof checked === 'string') {
        problem(`Dropped ${type} records of "${shown}": ${checked}`);
        continue;
      }
      target[type] = checked;
    }
  }
  if (dropped) problems.push(`... and ${dropped} more problems.`);
  if (names.length && !Object.keys(snapshot).length) {
    // nothing usable at all: some other JSON file; its keys are not listed
    return { snapshot, problems: [`Not a DNS snapshot: none of its ${names.length} entr${names.length === 1 ? 'y maps' : 'ies map'} a DNS name to DNS records (like mailauth's --dns-cache file).`] };
  }
  return { snapshot, problems };
}

function checkAnswer(type: string, v: unknown): DnsAnswer | string {
  if (!Array.isArray(v)) return 'the answer must be a list.';
  if (v.length === 0) return 'the answer list is empty (leave the type out for "no such record").';
  if (v.length > SNAPSHOT_LIMITS.maxRecordsPerType) return `more than ${SNAPSHOT_LIMITS.maxRecordsPerType} records.`;
  switch (type) {
    case 'TXT': {
      const out: string[][] = [];
      for (const r of v) {
        // mailauth and dns.promises give one array of character-strings per record; a bare
        // string is read as a record of one string
        const chunks = typeof r === 'string' ? [r] : r;
        if (!Array.isArray(chunks) || chunks.length === 0 || !chunks.every((c) => typeof c === 'string')) {
          return 'each TXT record must be a list of strings.';
        }
        let total = 0;
        for (const c of chunks as string[]) {
          if (c.length > SNAPSHOT_LIMITS.maxTxtChunk) return 'a TXT string is too long.';
          total += c.length;
        }
        if (total > SNAPSHOT_LIMITS.maxTxtRecord) return 'a TXT record is too long.';
        out.push([...(chunks as string[])]);
      }
      return out;
    }
    case 'A':
    case 'AAAA': {
      const want = type === 'A' ? 4 : 6;
      const out: string[] = [];
      for (const r of v) {
        const p = typeof r === 'string' && !r.includes('[') ? parseIp(r) : null;
        // an IPv4-mapped IPv6 address comes back from parseIp as IPv4: not a valid AAAA answer
        if (!p || p.version !== want || (want === 6 && !r.includes(':'))) return `"${show(String(r))}" is not an IPv${want} address.`;
        out.push(p.ip);
      }
      return out;
    }
    case 'MX': {
      const out: Array<{ exchange: string; priority: number }> = [];
      for (const r of v) {
        if (!isPlainObject(r)) return 'each MX record must be {"exchange": name, "priority": number}.';
        const { exchange, priority } = r as { exchange?: unknown; priority?: unknown };
        if (typeof exchange !== 'string' || !(exchange === '' || isDnsName(normalizeName(exchange)))) return 'an MX exchange is not a DNS name.';
        if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority > 65535) return 'an MX priority must be an integer 0-65535.';
        out.push({ exchange: normalizeName(exchange), priority });
      }
      return out;
    }
    default: {
      const out: string[] = [];
      for (const r of v) {
        if (typeof r !== 'string' || !isDnsName(normalizeName(r))) return `"${show(String(r))}" is not a DNS name.`;
        out.push(normalizeName(r));
      }
      return out;
    }
  }
}

/**
 * A resolver answering from a snapshot. `json` is snapshot text, a parsed object or the result of
 * parseDnsSnapshot; it is validated either way (invalid entries are left out).
 */
export function resolverFromSnapshot(json: unknown): DnsResolver {
  let snapshot: DnsSnapshot;
  if (typeof json === 'string') snapshot = parseDnsSnapshot(json).snapshot;
  else if (isPlainObject(json) && 'snapshot' in json && 'problems' in json && Array.isArray((json as { problems: unknown }).problems)) {
    snapshot = validateDnsSnapshot((json as { snapshot: unknown }).snapshot).snapshot;
  } else snapshot = validateDnsSnapshot(json).snapshot;
  return async (name: string, rrtype: string) => {
    const type = String(rrtype).toUpperCase();
    const n = normalizeName(name);
    const rec = Object.prototype.hasOwnProperty.call(snapshot, n) ? snapshot[n] : undefined;
    if (!rec) throw dnsError('ENOTFOUND', type, n);
    const ans = Object.prototype.hasOwnProperty.call(rec, type) ? rec[type] : undefined;
    if (!ans) throw dnsError('ENODATA', type, n);
    return JSON.parse(JSON.stringify(ans)) as DnsAnswer;
  };
}

/** Snapshot as text, names sorted, ready to write to a --record-dns file. */
export function formatDnsSnapshot(snapshot: DnsSnapshot): string {
  const sorted: Record<string, Record<string, DnsAnswer>> = Object.create(null);
  for (const name of Object.keys(snapshot).sort()) {
    const rec: Record<string, DnsAnswer> = Object.create(null);
    for (const t of Object.keys(snapshot[name]).sort()) rec[t] = snapshot[name][t];
    sorted[name] = rec;
  }
  return toJsonText(sorted, 2) + '\n';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A name or type from the file, for a message: one line, controls and bidi characters marked, bounded. */
function show(s: string): string {
  return displayText(s, 80);
}
