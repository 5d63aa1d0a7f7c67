/**
 * The live DNS resolver for the verifier (CLI and extension host; the engine itself does no I/O).
 * A node:dns Resolver with its own timeout and retry count and, optionally, one server address
 * ("host:port", "[v6]:port", or a bare IP for port 53). Answers have the dns.promises.resolve()
 * shape mailauth expects; failures keep Node's error codes (ENOTFOUND, ENODATA, ETIMEOUT, ...).
 */
import { promises as dnsPromises } from 'node:dns';
import type { DnsResolver } from '../core/verify/resolver';
import { parseIp } from '../core/net/ip';
import { displayText } from '../core/present/text';

export interface LiveResolverOptions {
  /** DNS server as "host:port" (IP literal), "[ipv6]:port" or a bare IP. Default: the system's servers. */
  server?: string;
  /** Timeout of one try in milliseconds (Node doubles it on each retry). Default 2000. */
  timeoutMs?: number;
  /** Tries per query. Default 2. */
  tries?: number;
  /** Hard limit for one lookup including retries, in milliseconds. Default timeoutMs * (2^tries). */
  maxLookupMs?: number;
}

export interface LiveResolver {
  resolve: DnsResolver;
  /** The server in use ("127.0.0.1:5353"), or null for the system's servers. */
  server: string | null;
  /** Cancels every outstanding query (they fail with ECANCELLED). */
  cancel(): void;
}

const TYPES = new Set(['A', 'AAAA', 'TXT', 'MX', 'PTR', 'CNAME', 'NS']);

/** Parses "host:port" / "[v6]:port" / bare IP into the form Resolver.setServers() takes. Throws with one clear sentence. */
export function parseServerAddress(text: string): { host: string; port: number; server: string } {
  const s = String(text ?? '').trim();
  const shown = displayText(s, 80);
  let host: string;
  let portText: string | undefined;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close === -1) throw new Error(`Invalid DNS server "${shown}": missing "]".`);
    host = s.slice(1, close);
    const rest = s.slice(close + 1);
    if (rest) {
      if (!rest.startsWith(':')) throw new Error(`Invalid DNS server "${shown}": expected ":port" after "]".`);
      portText = rest.slice(1);
    }
  } else {
    const colons = s.split(':').length - 1;
    if (colons === 1) {
      const i = s.indexOf(':');
      host = s.slice(0, i);
      portText = s.slice(i + 1);
    } else host = s; // bare IPv4, or bare IPv6 (several colons)
  }
  const ip = parseIp(host);
  if (!ip) throw new Error(`Invalid DNS server "${shown}": the host must be an IP address (e.g. 127.0.0.1:5353 or [::1]:53).`);
  let port = 53;
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new Error(`Invalid DNS server "${shown}": the port must be a number from 1 to 65535.`);
    }
    port = Number(portText);
  }
  const server = ip.version === 6 ? `[${ip.ip}]:${port}` : `${ip.ip}:${port}`;
  return { host: ip.ip, port, server };
}

/** A live resolver. Throws only for an invalid server address. */
export function createLiveResolver(options: LiveResolverOptions = {}): LiveResolver {
  const timeout = clampInt(options.timeoutMs, 2000, 50, 60000);
  const tries = clampInt(options.tries, 2, 1, 5);
  const maxLookupMs = clampInt(options.maxLookupMs, timeout * 2 ** tries, 100, 300000);
  const r = new dnsPromises.Resolver({ timeout, tries });
  let server: string | null = null;
  if (options.server !== undefined && options.server !== '') {
    server = parseServerAddress(options.server).server;
    r.setServers([server]);
  }
  const resolve: DnsResolver = (name: string, rrtype: string) => {
    const type = String(rrtype).toUpperCase();
    if (!TYPES.has(type)) return Promise.reject(codeError('ENOTIMP', `query type ${type} not supported`));
    if (typeof name !== 'string' || name.length === 0 || name.length > 255) return Promise.reject(codeError('EBADNAME', `bad name`));
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(codeError('ETIMEOUT', `query${type} ETIMEOUT ${name}`)), maxLookupMs);
      timer.unref?.();
    });
    const q = (r.resolve as (n: string, t: string) => Promise<unknown>)(name, type);
    q.catch(() => undefined);
    return Promise.race([q, limit]).finally(() => clearTimeout(timer));
  };
  return { resolve, server, cancel: () => r.cancel() };
}

function codeError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

function clampInt(v: number | undefined, dflt: number, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) return dflt;
  return Math.min(max, Math.max(min, Math.round(v)));
}
