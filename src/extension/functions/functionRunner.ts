import * as vscode from 'vscode';
import type { FunctionsApi } from '../../cloud/backend';
import { StudioError } from '../../shared/errors';
import type { InvokeResult, JsonValue } from '../../shared/model';
import type { Services } from '../services';
import type { EventDocuments } from './eventDocuments';
import { parsePayload } from './eventFiles';
import type { FunctionResults } from './functionResults';
import type { EventTarget } from './functionTargets';

/** Quick invocations finish without a notification flashing by; slow ones get one with Cancel. */
const PROGRESS_DELAY_MS = 400;

/**
 * Runs saved events: reads the event's current text (unsaved edits included), refuses one that is
 * not JSON with a diagnostic, saves it, invokes the function and shows the outcome. Remembers the
 * last run for Invoke Again.
 */
export class FunctionRunner {
  private last?: EventTarget;

  constructor(
    private readonly s: Services,
    private readonly events: EventDocuments,
    private readonly results: FunctionResults,
  ) {}

  get lastRun(): EventTarget | undefined {
    return this.last;
  }

  /** An event file was renamed: Invoke Again follows it. */
  renamed(from: vscode.Uri, to: vscode.Uri): void {
    if (this.last && this.last.uri.toString() === from.toString()) this.last = { ...this.last, uri: to, eventName: to.path.split('/').pop()!.replace(/\.json$/, '') };
  }

  /** The invocation's result, or undefined when the payload was not JSON (nothing ran). */
  async run(target: EventTarget): Promise<InvokeResult | undefined> {
    const document = await vscode.workspace.openTextDocument(target.uri);
    const parsed = parsePayload(document.getText());
    if (!parsed.ok) {
      this.events.reportInvalid(document, target, parsed);
      this.s.log.warn(`Did not invoke ${target.name}: event ${target.eventName} is not JSON (${parsed.message})`);
      return undefined;
    }
    this.events.clear(document.uri);
    // Saved test events are files worth keeping: what ran is what is on disk.
    if (document.isDirty) await document.save();
    this.last = target;
    const functions = await this.functionsOf(target.envKey);
    const startedAt = new Date();
    this.s.log.info(`Invoking ${target.name} with event ${target.eventName} in ${target.envKey}`);
    const result = await withDelayedProgress(vscode.l10n.t('Invoking {0}…', target.name), (signal) =>
      functions.invoke(target.name, parsed.value as JsonValue, signal),
    );
    this.s.log.info(`${target.name} ${result.error ? `failed (${result.error.code ?? 'error'})` : 'returned'} in ${result.durationMs} ms, request ${result.requestId}`);
    this.results.show(target, target.eventName, startedAt, result, target.uri);
    return result;
  }

  async functionsOf(envKey: string): Promise<FunctionsApi> {
    const functions = (await this.s.registry.backend(envKey)).functions;
    if (!functions) throw new StudioError('NotSupported', 'This environment does not offer cloud functions.');
    return functions;
  }
}

/** Runs `task`; if it takes a while, a notification shows with a Cancel button that aborts it. */
export async function withDelayedProgress<T>(title: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const work = task(controller.signal);
  let settled = false;
  const done = work.then(
    () => (settled = true),
    () => (settled = true),
  );
  const early = await Promise.race([done.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), PROGRESS_DELAY_MS))]);
  if (!early && !settled) {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) => {
      token.onCancellationRequested(() => controller.abort());
      return done;
    });
  }
  return work;
}
