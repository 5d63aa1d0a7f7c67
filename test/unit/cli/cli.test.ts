// The built CLI (dist/cli.js) as a subprocess on one message at a time: output formats, exit
// codes, usage errors, help, colours, standard input, the configuration file and `fix`.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildCached } from '../../fixtures/scenarios';
import { runCli, tempDir, writeScenarios, writeHostile, ROOT, type ScenarioFolder } from './helpers';

const ESC = '\u001b[';
let folder: ScenarioFolder;
let pp: string; // Proofpoint in front of Exchange Online, banner added: error-level findings
let direct: string; // straight to Exchange Online, everything passes

before(async () => {
  folder = await writeScenarios(tempDir('single'));
  writeHostile(folder.dir);
  pp = path.join(folder.dir, 'proofpoint-banner-eop.eml');
  direct = path.join(folder.dir, 'direct-to-eop.eml');
});

describe('help and version', () => {
  test('--help for every command, and help <command>', async () => {
    for (const args of [['--help'], ['help'], ['-h']]) {
      const r = await runCli(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /Usage:\n {2}mailflow-lens analyze <files\|folders…>/);
      assert.match(r.stdout, /Exit codes: 0 no error-level findings, 1 error-level findings, 2 usage or input error/);
    }
    for (const args of [['analyze', '--help'], ['help', 'analyze']]) {
      const r = await runCli(args);
      assert.equal(r.code, 0);
      for (const opt of ['--json', '--markdown', '--sarif', '--dns off|live|recorded:FILE', '--dns-server', '--record-dns', '--trusted-relay', '--jobs', '.mailflowlensrc.json']) {
        assert.ok(r.stdout.includes(opt), `analyze help mentions ${opt}`);
      }
    }
    for (const args of [['fix', '--help'], ['help', 'fix']]) {
      const r = await runCli(args);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /--kind efc\|lockdown\|arc\|gmail\|relay\|cleanup/);
      assert.match(r.stdout, /--connector NAME/);
      assert.match(r.stdout, /one Set-InboundConnector script/);
    }
  });

  test('no command is a usage error; an unknown help topic too', async () => {
    const none = await runCli([]);
    assert.equal(none.code, 2);
    assert.match(none.stdout, /Usage:/);
    const bogus = await runCli(['help', 'bogus']);
    assert.equal(bogus.code, 2);
    const unknown = await runCli(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
  });

  test('--version prints the package version', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim(), pkg.version);
  });
});

describe('analyze one message', () => {
  test('text: the route, the findings, exit code 1 for error-level findings, no colours into a pipe', async () => {
    const { facts } = await buildCached('proofpoint-banner-eop');
    const r = await runCli(['analyze', pp]);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(!r.stdout.includes(ESC), 'no escape sequences when stdout is not a terminal');
    assert.match(r.stdout, /Route \(\d+ hops, oldest first\)/);
    assert.ok(r.stdout.includes(`[${facts.connectingIp}]`), 'the gateway hop shows the connecting IP');
    assert.match(r.stdout, /error {3}spf-evaluated-on-relay/);
    assert.match(r.stdout, /Fixes\n.*efc-skip/);
  });

  test('text: exit code 0 when nothing is at error level', async () => {
    const r = await runCli(['analyze', direct]);
    assert.equal(r.code, 0, r.stdout);
    assert.doesNotMatch(r.stdout, /^ {2}error /m);
  });

  test('--json: one Analysis object with the documented shape and the route the message took', async () => {
    const { facts } = await buildCached('proofpoint-banner-eop');
    const r = await runCli(['analyze', '--json', pp]);
    assert.equal(r.code, 1);
    const a = JSON.parse(r.stdout) as { schemaVersion: number; input: { name: string }; boundary: { relayIps: string[]; connectingIp: string; receiver: string }; findings: Array<{ id: string; severity: string }>; verification: { dnsMode: string } };
    assert.equal(a.schemaVersion, 1);
    assert.equal(a.input.name, pp);
    assert.equal(a.boundary.receiver, facts.receiver);
    assert.deepEqual(a.boundary.relayIps, facts.relayIps);
    assert.equal(a.boundary.connectingIp, facts.connectingIp);
    assert.equal(a.verification.dnsMode, 'off');
    assert.ok(a.findings.some((f) => f.id === 'spf-evaluated-on-relay' && f.severity === 'error'));
  });

  test('--markdown: the ticket report with the route table and the findings', async () => {
    const r = await runCli(['analyze', '--markdown', pp]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^# Mail flow report: /);
    assert.match(r.stdout, /\| # \| From \| IP \| By \| Role \| Protocol \/ TLS \| Time \(UTC\) \| Delay \|/);
    assert.match(r.stdout, /### Error: `spf-evaluated-on-relay`/);
    assert.ok(!r.stdout.includes(ESC));
  });

  test('standard input ("-") is read as one message', async () => {
    const r = await runCli(['analyze', '--json', '-'], { input: fs.readFileSync(pp) });
    assert.equal(r.code, 1, r.stderr);
    const a = JSON.parse(r.stdout) as { input: { name: string }; findings: Array<{ id: string }> };
    assert.equal(a.input.name, 'stdin');
    assert.ok(a.findings.some((f) => f.id === 'spf-evaluated-on-relay'));
  });

  test('a file that is not a message is an input error (2) with one clear sentence', async () => {
    const cases: Array<[string, RegExp]> = [
      ['empty.eml', /empty\.eml: The file is empty/],
      ['screenshot.eml', /screenshot\.eml: .*PNG image/],
      ['broken.eml', /broken\.eml: No header fields were found/],
    ];
    for (const [file, re] of cases) {
      const r = await runCli(['analyze', path.join(folder.dir, file)]);
      assert.equal(r.code, 2, file);
      assert.match(r.stderr, re);
      assert.equal(r.stdout, '');
    }
  });
});

describe('usage errors exit with 2', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown option', ['analyze', '--bogus', 'x.eml'], /unknown option --bogus/],
    ['two formats', ['analyze', '--json', '--sarif', 'x.eml'], /choose one output format/],
    ['bad --dns', ['analyze', '--dns', 'sometimes', 'x.eml'], /--dns must be off, live or recorded:<snapshot file>/],
    ['--dns-server without live', ['analyze', '--dns-server', '127.0.0.1:53', 'x.eml'], /--dns-server needs --dns live/],
    ['--record-dns without live', ['analyze', '--record-dns', 'snap.json', 'x.eml'], /--record-dns needs --dns live/],
    ['bad DNS server', ['analyze', '--dns', 'live', '--dns-server', 'dns.example.com:53', 'x.eml'], /the host must be an IP address/],
    ['bad trusted relay', ['analyze', '--trusted-relay', 'gateway;rm -rf', 'x.eml'], /--trusted-relay "gateway;rm -rf" is not an IP address/],
    ['bad jobs', ['analyze', '--jobs', '0', 'x.eml'], /--jobs must be a number/],
    ['no input', ['analyze'], /analyze needs at least one message file or folder/],
    ['bad kind', ['fix', '--kind', 'everything', 'x.eml'], /--kind must be one of efc, lockdown, arc, gmail, relay, cleanup/],
    ['bad connector', ['fix', '--connector', 'Inbound\nRemove-InboundConnector', 'x.eml'], /--connector: the connector name contains a line break/],
  ];
  for (const [name, args, re] of cases) {
    test(name, async () => {
      const r = await runCli(args, { cwd: folder.dir });
      assert.equal(r.code, 2, `${name}: ${r.stderr}`);
      assert.match(r.stderr, re);
      assert.equal(r.stdout, '');
    });
  }

  test('a named path that does not exist', async () => {
    const r = await runCli(['analyze', path.join(folder.dir, 'nope.eml'), direct]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nope\.eml: no such file or folder/);
  });

  test('a missing recorded DNS snapshot', async () => {
    const r = await runCli(['analyze', '--dns', 'recorded:missing-snapshot.json', direct], { cwd: folder.dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing-snapshot\.json: no such DNS snapshot file/);
  });
});

describe('colours', () => {
  const hasScript = fs.existsSync('/usr/bin/script') || fs.existsSync('/bin/script');

  test('coloured on a terminal, plain with NO_COLOR or --no-color', { skip: !hasScript && 'util-linux script is not installed' }, async () => {
    const tty = await runCli(['analyze', pp], { tty: true });
    assert.ok(tty.stdout.includes(`${ESC}31m`), 'red for error findings on a terminal');
    const noColor = await runCli(['analyze', pp], { tty: true, env: { NO_COLOR: '1' } });
    assert.ok(!noColor.stdout.includes(`${ESC}3`), 'NO_COLOR turns colours off');
    assert.match(noColor.stdout, /spf-evaluated-on-relay/);
    const flag = await runCli(['analyze', '--no-color', pp], { tty: true });
    assert.ok(!flag.stdout.includes(`${ESC}3`));
  });

  test('--color forces colours into a pipe, even with NO_COLOR', async () => {
    const r = await runCli(['analyze', '--color', pp], { env: { NO_COLOR: '1' } });
    assert.equal(r.code, 1);
    assert.ok(r.stdout.includes(`${ESC}1m`));
    const both = await runCli(['analyze', '--color', '--no-color', pp]);
    assert.equal(both.code, 2);
  });
});

describe('configuration file', () => {
  test('.mailflowlensrc.json is found upward from the working folder; --connector and --no-config override it', async () => {
    const root = tempDir('config');
    const cwd = path.join(root, 'tickets', '2026-03');
    fs.mkdirSync(cwd, { recursive: true });
    fs.writeFileSync(path.join(root, '.mailflowlensrc.json'), JSON.stringify({ connectorName: "Inbound from Proofpoint (O'Brien)", receivingDomains: ['contoso.com'] }));
    fs.copyFileSync(pp, path.join(cwd, 'message.eml'));

    const found = await runCli(['fix', 'message.eml', '--kind', 'efc'], { cwd });
    assert.equal(found.code, 0, found.stderr);
    assert.match(found.stdout, /^Set-InboundConnector -Identity 'Inbound from Proofpoint \(O''Brien\)' -EFSkipLastIP \$true$/m);

    const flag = await runCli(['fix', 'message.eml', '--kind', 'efc', '--connector', 'Edge'], { cwd });
    assert.match(flag.stdout, /^Set-InboundConnector -Identity 'Edge' /m);

    const none = await runCli(['fix', 'message.eml', '--kind', 'efc', '--no-config'], { cwd });
    assert.match(none.stdout, /^Set-InboundConnector -Identity '<your inbound connector>' /m);
  });

  test('a configuration file cannot turn live DNS on', async () => {
    const cwd = tempDir('config-live');
    fs.writeFileSync(path.join(cwd, '.mailflowlensrc.json'), JSON.stringify({ dns: { mode: 'live', server: '127.0.0.1:9' } }));
    fs.copyFileSync(direct, path.join(cwd, 'm.eml'));
    const r = await runCli(['analyze', '--json', 'm.eml'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /"dns\.mode": "live" ignored: live DNS is turned on only by --dns live/);
    const a = JSON.parse(r.stdout) as { verification: { dnsMode: string; lookups: Array<{ outcome: string }> } };
    assert.equal(a.verification.dnsMode, 'off');
    assert.ok(a.verification.lookups.every((l) => l.outcome === 'offline'));
  });

  test('maxMessageSizeMB: a larger message is read head-first and analysed from its headers', async () => {
    const cwd = tempDir('config-size');
    fs.writeFileSync(path.join(cwd, '.mailflowlensrc.json'), JSON.stringify({ maxMessageSizeMB: 1 }));
    // the same message with a 3 MB attachment-like body appended
    const big = Buffer.concat([fs.readFileSync(pp), Buffer.from('\r\n' + 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3\r\n'.repeat(40000))]);
    fs.writeFileSync(path.join(cwd, 'big.eml'), big);
    const r = await runCli(['analyze', '--json', 'big.eml'], { cwd });
    assert.equal(r.code, 1, r.stderr);
    const a = JSON.parse(r.stdout) as { input: { headersOnly: boolean; byteLength: number }; problems: Array<{ code: string; message: string }> };
    assert.equal(a.input.headersOnly, true);
    assert.ok(a.input.byteLength < 64 * 1024, 'only the header block was read');
    const p = a.problems.find((x) => x.code === 'message-too-large');
    assert.ok(p, 'the size limit is reported');
    assert.match(p!.message, /above the 1 MiB limit/);
  });

  test('an invalid configuration file is an input error naming the file', async () => {
    const cwd = tempDir('config-bad');
    fs.writeFileSync(path.join(cwd, '.mailflowlensrc.json'), '{ "trustedRelays": ["10.0.0.0/8", "not a relay!"] }');
    fs.copyFileSync(direct, path.join(cwd, 'm.eml'));
    const r = await runCli(['analyze', 'm.eml'], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\.mailflowlensrc\.json: "trustedRelays" entry "not a relay!" is not an IP address/);
    const broken = tempDir('config-json');
    fs.writeFileSync(path.join(broken, '.mailflowlensrc.json'), '{ trustedRelays: ');
    const r2 = await runCli(['analyze', direct], { cwd: broken });
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /\.mailflowlensrc\.json: not valid JSON/);
  });
});

describe('a configuration file beside the messages', () => {
  test('is named on stderr, and the addresses its trusted relays put into a script are marked as coming from it', async () => {
    const { facts } = await buildCached('direct-to-eop');
    const dir = tempDir('config-beside');
    const msg = path.join(dir, 'message.eml');
    fs.copyFileSync(direct, msg);
    const cfg = path.join(dir, '.mailflowlensrc.json');
    fs.writeFileSync(cfg, JSON.stringify({ trustedRelays: [`${facts.connectingIp}/32`] }));
    const r = await runCli(['fix', msg, '--kind', 'efc'], { cwd: dir });
    assert.match(r.stderr, new RegExp(`settings from ${cfg.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    // without the file the sender's own server is no relay; the file made it one, and says so
    assert.ok(r.stdout.includes(`# ${facts.connectingIp}: from your configuration (configuration file ${cfg}), not from evidence in the message`), r.stdout);
    const without = await runCli(['fix', msg, '--kind', 'efc', '--no-config'], { cwd: dir });
    assert.ok(!without.stdout.includes(facts.connectingIp), without.stdout);
  });
});

describe('fix one message', () => {
  test('offline, a gateway only its reverse DNS names is not written into the command: a placeholder and how to confirm', async () => {
    const { facts } = await buildCached('proofpoint-banner-eop');
    const r = await runCli(['fix', pp, '--kind', 'efc', '--connector', 'Inbound from Proofpoint']);
    assert.equal(r.code, 0, r.stderr);
    const runnable = r.stdout.split('\n').filter((l) => l && !l.startsWith('#'));
    assert.ok(runnable.includes("Set-InboundConnector -Identity 'Inbound from Proofpoint' -EFSkipLastIP $false -EFSkipIPs '<gateway IP>'"), r.stdout);
    assert.ok(!runnable.some((l) => l.includes(facts.relayIps[0])), 'the unconfirmed address is in no command');
    assert.match(r.stdout, /Not recommended yet: nothing in the message proves that 148\.163\.138\.245 is your organisation's gateway/);
    assert.ok(runnable.includes("Resolve-DnsName -Name 'contoso.com' -Type MX"), 'the MX pre-check to confirm it');
  });

  test('the Enhanced Filtering script: pre-checks and the change run, roll-back and verification are comments', async () => {
    const { facts } = await buildCached('proofpoint-banner-eop');
    // with the recipient's DNS recorded, its MX confirms the Proofpoint relay as its gateway
    const snapshot = path.join(folder.dir, 'dns-snapshot.json');
    fs.writeFileSync(snapshot, JSON.stringify(folder.zone));
    const r = await runCli(['fix', pp, '--kind', 'efc', '--connector', 'Inbound from Proofpoint', '--dns', `recorded:${snapshot}`]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    const runnable = lines.filter((l) => l && !l.startsWith('#'));
    assert.ok(runnable.includes("Set-InboundConnector -Identity 'Inbound from Proofpoint' -EFSkipLastIP $true"));
    assert.ok(runnable.includes(`Set-InboundConnector -Identity 'Inbound from Proofpoint' -EFSkipLastIP $false -EFSkipIPs '${facts.relayIps.join("','")}'`));
    assert.ok(runnable.some((l) => l.startsWith('Get-InboundConnector')), 'the read-only pre-check is runnable');
    for (const l of runnable) assert.match(l, /^(Get-|Set-InboundConnector -Identity '[^']+' -EFSkipLastIP \$(true|false)(?: -EFSkipIPs '[0-9.',]+')?$)/, `only pre-checks and changes run: ${l}`);
    assert.ok(lines.includes("# Set-InboundConnector -Identity 'Inbound from Proofpoint' -EFSkipLastIP $false -EFSkipIPs $null"), 'roll-back is there, commented out');
    assert.ok(lines.some((l) => l.startsWith('# ---- 4. Verify after the change ----')));
  });

  test('no fix for a message without problems: said on stderr, exit 0', async () => {
    const r = await runCli(['fix', direct]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /no fix applies to .*direct-to-eop\.eml: no error-level findings/);
  });
});
