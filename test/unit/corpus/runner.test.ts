// `npm run corpus -- DIR` on a small folder built here: an Exchange Online consumer delivery and
// a tenant-to-tenant one, a Gmail delivery saved as .txt, an mbox of three list-archive messages,
// a binary file and a note that is no message. The table's numbers are checked against the ground
// truth's known answers and the engine run in this process.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../../src/core/analyze';
import { routeOf } from '../../../scripts/corpus/route';
import { engineOrgOf } from '../../../scripts/corpus/message';
import { collect, mboxRanges } from '../../../scripts/corpus/collect';
import { runPool } from '../../../scripts/corpus/pool';
import type { CorpusReport } from '../../../scripts/corpus/report';
import { EOP_CONSUMER, TENANT_TO_TENANT, POSTFIX_ARCHIVE_WITH_STALE_EOP, gmailReceiver, message } from './messages';

const CLI = path.resolve(__dirname, '../../../scripts/corpus/index.js');

let dir: string;
/** label → message text, for the in-process engine run. */
const messages = new Map<string, string>();
/** The receiver's own record of the connecting IP, per label (known from how the messages were built). */
const recordIp = new Map<string, string>([
  ['phishing/eop-consumer.eml', '80.96.157.111'],
  ['phishing/tenant-to-tenant.eml', '52.100.156.204'],
  ['gmail/statement.txt', '91.207.212.192'],
]);
const truthOrg = new Map<string, string>([
  ['phishing/eop-consumer.eml', 'Microsoft 365'],
  ['phishing/tenant-to-tenant.eml', 'Microsoft 365'],
  ['gmail/statement.txt', 'Google'],
  ['archive/list.mbox#1', 'other: lfdr.de'],
  ['archive/list.mbox#2', 'other: lfdr.de'],
  ['archive/list.mbox#3', 'other: lfdr.de'],
]);

function lf(s: string): string {
  return s.replace(/\r\n/g, '\n');
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfl-corpus-'));
  for (const d of ['phishing', 'gmail', 'archive']) fs.mkdirSync(path.join(dir, d));
  const put = (rel: string, text: string) => {
    fs.writeFileSync(path.join(dir, rel), text);
    messages.set(rel, text);
  };
  put('phishing/eop-consumer.eml', message(EOP_CONSUMER));
  put('phishing/tenant-to-tenant.eml', message(TENANT_TO_TENANT));
  put('gmail/statement.txt', message(gmailReceiver('pat.reyes@gmail.com')));
  // an mbox of three posts (LF line ends, as archives are stored); one body has an escaped >From line
  const posts = [1, 2, 3].map((n) =>
    lf(message(
      POSTFIX_ARCHIVE_WITH_STALE_EOP.map((l) => (l.startsWith('Subject:') ? `Subject: [PATCH ${n}/3] Drivers: hv: vmbus: part ${n}` : l)),
      n === 2 ? 'Looks good.\r\n\r\n>From the earlier thread: agreed.\r\n\r\n' : 'Thanks,\r\nMichael\r\n\r\n',
    )),
  );
  const mbox = posts.map((p, i) => `From mhklinux@hotmail.com Tue Feb 13 17:2${i}:31 2024\n${p}`).join('');
  fs.writeFileSync(path.join(dir, 'archive/list.mbox'), mbox);
  const ranges = mboxRanges(Buffer.from(mbox, 'latin1'));
  ranges.forEach((r, i) => messages.set(`archive/list.mbox#${i + 1}`, mbox.slice(r.start, r.end)));
  // a PNG and a note: looked at, not messages
  fs.writeFileSync(path.join(dir, 'archive/image.bin'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 0)]));
  fs.writeFileSync(path.join(dir, 'notes.md'), '# Notes\n\nThese messages were saved from the list archive.\n');
});

after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function runCli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The engine's answers, run here. */
async function engineRun(): Promise<Map<string, { ip: string | null; org: string; findings: string[] }>> {
  const out = new Map<string, { ip: string | null; org: string; findings: string[] }>();
  for (const [label, text] of messages) {
    const a = await analyze(Buffer.from(text, 'latin1'), { name: label, dnsMode: 'off' });
    const r = routeOf(a);
    out.set(label, { ip: r.connectingIp, org: engineOrgOf(r), findings: [...new Set(a.findings.map((f) => f.id))] });
  }
  return out;
}

describe('collect', () => {
  test('messages, mbox parts and skipped files', () => {
    const c = collect(dir);
    assert.deepEqual(
      c.tasks.map((t) => t.label),
      ['archive/list.mbox#1', 'archive/list.mbox#2', 'archive/list.mbox#3', 'gmail/statement.txt', 'phishing/eop-consumer.eml', 'phishing/tenant-to-tenant.eml'],
    );
    assert.deepEqual(c.skipped.map((s) => `${s.file}: ${s.why}`).sort(), ['archive/image.bin: binary', 'notes.md: does not start with a header field']);
    assert.equal(c.files, 6);
    assert.equal(c.mboxes, 1);
    assert.equal(c.tasks[1].source, 'archive');
    // the escaped >From line did not split the second post
    assert.match(messages.get('archive/list.mbox#2')!, />From the earlier thread/);
    assert.match(messages.get('archive/list.mbox#2')!, /^From mhklinux@hotmail\.com /);
  });
});

describe('npm run corpus -- DIR --json', () => {
  let report: CorpusReport & { sampleFile?: string };
  let engine: Awaited<ReturnType<typeof engineRun>>;
  const sampleFile = () => path.join(dir, '..', `${path.basename(dir)}-samples.txt`);

  before(async () => {
    const r = runCli([dir, '--json', '--sample', '2', '--sample-file', sampleFile()]);
    assert.equal(r.code, 0, r.stderr);
    report = JSON.parse(r.stdout) as CorpusReport;
    engine = await engineRun();
  });

  after(() => fs.rmSync(sampleFile(), { force: true }));

  test('counts of files and messages', () => {
    assert.deepEqual(report.files.seen, 6);
    assert.equal(report.files.skipped, 2);
    assert.equal(report.files.mboxes, 1);
    assert.deepEqual(report.messages, { total: 6, ok: 6, notMessage: 0, errors: 0, timeouts: 0 });
    assert.deepEqual(report.failures, []);
  });

  test('1. connecting IP: three receiver records, compared with the engine\'s answer', () => {
    const c = report.connectingIp;
    assert.equal(c.withRecord, 3);
    assert.equal(c.recordInconsistent, 0);
    assert.equal(c.receiverWithoutRecord, 0);
    let agree = 0;
    let none = 0;
    for (const [label, ip] of recordIp) {
      const e = engine.get(label)!.ip;
      if (e === ip) agree++;
      else if (!e) none++;
    }
    assert.equal(c.agree, agree);
    assert.equal(c.engineNone, none);
    assert.equal(c.differ, 3 - agree - none);
    assert.deepEqual(c.byReceiver['gmail'].withRecord, 1);
    assert.deepEqual(c.byReceiver['exchange-online'].withRecord, 2);
    // every disagreement is listed with both IPs
    for (const d of c.disagreements) {
      assert.equal(d.truthIp, recordIp.get(d.file));
      assert.equal(d.engineIp, engine.get(d.file)!.ip);
    }
    assert.equal(c.disagreements.length, 3 - agree);
  });

  test('2. receiver: the newest writer vs the engine, per source', () => {
    const rc = report.receiver;
    assert.equal(rc.messages, 6);
    assert.equal(rc.noHandoff, 0);
    const agree = [...truthOrg].filter(([label, org]) => engine.get(label)!.org === org).length;
    assert.equal(rc.agree, agree);
    assert.equal(rc.differ, 6 - agree);
    assert.deepEqual(Object.keys(rc.bySource).sort(), ['archive', 'gmail', 'phishing']);
    assert.equal(rc.bySource['archive'].messages, 3);
    assert.equal(rc.bySource['archive'].agree, [1, 2, 3].filter((n) => engine.get(`archive/list.mbox#${n}`)!.org === 'other: lfdr.de').length);
    for (const d of rc.disagreements) assert.equal(d.truth, truthOrg.get(d.file));
  });

  test('3. consumer mailboxes: the Outlook.com delivery and the one to @gmail.com', () => {
    assert.equal(report.consumer.messages, 2);
    assert.equal(report.consumer.exchangeOnline, 1);
    assert.equal(report.consumer.gmail, 1);
    assert.equal(report.consumer.engineSaysConsumer.yes + report.consumer.engineSaysConsumer.no + report.consumer.engineSaysConsumer.notSaid, 2);
  });

  test('5./6. unparsed share per source and findings per id match the engine', () => {
    assert.deepEqual(
      report.unparsed.map((u) => [u.source, u.messages]),
      [
        ['archive', 3],
        ['gmail', 1],
        ['phishing', 2],
      ],
    );
    const counts = new Map<string, number>();
    for (const e of engine.values()) for (const id of e.findings) counts.set(id, (counts.get(id) ?? 0) + 1);
    assert.deepEqual(
      report.findings.map((f) => [f.id, f.messages]).sort(),
      [...counts].sort(),
    );
    for (const f of report.findings) assert.equal(f.rate, f.messages / 6);
  });

  test('--sample writes up to N examples per finding id, each one a message with that finding', () => {
    assert.equal(report.sampleFile, sampleFile());
    const text = fs.readFileSync(sampleFile(), 'utf8');
    const sections = text.split(/^## /m).slice(1);
    assert.deepEqual(sections.map((s) => s.split('\n')[0]).sort(), report.findings.map((f) => f.id).sort());
    for (const s of sections) {
      const [id, ...rest] = s.split('\n');
      const files = rest.filter(Boolean);
      const expected = report.findings.find((f) => f.id === id)!.messages;
      assert.equal(files.length, Math.min(2, expected), id);
      for (const f of files) assert.ok(engine.get(f)?.findings.includes(id), `${f} has ${id}`);
    }
  });
});

describe('npm run corpus -- DIR (table)', () => {
  test('prints every section with the counts', () => {
    const r = runCli([dir, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ {2}6 messages from 6 files \(1 mbox files split; 2 files skipped as not messages\)$/m);
    assert.match(r.stdout, /^ {2}analysed 6, not a message 0, crashed 0, timed out 0$/m);
    for (const h of ['1. Connecting IP', '2. Receiver', '3. Consumer mailboxes', '4. Vendor-labelled hops', '5. Unparsed share', '6. Findings']) assert.ok(r.stdout.includes(h), h);
    assert.match(r.stdout, /^ {2}all +3 +\d+ +\d+ +\d+ /m);
    assert.match(r.stdout, /^ {2}2 consumer messages \(Exchange Online 1, Gmail 1\)/m);
    assert.match(r.stdout, /^ {2}archive +3 /m);
  });

  test('usage errors exit 2', () => {
    assert.equal(runCli([]).code, 2);
    assert.equal(runCli([dir, '--bogus']).code, 2);
    assert.equal(runCli([path.join(dir, 'missing')]).code, 2);
  });
});

describe('crashes and timeouts never stop the run', () => {
  test('a message over the time limit is listed as a timeout, the rest still run', () => {
    const r = runCli([dir, '--json', '--timeout', '0.001']);
    assert.equal(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as CorpusReport;
    assert.equal(rep.messages.total, 6);
    assert.equal(rep.messages.timeouts, 6, 'no worker answers within a millisecond');
    assert.deepEqual(rep.failures.map((f) => f.status), Array(6).fill('timeout'));
  });

  test('a message that cannot be read is an error record; the others are analysed', async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'mfl-corpus-gone-'));
    try {
      fs.writeFileSync(path.join(copy, 'a.eml'), message(EOP_CONSUMER));
      fs.writeFileSync(path.join(copy, 'b.eml'), message(gmailReceiver('pat.reyes@gmail.com')));
      const c = collect(copy);
      fs.rmSync(path.join(copy, 'a.eml'));
      const results = await runPool(c.tasks, { workers: 2, timeoutMs: 60000 });
      assert.equal(results[0].status, 'error');
      assert.match(results[0].error ?? '', /ENOENT/);
      assert.equal(results[1].status, 'ok');
      assert.equal(results[1].truth?.receiverOrg, 'Google');
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
