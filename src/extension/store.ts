/**
 * The analysis cache: one Analysis per open `eml` document and version. Every view reads it.
 *
 * Two phases per run: the headers-first analysis (analyzeHeaders: synchronous, no body, the whole
 * route in milliseconds) is published at once, then the full analysis (re-verification of DKIM
 * body hashes, ARC, SPF what-if, DMARC) replaces it when it is done. The full analysis of a
 * message of WORKER_MIN_BYTES or more runs on the verification worker thread (./verify-client.ts),
 * so the extension host stays responsive; smaller ones run here. A run whose document changed or
 * closed in the meantime is cancelled and dropped; a slow one shows progress in the status bar.
 */
import * as vscode from 'vscode';
import { analyze, analyzeHeaders, isMessage } from '../core/analyze';
import type { Analysis } from '../core/types';
import type { AnalysisStore, Selection } from './api';
import { OptionCaches, resolveOptions, SECTION, type ResolvedOptions } from './config';
import { SAMPLE_SCHEME } from './samples';
import { VerifyClient, type VerifyStats } from './verify-client';
import { countLines, isVerifyJobError, wireOptions, yieldToHost } from './verify-protocol';

export { countLines };

export const LANGUAGE_ID = 'eml';
export const DEBOUNCE_MS = 300;
/** On the host path (no worker), above this size the full analysis shows a progress indicator. */
export const LARGE_MESSAGE_BYTES = 5 * 1024 * 1024;
/**
 * Messages of this size or more are verified on the worker thread; smaller ones on the host.
 *
 * Measured with the engine on Node 20 (2 cores; realistic signed messages from
 * scripts/bench/messages.ts, recorded DNS): the full analysis costs the host a flat 15-25 ms up to
 * about 1 MiB (parsing, diagnosis, mailauth's set-up and the RSA checks, whatever the size), then
 * grows with the body: 30 MiB takes 45-60 ms with CRLF line ends and 100-150 ms LF-only (the body
 * is converted to CRLF for hashing), 64 MiB LF-only 250-330 ms; in the extension host (Node 24,
 * with VS Code's own work around it) the same 30 MiB verification held the host 220-430 ms. Through
 * the worker a job costs the host the copy of its bytes (negligible below a few MiB; 30 MiB took
 * 40-120 ms in the extension host, done in 4 MiB slices so no single stall is long) and reading the
 * Analysis back (1-2 ms); but the first job waits for the worker to start (0.3-0.4 s here) and the
 * thread costs memory.
 *
 * 256 KiB is above nearly every message without an attachment, so a user who reads plain mail and
 * pasted headers never starts a thread, and typing into a small message is re-analysed at once;
 * every message with an attachment, whose cost grows with its size, is verified off the host.
 */
export const WORKER_MIN_BYTES = 256 * 1024;
/** A worker job still running after this long shows progress in the status bar. */
export const PROGRESS_DELAY_MS = 300;

export type Phase = 'headers' | 'full';

interface Entry {
  version: number;
  generation: number;
  analysis: Analysis;
  phase: Phase;
  notes: string[];
  dnsMode: ResolvedOptions['dnsMode'];
  dnsSource: ResolvedOptions['dnsSource'];
}

interface Running {
  version: number;
  generation: number;
  promise: Promise<Analysis | undefined>;
  /** Set while the full analysis runs on the worker: stops it and drops its result. */
  cancel?: () => void;
}

export interface StoreOptions {
  /** The verification worker script (dist/verify-worker.js). Unset: everything runs on the host. */
  workerEntry?: string;
  /** The DNS answers recorded for the bundled samples (samples/dns-snapshot.json in the extension). */
  sampleSnapshot?: vscode.Uri;
}

/** Where full analyses ran (for the output channel and the integration tests). */
export interface StoreStats {
  /** Full analyses run on the extension host. */
  host: number;
  /** Full analyses delivered by the worker. */
  worker: number;
  /** Worker jobs that failed because the worker stopped (each shows a problem on its message). */
  workerStopped: number;
  /** Worker jobs cancelled because their document changed, closed or settings changed. */
  cancelled: number;
  /** The document of the latest cancelled job. */
  lastCancelled?: string;
  /** Why the worker is not used, when it is not. */
  workerUnavailable?: string;
  /** The worker's own counters. */
  verifier?: VerifyStats;
  /** The latest full analysis that completed. */
  last?: RunInfo & { uri: string };
}

/** Where a full analysis ran, the size of the message and how long it took (milliseconds). */
export interface RunInfo {
  where: 'host' | 'worker';
  bytes: number;
  ms: number;
}

export function isEml(document: vscode.TextDocument | undefined): document is vscode.TextDocument {
  return !!document && document.languageId === LANGUAGE_ID;
}

export class Store implements AnalysisStore, vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly running = new Map<string, Running>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly caches = new OptionCaches();
  /** Bumped when settings or workspace trust change: every cached analysis is then stale. */
  private generation = 0;
  private activeUri: vscode.Uri | undefined;
  private currentSelection: Selection | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly activeEmitter = new vscode.EventEmitter<void>();
  private readonly selectEmitter = new vscode.EventEmitter<Selection | undefined>();
  readonly onDidChange = this.changeEmitter.event;
  readonly onDidChangeActive = this.activeEmitter.event;
  readonly onDidSelect = this.selectEmitter.event;

  /** The verification worker; undefined when no worker entry was given. */
  readonly verifier: VerifyClient | undefined;
  private readonly counts = { host: 0, worker: 0, workerStopped: 0, cancelled: 0 };
  private lastRun: StoreStats['last'];
  private lastCancelled: string | undefined;
  private readonly runs = new Map<string, RunInfo>();
  private readonly sampleSnapshot: vscode.Uri | undefined;
  /** Test hook: analyse as if the workspace were (not) trusted; undefined follows VS Code. */
  trustOverride: boolean | undefined;

  constructor(
    private readonly log: (line: string) => void = () => undefined,
    options: StoreOptions = {},
  ) {
    this.sampleSnapshot = options.sampleSnapshot;
    this.verifier = options.workerEntry ? new VerifyClient({ entry: options.workerEntry, log }) : undefined;
    this.disposables.push(
      this.changeEmitter,
      this.activeEmitter,
      this.selectEmitter,
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (isEml(d)) void this.analyze(d);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (isEml(e.document) && e.contentChanges.length > 0) {
          // the running verification is for a version that no longer exists
          this.cancelRun(e.document.uri.toString());
          this.schedule(e.document);
        }
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      vscode.window.onDidChangeActiveTextEditor((e) => this.updateActive(e)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION)) this.invalidateAll();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.invalidateAll()),
    );
  }

  /** Analyse every open message and pick the active one (called once at activation). */
  start(): void {
    for (const d of vscode.workspace.textDocuments) if (isEml(d)) void this.analyze(d);
    this.updateActive(vscode.window.activeTextEditor);
  }

  get(uri: vscode.Uri): Analysis | undefined {
    return this.entries.get(uri.toString())?.analysis;
  }

  /** 'headers' while the full analysis of the document is still running, 'full' when done. */
  phase(uri: vscode.Uri): Phase | undefined {
    return this.entries.get(uri.toString())?.phase;
  }

  /** Sentences about settings that could not be applied to this document's analysis. */
  notes(uri: vscode.Uri): string[] {
    return this.entries.get(uri.toString())?.notes ?? [];
  }

  dnsMode(uri: vscode.Uri): ResolvedOptions['dnsMode'] | undefined {
    return this.entries.get(uri.toString())?.dnsMode;
  }

  /** Where the DNS answers of the document's analysis came from (the settings, or a sample's recorded answers). */
  dnsSource(uri: vscode.Uri): ResolvedOptions['dnsSource'] | undefined {
    return this.entries.get(uri.toString())?.dnsSource;
  }

  /** The options a document is analysed with (for the tests and the output channel). */
  resolve(document: vscode.TextDocument): Promise<ResolvedOptions> {
    return resolveOptions(document, this.caches, {
      sampleSnapshot: this.sampleSnapshot,
      isSample: (u) => u.scheme === SAMPLE_SCHEME,
      trusted: this.trustOverride,
    });
  }

  /** Re-analyses every open message (after a change of trust or of the test hooks). */
  refreshAll(): void {
    this.invalidateAll();
  }

  get active(): { uri: vscode.Uri; analysis: Analysis } | undefined {
    if (!this.activeUri) return undefined;
    const analysis = this.get(this.activeUri);
    return analysis ? { uri: this.activeUri, analysis } : undefined;
  }

  /** The active message's document, when it is open. */
  get activeDocument(): vscode.TextDocument | undefined {
    const uri = this.activeUri?.toString();
    return uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri) : undefined;
  }

  /** Where the document's latest full analysis ran (undefined before the first, or when it failed). */
  runInfo(uri: vscode.Uri): RunInfo | undefined {
    return this.runs.get(uri.toString());
  }

  /** Where full analyses ran so far. */
  get stats(): StoreStats {
    return {
      ...this.counts,
      workerUnavailable: this.verifier ? (this.verifier.unavailable ?? undefined) : 'no worker entry',
      verifier: this.verifier?.stats,
      last: this.lastRun,
      lastCancelled: this.lastCancelled,
    };
  }

  get selection(): Selection | undefined {
    return this.currentSelection;
  }

  select(selection: Selection | undefined): void {
    if (sameSelection(this.currentSelection, selection)) return;
    this.currentSelection = selection;
    this.selectEmitter.fire(selection);
  }

  schedule(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!document.isClosed) void this.analyze(document);
      }, DEBOUNCE_MS),
    );
  }

  /** Analyse now; cached per document version. `force` re-runs even when the cache is current. */
  async analyze(document: vscode.TextDocument, force = false): Promise<Analysis | undefined> {
    if (!isEml(document) || document.isClosed) return undefined;
    const key = document.uri.toString();
    const entry = this.entries.get(key);
    if (!force && entry && entry.version === document.version && entry.generation === this.generation && entry.phase === 'full') {
      return entry.analysis;
    }
    const run = this.running.get(key);
    if (!force && run && run.version === document.version && run.generation === this.generation) return run.promise;
    // a forced or newer run supersedes the one in flight
    this.cancelRun(key);
    const slot: Running = { version: document.version, generation: this.generation, promise: undefined as unknown as Promise<Analysis | undefined> };
    const promise = this.run(document, slot);
    slot.promise = promise;
    this.running.set(key, slot);
    try {
      return await promise;
    } finally {
      if (this.running.get(key)?.promise === promise) this.running.delete(key);
    }
  }

  /** `asText`: analyse the document's text even when it is a saved file (its bytes on disk did not match it). */
  private async run(document: vscode.TextDocument, slot: Running, asText = false): Promise<Analysis | undefined> {
    const key = document.uri.toString();
    const version = document.version;
    const generation = this.generation;
    const stale = () => document.isClosed || document.version !== version || generation !== this.generation || !isEml(document);
    const current = () => this.entries.get(key)?.analysis;

    let resolved: ResolvedOptions;
    let bytes: Uint8Array | undefined;
    /** The bytes came from disk and their lines were not compared with the document yet (the worker counts them). */
    let unchecked = false;
    try {
      resolved = await this.resolve(document);
      const read = await readDocument(document, {
        asText,
        uncheckedFrom: this.verifier && !this.verifier.unavailable ? WORKER_MIN_BYTES : undefined,
      });
      bytes = read.bytes;
      unchecked = read.unchecked;
    } catch (e) {
      this.log(`Could not read ${document.uri.toString(true)}: ${(e as Error).message}`);
      return current();
    }
    // a large message: reading it and splitting its header are two stalls of the host, not one
    if (bytes.byteLength >= WORKER_MIN_BYTES) await yieldToHost();
    if (stale()) return current();
    for (const n of resolved.notes) this.log(n);

    let head: Analysis;
    try {
      head = analyzeHeaders(bytes, resolved.options);
    } catch (e) {
      this.log(`Analysis of ${document.uri.toString(true)} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return current();
    }
    const message = isMessage(head);
    // no worker job will count the lines of what is not a message: compare them here, so a file
    // the editor decodes differently (UTF-16 without a byte order mark) is read as its text
    if (!message && unchecked && countLines(bytes) !== document.lineCount) return this.run(document, slot, true);
    this.set(document.uri, { version, generation, analysis: head, phase: message ? 'headers' : 'full', notes: resolved.notes, dnsMode: resolved.dnsMode, dnsSource: resolved.dnsSource });
    if (!message) return head;

    // let the views render the route before the verification starts
    await yieldToHost();
    if (stale()) return current();

    const size = bytes.byteLength;
    const failed = (e: unknown, code = 'verification-failed', text = 'Re-verification failed'): Analysis => {
      this.log(`Verification of ${document.uri.toString(true)} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return {
        ...head,
        problems: [...head.problems, { code, severity: 'warning', message: `${text}: ${(e as Error).message}. The route and the receiver's own results are shown.` }],
      };
    };
    let ran: RunInfo | undefined;
    const onHost = async (): Promise<Analysis> => {
      const t0 = performance.now();
      try {
        return await analyze(bytes!, resolved.options);
      } catch (e) {
        return failed(e);
      } finally {
        this.counts.host++;
        ran = { where: 'host', bytes: size, ms: performance.now() - t0 };
      }
    };

    let result: Analysis | undefined;
    let redoAsText = false;
    if (this.verifier && size >= WORKER_MIN_BYTES && !this.verifier.unavailable) {
      const job = this.verifier.run(bytes, wireOptions(resolved.options), resolved.dns, { countLines: unchecked });
      // the worker has its own copy; the host's can go as soon as the head analysis lets go of it
      bytes = undefined;
      slot.cancel = () => job.cancel();
      try {
        const r = await this.withSlowProgress(job.promise, size);
        if (unchecked && r.lineCount !== document.lineCount) {
          // the file on disk is not what the editor shows (changed since, or decoded differently,
          // e.g. UTF-16): analyse the document's text, as for an edited document
          if (stale()) return current();
          this.log(`${document.uri.toString(true)}: the file has ${r.lineCount} lines, the open document ${document.lineCount}; analysing the document's text.`);
          redoAsText = true;
        } else {
          this.counts.worker++;
          ran = { where: 'worker', bytes: size, ms: r.ms };
          result = r.analysis;
        }
      } catch (e) {
        if (isVerifyJobError(e, 'cancelled')) return current();
        if (isVerifyJobError(e, 'unavailable')) {
          // the worker could not start at all (logged once): verify here, as without a worker
          bytes = await this.rereadBytes(document);
          if (!bytes || stale()) return current();
        } else if (isVerifyJobError(e)) {
          this.counts.workerStopped++;
          result = failed(e, 'verification-stopped', 'Re-verification stopped');
          result.problems[result.problems.length - 1].message += ' Run "Mail Flow Lens: Analyze Message" to try again.';
        } else result = failed(e);
      } finally {
        slot.cancel = undefined;
      }
    }
    if (redoAsText) return this.run(document, slot, true);
    if (!result) {
      result =
        size > LARGE_MESSAGE_BYTES
          ? await vscode.window.withProgress(
              { location: vscode.ProgressLocation.Window, title: `Mail Flow Lens: verifying ${(size / 1048576).toFixed(0)} MB message` },
              onHost,
            )
          : await onHost();
    }
    if (stale()) return current();
    if (ran) this.noteRun(key, ran);
    else this.runs.delete(key); // the verification failed or stopped
    this.set(document.uri, { version, generation, analysis: result, phase: 'full', notes: resolved.notes, dnsMode: resolved.dnsMode, dnsSource: resolved.dnsSource });
    return result;
  }

  private noteRun(key: string, info: RunInfo): void {
    this.lastRun = { uri: key, ...info };
    this.runs.set(key, info);
  }

  /** Shows "verifying" in the status bar when the job is still running after PROGRESS_DELAY_MS. */
  private withSlowProgress<T>(promise: Promise<T>, size: number): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    timer = setTimeout(() => {
      timer = undefined;
      const mb = size / 1048576;
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Mail Flow Lens: verifying ${mb >= 1 ? `${mb.toFixed(0)} MB` : `${Math.ceil(size / 1024)} KB`} message` },
        () => settled,
      );
    }, PROGRESS_DELAY_MS);
    return promise.finally(() => {
      if (timer) clearTimeout(timer);
    });
  }

  /** The bytes again, for the host fallback after the worker took (and lost) the first copy. */
  private async rereadBytes(document: vscode.TextDocument): Promise<Uint8Array | undefined> {
    try {
      return await documentBytes(document);
    } catch (e) {
      this.log(`Could not read ${document.uri.toString(true)}: ${(e as Error).message}`);
      return undefined;
    }
  }

  private cancelRun(key: string): void {
    const run = this.running.get(key);
    if (run?.cancel) {
      const cancel = run.cancel;
      run.cancel = undefined;
      this.counts.cancelled++;
      this.lastCancelled = key;
      cancel();
    }
  }

  private set(uri: vscode.Uri, entry: Entry): void {
    const key = uri.toString();
    this.entries.set(key, entry);
    this.changeEmitter.fire(uri);
    if (this.activeUri?.toString() === key) this.activeEmitter.fire();
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
    this.cancelRun(key);
    this.running.delete(key);
    this.runs.delete(key);
    const had = this.entries.delete(key);
    if (had) this.changeEmitter.fire(uri);
    if (this.currentSelection?.uri === key) this.select(undefined);
    if (this.activeUri?.toString() === key) {
      // fall back to another visible message, if any
      const other = vscode.window.visibleTextEditors.find((e) => isEml(e.document) && e.document.uri.toString() !== key);
      this.activeUri = other?.document.uri;
      this.activeEmitter.fire();
    }
  }

  private updateActive(editor: vscode.TextEditor | undefined): void {
    // the message stays active while the user looks at something else (a generated script, the
    // output panel); another message or closing it changes it
    if (!isEml(editor?.document)) return;
    const uri = editor.document.uri;
    if (!this.entries.has(uri.toString())) void this.analyze(editor.document);
    if (this.activeUri?.toString() !== uri.toString()) {
      this.activeUri = uri;
      this.activeEmitter.fire();
    }
  }

  private invalidateAll(): void {
    this.generation++;
    for (const key of this.running.keys()) this.cancelRun(key);
    for (const d of vscode.workspace.textDocuments) if (isEml(d)) void this.analyze(d);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.caches.clear();
    for (const key of this.running.keys()) this.cancelRun(key);
    void this.verifier?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function sameSelection(a: Selection | undefined, b: Selection | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.kind !== b.kind || a.uri !== b.uri) return false;
  if (a.kind === 'hop' && b.kind === 'hop') return a.hop === b.hop;
  if (a.kind === 'finding' && b.kind === 'finding') return a.finding === b.finding;
  return true;
}

/**
 * The message bytes. A saved file is read from disk (the exact bytes, so 8-bit bodies hash as sent)
 * when its lines still match the document; otherwise (edited, untitled, virtual, or saved as
 * UTF-16, as Windows PowerShell's Out-File does) the document text is encoded as UTF-8.
 */
export async function documentBytes(document: vscode.TextDocument): Promise<Uint8Array> {
  return (await readDocument(document, {})).bytes;
}

/**
 * documentBytes, with two choices for the store: `asText` skips the file; `uncheckedFrom` takes a
 * file of at least that many bytes without comparing its lines with the document (`unchecked`:
 * the worker counts them off the host, and the store compares the count when the result is back).
 */
async function readDocument(document: vscode.TextDocument, o: { asText?: boolean; uncheckedFrom?: number }): Promise<{ bytes: Uint8Array; unchecked: boolean }> {
  if (!o.asText && !document.isDirty && !document.isUntitled && document.uri.scheme === 'file') {
    try {
      let raw = await vscode.workspace.fs.readFile(document.uri);
      if (raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) raw = raw.subarray(3);
      // a UTF-16 byte order mark: the editor shows the decoded text, the bytes are not the message
      const utf16 = raw.length >= 2 && ((raw[0] === 0xff && raw[1] === 0xfe) || (raw[0] === 0xfe && raw[1] === 0xff));
      if (!utf16) {
        if (o.uncheckedFrom !== undefined && raw.byteLength >= o.uncheckedFrom) return { bytes: raw, unchecked: true };
        if (countLines(raw) === document.lineCount) return { bytes: raw, unchecked: false };
      }
    } catch {
      // fall through to the document text
    }
  }
  return { bytes: Buffer.from(document.getText(), 'utf8'), unchecked: false };
}
