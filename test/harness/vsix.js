'use strict';
// Packaging for the UI tests: builds the .vsix with the tools' @vscode/vsce (under Node 24, the
// same as a publisher would) and lists what is inside it, read straight from the zip's central
// directory, so the test checks the file that ships rather than vsce's idea of it.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const cs = require('./codeserver');

const VSCE_JS = path.join(cs.TOOLS, 'node_modules', '@vscode', 'vsce', 'vsce');

/** `vsce package --no-dependencies -o <outFile>` in `extensionDir`; returns the output path. */
function packageVsix({ extensionDir = cs.REPO_ROOT, outFile }) {
  if (!fs.existsSync(VSCE_JS)) throw new Error(`@vscode/vsce not found in ${cs.TOOLS}: run scripts/install-test-tools.sh`);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.rmSync(outFile, { force: true });
  const r = spawnSync(cs.NODE24, [VSCE_JS, 'package', '--no-dependencies', '--no-rewrite-relative-links', '-o', outFile], {
    cwd: extensionDir,
    encoding: 'utf8',
    env: cs.toolsEnv(),
    input: '', // never wait on a prompt: answer "no" by closing stdin
    timeout: 180000,
  });
  const out = `${r.stdout || ''}${r.stderr || ''}`.trim();
  if (r.status !== 0 || !fs.existsSync(outFile)) {
    throw new Error(`vsce package failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''}):\n${out}`);
  }
  return { file: outFile, output: out };
}

/** Names of the entries in a zip file (central directory; no compression library needed). */
function listZip(file) {
  const buf = fs.readFileSync(file);
  // End Of Central Directory: signature 0x06054b50, within the last 64 KiB + 22 bytes
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: broken central directory`);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    names.push(buf.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

module.exports = { packageVsix, listZip };
