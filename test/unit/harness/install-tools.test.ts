// The invariants of scripts/install-test-tools.sh, checked by running the real script against
// stand-in `npm` and `node` programs that record how they were called. The real install takes
// minutes and the npm cache of a developer machine hides what a fresh machine does, so a
// regression here would only show on a fresh CI machine: these tests catch it on every run.
//
//  - code-server (whose postinstall refuses any Node but 24) is installed by npm running under
//    the Node 24 binary from the tools folder, not by the machine's npm on its own Node;
//  - the marker that says "installed" is written only after lib/vscode/node_modules (built by
//    code-server's postinstall) and every other expected file exists;
//  - a half-finished install exits non-zero, names what is missing and leaves no marker, and the
//    next run does not take it for a finished one.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const SCRIPT = path.resolve(__dirname, '../../../../scripts/install-test-tools.sh');
const CODE_SERVER_VERSION = /CODE_SERVER_VERSION="([^"]+)"/.exec(fs.readFileSync(SCRIPT, 'utf8'))?.[1];

interface Stage {
  tools: string;
  log: string;
  bin: string;
  npmCli: string;
}

/**
 * A throw-away machine: `npm` on PATH is a stand-in that logs its calls and, for `install node@24`,
 * puts a stand-in `node` into the tools folder. That `node` answers version questions with the
 * major in $STUB_NODE_MAJOR and, when asked to run npm-cli.js, logs which major ran it and lays
 * out what a real install leaves (minus lib/vscode/node_modules when $STUB_POSTINSTALL_FAILS=1).
 */
function stage(): Stage {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mfl-install-tools-'));
  const tools = path.join(root, 'tools');
  const bin = path.join(root, 'bin');
  const log = path.join(root, 'calls.log');
  const npmCli = path.join(root, 'npm', 'bin', 'npm-cli.js');
  fs.mkdirSync(bin, { recursive: true });
  fs.mkdirSync(path.dirname(npmCli), { recursive: true });
  fs.writeFileSync(npmCli, '// stand-in: only its path matters, the stand-in node interprets the call\n');
  const toolsNode = String.raw`#!/usr/bin/env bash
# stand-in for the Node binary that the npm package node@24 installs
major="$STUB_NODE_MAJOR"; [ -n "$major" ] || major=24
case "$1" in
  -v) echo "v$major.0.0"; exit 0;;
  -p) echo "$major"; exit 0;;
esac
if [ "$1" = "$STUB_NPM_CLI" ]; then
  shift
  if [ "$1" = "--version" ]; then echo "11.0.0-stand-in"; exit 0; fi
  echo "tools-node major=$major npm $*" >> "$STUB_LOG"
  case " $* " in *" code-server@"*)
    m=node_modules
    mkdir -p "$m/code-server/out/node" "$m/playwright-core" "$m/@vscode/vsce"
    touch "$m/code-server/out/node/entry.js" "$m/playwright-core/package.json" "$m/@vscode/vsce/vsce"
    # the marker must not exist yet while npm (and code-server's postinstall) still runs
    ls -a "$MFL_TOOLS_DIR" | grep -q '^\.installed-' && echo "MARKER-BEFORE-POSTINSTALL" >> "$STUB_LOG"
    if [ "$STUB_POSTINSTALL_FAILS" = 1 ]; then
      echo "code-server currently requires node v24. We have detected that you are on node v20" >&2
      exit 0   # npm reports success although the postinstall gave up, as real installs have done
    fi
    mkdir -p "$m/code-server/lib/vscode/node_modules";;
  esac
  exit 0
fi
echo "tools-node unexpected call: $*" >> "$STUB_LOG"
exit 3
`;
  const npm = String.raw`#!/usr/bin/env bash
# stand-in for the machine's npm (which runs on the machine's Node 20)
echo "machine-npm $*" >> "$STUB_LOG"
case " $* " in
  *" install "*node@*)
    mkdir -p node_modules/.bin
    cp "$STUB_TOOLS_NODE" node_modules/.bin/node
    chmod +x node_modules/.bin/node;;
  *" code-server@"*)
    mkdir -p node_modules/code-server/out/node
    echo "code-server currently requires node v24. We have detected that you are on node v20" >&2;;
esac
exit 0
`;
  fs.writeFileSync(path.join(root, 'tools-node'), toolsNode, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'npm'), npm, { mode: 0o755 });
  return { tools, log, bin, npmCli };
}

function run(s: Stage, env: Record<string, string> = {}) {
  const r = spawnSync('bash', [SCRIPT], {
    encoding: 'utf8',
    env: {
      PATH: `${s.bin}:${process.env.PATH}`,
      HOME: os.tmpdir(),
      MFL_TOOLS_DIR: s.tools,
      MFL_SKIP_APT: '1',
      MFL_NPM_CLI: s.npmCli,
      STUB_LOG: s.log,
      STUB_NPM_CLI: s.npmCli,
      STUB_TOOLS_NODE: path.join(path.dirname(s.bin), 'tools-node'),
      ...env,
    },
  });
  const calls = fs.existsSync(s.log) ? fs.readFileSync(s.log, 'utf8').trim().split('\n') : [];
  return { status: r.status, out: `${r.stdout}${r.stderr}`, calls };
}

const markers = (s: Stage) => (fs.existsSync(s.tools) ? fs.readdirSync(s.tools).filter((n) => n.startsWith('.installed-')) : []);

describe('scripts/install-test-tools.sh', () => {
  test('the script names the code-server version its marker is for', () => {
    assert.match(CODE_SERVER_VERSION ?? '', /^\d+\.\d+\.\d+$/);
  });

  test('code-server is installed by npm running under the Node 24 from the tools folder, then the marker is written', () => {
    const s = stage();
    const r = run(s);
    assert.equal(r.status, 0, r.out);
    const cs = r.calls.filter((c) => c.includes('code-server@'));
    assert.deepEqual(cs.length, 1, r.calls.join('\n'));
    assert.match(cs[0], /^tools-node major=24 npm install .*code-server@\d/, 'code-server must be installed by the tools\' Node 24 running npm');
    assert.ok(!r.calls.some((c) => c.startsWith('machine-npm') && c.includes('code-server@')), 'the machine\'s npm (Node 20) must not install code-server');
    assert.ok(r.calls.some((c) => /^machine-npm install .*node@24/.test(c)), 'Node 24 itself comes from the npm package node@24');
    assert.ok(!r.calls.includes('MARKER-BEFORE-POSTINSTALL'), 'no marker while the install is still running');
    assert.deepEqual(markers(s), [`.installed-${CODE_SERVER_VERSION}`]);
    assert.ok(fs.existsSync(path.join(s.tools, 'node_modules/code-server/lib/vscode/node_modules')));
  });

  test('a postinstall that gives up (no lib/vscode/node_modules) fails loudly and leaves no marker', () => {
    const s = stage();
    const r = run(s, { STUB_POSTINSTALL_FAILS: '1' });
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /FAILED: .*missing/);
    assert.match(r.out, /node_modules\/code-server\/lib\/vscode\/node_modules/);
    assert.deepEqual(markers(s), []);
    // the next run does not take the half-finished folder for a finished one
    const again = run(s, { STUB_POSTINSTALL_FAILS: '1' });
    assert.equal(again.status, 1, again.out);
    assert.doesNotMatch(again.out, /already installed/);
    // and once the cause is gone, it completes
    const fixed = run(s);
    assert.equal(fixed.status, 0, fixed.out);
    assert.deepEqual(markers(s), [`.installed-${CODE_SERVER_VERSION}`]);
  });

  test('a Node that is not 24 stops the install before code-server, with the reason', () => {
    const s = stage();
    const r = run(s, { STUB_NODE_MAJOR: '20' });
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /did not install a working Node 24 .*reports '20'/);
    assert.ok(!r.calls.some((c) => c.includes('code-server@')), 'code-server must not be attempted under the wrong Node');
    assert.deepEqual(markers(s), []);
  });

  test('a stale marker with files missing is removed and the install redone', () => {
    const s = stage();
    assert.equal(run(s).status, 0);
    fs.rmSync(path.join(s.tools, 'node_modules/code-server/lib/vscode/node_modules'), { recursive: true });
    fs.rmSync(s.log);
    const r = run(s);
    assert.equal(r.status, 0, r.out);
    assert.doesNotMatch(r.out, /already installed/);
    assert.ok(r.calls.some((c) => c.startsWith('tools-node major=24 npm install') && c.includes('code-server@')));
    // a warm run with everything present does nothing
    fs.rmSync(s.log);
    const warm = run(s);
    assert.equal(warm.status, 0);
    assert.match(warm.out, /already installed/);
    assert.deepEqual(warm.calls, []);
  });
});
