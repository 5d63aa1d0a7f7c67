/**
 * The options each command accepts, and the run's settings from them and the configuration file:
 * engine options, DNS, jobs, extensions, progress and stats. Option values are checked here; every
 * value quoted back in an error or warning passes through safe().
 */
import * as os from 'node:os';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../node/read';
import { checkConnectorName, checkDomain } from '../core/remedy/powershell';
import { TOOL_NAME } from '../core/version';
import { UsageError, str, list, bool, type FlagSpec, type ParsedArgs } from './args';
import { safe } from './format-text';
import { checkTrustedRelay, loadConfig, MAX_HEADER_FIELDS, MIN_HEADER_FIELDS, type CliConfig } from './config';
import { parseExtensions, DEFAULT_EXTENSIONS } from './inputs';
import { resolveDns, type ResolvedDns } from './dns-setup';
import type { EngineOptions } from './engine';
import type { Io } from './io';

const COMMON_FLAGS: Record<string, FlagSpec> = {
  help: { short: 'h' },
  'trusted-relay': { value: true, repeat: true },
  'receiving-domain': { value: true, repeat: true },
  dns: { value: true },
  'dns-server': { value: true },
  'record-dns': { value: true },
  config: { value: true },
  'no-config': {},
  jobs: { value: true, short: 'j' },
  ext: { value: true },
  'follow-symlinks': {},
  'max-header-fields': { value: true },
  'no-progress': {},
  stats: {},
};

export const ANALYZE_FLAGS: Record<string, FlagSpec> = { ...COMMON_FLAGS, json: {}, markdown: {}, sarif: {}, html: {}, redact: { value: true }, color: {}, 'no-color': {} };
export const COMPARE_FLAGS: Record<string, FlagSpec> = { ...COMMON_FLAGS, json: {} };
export const FIX_FLAGS: Record<string, FlagSpec> = {
  ...COMMON_FLAGS,
  kind: { value: true },
  connector: { value: true },
  'connector-state': { value: true },
  'connector-efc': { value: true },
  'certificate-name': { value: true },
  cloud: { value: true },
};

export interface Settings {
  engine: EngineOptions;
  dns: ResolvedDns;
  config?: CliConfig;
  jobs: number;
  extensions: string[];
  followSymlinks: boolean;
  progress: boolean;
  stats: boolean;
}

function uniqueList(...lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}

export async function settingsFrom(a: ParsedArgs, io: Io): Promise<Settings> {
  const config = await loadConfig({ cwd: io.cwd, explicit: str(a, 'config'), disabled: bool(a, 'no-config') });
  // a configuration file can change generated scripts (trusted relays, connector name): say which one
  if (config) io.err(`${TOOL_NAME}: settings from ${safe(config.file, 500)}`);
  for (const w of config?.warnings ?? []) io.err(`${TOOL_NAME}: warning: ${safe(w, 500)}`);

  const relays = list(a, 'trusted-relay').map((r) => {
    const ok = checkTrustedRelay(r);
    if (ok === undefined) throw new UsageError(`--trusted-relay "${safe(r, 80)}" is not an IP address, CIDR block, a-b range or host name pattern`);
    return ok;
  });
  const domains = list(a, 'receiving-domain').map((d) => {
    const c = checkDomain(d);
    if (!c.ok) throw new UsageError(`--receiving-domain "${safe(d, 80)}": ${c.reason}`);
    return c.value;
  });
  let jobs = Math.max(1, Math.min(os.availableParallelism(), 8));
  const j = str(a, 'jobs');
  if (j !== undefined) {
    if (!/^[0-9]{1,3}$/.test(j) || Number(j) < 1 || Number(j) > 256) throw new UsageError('--jobs must be a number from 1 to 256');
    jobs = Number(j);
  }
  let extensions = [...DEFAULT_EXTENSIONS];
  const e = str(a, 'ext');
  if (e !== undefined) {
    const parsed = parseExtensions(e);
    if (!parsed) throw new UsageError('--ext must be a comma-separated list of file extensions, e.g. eml,txt');
    extensions = parsed;
  }
  let maxHeaderFields = config?.maxHeaderFields;
  const mhf = str(a, 'max-header-fields');
  if (mhf !== undefined) {
    if (!/^[0-9]{1,6}$/.test(mhf) || Number(mhf) < MIN_HEADER_FIELDS || Number(mhf) > MAX_HEADER_FIELDS) {
      throw new UsageError(`--max-header-fields must be a whole number from ${MIN_HEADER_FIELDS} to ${MAX_HEADER_FIELDS}`);
    }
    maxHeaderFields = Number(mhf);
  }
  let connectorName = config?.connectorName;
  const c = str(a, 'connector');
  if (c !== undefined) {
    const checked = checkConnectorName(c);
    if (!checked.ok) throw new UsageError(`--connector: ${checked.reason}`);
    connectorName = checked.value;
  }
  const dns = await resolveDns({ dns: str(a, 'dns'), dnsServer: str(a, 'dns-server'), recordDns: str(a, 'record-dns') }, config, io.cwd);
  for (const w of dns.warnings) io.err(`${TOOL_NAME}: warning: ${safe(w, 500)}`);
  return {
    engine: {
      trustedRelays: uniqueList(config?.trustedRelays ?? [], relays),
      trustedRelaysSource: [config?.trustedRelays.length ? `configuration file ${config.file}` : '', relays.length ? 'the --trusted-relay option' : ''].filter(Boolean).join(' and ') || 'the --trusted-relay option',
      receivingDomains: uniqueList(config?.receivingDomains ?? [], domains),
      ...(connectorName ? { connectorName } : {}),
      ...(config?.slowHopMinutes !== undefined ? { slowHopMs: config.slowHopMinutes * 60000 } : {}),
      maxMessageBytes: config?.maxMessageSizeMB !== undefined ? Math.round(config.maxMessageSizeMB * 1048576) : DEFAULT_MAX_MESSAGE_BYTES,
      ...(maxHeaderFields !== undefined ? { maxHeaderFields } : {}),
    },
    dns,
    config,
    jobs,
    extensions,
    followSymlinks: bool(a, 'follow-symlinks'),
    progress: !bool(a, 'no-progress'),
    stats: bool(a, 'stats'),
  };
}
