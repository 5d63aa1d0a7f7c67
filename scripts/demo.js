#!/usr/bin/env node
'use strict';
// `npm run demo`: analyse the bundled sample (Proofpoint in front of Exchange Online) with the
// bundled DNS snapshot, so SPF what-if and DMARC are re-verified offline. The CLI exits 1 when it
// finds error-level findings, which is the expected outcome here, so the demo treats 0 and 1 as
// success and anything else as a failure.
const { spawnSync } = require('child_process');
const path = require('path');
const root = path.join(__dirname, '..');
const args = [path.join(root, 'dist', 'cli.js'), 'analyze', path.join('samples', 'proofpoint-to-exchange-online.eml'),
  '--dns', `recorded:${path.join('samples', 'dns-snapshot.json')}`, ...process.argv.slice(2)];
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (r.status === 0 || r.status === 1) {
  console.log('\nNext: `node dist/cli.js fix samples/proofpoint-to-exchange-online.eml --kind efc` prints the Enhanced Filtering script.');
  process.exit(0);
}
process.exit(r.status ?? 1);
