// The loopback DNS server of the test harness: starts the real dnsmasq with a realistic zone and
// queries it with Node's resolver. When dnsmasq is not installed these tests FAIL with the
// install hint (scripts/install-test-tools.sh installs dnsmasq-base); they never skip.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { promises as dnsPromises } from 'node:dns';
import type { ChildProcess } from 'node:child_process';

interface DnsServer {
  host: string;
  port: number;
  server: string;
  pid: number;
  logFile: string;
  child: ChildProcess;
  readLog(): string;
  stop(): Promise<void>;
}
interface DnsHarness {
  startDnsServer(opts: { zone: Record<string, unknown>; dnsmasq?: string }): Promise<DnsServer>;
  zoneToConf(zone: Record<string, unknown>): string[];
  splitTxt(value: string): string[];
  reverseName(ip: string): string;
}

// compiled to out/test/unit/harness/; the harness stays plain JS in test/harness/
const harness: DnsHarness = require(path.resolve(__dirname, '../../../../test/harness/dns-server.js'));

function dkimRecord(): string {
  const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `v=DKIM1; k=rsa; p=${der.toString('base64')}`;
}

const DKIM = dkimRecord();
const SPF = 'v=spf1 ip4:192.0.2.0/24 include:_spf.mail.example.net -all';
const DMARC = 'v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.org,mailto:agg@reports.example.net; adkim=s; aspf=r; pct=100';
const VERIFICATION = 'example-site-verification=9f86d081884c7d659a2feaa0c55ad015';

const ZONE = {
  'example.org': {
    TXT: [SPF, VERIFICATION],
    MX: [
      { exchange: 'mx1.example.org', priority: 10 },
      { exchange: 'mx2.example.org', priority: 20 },
    ],
  },
  'sel2026._domainkey.example.org': { TXT: [DKIM] },
  '_dmarc.example.org': { TXT: [DMARC] },
  'mx1.example.org': { A: ['192.0.2.10'], AAAA: ['2001:db8:10::25'] },
  'mx2.example.org': { A: ['192.0.2.11'] },
  '198.51.100.7': { PTR: ['outbound7.gateway.example.net'] },
};

describe('test/harness/dns-server.js with the real dnsmasq', () => {
  let dns: DnsServer;
  const resolver = new dnsPromises.Resolver({ timeout: 2000, tries: 2 });

  before(async () => {
    dns = await harness.startDnsServer({ zone: ZONE });
    resolver.setServers([dns.server]);
  });
  after(async () => {
    if (dns) await dns.stop();
  });

  test('listens on loopback with an unprivileged port', () => {
    assert.equal(dns.host, '127.0.0.1');
    assert.ok(dns.port >= 1024 && dns.port <= 65535, `port ${dns.port}`);
    assert.equal(dns.server, `127.0.0.1:${dns.port}`);
  });

  test('serves a DKIM key longer than 255 bytes as several character-strings', async () => {
    assert.ok(DKIM.length > 255, `generated record is only ${DKIM.length} bytes`);
    const answers = await resolver.resolveTxt('sel2026._domainkey.example.org');
    assert.equal(answers.length, 1);
    const chunks = answers[0];
    assert.equal(chunks.length, Math.ceil(DKIM.length / 255));
    for (const c of chunks) assert.ok(c.length <= 255, `chunk of ${c.length} bytes`);
    assert.equal(chunks.join(''), DKIM);
  });

  test('serves several TXT records at one name (SPF next to a verification token)', async () => {
    const answers = (await resolver.resolveTxt('example.org')).map((chunks) => chunks.join(''));
    assert.deepEqual(answers.sort(), [SPF, VERIFICATION].sort());
  });

  test('keeps commas, semicolons and spaces of a DMARC record intact', async () => {
    const answers = await resolver.resolveTxt('_dmarc.example.org');
    assert.deepEqual(answers.map((c) => c.join('')), [DMARC]);
  });

  test('serves A, AAAA and MX records', async () => {
    assert.deepEqual(await resolver.resolve4('mx1.example.org'), ['192.0.2.10']);
    assert.deepEqual(await resolver.resolve6('mx1.example.org'), ['2001:db8:10::25']);
    const mx = (await resolver.resolveMx('example.org')).sort((a, b) => a.priority - b.priority);
    assert.deepEqual(mx, [
      { exchange: 'mx1.example.org', priority: 10 },
      { exchange: 'mx2.example.org', priority: 20 },
    ]);
  });

  test('serves PTR records given by IP address', async () => {
    assert.deepEqual(await resolver.reverse('198.51.100.7'), ['outbound7.gateway.example.net']);
  });

  test('answers NXDOMAIN (ENOTFOUND) for unknown names and NODATA for missing types', async () => {
    await assert.rejects(resolver.resolveTxt('nosuchselector._domainkey.example.org'), (e: NodeJS.ErrnoException) => e.code === 'ENOTFOUND');
    await assert.rejects(resolver.resolve4('www.unrelated.example'), (e: NodeJS.ErrnoException) => e.code === 'ENOTFOUND');
    await assert.rejects(resolver.resolve4('_dmarc.example.org'), (e: NodeJS.ErrnoException) => e.code === 'ENODATA');
  });

  test('logs the queries it answered', async () => {
    await resolver.resolveTxt('_dmarc.example.org');
    // dnsmasq writes its log asynchronously; poll the file instead of asserting at once
    let log = '';
    for (let i = 0; i < 50 && !log.includes('query[TXT] _dmarc.example.org'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      log = dns.readLog();
    }
    assert.match(log, /query\[TXT\] _dmarc\.example\.org from 127\.0\.0\.1/);
  });

  test('stop() ends the dnsmasq process', async () => {
    const { pid, child } = dns;
    await dns.stop();
    assert.ok(child.exitCode !== null || child.signalCode !== null, 'child did not report an exit');
    assert.throws(() => process.kill(pid, 0), (e: NodeJS.ErrnoException) => e.code === 'ESRCH');
    const r = new dnsPromises.Resolver({ timeout: 300, tries: 1 });
    r.setServers([dns.server]);
    await assert.rejects(r.resolveTxt('example.org'));
  });
});

describe('dns-server zone translation', () => {
  test('splits long TXT values into 255-byte chunks', () => {
    const v = 'a'.repeat(600);
    assert.deepEqual(harness.splitTxt(v).map((c) => c.length), [255, 255, 90]);
    assert.equal(harness.splitTxt(v).join(''), v);
    assert.deepEqual(harness.splitTxt(''), ['']);
  });

  test('quotes TXT text for the dnsmasq configuration', () => {
    const lines = harness.zoneToConf({ 'q.example.org': { TXT: ['say "hi" \\ bye'] } });
    assert.deepEqual(lines, ['txt-record=q.example.org,"say \\"hi\\" \\\\ bye"']);
  });

  test('rejects names and texts that could inject configuration lines', () => {
    assert.throws(() => harness.zoneToConf({ 'a.example.org\nserver=192.0.2.53': { A: ['192.0.2.1'] } }), /invalid name/);
    assert.throws(() => harness.zoneToConf({ 'a.example.org': { TXT: ['v=spf1 -all\nserver=192.0.2.53'] } }), /printable ASCII/);
    assert.throws(() => harness.zoneToConf({ 'a.example.org': { A: ['192.0.2.300'] } }), /bad A address/);
    assert.throws(() => harness.zoneToConf({ 'a.example.org': { CNAME: ['b.example.org'] } }), /unsupported record type/);
  });

  test('builds reverse names for IPv4 and IPv6', () => {
    assert.equal(harness.reverseName('192.0.2.10'), '10.2.0.192.in-addr.arpa');
    assert.equal(
      harness.reverseName('2001:db8::1'),
      '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
    );
  });

  test('fails with the install hint when dnsmasq is missing', async () => {
    await assert.rejects(
      harness.startDnsServer({ zone: {}, dnsmasq: '/nonexistent/sbin/dnsmasq' }),
      /dnsmasq-base.*install-test-tools\.sh/s,
    );
  });
});
