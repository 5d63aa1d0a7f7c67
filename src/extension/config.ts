/**
 * Settings → engine options. Everything the user can set under `mailFlowLens.*` is read here and
 * turned into the options analyze() takes, including the DNS port: off (default), recorded (a
 * snapshot file) or live (a resolver in this process). Live DNS is never used in an untrusted
 * workspace: looking up a phishing sender's domain tells the sender the message was opened.
 *
 * Restricted Mode: a workspace that is not trusted may carry a `.vscode/settings.json` next to the
 * messages. Its values of every setting that can change a generated script (trusted relays, the
 * organisation's domains, the connector name, the Enhanced Filtering variant) or cause a lookup
 * (DNS) are ignored: only the user's own settings apply (package.json lists the same keys under
 * `restrictedConfigurations`, so VS Code marks them in the Settings editor too). The bundled sample
 * messages are our own data: they are analysed with the DNS answers recorded for them.
 */
import * as vscode from 'vscode';
import type { FullAnalyzeOptions } from '../core/analyze';
import type { Cloud, DnsMode } from '../core/types';
import { displayText } from '../core/present/text';
import { parseDnsSnapshot, resolverFromSnapshot, SNAPSHOT_LIMITS, type DnsSnapshot } from '../core/verify/snapshot';
import { createLiveResolver } from '../node/dns';
import type { DnsPlan } from './verify-protocol';

export const SECTION = 'mailFlowLens';

/** The setting names as the Settings editor shows them (product text names settings this way). */
export const SETTING_TITLES = {
  trustedRelays: 'Mail Flow Lens: Trusted Relays',
  receivingDomains: 'Mail Flow Lens: Receiving Domains',
  connectorName: 'Mail Flow Lens: Connector Name',
  enhancedFilteringFix: 'Mail Flow Lens: Enhanced Filtering Fix',
  'dns.mode': 'Mail Flow Lens › Dns: Mode',
  'dns.snapshotFile': 'Mail Flow Lens › Dns: Snapshot File',
  'dns.server': 'Mail Flow Lens › Dns: Server',
  slowHopMinutes: 'Mail Flow Lens: Slow Hop Minutes',
  maxMessageSizeMB: 'Mail Flow Lens: Max Message Size MB',
} as const;

export type EfcMode = 'auto' | 'skipLastIp' | 'skipIps';

export interface LensSettings {
  trustedRelays: string[];
  receivingDomains: string[];
  connectorName: string;
  efcMode: EfcMode;
  /** The tenant's Microsoft 365 cloud, or 'auto' (read from the receiver's host names). */
  cloud: 'auto' | Cloud;
  /** The gateway's TLS certificate name as its vendor states it ('' = not known). */
  gatewayCertificateName: string;
  dnsMode: DnsMode;
  dnsSnapshotFile: string;
  dnsServer: string;
  slowHopMinutes: number;
  maxMessageSizeMB: number;
  maxHeaderFields: number;
}

export const DEFAULTS: LensSettings = {
  trustedRelays: [],
  receivingDomains: [],
  connectorName: '',
  efcMode: 'auto',
  cloud: 'auto',
  gatewayCertificateName: '',
  dnsMode: 'off',
  dnsSnapshotFile: '',
  dnsServer: '',
  slowHopMinutes: 15,
  maxMessageSizeMB: 64,
  maxHeaderFields: 20000,
};

/**
 * Settings whose workspace values an untrusted workspace must not apply: everything that changes a
 * generated script or makes a lookup. The same list is package.json's `restrictedConfigurations`.
 */
export const RESTRICTED_KEYS = ['trustedRelays', 'receivingDomains', 'connectorName', 'enhancedFilteringFix', 'cloud', 'gatewayCertificateName', 'dns.mode', 'dns.snapshotFile', 'dns.server'] as const;
export const RESTRICTED_SETTINGS: readonly string[] = RESTRICTED_KEYS.map((k) => `${SECTION}.${k}`);

/** Which settings level a value came from. */
export type SettingLevel = 'default' | 'user' | 'workspace' | 'folder';

const MAX_LIST = 500;
const MAX_ITEM = 300;

function stringList(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const x of v) {
    if (typeof x !== 'string') continue;
    const t = x.trim();
    if (t && t.length <= MAX_ITEM) out.push(t);
    if (out.length >= MAX_LIST) break;
  }
  return out;
}

function str(v: unknown, max = MAX_ITEM): string {
  return typeof v === 'string' ? v.trim().slice(0, max) : '';
}

function num(v: unknown, dflt: number, min: number, max: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : dflt;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], dflt: T): T {
  return typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : dflt;
}

/**
 * One setting's value for a scope and where it came from. In an untrusted workspace the workspace
 * and folder values of the restricted settings are skipped: the user's own value (or the default)
 * applies.
 */
export function settingValue<T>(c: vscode.WorkspaceConfiguration, key: string, trusted: boolean): { value: T | undefined; level: SettingLevel; ignored?: SettingLevel } {
  const i = c.inspect<T>(key);
  if (!i) return { value: c.get<T>(key), level: 'default' };
  const restricted = (RESTRICTED_KEYS as readonly string[]).includes(key);
  const folder = i.workspaceFolderValue;
  const workspace = i.workspaceValue;
  const user = i.globalValue;
  if (trusted || !restricted) {
    if (folder !== undefined) return { value: folder, level: 'folder' };
    if (workspace !== undefined) return { value: workspace, level: 'workspace' };
  }
  const ignored: SettingLevel | undefined = !trusted && restricted ? (folder !== undefined ? 'folder' : workspace !== undefined ? 'workspace' : undefined) : undefined;
  if (user !== undefined) return { value: user, level: 'user', ...(ignored ? { ignored } : {}) };
  return { value: i.defaultValue, level: 'default', ...(ignored ? { ignored } : {}) };
}

export interface SettingsRead extends LensSettings {
  /** Where each restricted setting's value came from. */
  levels: Partial<Record<(typeof RESTRICTED_KEYS)[number], SettingLevel>>;
  /** Restricted settings whose workspace values were ignored (Restricted Mode). */
  ignored: string[];
}

const LEVEL_WORDS: Record<SettingLevel, string> = { default: 'default', user: 'user settings', workspace: 'workspace settings', folder: 'folder settings' };

/** "setting "Mail Flow Lens: Trusted Relays" (user settings)": where trusted relays came from, for the scripts. */
export function trustedRelaysSource(level: SettingLevel | undefined): string {
  return `setting "${SETTING_TITLES.trustedRelays}" (${LEVEL_WORDS[level ?? 'user']})`;
}

/**
 * The settings for a document (folder-level settings apply), validated and clamped. `trusted`
 * (default: the workspace's trust) decides whether workspace values of the restricted settings apply.
 */
export function readSettings(scope?: vscode.Uri, trusted: boolean = vscode.workspace.isTrusted): SettingsRead {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const levels: SettingsRead['levels'] = {};
  const ignored: string[] = [];
  const get = <T>(key: string): T | undefined => {
    const r = settingValue<T>(c, key, trusted);
    if ((RESTRICTED_KEYS as readonly string[]).includes(key)) levels[key as (typeof RESTRICTED_KEYS)[number]] = r.level;
    if (r.ignored) ignored.push(key);
    return r.value;
  };
  return {
    trustedRelays: stringList(get('trustedRelays')),
    receivingDomains: stringList(get('receivingDomains')),
    connectorName: str(get('connectorName'), 64),
    efcMode: oneOf(get('enhancedFilteringFix'), ['auto', 'skipLastIp', 'skipIps'] as const, 'auto'),
    cloud: oneOf(get('cloud'), ['auto', 'worldwide', 'gcc-high', 'dod', '21vianet'] as const, 'auto'),
    gatewayCertificateName: str(get('gatewayCertificateName'), 253),
    dnsMode: oneOf(get('dns.mode'), ['off', 'recorded', 'live'] as const, 'off'),
    dnsSnapshotFile: str(get('dns.snapshotFile'), 4096),
    dnsServer: str(get('dns.server'), 100),
    slowHopMinutes: num(get('slowHopMinutes'), DEFAULTS.slowHopMinutes, 0, 7 * 24 * 60),
    maxMessageSizeMB: num(get('maxMessageSizeMB'), DEFAULTS.maxMessageSizeMB, 1, 1024),
    maxHeaderFields: Math.round(num(get('maxHeaderFields'), DEFAULTS.maxHeaderFields, 100, 20000)),
    levels,
    ignored,
  };
}

/** Engine options plus what the extension itself needs to know about them. */
export interface ResolvedOptions {
  options: FullAnalyzeOptions & { efcMode?: EfcMode };
  settings: LensSettings;
  /** The DNS mode actually used (live falls back to off in an untrusted workspace). */
  dnsMode: DnsMode;
  /** Where the DNS answers came from: the settings, or the answers recorded for a bundled sample. */
  dnsSource: 'settings' | 'sample';
  /**
   * The same decision as data for the verification worker (no resolver function): 'live' only
   * when dnsMode is 'live', i.e. never in an untrusted workspace.
   */
  dns: DnsPlan;
  /** One sentence per setting that could not be applied (shown in the output channel and tooltips). */
  notes: string[];
}

export interface ResolveContext {
  /** The DNS snapshot recorded for the bundled samples: used instead of the settings for a sample document. */
  sampleSnapshot?: vscode.Uri;
  /** Whether the document is a bundled sample. */
  isSample?: (uri: vscode.Uri) => boolean;
  /** The workspace's trust (default: vscode.workspace.isTrusted). */
  trusted?: boolean;
}

/**
 * Builds analyze() options for a document. Reads the DNS snapshot file when recorded DNS is on
 * (through workspace.fs, so it works in virtual workspaces too). Never throws: a setting that
 * cannot be applied becomes a note and DNS stays off.
 */
export async function resolveOptions(document: vscode.TextDocument, caches: OptionCaches, context: ResolveContext = {}): Promise<ResolvedOptions> {
  const trusted = context.trusted ?? vscode.workspace.isTrusted;
  const settings = readSettings(document.uri, trusted);
  const notes: string[] = [];
  if (settings.ignored.length) {
    notes.push(`Restricted Mode: the workspace's values of ${settings.ignored.map((k) => `"${SETTING_TITLES[k as keyof typeof SETTING_TITLES] ?? k}"`).join(', ')} are ignored; your user settings apply. Trust the workspace to use them.`);
  }
  const options: ResolvedOptions['options'] = {
    name: displayName(document.uri),
    trustedRelays: settings.trustedRelays,
    receivingDomains: settings.receivingDomains,
    slowHopMs: Math.round(settings.slowHopMinutes * 60000),
    maxMessageBytes: Math.round(settings.maxMessageSizeMB * 1048576),
    maxHeaderFields: settings.maxHeaderFields,
    efcMode: settings.efcMode,
    dnsMode: 'off',
  };
  if (settings.trustedRelays.length) options.trustedRelaysSource = trustedRelaysSource(settings.levels.trustedRelays);
  if (settings.connectorName) options.connectorName = settings.connectorName;
  if (settings.cloud !== 'auto') options.cloud = settings.cloud;
  // the remedy generator validates the name and leaves an unusable one out, saying why
  if (settings.gatewayCertificateName) options.certificateName = settings.gatewayCertificateName;

  let dnsMode: DnsMode = 'off';
  let dns: DnsPlan = { mode: 'off' };
  let dnsSource: ResolvedOptions['dnsSource'] = 'settings';
  if (context.sampleSnapshot && context.isSample?.(document.uri)) {
    // our own sample: the recorded answers that ship with it tell the whole story (the recipient's MX)
    const r = await caches.snapshotAt(context.sampleSnapshot);
    if (r.resolver && r.snapshot) {
      options.resolver = r.resolver;
      dnsMode = 'recorded';
      dnsSource = 'sample';
      dns = { mode: 'recorded', key: r.snapshot.key, version: r.snapshot.version, snapshot: r.snapshot.data };
    } else notes.push(...r.notes);
  } else if (settings.dnsMode === 'live') {
    if (!trusted) {
      notes.push('Live DNS is off in an untrusted workspace (Restricted Mode); DNS-dependent checks are shown as not verifiable offline.');
    } else {
      try {
        options.resolver = caches.live(settings.dnsServer);
        dnsMode = 'live';
        dns = { mode: 'live', server: settings.dnsServer };
      } catch (e) {
        notes.push(`Live DNS is off: ${(e as Error).message}`);
      }
    }
  } else if (settings.dnsMode === 'recorded') {
    if (!settings.dnsSnapshotFile) {
      notes.push(`Recorded DNS needs a snapshot file (setting "${SETTING_TITLES['dns.snapshotFile']}"); DNS stays off.`);
    } else {
      const r = await caches.snapshot(settings.dnsSnapshotFile, document.uri);
      notes.push(...r.notes);
      if (r.resolver && r.snapshot) {
        options.resolver = r.resolver;
        dnsMode = 'recorded';
        dns = { mode: 'recorded', key: r.snapshot.key, version: r.snapshot.version, snapshot: r.snapshot.data };
      }
    }
  }
  options.dnsMode = dnsMode;
  return { options, settings, dnsMode, dnsSource, dns, notes };
}

/** The name shown for a document: its file name, or "Untitled-1" for an untitled one. */
export function displayName(uri: vscode.Uri): string {
  const p = uri.path;
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

/** A parsed snapshot file: `key` (its URI) and `version` (its mtime) let the worker keep it between jobs. */
export interface SnapshotData {
  key: string;
  version: number;
  data: DnsSnapshot;
}

interface SnapshotEntry {
  mtime: number;
  resolver?: ReturnType<typeof resolverFromSnapshot>;
  snapshot?: SnapshotData;
  notes: string[];
}

/** Caches for the live resolver (one per server address) and the parsed snapshot files. */
export class OptionCaches {
  private liveResolvers = new Map<string, ReturnType<typeof createLiveResolver>>();
  private snapshots = new Map<string, SnapshotEntry>();

  live(server: string) {
    let r = this.liveResolvers.get(server);
    if (!r) {
      r = createLiveResolver(server ? { server } : {});
      this.liveResolvers.set(server, r);
    }
    return r.resolve;
  }

  /** Resolves the snapshot path (absolute, or relative to the document's workspace folder) and parses it. */
  async snapshot(file: string, documentUri: vscode.Uri): Promise<{ resolver?: ReturnType<typeof resolverFromSnapshot>; snapshot?: SnapshotData; notes: string[] }> {
    const uri = snapshotUri(file, documentUri);
    if (!uri) return { notes: [`The DNS snapshot file "${file}" is relative but the message is not in a workspace folder; DNS stays off.`] };
    return this.snapshotAt(uri);
  }

  /** Parses the snapshot at a URI (cached by its modification time). */
  async snapshotAt(uri: vscode.Uri): Promise<{ resolver?: ReturnType<typeof resolverFromSnapshot>; snapshot?: SnapshotData; notes: string[] }> {
    const key = uri.toString();
    let stat: vscode.FileStat;
    try {
      stat = await vscode.workspace.fs.stat(uri);
    } catch {
      this.snapshots.delete(key);
      return { notes: [`The DNS snapshot file ${uri.fsPath || uri.path} was not found; DNS stays off.`] };
    }
    const cached = this.snapshots.get(key);
    if (cached && cached.mtime === stat.mtime) return cached;
    let entry: SnapshotEntry;
    if (stat.size > SNAPSHOT_LIMITS.maxTextLength) {
      // not read at all: the size decided up front bounds the read
      entry = { mtime: stat.mtime, notes: [`The DNS snapshot file is larger than ${SNAPSHOT_LIMITS.maxTextLength / 1048576} MiB; it was not read and DNS stays off.`] };
      this.snapshots.set(key, entry);
      return entry;
    }
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      const parsed = parseDnsSnapshot(new TextDecoder('utf-8').decode(bytes));
      const notes = parsed.problems.slice(0, 5).map((p) => `DNS snapshot: ${p}`);
      entry = { mtime: stat.mtime, resolver: resolverFromSnapshot(parsed), snapshot: { key, version: stat.mtime, data: parsed.snapshot }, notes };
    } catch (e) {
      entry = { mtime: stat.mtime, notes: [`The DNS snapshot file could not be read (${displayText((e as Error).message, 300)}); DNS stays off.`] };
    }
    this.snapshots.set(key, entry);
    return entry;
  }

  clear(): void {
    for (const r of this.liveResolvers.values()) r.cancel();
    this.liveResolvers.clear();
    this.snapshots.clear();
  }
}

function snapshotUri(file: string, documentUri: vscode.Uri): vscode.Uri | undefined {
  if (file.startsWith('/') || /^[A-Za-z]:[\\/]/.test(file) || file.startsWith('\\\\')) return vscode.Uri.file(file);
  const folder = vscode.workspace.getWorkspaceFolder(documentUri) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  return vscode.Uri.joinPath(folder.uri, ...file.split(/[\\/]+/).filter((s) => s && s !== '.'));
}
