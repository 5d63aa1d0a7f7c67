/**
 * Settings → engine options. Everything the user can set under `mailflowLens.*` is read here and
 * turned into the options analyze() takes, including the DNS port: off (default), recorded (a
 * snapshot file) or live (a resolver in this process). Live DNS is never used in an untrusted
 * workspace: looking up a phishing sender's domain tells the sender the message was opened.
 */
import * as vscode from 'vscode';
import type { FullAnalyzeOptions } from '../core/analyze';
import type { DnsMode } from '../core/types';
import { displayText } from '../core/present/text';
import { parseDnsSnapshot, resolverFromSnapshot, SNAPSHOT_LIMITS, type DnsSnapshot } from '../core/verify/snapshot';
import { createLiveResolver } from '../node/dns';
import type { DnsPlan } from './verify-protocol';

export const SECTION = 'mailflowLens';

export type EfcMode = 'auto' | 'skipLastIp' | 'skipIps';

export interface LensSettings {
  trustedRelays: string[];
  receivingDomains: string[];
  connectorName: string;
  efcMode: EfcMode;
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
  dnsMode: 'off',
  dnsSnapshotFile: '',
  dnsServer: '',
  slowHopMinutes: 15,
  maxMessageSizeMB: 64,
  maxHeaderFields: 20000,
};

/** Settings names whose workspace values an untrusted workspace must not apply. */
export const RESTRICTED_SETTINGS = [`${SECTION}.dns.mode`, `${SECTION}.dns.snapshotFile`, `${SECTION}.dns.server`];

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

/** The settings for a document (folder-level settings apply), validated and clamped. */
export function readSettings(scope?: vscode.Uri): LensSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    trustedRelays: stringList(c.get('trustedRelays')),
    receivingDomains: stringList(c.get('receivingDomains')),
    connectorName: str(c.get('connectorName'), 64),
    efcMode: oneOf(c.get('efcMode'), ['auto', 'skipLastIp', 'skipIps'] as const, 'auto'),
    dnsMode: oneOf(c.get('dns.mode'), ['off', 'recorded', 'live'] as const, 'off'),
    dnsSnapshotFile: str(c.get('dns.snapshotFile'), 4096),
    dnsServer: str(c.get('dns.server'), 100),
    slowHopMinutes: num(c.get('slowHopMinutes'), DEFAULTS.slowHopMinutes, 0, 7 * 24 * 60),
    maxMessageSizeMB: num(c.get('maxMessageSizeMB'), DEFAULTS.maxMessageSizeMB, 1, 1024),
    maxHeaderFields: Math.round(num(c.get('maxHeaderFields'), DEFAULTS.maxHeaderFields, 100, 20000)),
  };
}

/** Engine options plus what the extension itself needs to know about them. */
export interface ResolvedOptions {
  options: FullAnalyzeOptions & { efcMode?: EfcMode };
  settings: LensSettings;
  /** The DNS mode actually used (live falls back to off in an untrusted workspace). */
  dnsMode: DnsMode;
  /**
   * The same decision as data for the verification worker (no resolver function): 'live' only
   * when dnsMode is 'live', i.e. never in an untrusted workspace.
   */
  dns: DnsPlan;
  /** One sentence per setting that could not be applied (shown in the output channel and tooltips). */
  notes: string[];
}

/**
 * Builds analyze() options for a document. Reads the DNS snapshot file when recorded DNS is on
 * (through workspace.fs, so it works in virtual workspaces too). Never throws: a setting that
 * cannot be applied becomes a note and DNS stays off.
 */
export async function resolveOptions(document: vscode.TextDocument, caches: OptionCaches): Promise<ResolvedOptions> {
  const settings = readSettings(document.uri);
  const notes: string[] = [];
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
  if (settings.connectorName) options.connectorName = settings.connectorName;

  let dnsMode: DnsMode = 'off';
  let dns: DnsPlan = { mode: 'off' };
  if (settings.dnsMode === 'live') {
    if (!vscode.workspace.isTrusted) {
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
      notes.push('Recorded DNS needs a snapshot file (setting mailflowLens.dns.snapshotFile); DNS stays off.');
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
  return { options, settings, dnsMode, dns, notes };
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
