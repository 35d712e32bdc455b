import * as vscode from 'vscode';
import { StudioError, messageOf } from '../../shared/errors';
import type { Services } from '../services';
import type { FunctionRunner } from './functionRunner';
import type { FunctionTarget } from './functionTargets';

/** Marks the debug configurations this extension starts, so their end can stop the function's debug process. */
const MARKER = 'cloudbaseFunction';
/** How long to wait for the debugger to attach to the function's process. */
const ATTACH_TIMEOUT_MS = 15_000;

interface Marked {
  envKey: string;
  name: string;
}

export interface DebugStarted {
  port: number;
  session: vscode.DebugSession;
}

function markerOf(session: vscode.DebugSession): Marked | undefined {
  const marked = (session.configuration as Record<string, unknown>)[MARKER] as Partial<Marked> | undefined;
  return typeof marked?.envKey === 'string' && typeof marked.name === 'string' ? { envKey: marked.envKey, name: marked.name } : undefined;
}

/** Debug sessions as they start, from now on, so none is missed while waiting for another. */
class SessionStarts implements vscode.Disposable {
  private readonly seen: vscode.DebugSession[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly listener = vscode.debug.onDidStartDebugSession((session) => {
    this.seen.push(session);
    for (const wake of [...this.waiters]) wake();
  });

  dispose(): void {
    this.listener.dispose();
  }

  async first(match: (session: vscode.DebugSession) => boolean, timeoutMs: number): Promise<vscode.DebugSession | undefined> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = this.seen.find(match);
      if (found || Date.now() >= end) return found;
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, end - Date.now());
        this.waiters.add(wake);
      });
    }
  }
}

/**
 * "Debug Function": the runtime restarts the function's process with the inspector and lifts its
 * timeout (startDebug); VS Code's Node debugger attaches to the reported port, so breakpoints in
 * the function's files are hit by the next invocation. Ending the debug session ends that mode.
 */
export class FunctionDebugger implements vscode.Disposable {
  private readonly active = new Map<string, vscode.DebugSession>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly s: Services,
    private readonly runner: FunctionRunner,
  ) {
    this.subscription = vscode.debug.onDidTerminateDebugSession((session) => void this.ended(session));
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private key(target: { envKey: string; name: string }): string {
    return `${target.envKey}\n${target.name}`;
  }

  /** The debug session attached to the function, if any. */
  sessionOf(target: { envKey: string; name: string }): vscode.DebugSession | undefined {
    return this.active.get(this.key(target));
  }

  async start(target: FunctionTarget): Promise<DebugStarted> {
    const known = this.sessionOf(target);
    const functions = await this.runner.functionsOf(target.envKey);
    if (!functions.startDebug || !functions.stopDebug) throw new StudioError('NotSupported', 'This environment cannot debug cloud functions.');
    const { port } = await functions.startDebug(target.name);
    if (known && (known.configuration as { port?: number }).port === port) return { port, session: known };

    const marker: Marked = { envKey: target.envKey, name: target.name };
    const configuration: vscode.DebugConfiguration = {
      type: 'node',
      request: 'attach',
      name: `CloudBase: ${target.name}`,
      address: '127.0.0.1',
      port,
      skipFiles: ['<node_internals>/**'],
      continueOnAttach: true,
      [MARKER]: marker,
    };
    const starts = new SessionStarts();
    try {
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(target.folder));
      let ok = false;
      try {
        ok = await vscode.debug.startDebugging(folder, configuration);
      } catch (e) {
        this.s.log.error(`Attaching the debugger to ${target.name} failed: ${messageOf(e)}`);
      }
      const session = ok
        ? await starts.first((candidate) => markerOf(candidate)?.name === target.name && (candidate.configuration as { port?: number }).port === port, ATTACH_TIMEOUT_MS)
        : undefined;
      if (!session) {
        await functions.stopDebug(target.name);
        throw new StudioError('Internal', `The Node debugger did not attach to ${target.name} on port ${port}.`);
      }
      this.active.set(this.key(target), session);
      // The Node debugger attaches in a child session; breakpoints are set once it exists.
      await starts.first((child) => child.parentSession?.id === session.id, 5000);
      this.s.log.info(`Debugging ${target.name} (inspector on 127.0.0.1:${port})`);
      return { port, session };
    } finally {
      starts.dispose();
    }
  }

  private async ended(session: vscode.DebugSession): Promise<void> {
    const marked = markerOf(session);
    if (!marked) return;
    if (this.active.get(this.key(marked))?.id === session.id) this.active.delete(this.key(marked));
    // A stopped environment took the debug process with it; asking its backend would start it again.
    if (this.s.registry.get(marked.envKey)?.state !== 'running') return;
    try {
      const functions = await this.runner.functionsOf(marked.envKey);
      await functions.stopDebug?.(marked.name);
      this.s.log.info(`Stopped debugging ${marked.name}; it runs normally again`);
    } catch (e) {
      this.s.log.error(`Stopping the debug process of ${marked.name} failed: ${messageOf(e)}`);
    }
  }
}
