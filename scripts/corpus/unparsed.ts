/**
 * `node out/scripts/corpus/unparsed.js DIR [--every N] [--offset K] [--show N] [--code CODE] [--redacted TEXT]`:
 * reads the headers only (no body, no DNS) of every N-th message under DIR and lists what the
 * parsers could not read, grouped by shape, with the share of messages that would carry the
 * unparsed-header finding. Meant to find the Received and Authentication-Results forms real mail
 * uses that the parsers do not know yet, cheaply, on a sample.
 *
 * A shape is the unread text with digits collapsed to "9", so "id 123" and "id 4567" group together;
 * each shape prints with one example field (its file and the whole unfolded value).
 *
 * --redacted TEXT: a collection that anonymised its messages by pasting TEXT over parts of them
 * (phishing_pot writes "phishing@pot" over digits inside host names and addresses) damages lines
 * no parser can read back; messages whose every unread piece contains TEXT are counted apart.
 */
import * as fs from 'node:fs';
import { analyzeHeaders } from '../../src/core/analyze';
import { isCompoundFile, readMsg } from '../../src/core/msg/reader';
import { collect } from './collect';

const CODES = new Set(['received-unparsed', 'auth-results-unparsed', 'not-a-field']);

function main(argv: string[]): number {
  let dir = '';
  let every = 1;
  let offset = 0;
  let show = 40;
  let only: string | undefined;
  let redacted: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--every') every = Math.max(1, Number(argv[++i]));
    else if (x === '--offset') offset = Number(argv[++i]);
    else if (x === '--show') show = Number(argv[++i]);
    else if (x === '--code') only = argv[++i];
    else if (x === '--redacted') redacted = argv[++i];
    else dir = x;
  }
  if (!dir) {
    process.stderr.write('usage: unparsed.js DIR [--every N] [--offset K] [--show N] [--code CODE]\n');
    return 2;
  }
  const tasks = collect(dir).tasks.filter((t) => t.id % every === offset % every);
  const shapes = new Map<string, { n: number; code: string; file: string; value: string }>();
  const bySource = new Map<string, { total: number; hit: number }>();
  let total = 0;
  let hit = 0;
  let damaged = 0;
  for (const t of tasks) {
    const buf = fs.readFileSync(t.path);
    let bytes: Uint8Array = t.start !== undefined ? buf.subarray(t.start, t.end) : buf;
    if (isCompoundFile(bytes)) {
      const m = readMsg(bytes);
      if (m.headersText === undefined) continue;
      bytes = Buffer.from(m.headersText, 'utf8');
    }
    let a;
    try {
      a = analyzeHeaders(bytes, { name: t.label });
    } catch {
      continue;
    }
    total++;
    const s = bySource.get(t.source) ?? { total: 0, hit: 0 };
    s.total++;
    bySource.set(t.source, s);
    const probs = a.problems.filter((p) => CODES.has(p.code) && p.lines);
    if (!probs.length) continue;
    if (redacted && probs.every((p) => p.message.includes(redacted))) damaged++;
    hit++;
    s.hit++;
    for (const p of probs) {
      if (only && p.code !== only) continue;
      const m = /could not be read: "(.*)"$/.exec(p.message);
      const text = m ? m[1] : p.message;
      const key = `${p.code}  ${text.replace(/\d+/g, '9').slice(0, 90)}`;
      const e = shapes.get(key);
      if (e) e.n++;
      else {
        const f = a.headers.find((h) => h.index === p.fieldIndex);
        shapes.set(key, { n: 1, code: p.code, file: t.label, value: f ? `${f.name}: ${f.unfolded}`.slice(0, 600) : '' });
      }
    }
  }
  const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(2) : '0');
  process.stdout.write(`messages ${total}, with unparsed-header ${hit} (${pct(hit, total)} %)\n`);
  if (redacted) process.stdout.write(`  of which only redaction damage ("${redacted}"): ${damaged}; the rest ${hit - damaged} (${pct(hit - damaged, total)} %)\n`);
  for (const [src, s] of [...bySource].sort()) process.stdout.write(`  ${src}: ${s.hit}/${s.total} (${pct(s.hit, s.total)} %)\n`);
  const sorted = [...shapes].sort((a, b) => b[1].n - a[1].n).slice(0, show);
  for (const [k, v] of sorted) process.stdout.write(`\n${v.n}×  ${k}\n    ${v.file}\n    ${v.value.replace(/\s+/g, ' ')}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
