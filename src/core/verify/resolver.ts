/**
 * The DNS port of the verifier. A resolver has the contract of `dns.promises.resolve(name, rrtype)`:
 * TXT answers are string[][], A/AAAA/PTR/CNAME/NS string[], MX {exchange, priority}[]; failures are
 * errors with a `code` (ENOTFOUND = no such name, ENODATA = no record of that type, anything else
 * a DNS failure). No function here opens a socket: the live resolver lives in src/node/dns.ts.
 */
import type { DnsLookup } from '../types';

export type DnsAnswer = string[][] | string[] | Array<{ exchange: string; priority: number }>;

/** name → record type → answer. Objects have no prototype (names like "__proto__" are data). */
export type DnsSnapshot = Record<string, Record<string, DnsAnswer>>;

/** Same contract as dns.promises.resolve(name, rrtype); errors carry `code`. */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

/** The code every lookup fails with when DNS is off. */
export const OFFLINE_CODE = 'EOFFLINE';

export interface DnsError extends Error {
  code: string;
}

export function dnsError(code: string, rrtype: string, name: string): DnsError {
  return Object.assign(new Error(`query${rrtype} ${code} ${name}`), { code });
}

/** A resolver that fails every query with EOFFLINE and never touches the network. */
export function offlineResolver(): DnsResolver {
  return (name: string, rrtype: string) => Promise.reject(dnsError(OFFLINE_CODE, String(rrtype), String(name)));
}

/** Lower-case, no trailing dot: how names are compared and stored. */
export function normalizeName(name: string): string {
  let n = String(name).toLowerCase();
  while (n.endsWith('.')) n = n.slice(0, -1);
  return n;
}

export function outcomeOf(code: string | undefined): DnsLookup['outcome'] {
  switch (code) {
    case 'ENOTFOUND':
      return 'nxdomain';
    case 'ENODATA':
      return 'nodata';
    case OFFLINE_CODE:
      return 'offline';
    default:
      return 'error';
  }
}

/** True for the codes that mean "the record does not exist" (conclusive), not "could not ask". */
export function isNoRecord(code: string | undefined): boolean {
  return code === 'ENOTFOUND' || code === 'ENODATA';
}

export interface RecordingResolver {
  /** Pass this to mailauth (or verifyMessage); it caches and records. */
  resolver: DnsResolver;
  /** Every distinct lookup, in the order first asked, with its outcome. */
  lookups: DnsLookup[];
  /** The answered lookups in mailauth's --dns-cache shape (names that do exist without the type: `{}`). */
  snapshot(): DnsSnapshot;
}

const MAX_CACHED = 10000;
/** Distinct lookups one verification may send (SPF alone may use 10 per evaluation). */
export const DEFAULT_MAX_LOOKUPS = 100;
/** The code of lookups refused because the budget was spent. */
export const LIMIT_CODE = 'ELOOKUPLIMIT';

/**
 * Wraps a resolver: every distinct (name, type) is asked once (mailauth asks for an ARC key twice:
 * for the message signature and for the seal), and each lookup and its outcome is recorded.
 */
export function recordingResolver(inner: DnsResolver, options: { maxLookups?: number } = {}): RecordingResolver {
  const cache = new Map<string, Promise<unknown>>();
  const lookups: DnsLookup[] = [];
  const maxLookups = options.maxLookups ?? DEFAULT_MAX_LOOKUPS;
  let refused = 0;

  const resolver: DnsResolver = (name: string, rrtype: string) => {
    const type = String(rrtype).toUpperCase();
    const norm = normalizeName(name);
    const key = `${type} ${norm}`;
    const hit = cache.get(key);
    if (hit) return hit.then(clone);
    if (lookups.length >= maxLookups) {
      // a message crafted to make the analyst's machine send many queries stops here
      if (refused++ === 0) lookups.push({ name: norm, type, outcome: 'error', error: `${LIMIT_CODE}: more than ${maxLookups} DNS lookups for one message; the rest were not sent` });
      return Promise.reject(dnsError(LIMIT_CODE, type, norm));
    }
    const entry: DnsLookup = { name: norm, type, outcome: 'error' };
    lookups.push(entry);
    let p: Promise<unknown>;
    try {
      p = Promise.resolve(inner(name, type));
    } catch (e) {
      p = Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    const recorded = p.then(
      (answer) => {
        if (Array.isArray(answer) && answer.length === 0) {
          entry.outcome = 'nodata';
          throw dnsError('ENODATA', type, norm);
        }
        entry.outcome = 'answer';
        entry.answer = clone(answer);
        return answer;
      },
      (err: unknown) => {
        const code = errorCode(err);
        entry.outcome = outcomeOf(code);
        entry.error = code ?? (err instanceof Error ? err.message : String(err));
        throw err instanceof Error ? err : dnsError(code ?? 'EUNKNOWN', type, norm);
      },
    );
    // nobody may be waiting yet when it fails
    recorded.catch(() => undefined);
    if (cache.size < MAX_CACHED) cache.set(key, recorded);
    return recorded.then(clone);
  };

  const snapshot = (): DnsSnapshot => {
    const out = Object.create(null) as DnsSnapshot;
    for (const l of lookups) {
      if (l.outcome === 'answer') {
        const rec = out[l.name] ?? (out[l.name] = Object.create(null) as Record<string, DnsAnswer>);
        rec[l.type] = clone(l.answer) as DnsAnswer;
      } else if (l.outcome === 'nodata') {
        if (!out[l.name]) out[l.name] = Object.create(null) as Record<string, DnsAnswer>;
      }
    }
    return out;
  };

  return { resolver, lookups, snapshot };
}

export function errorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err) {
    const c = (err).code;
    if (typeof c === 'string' && c) return c;
  }
  return undefined;
}

function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as unknown as T;
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (k !== '__proto__') o[k] = clone(x);
    return o as T;
  }
  return v;
}
