/**
 * Runs the tasks on a few worker threads. A message that takes longer than the time limit, or
 * whose worker dies (out of memory, an uncaught error), is recorded as a timeout / error and its
 * worker replaced: no single message can stop the run.
 */
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import type { Task } from './collect';
import type { MessageResult } from './message';

export interface PoolOptions {
  workers: number;
  timeoutMs: number;
  /** Called after every finished task. */
  onProgress?: (done: number, total: number) => void;
  /** Heap limit per worker (MB). */
  heapMb?: number;
}

const WORKER_FILE = path.join(__dirname, 'worker.js');

export function runPool(tasks: Task[], o: PoolOptions): Promise<MessageResult[]> {
  const results = new Array<MessageResult>(tasks.length);
  let next = 0;
  let done = 0;
  return new Promise((resolve) => {
    if (!tasks.length) return resolve(results);
    const slots = Math.max(1, Math.min(o.workers, tasks.length));
    let live = 0;
    const finish = (t: Task, r: MessageResult) => {
      if (results[t.id]) return;
      results[t.id] = r;
      done++;
      o.onProgress?.(done, tasks.length);
    };
    const start = () => {
      live++;
      const w = new Worker(WORKER_FILE, { resourceLimits: { maxOldGenerationSizeMb: o.heapMb ?? 1536 } });
      let current: Task | null = null;
      let timer: NodeJS.Timeout | null = null;
      let t0 = 0;
      let retired = false;
      const retire = (replace: boolean) => {
        if (retired) return;
        retired = true;
        if (timer) clearTimeout(timer);
        void w.terminate();
        live--;
        if (replace && next < tasks.length) start();
        else if (live === 0) resolve(results);
      };
      const feed = () => {
        if (next >= tasks.length) {
          current = null;
          retire(false);
          return;
        }
        current = tasks[next++];
        t0 = performance.now();
        const t = current;
        timer = setTimeout(() => {
          finish(t, { file: t.label, source: t.source, status: 'timeout', error: `no answer within ${o.timeoutMs / 1000} s`, ms: Math.round(performance.now() - t0) });
          retire(true);
        }, o.timeoutMs);
        w.postMessage({ task: t });
      };
      w.on('message', (m: { id: number; result: MessageResult }) => {
        if (timer) clearTimeout(timer);
        timer = null;
        if (current && m.id === current.id) finish(current, m.result);
        feed();
      });
      w.on('error', (e: Error) => {
        if (current) finish(current, { file: current.label, source: current.source, status: 'error', error: `worker died: ${e.message}`, ms: Math.round(performance.now() - t0) });
        retire(true);
      });
      w.on('exit', () => {
        if (!retired) {
          if (current) finish(current, { file: current.label, source: current.source, status: 'error', error: 'worker exited', ms: Math.round(performance.now() - t0) });
          retire(true);
        }
      });
      feed();
    };
    for (let i = 0; i < slots; i++) start();
  });
}
