// DNS modes of the built CLI against a real DNS server (dnsmasq on loopback, test/harness) that
// serves the scenarios' records: --dns live --dns-server with --record-dns, then
// --dns recorded:<snapshot> must give exactly the same verdicts with no server at all.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Analysis } from '../../../src/core/types';
import { runCli, tempDir, writeScenarios, parseJsonLines, ROOT, type ScenarioFolder } from './helpers';

interface DnsServer {
  server: string;
  readLog(): string;
  stop(): Promise<void>;
}
const harness: { startDnsServer(o: { zone: object }): Promise<DnsServer> } = require(path.join(ROOT, 'test', 'harness', 'dns-server.js'));

let folder: ScenarioFolder;
let dns: DnsServer | undefined;
let work: string;

before(async () => {
  folder = await writeScenarios(tempDir('dns'));
  work = tempDir('dns-work');
  dns = await harness.startDnsServer({ zone: folder.zone });
});

after(async () => {
  await dns?.stop();
});

/** What must not change whichever way the DNS answers arrive. */
function verdicts(a: Analysis) {
  const v = a.verification!;
  return {
    file: path.basename(a.input.name ?? ''),
    dkim: v.dkim.map((d) => [d.domain, d.selector, d.status, d.bodyHashOk]),
    arc: v.arc ? [v.arc.chain, v.arc.instances.map((i) => [i.instance, i.seal, i.ams])] : null,
    spf: v.spf.map((s) => [s.role, s.ip, s.result]),
    dmarc: v.dmarc ? [v.dmarc.result, v.dmarc.policy] : null,
    findings: a.findings.map((f) => f.id),
  };
}

describe('--dns live, --record-dns, --dns recorded', () => {
  test('a live run records its answers; replaying the snapshot offline gives the same verdicts', async () => {
    const snap = path.join(work, 'snapshot.json');
    const live = await runCli(['analyze', '--json', '--dns', 'live', '--dns-server', dns!.server, '--record-dns', snap, folder.dir]);
    assert.equal(live.code, 1, live.stderr);
    assert.match(live.stderr, /wrote \d+ DNS answers? to .*snapshot\.json/);
    const liveList = parseJsonLines(live.stdout) as Analysis[];
    assert.equal(liveList.length, folder.messages.length);
    assert.ok(liveList.every((a) => a.verification?.dnsMode === 'live'));
    // the live run really verified signatures with the server's keys
    assert.ok(liveList.some((a) => a.verification!.dkim.some((d) => d.status === 'pass')), 'some DKIM signature passes with live keys');
    assert.ok(liveList.every((a) => a.verification!.dkim.every((d) => d.status !== 'not-verifiable-offline')));
    assert.match(dns!.readLog(), /query\[TXT\] \S+\._domainkey\./, 'the DKIM keys were asked from the DNS server');

    // the snapshot holds the keys in mailauth's --dns-cache shape
    const saved = JSON.parse(fs.readFileSync(snap, 'utf8')) as Record<string, Record<string, unknown>>;
    const keyNames = Object.keys(saved).filter((n) => n.includes('._domainkey.'));
    assert.ok(keyNames.length >= 2, 'DKIM key records recorded');
    for (const n of keyNames) assert.ok(Array.isArray(saved[n].TXT), `${n} has TXT`);

    await dns!.stop();
    dns = undefined;
    const replay = await runCli(['analyze', '--json', '--dns', `recorded:${snap}`, folder.dir]);
    assert.equal(replay.code, 1, replay.stderr);
    const replayList = parseJsonLines(replay.stdout) as Analysis[];
    assert.ok(replayList.every((a) => a.verification?.dnsMode === 'recorded'));
    assert.deepEqual(replayList.map(verdicts), liveList.map(verdicts));

    // and without DNS the signatures are not verifiable: the snapshot made the difference
    const off = await runCli(['analyze', '--json', folder.dir]);
    const offList = parseJsonLines(off.stdout) as Analysis[];
    assert.ok(offList.every((a) => a.verification!.lookups.every((l) => l.outcome === 'offline')));
    assert.notDeepEqual(offList.map(verdicts), liveList.map(verdicts));
  });

  test('one message: --record-dns works the same way', async () => {
    const server = await harness.startDnsServer({ zone: folder.zone });
    try {
      const snap = path.join(work, 'one.json');
      const file = path.join(folder.dir, 'mimecast-efc-eop.eml');
      const live = await runCli(['analyze', '--json', '--dns', 'live', '--dns-server', server.server, '--record-dns', snap, file]);
      const replay = await runCli(['analyze', '--json', '--dns', `recorded:${snap}`, file]);
      assert.equal(live.code, replay.code);
      assert.deepEqual(verdicts(JSON.parse(replay.stdout) as Analysis), verdicts(JSON.parse(live.stdout) as Analysis));
    } finally {
      await server.stop();
    }
  });

  test('a snapshot with bad entries: the good ones are used, the rest reported', async () => {
    const snap = path.join(work, 'hostile.json');
    fs.writeFileSync(snap, JSON.stringify({ 'bad name!': { TXT: [['x']] }, 'example.org': { TXT: [['v=spf1 -all']], BOGUS: [1] } }));
    const r = await runCli(['analyze', '--dns', `recorded:${snap}`, path.join(folder.dir, 'direct-to-eop.eml')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: .*hostile\.json: Dropped "bad name!": not a DNS name/);
    assert.match(r.stdout, /Re-verification \(ours, DNS recorded\)/);
  });
});
