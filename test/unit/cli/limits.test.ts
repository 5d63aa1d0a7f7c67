// The header-field cap as a CLI option and a configuration key: applied, validated, and visible as
// a note when hit.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tinyFieldsNoBlankLine } from '../../../scripts/bench/worst-cases';
import { runCli, tempDir } from './helpers';

let dir: string;
let file: string;

before(() => {
  dir = tempDir('limits');
  file = path.join(dir, 'loop.eml');
  fs.writeFileSync(file, tinyFieldsNoBlankLine(3000));
});

function problems(stdout: string): Array<{ code: string; message: string }> {
  return (JSON.parse(stdout) as { problems: Array<{ code: string; message: string }> }).problems;
}

describe('--max-header-fields and maxHeaderFields', () => {
  test('the option caps the fields read and the note says so', async () => {
    const r = await runCli(['analyze', file, '--json', '--no-config', '--max-header-fields', '500']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const a = JSON.parse(r.stdout) as { headers: unknown[]; verification: { notes: string[] } };
    assert.equal(a.headers.length, 500);
    assert.match(problems(r.stdout).find((p) => p.code === 'too-many-fields')!.message, /More than 500 header fields/);
    assert.match(a.verification.notes.join('\n'), /Not re-verified/);
    const text = await runCli(['analyze', file, '--no-config', '--no-color', '--max-header-fields', '500']);
    assert.match(text.stdout, /More than 500 header fields: only the first 500 are analysed/);
  });

  test('the configuration key, overridden by the option', async () => {
    const cwd = tempDir('limits-config');
    fs.writeFileSync(path.join(cwd, '.mailflowlensrc.json'), JSON.stringify({ maxHeaderFields: 1000 }));
    const r = await runCli(['analyze', file, '--json'], { cwd });
    assert.equal((JSON.parse(r.stdout) as { headers: unknown[] }).headers.length, 1000);
    const o = await runCli(['analyze', file, '--json', '--max-header-fields', '200'], { cwd });
    assert.equal((JSON.parse(o.stdout) as { headers: unknown[] }).headers.length, 200);
  });

  test('out-of-range values are usage or configuration errors', async () => {
    for (const v of ['0', '99', '20001', '1e4', 'many']) {
      const r = await runCli(['analyze', file, '--no-config', '--max-header-fields', v]);
      assert.equal(r.code, 2, v);
      assert.match(r.stderr, /--max-header-fields must be a whole number from 100 to 20000/);
    }
    const cwd = tempDir('limits-bad');
    fs.writeFileSync(path.join(cwd, '.mailflowlensrc.json'), JSON.stringify({ maxHeaderFields: 10000.5 }));
    const r = await runCli(['analyze', file], { cwd });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /"maxHeaderFields" must be a whole number/);
  });
});
