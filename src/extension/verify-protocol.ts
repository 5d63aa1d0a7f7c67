/**
 * The messages between the extension host and the verification worker (./verify-worker.ts).
 * Nothing here imports 'vscode' or opens a thread: the store, the worker and the unit tests share
 * these types and helpers.
 *
 * What crosses the thread boundary is plain data only, so structured clone carries it unchanged:
 *  - the message bytes, as an ArrayBuffer the host copied for this job and transfers;
 *  - analyze() options without the resolver (a function cannot be cloned);
 *  - a DNS plan decided on the host: 'off', 'recorded' with the parsed snapshot (sent once per
 *    snapshot version, the worker keeps it), or 'live' with the server setting. The worker builds
 *    the live resolver itself, and only when the plan says 'live': the host is where workspace
 *    trust is checked (src/extension/config.ts), the worker never decides to go online;
 *  - back: the Analysis, which is plain JSON-shaped data (strings, numbers, booleans, null,
 *    arrays, plain objects; no Date, Map or class instance), so the clone is the same value
 *    analyze() returned in the worker.
 */
import type { FullAnalyzeOptions } from '../core/analyze';
import type { Analysis } from '../core/types';
import type { DnsSnapshot } from '../core/verify/snapshot';
import { countLines as countFrom } from '../core/parse/headers/lines';

/** workerData marker: the worker entry only starts its loop when it was started with this. */
export const PROTOCOL = 'mailflow-lens-verify/1';

/** analyze() options as they cross to the worker: everything but the resolver. */
export type WireOptions = Omit<FullAnalyzeOptions, 'resolver' | 'dnsMode'> & { efcMode?: string };

/**
 * How the worker answers DNS questions. Decided on the extension host (trust, settings); the
 * worker only follows it.
 */
export type DnsPlan =
  | { mode: 'off' }
  /**
   * `key` names the snapshot file, `version` its modification time. `snapshot` is sent only when
   * the worker does not hold this version yet (see SnapshotLedger).
   */
  | { mode: 'recorded'; key: string; version: number; snapshot?: DnsSnapshot }
  /** The DNS server setting ('' = the system's resolvers). Only ever sent from a trusted workspace. */
  | { mode: 'live'; server: string };

export interface WorkerData {
  protocol: typeof PROTOCOL;
}

export type ToWorker =
  /** `countLines`: also count the bytes' lines (the host compares them with the editor's document). */
  | { type: 'analyze'; id: number; bytes: ArrayBuffer; options: WireOptions; dns: DnsPlan; countLines?: boolean }
  /** Stop the job: its DNS lookups fail from now on and its result is not sent. */
  | { type: 'cancel'; id: number };

export type FromWorker =
  /** Posted once the worker's code is loaded and it listens. */
  | { type: 'ready' }
  | { type: 'result'; id: number; analysis: Analysis; ms: number; lineCount?: number }
  | { type: 'failed'; id: number; message: string; stack?: string };

/** The options for the wire: drops the resolver and the DNS mode (the plan carries both). */
export function wireOptions(options: FullAnalyzeOptions & { efcMode?: string }): WireOptions {
  const { resolver: _r, dnsMode: _m, ...rest } = options;
  void _r;
  void _m;
  return rest;
}

/**
 * A copy of the bytes in an ArrayBuffer of their own, for transferring. The caller's buffer may be
 * shared (a slice of a pooled Buffer, the file system's read buffer, or still read by the
 * headers-first analysis): transferring it would detach memory that someone else still uses.
 */
export function transferableCopy(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

/** Slices of this size are copied between yields (see copyInSlices). */
export const COPY_SLICE_BYTES = 4 * 1024 * 1024;

/**
 * transferableCopy without one long stall: a 30 MB copy (fresh pages, and the garbage collection
 * the new memory triggers) holds the extension host for 40-120 ms on a busy 2-core machine; in
 * 4 MiB slices with the event loop running between them, no single stall is long. Resolves
 * undefined when `wanted()` turns false between slices (the job was cancelled).
 */
export async function copyInSlices(bytes: Uint8Array, wanted: () => boolean = () => true, slice = COPY_SLICE_BYTES): Promise<ArrayBuffer | undefined> {
  if (bytes.byteLength <= slice) return transferableCopy(bytes);
  const copy = new Uint8Array(bytes.byteLength);
  for (let at = 0; at < bytes.byteLength; at += slice) {
    if (at > 0) {
      await yieldToHost();
      if (!wanted()) return undefined;
    }
    copy.set(bytes.subarray(at, Math.min(at + slice, bytes.byteLength)), at);
  }
  return copy.buffer;
}

/** Lets timers and I/O run (a macrotask boundary; setImmediate from an I/O callback would not let timers in). */
export function yieldToHost(): Promise<void> {
  return new Promise<void>((r) => setTimeout(r, 0));
}

/**
 * What the host believes the current worker holds of each snapshot file (key → version). The
 * worker keeps exactly one version per key, the latest it was sent, so the host sends the data
 * again only when the file changed or the worker was restarted (then the ledger is cleared).
 */
export class SnapshotLedger {
  private readonly sent = new Map<string, number>();

  /** The plan to post: the snapshot left out when the worker already holds this version. */
  outgoing(plan: DnsPlan): DnsPlan {
    if (plan.mode !== 'recorded') return plan;
    if (this.sent.get(plan.key) === plan.version) {
      const { snapshot: _s, ...rest } = plan;
      void _s;
      return rest;
    }
    if (!plan.snapshot) return plan; // nothing to send: the worker reports the missing snapshot
    this.sent.set(plan.key, plan.version);
    return plan;
  }

  clear(): void {
    this.sent.clear();
  }
}

/** Lines as VS Code counts them: CRLF, LF and a lone CR each end a line (the header splitter's count). */
export function countLines(bytes: Uint8Array): number {
  return countFrom(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** Why the worker could not deliver a job. */
export type StopReason = 'cancelled' | 'out-of-memory' | 'stopped' | 'unavailable';

export class VerifyJobError extends Error {
  constructor(
    readonly reason: StopReason,
    message: string,
  ) {
    super(message);
    this.name = 'VerifyJobError';
  }
}

export function isVerifyJobError(e: unknown, reason?: StopReason): e is VerifyJobError {
  return e instanceof VerifyJobError && (reason === undefined || e.reason === reason);
}

/** Node's error code for a worker that hit its heap limit. */
export const OUT_OF_MEMORY_CODE = 'ERR_WORKER_OUT_OF_MEMORY';

/** One sentence for a worker that stopped while it had jobs. */
export function stopText(error: (Error & { code?: string }) | undefined, exitCode: number, heapLimitMb?: number): { reason: StopReason; message: string } {
  if (error?.code === OUT_OF_MEMORY_CODE) {
    return { reason: 'out-of-memory', message: `the verification worker ran out of memory${heapLimitMb ? ` (its limit is ${heapLimitMb} MB)` : ''} and was stopped` };
  }
  const why = error ? error.message : `exit code ${exitCode}`;
  return { reason: 'stopped', message: `the verification worker stopped unexpectedly (${why})` };
}
