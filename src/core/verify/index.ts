/**
 * Re-verification with mailauth behind a DNS port. Modes: off (default; no lookup leaves the
 * process), recorded (answers from a snapshot), live (a resolver the caller injects).
 */
import type { Analysis, DnsMode, Verification } from '../types';

/** Same contract as dns.promises.resolve(name, rrtype); errors carry `code`. */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

export interface VerifyOptions {
  dnsMode?: DnsMode;
  /** Required for 'recorded' and 'live'; ignored for 'off'. */
  resolver?: DnsResolver;
}

export async function verifyMessage(_bytes: Uint8Array, _analysis: Analysis, options: VerifyOptions = {}): Promise<Verification> {
  return { dnsMode: options.dnsMode ?? 'off', dkim: [], arc: null, spf: [], dmarc: null, lookups: [], notes: [] };
}
