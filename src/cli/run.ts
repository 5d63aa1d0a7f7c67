/**
 * Running messages through the engine for the commands: the inputs planned (one message, or the
 * files of a batch), one message read and analysed, a batch run on the worker pool, the DNS
 * snapshot written, and the --stats line. File names and errors on stderr pass through safe().
 */
import * as fs from 'node:fs';
import type { Analysis } from '../core/types';
import { TOOL_NAME } from '../core/version';
import { InputError, type ReadResult } from '../node/read';
import { UsageError, type ParsedArgs } from './args';
import { safe } from './format-text';
import { collectInputs, type SkippedLink } from './inputs';
import { SnapshotRecorder } from './dns-setup';
import { analyzeRead, openDns, readInputFile, type MessageRecord } from './engine';
import { Progress } from './progress';
import { runPool, workerInit, type TaskResult } from './worker';
import type { Io } from './io';
import type { Settings } from './settings';

export function hasErrors(findings: ReadonlyArray<{ severity: string }>): boolean {
  return findings.some((f) => f.severity === 'error');
}

export function statsLine(s: { files: number; analysed: number; failed: number; workers: number; t0: number }): string {
  const rss = peakRssKiB();
  return `${TOOL_NAME}: stats: ${s.files} files, ${s.analysed} analysed, ${s.failed} failed, ${s.workers} worker${s.workers === 1 ? '' : 's'}, ${((Date.now() - s.t0) / 1000).toFixed(1)} s, peak RSS ${(rss / 1024).toFixed(1)} MB`;
}

/**
 * The process's own peak resident memory, KiB (worker threads included). Linux keeps getrusage's
 * maxrss across fork and exec, so a CLI started by a big parent would report the parent's peak:
 * VmHWM in /proc/self/status is this process's own; elsewhere getrusage is all there is.
 */
function peakRssKiB(): number {
  try {
    const m = /^VmHWM:\s*(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

// ---------------------------------------------------------------------------------------------
// Inputs

export interface Plan {
  single?: string;
  files: string[];
  /** How each of `files` is opened (src/cli/inputs.ts). */
  targets: Array<{ open?: string; noFollow: boolean }>;
  folders: string[];
  unreadable: Array<{ path: string; message: string }>;
  /** Symbolic links in the folders that were not followed. */
  skippedLinks: SkippedLink[];
}

/** Most link names listed in one note. */
const MAX_LISTED_LINKS = 20;

/** "skipped 3 symbolic links: a, b, c (why)" with the names sanitised, or undefined. */
export function skippedLinksNote(links: readonly SkippedLink[]): string | undefined {
  if (!links.length) return undefined;
  const byReason = new Map<string, string[]>();
  for (const l of links) byReason.set(l.reason, [...(byReason.get(l.reason) ?? []), l.path]);
  const parts = [...byReason].map(([reason, names]) => {
    const shown = names.slice(0, MAX_LISTED_LINKS).map((n) => safe(n, 200));
    const more = names.length > MAX_LISTED_LINKS ? ` and ${names.length - MAX_LISTED_LINKS} more` : '';
    return `${names.length} ${reason}: ${shown.join(', ')}${more}`;
  });
  return `skipped ${links.length} symbolic link${links.length === 1 ? '' : 's'}: ${parts.join('; ')}`;
}

export async function planInputs(a: ParsedArgs, s: Settings, what: string): Promise<Plan> {
  if (!a.positional.length) throw new UsageError(`${what} needs at least one message file or folder`);
  if (a.positional.filter((p) => p === '-').length && a.positional.length > 1) throw new UsageError('"-" (standard input) cannot be combined with other inputs');
  const c = await collectInputs(a.positional, s.extensions, { followSymlinks: s.followSymlinks });
  if (c.missing.length) {
    throw new InputError(c.missing.map((m) => `${m.path}: ${m.message}`).join('\n'), c.missing[0].path);
  }
  const base = { folders: c.folders, unreadable: c.unreadable, skippedLinks: c.skippedLinks };
  if (a.positional.length === 1 && !c.folders.length && c.files.length === 1) return { single: c.files[0].path, files: [], targets: [], ...base };
  if (!c.files.length) {
    const links = skippedLinksNote(c.skippedLinks);
    throw new InputError(`no message files (${s.extensions.join(', ')}) found in ${c.folders.map((f) => safe(f, 200)).join(', ')}${links ? `; ${links}` : ''}`, c.folders[0] ?? '');
  }
  return { files: c.files.map((f) => f.path), targets: c.files.map((f) => ({ ...(f.open ? { open: f.open } : {}), noFollow: f.noFollow })), ...base };
}

async function readSingle(p: string, s: Settings, io: Io): Promise<ReadResult> {
  if (p === '-') {
    if (!io.readStdin) throw new InputError('standard input is not available', '-');
    return io.readStdin(s.engine.maxMessageBytes);
  }
  return readInputFile(p, s.engine.maxMessageBytes);
}

export async function analyzeSingle(p: string, s: Settings, io: Io): Promise<Analysis> {
  const dns = openDns(s.dns.setup);
  try {
    const read = await readSingle(p, s, io);
    const analysis = await analyzeRead(read, p === '-' ? 'stdin' : p, s.engine, dns);
    if (s.dns.recordTo) {
      const rec = new SnapshotRecorder();
      rec.add(analysis.verification?.lookups);
      await writeSnapshot(rec, s.dns.recordTo, io);
    }
    return analysis;
  } finally {
    dns.close();
  }
}

export async function writeSnapshot(rec: SnapshotRecorder, file: string, io: Io): Promise<void> {
  try {
    await rec.write(file);
  } catch (e) {
    throw new InputError(`${file}: cannot write the DNS snapshot (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, file);
  }
  io.err(`${TOOL_NAME}: wrote ${rec.answered} DNS answer${rec.answered === 1 ? '' : 's'} to ${safe(file, 300)}${rec.failed ? ` (${rec.failed} lookup${rec.failed === 1 ? '' : 's'} failed and cannot be replayed)` : ''}`);
}

// ---------------------------------------------------------------------------------------------
// Batch runs

interface BatchRun {
  analysed: number;
  failed: number;
  errorFindings: boolean;
}

export async function runBatch(
  plan: Plan,
  s: Settings,
  io: Io,
  want: { json: boolean; efc: boolean },
  onRecord: (rec: MessageRecord, json: string | undefined) => void | Promise<void>,
  onFailure: (file: string, message: string) => void,
): Promise<BatchRun & { workers: number }> {
  const recorder = s.dns.recordTo ? new SnapshotRecorder() : undefined;
  const init = workerInit(s.engine, s.dns.setup, { json: want.json, efc: want.efc, lookups: !!recorder });
  const progress = new Progress(io.progressStream ?? { write: () => undefined }, plan.files.length, s.progress && !!io.progressStream?.isTTY);
  const run: BatchRun = { analysed: 0, failed: 0, errorFindings: false };
  for (const u of plan.unreadable) io.err(`${TOOL_NAME}: skipped ${safe(u.path, 300)}: ${u.message}`);
  const links = skippedLinksNote(plan.skippedLinks);
  if (links) io.err(`${TOOL_NAME}: ${links}`);
  const workers = Math.min(s.jobs, plan.files.length);
  await runPool({
    entry: io.workerEntry,
    size: workers,
    init,
    paths: plan.files,
    targets: plan.targets,
    resourceLimits: { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 16 },
    onResult: async (i, r: TaskResult) => {
      if (r.ok) {
        run.analysed++;
        if (hasErrors(r.record.findings)) run.errorFindings = true;
        recorder?.add(r.record.lookups);
        delete r.record.lookups;
        await onRecord(r.record, r.json);
      } else {
        run.failed++;
        progress.end();
        io.err(`${TOOL_NAME}: skipped ${safe(r.error, 600)}`);
        onFailure(plan.files[i], r.error);
      }
      progress.update(run.analysed + run.failed, run.failed);
    },
  });
  progress.end();
  if (recorder && s.dns.recordTo) await writeSnapshot(recorder, s.dns.recordTo, io);
  return { ...run, workers };
}
