/**
 * mailflow-lens: the command-line twin of the extension. Same engine, same Analysis.
 *
 *   mailflow-lens analyze <files|folders…> [--json | --markdown | --sarif] [options]
 *   mailflow-lens fix <files|folders…> [--kind KIND] [--connector NAME] [options]
 *
 * One file: the full report. Several files or a folder: every message is analysed on worker
 * threads and summarised (text / Markdown), streamed as JSON Lines (--json), or collected into one
 * SARIF log (--sarif).
 *
 * Exit codes: 0 no error-level findings, 1 error-level findings, 2 usage or input error (also when
 * not a single message could be analysed). Files in a batch that cannot be analysed are reported
 * on stderr and in the summary, and skipped.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Analysis, RemedyKind } from '../core/types';
import { TOOL_NAME, TOOL_VERSION } from '../core/version';
import { DEFAULT_MAX_MESSAGE_BYTES, findHeaderEnd, InputError, type ReadResult } from '../node/read';
import { buildSarifLog, relativePathToUri, type SarifArtifactInput, type SarifNotificationInput } from '../core/report/sarif';
import { renderMarkdownReport } from '../core/report/markdown';
import { renderHtmlReport } from '../core/report/html';
import { parseRedactionMode, redactAnalysis, redactionNotice, type RedactionMode } from '../core/report/redact';
import { compare, comparisonLinesText } from '../core/compare';
import { selectRemedies } from '../core/remedy';
import { checkConnectorName, checkDomain } from '../core/remedy/powershell';
import { parseArgs, UsageError, str, list, bool, type FlagSpec, type ParsedArgs } from './args';
import { formatText, formatRemedy, safe } from './format-text';
import { ConfigError, checkTrustedRelay, loadConfig, CONFIG_FILE_NAME, type CliConfig } from './config';
import { collectInputs, parseExtensions, DEFAULT_EXTENSIONS } from './inputs';
import { resolveDns, SnapshotRecorder, type ResolvedDns } from './dns-setup';
import { analyzeRead, openDns, readInputFile, type EngineOptions, type MessageRecord } from './engine';
import { BatchSummary, formatBatchMarkdown, formatBatchText } from './batch';
import { EfcConsolidator } from './fix-batch';
import { Progress, type ProgressStream } from './progress';
import { isWorkerContext, runPool, runWorker, workerInit, type TaskResult } from './worker';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

const KINDS: RemedyKind[] = ['efc', 'lockdown', 'arc', 'gmail', 'relay', 'cleanup'];

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
  'no-progress': {},
  stats: {},
};

const ANALYZE_FLAGS: Record<string, FlagSpec> = { ...COMMON_FLAGS, json: {}, markdown: {}, sarif: {}, html: {}, redact: { value: true }, color: {}, 'no-color': {} };
const COMPARE_FLAGS: Record<string, FlagSpec> = { ...COMMON_FLAGS, json: {} };
const FIX_FLAGS: Record<string, FlagSpec> = { ...COMMON_FLAGS, kind: { value: true }, connector: { value: true } };

const COMMON_HELP = `Inputs:
  A file is analysed whatever its name; "-" reads one message from standard input. A folder is
  searched recursively for ${DEFAULT_EXTENSIONS.join(', ')} files (hidden entries skipped); several files or
  a folder are analysed in parallel on worker threads.

Options:
  --trusted-relay IP|CIDR|HOST  a relay in front of the receiver that you run or trust (repeatable;
                               a-b ranges and *.example.net patterns accepted)
  --receiving-domain DOMAIN    a domain of the receiving organisation (repeatable)
  --dns off|live|recorded:FILE how signatures, SPF and DMARC are re-verified (default off: no
                               lookup leaves this computer; live uses the system's resolvers)
  --dns-server HOST:PORT       with --dns live: ask this DNS server (127.0.0.1:5353, [::1]:53)
  --record-dns FILE            with --dns live: write the answers the run used to FILE, so
                               --dns recorded:FILE replays the same verdicts offline
  --config FILE                read settings from FILE instead of the nearest ${CONFIG_FILE_NAME}
  --no-config                  ignore ${CONFIG_FILE_NAME} files
  -j, --jobs N                 worker threads for folders (default: one per CPU core)
  --ext LIST                   file extensions taken from folders (default ${DEFAULT_EXTENSIONS.map((e) => e.slice(1)).join(',')})
  --no-progress                no progress bar (it is drawn only when stderr is a terminal)
  --stats                      print files, time and peak memory to stderr at the end
  -h, --help                   this help

Configuration: the nearest ${CONFIG_FILE_NAME} in the current folder or above, e.g.
  { "trustedRelays": ["148.163.138.0/24"], "receivingDomains": ["contoso.com"],
    "connectorName": "Inbound from Proofpoint", "maxMessageSizeMB": 64, "slowHopMinutes": 15,
    "dns": { "mode": "recorded", "snapshotFile": "dns.json", "server": "127.0.0.1:5353" } }
  Command-line lists add to the file's lists; other options override it. Only --dns live turns
  live DNS on (a configuration file cannot).

Exit codes: 0 no error-level findings, 1 error-level findings, 2 usage or input error (or no
message could be analysed). Files in a folder that cannot be analysed are reported and skipped.`;

const HELP_MAIN = `${TOOL_NAME} ${TOOL_VERSION}: trace a message's route and find where authentication broke.

Usage:
  ${TOOL_NAME} analyze <files|folders…> [--json | --markdown | --sarif] [options]
  ${TOOL_NAME} fix <files|folders…> [--kind efc|lockdown|arc|gmail|relay|cleanup] [--connector NAME]
  ${TOOL_NAME} compare <before> <after> [--json]
  ${TOOL_NAME} help [analyze|fix|compare]
  ${TOOL_NAME} --version

Exit codes: 0 no error-level findings, 1 error-level findings, 2 usage or input error.
Run "${TOOL_NAME} help analyze" or "${TOOL_NAME} help fix" for the options of a command.`;

const HELP: Record<string, string> = {
  compare: `Usage: ${TOOL_NAME} compare <before> <after> [--json] [options]

Compares two messages, e.g. one received before and one after Enhanced Filtering for Connectors was
switched on: what changed in the route, the connecting IP, the IP the receiver evaluated, its
verdicts, where it delivered the message, and the findings and fixes. Prints one line per
difference (+ better, - worse, ~ changed, = unchanged, * note); --json prints the whole
comparison. Exit code 0, or 2 for a usage or input error. Outlook .msg files are read too.

${COMMON_HELP}`,
  analyze: `Usage: ${TOOL_NAME} analyze <files|folders…> [options]

One message: its route hop by hop (oldest first), the receiver's verdicts next to the claims written
further down, our re-verification, the findings and the available fixes. Several messages or a
folder: a summary grouping the messages by receiver, gateway and relay IPs, with finding counts.

Output (default: text, coloured when stdout is a terminal and NO_COLOR is not set):
  --json        one message: the Analysis object (documented, versioned schema); several: JSON
                Lines, one Analysis per line in input order (streamed, so memory stays bounded);
                files that could not be analysed are reported on stderr only
  --markdown    a report to paste into a ticket (one message: the full report; several: the summary)
  --sarif       SARIF 2.1.0: findings as results located at their header lines (code scanning,
                VS Code's SARIF viewer); unreadable files as tool execution notifications
  --html        one message: a self-contained HTML report (no script, no external resource)
  --redact local|full   with --markdown, --html or --json for one message: mask personal data
                before sharing (local: the part before the @ and display names; full: also the
                subject and every domain and host that is not Microsoft's, Google's or a known
                gateway's). IP addresses are kept
  --color / --no-color   force colours on or off

${COMMON_HELP}`,
  fix: `Usage: ${TOOL_NAME} fix <files|folders…> [options]

One message: the ready-to-paste fix generated from it: PowerShell for Exchange Online (Enhanced
Filtering for Connectors, lock-down connector, ARC trusted sealers, device relay, clean-up) or the
Google Admin checklist for Gmail's inbound gateway, each with pre-checks, the change, roll-back and
how to verify. Several messages or a folder (--kind efc): one Set-InboundConnector script whose
EFSkipIPs list covers the relay IPs seen across all of them, each IP annotated with how many
messages showed it and which gateway. Nothing is ever executed.

  --kind efc|lockdown|arc|gmail|relay|cleanup   only this kind of fix (one message: default all
                               that apply; several messages: efc)
  --connector NAME             the inbound connector's name to use in the scripts (else the
                               configuration's connectorName, else a placeholder)

${COMMON_HELP}`,
};

/** Where the CLI writes; out() resolves when the text was handed to the stream (back-pressure). */
export interface Io {
  out: (s: string) => void | Promise<void>;
  err: (s: string) => void;
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** stderr, for the progress bar. */
  progressStream?: ProgressStream;
  /** Reads standard input ("-"). */
  readStdin?: (maxBytes: number) => Promise<ReadResult>;
  /** The script the batch workers run (this file, or the bundle). */
  workerEntry: string;
}

interface Settings {
  engine: EngineOptions;
  dns: ResolvedDns;
  config?: CliConfig;
  jobs: number;
  extensions: string[];
  progress: boolean;
  stats: boolean;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '-h' || command === '--help') {
      io.out(HELP_MAIN);
      return command ? EXIT_OK : EXIT_USAGE;
    }
    if (command === '--version' || command === '-v') {
      io.out(TOOL_VERSION);
      return EXIT_OK;
    }
    if (command === 'help') {
      const topic = rest[0];
      io.out(topic && HELP[topic] ? HELP[topic] : HELP_MAIN);
      return topic && !HELP[topic] ? EXIT_USAGE : EXIT_OK;
    }
    if (command === 'analyze' || command === 'analyse') return await cmdAnalyze(rest, io);
    if (command === 'fix') return await cmdFix(rest, io);
    if (command === 'compare') return await cmdCompare(rest, io);
    throw new UsageError(`unknown command "${safe(command, 60)}"`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${TOOL_NAME}: ${e.message}\nRun "${TOOL_NAME} ${command === 'fix' ? 'fix ' : command === 'analyze' ? 'analyze ' : ''}--help" for usage.`);
      return EXIT_USAGE;
    }
    if (e instanceof InputError || e instanceof ConfigError) {
      io.err(`${TOOL_NAME}: ${safe(e.message, 1000)}`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Settings from flags and the configuration file

function uniqueList(...lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}

async function settingsFrom(a: ParsedArgs, io: Io): Promise<Settings> {
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
    },
    dns,
    config,
    jobs,
    extensions,
    progress: !bool(a, 'no-progress'),
    stats: bool(a, 'stats'),
  };
}

type Format = 'text' | 'json' | 'markdown' | 'sarif' | 'html';

function formatOf(a: ParsedArgs): Format {
  const chosen = (['json', 'markdown', 'sarif', 'html'] as const).filter((f) => bool(a, f));
  if (chosen.length > 1) throw new UsageError(`choose one output format (got --${chosen.join(' and --')})`);
  return chosen[0] ?? 'text';
}

function useColor(a: ParsedArgs, io: Io): boolean {
  if (bool(a, 'no-color')) return false;
  if (bool(a, 'color')) return true;
  return io.isTty && !io.env.NO_COLOR;
}

function hasErrors(findings: ReadonlyArray<{ severity: string }>): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** The SARIF artifact location of a path: relative to the working folder when inside it. */
function sarifLocation(p: string, cwd: string): { uri: string; uriBaseId?: string } {
  if (p === '-') return { uri: 'stdin' };
  const abs = path.resolve(cwd, p);
  const rel = path.relative(cwd, abs);
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return { uri: relativePathToUri(rel.split(path.sep).join('/')), uriBaseId: 'SRCROOT' };
  return { uri: pathToFileURL(abs).href };
}

function sarifBase(cwd: string): Record<string, string> {
  const href = pathToFileURL(cwd).href;
  return { SRCROOT: href.endsWith('/') ? href : `${href}/` };
}

function statsLine(s: { files: number; analysed: number; failed: number; workers: number; t0: number }): string {
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

interface Plan {
  single?: string;
  files: string[];
  folders: string[];
  unreadable: Array<{ path: string; message: string }>;
}

async function planInputs(a: ParsedArgs, s: Settings, what: string): Promise<Plan> {
  if (!a.positional.length) throw new UsageError(`${what} needs at least one message file or folder`);
  if (a.positional.filter((p) => p === '-').length && a.positional.length > 1) throw new UsageError('"-" (standard input) cannot be combined with other inputs');
  const c = await collectInputs(a.positional, s.extensions);
  if (c.missing.length) {
    throw new InputError(c.missing.map((m) => `${m.path}: ${m.message}`).join('\n'), c.missing[0].path);
  }
  if (a.positional.length === 1 && !c.folders.length && c.files.length === 1) return { single: c.files[0].path, files: [], folders: [], unreadable: c.unreadable };
  if (!c.files.length) {
    throw new InputError(`no message files (${s.extensions.join(', ')}) found in ${c.folders.map((f) => safe(f, 200)).join(', ')}`, c.folders[0] ?? '');
  }
  return { files: c.files.map((f) => f.path), folders: c.folders, unreadable: c.unreadable };
}

async function readSingle(p: string, s: Settings, io: Io): Promise<ReadResult> {
  if (p === '-') {
    if (!io.readStdin) throw new InputError('standard input is not available', '-');
    return io.readStdin(s.engine.maxMessageBytes);
  }
  return readInputFile(p, s.engine.maxMessageBytes);
}

async function analyzeSingle(p: string, s: Settings, io: Io): Promise<Analysis> {
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

async function writeSnapshot(rec: SnapshotRecorder, file: string, io: Io): Promise<void> {
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

async function runBatch(
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
  const workers = Math.min(s.jobs, plan.files.length);
  await runPool({
    entry: io.workerEntry,
    size: workers,
    init,
    paths: plan.files,
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

// ---------------------------------------------------------------------------------------------
// analyze

async function cmdAnalyze(argv: string[], io: Io): Promise<number> {
  const t0 = Date.now();
  const a = parseArgs(argv, ANALYZE_FLAGS);
  if (bool(a, 'help')) {
    io.out(HELP.analyze);
    return EXIT_OK;
  }
  if (bool(a, 'color') && bool(a, 'no-color')) throw new UsageError('--color and --no-color contradict each other');
  const format = formatOf(a);
  let redaction: RedactionMode = 'none';
  const r = str(a, 'redact');
  if (r !== undefined) {
    const m = parseRedactionMode(r);
    if (!m) throw new UsageError('--redact must be local or full');
    if (format !== 'markdown' && format !== 'html' && format !== 'json') throw new UsageError('--redact goes with --markdown, --html or --json');
    redaction = m;
  }
  const s = await settingsFrom(a, io);
  const plan = await planInputs(a, s, 'analyze');
  const color = useColor(a, io);
  if (plan.single === undefined && format === 'html') throw new UsageError('--html writes the report of one message; for several use --markdown or --json');
  if (plan.single === undefined && redaction !== 'none') throw new UsageError('--redact works on the report of one message');

  if (plan.single !== undefined) {
    const analysis = await analyzeSingle(plan.single, s, io);
    const shared = redaction === 'none' ? analysis : redactAnalysis(analysis, redaction);
    const notice = redactionNotice(redaction);
    if (format === 'json') await io.out(JSON.stringify(shared, null, 2));
    else if (format === 'html') await io.out(renderHtmlReport(shared, { notice: notice || undefined }).trimEnd());
    else if (format === 'markdown') {
      const md = renderMarkdownReport(shared).trimEnd();
      const nl = md.indexOf('\n');
      await io.out(notice && nl > 0 ? `${md.slice(0, nl)}\n\n> ${notice}${md.slice(nl)}` : md);
    }
    else if (format === 'sarif') {
      const log = buildSarifLog([{ ...sarifLocation(plan.single, io.cwd), byteLength: analysis.input.byteLength, findings: analysis.findings }], { baseUris: sarifBase(io.cwd) });
      await io.out(JSON.stringify(log, null, 2));
    } else await io.out(formatText(analysis, { color }));
    if (s.stats) io.err(statsLine({ files: 1, analysed: 1, failed: 0, workers: 0, t0 }));
    return hasErrors(analysis.findings) ? EXIT_FINDINGS : EXIT_OK;
  }

  const summary = new BatchSummary();
  const sarifInputs: SarifArtifactInput[] = [];
  const notifications: SarifNotificationInput[] = [];
  const run = await runBatch(
    plan,
    s,
    io,
    { json: format === 'json', efc: false },
    async (rec, json) => {
      if (format === 'json') await io.out(json!);
      else if (format === 'sarif') sarifInputs.push({ ...sarifLocation(rec.file, io.cwd), byteLength: rec.byteLength, findings: rec.findings });
      else summary.add(rec);
    },
    (file, message) => {
      if (format === 'sarif') notifications.push({ level: 'error', message, ...sarifLocation(file, io.cwd) });
      else summary.addFailure(file, message);
    },
  );
  for (const u of plan.unreadable) {
    if (format === 'sarif') notifications.push({ level: 'error', message: `${u.path}: ${u.message}`, ...sarifLocation(u.path, io.cwd) });
    else summary.addFailure(u.path, `${u.path}: ${u.message}`);
  }

  if (format === 'text') await io.out(formatBatchText(summary.report(), { color }));
  else if (format === 'markdown') await io.out(formatBatchMarkdown(summary.report(), `Generated by ${TOOL_NAME} ${TOOL_VERSION}`).trimEnd());
  else if (format === 'sarif') {
    const log = buildSarifLog(sarifInputs, { baseUris: sarifBase(io.cwd), notifications, executionSuccessful: run.analysed > 0 });
    await io.out(JSON.stringify(log, null, 2));
  }
  if (format !== 'text') {
    io.err(`${TOOL_NAME}: analysed ${run.analysed} of ${run.analysed + run.failed + plan.unreadable.length} files${run.failed + plan.unreadable.length ? `; ${run.failed + plan.unreadable.length} could not be analysed` : ''}`);
  }
  if (s.stats) io.err(statsLine({ files: plan.files.length, analysed: run.analysed, failed: run.failed, workers: run.workers, t0 }));
  if (!run.analysed) return EXIT_USAGE;
  return run.errorFindings ? EXIT_FINDINGS : EXIT_OK;
}

// ---------------------------------------------------------------------------------------------
// fix

async function cmdFix(argv: string[], io: Io): Promise<number> {
  const t0 = Date.now();
  const a = parseArgs(argv, FIX_FLAGS);
  if (bool(a, 'help')) {
    io.out(HELP.fix);
    return EXIT_OK;
  }
  const kind = str(a, 'kind') as RemedyKind | undefined;
  if (kind !== undefined && !KINDS.includes(kind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}`);
  const s = await settingsFrom(a, io);
  const plan = await planInputs(a, s, 'fix');

  if (plan.single !== undefined) {
    const analysis = await analyzeSingle(plan.single, s, io);
    const remedies = selectRemedies(analysis, kind, { connectorName: s.engine.connectorName, receivingDomains: s.engine.receivingDomains, trustedRelays: s.engine.trustedRelays });
    const errors = hasErrors(analysis.findings);
    if (!remedies.length) {
      io.err(`${TOOL_NAME}: no ${kind ? `"${kind}" ` : ''}fix applies to ${safe(plan.single, 300)}: ${errors ? 'the findings have no generated fix of this kind' : 'no error-level findings'}.`);
      return errors ? EXIT_FINDINGS : EXIT_OK;
    }
    await io.out(remedies.map((r) => formatRemedy(r)).join('\n\n'));
    if (s.stats) io.err(statsLine({ files: 1, analysed: 1, failed: 0, workers: 0, t0 }));
    return EXIT_OK;
  }

  if (kind !== undefined && kind !== 'efc') {
    throw new UsageError(`over several messages only --kind efc is consolidated; run "${TOOL_NAME} fix <file> --kind ${kind}" on one message`);
  }
  const efc = new EfcConsolidator();
  let errorMessages = 0;
  const run = await runBatch(
    plan,
    s,
    io,
    { json: false, efc: true },
    (rec) => {
      efc.add(rec.file, rec.efc);
      if (hasErrors(rec.findings)) errorMessages++;
    },
    () => undefined,
  );
  if (s.stats) io.err(statsLine({ files: plan.files.length, analysed: run.analysed, failed: run.failed, workers: run.workers, t0 }));
  const failed = run.failed + plan.unreadable.length;
  if (!run.analysed) {
    io.err(`${TOOL_NAME}: none of the ${failed} files could be analysed`);
    return EXIT_USAGE;
  }
  const result = efc.build(s.engine.connectorName);
  io.err(`${TOOL_NAME}: analysed ${run.analysed} of ${run.analysed + failed} files${failed ? `; ${failed} could not be analysed` : ''}; ${result.messagesCovered} reached Exchange Online through a relay`);
  if (!result.script) {
    io.err(`${TOOL_NAME}: no Enhanced Filtering fix: ${result.none}.`);
    return errorMessages ? EXIT_FINDINGS : EXIT_OK;
  }
  await io.out(result.script.trimEnd());
  return EXIT_OK;
}

// ---------------------------------------------------------------------------------------------
// compare

async function cmdCompare(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, COMPARE_FLAGS);
  if (bool(a, 'help')) {
    io.out(HELP.compare);
    return EXIT_OK;
  }
  if (a.positional.length !== 2) throw new UsageError('compare needs exactly two message files: <before> <after>');
  if (a.positional.includes('-')) throw new UsageError('compare reads two files, not standard input');
  const s = await settingsFrom(a, io);
  const [before, after] = [await analyzeSingle(a.positional[0], s, io), await analyzeSingle(a.positional[1], s, io)];
  const c = compare(before, after);
  if (bool(a, 'json')) await io.out(JSON.stringify(c, null, 2));
  else await io.out(`Before: ${safe(a.positional[0], 300)}\nAfter:  ${safe(a.positional[1], 300)}\n\n${comparisonLinesText(c).trimEnd().split('\n').map((l) => safe(l, 4000)).join('\n')}`);
  return EXIT_OK;
}

// ---------------------------------------------------------------------------------------------
// Process entry

/** Reads standard input; above maxBytes only the header block is kept (like a large file). */
async function readStdin(maxBytes: number): Promise<ReadResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  let kept = 0;
  let truncated = false;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (truncated) continue;
    chunks.push(chunk);
    kept += chunk.length;
    if (kept > maxBytes) truncated = true;
  }
  const all = Buffer.concat(chunks);
  if (!truncated) return { bytes: all, size, truncated: false };
  const end = findHeaderEnd(all);
  return { bytes: end >= 0 ? all.subarray(0, end) : all.subarray(0, Math.min(all.length, 16 * 1024 * 1024)), size, truncated: true };
}

function writeOut(s: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(`${s}\n`)) resolve();
    else process.stdout.once('drain', () => resolve());
  });
}

if (isWorkerContext()) {
  runWorker();
} else if (require.main === module) {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    // the reader went away (e.g. piped into head): stop quietly
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_OK);
  });
  main(process.argv.slice(2), {
    out: writeOut,
    err: (s) => process.stderr.write(`${s}\n`),
    isTty: !!process.stdout.isTTY,
    env: process.env,
    cwd: process.cwd(),
    progressStream: process.stderr,
    readStdin,
    workerEntry: __filename,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`${TOOL_NAME}: internal error: ${(e as Error).stack ?? e}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
