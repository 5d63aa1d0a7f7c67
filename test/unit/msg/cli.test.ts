// The built CLI on Outlook .msg files written in the test setup, the --html and --redact outputs,
// and `compare` on the before/after Enhanced Filtering pair.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../cli/helpers';
import { buildMsg, headerBlockOf } from '../../fixtures/msg/build';
import { buildCached } from '../../fixtures/scenarios';
import { efcPair, type EfcPair } from '../compare/efc-pair';

describe('CLI: .msg, --html, --redact, compare', () => {
  let dir: string;
  let pair: EfcPair;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfl-cli-msg-'));
    pair = await efcPair();
    const pp = await buildCached('proofpoint-banner-eop');
    fs.writeFileSync(path.join(dir, 'before.eml'), pair.before);
    fs.writeFileSync(path.join(dir, 'after.msg'), buildMsg({ transportHeaders: headerBlockOf(pair.after), subject: 'Invoice INV-20533 for April deliveries', body: 'Hello Megan' }));
    fs.writeFileSync(path.join(dir, 'invoice.msg'), buildMsg({ transportHeaders: headerBlockOf(pp.bytes), subject: 'Invoice INV-20417 for March deliveries' }));
    fs.writeFileSync(path.join(dir, 'draft.msg'), buildMsg({ subject: 'Draft' }));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('analyze x.msg: the route and findings from its transport headers', async () => {
    const r = await runCli(['analyze', path.join(dir, 'invoice.msg'), '--json']);
    assert.equal(r.code, 1, r.stderr);
    const a = JSON.parse(r.stdout);
    assert.equal(a.hops.length, 7);
    assert.equal(a.input.headersOnly, true);
    assert.ok(a.findings.some((f: { id: string }) => f.id === 'efc-not-enabled'));
    assert.ok(a.verification.dkim.every((d: { detail: string }) => d.detail.startsWith('Body: not available (headers only).')));
  });

  test('a .msg without transport headers: exit 2 and the reason; in a folder it is skipped', async () => {
    const r = await runCli(['analyze', path.join(dir, 'draft.msg')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /has no transport headers: it was never received over the internet/);
    const batch = await runCli(['analyze', dir, '--json', '--no-progress']);
    assert.equal(batch.stdout.trim().split('\n').length, 3, 'before.eml, after.msg and invoice.msg');
    assert.match(batch.stderr, /skipped .*draft\.msg/);
  });

  test('--html: one self-contained document; --redact full masks the customer', async () => {
    const r = await runCli(['analyze', path.join(dir, 'before.eml'), '--html', '--redact', 'full']);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stdout.startsWith('<!DOCTYPE html>'));
    assert.ok(!/<script|\ssrc=|\shref=/i.test(r.stdout));
    assert.ok(r.stdout.includes('Personal data masked for sharing'));
    for (const s of ['northwindtraders', 'contoso', 'Jordan', 'Megan']) assert.ok(!r.stdout.includes(s), s);
    assert.ok(r.stdout.includes(pair.gatewayIp));
  });

  test('--markdown --redact local: local parts masked, the notice under the title', async () => {
    const r = await runCli(['analyze', path.join(dir, 'before.eml'), '--markdown', '--redact', 'local']);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], '# Mail flow report: Invoice INV-20417 for March deliveries');
    assert.match(lines[2], /^> Personal data masked for sharing: the part before the @/);
    assert.ok(!r.stdout.includes('j.alvarez@') && !r.stdout.includes('megan.bowen@'));
    assert.ok(r.stdout.includes('user-1@northwindtraders.com'));
  });

  test('--redact is refused without a report format or with an unknown mode', async () => {
    const a = await runCli(['analyze', path.join(dir, 'before.eml'), '--redact', 'full']);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /--redact goes with --markdown, --html or --json/);
    const b = await runCli(['analyze', path.join(dir, 'before.eml'), '--markdown', '--redact', 'some']);
    assert.equal(b.code, 2);
    const c = await runCli(['analyze', dir, '--html']);
    assert.equal(c.code, 2);
  });

  test('compare before.eml after.msg: the EFC line and the verdict changes', async () => {
    const r = await runCli(['compare', path.join(dir, 'before.eml'), path.join(dir, 'after.msg')]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.ok(lines.includes(`+ EFC now active: original IP ${pair.originalIp} recovered; the receiver evaluates it instead of ${pair.gatewayIp}.`), r.stdout);
    assert.ok(lines.includes('+ SPF at the receiver: fail → pass.'));
    assert.ok(lines.some((l) => l.startsWith('* Only the headers of the second message were available')));
    const j = await runCli(['compare', path.join(dir, 'before.eml'), path.join(dir, 'after.msg'), '--json']);
    const c = JSON.parse(j.stdout);
    assert.deepEqual([c.efc.before, c.efc.after], ['off', 'active']);
    const bad = await runCli(['compare', path.join(dir, 'before.eml')]);
    assert.equal(bad.code, 2);
  });
});
