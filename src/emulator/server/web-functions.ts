/**
 * HTTP functions (web functions): a function folder with an `scf_bootstrap` script starts its own
 * web server, which in the cloud listens on port 9000 and gets the HTTP access requests as they
 * are. Locally each one gets a free port of its own in `PORT` (so several run side by side; a
 * server that insists on 9000 works too while it is the only one), and requests to its routes are
 * proxied to it unchanged, binary bodies and streaming included.
 *
 * - `scf_bootstrap` runs with bash in the function's folder; the cloud's Node paths
 *   (`/var/lang/node<version>/bin/node`) are replaced by this machine's Node.
 * - It starts on the first request, is restarted when the folder's files change, and stops with
 *   the environment (its whole process group).
 * - Its output goes to the function's log; a server that does not listen within 10 s, or that
 *   exits, answers 502 with the reason.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import type { LogEntry } from '../../shared/model';
import { folderFingerprint } from '../functions/fingerprint';
import { sendJson } from './http-server';

export const BOOTSTRAP_FILE = 'scf_bootstrap';
const START_TIMEOUT_MS = 10_000;

export interface WebFunctionsOptions {
  functionRoot: string;
  /** Node for the cloud's `/var/lang/node…/bin/node`; default the current one. */
  execPath?: string;
  log(entry: LogEntry): void;
}

interface Running {
  child: ChildProcess;
  port: number;
  signature: string;
  ready: Promise<void>;
  exited?: string;
}

export function isWebFunction(folder: string): boolean {
  return existsSync(join(folder, BOOTSTRAP_FILE));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export class WebFunctions {
  private readonly running = new Map<string, Running>();
  private disposed = false;

  constructor(private readonly options: WebFunctionsOptions) {}

  private line(functionName: string, level: LogEntry['level'], message: string): void {
    this.options.log({ time: Date.now(), level, functionName, requestId: '', message, kind: 'log' });
  }

  private async start(name: string, folder: string, signature: string): Promise<Running> {
    const script = await fs.readFile(join(folder, BOOTSTRAP_FILE), 'utf8');
    const node = this.options.execPath ?? process.execPath;
    const local = script.replace(/\/var\/lang\/node[\w.]*\/bin\/node/g, JSON.stringify(node));
    const port = await freePort();
    const child = spawn('bash', ['-c', local], {
      cwd: folder,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), ELECTRON_RUN_AS_NODE: '1', TENCENTCLOUD_RUNENV: 'SCF' },
    });
    const running: Running = { child, port, signature, ready: Promise.resolve() };
    const output = (level: LogEntry['level']) => (chunk: Buffer) => {
      for (const text of chunk.toString('utf8').split(/\r?\n/)) if (text.trim() !== '') this.line(name, level, text);
    };
    child.stdout?.on('data', output('info'));
    child.stderr?.on('data', output('error'));
    child.on('exit', (code, signal) => {
      running.exited = `scf_bootstrap exited (${signal ?? `code ${code}`})`;
      if (!this.disposed) this.line(name, 'warn', `HTTP function ${name}: ${running.exited}.`);
      if (this.running.get(name) === running) this.running.delete(name);
    });
    running.ready = (async () => {
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (!(await listening(port))) {
        if (running.exited) throw new Error(`${running.exited} before listening on PORT ${port}`);
        if (Date.now() > deadline) throw new Error(`scf_bootstrap did not listen on PORT ${port} (the cloud's 9000) within ${START_TIMEOUT_MS / 1000} s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    this.line(name, 'info', `HTTP function ${name}: started scf_bootstrap on PORT ${port}.`);
    return running;
  }

  private stop(running: Running): void {
    try {
      if (running.child.pid !== undefined) process.kill(-running.child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }

  /** The running server of a function, started or restarted as its files require. */
  private async server(name: string, folder: string): Promise<Running> {
    const signature = await folderFingerprint(folder);
    let running = this.running.get(name);
    if (running && (running.signature !== signature || running.exited)) {
      this.stop(running);
      this.running.delete(name);
      running = undefined;
    }
    if (!running) {
      running = await this.start(name, folder, signature);
      this.running.set(name, running);
    }
    await running.ready;
    return running;
  }

  /**
   * Proxies one request to the function's own server; failures answer 502. Resolves false when the
   * body ran past `limitBytes` (sent without a length): the request is cut and the caller answers.
   */
  async handle(name: string, request_: IncomingMessage, response: ServerResponse, url: URL, limitBytes = Infinity): Promise<boolean> {
    const folder = join(this.options.functionRoot, name);
    let running: Running;
    try {
      running = await this.server(name, folder);
    } catch (e) {
      request_.resume();
      const message = `HTTP function ${name}: ${(e as Error).message}.`;
      this.line(name, 'error', message);
      sendJson(response, 502, { code: 'FUNCTIONS_EXECUTE_FAIL', message });
      return true;
    }
    let received = 0;
    let cut = false;
    await new Promise<void>((resolve) => {
      const upstream = request(
        { host: '127.0.0.1', port: running.port, method: request_.method, path: url.pathname + url.search, headers: { ...request_.headers, host: `127.0.0.1:${running.port}` } },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          answer.on('end', () => resolve());
          answer.on('error', () => resolve());
        },
      );
      upstream.on('error', (e) => {
        if (cut) return resolve();
        if (!response.headersSent) sendJson(response, 502, { code: 'FUNCTIONS_EXECUTE_FAIL', message: `HTTP function ${name}: ${e.message}` });
        else response.destroy();
        resolve();
      });
      request_.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received <= limitBytes || cut) return;
        cut = true;
        request_.unpipe(upstream);
        request_.resume();
        upstream.destroy();
        resolve();
      });
      request_.pipe(upstream);
    });
    return !cut;
  }

  dispose(): void {
    this.disposed = true;
    for (const running of this.running.values()) this.stop(running);
    this.running.clear();
  }
}
