/**
 * npm run fuzz:fields — fast fuzzing of each parser on its own: one header field value (taken from
 * the realistic scenarios and the bundled samples, and from FUZZ_SEEDS_DIR's messages when given)
 * is mutated and handed to the parser for its field name, or one Outlook .msg file is damaged and
 * read by the .msg reader alone. Thousands of cases a second, where the whole-pipeline fuzzer
 * (test/fuzz/run.ts) does tens: the parsers are where hostile text is first read.
 *
 * Properties, per case: the parser does not throw; it answers within FUZZ_FIELD_MS of CPU time (default 250
 * ms, plus a second per MiB of a .msg file; one case over it is a failure: a slow path); what it returns is plain data (JSON round trip)
 * and keeps its promises: every address a Received field gives is in normalised form, every date
 * is a real instant or marked unread, a .msg reader's text stays under its cap. A case that never returns is a hang: the
 * worker is stopped after FUZZ_CASE_MS, the case saved, and the run continues.
 *
 * Environment: FUZZ_TARGET (fields | msg, default fields), FUZZ_CASES (default 100000),
 * FUZZ_SEED (default 1), FUZZ_FIELD_MS, FUZZ_CASE_MS (default 60000, wall time of one check),
 * FUZZ_OUT, FUZZ_SEEDS_DIR; FUZZ_REPLAY=<index> rebuilds one case of a run and checks it alone.
 * Prints `N passed, N failed`; exit code 1 when any case failed.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rng, mutateMsg, mutateValue, type Rng } from './mutate';
import { parseReceived } from '../../src/core/parse/received';
import { parseAuthResults, parseReceivedSpf } from '../../src/core/parse/auth-results';
import { parseMailDate } from '../../src/core/parse/date';
import { parseArcMessageSignatureTags, parseArcSealTags, parseDkimSignature } from '../../src/core/parse/tags';
import { decodeForefront, decodeMicrosoftHeaders } from '../../src/core/parse/microsoft';
import { splitHeaders } from '../../src/core/parse/headers';
import { normalizeIp } from '../../src/core/net/ip';
import { MAX_HEADER_CHARS, readMsg } from '../../src/core/msg/reader';
import type { MailDate, ReceivedInfo } from '../../src/core/types';

type Target = 'fields' | 'msg';

interface FieldSeed {
  name: string;
  value: string;
}

const LINES = { startLine: 0, endLine: 0 };
/** Time allowed per MiB of a .msg file on top of FUZZ_FIELD_MS. */
const MSG_MS_PER_MIB = 1000;

/** A parsed address is written as its normalised form (what the route and the fixes rely on). */
function badAddress(ip: unknown, where: string, out: string[]): void {
  if (ip !== undefined && (typeof ip !== 'string' || normalizeIp(ip) !== ip)) out.push(`${where}: ${JSON.stringify(String(ip).slice(0, 80))} is not a normalised address`);
}

/** A date is either unread (utc null) or a real instant with a plausible offset. */
function badDate(d: MailDate | undefined, where: string, out: string[]): void {
  if (!d) return;
  if (d.utc !== null && (typeof d.utc !== 'string' || Number.isNaN(Date.parse(d.utc)))) out.push(`${where}: utc ${JSON.stringify(d.utc)} is not a date`);
  if (d.offsetMinutes !== null && !(Math.abs(d.offsetMinutes) <= 24 * 60)) out.push(`${where}: offset ${d.offsetMinutes} minutes`);
}

/** Run the parser(s) for this field and check what they return. */
export function checkField(name: string, value: string): string[] {
  const v: string[] = [];
  const key = name.toLowerCase();
  const results: Array<[string, unknown]> = [];
  const run = (what: string, f: () => unknown) => {
    try {
      results.push([what, f()]);
    } catch (e) {
      v.push(`${what} threw: ${(e as Error).stack ?? String(e)}`);
    }
  };
  if (key === 'received') run('parseReceived', () => parseReceived(value));
  else if (key === 'authentication-results' || key === 'authentication-results-original') run('parseAuthResults', () => parseAuthResults(value));
  else if (key === 'arc-authentication-results') run('parseAuthResults(arc)', () => parseAuthResults(value, { arc: true }));
  else if (key === 'received-spf') run('parseReceivedSpf', () => parseReceivedSpf(value));
  else if (key === 'dkim-signature') run('parseDkimSignature', () => parseDkimSignature(value, 0, LINES));
  else if (key === 'arc-seal') run('parseArcSealTags', () => parseArcSealTags(value));
  else if (key === 'arc-message-signature') run('parseArcMessageSignatureTags', () => parseArcMessageSignatureTags(value));
  else if (key === 'x-forefront-antispam-report' || key === 'x-forefront-antispam-report-untrusted') run('decodeForefront', () => decodeForefront(value, key.endsWith('untrusted'), 0, LINES));
  else if (key.startsWith('x-ms-') || key.startsWith('x-microsoft-')) {
    run('decodeMicrosoftHeaders', () => decodeMicrosoftHeaders(splitHeaders(Buffer.from(`${name}: ${value}\r\n\r\n`, 'utf8')).fields));
  }
  // every value also goes through the date reader (dates sit at the end of Received and in Date)
  run('parseMailDate', () => parseMailDate(value.slice(value.lastIndexOf(';') + 1)));
  for (const [what, r] of results) {
    try {
      JSON.stringify(r);
    } catch (e) {
      v.push(`${what}: result is not plain data (${(e as Error).message})`);
    }
    if (what === 'parseReceived') {
      const rc = r as ReceivedInfo;
      badAddress(rc.from?.ip, 'parseReceived from.ip', v);
      badAddress(rc.by?.ip, 'parseReceived by.ip', v);
      badDate(rc.date, 'parseReceived date', v);
    }
    if (what === 'parseMailDate') badDate(r as MailDate, 'parseMailDate', v);
  }
  return v;
}

export function checkMsgReader(bytes: Buffer): string[] {
  let m: ReturnType<typeof readMsg>;
  try {
    m = readMsg(bytes);
  } catch (e) {
    return [`readMsg threw: ${(e as Error).stack ?? String(e)}`];
  }
  const v: string[] = [];
  if (!Array.isArray(m.problems)) v.push('readMsg: problems is not a list');
  if (m.headersText !== undefined && (typeof m.headersText !== 'string' || m.headersText.length > MAX_HEADER_CHARS + 4)) v.push('readMsg: header text missing its cap');
  return v;
}

/** The header fields of a message (names and unfolded-as-written values). */
function fieldsOf(bytes: Buffer): FieldSeed[] {
  return splitHeaders(bytes).fields.map((f) => ({ name: f.name, value: f.value }));
}

async function loadSeeds(target: Target): Promise<{ fields: FieldSeed[]; msgs: Array<{ msg: Buffer; headers: string; unicode: boolean }> }> {
  const { SCENARIOS } = await import('../fixtures/scenarios');
  const { headerBlockOf } = await import('../fixtures/msg/build');
  const fields: FieldSeed[] = [];
  const msgs: Array<{ msg: Buffer; headers: string; unicode: boolean }> = [];
  const seen = new Set<string>();
  const addFields = (bytes: Buffer) => {
    for (const f of fieldsOf(bytes)) {
      const k = `${f.name.toLowerCase()}\u0000${f.value}`;
      if (!seen.has(k) && f.value.length < 20000) {
        seen.add(k);
        fields.push(f);
      }
    }
  };
  let k = 0;
  for (const s of SCENARIOS) {
    const b = await s.build();
    addFields(b.bytes);
    if (target === 'msg') {
      const headers = headerBlockOf(b.bytes);
      const unicode = k++ % 2 === 0;
      msgs.push({ msg: msgBuilder(headers, unicode), headers, unicode });
    }
  }
  const dirs = [path.join(__dirname, '..', '..', '..', 'samples'), process.env.FUZZ_SEEDS_DIR].filter((d): d is string => !!d && fs.existsSync(d));
  for (const dir of dirs) {
    let n = 0;
    for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
      if (!f.endsWith('.eml') || n++ > 5000) continue;
      try {
        addFields(fs.readFileSync(path.join(dir, f)).subarray(0, 256 * 1024));
      } catch {
        /* unreadable seed: skipped */
      }
    }
  }
  return { fields, msgs };
}

function msgBuilder(headers: string, unicode: boolean): Buffer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildMsg } = require('../fixtures/msg/build') as typeof import('../fixtures/msg/build');
  return buildMsg({ transportHeaders: headers, subject: 'Invoice INV-20417', body: 'Hello,\r\n', messageClass: 'IPM.Note', unicode, internetMessageId: '<fuzz@northwindtraders.com>' });
}

interface Case {
  index: number;
  seed: number;
}

function caseOf(target: Target, seeds: Awaited<ReturnType<typeof loadSeeds>>, c: Case): { name: string; value?: string; bytes?: Buffer; ops: string[] } {
  const r: Rng = rng(c.seed);
  if (target === 'msg') {
    const s = seeds.msgs[Math.floor(r() * seeds.msgs.length)];
    const m = mutateMsg(s, r, msgBuilder);
    return { name: 'msg', bytes: m.bytes, ops: m.ops };
  }
  const s = seeds.fields[Math.floor(r() * seeds.fields.length)];
  const m = mutateValue(s.value, r);
  return { name: s.name, value: m.value, ops: m.ops };
}

/** Check one built case, timed in CPU time (not wall time: the fuzzer runs at low priority beside other work). */
function timedCheck(target: Target, built: ReturnType<typeof caseOf>, fieldMs: number): { violations: string[]; ms: number } {
  const t0 = process.cpuUsage();
  const v = target === 'msg' ? checkMsgReader(built.bytes!) : checkField(built.name, built.value!);
  const used = process.cpuUsage(t0);
  const ms = (used.user + used.system) / 1000;
  // the .msg library reads strings a character at a time: linear, about half a second per MiB
  const budget = target === 'msg' ? fieldMs + (built.bytes!.length / 1048576) * MSG_MS_PER_MIB : fieldMs;
  if (ms > budget) v.push(`slow: ${ms.toFixed(0)} ms for one ${built.name} value of ${(built.value ?? built.bytes!).length} characters`);
  return { violations: v, ms };
}

/** FUZZ_REPLAY=<case index>: rebuild one case of a run (same FUZZ_SEED and target) and check it here. */
async function replay(target: Target, seed: number, index: number, fieldMs: number, out: string): Promise<void> {
  const seeds = await loadSeeds(target);
  const r = rng(seed);
  for (let i = 0; i < index; i++) r();
  const c: Case = { index, seed: Math.floor(r() * 0xffffffff) };
  const built = caseOf(target, seeds, c);
  const { violations, ms } = timedCheck(target, built, fieldMs);
  const file = path.join(out, `replay-${target}-${index}-${c.seed}.${target === 'msg' ? 'msg' : 'txt'}`);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(file, built.bytes ?? built.value ?? '');
  console.log(JSON.stringify({ case: c, name: built.name, ops: built.ops, size: (built.bytes ?? built.value ?? '').length, cpuMs: Math.round(ms), violations, saved: file }, null, 2));
}

if (!isMainThread) {
  void (async () => {
    const { target, first, count, seed, fieldMs } = workerData as { target: Target; first: number; count: number; seed: number; fieldMs: number };
    const progress = new Int32Array(workerData.progress as SharedArrayBuffer);
    const seeds = await loadSeeds(target);
    const r = rng(seed);
    for (let i = 0; i < first; i++) r(); // the same case seeds whichever worker runs them
    for (let i = first; i < first + count; i++) {
      const c: Case = { index: i, seed: Math.floor(r() * 0xffffffff) };
      Atomics.store(progress, 0, i);
      Atomics.store(progress, 1, c.seed);
      // building the case is the test fixture's work: the hang watch covers only the check
      const built = caseOf(target, seeds, c);
      Atomics.store(progress, 2, 1);
      const { violations: v } = timedCheck(target, built, fieldMs);
      Atomics.store(progress, 2, 0);
      if (v.length) parentPort!.postMessage({ failed: { case: c, name: built.name, ops: built.ops, violations: v, input: built.value ?? built.bytes!.toString('base64') } });
      if ((i - first + 1) % 1000 === 0) parentPort!.postMessage({ done: i - first + 1 });
    }
    parentPort!.postMessage({ done: count, end: true });
  })();
} else if (require.main === module) {
  void main();
}

async function main() {
  const env = process.env;
  const target = (env.FUZZ_TARGET === 'msg' ? 'msg' : 'fields') as Target;
  const cases = Number(env.FUZZ_CASES ?? 100000);
  const seed = Number(env.FUZZ_SEED ?? 1);
  const fieldMs = Number(env.FUZZ_FIELD_MS ?? 250);
  const caseMs = Number(env.FUZZ_CASE_MS ?? 60000);
  const out = env.FUZZ_OUT ?? path.join(process.cwd(), '.test-output', 'fuzz-fields');
  fs.mkdirSync(out, { recursive: true });
  if (env.FUZZ_REPLAY !== undefined) return replay(target, seed, Number(env.FUZZ_REPLAY), fieldMs, out);
  const started = Date.now();
  let failed = 0;
  let next = 0;
  const failures: string[] = [];
  const save = (f: { case: Case; name: string; ops: string[]; violations: string[]; input: string }) => {
    failed++;
    const file = path.join(out, `${target}-${f.case.index}-${f.case.seed}.json`);
    fs.writeFileSync(file, JSON.stringify(f, null, 2));
    failures.push(`${path.basename(file)}: ${f.violations[0].split('\n')[0]}`);
  };
  console.log(`[fuzz:${target}] ${cases} cases, seed ${seed}, ${fieldMs} ms per value, ${caseMs} ms before a hang`);
  while (next < cases) {
    const progress = new SharedArrayBuffer(12);
    const first = next;
    const worker = new Worker(__filename, { workerData: { target, first, count: cases - first, seed, fieldMs, progress } });
    const view = new Int32Array(progress);
    Atomics.store(view, 0, first);
    await new Promise<void>((resolve) => {
      let last = -1;
      let lastMove = Date.now();
      const watch = setInterval(() => {
        const at = Atomics.load(view, 0);
        // only time spent checking a case counts (not loading seeds or building the case)
        if (at !== last || Atomics.load(view, 2) === 0) {
          last = at;
          lastMove = Date.now();
        } else if (Date.now() - lastMove > caseMs) {
          clearInterval(watch);
          save({ case: { index: at, seed: Atomics.load(view, 1) >>> 0 }, name: target, ops: [], violations: [`hang: no answer within ${caseMs} ms`], input: '' });
          next = at + 1;
          void worker.terminate().then(() => resolve());
        }
      }, 250);
      worker.on('message', (m: { failed?: Parameters<typeof save>[0]; done?: number; end?: boolean }) => {
        if (m.failed) save(m.failed);
        if (m.done !== undefined) {
          next = first + m.done;
          if (m.done % 20000 === 0 && !m.end) console.log(`[fuzz:${target}] ${next} cases, ${failed} failed, ${((Date.now() - started) / 1000).toFixed(0)} s`);
        }
        if (m.end) {
          clearInterval(watch);
          void worker.terminate().then(() => resolve());
        }
      });
      worker.on('error', (e) => {
        clearInterval(watch);
        const at = Atomics.load(view, 0);
        save({ case: { index: at, seed: Atomics.load(view, 1) >>> 0 }, name: target, ops: [], violations: [`worker crashed: ${e.message}`], input: '' });
        next = at + 1;
        resolve();
      });
    });
  }
  for (const f of failures.slice(0, 20)) console.log(`[fuzz:${target}] FAIL ${f}`);
  console.log(`${cases - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
