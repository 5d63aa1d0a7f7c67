/**
 * The extension host's side of the verification worker: one long-lived worker thread
 * (./verify-worker.ts, bundled as dist/verify-worker.js), started on first need and replaced when
 * it stops. No 'vscode' here, so the unit tests drive it with the real worker file.
 *
 *  - Each job carries an id. A result whose job was cancelled (or that belongs to a worker that
 *    was replaced) is dropped.
 *  - Cancel: the job's promise rejects at once (reason 'cancelled'). A large job with nothing else
 *    running on the worker is stopped by terminating the worker (hashing cannot be interrupted
 *    from inside; the next job starts a fresh one); otherwise the worker is told to cancel it
 *    (its DNS lookups fail at once, its result is not sent).
 *  - A worker that stops (an uncaught error, its heap limit, killed) fails its jobs with one
 *    clear sentence (reason 'out-of-memory' or 'stopped'); the next job starts a new worker.
 *  - A worker that stops before it said it was ready (missing or broken file, threads not
 *    allowed) makes the client unavailable for good (reason 'unavailable'): the caller falls back
 *    to analysing on its own thread.
 */
import * as fs from 'node:fs';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import type { Analysis } from '../core/types';
import {
  PROTOCOL,
  SnapshotLedger,
  VerifyJobError,
  copyInSlices,
  stopText,
  type DnsPlan,
  type FromWorker,
  type ToWorker,
  type WireOptions,
  type WorkerData,
} from './verify-protocol';

/** Heap limit of the worker (MB). Measured: a 64 MiB LF-only message peaks well below 200 MB of heap (its bytes live outside the heap). */
export const WORKER_HEAP_MB = 1024;
/** A cancelled job at least this large stops the worker when it is the worker's only job (see cancel). */
export const TERMINATE_ON_CANCEL_BYTES = 4 * 1024 * 1024;

export interface VerifyClientOptions {
  /** The worker script (dist/verify-worker.js, or the compiled out/ file in unit tests). */
  entry: string;
  /** One line for the output channel. */
  log?: (line: string) => void;
  resourceLimits?: ResourceLimits;
  terminateOnCancelBytes?: number;
}

export interface VerifyStats {
  /** Jobs posted to a worker. */
  jobs: number;
  /** Results delivered. */
  results: number;
  /** Workers started. */
  starts: number;
  /** Workers that stopped without being asked to (crash, heap limit, the test hook). */
  crashes: number;
  /** Jobs cancelled before their result arrived. */
  cancelled: number;
  /** Workers terminated on purpose to stop a cancelled job. */
  terminatedForCancel: number;
}

export interface VerifyResult {
  analysis: Analysis;
  /** Time the worker spent on the job (milliseconds). */
  ms: number;
  /** The bytes' line count, when asked for (see run). */
  lineCount?: number;
}

export interface VerifyJob {
  readonly id: number;
  readonly promise: Promise<VerifyResult>;
  cancel(): void;
}

interface Pending {
  worker: Worker;
  bytes: number;
  /** False while the bytes are being copied: the worker knows nothing of the job yet. */
  posted: boolean;
  resolve: (r: VerifyResult) => void;
  reject: (e: Error) => void;
}

interface WorkerState {
  ready: boolean;
  /** Terminated on purpose (cancel, dispose): its exit is not a crash. */
  retired: boolean;
  /** Killed through the test hook: a crash, but never a start-up failure. */
  killed: boolean;
  error?: Error & { code?: string };
}

export class VerifyClient {
  private worker: Worker | undefined;
  private readonly states = new WeakMap<Worker, WorkerState>();
  private readonly pending = new Map<number, Pending>();
  private readonly ledger = new SnapshotLedger();
  private nextId = 1;
  private unavailableReason: string | undefined;
  private probed = false;
  private disposed = false;
  private readonly counters: VerifyStats = { jobs: 0, results: 0, starts: 0, crashes: 0, cancelled: 0, terminatedForCancel: 0 };

  constructor(private readonly options: VerifyClientOptions) {}

  /** Why jobs cannot run on a worker (undefined while they can). Checked once, then on start-up failures. */
  get unavailable(): string | undefined {
    if (!this.probed) {
      this.probed = true;
      try {
        require('node:worker_threads');
      } catch (e) {
        this.markUnavailable(`worker threads are not available here (${(e as Error).message})`);
      }
      if (!this.unavailableReason && !fs.existsSync(this.options.entry)) this.markUnavailable(`the worker file ${this.options.entry} is missing`);
    }
    return this.unavailableReason;
  }

  get stats(): VerifyStats {
    return { ...this.counters };
  }

  /** Jobs started (copying their bytes or posted) and not yet answered or cancelled. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Jobs the worker has been sent (their bytes copied and posted) and not yet answered. */
  get posted(): number {
    let n = 0;
    for (const p of this.pending.values()) if (p.posted) n++;
    return n;
  }

  /** True while a worker thread exists (started and not stopped). */
  get running(): boolean {
    return !!this.worker;
  }

  /**
   * Posts one analysis. The bytes are copied in slices (copyInSlices; the caller keeps its buffer). `countLines`: the
   * worker also counts the bytes' lines (VerifyResult.lineCount), so the host need not scan them.
   */
  run(bytes: Uint8Array, options: WireOptions, dns: DnsPlan, extra: { countLines?: boolean } = {}): VerifyJob {
    const id = this.nextId++;
    let resolve!: (r: VerifyResult) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<VerifyResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // a caller that dropped its job (e.g. the document closed) must not cause an unhandled rejection
    promise.catch(() => undefined);
    const job: VerifyJob = { id, promise, cancel: () => this.cancel(id) };
    const why = this.disposed ? 'the extension is shutting down' : this.unavailable;
    if (why) {
      reject(new VerifyJobError(this.disposed ? 'cancelled' : 'unavailable', why));
      return job;
    }
    let worker: Worker;
    try {
      worker = this.ensure();
    } catch (e) {
      this.markUnavailable(`the verification worker could not be started (${(e as Error).message})`);
      reject(new VerifyJobError('unavailable', this.unavailableReason!));
      return job;
    }
    this.pending.set(id, { worker, bytes: bytes.byteLength, posted: false, resolve, reject });
    this.hold(worker);
    this.counters.jobs++;
    void this.send(id, worker, bytes, options, dns, extra);
    return job;
  }

  /** Copies the bytes (in slices, see copyInSlices) and posts the job, unless it was cancelled or its worker stopped meanwhile. */
  private async send(id: number, worker: Worker, bytes: Uint8Array, options: WireOptions, dns: DnsPlan, extra: { countLines?: boolean }): Promise<void> {
    const still = () => this.pending.get(id)?.worker === worker;
    const fail = (e: unknown) => {
      const p = this.pending.get(id);
      if (!p || p.worker !== worker) return;
      this.pending.delete(id);
      this.hold(worker);
      this.ledger.clear();
      p.reject(new VerifyJobError('stopped', `the job could not be sent to the verification worker (${(e as Error).message})`));
    };
    let buffer: ArrayBuffer | undefined;
    try {
      buffer = await copyInSlices(bytes, still);
    } catch (e) {
      fail(e);
      return;
    }
    // cancelled while copying, or the worker stopped (its exit already failed the job)
    if (!buffer || !still()) return;
    try {
      const message: ToWorker = { type: 'analyze', id, bytes: buffer, options, dns: this.ledger.outgoing(dns), countLines: extra.countLines };
      worker.postMessage(message, [buffer]);
      this.pending.get(id)!.posted = true;
    } catch (e) {
      fail(e);
    }
  }

  /** Drops the job's result; stops the work itself where that is possible (see the file comment). */
  cancel(id: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    this.hold(p.worker);
    this.counters.cancelled++;
    p.reject(new VerifyJobError('cancelled', 'the analysis was cancelled'));
    if (p.worker !== this.worker || !p.posted) return;
    const others = [...this.pending.values()].some((q) => q.worker === p.worker);
    if (!others && p.bytes >= (this.options.terminateOnCancelBytes ?? TERMINATE_ON_CANCEL_BYTES)) {
      this.counters.terminatedForCancel++;
      void this.retire(p.worker);
    } else {
      try {
        p.worker.postMessage({ type: 'cancel', id } satisfies ToWorker);
      } catch {
        // the worker is going away; its exit handler cleans up
      }
    }
  }

  /**
   * Test hook: stops the worker the way a crash would (its jobs fail with reason 'stopped', the
   * next job starts a new worker). Returns false when no worker was running.
   */
  kill(): boolean {
    const w = this.worker;
    if (!w) return false;
    const s = this.states.get(w);
    if (s) s.killed = true;
    void w.terminate();
    return true;
  }

  /** Terminates the worker; jobs still running fail with reason 'cancelled'. */
  dispose(): Promise<void> {
    this.disposed = true;
    for (const [id, p] of [...this.pending]) {
      this.pending.delete(id);
      p.reject(new VerifyJobError('cancelled', 'the extension is shutting down'));
    }
    const w = this.worker;
    return w ? this.retire(w) : Promise.resolve();
  }

  private retire(w: Worker): Promise<void> {
    const s = this.states.get(w);
    if (s) s.retired = true;
    if (this.worker === w) {
      this.worker = undefined;
      this.ledger.clear();
    }
    return w.terminate().then(
      () => undefined,
      () => undefined,
    );
  }

  /** A worker with jobs keeps the process alive (a caller is waiting); an idle one does not. */
  private hold(w: Worker): void {
    const busy = [...this.pending.values()].some((p) => p.worker === w);
    if (busy) w.ref();
    else w.unref();
  }

  private markUnavailable(reason: string): void {
    if (this.unavailableReason) return;
    this.unavailableReason = reason;
    this.options.log?.(`Verification runs on the extension host: ${reason}.`);
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const { Worker: WorkerClass } = require('node:worker_threads') as typeof import('node:worker_threads');
    const data: WorkerData = { protocol: PROTOCOL };
    const w = new WorkerClass(this.options.entry, {
      workerData: data,
      resourceLimits: this.options.resourceLimits ?? { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      // the host's own flags (inspector, loader hooks) are not for this thread and some are
      // refused in workers
      execArgv: [],
      stdout: false,
      stderr: false,
    });
    // an idle worker must never keep the host process alive (see hold)
    w.unref();
    const state: WorkerState = { ready: false, retired: false, killed: false };
    this.states.set(w, state);
    this.worker = w;
    this.ledger.clear();
    this.counters.starts++;
    w.on('message', (m: FromWorker) => this.onMessage(w, state, m));
    w.on('error', (e) => {
      state.error = e;
    });
    w.on('exit', (code) => this.onExit(w, state, code));
    return w;
  }

  private onMessage(w: Worker, state: WorkerState, m: FromWorker): void {
    if (!m || typeof m !== 'object') return;
    if (m.type === 'ready') {
      state.ready = true;
      return;
    }
    const p = this.pending.get(m.id);
    // a cancelled job, or an answer from a worker that was replaced: dropped
    if (!p || p.worker !== w) return;
    this.pending.delete(m.id);
    this.hold(w);
    if (m.type === 'result') {
      this.counters.results++;
      p.resolve({ analysis: m.analysis, ms: m.ms, lineCount: m.lineCount });
    } else if (m.type === 'failed') {
      const e = new Error(m.message);
      if (m.stack) e.stack = m.stack;
      p.reject(e);
    }
  }

  private onExit(w: Worker, state: WorkerState, code: number): void {
    if (this.worker === w) {
      this.worker = undefined;
      this.ledger.clear();
    }
    const mine = [...this.pending].filter(([, p]) => p.worker === w);
    for (const [id] of mine) this.pending.delete(id);
    if (state.retired) {
      for (const [, p] of mine) p.reject(new VerifyJobError('cancelled', 'the analysis was cancelled'));
      return;
    }
    this.counters.crashes++;
    if (!state.ready && !state.killed) {
      // it never started: a missing or broken worker file, or threads refused; it would fail the same way again
      this.markUnavailable(`the verification worker could not start (${state.error?.message ?? `exit code ${code}`})`);
      for (const [, p] of mine) p.reject(new VerifyJobError('unavailable', this.unavailableReason!));
      return;
    }
    const heap = (this.options.resourceLimits ?? { maxOldGenerationSizeMb: WORKER_HEAP_MB }).maxOldGenerationSizeMb;
    const stop = stopText(state.killed && !state.error ? new Error('it was terminated') : state.error, code, heap);
    this.options.log?.(`The verification worker stopped: ${stop.message}${mine.length ? ` (${mine.length} analysis${mine.length === 1 ? '' : 'es'} lost)` : ''}.`);
    for (const [, p] of mine) p.reject(new VerifyJobError(stop.reason, stop.message));
  }
}
