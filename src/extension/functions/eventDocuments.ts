import * as vscode from 'vscode';
import { StudioError } from '../../shared/errors';
import { environmentKindOf } from '../../shared/environmentKeys';
import { CommandId } from '../commandIds';
import { can } from '../environments/capabilities';
import type { Services } from '../services';
import {
  DEFAULT_EVENT_NAME,
  EVENTS_FOLDER,
  NEW_EVENT_TEXT,
  assertEventName,
  createEvent,
  eventFile,
  eventNameProblem,
  freeEventName,
  listEvents,
  type PayloadParse,
} from './eventFiles';
import { eventTarget, type EventTarget, type FunctionTarget } from './functionTargets';

interface EventChoice extends vscode.QuickPickItem {
  file?: string;
}

/**
 * Saved test events as editor documents: choosing or creating one and opening it, a CodeLens row
 * (Invoke, Debug, Rename) on each, renaming, and a diagnostic at the spot where a payload stops
 * being JSON (cleared as soon as the text changes).
 */
export class EventDocuments implements vscode.Disposable, vscode.CodeLensProvider {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('cloudbase-events');
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly s: Services) {
    this.disposables.push(
      this.diagnostics,
      this.lensesChanged,
      vscode.workspace.onDidChangeTextDocument((e) => this.diagnostics.delete(e.document.uri)),
      vscode.workspace.onDidCloseTextDocument((d) => this.diagnostics.delete(d.uri)),
      vscode.languages.registerCodeLensProvider(
        ['json', 'jsonc'].map((language) => ({ scheme: 'file', language, pattern: `**/${EVENTS_FOLDER}/*.json` })),
        this,
      ),
    );
    // Which files are events depends on the known environments' function roots.
    const subscription = s.registry.onDidChange(() => this.lensesChanged.fire());
    this.disposables.push({ dispose: () => subscription.dispose() });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const target = eventTarget(this.s, document.uri);
    if (!target) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const kind = environmentKindOf(target.envKey);
    return [
      new vscode.CodeLens(top, { title: `$(play) ${vscode.l10n.t('Invoke {0}', target.name)}`, command: CommandId.invokeFunction, arguments: [document.uri] }),
      ...(kind && can(kind, 'debugFunctions')
        ? [new vscode.CodeLens(top, { title: `$(debug-alt) ${vscode.l10n.t('Debug')}`, command: CommandId.debugFunction, arguments: [document.uri] })]
        : []),
      new vscode.CodeLens(top, { title: vscode.l10n.t('Rename…'), command: CommandId.renameFunctionEvent, arguments: [document.uri] }),
    ];
  }

  /**
   * The event to run: the saved one the user picks (the last one run first), or, for a function
   * with none yet, its default event, created without asking. Nothing is opened.
   */
  async chooseToRun(target: FunctionTarget, lastRun?: string): Promise<EventTarget> {
    const events = await listEvents(target.folder);
    if (events.length === 0) return this.targetOf(target, await createEvent(target.folder, DEFAULT_EVENT_NAME, NEW_EVENT_TEXT));
    const ordered = [...events].sort((a, b) => Number(b.name === lastRun) - Number(a.name === lastRun));
    const chosen = await this.s.prompts.ui.pick<EventChoice>(
      ordered.map((e) => ({ label: e.name, description: e.name === lastRun ? vscode.l10n.t('last run') : undefined, file: e.file })),
      { title: vscode.l10n.t('Invoke {0} with which event?', target.name), placeHolder: vscode.l10n.t('Saved event (Edit Test Events… changes them)') },
    );
    return this.targetOf(target, chosen.file!);
  }

  /** Asks which saved event to edit, or creates one (the first one without asking), and opens it. */
  async choose(target: FunctionTarget): Promise<EventTarget> {
    const events = await listEvents(target.folder);
    let file: string;
    if (events.length === 0) {
      file = await createEvent(target.folder, DEFAULT_EVENT_NAME, NEW_EVENT_TEXT);
    } else {
      const create: EventChoice = { label: `$(add) ${vscode.l10n.t('New Event…')}`, alwaysShow: true };
      const chosen = await this.s.prompts.ui.pick<EventChoice>([...events.map((e) => ({ label: e.name, file: e.file })), create], {
        title: vscode.l10n.t('Choose an event for {0}', target.name),
        placeHolder: vscode.l10n.t('Saved event'),
      });
      file = chosen.file ?? (await createEvent(target.folder, await this.askName(target, await freeEventName(target.folder)), NEW_EVENT_TEXT));
    }
    await this.open(vscode.Uri.file(file));
    return this.targetOf(target, file);
  }

  private targetOf(target: FunctionTarget, file: string): EventTarget {
    const uri = vscode.Uri.file(file);
    return eventTarget(this.s, uri) ?? { ...target, eventName: file, uri };
  }

  async open(uri: vscode.Uri): Promise<vscode.TextEditor> {
    const document = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(document, { preview: false });
  }

  /** Renames an event file; an editor showing it follows, unsaved edits included. */
  async rename(target: EventTarget): Promise<vscode.Uri> {
    const name = await this.askName(target, target.eventName);
    if (name === target.eventName) return target.uri;
    const to = vscode.Uri.file(eventFile(target.folder, name));
    const edit = new vscode.WorkspaceEdit();
    edit.renameFile(target.uri, to, { overwrite: false });
    if (!(await vscode.workspace.applyEdit(edit))) throw new StudioError('Conflict', `An event named "${name}" already exists for ${target.name}.`);
    this.s.log.info(`Renamed event ${target.eventName} of ${target.name} to ${name}`);
    return to;
  }

  /** Marks where the payload stops being JSON and says so; the invocation does not run. */
  reportInvalid(document: vscode.TextDocument, target: EventTarget, parse: Extract<PayloadParse, { ok: false }>): void {
    const at = document.positionAt(parse.offset);
    const line = document.lineAt(Math.min(at.line, document.lineCount - 1));
    const range = at.character < line.text.length ? new vscode.Range(at, at.translate(0, 1)) : line.range;
    const diagnostic = new vscode.Diagnostic(range, vscode.l10n.t('Not valid JSON: {0}', parse.message), vscode.DiagnosticSeverity.Error);
    diagnostic.source = 'CloudBase';
    this.diagnostics.set(document.uri, [diagnostic]);
    const show = vscode.l10n.t('Show Problem');
    void vscode.window
      .showErrorMessage(vscode.l10n.t('The event "{0}" is not valid JSON, so {1} was not invoked: {2}', target.eventName, target.name, parse.message), show)
      .then(async (choice) => {
        if (choice !== show) return;
        const editor = await vscode.window.showTextDocument(document, { preview: false });
        editor.selection = new vscode.Selection(range.start, range.start);
        editor.revealRange(range);
      });
  }

  clear(uri: vscode.Uri): void {
    this.diagnostics.delete(uri);
  }

  private async askName(target: FunctionTarget, value: string): Promise<string> {
    const name = await this.s.prompts.ui.input({
      title: vscode.l10n.t('Event of {0}', target.name),
      prompt: vscode.l10n.t('Name of the event (saved in {0})', `${EVENTS_FOLDER}/`),
      value,
      ignoreFocusOut: true,
      validateInput: (text) => {
        const problem = eventNameProblem(text);
        if (problem === 'empty') return vscode.l10n.t('Enter a name.');
        if (problem) return vscode.l10n.t('Use letters, digits, spaces, ".", "_" and "-".');
        return undefined;
      },
    });
    return assertEventName(name);
  }
}
