/**
 * The CLI's DNS options: `--dns off|live|recorded:<file>`, `--dns-server host:port` (live only),
 * `--record-dns <file>` (live only: writes the answers the run used, in the snapshot format
 * `--dns recorded:<file>` reads back, so a colleague can replay the exact verdicts offline).
 *
 * No lookup is ever made unless `--dns live` is on the command line.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DnsLookup } from '../core/types';
import { formatDnsSnapshot, parseDnsSnapshot, validateDnsSnapshot, type DnsSnapshot } from '../core/verify';
import { parseServerAddress } from '../node/dns';
import { UsageError } from './args';
import type { CliConfig } from './config';
import type { DnsSetup } from './engine';
import { InputError, readWholeFile } from '../node/read';
import { displayText } from '../core/present/text';

export interface DnsFlags {
  dns?: string;
  dnsServer?: string;
  recordDns?: string;
}

export interface ResolvedDns {
  setup: DnsSetup;
  /** Where to write the snapshot of a live run. */
  recordTo?: string;
  /** Sentences for stderr (dropped snapshot entries, …). */
  warnings: string[];
}

const MAX_SNAPSHOT_BYTES = 16 * 1024 * 1024;

async function readSnapshot(file: string): Promise<{ text: string; warnings: string[] }> {
  let text: string;
  try {
    // bounded by the size of the open file (a snapshot that grows meanwhile is not read further)
    text = (await readWholeFile(file, MAX_SNAPSHOT_BYTES, { what: 'DNS snapshot' })).bytes.toString('utf8');
  } catch (e) {
    if ((e as InputError).message === `${file}: no such file`) throw new InputError(`${file}: no such DNS snapshot file`, file);
    throw e;
  }
  const parsed = parseDnsSnapshot(text);
  const names = Object.keys(parsed.snapshot).length;
  if (!names && parsed.problems.length) throw new InputError(`${file}: ${parsed.problems[0]}`, file);
  return { text, warnings: parsed.problems.map((p) => `${file}: ${p}`) };
}

export async function resolveDns(flags: DnsFlags, config: CliConfig | undefined, cwd: string): Promise<ResolvedDns> {
  const warnings: string[] = [];
  let mode: 'off' | 'live' | 'recorded' = 'off';
  let file: string | undefined;
  const v = flags.dns;
  if (v === undefined) {
    if (config?.dns.mode === 'recorded') {
      mode = 'recorded';
      file = config.dns.snapshotFile;
    }
  } else if (v === 'off' || v === 'live') mode = v;
  else if (v.startsWith('recorded:') && v.length > 'recorded:'.length) {
    mode = 'recorded';
    file = path.resolve(cwd, v.slice('recorded:'.length));
  } else if (v === 'recorded' && config?.dns.snapshotFile) {
    mode = 'recorded';
    file = config.dns.snapshotFile;
  } else {
    throw new UsageError(`--dns must be off, live or recorded:<snapshot file> (got "${displayText(v, 80)}")`);
  }

  if (flags.dnsServer !== undefined && mode !== 'live') throw new UsageError('--dns-server needs --dns live');
  if (flags.recordDns !== undefined && mode !== 'live') throw new UsageError('--record-dns needs --dns live (it writes the answers a live run used)');

  if (mode === 'live') {
    let server: string | undefined;
    const s = flags.dnsServer ?? config?.dns.server;
    if (s !== undefined) {
      try {
        server = parseServerAddress(s).server;
      } catch (e) {
        throw new UsageError(`--dns-server: ${(e as Error).message}`);
      }
    }
    return { setup: { mode: 'live', ...(server ? { server } : {}) }, recordTo: flags.recordDns !== undefined ? path.resolve(cwd, flags.recordDns) : undefined, warnings };
  }
  if (mode === 'recorded') {
    const snap = await readSnapshot(file!);
    warnings.push(...snap.warnings);
    return { setup: { mode: 'recorded', file: file!, snapshotText: snap.text }, warnings };
  }
  return { setup: { mode: 'off' }, warnings };
}

/**
 * Collects the lookups of every message of a live run into one snapshot: answers by name and
 * type, names without the asked type as `{}` (NODATA), NXDOMAIN names left out (absent = no such
 * name). Lookups that failed (timeouts, refused) cannot be replayed and are counted.
 */
export class SnapshotRecorder {
  private readonly snap: Record<string, Record<string, unknown>> = Object.create(null);
  failed = 0;
  answered = 0;

  add(lookups: readonly DnsLookup[] | undefined): void {
    for (const l of lookups ?? []) {
      if (l.outcome === 'answer') {
        const rec = this.snap[l.name] ?? (this.snap[l.name] = Object.create(null));
        if (!(l.type in rec)) {
          rec[l.type] = l.answer;
          this.answered++;
        }
      } else if (l.outcome === 'nodata') {
        if (!this.snap[l.name]) this.snap[l.name] = Object.create(null);
      } else if (l.outcome === 'error') this.failed++;
    }
  }

  snapshot(): DnsSnapshot {
    return validateDnsSnapshot(this.snap).snapshot;
  }

  /** Writes the snapshot (to a temporary file first, then renamed: a reader never sees half a file). */
  async write(file: string): Promise<void> {
    const text = formatDnsSnapshot(this.snapshot());
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, text, { mode: 0o644 });
    await fs.rename(tmp, file);
  }
}
