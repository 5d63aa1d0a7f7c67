/**
 * A corpus worker thread: takes one task at a time from the pool (pool.ts), reads the message
 * (its byte range for an mbox part), runs it through analyseMessage() and posts the record back.
 * A message that throws comes back as status "error"; one that hangs is the pool's to end.
 */
import { parentPort } from 'node:worker_threads';
import * as fs from 'node:fs';
import { analyseMessage, type MessageResult } from './message';
import type { Task } from './collect';

function readTask(t: Task): Buffer {
  if (t.start === undefined || t.end === undefined) return fs.readFileSync(t.path);
  const len = t.end - t.start;
  const buf = Buffer.alloc(len);
  const fd = fs.openSync(t.path, 'r');
  try {
    let got = 0;
    while (got < len) {
      const n = fs.readSync(fd, buf, got, len - got, t.start + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

export async function runTask(t: Task): Promise<MessageResult> {
  const t0 = performance.now();
  try {
    return await analyseMessage(readTask(t), t.label, t.source);
  } catch (e) {
    const err = e as Error;
    const where = (err.stack ?? '').split('\n').find((l) => /^\s+at /.test(l))?.trim();
    return { file: t.label, source: t.source, status: 'error', error: `${err.name}: ${err.message}${where ? ` (${where})` : ''}`, ms: Math.round(performance.now() - t0) };
  }
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (m: { task: Task }) => {
    void runTask(m.task).then((result) => port.postMessage({ id: m.task.id, result }));
  });
}
