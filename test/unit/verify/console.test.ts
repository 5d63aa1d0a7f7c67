// Verification runs in a shared process (the VS Code extension host, next to other extensions), so
// it must never replace process-wide objects such as console.log, not even for a moment. mailauth
// once printed debugging lines; the parts of it the engine loads must print nothing, so nothing
// needs silencing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../../src/core/analyze';
import { buildCached } from '../../fixtures/scenarios';

test('verification leaves console alone while it runs', async () => {
  const log = console.log;
  const info = console.info;
  const seen: string[] = [];
  const r = await buildCached('proofpoint-subject-tag-arc-eop');
  const pending = analyze(r.bytes, { dnsMode: 'off' });
  // while the verification is awaited, the process-wide console is the one it was
  await new Promise((resolve) => setImmediate(resolve));
  seen.push(console.log === log ? 'log' : 'log replaced', console.info === info ? 'info' : 'info replaced');
  const a = await pending;
  assert.ok(a.verification, 'the message was verified');
  assert.deepEqual(seen, ['log', 'info']);
  assert.equal(console.log, log);
});

test('the mailauth modules the engine loads contain no console output', () => {
  const root = path.dirname(require.resolve('mailauth/package.json'));
  const loaded = Object.keys(require.cache).filter((f) => f.startsWith(root + path.sep) && !f.slice(root.length).includes(`${path.sep}node_modules${path.sep}`) && !f.includes(`${path.sep}commands${path.sep}`));
  assert.ok(loaded.some((f) => f.includes(`${path.sep}dkim${path.sep}`)), 'the DKIM verifier was loaded by the test above');
  for (const f of loaded) assert.doesNotMatch(fs.readFileSync(f, 'utf8'), /\bconsole\.(log|info|debug|warn|error)\s*\(/, path.relative(root, f));
});
