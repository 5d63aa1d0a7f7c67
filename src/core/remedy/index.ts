/**
 * Remedies: for each finding that has a fix, generate it from the facts in the message. Every
 * value placed into PowerShell goes through ./powershell (validation + quoting); IPs are
 * re-serialised from parsed addresses; nothing generated is ever executed by the product.
 *
 * Generators (id → file):
 *   efc-verify, efc-skip-last-ip, efc-skip-ips, efc-pilot-users   ./efc.ts
 *   lockdown-connector, lockdown-certificate                      ./lockdown.ts
 *   arc-trusted-sealer                                            ./arc.ts
 *   gmail-inbound-gateway                                         ./gmail.ts
 *   device-relay-connector, spf-record-relay                      ./relay.ts
 *   remove-scl-bypass, remove-ip-allow                            ./cleanup.ts
 * A generator returns null when the message's facts do not support it (wrong receiver, no IP, …).
 */
import type { Analysis, AnalyzeOptions, Remedy, RemedyKind } from '../types';
import { defaultKb, gatherFacts, KIND_OF, REMEDY_IDS, type Facts, type RemedyKb } from './context';
import { efcPilotUsers, efcSkipIps, efcSkipLastIp, efcVerify } from './efc';
import { lockdownCertificate, lockdownConnector } from './lockdown';
import { arcTrustedSealer } from './arc';
import { gmailInboundGateway } from './gmail';
import { deviceRelayConnector, spfRecordRelay } from './relay';
import { removeIpAllow, removeSclBypass } from './cleanup';

export interface RemedyOptions extends AnalyzeOptions {
  /** Existing inbound connector for the Enhanced Filtering scripts (default "<your inbound connector>"). */
  connectorName?: string;
  /** Name for connectors the scripts create (lock-down, device relay). */
  newConnectorName?: string;
  /** Extra EFSkipIPs entries: single addresses, a-b ranges or CIDR blocks. */
  efSkipIps?: string[];
  /** Merge adjacent/overlapping EFSkipIPs entries into ranges (default false: one entry per address). */
  mergeRanges?: boolean;
  /** Add the gateway vendor's published ranges from the knowledge base (with their source). */
  useVendorRanges?: boolean;
  /** EFUsers for the pilot (default: the message's recipients). */
  pilotUsers?: string[];
  /** Gateway addresses for the lock-down connector and the Gmail inbound gateway. */
  gatewayIps?: string[];
  /** TlsSenderCertificateName for the certificate lock-down (e.g. "*.gateway.example"). */
  certificateName?: string;
  /** The tenant's MX host (default: "<domain-with-dashes>.mail.protection.outlook.com"). */
  mxHost?: string;
  /** The sending domain's current SPF record (else: TXT answers recorded by verification). */
  currentSpf?: string;
  /** The device/application's public IP (else: the address that connected to Microsoft 365). */
  deviceIp?: string;
  /** ARC sealer domains the user vouches for, besides gateway sealers seen in the message. */
  trustedSealers?: string[];
  /** Names of the SCL -1 mail flow rules to disable. */
  sclRuleNames?: string[];
  /** Test hook: replace parts of the knowledge-base port. */
  kb?: Partial<RemedyKb>;
}

type Generator = (f: Facts, options: RemedyOptions, kb: RemedyKb) => Remedy | null;

const GENERATORS: Record<string, Generator> = {
  'efc-verify': efcVerify,
  'efc-skip-last-ip': efcSkipLastIp,
  'efc-skip-ips': efcSkipIps,
  'efc-pilot-users': efcPilotUsers,
  'lockdown-connector': lockdownConnector,
  'lockdown-certificate': lockdownCertificate,
  'arc-trusted-sealer': arcTrustedSealer,
  'gmail-inbound-gateway': gmailInboundGateway,
  'device-relay-connector': deviceRelayConnector,
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
  const facts = gatherFacts(analysis, k);
  // a consumer mailbox (Outlook.com, gmail.com) has no connectors or settings to change
  if (facts.consumer) return [];
  const out: Remedy[] = [];
  for (const id of REMEDY_IDS) {
    if (!want.has(id)) continue;
    // one generator that fails costs its own remedy, never the analysis: it becomes a problem
    try {
      const r = GENERATORS[id](facts, options, k);
      if (r) out.push(r);
    } catch (e) {
      if (Array.isArray(analysis.problems)) {
        analysis.problems.push({ code: 'remedy-failed', severity: 'warning', message: `The ${id} fix could not be generated: ${String((e as Error)?.message ?? e).slice(0, 200)}` });
      }
    }
  }
  // the best fit first: recommended ones, then the others in their usual order
  return out.sort((a, b) => Number(b.recommended === true) - Number(a.recommended === true));
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
 * For `fix --kind`: without a kind, the remedies already in the analysis (what the findings ask
 * for). With a kind, those of that kind; when the findings asked for none of it, every generator
 * of that kind is run on the message's facts (each gives nothing where its facts are missing).
 */
export function selectRemedies(analysis: Analysis, kind?: RemedyKind, options: RemedyOptions = {}): Remedy[] {
  const existing = Array.isArray(analysis.remedies) ? analysis.remedies : [];
  if (!kind) return existing.length ? existing : generateRemedies(analysis, options);
  const ofKind = existing.filter((r) => r.kind === kind);
  if (ofKind.length) return ofKind;
  return generateByIds(
    analysis,
    REMEDY_IDS.filter((id) => KIND_OF[id] === kind),
    options,
  );
}

export type { RemedyKb } from './context';
