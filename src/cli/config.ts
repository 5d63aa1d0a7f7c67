/**
 * The CLI's configuration file, `.mailflowlensrc.json`: found by walking up from the current
 * directory (the first one wins), or named with --config, or skipped with --no-config.
 *
 *   {
 *     "trustedRelays": ["148.163.138.0/24", "*.pphosted.com"],
 *     "receivingDomains": ["contoso.com"],
 *     "connectorName": "Inbound from Proofpoint",
 *     "slowHopMinutes": 15,
 *     "maxMessageSizeMB": 64,
 *     "maxHeaderFields": 20000,
 *     "dns": { "mode": "recorded", "snapshotFile": "dns-snapshot.json", "server": "127.0.0.1:5353" }
 *   }
 *
 * The keys mirror the extension's settings (without the `mailflowLens.` prefix). A configuration
 * file can never turn live DNS on: only `--dns live` on the command line does (a file that sits
 * next to untrusted messages must not make the analyst's machine query a sender's domain).
 * `dns.server` is used when --dns live is given; `dns.snapshotFile` is relative to the file.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseIpSpec } from '../core/net/ip';
import { checkConnectorName, checkDomain } from '../core/remedy/powershell';
import { parseServerAddress } from '../node/dns';
import { readWholeFile } from '../node/read';
import { displayText } from '../core/present/text';
import { jsonErrorLocation } from '../core/verify/snapshot';

export const CONFIG_FILE_NAME = '.mailflowlensrc.json';
const MAX_CONFIG_BYTES = 1024 * 1024;

export class ConfigError extends Error {}

/**
 * The range of maxHeaderFields (configuration and --max-header-fields; the extension setting has
 * the same). The default is also the highest value: up to it, any message within the size limit is
 * analysed in seconds and a few hundred MB (npm run bench -- worst); above it, a message of tens
 * of thousands of unreadable fields costs more than that.
 */
export const MIN_HEADER_FIELDS = 100;
export const MAX_HEADER_FIELDS = 20000;

export interface CliConfig {
  /** Absolute path of the file the values came from. */
  file: string;
  trustedRelays: string[];
  receivingDomains: string[];
  connectorName?: string;
  slowHopMinutes?: number;
  maxMessageSizeMB?: number;
  maxHeaderFields?: number;
  dns: {
    /** Only 'off' or 'recorded': a file cannot ask for live DNS. */
    mode?: 'off' | 'recorded';
    /** Absolute path (resolved against the config file's folder). */
    snapshotFile?: string;
    server?: string;
  };
  /** Things that were ignored, one sentence each (printed on stderr). */
  warnings: string[];
}

const KNOWN_KEYS = new Set(['trustedRelays', 'receivingDomains', 'connectorName', 'slowHopMinutes', 'maxMessageSizeMB', 'maxHeaderFields', 'dns', '$schema', 'efcMode']);
const KNOWN_DNS_KEYS = new Set(['mode', 'snapshotFile', 'server']);

/** The nearest `.mailflowlensrc.json` at or above `startDir`, or undefined. */
export async function findConfigFile(startDir: string): Promise<string | undefined> {
  let dir = path.resolve(startDir);
  for (let depth = 0; depth < 256; depth++) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    try {
      const st = await fs.stat(candidate);
      if (st.isFile()) return candidate;
    } catch {
      // not here: keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

/** A trusted relay as the trace accepts it: an IP, CIDR block or a-b range, or a host name / `*.domain` pattern. */
export function checkTrustedRelay(value: string): string | undefined {
  const s = value.trim();
  if (!s) return undefined;
  if (parseIpSpec(s)) return s;
  const d = checkDomain(s, { allowWildcard: true, what: 'host name' });
  return d.ok ? d.value : undefined;
}

function stringList(v: unknown, key: string, file: string, check: (s: string) => string | undefined, what: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ConfigError(`${file}: "${key}" must be a list of strings`);
  if (v.length > 10000) throw new ConfigError(`${file}: "${key}" has more than 10000 entries`);
  const out: string[] = [];
  for (const item of v) {
    if (typeof item !== 'string') throw new ConfigError(`${file}: "${key}" must be a list of strings`);
    const ok = check(item);
    if (ok === undefined) throw new ConfigError(`${file}: "${key}" entry "${displayText(item, 80)}" is not ${what}`);
    out.push(ok);
  }
  return out;
}

function positiveNumber(v: unknown, key: string, file: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new ConfigError(`${file}: "${key}" must be a number from ${min} to ${max}`);
  return v;
}

/** Parses and validates the text of a configuration file. Throws ConfigError with one clear sentence. */
export function parseConfig(text: string, file: string): CliConfig {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    // JSON.parse's message quotes the text around the error (the file may be any file): the position only
    const at = jsonErrorLocation(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) ?? { line: 1, column: 1 };
    throw new ConfigError(`${file}: not valid JSON (line ${at.line}, column ${at.column})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ConfigError(`${file}: must be a JSON object`);
  const o = json as Record<string, unknown>;
  const warnings: string[] = [];
  const keys = Object.keys(o);
  const unknown = keys.filter((k) => !KNOWN_KEYS.has(k));
  if (keys.length && unknown.length === keys.length) {
    // some other JSON file: its keys are not listed
    throw new ConfigError(`${file}: not a ${CONFIG_FILE_NAME} file: none of its ${keys.length} keys is a setting (${[...KNOWN_KEYS].filter((k) => k !== '$schema').join(', ')})`);
  }
  for (const k of unknown.slice(0, 20)) warnings.push(`${file}: unknown key "${displayText(k, 80)}" ignored`);
  if (unknown.length > 20) warnings.push(`${file}: ${unknown.length - 20} more unknown keys ignored`);

  const cfg: CliConfig = {
    file,
    trustedRelays: stringList(o.trustedRelays, 'trustedRelays', file, checkTrustedRelay, 'an IP address, CIDR block, a-b range or host name pattern'),
    receivingDomains: stringList(o.receivingDomains, 'receivingDomains', file, (s) => {
      const d = checkDomain(s);
      return d.ok ? d.value : undefined;
    }, 'a domain name'),
    dns: {},
    warnings,
  };
  if (o.connectorName !== undefined && o.connectorName !== '') {
    const c = checkConnectorName(o.connectorName);
    if (!c.ok) throw new ConfigError(`${file}: "connectorName": ${c.reason}`);
    cfg.connectorName = c.value;
  }
  cfg.slowHopMinutes = positiveNumber(o.slowHopMinutes, 'slowHopMinutes', file, 0, 100000);
  cfg.maxMessageSizeMB = positiveNumber(o.maxMessageSizeMB, 'maxMessageSizeMB', file, 1, 1024);
  const fieldsCap = positiveNumber(o.maxHeaderFields, 'maxHeaderFields', file, MIN_HEADER_FIELDS, MAX_HEADER_FIELDS);
  if (fieldsCap !== undefined && !Number.isInteger(fieldsCap)) throw new ConfigError(`${file}: "maxHeaderFields" must be a whole number`);
  cfg.maxHeaderFields = fieldsCap;

  if (o.dns !== undefined) {
    if (o.dns === null || typeof o.dns !== 'object' || Array.isArray(o.dns)) throw new ConfigError(`${file}: "dns" must be an object`);
    const d = o.dns as Record<string, unknown>;
    for (const k of Object.keys(d).slice(0, 20)) if (!KNOWN_DNS_KEYS.has(k)) warnings.push(`${file}: unknown key "dns.${displayText(k, 80)}" ignored`);
    if (d.mode !== undefined) {
      if (d.mode === 'live') warnings.push(`${file}: "dns.mode": "live" ignored: live DNS is turned on only by --dns live on the command line`);
      else if (d.mode === 'off' || d.mode === 'recorded') cfg.dns.mode = d.mode;
      else throw new ConfigError(`${file}: "dns.mode" must be "off" or "recorded"`);
    }
    if (d.snapshotFile !== undefined && d.snapshotFile !== '') {
      if (typeof d.snapshotFile !== 'string' || d.snapshotFile.length > 4096 || d.snapshotFile.includes('\0')) throw new ConfigError(`${file}: "dns.snapshotFile" must be a file path`);
      cfg.dns.snapshotFile = path.resolve(path.dirname(file), d.snapshotFile);
    }
    if (d.server !== undefined && d.server !== '') {
      if (typeof d.server !== 'string') throw new ConfigError(`${file}: "dns.server" must be text like 127.0.0.1:5353`);
      try {
        cfg.dns.server = parseServerAddress(d.server).server;
      } catch (e) {
        throw new ConfigError(`${file}: "dns.server": ${(e as Error).message}`);
      }
    }
    if (cfg.dns.mode === 'recorded' && !cfg.dns.snapshotFile) throw new ConfigError(`${file}: "dns.mode" is "recorded" but "dns.snapshotFile" is not set`);
  }
  return cfg;
}

export interface LoadConfigOptions {
  cwd: string;
  /** --config FILE */
  explicit?: string;
  /** --no-config */
  disabled?: boolean;
}

/** The configuration in effect, or undefined when there is none. Throws ConfigError. */
export async function loadConfig(o: LoadConfigOptions): Promise<CliConfig | undefined> {
  if (o.disabled) return undefined;
  const file = o.explicit !== undefined ? path.resolve(o.cwd, o.explicit) : await findConfigFile(o.cwd);
  if (!file) return undefined;
  let text: string;
  try {
    // bounded by the size of the open file, never read past it
    text = (await readWholeFile(file, MAX_CONFIG_BYTES, { what: 'configuration file' })).bytes.toString('utf8');
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  return parseConfig(text, file);
}
