// A folder of 1,000 messages, generated from the scenario templates (each copy with its own
// Message-ID, recipient and original sender IP), plus two 20 MB messages and hostile files:
// every message is counted, and the CLI's peak memory (the whole process, worker threads
// included, as --stats reports it from VmHWM, the CLI's own) stays under a fixed bound. A memory
// bound, not a time bound.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, tempDir, writeHostile, HOSTILE_FILES } from './helpers';
import { SCENARIOS, buildCached } from '../../fixtures/scenarios';

const COUNT = 1000;
const BIG = 2;
const PEAK_RSS_LIMIT_MB = 400;
/** A fixed pool size, so the bound means the same on every machine (each worker thread has its own heap). */
const JOBS = '3';

let dir: string;
const perScenario = new Map<string, number>();

function peakRss(stderr: string): number {
  const m = /peak RSS ([0-9.]+) MB/.exec(stderr);
  assert.ok(m, `--stats line on stderr: ${stderr.slice(-300)}`);
  return Number(m![1]);
}

before(async () => {
  dir = tempDir('scale');
  const templates = [];
  for (const s of SCENARIOS) templates.push({ id: s.id, built: await buildCached(s.id) });
  for (let i = 0; i < COUNT; i++) {
    const t = templates[i % templates.length];
    const f = t.built.facts;
    let text = t.built.bytes.toString('latin1');
    // a new Message-ID
    text = text.replace(/^(Message-ID:\s*<)([^@>]+)@/im, (_m, p: string, local: string) => `${p}${local}-${i}@`);
    // another recipient in the same domain
    const rcpt = f.recipients[0];
    if (rcpt) text = text.split(rcpt).join(rcpt.replace('@', `+batch${i}@`));
    // another original sender in the same documentation range
    if (f.originalSenderIp && f.originalSenderIp.startsWith('203.0.113.') && !f.relayIps.includes(f.originalSenderIp)) {
      text = text.split(`[${f.originalSenderIp}]`).join(`[203.0.113.${(i % 200) + 20}]`);
    }
    const sub = path.join(dir, `batch-${String(Math.floor(i / 100)).padStart(2, '0')}`);
    fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `${String(i).padStart(4, '0')}-${t.id}.eml`), Buffer.from(text, 'latin1'));
    perScenario.set(t.id, (perScenario.get(t.id) ?? 0) + 1);
  }
  // two large messages (a 20 MB attachment each): streamed, side by side with the others
  const pp = templates.find((t) => t.id === 'proofpoint-banner-eop')!.built.bytes;
  const line = 'UEsDBBQAAAAIAK1XWVr7jF0yQ2cAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n';
  const attachment = Buffer.from(line.repeat(Math.ceil((20 * 1024 * 1024) / line.length)), 'latin1');
  for (let k = 0; k < BIG; k++) fs.writeFileSync(path.join(dir, `large-${k}.eml`), Buffer.concat([pp, attachment]));
  writeHostile(dir);
});

describe(`a folder of ${COUNT} messages`, () => {
  test('text summary: every message counted and grouped; memory bounded', async () => {
    const r = await runCli(['analyze', '--stats', '--jobs', JOBS, dir]);
    assert.equal(r.code, 1, r.stderr.slice(-2000));
    const total = COUNT + BIG;
    assert.match(r.stdout, new RegExp(`^Analysed ${total} messages of ${total + HOSTILE_FILES.length} files; ${HOSTILE_FILES.length} could not be analysed$`, 'm'));
    // the groups add up to every message
    const groupCounts = [...r.stdout.matchAll(/^ {4}(?:relay IPs? .*|direct \(no relay IPs\)) — (\d+) messages?$/gm)].map((m) => Number(m[1]));
    assert.equal(groupCounts.reduce((a, b) => a + b, 0), total);
    // every file is listed once under its group
    const listed = r.stdout.split('\n').filter((l) => /^ {6}[✗!✓] /.test(l));
    assert.equal(listed.length, total);
    for (const [id, n] of perScenario) {
      assert.equal(listed.filter((l) => l.includes(`-${id}.eml`)).length, n, id);
    }
    const rss = peakRss(r.stderr);
    assert.ok(rss < PEAK_RSS_LIMIT_MB, `peak RSS ${rss} MB stays under ${PEAK_RSS_LIMIT_MB} MB`);
  });

  test('--json streams one line per message; memory bounded', async () => {
    const r = await runCli(['analyze', '--json', '--stats', '--jobs', JOBS, dir]);
    assert.equal(r.code, 1);
    let lines = 0;
    for (const l of r.stdout.split('\n')) {
      if (!l) continue;
      const a = JSON.parse(l) as { schemaVersion: number; input: { name: string } };
      assert.equal(a.schemaVersion, 1);
      lines++;
    }
    assert.equal(lines, COUNT + BIG);
    const rss = peakRss(r.stderr);
    assert.ok(rss < PEAK_RSS_LIMIT_MB, `peak RSS ${rss} MB stays under ${PEAK_RSS_LIMIT_MB} MB`);
  });
});
