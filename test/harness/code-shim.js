#!/usr/bin/env node
'use strict';
// A stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }).
// runTests() spawns it with the desktop command line
//   [launchArgs...] --no-sandbox ... --extensionTestsPath=T --extensionDevelopmentPath=D
//   --extensions-dir=.. --user-data-dir=..
// and the shim runs the same suite in code-server's extension host (./ext-test-runner.js), passing
// the exit code back. Desktop-only flags are ignored: the runner always uses a fresh profile.
const proc = require('./proc');
const { runExtensionTests } = require('./ext-test-runner');

function parseArgs(argv) {
  const dev = [];
  const positional = [];
  let tests;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const key = a.startsWith('--') ? a.slice(2, eq === -1 ? undefined : eq) : undefined;
    const value = eq === -1 ? undefined : a.slice(eq + 1);
    if (key === 'extensionDevelopmentPath') dev.push(value !== undefined ? value : argv[++i]);
    else if (key === 'extensionTestsPath') tests = value !== undefined ? value : argv[++i];
    else if (!a.startsWith('-')) positional.push(a);
  }
  return { dev, tests, folder: positional[0] };
}

if (require.main === module) {
  proc.installSignalHandlers();
  const { dev, tests, folder } = parseArgs(process.argv.slice(2));
  if (!dev.length || !tests) {
    console.error('code-shim: expected --extensionDevelopmentPath=... and --extensionTestsPath=...');
    process.exit(2);
  }
  if (dev.length > 1) console.error(`code-shim: only the first extensionDevelopmentPath is loaded (${dev[0]})`);
  runExtensionTests({ extensionDevelopmentPath: dev[0], extensionTestsPath: tests, workspace: folder })
    .then((r) => process.exit(r.exitCode))
    .catch((e) => { console.error(e); process.exit(2); });
}

module.exports = { parseArgs };
