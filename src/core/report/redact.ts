/**
 * Masking personal data in an Analysis before a report leaves the analyst's machine (a ticket with
 * the gateway vendor, a forum post).
 *
 *  - `local-parts`: the part before the @ of every address becomes `user-1`, `user-2`, … and every
 *    display name from the address fields becomes `person-1`, …; domains, hosts and IPs stay, so
 *    the report still says which organisations and systems were involved.
 *  - `full`: as above, plus the subject and every domain and host name that is not Microsoft's,
 *    Google's or a known filtering gateway's (from the knowledge base): `northwindtraders.com`
 *    becomes `domain-1.example`, `mail.northwindtraders.com` `host-1.domain-1.example`, a tenant's
 *    `contoso.onmicrosoft.com` `tenant-1.onmicrosoft.com`.
 *
 * IP addresses are kept in both modes: the fix (EFSkipIPs, a connector's IPs) is built from them.
 * The same value gets the same pseudonym everywhere in one report, numbered in the order the
 * message's sender, recipients and then everything else mention them.
 *
 * Every string in the Analysis goes through the same scanner (a hand-written linear pass, no
 * regular expression over the text), so a value that a renderer later prints from any field is
 * masked too. Deterministic; pure.
 */
import addressparser = require('nodemailer/lib/addressparser');
import type { Analysis } from '../types';
import { PROVIDER_HOSTS } from '../net/kb/providers';
import { VENDORS } from '../net/kb/vendors';

export type RedactionMode = 'none' | 'local-parts' | 'full';

export const REDACTION_MODES: readonly RedactionMode[] = ['none', 'local-parts', 'full'];

export interface RedactionOptions {
  /** More domains to leave as they are in `full` mode (e.g. a gateway the knowledge base lacks). */
  keepDomains?: string[];
}

export interface Redactor {
  readonly mode: RedactionMode;
  text(s: string): string;
}

/** Domains (and everything below them) that `full` keeps: Microsoft, Google, the gateway vendors. */
const BASE_KEEP = [
  'microsoft.com',
  'outlook.com',
  'office365.com',
  'office.com',
  'microsoftonline.com',
  'onmicrosoft.com',
  'exchangelabs.com',
  'windows.net',
  'mx.microsoft',
  'hotmail.com',
  'live.com',
  'google.com',
  'gmail.com',
  'googlemail.com',
  'googleusercontent.com',
  'gappssmtp.com',
  '1e100.net',
  'example',
  'invalid',
];

/** Suffixes whose next label names a customer (tenant), masked in `full` mode. */
const TENANT_SUFFIXES = ['onmicrosoft.com', 'gappssmtp.com'];

/** Second-level labels under which a registrable domain has three labels (co.uk, com.au, …). */
const SECOND_LEVEL = new Set(['co', 'com', 'net', 'org', 'gov', 'ac', 'edu', 'ltd', 'plc', 'ne', 'or', 'go', 'gv', 'mil']);

/** Words that look like domains but are file names. */
const FILE_EXTENSIONS = new Set(['eml', 'msg', 'txt', 'md', 'html', 'htm', 'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'csv', 'json', 'xml', 'zip', 'png', 'jpg', 'jpeg', 'gif', 'ps1', 'psm1', 'js', 'ts', 'exe', 'sarif', 'log']);

const MAX_NAMES = 200;

/** Display names of services, not people: left alone (they also occur in the tool's own sentences). */
const SERVICE_NAME = /microsoft|office 365|outlook|exchange|google|gmail|proofpoint|mimecast|barracuda|postmaster|mailer-daemon|no-?reply/i;

function keepSuffixes(extra: string[] = []): string[] {
  const out = new Set<string>(BASE_KEEP);
  const add = (p: string | undefined) => {
    if (!p) return;
    const s = p.trim().toLowerCase().replace(/^\*\./, '');
    if (s && !s.includes('*')) out.add(s);
  };
  for (const h of PROVIDER_HOSTS) add(h.pattern);
  for (const v of VENDORS) {
    for (const h of v.hosts) add(h.pattern);
    for (const h of v.authservIds) add(h.pattern);
    for (const h of v.dkimDomains) add(h.pattern);
    for (const s of v.arcSealers) add(s.domain);
    for (const u of v.urlRewrites) add(u.pattern.split('/')[0]);
  }
  for (const d of extra) add(d);
  return [...out];
}

function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isAlnum(c: number): boolean {
  return isAlpha(c) || (c >= 48 && c <= 57);
}

/** Characters of a token: letters, digits and . _ % + - @ (what addresses and host names are made of). */
function isTokenChar(c: number): boolean {
  return isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45 || c === 64;
}

/** A DNS name with at least two labels and an alphabetic top-level label (so not an IP or a version). */
function isDomain(s: string): boolean {
  if (s.length < 4 || s.length > 253) return false;
  const labels = s.split('.');
  if (labels.length < 2) return false;
  for (const l of labels) {
    if (!l || l.length > 63) return false;
    // _dmarc, _domainkey and selectors may start with '_'
    if (!(isAlnum(l.charCodeAt(0)) || l.charCodeAt(0) === 95) || !isAlnum(l.charCodeAt(l.length - 1))) return false;
    for (let i = 0; i < l.length; i++) {
      const c = l.charCodeAt(i);
      if (!isAlnum(c) && c !== 45 && c !== 95) return false;
    }
  }
  const tld = labels[labels.length - 1];
  if (tld.length < 2 || tld.length > 24) return false;
  for (let i = 0; i < tld.length; i++) if (!isAlpha(tld.charCodeAt(i))) return false;
  return !FILE_EXTENSIONS.has(tld.toLowerCase());
}

class Pseudonyms {
  private readonly map = new Map<string, string>();
  constructor(private readonly prefix: string) {}
  get(key: string): string {
    let v = this.map.get(key);
    if (!v) this.map.set(key, (v = `${this.prefix}-${this.map.size + 1}`));
    return v;
  }
}

export function createRedactor(mode: RedactionMode, options: RedactionOptions = {}): Redactor & { addName(name: string): void; addSecret(text: string, replacement: string): void } {
  const keep = keepSuffixes(options.keepDomains);
  const users = new Pseudonyms('user');
  const people = new Pseudonyms('person');
  const bases = new Pseudonyms('domain');
  const hosts = new Map<string, Pseudonyms>();
  const tenants = new Pseudonyms('tenant');
  const secrets: Array<[string, string]> = [];

  const kept = (d: string) => keep.some((k) => d === k || d.endsWith(`.${k}`));

  const maskDomain = (domain: string): string => {
    const d = domain.toLowerCase();
    for (const t of TENANT_SUFFIXES) {
      if (d.endsWith(`.${t}`)) return `${tenants.get(d.slice(0, -t.length - 1))}.${t}`;
    }
    if (d.endsWith('.mail.protection.outlook.com')) {
      // a tenant's MX (contoso-com.mail.protection.outlook.com) names the customer; EOP's own
      // front ends (BN2PEPF000044A8.mail.protection.outlook.com) have no hyphen
      const label = d.slice(0, -'.mail.protection.outlook.com'.length);
      return label.includes('-') || label.includes('.') ? `${tenants.get(label)}.mail.protection.outlook.com` : domain;
    }
    if (kept(d)) return domain;
    const labels = d.split('.');
    const n = labels.length >= 3 && labels[labels.length - 1].length === 2 && SECOND_LEVEL.has(labels[labels.length - 2]) ? 3 : 2;
    const base = labels.slice(-n).join('.');
    const baseName = `${bases.get(base)}.example`;
    if (labels.length === n) return baseName;
    let h = hosts.get(base);
    if (!h) hosts.set(base, (h = new Pseudonyms('host')));
    return `${h.get(d)}.${baseName}`;
  };

  const maskLocal = (local: string, domain: string): string => users.get(`${local.toLowerCase()}@${domain.toLowerCase()}`);

  /** One token (no spaces): an address, a domain, or something else. */
  const token = (tok: string): string => {
    // keep sentence punctuation outside
    let a = 0;
    let b = tok.length;
    while (a < b && (tok[a] === '.' || tok[a] === '-')) a++;
    while (b > a && (tok[b - 1] === '.' || tok[b - 1] === '-')) b--;
    const core = tok.slice(a, b);
    if (!core) return tok;
    const at = core.lastIndexOf('@');
    let out = core;
    if (at >= 0) {
      const local = core.slice(0, at);
      const domain = core.slice(at + 1);
      if (isDomain(domain) && !local.includes('@')) {
        const l = local ? maskLocal(local, domain) : '';
        const d = mode === 'full' ? maskDomain(domain) : domain;
        out = `${l}@${d}`;
      }
    } else if (mode === 'full' && isDomain(core)) {
      out = maskDomain(core);
    } else if (mode === 'full' && core.length > 253) {
      // too long for a DNS name, but its tail may still name someone's domain
      let k = core.indexOf('.', core.length - 253);
      if (k >= 0 && isDomain(core.slice(k + 1))) out = `….${maskDomain(core.slice(k + 1))}`;
      else k = -1;
    }
    return tok.slice(0, a) + out + tok.slice(b);
  };

  const scan = (s: string): string => {
    let out = '';
    let i = 0;
    const n = s.length;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (!isTokenChar(c)) {
        out += s[i++];
        continue;
      }
      let j = i;
      while (j < n && isTokenChar(s.charCodeAt(j))) j++;
      const tok = s.slice(i, j);
      out += tok.includes('.') || tok.includes('@') ? token(tok) : tok;
      i = j;
    }
    return out;
  };

  /** Replaces whole-word occurrences (not inside a longer word: "Lee" is not masked in "Leeds"). */
  const replaceAll = (s: string, find: string, by: string): string => {
    if (!find || !s.includes(find)) return s;
    const wordChar = (c: number) => isAlnum(c) || c > 0x7f;
    const edgeA = wordChar(find.charCodeAt(0));
    const edgeB = wordChar(find.charCodeAt(find.length - 1));
    let out = '';
    let from = 0;
    for (;;) {
      const i = s.indexOf(find, from);
      if (i < 0) break;
      const before = i > 0 ? s.charCodeAt(i - 1) : 32;
      const after = i + find.length < s.length ? s.charCodeAt(i + find.length) : 32;
      if ((edgeA && wordChar(before)) || (edgeB && wordChar(after))) {
        out += s.slice(from, i + 1);
        from = i + 1;
        continue;
      }
      out += s.slice(from, i) + by;
      from = i + find.length;
    }
    return out + s.slice(from);
  };

  return {
    mode,
    text(s: string): string {
      if (mode === 'none' || !s) return s;
      let t = s;
      for (const [find, by] of secrets) t = replaceAll(t, find, by);
      return scan(t);
    },
    addName(name: string): void {
      const n = name.trim();
      if (n.length < 3 || secrets.length >= MAX_NAMES || n.includes('@') || SERVICE_NAME.test(n)) return;
      if (secrets.some(([f]) => f === n)) return;
      secrets.push([n, people.get(n.toLowerCase())]);
      // longer names first, so "Jordan Alvarez" goes before "Jordan"
      secrets.sort((x, y) => y[0].length - x[0].length);
    },
    addSecret(text: string, replacement: string): void {
      const t = text.trim();
      if (t.length < 3 || secrets.length >= MAX_NAMES || secrets.some(([f]) => f === t)) return;
      secrets.push([t, replacement]);
      secrets.sort((x, y) => y[0].length - x[0].length);
    },
  };
}

const ADDRESS_HEADERS = new Set(['from', 'to', 'cc', 'bcc', 'reply-to', 'sender', 'resent-from', 'resent-to', 'resent-cc', 'resent-sender', 'disposition-notification-to', 'delivered-to', 'x-original-to', 'return-path', 'x-ms-exchange-organization-originalsender']);

function displayNames(text: string): string[] {
  const out: string[] = [];
  let parsed: ReturnType<typeof addressparser>;
  try {
    parsed = addressparser(text.length > 20000 ? text.slice(0, 20000) : text);
  } catch {
    return out;
  }
  const walk = (list: typeof parsed) => {
    for (const a of list) {
      if (a.name) out.push(a.name);
      if ('group' in a && Array.isArray(a.group)) walk(a.group);
    }
  };
  walk(parsed);
  return out;
}

function deepMap<T>(v: T, f: (s: string) => string, depth = 0): T {
  if (typeof v === 'string') return f(v) as unknown as T;
  if (depth > 64 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return (v as unknown[]).map((x) => deepMap(x, f, depth + 1)) as unknown as T;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = deepMap(x, f, depth + 1);
  return out as T;
}

/**
 * A copy of the analysis with personal data masked (mode `none`: an unchanged deep copy). The
 * sender is user-1 / person-1, then the recipients, then anything else in the order met.
 */
export function redactAnalysis(a: Analysis, mode: RedactionMode, options: RedactionOptions = {}): Analysis {
  if (mode === 'none') return deepMap(a, (s) => s);
  const r = createRedactor(mode, options);
  // names from the address fields, the sender's first
  for (const n of displayNames(a.summary.from ?? '')) r.addName(n);
  for (const f of a.headers) if (ADDRESS_HEADERS.has(f.key)) for (const n of displayNames(f.decoded)) r.addName(n);
  if (mode === 'full') {
    for (const f of a.headers) {
      if (f.key !== 'subject' && f.key !== 'thread-topic') continue;
      r.addSecret(f.decoded, '[subject]');
      r.addSecret(f.unfolded, '[subject]');
      r.addSecret(f.value.trim(), '[subject]');
    }
    if (a.summary.subject) r.addSecret(a.summary.subject, '[subject]');
  }
  for (const s of [a.summary.from, a.summary.returnPath, ...a.summary.to, ...a.summary.cc, ...a.summary.recipients]) if (s) r.text(s);
  const out = deepMap(a, (s) => r.text(s));
  if (mode === 'full' && out.input.name) {
    const name = out.input.name;
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 6 ? name.slice(dot) : '';
    out.input.name = `message${ext}`;
  }
  return out;
}

/** One sentence for the top of a redacted report. */
export function redactionNotice(mode: RedactionMode): string {
  if (mode === 'local-parts') {
    return 'Personal data masked for sharing: the part before the @ of every address (user-1, user-2, …) and display names (person-1, …). Domains, host names and IP addresses are as in the message.';
  }
  if (mode === 'full') {
    return 'Personal data masked for sharing: addresses, display names, the subject, and every domain and host name other than Microsoft\'s, Google\'s and the filtering gateways\' (domain-1.example, host-1.domain-1.example, …). IP addresses are kept: the fix is built from them.';
  }
  return '';
}

/** Parses a user's choice: "local", "local-parts", "full", "none"; undefined when unknown. */
export function parseRedactionMode(text: string): RedactionMode | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'none' || t === 'off') return 'none';
  if (t === 'local' || t === 'local-parts' || t === 'localparts') return 'local-parts';
  if (t === 'full' || t === 'addresses' || t === 'all') return 'full';
  return undefined;
}
