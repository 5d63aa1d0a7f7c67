// Mocha runner loaded by the VS Code extension host (extensionTestsPath). Same contract as with
// desktop VS Code and @vscode/test-electron: export run(): Promise<void>, resolve when every test
// passed, reject otherwise. It loads every *.test.js below this compiled folder
// (out/test/vscode/suite/), so a new test file test/vscode/suite/<name>.test.ts is picked up
// without touching this file.
//
// Environment (set by test/harness/run-vscode-tests.js; it reaches the extension host):
//   EXT_TEST_RESULTS  write { passed, failed, pending, total, durationMs, failures } there
//   MFL_TEST_GREP     only run tests whose full title matches this regular expression
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

interface Results {
  passed: number;
  failed: number;
  pending: number;
  total: number;
  durationMs: number;
  failures: { title: string; message: string }[];
}

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) out.push(full);
  }
  return out.sort();
}

function writeResults(results: Results): void {
  const file = process.env.EXT_TEST_RESULTS;
  if (file) fs.writeFileSync(file, JSON.stringify(results, null, 2));
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: 60_000,
    slow: 5_000,
    grep: process.env.MFL_TEST_GREP || undefined,
  });
  const files = testFiles(__dirname);
  for (const f of files) mocha.addFile(f);
  console.log(`Mail Flow Lens integration tests: ${files.length} file(s), VS Code ${require('vscode').version}`);

  return new Promise<void>((resolve, reject) => {
    const failures: Results['failures'] = [];
    let runner: Mocha.Runner;
    try {
      runner = mocha.run((failed) => {
        const stats = runner.stats;
        const results: Results = {
          passed: stats ? stats.passes : 0,
          failed,
          pending: stats ? stats.pending : 0,
          total: runner.total,
          durationMs: stats && stats.duration !== undefined ? stats.duration : 0,
          failures,
        };
        writeResults(results);
        console.log(`${results.passed} passed, ${results.failed} failed`);
        if (failed > 0) reject(new Error(`${failed} integration test(s) failed`));
        else resolve();
      });
      runner.on('fail', (test, err: Error) => {
        failures.push({ title: test.fullTitle(), message: String(err && err.message) });
      });
    } catch (e) {
      // a test file that throws while loading: report it as one failure
      const message = e instanceof Error ? e.stack || e.message : String(e);
      console.log(`could not load the integration tests: ${message}`);
      writeResults({ passed: 0, failed: 1, pending: 0, total: 0, durationMs: 0, failures: [{ title: 'loading the test files', message }] });
      console.log('0 passed, 1 failed');
      reject(e);
    }
  });
}
