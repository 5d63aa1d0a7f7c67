/**
 * Folder mode on worker threads: a bounded pool (one worker per core by default), each worker
 * reading and analysing one file at a time and posting back a compact record (plus the Analysis
 * as JSON text only when --json asks for it).
 *
 * Memory stays bounded however many files there are, and however large they are:
 *  - each worker analyses one message at a time;
 *  - a message above STREAM_FILE_BYTES (4 MiB, src/cli/engine.ts) is streamed: the worker reads
 *    its header block, then the body in 1 MiB chunks that pass through the DKIM/ARC body hashes,
 *    the body hints' windows and the line count and are dropped (analyzeStream in
 *    src/core/analyze.ts). A 50 MB message with a large attachment costs a worker about 10 MB,
 *    not 50 MB (100 MB for an LF file, converted to CRLF), and the result is the same as from
 *    the whole bytes (test/unit/cli/large-stream.test.ts);
 *  - files above the size limit are read head-first (src/node/read.ts), so a 2 GB file never
 *    lands in memory;
 *  - what is still read whole when it is large goes through one "large" slot (at most one such
 *    file analysed at any moment, whatever the pool size): an Outlook .msg, whose reader needs the
 *    whole compound file (up to 512 MiB), and any file the streaming threshold does not cover (it
 *    can be raised for tests). A message whose header block does not end within 1 MiB is read
 *    whole too (analyzeStream), but its size is only known once read: it is bounded by the size
 *    limit;
 *  - results are delivered in input order through a window: a task is dispatched only when it is
 *    fewer than `window` places ahead of the next result to deliver, so finished results waiting
 *    for a slow one cannot pile up;
 *  - a worker whose heap limit is hit dies alone: its file is reported as failed and a new worker
 *    takes its place.
 *
 * The bundle re-enters itself: the worker runs the same file (dist/cli.js) with workerData marking
 * it as a worker (see isWorkerContext / runWorker, called from main.ts).
 */
import { closeSync, constants as fsConstants, lstatSync, openSync, readSync, statSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData, type ResourceLimits } from 'node:worker_threads';
import { isCompoundFile } from '../core/msg/cfb-guard';
import { InputError } from '../node/read';
import { toJsonText } from '../core/present/text';
import { analyzeFile, openDns, recordOf, streamThreshold, type DnsSetup, type EngineOptions, type MessageRecord } from './engine';

const MARKER = 'mailflow-lens-worker/1';
/** Files above this size that a worker reads whole share one slot (at most one analysed at a time). */
export const LARGE_FILE_BYTES = 8 * 1024 * 1024;

/** True when the file starts with the compound file signature (an Outlook .msg, read whole). */
function startsAsCompoundFile(path: string): boolean {
  let fd: number | undefined;
  try {
    // never blocks on a FIFO, never follows a link (the worker refuses those anyway)
    fd = openSync(path, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0) | (fsConstants.O_NOFOLLOW ?? 0));
    const sig = Buffer.alloc(8);
    return readSync(fd, sig, 0, 8, 0) === 8 && isCompoundFile(sig);
  } catch {
    return false; // the worker reports the error
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Whether a file takes the large slot: larger than `largeFileBytes` and read whole by the worker,
 * i.e. an Outlook .msg (read whole at any size), or a message within the size limit that is not
 * above the streaming threshold. Streamed messages and head-first reads above the size limit hold
 * little memory and run side by side.
 */
export function holdsLargeFileWhole(path: string, size: number, o: { largeFileBytes: number; maxMessageBytes: number; streamAbove: number }): boolean {
  if (size <= o.largeFileBytes) return false;
  if (size <= o.maxMessageBytes && size <= o.streamAbove) return true;
  return startsAsCompoundFile(path);
}

export interface WorkerInit {
  marker: typeof MARKER;
  engine: EngineOptions;
  dns: DnsSetup;
  want: { json: boolean; efc: boolean; lookups: boolean };
}

interface TaskMessage {
  type: 'task';
  index: number;
  /** The name results and errors use. */
  path: string;
  /** How to open it (see PoolOptions.targets). */
  open?: string;
  noFollow?: boolean;
}

export type TaskResult = { ok: true; record: MessageRecord; json?: string } | { ok: false; error: string };

type ResultMessage = { type: 'result'; index: number } & TaskResult;

export function workerInit(engine: EngineOptions, dns: DnsSetup, want: WorkerInit['want']): WorkerInit {
  return { marker: MARKER, engine, dns, want };
}

/** True inside a pool worker (the bundle re-entered with our workerData). */
export function isWorkerContext(): boolean {
  return !isMainThread && !!workerData && (workerData as { marker?: unknown }).marker === MARKER;
}

/** A message's analysis as a task result (never throws). Used by workers and the single-thread path. */
export async function runTask(path: string, init: WorkerInit, dns: ReturnType<typeof openDns>, target: { open?: string; noFollow?: boolean } = {}): Promise<TaskResult> {
  try {
    const open = target.open ?? path;
    const a = await analyzeFile(open, init.engine, dns, { noFollow: target.noFollow });
    if (open !== path) a.input.name = path;
    const record = recordOf(a, path, { efc: init.want.efc, lookups: init.want.lookups });
    return init.want.json ? { ok: true, record, json: toJsonText(a) } : { ok: true, record };
  } catch (e) {
    if (e instanceof InputError) return { ok: false, error: target.open && target.open !== path ? e.message.split(target.open).join(path) : e.message };
    return { ok: false, error: `${path}: internal error: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The worker's main loop. */
export function runWorker(): void {
  const init = workerData as WorkerInit;
  const port = parentPort!;
  const dns = openDns(init.dns);
  port.on('message', (m: TaskMessage) => {
    if (!m || m.type !== 'task') return;
    void runTask(m.path, init, dns, { open: m.open, noFollow: m.noFollow }).then((r) => {
      const msg: ResultMessage = { type: 'result', index: m.index, ...r };
      port.postMessage(msg);
    });
  });
  port.on('close', () => dns.close());
}

export interface PoolOptions {
  /** The script the workers run (main.ts's compiled file or the bundle). */
  entry: string;
  size: number;
  init: WorkerInit;
  paths: readonly string[];
  /**
   * How each path is opened (same order as `paths`): the real path of a symbolic link followed
   * inside its folder, and whether a link is refused (files found in a folder). Default: the path,
   * links followed.
   */
  targets?: ReadonlyArray<{ open?: string; noFollow?: boolean }>;
  /** Results are delivered in input order; at most this many tasks ahead of the next delivery. */
  window?: number;
  largeFileBytes?: number;
  /** Whether a file takes the large slot; default holdsLargeFileWhole() with the engine's limits. */
  largeFile?: (path: string, size: number) => boolean;
  resourceLimits?: ResourceLimits;
  /** Called once per file, in input order; awaited before the next is delivered. */
  onResult: (index: number, result: TaskResult) => void | Promise<void>;
}

interface Slot {
  worker: Worker;
  task?: number;
  error?: Error;
}

function crashText(path: string, err: Error | undefined, code: number): string {
  const c = (err as NodeJS.ErrnoException | undefined)?.code;
  if (c === 'ERR_WORKER_OUT_OF_MEMORY') return `${path}: the analysis ran out of memory and was stopped`;
  return `${path}: internal error: the worker stopped (${err?.message ?? `exit code ${code}`})`;
}

/** Runs every path through the pool; resolves when every result was delivered. */
export function runPool(o: PoolOptions): Promise<void> {
  const n = o.paths.length;
  if (n === 0) return Promise.resolve();
  const size = Math.max(1, Math.min(o.size, n));
  const window = Math.max(size * 2, o.window ?? Math.max(64, size * 16));
  const large = o.largeFileBytes ?? LARGE_FILE_BYTES;
  const engine = (o.init as Partial<WorkerInit> | undefined)?.engine;
  const streamAbove = streamThreshold();
  const takesLargeSlot =
    o.largeFile ?? ((p: string, size: number) => holdsLargeFileWhole(p, size, { largeFileBytes: large, maxMessageBytes: engine?.maxMessageBytes ?? Infinity, streamAbove }));
  const dispatched = new Uint8Array(n);
  const isLarge = new Int8Array(n).fill(-1);
  const done = new Map<number, TaskResult>();
  let firstUndispatched = 0;
  let deliverNext = 0;
  let largeInFlight = 0;
  let delivering = false;
  let finished = false;
  /** Workers that stopped in a row without a result in between: a broken entry script must not respawn forever. */
  let crashes = 0;
  const slots: Slot[] = [];

  return new Promise<void>((resolve, reject) => {
    const fail = (e: unknown) => {
      if (finished) return;
      finished = true;
      void Promise.all(slots.map((s) => s.worker.terminate())).finally(() => reject(e));
    };

    const largeAt = (i: number): boolean => {
      if (isLarge[i] === -1) {
        let big = false;
        try {
          const open = o.targets?.[i]?.open ?? o.paths[i];
          big = takesLargeSlot(open, (o.targets?.[i]?.noFollow ? lstatSync : statSync)(open).size);
        } catch {
          big = false; // the worker reports the error
        }
        isLarge[i] = big ? 1 : 0;
      }
      return isLarge[i] === 1;
    };

    const pick = (): number | undefined => {
      while (firstUndispatched < n && dispatched[firstUndispatched]) firstUndispatched++;
      const limit = Math.min(n, deliverNext + window);
      for (let i = firstUndispatched; i < limit; i++) {
        if (dispatched[i]) continue;
        if (largeInFlight && largeAt(i)) continue;
        return i;
      }
      return undefined;
    };

    const pump = () => {
      if (finished) return;
      for (const s of slots) {
        if (s.task !== undefined) continue;
        const i = pick();
        if (i === undefined) return;
        dispatched[i] = 1;
        s.task = i;
        if (largeAt(i)) largeInFlight++;
        const t = o.targets?.[i];
        const msg: TaskMessage = { type: 'task', index: i, path: o.paths[i], ...(t?.open ? { open: t.open } : {}), ...(t?.noFollow ? { noFollow: true } : {}) };
        s.worker.postMessage(msg);
      }
    };

    const complete = (s: Slot, index: number, r: TaskResult) => {
      if (s.task !== index) return;
      s.task = undefined;
      if (r.ok) crashes = 0;
      if (isLarge[index] === 1) largeInFlight--;
      done.set(index, r);
      pump();
      void deliver();
    };

    const deliver = async () => {
      if (delivering || finished) return;
      delivering = true;
      try {
        while (done.has(deliverNext)) {
          const r = done.get(deliverNext)!;
          done.delete(deliverNext);
          await o.onResult(deliverNext, r);
          deliverNext++;
          pump();
        }
      } catch (e) {
        delivering = false;
        fail(e);
        return;
      }
      delivering = false;
      if (deliverNext >= n && !finished) {
        finished = true;
        await Promise.all(slots.map((s) => s.worker.terminate()));
        resolve();
      }
    };

    const spawn = (): Slot => {
      const worker = new Worker(o.entry, { workerData: o.init, resourceLimits: o.resourceLimits, stdout: false, stderr: false });
      const slot: Slot = { worker };
      worker.on('message', (m: ResultMessage) => {
        if (m && m.type === 'result') {
          const { type: _t, index, ...r } = m;
          void _t;
          complete(slot, index, r as TaskResult);
        }
      });
      worker.on('error', (e) => {
        slot.error = e;
      });
      worker.on('exit', (code) => {
        if (finished) return;
        const i = slot.task;
        const at = slots.indexOf(slot);
        if (at >= 0) slots.splice(at, 1);
        if (++crashes > size + 3) {
          fail(new Error(`the analysis workers keep stopping (${slot.error?.message ?? `exit code ${code}`})`));
          return;
        }
        if (i !== undefined) {
          // replace the lost worker first, then report its file
          if (deliverNext < n) slots.push(spawn());
          complete(slot, i, { ok: false, error: crashText(o.paths[i], slot.error, code) });
        } else if (deliverNext < n) {
          slots.push(spawn());
          pump();
        }
      });
      return slot;
    };

    try {
      for (let k = 0; k < size; k++) slots.push(spawn());
    } catch (e) {
      fail(e);
      return;
    }
    pump();
  });
}
