// Process control for the harness: everything it starts runs in its own process group and carries
// a run marker in its environment, so it can be stopped as a whole and checked for leftovers by pid
// (never by name). Cleanups run on normal end, on a timeout, on SIGINT/SIGTERM/SIGHUP and at exit.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

const MARKER = 'CLOUDBASE_STUDIO_E2E_RUN';
export const runId = `${process.pid}-${Date.now().toString(36)}`;
/** Added to the environment of every process the harness starts. */
export const markerEnv = { [MARKER]: runId };

/** @typedef {{ name: string, stop: () => Promise<void>, stopSync: () => void }} Resource */
/** @type {Set<Resource>} */
const resources = new Set();

/** Registers something to release; returns a function that releases it now (and forgets it). */
export function track(resource) {
  resources.add(resource);
  return async () => {
    if (!resources.delete(resource)) return;
    await resource.stop();
  };
}

/** Releases everything still tracked, newest first. */
export async function releaseAll() {
  for (const r of [...resources].reverse()) {
    resources.delete(r);
    try {
      await r.stop();
    } catch (e) {
      console.error(`could not stop ${r.name}: ${e instanceof Error ? e.message : e}`);
    }
  }
  // A local environment stops cleanly on SIGTERM; only what still runs after that is killed.
  await settleLeftovers(10_000);
  killLeftovers();
}

let handlersInstalled = false;
let stoppingSince = 0;
/** True once a signal asked this run to stop: processes ending now are no news. */
export const stopping = () => stoppingSince > 0;

/**
 * Ctrl+C, a CI timeout (SIGTERM) or a closed terminal stop everything this run started before the
 * process exits; a second signal, or cleanup taking over 10 s, forces the exit. (npm forwards the
 * terminal's Ctrl+C to its script, which then gets it twice at once: that is not a second signal.)
 * SIGTERM sent to `npm test` or `npm start` alone ends npm and the `sh` between it and this
 * script, but never reaches this script: a parent that goes away counts as SIGTERM.
 */
export function installSignalHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const stop = (why, sig) => {
    const code = 128 + (constants.signals[sig] ?? 1);
    if (stoppingSince > 0) {
      if (Date.now() - stoppingSince > 1000) process.exit(code);
      return;
    }
    stoppingSince = Date.now();
    console.error(`\n${why}: stopping everything this run started…`);
    setTimeout(() => process.exit(code), 10_000).unref();
    releaseAll().finally(() => process.exit(code));
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop(sig, sig));
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent && stoppingSince === 0) stop('the parent process ended', 'SIGTERM');
  }, 500).unref();
  process.on('exit', () => {
    for (const r of [...resources].reverse()) {
      try {
        r.stopSync();
      } catch {
        // exiting anyway
      }
    }
    resources.clear();
    killLeftovers();
  });
}

/** A temporary folder (in the system's, or under `base`) removed when released. */
export function tempDir(prefix, base = tmpdir()) {
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, prefix));
  const release = track({
    name: dir,
    stop: async () => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }),
    stopSync: () => rmSync(dir, { recursive: true, force: true }),
  });
  return { dir, release };
}

function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** `/proc/<pid>/stat` after the command name (which may hold spaces): state, ppid, pgrp. */
function procStat(pid) {
  const stat = readProc(pid, 'stat');
  if (!stat) return undefined;
  const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state, ppid: Number(ppid), pgrp: Number(pgrp) };
}

function pids() {
  return readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
}

/** Live (non-zombie) members of a process group. */
export function groupMembers(pgid) {
  return pids().filter((pid) => {
    const s = procStat(pid);
    return s !== undefined && s.pgrp === pgid && s.state !== 'Z';
  });
}

/** Live processes started by this run (or by `id`), wherever they moved to: found by the marker. */
export function leftoverProcesses(id = runId) {
  const needle = `\0${MARKER}=${id}\0`;
  const found = [];
  for (const pid of pids()) {
    if (pid === process.pid) continue;
    const env = readProc(pid, 'environ');
    if (!env || !`\0${env}`.includes(needle)) continue;
    const s = procStat(pid);
    if (!s || s.state === 'Z') continue;
    const cmd = (readProc(pid, 'cmdline') ?? '').split('\0').join(' ').trim();
    found.push({ pid, cmd });
  }
  return found;
}

/** Prints any process of this run still alive; returns how many (the caller counts them as a failure). */
export function reportLeftovers(what) {
  const left = leftoverProcesses();
  if (left.length === 0) return 0;
  console.error(`${what}: ${left.length} process(es) still running after the end:`);
  for (const p of left) console.error(`  ${p.pid} ${p.cmd.slice(0, 160)}`);
  return left.length;
}

/**
 * After a tier: a window's local environment outlives its window by a grace (so a reload finds
 * it); the tier's windows are gone for good, so it is asked to stop (SIGTERM, it flushes its
 * database), then this waits up to `ms` for this run's processes to end.
 */
export async function settleLeftovers(ms) {
  for (const { pid, cmd } of leftoverProcesses()) {
    if (!/emulator-cli\.js/.test(cmd)) continue;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const end = Date.now() + ms;
  while (leftoverProcesses().length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 250));
}

/** SIGKILLs, by pid, any process of this run still alive; returns what it found. */
export function killLeftovers() {
  const left = leftoverProcesses();
  for (const { pid } of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return left;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits (up to `ms`) for a built file: `build.mjs --tests` empties out/ before it writes it again,
 * so a build started elsewhere in the same working tree can briefly remove what a tier needs.
 */
export async function waitForFile(file, ms = 30_000) {
  const end = Date.now() + ms;
  while (!existsSync(file)) {
    if (Date.now() > end) return false;
    await sleep(200);
  }
  return true;
}

async function waitUntil(check, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(100);
  }
  return check();
}

function signalGroup(pgid, sig) {
  try {
    process.kill(-pgid, sig);
  } catch {
    // the group is gone
  }
}

/** SIGTERM to the whole group, SIGKILL after `graceMs` if anything is left. */
export async function stopGroup(pgid, graceMs = 5000) {
  if (groupMembers(pgid).length === 0) return;
  signalGroup(pgid, 'SIGTERM');
  if (await waitUntil(() => groupMembers(pgid).length === 0, graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  await waitUntil(() => groupMembers(pgid).length === 0, 3000);
}

/**
 * Starts a command as the leader of a new process group. Output lines go to `onLine` and are kept
 * (the last 200) for error messages. The group is tracked until `stop()`.
 */
export function startGroup(name, command, args, { cwd, env, onLine } = {}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...(env ?? process.env), ...markerEnv },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = [];
  const listeners = new Set(onLine ? [onLine] : []);
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 200) tail.shift();
        for (const l of listeners) l(line);
      }
    });
  }
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
  });
  const pgid = child.pid;
  const release = track({
    name,
    stop: async () => {
      if (pgid) await stopGroup(pgid);
    },
    stopSync: () => {
      if (pgid) signalGroup(pgid, 'SIGKILL');
    },
  });
  return {
    pid: pgid,
    exited,
    output: () => tail.join('\n'),
    onLine: (l) => listeners.add(l),
    stop: release,
  };
}

/**
 * Runs a command to completion (own group, tracked, bounded by `timeoutMs`), streaming its output
 * to this terminal. Resolves with the exit code; a timeout stops the group and rejects.
 */
export async function runBounded(name, command, args, { cwd, env, timeoutMs, quiet = false } = {}) {
  const p = startGroup(name, command, args, { cwd, env, onLine: quiet ? undefined : (l) => console.log(l) });
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs ?? 600_000);
  });
  const result = await Promise.race([p.exited, timeout]);
  clearTimeout(timer);
  await p.stop();
  if (result === 'timeout') throw new Error(`${name} did not finish within ${Math.round((timeoutMs ?? 600_000) / 1000)} s`);
  if (result.error) throw new Error(`${name} could not start: ${result.error.message}`);
  return { code: result.code ?? 1, output: p.output() };
}
