// What the built CLI prints when header text, file names, option values or a file's content are
// hostile: JSON (one message, JSON Lines, SARIF, compare) never carries a raw C1 control, bidi
// character or line separator, stderr never echoes an escape sequence, and a DNS snapshot or
// configuration that is some other file is reported by position, never by quoting it.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BASE_MESSAGE } from '../../fixtures/scenarios/hostile';
import { runCli, tempDir, parseJsonLines } from './helpers';

/** Raw characters that must never reach a terminal from JSON (a pretty-printed line break is fine). */
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

// The adversarial review's Subject: a red background and a cleared screen (CSI, also as the
// single C1 byte), an OSC 8 hyperlink, a window title, a bidi-reversed file name, separators.
const SUBJECT =
  'Invoice \u001b[41m\u001b[2J\u009b41m paid \u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007 \u009d0;TITLE\u009c \u202egnp.exe \u2066x\u2069 \u200e\u200f\u061c a\u2028b\u2029c\u0085d';
const FROM_NAME = 'Jordan \u202eztrevla\u202c';

function hostileMessage(): Buffer {
  const text = BASE_MESSAGE.replace('Subject: Invoice INV-20417 for March deliveries', `Subject: ${SUBJECT}`).replace('From: Jordan Alvarez', `From: ${FROM_NAME}`);
  assert.notEqual(text, BASE_MESSAGE);
  return Buffer.from(text, 'utf8');
}

function assertTerminalSafe(text: string, what: string): void {
  const m = RAW_UNSAFE.exec(text);
  assert.equal(m, null, `${what}: raw U+${m ? m[0].charCodeAt(0).toString(16).padStart(4, '0') : ''} at ${m?.index}: ${JSON.stringify(text.slice(Math.max(0, (m?.index ?? 0) - 40), (m?.index ?? 0) + 40))}`);
}

let dir: string;
let file: string;
/** A file name that is itself an escape sequence and a bidi trick (as a folder walk finds it). */
const EVIL_NAME = 'x\u001b]0;TITLE\u0007\u009b31m\u202egnp.eml';

before(() => {
  dir = tempDir('hostile-out');
  file = path.join(dir, 'hostile.eml');
  fs.writeFileSync(file, hostileMessage());
  fs.writeFileSync(path.join(dir, 'second.eml'), hostileMessage());
  // not a message: reported as a failure, by name
  fs.writeFileSync(path.join(dir, EVIL_NAME), Buffer.alloc(0));
});

describe('JSON output is terminal-safe', () => {
  test('one message: --json escapes C1, bidi and separators as \\uXXXX, and the values parse back unchanged', async () => {
    const r = await runCli(['analyze', file, '--json', '--no-config']);
    assert.equal(r.code === 0 || r.code === 1, true, r.stderr);
    assertTerminalSafe(r.stdout, 'analyze --json');
    assert.ok(r.stdout.includes('\\u009b41m') && r.stdout.includes('\\u202egnp.exe') && r.stdout.includes('\\u2028'), 'escaped, not dropped');
    const a = JSON.parse(r.stdout) as { summary: { subject: string; from: string } };
    assert.equal(a.summary.subject, SUBJECT);
    assert.ok(a.summary.from.includes(FROM_NAME));
    assertTerminalSafe(r.stderr, 'stderr');
  });

  test('several messages: JSON Lines, every line terminal-safe; the failing file named safely on stderr', async () => {
    const r = await runCli(['analyze', dir, '--json', '--no-config', '--no-progress', '--jobs', '1']);
    assertTerminalSafe(r.stdout, 'JSON Lines');
    const lines = parseJsonLines(r.stdout) as Array<{ summary: { subject: string } }>;
    assert.equal(lines.length, 2);
    for (const l of lines) assert.equal(l.summary.subject, SUBJECT);
    assertTerminalSafe(r.stderr, 'stderr');
    assert.match(r.stderr, /skipped .*x\ufffd\]0;TITLE\ufffd\ufffd31m\ufffdgnp\.eml/, r.stderr);
  });

  test('SARIF for a folder: the unreadable file with an escape-sequence name is a notification, escaped', async () => {
    const r = await runCli(['analyze', dir, '--sarif', '--no-config', '--no-progress', '--jobs', '1']);
    assertTerminalSafe(r.stdout, 'SARIF');
    const log = JSON.parse(r.stdout) as { runs: Array<{ invocations: Array<{ toolExecutionNotifications: Array<{ message: { text: string } }> }> }> };
    const texts = log.runs[0].invocations[0].toolExecutionNotifications.map((n) => n.message.text);
    // SARIF message text drops control and bidi characters (sarifText); the name stays recognisable
    assert.ok(texts.some((t) => t.includes('x\\]0;TITLE31mgnp.eml')), texts.join('\n'));
  });

  test('one message: --sarif and compare --json are terminal-safe', async () => {
    const s = await runCli(['analyze', file, '--sarif', '--no-config']);
    assertTerminalSafe(s.stdout, 'SARIF');
    JSON.parse(s.stdout);
    const c = await runCli(['compare', file, path.join(dir, 'second.eml'), '--json', '--no-config']);
    assert.equal(c.code, 0, c.stderr);
    assertTerminalSafe(c.stdout, 'compare --json');
    JSON.parse(c.stdout);
  });

  test('the text report marks the escape sequences instead of printing them', async () => {
    const r = await runCli(['analyze', file, '--no-color', '--no-config']);
    assertTerminalSafe(r.stdout.replace(/\n/g, ''), 'text');
    assert.match(r.stdout, /Subject: Invoice \ufffd\[41m\ufffd\[2J\ufffd41m paid/);
  });
});

describe('argument and input errors never echo raw escapes', () => {
  test('an unknown option that is an OSC title sequence', async () => {
    const r = await runCli(['analyze', '--x\u001b]0;TITLE\u0007']);
    assert.equal(r.code, 2);
    assertTerminalSafe(r.stderr.replace(/\n/g, ''), 'stderr');
    assert.match(r.stderr, /unknown option --x\ufffd\]0;TITLE\ufffd/);
  });

  test('a missing file, an option value and a DNS server named with escapes and bidi characters', async () => {
    const missing = await runCli(['analyze', '/nonexistent/\u001b[31mred\u202e.eml', '--no-config']);
    assert.equal(missing.code, 2);
    assertTerminalSafe(missing.stderr.replace(/\n/g, ''), 'missing file');
    const dns = await runCli(['analyze', file, '--dns', 'bogus\u001b[2J\u009b', '--no-config']);
    assert.equal(dns.code, 2);
    assertTerminalSafe(dns.stderr.replace(/\n/g, ''), '--dns');
    const server = await runCli(['analyze', file, '--dns', 'live', '--dns-server', '\u001b]8;;x\u0007\u202e1.2.3.4', '--no-config']);
    assert.equal(server.code, 2);
    assertTerminalSafe(server.stderr.replace(/\n/g, ''), '--dns-server');
    assert.match(server.stderr, /Invalid DNS server/);
  });
});

describe('a DNS snapshot or configuration that is some other file is not quoted', () => {
  const SHADOW = 'root:x:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n';
  const CREDENTIALS = JSON.stringify({ aws_access_key_id: 'AKIAEXAMPLEEXAMPLE', aws_secret_access_key: 'wJalrEXAMPLEKEY' });

  test('--dns recorded:<not JSON> says where, not what', async () => {
    const f = path.join(tempDir('snap'), 'shadow');
    fs.writeFileSync(f, SHADOW);
    const r = await runCli(['analyze', file, '--dns', `recorded:${f}`, '--no-config']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Not a DNS snapshot \(line 1, column 1\)/);
    assert.ok(!r.stderr.includes('root') && !r.stderr.includes('daemon'), r.stderr);
  });

  test('--dns recorded:<some JSON file> does not list its keys or values', async () => {
    const f = path.join(tempDir('snap'), 'credentials.json');
    fs.writeFileSync(f, CREDENTIALS);
    const r = await runCli(['analyze', file, '--dns', `recorded:${f}`, '--no-config']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Not a DNS snapshot: none of its 2 entries map a DNS name/);
    assert.ok(!/aws_|AKIA|wJalr/.test(r.stderr), r.stderr);
  });

  test('--config <not JSON> and --config <some JSON file>', async () => {
    const d = tempDir('conf');
    fs.writeFileSync(path.join(d, 'shadow'), SHADOW);
    fs.writeFileSync(path.join(d, 'credentials.json'), CREDENTIALS);
    const a = await runCli(['analyze', file, '--config', path.join(d, 'shadow')]);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /not valid JSON \(line 1, column 1\)/);
    assert.ok(!a.stderr.includes('root'), a.stderr);
    const b = await runCli(['analyze', file, '--config', path.join(d, 'credentials.json')]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /none of its 2 keys is a setting/);
    assert.ok(!/aws_|AKIA|wJalr/.test(b.stderr), b.stderr);
  });
});
