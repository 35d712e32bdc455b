/**
 * How windows and the command line find a project's running local environment: two small files
 * in its data folder, both mode 0600 (they hold the token that admits requests).
 * - `endpoint.json` lasts: the port this project listened on last (reused when free, so copied
 *   addresses and temporary URLs keep working) and the environment's token (so pasted SDK
 *   set-ups keep working across restarts).
 * - `running.json` exists while a process serves: its pid, port, token and whether a person
 *   started it (then no window stops it when it detaches).
 * Light on purpose: the extension reads these without loading the engine.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

export const ENDPOINT_FILE = 'endpoint.json';
export const RUNNING_FILE = 'running.json';

export interface Endpoint {
  /** 0 until the environment has listened once. */
  port: number;
  token: string;
}

export interface RunningEnvironment {
  pid: number;
  port: number;
  token: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  envId: string;
  /** Started from a terminal (or by a tool), not by a window: windows never stop it on their own. */
  manual: boolean;
  startedAt: number;
}

const TOKEN = /^[0-9a-f]{48}$/;

export function newToken(): string {
  return randomBytes(24).toString('hex');
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value = JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Written beside the target and renamed, so a reader never sees half a file. */
async function writeJson(file: string, value: unknown): Promise<void> {
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(partial, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  await fs.chmod(partial, 0o600);
  await fs.rename(partial, file);
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535;
}

/** The remembered port and token, creating the token the first time. */
export async function loadEndpoint(dataDir: string): Promise<Endpoint> {
  await fs.mkdir(dataDir, { recursive: true });
  const known = await readJson(join(dataDir, ENDPOINT_FILE));
  if (known && typeof known.token === 'string' && TOKEN.test(known.token)) {
    return { port: isPort(known.port) ? known.port : 0, token: known.token };
  }
  const endpoint = { port: isPort(known?.port) ? known.port : 0, token: newToken() };
  await writeJson(join(dataDir, ENDPOINT_FILE), endpoint);
  return endpoint;
}

export async function rememberPort(dataDir: string, endpoint: Endpoint): Promise<void> {
  await writeJson(join(dataDir, ENDPOINT_FILE), endpoint);
}

export async function writeRunning(dataDir: string, running: RunningEnvironment): Promise<void> {
  await writeJson(join(dataDir, RUNNING_FILE), running);
}

export async function readRunning(dataDir: string): Promise<RunningEnvironment | undefined> {
  const value = await readJson(join(dataDir, RUNNING_FILE));
  if (!value) return undefined;
  const { pid, port, token, url, envId, manual, startedAt } = value;
  if (typeof pid !== 'number' || !isPort(port) || typeof token !== 'string' || typeof url !== 'string' || typeof envId !== 'string') return undefined;
  return { pid, port, token, url, envId, manual: manual === true, startedAt: typeof startedAt === 'number' ? startedAt : 0 };
}

/** Removes running.json only when it still describes `pid` (a successor may have written its own). */
export async function removeRunning(dataDir: string, pid: number): Promise<void> {
  const current = await readRunning(dataDir);
  if (current && current.pid !== pid) return;
  await fs.rm(join(dataDir, RUNNING_FILE), { force: true });
}

/** Whether a process with this id exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
