// Folders with symbolic links, as an unpacked archive or a shared ticket folder can hold them: a
// link named like a message that points at a file outside the folder must never be read (its
// content would be printed), with or without --follow-symlinks; links are listed as skipped, by
// sanitised name; with --follow-symlinks, links that stay inside the folder are followed and a link
// loop ends.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BASE_MESSAGE } from '../../fixtures/scenarios/hostile';
import { collectInputs, NOT_FOLLOWED, POINTS_OUTSIDE } from '../../../src/cli/inputs';
import { readMessageFile, InputError } from '../../../src/node/read';
import { runCli, tempDir, parseJsonLines } from './helpers';

/** What a secret file outside the folder holds: message-shaped, so it would be analysed and printed. */
const SECRET = BASE_MESSAGE.replace('Subject: Invoice INV-20417 for March deliveries', 'Subject: SECRET-aws_secret_access_key=wJalrXUtnFEMI');
const EVIL_LINK = 'evil\u001b]0;TITLE\u0007\u202e.eml';

let root: string;
let folder: string;
let secretFile: string;

before(() => {
  root = tempDir('links');
  folder = path.join(root, 'case-4711');
  fs.mkdirSync(path.join(folder, 'sub'), { recursive: true });
  const outside = path.join(root, 'elsewhere');
  fs.mkdirSync(outside);
  secretFile = path.join(outside, 'credentials');
  fs.writeFileSync(secretFile, SECRET);
  fs.writeFileSync(path.join(outside, 'more.eml'), SECRET);
  fs.writeFileSync(path.join(folder, 'a.eml'), BASE_MESSAGE);
  fs.writeFileSync(path.join(folder, 'sub', 'b.eml'), BASE_MESSAGE.replace('INV-20417', 'INV-20418'));
  fs.symlinkSync(secretFile, path.join(folder, 'invoice.eml')); // absolute, outside
  fs.symlinkSync('../../elsewhere/credentials', path.join(folder, 'sub', 'relative.eml')); // relative, outside
  fs.symlinkSync(path.join('sub', 'b.eml'), path.join(folder, 'inside.eml')); // inside
  fs.symlinkSync(outside, path.join(folder, 'outside-dir')); // a folder outside
  fs.symlinkSync('..', path.join(folder, 'sub', 'loop')); // a loop
  fs.symlinkSync(secretFile, path.join(folder, EVIL_LINK));
});

describe('collectInputs', () => {
  test('by default no link is followed; each one is listed', async () => {
    const c = await collectInputs([folder]);
    assert.deepEqual(c.files.map((f) => path.relative(folder, f.path)).sort(), ['a.eml', path.join('sub', 'b.eml')]);
    assert.ok(c.files.every((f) => f.noFollow && !f.explicit));
    assert.deepEqual(
      c.skippedLinks.map((l) => path.relative(folder, l.path)).sort(),
      [EVIL_LINK, 'inside.eml', 'invoice.eml', 'outside-dir', path.join('sub', 'loop'), path.join('sub', 'relative.eml')].sort(),
    );
    assert.ok(c.skippedLinks.every((l) => l.reason === NOT_FOLLOWED));
  });

  test('--follow-symlinks follows links inside the folder only, opens them by real path, ends a loop', async () => {
    const c = await collectInputs([folder], undefined, { followSymlinks: true });
    const names = c.files.map((f) => path.relative(folder, f.path));
    // inside.eml (found first, names sort before "sub") and sub/b.eml are one real file: taken once
    assert.deepEqual(names, ['a.eml', 'inside.eml']);
    assert.equal(c.files[1].open, fs.realpathSync(path.join(folder, 'sub', 'b.eml')));
    const outside = c.skippedLinks.filter((l) => l.reason === POINTS_OUTSIDE).map((l) => path.relative(folder, l.path)).sort();
    assert.deepEqual(outside, [EVIL_LINK, 'invoice.eml', 'outside-dir', path.join('sub', 'relative.eml')].sort());
    assert.ok(!c.files.some((f) => (f.open ?? f.path).includes('elsewhere')));
  });

  test('a link inside the folder to a file reached no other way is analysed by its real path', async () => {
    const d = tempDir('links-in');
    fs.mkdirSync(path.join(d, 'store', '.hidden'), { recursive: true });
    fs.writeFileSync(path.join(d, 'store', '.hidden', 'real.eml'), BASE_MESSAGE);
    fs.symlinkSync(path.join(d, 'store', '.hidden', 'real.eml'), path.join(d, 'store', 'link.eml'));
    const c = await collectInputs([d], undefined, { followSymlinks: true });
    assert.equal(c.files.length, 1);
    assert.equal(c.files[0].path, path.join(d, 'store', 'link.eml'));
    assert.equal(c.files[0].open, fs.realpathSync(path.join(d, 'store', '.hidden', 'real.eml')));
  });

  test('a file named on the command line is followed (the user chose it)', async () => {
    const c = await collectInputs([path.join(folder, 'invoice.eml')]);
    assert.equal(c.files.length, 1);
    assert.equal(c.files[0].explicit, true);
    assert.equal(c.files[0].noFollow, false);
  });

  test('opening a found file refuses a link swapped in after the walk', async () => {
    await assert.rejects(readMessageFile(path.join(folder, 'invoice.eml'), undefined, { noFollow: true }), (e: unknown) => e instanceof InputError && /is a symbolic link; not followed/.test(e.message));
    const ok = await readMessageFile(path.join(folder, 'invoice.eml'));
    assert.ok(ok.bytes.toString().includes('SECRET'), 'without noFollow the link is followed (explicit paths)');
  });
});

describe('the CLI on a folder with links', () => {
  test('--json: nothing from outside is read or printed; the links are named on stderr, sanitised', async () => {
    const r = await runCli(['analyze', folder, '--json', '--no-config', '--no-progress', '--jobs', '1']);
    assert.equal(r.code === 0 || r.code === 1, true, r.stderr);
    assert.ok(!r.stdout.includes('SECRET') && !r.stderr.includes('SECRET'), 'the secret file was read');
    assert.equal(parseJsonLines(r.stdout).length, 2);
    assert.match(r.stderr, /skipped 6 symbolic links: 6 symbolic link, not followed/);
    assert.ok(r.stderr.includes('invoice.eml') && r.stderr.includes('outside-dir'));
    assert.ok(!/[\u001b\u0007\u202e]/.test(r.stderr), 'the link name is shown sanitised');
    assert.ok(r.stderr.includes('evil\ufffd]0;TITLE\ufffd\ufffd.eml'));
  });

  test('text summary lists the skipped links; SARIF has them as warnings', async () => {
    const t = await runCli(['analyze', folder, '--no-config', '--no-progress', '--jobs', '1']);
    assert.match(t.stdout, /^Skipped symbolic links \(6\)$/m);
    assert.match(t.stdout, /^ {2}.*invoice\.eml: symbolic link, not followed/m);
    assert.ok(!t.stdout.includes('SECRET'));
    const s = await runCli(['analyze', folder, '--sarif', '--no-config', '--no-progress', '--jobs', '1']);
    const log = JSON.parse(s.stdout) as { runs: Array<{ invocations: Array<{ toolExecutionNotifications?: Array<{ level: string; message: { text: string } }> }> }> };
    const notes = log.runs[0].invocations[0].toolExecutionNotifications ?? [];
    assert.equal(notes.filter((n) => n.level === 'warning' && /symbolic link/.test(n.message.text)).length, 6);
  });

  test('--follow-symlinks: inside links followed, outside ones still skipped and named', async () => {
    const r = await runCli(['analyze', folder, '--json', '--follow-symlinks', '--no-config', '--no-progress', '--jobs', '1']);
    assert.ok(!r.stdout.includes('SECRET') && !r.stderr.includes('SECRET'));
    assert.equal(parseJsonLines(r.stdout).length, 2);
    assert.match(r.stderr, /skipped 4 symbolic links: 4 symbolic link to outside the folder, not followed/);
  });

  test('fix <folder> reports the skipped links too', async () => {
    const r = await runCli(['fix', folder, '--no-config', '--no-progress', '--jobs', '1']);
    assert.match(r.stderr, /skipped 6 symbolic links/);
    assert.ok(!r.stdout.includes('SECRET'));
  });
});
