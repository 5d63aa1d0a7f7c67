/**
 * The verification worker: runs the full analyze() (DKIM/ARC body hashing, SPF what-if, DMARC) on
 * a worker thread so that a large message never blocks the extension host. Bundled on its own as
 * dist/verify-worker.js (scripts/bundle.js); started by ./verify-client.ts. No 'vscode' here.
 *
 * Jobs run concurrently (each is one async analyze()); the host decides everything about DNS (see
 * ./verify-protocol.ts): the worker answers from the snapshot it was sent, or looks records up
 * live only when the plan says so.
 *
 * Cancelling a job (the document changed or closed) makes its remaining DNS lookups fail at once
 * and drops its result. CPU-bound hashing cannot be interrupted from inside: the host terminates
 * the whole worker instead when a large job is cancelled and nothing else runs on it.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { analyze } from '../core/analyze';
import { resolverFromSnapshot } from '../core/verify/snapshot';
import type { DnsResolver } from '../core/verify/resolver';
import { createLiveResolver, type LiveResolver } from '../node/dns';
import { PROTOCOL, countLines, type DnsPlan, type FromWorker, type ToWorker, type WorkerData } from './verify-protocol';

export interface WorkerHandler {
  handle(message: ToWorker): void;
  /** Jobs started and not finished (cancelled ones included until they wind down). */
  readonly active: number;
  /** Cancels every live DNS query (the thread is going away). */
  close(): void;
}

interface Job {
  cancelled: boolean;
  cancel: () => void;
  onCancel: Promise<never>;
}

const CANCELLED = 'ECANCELLED';

/** The worker's logic without the thread (unit-testable on the main thread). */
export function createWorkerHandler(post: (message: FromWorker) => void): WorkerHandler {
  const snapshots = new Map<string, { version: number; resolver: DnsResolver }>();
  const live = new Map<string, LiveResolver>();
  const jobs = new Map<number, Job>();

  const resolverFor = (plan: DnsPlan): DnsResolver | undefined => {
    switch (plan.mode) {
      case 'off':
        return undefined;
      case 'recorded': {
        if (plan.snapshot) {
          // validated again here: the worker does not rely on what the host checked
          snapshots.set(plan.key, { version: plan.version, resolver: resolverFromSnapshot(plan.snapshot) });
        }
        const held = snapshots.get(plan.key);
        if (!held || held.version !== plan.version) throw new Error('the DNS snapshot was not passed to the verification worker');
        return held.resolver;
      }
      case 'live': {
        let r = live.get(plan.server);
        if (!r) {
          r = createLiveResolver(plan.server ? { server: plan.server } : {});
          live.set(plan.server, r);
        }
        return r.resolve;
      }
      default:
        throw new Error(`unknown DNS mode ${JSON.stringify((plan as { mode?: unknown }).mode)}`);
    }
  };

  /** The job's view of a resolver: after cancel, pending and new lookups fail with ECANCELLED. */
  const guarded = (inner: DnsResolver, job: Job): DnsResolver => (name, rrtype) => {
    if (job.cancelled) return Promise.reject(Object.assign(new Error(`query${rrtype} ${CANCELLED} ${name}`), { code: CANCELLED }));
    return Promise.race([inner(name, rrtype), job.onCancel]);
  };

  const run = async (m: Extract<ToWorker, { type: 'analyze' }>): Promise<void> => {
    let cancel!: () => void;
    const onCancel = new Promise<never>((_, reject) => {
      cancel = () => reject(Object.assign(new Error(`${CANCELLED}: the analysis was cancelled`), { code: CANCELLED }));
    });
    onCancel.catch(() => undefined);
    const job: Job = { cancelled: false, cancel, onCancel };
    jobs.set(m.id, job);
    const t0 = performance.now();
    try {
      const inner = resolverFor(m.dns);
      const bytes = new Uint8Array(m.bytes);
      const lineCount = m.countLines ? countLines(bytes) : undefined;
      const analysis = await analyze(bytes, {
        ...m.options,
        dnsMode: m.dns.mode,
        resolver: inner ? guarded(inner, job) : undefined,
      });
      if (!job.cancelled) post({ type: 'result', id: m.id, analysis, ms: performance.now() - t0, lineCount });
    } catch (e) {
      // also reached when the Analysis could not be cloned for posting (a bug worth a clear message)
      if (!job.cancelled) {
        const err = e instanceof Error ? e : new Error(String(e));
        post({ type: 'failed', id: m.id, message: err.message, stack: err.stack });
      }
    } finally {
      jobs.delete(m.id);
    }
  };

  return {
    get active(): number {
      return jobs.size;
    },
    handle(m: ToWorker): void {
      if (!m || typeof m !== 'object') return;
      if (m.type === 'analyze' && typeof m.id === 'number' && m.bytes instanceof ArrayBuffer) void run(m);
      else if (m.type === 'cancel') {
        const job = jobs.get(m.id);
        if (job && !job.cancelled) {
          job.cancelled = true;
          job.cancel();
        }
      }
    },
    close(): void {
      for (const r of live.values()) r.cancel();
      live.clear();
    },
  };
}

/** True when this module runs as the verification worker (a thread started with our marker). */
export function isVerifyWorker(): boolean {
  return !isMainThread && !!parentPort && (workerData as Partial<WorkerData> | undefined)?.protocol === PROTOCOL;
}

if (isVerifyWorker()) {
  const port = parentPort!;
  const handler = createWorkerHandler((m) => port.postMessage(m));
  port.on('message', (m: ToWorker) => handler.handle(m));
  port.on('close', () => handler.close());
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}
