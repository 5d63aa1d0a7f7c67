/**
 * SPF what-if: evaluates the MAIL FROM domain's SPF record for the IPs the trust boundary found,
 * the original sender's IP (as the first relay saw it) and the connecting relay's IP (what the
 * receiver actually evaluated). Needs DNS answers (recorded or live).
 */
import type { Analysis, SpfWhatIf } from '../types';
import { parseIp } from '../net/ip';
import { mailauth } from './mailauth';
import type { DnsResolver } from './resolver';

/** The name written into SPF comments instead of the local host name. */
export const MTA_NAME = 'mailflow-lens';

export interface MailFrom {
  address: string;
  /** Where it came from, in words. */
  source: string;
}

const MAX_ADDRESS = 320;

/** A plausible address (local@domain), angle brackets and whitespace removed; undefined otherwise. */
export function cleanAddress(text: string | undefined): string | undefined {
  if (!text) return undefined;
  let s = text.trim();
  if (s.startsWith('<') && s.endsWith('>')) s = s.slice(1, -1).trim();
  if (!s || s.length > MAX_ADDRESS) return undefined;
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x3c || c === 0x3e || c === 0x2c || c === 0x3b) return undefined;
  }
  return s.slice(0, at) + '@' + s.slice(at + 1).toLowerCase();
}

/** The envelope sender (MAIL FROM) as best the headers tell it. */
export function mailFromOf(analysis: Analysis): MailFrom | undefined {
  const rp = cleanAddress(analysis.summary.returnPath);
  if (rp) return { address: rp, source: 'Return-Path' };
  const hops = analysis.hops;
  const entry = analysis.boundary.entryHopIndex;
  const order = entry !== null && hops[entry] ? [hops[entry], ...[...hops].reverse()] : [...hops].reverse();
  for (const h of order) {
    const a = cleanAddress(h.envelopeFrom);
    if (a) return { address: a, source: `the envelope-from of Received hop ${h.index + 1}` };
  }
  for (const r of analysis.receivedSpf) {
    const a = cleanAddress(r.parsed.envelopeFrom);
    if (a) return { address: a, source: 'Received-SPF envelope-from' };
  }
  const fd = analysis.summary.fromDomain;
  if (fd) return { address: `postmaster@${fd.toLowerCase()}`, source: 'the From domain (no envelope sender in the headers)' };
  return undefined;
}

export interface SpfContext {
  analysis: Analysis;
  resolver: DnsResolver;
  mailFrom: MailFrom | undefined;
  notes: string[];
}

export async function spfWhatIf(ctx: SpfContext): Promise<SpfWhatIf[]> {
  const { analysis, mailFrom, notes } = ctx;
  const out: SpfWhatIf[] = [];
  if (!mailFrom) {
    notes.push('SPF what-if was skipped: the headers name no envelope sender (Return-Path) and no From domain.');
    return out;
  }
  const b = analysis.boundary;
  const original = parseIp(b.originalSenderIp)?.ip;
  const relay = parseIp(b.connectingIp)?.ip;
  const originalHelo = b.originalSenderHopIndex !== null ? analysis.hops[b.originalSenderHopIndex]?.from.helo : undefined;
  const jobs: Array<{ ip: string; role: SpfWhatIf['role']; helo?: string }> = [];
  if (original) jobs.push({ ip: original, role: 'original-sender', helo: originalHelo });
  if (relay && relay !== original) jobs.push({ ip: relay, role: 'connecting-relay', helo: b.connectingHelo ?? undefined });
  if (!jobs.length) {
    notes.push('SPF what-if was skipped: no sender or relay IP address could be read from the Received fields.');
    return out;
  }
  for (const j of jobs) {
    try {
      const r = await mailauth().spf.spf({ sender: mailFrom.address, ip: j.ip, helo: j.helo, mta: MTA_NAME, resolver: ctx.resolver });
      const who = j.role === 'original-sender' ? 'the original sender' : 'the connecting relay (what the receiver evaluated)';
      const w: SpfWhatIf = {
        ip: j.ip,
        role: j.role,
        result: r.status.result,
        detail: `SPF for ${mailFrom.address} (from ${mailFrom.source}) with ${who} ${j.ip}: ${r.status.result}${r.status.comment ? ` (${r.status.comment})` : ''}.${r.rr ? ` Record: ${r.rr}` : ''}`,
      };
      if (r.domain) w.domain = r.domain;
      out.push(w);
    } catch (e) {
      out.push({
        ip: j.ip,
        role: j.role,
        result: 'error',
        detail: `SPF could not be evaluated: ${e instanceof Error ? e.message : String(e)}`,
        domain: mailFrom.address.slice(mailFrom.address.lastIndexOf('@') + 1),
      });
    }
  }
  return out;
}
