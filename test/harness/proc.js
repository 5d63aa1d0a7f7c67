'use strict';
// Process bookkeeping for the test harness: every server or browser a harness script starts is
// registered here, so that it is stopped on normal exit, on SIGINT/SIGTERM/SIGHUP and on a
// deadline. Every process started under one test run also carries MFL_TEST_RUN_ID in its
// environment (children inherit it), which lets `findStrays()` prove afterwards that nothing
// outlived the run, including grandchildren we never saw (extension hosts, renderer processes).
//
// Plain CommonJS on purpose: it runs under the system Node, under code-server's Node 24 and
// inside the extension host, without compilation.
const fs = require('fs');
const { spawn } = require('child_process');

const RUN_ENV = 'MFL_TEST_RUN_ID';
if (!process.env[RUN_ENV]) process.env[RUN_ENV] = `${process.pid}-${Date.now().toString(36)}`;

/** @type {Set<{child: import('child_process').ChildProcess, name: string, group: boolean, graceMs: number}>} */
const tracked = new Set();
let exitHookInstalled = false;
let signalHooksInstalled = false;

function runId() {
  return process.env[RUN_ENV];
}

function isRunning(child) {
  return child.exitCode === null && child.signalCode === null;
}

function sendSignal(entry, signal) {
  const { child, group } = entry;
  if (!child.pid) return;
  try {
    // A process-group kill also reaches the children the process forked itself.
    if (group) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    /* already gone */
  }
}

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: a SIGKILL is the only thing that is certain to land.
  process.on('exit', () => {
    // (for groups this also reaches members whose leader has already exited)
    for (const e of tracked) sendSignal(e, 'SIGKILL');
  });
}

/**
 * Registers a child so it is killed when this process ends. `group: true` means the child was
 * spawned with `detached: true` and leads its own process group; the whole group is signalled.
 * `graceMs`: how long stop() waits after SIGTERM before SIGKILL (give children that clean up
 * after themselves, such as a test layer stopping its own servers, enough time).
 */
function track(child, { name = 'child', group = false, graceMs = 4000 } = {}) {
  installExitHook();
  const entry = { child, name, group, graceMs };
  tracked.add(entry);
  child.once('exit', () => {
    // keep group entries until stop() so the group can still be swept
    if (!group) tracked.delete(entry);
  });
  return child;
}

/** spawn() + track(). `group: true` puts the child in its own process group (detached). */
function spawnTracked(command, args, options = {}, { name = command, group = false, graceMs } = {}) {
  const child = spawn(command, args, { ...options, detached: group });
  return track(child, { name, group, graceMs });
}

function waitExit(child, ms) {
  return new Promise((resolve) => {
    if (!isRunning(child)) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

/** Whether any live (non-zombie) process is left in process group `pgid`. */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // Members whose parent died become zombies until init reaps them; they are dead already.
  let pids;
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return true;
  }
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    } catch {
      /* vanished */
    }
  }
  return false;
}

/**
 * SIGTERM, then SIGKILL after `graceMs` (default: the value given to track()). For groups, also
 * sweeps what is left of the group.
 */
async function stop(child, opts = {}) {
  const entry = [...tracked].find((e) => e.child === child) || { child, name: 'child', group: false, graceMs: 4000 };
  const graceMs = opts.graceMs !== undefined ? opts.graceMs : entry.graceMs;
  if (isRunning(child)) {
    sendSignal(entry, 'SIGTERM');
    if (!(await waitExit(child, graceMs))) {
      sendSignal(entry, 'SIGKILL');
      await waitExit(child, 2000);
    }
  }
  if (entry.group && child.pid) {
    const t0 = Date.now();
    while (groupAlive(child.pid) && Date.now() - t0 < graceMs) {
      await new Promise((r) => setTimeout(r, 100));
    }
    if (groupAlive(child.pid)) {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }
  }
  tracked.delete(entry);
}

async function stopAll(opts) {
  await Promise.all([...tracked].map((e) => stop(e.child, opts)));
}

/** Cleanup callbacks run (best effort) before a signal or deadline ends the process. */
const cleanups = [];
function onCleanup(fn) {
  cleanups.push(fn);
}

let cleaning;
/** Runs the cleanups once; a second signal (Ctrl+C twice, SIGINT then SIGTERM) waits for the first. */
function runCleanups() {
  if (!cleaning) {
    cleaning = (async () => {
      for (const fn of cleanups.splice(0).reverse()) {
        try {
          await Promise.race([fn(), new Promise((r) => setTimeout(r, 20000))]);
        } catch {
          /* best effort */
        }
      }
      await stopAll();
    })();
  }
  return cleaning;
}

/**
 * For entry scripts only (never inside the extension host): turns SIGINT/SIGTERM/SIGHUP into a
 * clean stop of everything tracked, then exits 128+signal.
 */
function installSignalHandlers() {
  if (signalHooksInstalled) return;
  signalHooksInstalled = true;
  // A parent that is already gone must not crash the cleanup with EPIPE on our output.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const sig of Object.keys(codes)) {
    process.on(sig, () => {
      console.error(`[harness] ${sig}: stopping ${tracked.size} process(es)`);
      runCleanups().finally(() => process.exit(codes[sig]));
    });
  }
}

/**
 * Ends the process with exit code 3 if the work has not finished in `ms`. `onTimeout` may save
 * evidence (a screenshot) first. Returns a function that cancels the deadline.
 */
function deadline(ms, label, onTimeout) {
  const timer = setTimeout(async () => {
    console.error(`[harness] TIMEOUT: ${label} did not finish within ${Math.round(ms / 1000)} s`);
    try {
      if (onTimeout) await Promise.race([onTimeout(), new Promise((r) => setTimeout(r, 15000))]);
    } catch {
      /* best effort */
    }
    await runCleanups();
    process.exit(3);
  }, ms);
  return () => clearTimeout(timer);
}

function ancestors() {
  const out = new Set([process.pid]);
  let pid = process.pid;
  for (let i = 0; i < 64 && pid > 1; i++) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // field 4 (ppid) comes after the parenthesised command name, which may contain spaces
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.add(pid);
    } catch {
      break;
    }
  }
  return out;
}

/**
 * Processes (other than this one and its ancestors) whose environment carries this run's id,
 * i.e. anything started during the run that is still alive. Linux only (reads /proc).
 */
function findStrays(id = runId()) {
  const needle = Buffer.from(`\0${RUN_ENV}=${id}\0`);
  const skip = ancestors();
  const found = [];
  let pids = [];
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return found;
  }
  for (const pid of pids) {
    if (skip.has(pid)) continue;
    try {
      const env = Buffer.concat([Buffer.from([0]), fs.readFileSync(`/proc/${pid}/environ`)]);
      if (env.indexOf(needle) === -1) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue; // zombie, already dead
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({ pid, cmd: cmd.length > 200 ? `${cmd.slice(0, 200)}...` : cmd });
    } catch {
      /* vanished or not readable */
    }
  }
  return found;
}

/** Pids of this process's direct children (Linux /proc). */
function childPids(pid = process.pid) {
  const out = [];
  let pids = [];
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const p of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(p));
    } catch {
      /* vanished */
    }
  }
  return out;
}

/**
 * For a script whose children were spawned by a library (test-electron's runTests): on
 * SIGINT/SIGTERM/SIGHUP, pass SIGTERM to the direct children and keep running, so they can stop
 * their servers and the script then ends normally. Returns () => the signal received, if any.
 */
function forwardSignalsToChildren() {
  let received;
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      if (!received) console.error(`[harness] ${sig}: asking the test run to stop`);
      received = received || sig;
      for (const pid of childPids()) {
        try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
      }
    });
  }
  return () => received;
}

/** SIGKILLs every stray of this run; returns what it killed. */
function killStrays(id = runId()) {
  const strays = findStrays(id);
  for (const s of strays) {
    try { process.kill(s.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  return strays;
}

/**
 * Waits up to `graceMs` for this run's other processes to go away (a browser's helpers can need a
 * moment after the browser closed), then SIGKILLs what is left and returns it (empty = clean).
 */
async function settleStrays({ graceMs = 5000, id = runId() } = {}) {
  const t0 = Date.now();
  while (findStrays(id).length && Date.now() - t0 < graceMs) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return killStrays(id);
}

module.exports = {
  RUN_ENV,
  runId,
  track,
  spawnTracked,
  stop,
  stopAll,
  onCleanup,
  runCleanups,
  installSignalHandlers,
  forwardSignalsToChildren,
  deadline,
  findStrays,
  killStrays,
  settleStrays,
};
