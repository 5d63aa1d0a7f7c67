/**
 * Remedies: for each finding that has a fix, generate it from the facts in the message. Every
 * value placed into PowerShell goes through ./powershell (validation + quoting); IPs are
 * re-serialised from parsed addresses; nothing generated is ever executed by the product.
 *
 * Generators (id → file):
 *   efc-verify, efc-skip-last-ip, efc-skip-ips, efc-pilot-users   ./efc.ts
 *   lockdown-connector, lockdown-certificate, reject-direct-send  ./lockdown.ts, ./direct-send.ts
 *   arc-trusted-sealer                                            ./arc.ts
 *   gmail-inbound-gateway                                         ./gmail.ts
 *   device-relay-connector, device-relay-certificate,
 *   spf-record-relay                                              ./relay.ts
 *   remove-scl-bypass, remove-ip-allow                            ./cleanup.ts
 * A generator returns null when the message's facts do not support it (wrong receiver, no IP, …).
 * Every sentence comes from a sourced statement record (./statements.ts, through ./say.ts); the
 * remedies come out ordered by how well they fit the message, the best first.
 */
import type { Analysis, Remedy, RemedyKind } from '../types';
import { defaultKb, type RemedyKb } from './kb-port';
import { fitRank, KIND_OF, REMEDY_IDS, remedyTitleWords } from './draft';
import { type Facts, gatherFacts } from './facts';
import { say, takeUsed } from './say';
import { efcPilotUsers, efcSkipIps, efcSkipLastIp, efcVerify } from './efc';
import { lockdownCertificate, lockdownConnector } from './lockdown';
import { arcTrustedSealer } from './arc';
import { gmailInboundGateway } from './gmail';
import { deviceRelayCertificate, deviceRelayConnector, spfRecordRelay } from './relay';
import { rejectDirectSend } from './direct-send';
import { removeIpAllow, removeSclBypass } from './cleanup';

export type { RemedyOptions } from './options';
import type { RemedyOptions } from './options';

type Generator = (f: Facts, options: RemedyOptions, kb: RemedyKb) => Remedy | null;

const GENERATORS: Record<string, Generator> = {
  'efc-verify': efcVerify,
  'efc-skip-last-ip': efcSkipLastIp,
  'efc-skip-ips': efcSkipIps,
  'efc-pilot-users': efcPilotUsers,
  'lockdown-connector': lockdownConnector,
  'lockdown-certificate': lockdownCertificate,
  'reject-direct-send': rejectDirectSend,
  'arc-trusted-sealer': arcTrustedSealer,
  'gmail-inbound-gateway': gmailInboundGateway,
  'device-relay-connector': deviceRelayConnector,
  'device-relay-certificate': deviceRelayCertificate,
  'spf-record-relay': spfRecordRelay,
  'remove-scl-bypass': removeSclBypass,
  'remove-ip-allow': removeIpAllow,
};

/** Every remedy id, in output order. */
export const REMEDY_ID_LIST: readonly string[] = REMEDY_IDS;

/** The kind of a remedy id, or undefined for an unknown id. */
export function remedyKind(id: string): RemedyKind | undefined {
  return Object.prototype.hasOwnProperty.call(KIND_OF, id) ? KIND_OF[id] : undefined;
}

function kbOf(options: RemedyOptions): RemedyKb {
  return options.kb ? { ...defaultKb, ...options.kb } : defaultKb;
}

/** Generate the given remedy ids (unknown ids are ignored; ids whose facts are missing give nothing). */
export function generateByIds(analysis: Analysis, ids: Iterable<string>, options: RemedyOptions = {}): Remedy[] {
  const want = new Set(ids);
  const k = kbOf(options);
  const facts = gatherFacts(analysis, k, options);
  // a consumer mailbox (Outlook.com, gmail.com) has no connectors or settings to change
  if (facts.consumer) return [];
  const out: Remedy[] = [];
  for (const id of REMEDY_IDS) {
    if (!want.has(id)) continue;
    // one generator that fails costs its own remedy, never the analysis: it becomes a problem
    try {
      takeUsed(); // each remedy lists the sources of its own statements only
      const r = GENERATORS[id](facts, options, k);
      if (r) out.push(r);
    } catch (e) {
      if (Array.isArray(analysis.problems)) {
        analysis.problems.push({ code: 'remedy-failed', severity: 'warning', message: say('problem.remedyFailed', { title: remedyTitleWords(id), reason: String((e as Error)?.message ?? e).slice(0, 200) }) });
      }
    }
  }
  takeUsed();
  // the best fit first (recommended, then the ones to confirm, alternatives, clean-up, misfits),
  // the usual order within the same fit
  return out.map((r, i) => ({ r, i })).sort((a, b) => fitRank(a.r) - fitRank(b.r) || a.i - b.i).map((x) => x.r);
}

/** The remedies the findings ask for (Finding.remedies), in a stable order. */
export function generateRemedies(analysis: Analysis, options: RemedyOptions = {}): Remedy[] {
  const ids = new Set<string>();
  for (const f of Array.isArray(analysis.findings) ? analysis.findings : []) {
    for (const id of Array.isArray(f.remedies) ? f.remedies : []) if (typeof id === 'string') ids.add(id);
  }
  return ids.size ? generateByIds(analysis, ids, options) : [];
}

/**
 * For `fix --kind`: without a kind, what the findings ask for, generated with these options (the
 * remedies already in the analysis when it has no findings, e.g. one read back from JSON). With a
 * kind, those of that kind the findings ask for; when they asked for none of it, every generator
 * of that kind is run on the message's facts (each gives nothing where its facts are missing).
 */
export function selectRemedies(analysis: Analysis, kind?: RemedyKind, options: RemedyOptions = {}): Remedy[] {
  const asked = new Set<string>();
  for (const f of Array.isArray(analysis.findings) ? analysis.findings : []) {
    for (const id of Array.isArray(f.remedies) ? f.remedies : []) if (typeof id === 'string' && KIND_OF[id]) asked.add(id);
  }
  const existing = Array.isArray(analysis.remedies) ? analysis.remedies : [];
  if (!kind) return asked.size ? generateByIds(analysis, asked, options) : existing;
  const ofKind = [...asked].filter((id) => KIND_OF[id] === kind);
  if (ofKind.length) return generateByIds(analysis, ofKind, options);
  const existingOfKind = existing.filter((r) => r.kind === kind);
  if (existingOfKind.length && !asked.size) return existingOfKind;
  return generateByIds(
    analysis,
    REMEDY_IDS.filter((id) => KIND_OF[id] === kind),
    options,
  );
}

export type { RemedyKb } from './options';
