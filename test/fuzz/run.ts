/**
 * npm run fuzz — structure-aware fuzzing of the whole pipeline.
 *
 * Seeds: every realistic scenario (CRLF and LF), the hostile inputs, the bundled samples and
 * Outlook .msg files written from some scenarios (Unicode and ANSI). Each .eml case is a seed
 * mutated 1–4 times (test/fuzz/mutate.ts); each .msg case is either its transport headers mutated
 * and written into a new compound file, or the compound file's bytes damaged (mutateMsg). Every
 * case is checked against the properties in test/fuzz/properties.ts. Cases run in a worker thread; a case that does not finish
 * within FUZZ_CASE_MS is a hang: the worker is terminated, the case saved, and the run continues.
 *
 * Environment: FUZZ_CASES (default 300), FUZZ_SECONDS (stop after this long; default none),
 * FUZZ_SEED (default 1), FUZZ_CASE_MS (default 10000), FUZZ_OUT (default .test-output/fuzz),
 * FUZZ_OUTPUTS=1 (also check the JSON, terminal and Markdown outputs: test/fuzz/properties.ts).
 * Prints `N passed, N failed`; exit code 1 when any case failed.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mutate, mutateMsg, rng } from './mutate';
import { checkCase, checkMsgCase } from './properties';

interface Job {
  seedIndex: number;
  caseSeed: number;
}

interface Seed {
  name: string;
  bytes: Buffer;
  /** An Outlook .msg seed: its transport header block and string format. */
  msg?: { headers: string; unicode: boolean };
}

/** Scenarios also fuzzed as Outlook .msg files (every other one, Unicode and ANSI alternating). */
const MSG_EVERY = 2;

function msgOf(headers: string, unicode: boolean): Buffer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildMsg } = require('../fixtures/msg/build') as typeof import('../fixtures/msg/build');
  return buildMsg({ transportHeaders: headers, subject: 'Invoice INV-20417 for March deliveries', body: 'Hello,\r\n', messageClass: 'IPM.Note', unicode, internetMessageId: '<fuzz@northwindtraders.com>' });
}

async function loadSeeds(): Promise<Seed[]> {
  // Loaded lazily so the worker does not pay for key generation twice.
  const { SCENARIOS, toLf, hostileInputs } = await import('../fixtures/scenarios');
  const { headerBlockOf } = await import('../fixtures/msg/build');
  const seeds: Seed[] = [];
  let k = 0;
  for (const s of SCENARIOS) {
    const b = await s.build();
    seeds.push({ name: s.id, bytes: b.bytes }, { name: `${s.id}-lf`, bytes: toLf(b.bytes) });
    if (k++ % MSG_EVERY === 0) {
      const headers = headerBlockOf(b.bytes);
      const unicode = k % 4 !== 1;
      seeds.push({ name: `${s.id}-msg${unicode ? '' : '-ansi'}`, bytes: msgOf(headers, unicode), msg: { headers, unicode } });
    }
  }
  for (const h of hostileInputs()) seeds.push({ name: `hostile-${h.id}`, bytes: h.bytes });
  const samples = path.join(__dirname, '..', '..', '..', 'samples');
  if (fs.existsSync(samples)) for (const f of fs.readdirSync(samples)) if (f.endsWith('.eml')) seeds.push({ name: `sample-${f}`, bytes: fs.readFileSync(path.join(samples, f)) });
  return seeds;
}

function caseBytes(seeds: ReadonlyArray<Pick<Seed, 'bytes' | 'msg'>>, job: Job): { bytes: Buffer; ops: string[] } {
  const s = seeds[job.seedIndex];
  if (s.msg) return mutateMsg({ msg: s.bytes, headers: s.msg.headers, unicode: s.msg.unicode }, rng(job.caseSeed), msgOf);
  return mutate(s.bytes, rng(job.caseSeed));
}

if (!isMainThread) {
  // worker: receive jobs, run them, report
  (async () => {
    const seeds = (workerData.seeds as Array<{ bytes: Uint8Array; msg?: Seed['msg'] }>).map((s) => ({ bytes: Buffer.from(s.bytes), msg: s.msg }));
    parentPort!.on('message', async (job: Job) => {
      let ops: string[] = [];
      let violations: string[];
      try {
        const c = caseBytes(seeds, job);
        ops = c.ops;
        violations = seeds[job.seedIndex].msg ? await checkMsgCase(c.bytes) : await checkCase(c.bytes);
      } catch (e) {
        // the harness itself failed on this case: reported, never mistaken for a hang
        violations = [`fuzz harness error: ${(e as Error).stack ?? e}`];
      }
      parentPort!.postMessage({ job, ops, violations });
    });
    parentPort!.postMessage({ ready: true });
  })();
} else if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
}

export async function fuzz(options: { cases: number; seconds?: number; seed: number; caseMs: number; out: string; log?: (s: string) => void }): Promise<{ passed: number; failed: number; failures: string[] }> {
  const log = options.log ?? ((s: string) => console.log(s));
  const seeds = await loadSeeds();
  log(`[fuzz] ${seeds.length} seeds (${seeds.filter((s) => s.msg).length} .msg), ${options.cases} cases, seed ${options.seed}, ${options.caseMs} ms per case`);
  const r = rng(options.seed);
  const jobs: Job[] = Array.from({ length: options.cases }, () => ({ seedIndex: Math.floor(r() * seeds.length), caseSeed: Math.floor(r() * 0xffffffff) }));
  let passed = 0;
  let failed = 0;
  const failures: string[] = [];
  const started = Date.now();
  const deadline = options.seconds ? started + options.seconds * 1000 : Infinity;
  fs.mkdirSync(options.out, { recursive: true });
  const save = (job: Job, why: string[]) => {
    const file = path.join(options.out, `case-${job.seedIndex}-${job.caseSeed}.${seeds[job.seedIndex].msg ? 'msg' : 'eml'}`);
    let ops: string[] = [];
    try {
      const c = caseBytes(seeds, job);
      ops = c.ops;
      fs.writeFileSync(file, c.bytes);
    } catch (e) {
      why = [...why, `(the case could not be rebuilt to save it: ${(e as Error).message})`];
    }
    fs.writeFileSync(`${file}.txt`, `seed ${seeds[job.seedIndex].name} (index ${job.seedIndex}), case seed ${job.caseSeed}\nops ${ops.join(', ')}\n${why.join('\n')}\n`);
    failures.push(`${path.basename(file)}: ${why[0]}`);
  };

  let next = 0;
  while (next < jobs.length && Date.now() < deadline) {
    // one worker at a time; restarted after a hang
    const worker = new Worker(__filename, { workerData: { seeds: seeds.map((s) => ({ bytes: s.bytes, msg: s.msg })) } });
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let current: Job | undefined;
      const send = () => {
        if (next >= jobs.length || Date.now() >= deadline) {
          void worker.terminate().then(() => resolve());
          return;
        }
        current = jobs[next++];
        timer = setTimeout(() => {
          failed++;
          save(current!, [`hang: no result within ${options.caseMs} ms`]);
          void worker.terminate().then(() => resolve());
        }, options.caseMs);
        worker.postMessage(current);
      };
      worker.on('message', (m: { ready?: boolean; job?: Job; violations?: string[] }) => {
        if (m.ready) return send();
        clearTimeout(timer);
        if (m.violations && m.violations.length) {
          failed++;
          save(m.job!, m.violations);
        } else passed++;
        if ((passed + failed) % 100 === 0) log(`[fuzz] ${passed + failed} cases, ${failed} failed, ${((Date.now() - started) / 1000).toFixed(0)} s`);
        send();
      });
      worker.on('error', (e) => {
        clearTimeout(timer);
        if (current) {
          failed++;
          save(current, [`worker crashed: ${e.message}`]);
        }
        resolve();
      });
    });
  }
  return { passed, failed, failures };
}

async function main() {
  const env = process.env;
  const result = await fuzz({
    cases: Number(env.FUZZ_CASES ?? 300),
    seconds: env.FUZZ_SECONDS ? Number(env.FUZZ_SECONDS) : undefined,
    seed: Number(env.FUZZ_SEED ?? 1),
    caseMs: Number(env.FUZZ_CASE_MS ?? 10000),
    out: env.FUZZ_OUT ?? path.join(process.cwd(), '.test-output', 'fuzz'),
  });
  for (const f of result.failures.slice(0, 20)) console.log(`[fuzz] FAIL ${f}`);
  console.log(`${result.passed} passed, ${result.failed} failed`);
  process.exit(result.failed ? 1 : 0);
}
