// --stats reports the CLI's own peak memory, not the peak of the process that started it (Linux
// hands getrusage's maxrss on across fork and exec; the CLI reads VmHWM instead).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, runCli } from './helpers';

function peakOf(stderr: string): number {
  const m = /peak RSS ([\d.]+) MB/.exec(stderr);
  assert.ok(m, `no --stats line: ${stderr.slice(-300)}`);
  return Number(m[1]);
}

describe('--stats', () => {
  test('a CLI started by a process that has held 400 MB reports its own, smaller peak', { skip: process.platform !== 'linux' && 'VmHWM is Linux only' }, async () => {
    const sample = fs.readdirSync(path.join(ROOT, 'samples')).find((f) => f.endsWith('.eml'));
    assert.ok(sample);
    // touch 400 MB so this process's peak is at least that, then let it go
    let big: Buffer | undefined = Buffer.alloc(400 * 1024 * 1024, 1);
    const own = /^VmHWM:\s*(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    assert.ok(own && Number(own[1]) / 1024 > 400, 'this process did reach 400 MB');
    big = undefined;
    void big;
    const r = await runCli(['analyze', path.join(ROOT, 'samples', sample), '--stats', '--no-config']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const peak = peakOf(r.stderr);
    assert.ok(peak > 10 && peak < 300, `the CLI reported ${peak} MB, not its own peak`);
  });
});
