// Shared by the CLI tests: the built CLI (dist/cli.js) run as a subprocess, and fixture folders
// made in a temp dir from the realistic scenario messages plus hostile files.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { SCENARIOS, buildCached, hostileInputs, type BuildResult, type DnsZone } from '../../fixtures/scenarios';

// compiled to out/test/unit/cli/
export const ROOT = path.resolve(__dirname, '../../../..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

const proc: {
  spawnTracked(cmd: string, args: string[], opts: object, o?: { name?: string }): import('node:child_process').ChildProcess;
} = require(path.join(ROOT, 'test', 'harness', 'proc.js'));

export function requireCli(): void {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does)`);
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: Buffer | string;
  /** Run through `script` so stdout and stderr are a terminal. */
  tty?: boolean;
}

/** Runs `node dist/cli.js …args` and collects its output. */
export function runCli(args: string[], o: RunOptions = {}): Promise<RunResult> {
  requireCli();
  const env = { ...process.env, NO_COLOR: '', ...o.env };
  let cmd = process.execPath;
  let argv = [CLI, ...args];
  if (o.tty) {
    const line = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
    cmd = 'script';
    argv = ['-qefc', line, '/dev/null'];
  }
  return new Promise((resolve, reject) => {
    const child = proc.spawnTracked(cmd, argv, { cwd: o.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] }, { name: 'mailflow-lens' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    if (o.input !== undefined) child.stdin!.end(o.input);
    else child.stdin!.end();
  });
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const made: string[] = [];
let cleanupInstalled = false;

/** A new temp folder, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), `mfl-cli-${prefix}-`));
  made.push(d);
  if (!cleanupInstalled) {
    cleanupInstalled = true;
    process.on('exit', () => {
      for (const m of made) fs.rmSync(m, { recursive: true, force: true });
    });
  }
  return d;
}

export interface ScenarioFolder {
  dir: string;
  /** scenario id → built result, and the file (relative to dir) it was written to. */
  messages: Array<{ id: string; file: string; built: BuildResult }>;
  /** Every scenario's DNS records merged (the world the messages live in). */
  zone: DnsZone;
}

/** Writes every scenario message into dir (or dir/sub for some, to exercise recursion). */
export async function writeScenarios(dir: string, opts: { nested?: boolean } = {}): Promise<ScenarioFolder> {
  const messages: ScenarioFolder['messages'] = [];
  const zone: DnsZone = {};
  let k = 0;
  for (const s of SCENARIOS) {
    const built = await buildCached(s.id);
    const sub = opts.nested && k++ % 3 === 2 ? path.join('nested', 'deeper') : '';
    fs.mkdirSync(path.join(dir, sub), { recursive: true });
    const file = path.join(sub, `${s.id}.eml`);
    fs.writeFileSync(path.join(dir, file), built.bytes);
    messages.push({ id: s.id, file, built });
    for (const [name, entry] of Object.entries(built.dnsZone)) zone[name] = { ...(zone[name] ?? {}), ...entry };
  }
  return { dir, messages, zone };
}

/** Hostile files that are not messages: named as messages, as they arrive in a ticket's attachments. */
export const HOSTILE_FILES = ['archive.eml', 'broken.eml', 'empty.eml', 'screenshot.eml'];

export function writeHostile(dir: string): string[] {
  const h = Object.fromEntries(hostileInputs().map((x) => [x.id, x.bytes]));
  fs.writeFileSync(path.join(dir, 'empty.eml'), h.empty ?? Buffer.alloc(0));
  fs.writeFileSync(path.join(dir, 'screenshot.eml'), h.png);
  fs.writeFileSync(path.join(dir, 'archive.eml'), h.zip ?? zlib.gzipSync('x'));
  // a "message" that lost its header block: the body of a forwarded mail saved on its own
  fs.writeFileSync(path.join(dir, 'broken.eml'), '\r\n\r\nHi Megan,\r\n\r\nsee the invoice below.\r\n\u0000\u0000\u0000\r\n');
  return HOSTILE_FILES;
}

export function parseJsonLines(text: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}
