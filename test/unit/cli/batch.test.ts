// Folder mode of the built CLI: every scenario message (some in nested folders) plus a broken, a
// binary, an archive and an empty file. The summary, JSON Lines, Markdown, the consolidated fix
// and the exit codes, checked against the engine run in this process and the scenarios' facts.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../../src/core/analyze';
import { resolverFromSnapshot } from '../../../src/core/verify';
import type { Analysis } from '../../../src/core/types';
import { runCli, tempDir, writeScenarios, writeHostile, parseJsonLines, HOSTILE_FILES, type ScenarioFolder } from './helpers';

let folder: ScenarioFolder;
/** The engine's own findings per file (relative path), for comparison. */
const expected = new Map<string, Analysis>();

before(async () => {
  folder = await writeScenarios(tempDir('batch'), { nested: true });
  writeHostile(folder.dir);
  for (const m of folder.messages) expected.set(m.file, await analyze(m.built.bytes, { name: m.file }));
});

function ids(a: { findings: Array<{ id: string; severity: string }> }, severity?: string): string[] {
  return a.findings.filter((f) => !severity || f.severity === severity).map((f) => f.id);
}

describe('analyze <folder>', () => {
  test('text summary: counts, groups by receiver/gateway/relay IPs, failures listed, exit 1', async () => {
    const r = await runCli(['analyze', '.', '--no-progress'], { cwd: folder.dir });
    assert.equal(r.code, 1, r.stderr);
    const n = folder.messages.length;
    assert.match(r.stdout, new RegExp(`^Analysed ${n} messages of ${n + HOSTILE_FILES.length} files; ${HOSTILE_FILES.length} could not be analysed$`, 'm'));
    const withErrors = [...expected.values()].filter((a) => ids(a, 'error').length).length;
    assert.match(r.stdout, new RegExp(`^ {2}${withErrors} with error-level findings, `, 'm'));

    // every hostile file is named, on stderr as it happens and in the summary
    for (const f of HOSTILE_FILES) {
      assert.match(r.stderr, new RegExp(`skipped ${f.replace('.', '\\.')}: `));
      assert.match(r.stdout, new RegExp(`^ {2}${f.replace('.', '\\.')}: `, 'm'));
    }

    // finding counts by id equal the engine's
    const counts = new Map<string, number>();
    for (const a of expected.values()) for (const id of new Set(ids(a))) counts.set(id, (counts.get(id) ?? 0) + 1);
    const section = r.stdout.slice(r.stdout.indexOf('Findings by id'), r.stdout.indexOf('Messages by receiver'));
    for (const [id, c] of counts) assert.match(section, new RegExp(`^ {2}(error|warning|info) +${id} +${c}$`, 'm'), `${id} counted ${c}`);

    // each message sits under its receiver and its relay IPs (the scenario's ground truth)
    const lines = r.stdout.split('\n');
    for (const m of folder.messages) {
      const at = lines.findIndex((l) => / {6}[✗!✓] /.test(l) && l.includes(` ${m.file}`));
      assert.ok(at > 0, `${m.file} listed`);
      let relayLine = at;
      while (relayLine > 0 && !/^ {4}\S/.test(lines[relayLine])) relayLine--;
      const ips = m.built.facts.relayIps;
      if (ips.length) assert.ok(lines[relayLine].includes(ips.join(', ')), `${m.file}: group ${lines[relayLine]} has ${ips.join(', ')}`);
      let receiverLine = relayLine;
      while (receiverLine > 0 && /^ /.test(lines[receiverLine])) receiverLine--;
      const receiver = m.built.facts.receiver === 'gmail' ? 'Gmail' : 'Exchange Online';
      assert.ok(lines[receiverLine].startsWith(`${receiver} — `), `${m.file} under ${receiver}: ${lines[receiverLine]}`);
      const mark = ids(expected.get(m.file)!, 'error').length ? '✗' : ids(expected.get(m.file)!, 'warning').length ? '!' : '✓';
      assert.ok(lines[at].startsWith(`      ${mark} `), `${m.file} marked ${mark}`);
    }
  });

  test('--json: JSON Lines, one Analysis per message in file order, the same findings as the engine', async () => {
    const r = await runCli(['analyze', '--json', '--jobs', '3', folder.dir]);
    assert.equal(r.code, 1, r.stderr);
    const list = parseJsonLines(r.stdout) as Analysis[];
    assert.equal(list.length, folder.messages.length);
    const names = list.map((a) => path.relative(folder.dir, a.input.name!));
    assert.deepEqual(names, [...names].sort((a, b) => (a < b ? -1 : 1)), 'in the order the folder walk found them');
    for (const a of list) {
      const rel = path.relative(folder.dir, a.input.name!);
      const e = expected.get(rel);
      assert.ok(e, rel);
      assert.equal(a.schemaVersion, 1);
      assert.deepEqual(ids(a), ids(e!), rel);
      assert.deepEqual(a.boundary.relayIps, e!.boundary.relayIps, rel);
    }
    assert.match(r.stderr, new RegExp(`analysed ${folder.messages.length} of ${folder.messages.length + HOSTILE_FILES.length} files; ${HOSTILE_FILES.length} could not be analysed`));
  });

  test('--markdown: summary tables and the failures, to paste into a ticket', async () => {
    const r = await runCli(['analyze', '--markdown', '.'], { cwd: folder.dir });
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`^# Mail flow report: ${folder.messages.length} messages`));
    assert.match(r.stdout, /\| Could not be analysed \| 4 \|/);
    assert.match(r.stdout, /^\| `spf-evaluated-on-relay` \| error \| \d+ \|$/m);
    assert.match(r.stdout, /^### Exchange Online · Proofpoint · `148\.163\.138\.245` \(1 message\)$/m);
    for (const f of HOSTILE_FILES) assert.match(r.stdout, new RegExp(`^- ${f.replace('.', '\\.')}: `, 'm'));
  });

  test('a progress bar on a terminal, none into a pipe', { skip: !fs.existsSync('/usr/bin/script') && 'util-linux script is not installed' }, async () => {
    const total = folder.messages.length + HOSTILE_FILES.length;
    const tty = await runCli(['analyze', folder.dir], { tty: true });
    assert.match(tty.stdout, new RegExp(`\\r\\[[#·]+\\] \\d+/${total} files`), 'drawn on the terminal (script merges stderr into its output)');
    assert.match(tty.stdout, /\r\u001b\[K/, 'and erased at the end');
    const piped = await runCli(['analyze', folder.dir]);
    assert.doesNotMatch(piped.stderr, /files · /);
  });

  test('a folder where nothing is a message, an empty folder: exit 2', async () => {
    const bad = tempDir('bad');
    writeHostile(bad);
    const r = await runCli(['analyze', bad]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /^Analysed 0 messages of 4 files; 4 could not be analysed$/m);
    const empty = tempDir('empty');
    fs.writeFileSync(path.join(empty, 'notes.md'), '# not a message');
    const e = await runCli(['analyze', empty]);
    assert.equal(e.code, 2);
    assert.match(e.stderr, /no message files \(\.eml, \.txt, \.msg\) found in /);
  });

  test('several files named on the command line are a batch; --ext chooses what a folder contributes', async () => {
    const files = ['direct-to-eop', 'mimecast-efc-eop'].map((id) => path.join(folder.dir, folder.messages.find((m) => m.id === id)!.file));
    const r = await runCli(['analyze', ...files]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /^Analysed 2 messages of 2 files$/m);

    const dir = tempDir('ext');
    fs.copyFileSync(files[0], path.join(dir, 'headers.txt'));
    fs.copyFileSync(files[1], path.join(dir, 'message.eml'));
    fs.writeFileSync(path.join(dir, '.hidden.eml'), 'ignored');
    const onlyTxt = await runCli(['analyze', '--ext', 'txt', dir]);
    assert.match(onlyTxt.stdout, /^Analysed 1 message of 1 file$/m);
    assert.ok(onlyTxt.stdout.includes('headers.txt'));
    const both = await runCli(['analyze', dir]);
    assert.match(both.stdout, /^Analysed 2 messages of 2 files$/m, 'hidden files are skipped');
  });
});

describe('fix <folder> --kind efc', () => {
  test('one Set-InboundConnector covering the confirmed relay IPs of every linear Exchange Online route, annotated', async () => {
    // the recipient's DNS recorded: its MX confirms its own gateway; relays only a reverse-DNS name
    // or an allow list points at stay out of the command and are named to be confirmed
    const snapshot = path.join(tempDir('batch-dns'), 'dns.json');
    fs.writeFileSync(snapshot, JSON.stringify(folder.zone));
    const r = await runCli(['fix', folder.dir, '--kind', 'efc', '--connector', 'Inbound from gateways', '--dns', `recorded:${snapshot}`]);
    assert.equal(r.code, 0, r.stderr);
    const change = r.stdout.split('\n').filter((l) => l.startsWith('Set-InboundConnector'));
    assert.equal(change.length, 1, 'exactly one change line runs');
    const m = /^Set-InboundConnector -Identity 'Inbound from gateways' -EFSkipLastIP \$false -EFSkipIPs ('[^']+'(?:,'[^']+')*)$/.exec(change[0]);
    assert.ok(m, change[0]);
    const listed = m![1].split(',').map((s) => s.slice(1, -1));

    // what must be in it: the public relay IPs of the scenarios delivered to Exchange Online on a linear route
    const want = new Map<string, { count: number; files: string[] }>();
    const unconfirmed = new Set<string>();
    const confirmedSomewhere = new Set<string>();
    for (const s of folder.messages) {
      const f = s.built.facts;
      if (f.receiver !== 'exchange-online' || f.nonlinear) continue;
      const seen = await analyze(s.built.bytes, { dnsMode: 'recorded', resolver: resolverFromSnapshot(folder.zone) });
      const strong = new Set(seen.facts.relays.filter((x) => x.strength === 'strong').map((x) => x.ip));
      for (const ip of f.relayIps) {
        if (!strong.has(ip)) {
          unconfirmed.add(ip);
          continue;
        }
        confirmedSomewhere.add(ip);
        const e = want.get(ip) ?? { count: 0, files: [] };
        e.count++;
        e.files.push(s.file);
        want.set(ip, e);
      }
    }
    assert.ok(want.size >= 3, 'the fixtures have several confirmed gateways');
    // an address confirmed by one message is listed even if another message alone would not confirm it
    for (const ip of confirmedSomewhere) unconfirmed.delete(ip);
    assert.ok(unconfirmed.size >= 1, 'and at least one only its reverse DNS names');
    assert.deepEqual([...listed].sort(), [...want.keys()].sort());
    for (const ip of unconfirmed) {
      assert.ok(!listed.includes(ip), `${ip} is not confirmed: not in EFSkipIPs`);
      assert.match(r.stdout, new RegExp(`Left out, not confirmed as your gateway.*${ip.replace(/\./g, '\\.')}`), `${ip} named as left out`);
    }
    for (const [ip, e] of want) {
      assert.match(r.stdout, new RegExp(`^#   ${ip.replace(/\./g, '\\.')} +${e.count} messages?( · |$)`, 'm'), `${ip} annotated with ${e.count}`);
    }
    // the vendor is named next to its IP
    const pp = folder.messages.find((x) => x.id === 'proofpoint-banner-eop')!.built.facts.relayIps[0];
    assert.match(r.stdout, new RegExp(`^#   ${pp.replace(/\./g, '\\.')} +1 message · Proofpoint · `, 'm'));
    // Gmail's gateway is not Exchange Online's business
    const gmail = folder.messages.find((x) => x.built.facts.receiver === 'gmail')!;
    for (const ip of gmail.built.facts.relayIps) assert.ok(!listed.includes(ip), `${ip} (Gmail) not in EFSkipIPs`);
    assert.match(r.stdout, /delivered to Gmail \(run `fix <file> --kind gmail` on one of them\): .*barracuda-gmail\.eml/);
    // the same checks as the single-message fix
    assert.match(r.stdout, /^Get-InboundConnector \| Format-List/m);
    assert.match(r.stdout, /^# Set-InboundConnector -Identity 'Inbound from gateways' -EFSkipLastIP \$false -EFSkipIPs \$null$/m);
    assert.match(r.stdout, /^# ---- 4\. Verify after the change ----$/m);
    assert.match(r.stderr, /analysed \d+ of \d+ files; 4 could not be analysed/);
  });

  test('other kinds are not consolidated over several messages', async () => {
    const r = await runCli(['fix', folder.dir, '--kind', 'lockdown']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /only --kind efc is consolidated/);
  });
});
