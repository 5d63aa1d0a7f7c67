/**
 * One message through the product's engine (DNS off, no network) and through the independent
 * ground truth, reduced to the small record the corpus report is built from.
 */
import { analyze, isMessage } from '../../src/core/analyze';
import { isCompoundFile, readMsg } from '../../src/core/msg/reader';
import { normalizeIp, orgOfHost, truthOf, type Org, type Truth } from './truth';
import { routeOf, type RouteView } from './route';

/** Finding ids / remedy kinds that must never appear for a consumer mailbox (no connectors there). */
export const CONSUMER_FORBIDDEN_FINDINGS = ['spf-evaluated-on-relay', 'gmail-inbound-gateway-missing', 'direct-to-tenant', 'scl-bypass-rule'];
export const CONSUMER_FORBIDDEN_PREFIXES = ['efc-'];
export const CONSUMER_FORBIDDEN_REMEDIES = ['efc', 'lockdown', 'relay'];

export interface MessageResult {
  /** Path relative to the folder (with "#n" for the n-th message of an mbox). */
  file: string;
  /** The first folder under the run's folder ("." for files directly in it). */
  source: string;
  status: 'ok' | 'not-a-message' | 'error' | 'timeout';
  error?: string;
  ms: number;
  truth?: Truth;
  route?: RouteView;
  /** The engine's receiver as an organisation (same naming as the truth). */
  engineOrg?: string;
  /** Finding ids, once each, in order. */
  findings?: string[];
  remedyKinds?: string[];
  problemCodes?: string[];
}

export function isConsumerForbidden(findingId: string): boolean {
  return CONSUMER_FORBIDDEN_FINDINGS.includes(findingId) || CONSUMER_FORBIDDEN_PREFIXES.some((p) => findingId.startsWith(p));
}

/** The engine's receiver in the truth's naming: Microsoft 365, Google, other: <registered domain>. */
export function engineOrgOf(route: RouteView): string {
  if (route.receiverKind === 'exchange-online') return 'Microsoft 365';
  if (route.receiverKind === 'gmail') return 'Google';
  if (route.receiverKind === 'other') return route.receiverName ? orgOfHost(route.receiverName) : 'other: (not named)';
  return 'unknown';
}

export function sameIp(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  return (normalizeIp(a) ?? a) === (normalizeIp(b) ?? b);
}

export type { Org };

/** Analyses one message's bytes (an Outlook .msg is read for its transport headers first). */
export async function analyseMessage(bytes: Uint8Array, file: string, source: string): Promise<MessageResult> {
  const t0 = performance.now();
  const done = (r: Omit<MessageResult, 'ms' | 'file' | 'source'>): MessageResult => ({ file, source, ms: Math.round(performance.now() - t0), ...r });
  let input = bytes;
  if (isCompoundFile(bytes)) {
    const m = readMsg(bytes);
    const err = m.problems.find((p) => p.severity === 'error');
    if (err || m.headersText === undefined) return done({ status: 'not-a-message', error: err?.message ?? 'the .msg holds no transport headers' });
    input = Buffer.from(m.headersText, 'utf8');
  }
  const analysis = await analyze(input, { name: file, dnsMode: 'off' });
  if (!isMessage(analysis)) {
    const p = analysis.problems.find((x) => x.severity === 'error');
    return done({ status: 'not-a-message', error: p?.message ?? 'not an e-mail message' });
  }
  const truth = truthOf(input);
  const route = routeOf(analysis);
  return done({
    status: 'ok',
    truth,
    route,
    engineOrg: engineOrgOf(route),
    findings: [...new Set(analysis.findings.map((f) => f.id))],
    remedyKinds: [...new Set(analysis.remedies.map((r) => r.kind))],
    problemCodes: [...new Set(analysis.problems.map((p) => p.code))],
  });
}
