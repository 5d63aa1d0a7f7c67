/**
 * `npm run corpus -- DIR [--json] [--sample N]`: runs the product's engine (DNS off, no network)
 * over every message under DIR and prints the invariants that tell whether the route judgement
 * holds, measured against a ground truth read independently from the raw headers (truth.ts).
 *
 *   node out/scripts/corpus/index.js DIR [--json] [--sample N] [--sample-file PATH] [--seed S]
 *                                        [--workers N] [--timeout SECONDS] [--list N] [--quiet]
 *
 *  --json          print the numbers as one JSON object instead of the table
 *  --sample N      write N random example files per finding id to --sample-file
 *                  (default out/corpus/finding-samples.txt), to check precision by hand
 *  --workers N     worker threads (default 2)
 *  --timeout S     a message taking longer than S seconds is recorded as a timeout (default 10)
 *  --list N        how many disagreements each section lists in the table (default 15)
 *
 * Exit code 0 when the run finished (whatever the numbers), 2 on a usage error.
 * The corpus of public messages is rebuilt by scripts/corpus/build.js (see SOURCES.md there).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collect } from './collect';
import { runPool } from './pool';
import { buildReport, formatReport, sampleFindings } from './report';

interface Args {
  dir: string;
  json: boolean;
  sample: number;
  sampleFile: string;
  seed: number;
  workers: number;
  timeoutMs: number;
  list: number;
  quiet: boolean;
}

const USAGE = 'usage: npm run corpus -- DIR [--json] [--sample N] [--sample-file PATH] [--seed S] [--workers N] [--timeout SECONDS] [--list N] [--quiet]';

export function parseArgs(argv: string[]): Args {
  const a: Args = { dir: '', json: false, sample: 0, sampleFile: path.join('out', 'corpus', 'finding-samples.txt'), seed: 1, workers: 2, timeoutMs: 10000, list: 15, quiet: false };
  const num = (flag: string, v: string | undefined, min: number): number => {
    if (v === undefined || !/^\d+(\.\d+)?$/.test(v) || Number(v) < min) throw new Error(`${flag} needs a number ≥ ${min}`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--json') a.json = true;
    else if (x === '--quiet') a.quiet = true;
    else if (x === '--sample') a.sample = num(x, argv[++i], 1);
    else if (x === '--sample-file') a.sampleFile = argv[++i] ?? '';
    else if (x === '--seed') a.seed = num(x, argv[++i], 0);
    else if (x === '--workers') a.workers = num(x, argv[++i], 1);
    else if (x === '--timeout') a.timeoutMs = num(x, argv[++i], 0.001) * 1000;
    else if (x === '--list') a.list = num(x, argv[++i], 0);
    else if (x.startsWith('-')) throw new Error(`unknown option ${x}`);
    else if (!a.dir) a.dir = x;
    else throw new Error(`one folder only (got ${a.dir} and ${x})`);
  }
  if (!a.dir) throw new Error('name the folder of messages');
  return a;
}

export async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!fs.existsSync(args.dir)) {
    process.stderr.write(`${args.dir}: no such file or folder\n`);
    return 2;
  }
  const t0 = performance.now();
  const col = collect(args.dir);
  const progress = !args.quiet && process.stderr.isTTY;
  let last = 0;
  const results = await runPool(col.tasks, {
    workers: args.workers,
    timeoutMs: args.timeoutMs,
    onProgress: (done, total) => {
      if (!progress) return;
      const now = performance.now();
      if (now - last < 500 && done !== total) return;
      last = now;
      process.stderr.write(`\r[corpus] ${done}/${total} messages`);
      if (done === total) process.stderr.write('\n');
    },
  });
  const report = buildReport(results, { folder: args.dir, files: col.files, skipped: col.skipped, mboxes: col.mboxes, totalMs: performance.now() - t0, workers: args.workers });
  let samplesNote = '';
  if (args.sample > 0) {
    const picks = sampleFindings(results, args.sample, args.seed);
    const lines: string[] = [`# ${args.sample} random example messages per finding id (seed ${args.seed}), paths relative to ${path.resolve(args.dir)}`];
    for (const [id, files] of picks) {
      lines.push('', `## ${id}`);
      for (const f of files) lines.push(f);
    }
    fs.mkdirSync(path.dirname(path.resolve(args.sampleFile)), { recursive: true });
    fs.writeFileSync(args.sampleFile, lines.join('\n') + '\n');
    samplesNote = `Examples per finding written to ${args.sampleFile}\n`;
  }
  if (args.json) process.stdout.write(JSON.stringify(args.sample > 0 ? { ...report, sampleFile: args.sampleFile } : report, null, 2) + '\n');
  else process.stdout.write(formatReport(report, { listLimit: args.list }) + samplesNote);
  return 0;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
