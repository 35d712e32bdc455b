import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { createFunctionFromTemplate, FUNCTION_TEMPLATES, validateFunctionName, type FunctionTemplate } from '../../project/functions/templates';
import { StudioError, isStudioError } from '../../shared/errors';
import { pickEnvironment } from '../commands/pickers';
import type { EnvironmentEntry } from '../environments/registry';
import { FunctionsNode } from '../explorer/nodes/functionsNode';
import type { Services } from '../services';

interface TemplateChoice extends vscode.QuickPickItem {
  template: FunctionTemplate;
}

function templateChoices(): TemplateChoice[] {
  const described: Record<FunctionTemplate, [string, string]> = {
    blank: [vscode.l10n.t('Blank'), vscode.l10n.t('Returns the event and the caller from getWXContext()')],
    database: [vscode.l10n.t('Database CRUD'), vscode.l10n.t('Adds, reads, lists, updates and removes documents of one collection')],
    router: [vscode.l10n.t('Router'), vscode.l10n.t('Dispatches event.action to one module per action under handlers/')],
    typescript: [vscode.l10n.t('TypeScript'), vscode.l10n.t('index.ts with typed events; runs compiled on the fly locally, deploys as JavaScript')],
  };
  return FUNCTION_TEMPLATES.map((t) => ({ label: described[t.id][0], detail: described[t.id][1], template: t.id }));
}

/** The environment whose function root a folder is (the Explorer's context menu passes it). */
function environmentOfRoot(s: Services, folder: vscode.Uri): EnvironmentEntry | undefined {
  return s.registry.list().find((e) => e.project && resolve(e.project.functionRoot) === resolve(folder.fsPath));
}

/**
 * "New Cloud Function…": template, then name; writes the folder from the template into the
 * project's function root and opens its index.js. The tree learns of it from the folder watch;
 * `watched` says whether one follows that environment, else the change is raised here.
 */
export async function newFunction(s: Services, arg: unknown, watched: (envKey: string) => boolean): Promise<string> {
  const entry =
    arg instanceof FunctionsNode ? s.registry.get(arg.envKey)
    : arg instanceof vscode.Uri ? environmentOfRoot(s, arg)
    : undefined;
  const environment = entry?.project ? entry : await pickEnvironment(s, (e) => e.project !== undefined);
  const functionRoot = environment.project?.functionRoot;
  if (!functionRoot) throw new StudioError('NotSupported', `${environment.info.label} keeps no function folders on this machine.`);
  const { template } = await s.prompts.ui.pick(templateChoices(), {
    title: vscode.l10n.t('New Cloud Function'),
    placeHolder: vscode.l10n.t('Template'),
  });
  const name = (
    await s.prompts.ui.input({
      title: vscode.l10n.t('New Cloud Function'),
      prompt: vscode.l10n.t('Name of the function (a folder in {0})', functionRoot),
      placeHolder: 'getUserInfo',
      ignoreFocusOut: true,
      validateInput: (value) => {
        try {
          validateFunctionName(value.trim());
        } catch (e) {
          if (isStudioError(e)) return vscode.l10n.t('Use letters, digits, - and _, starting with a letter, at most 60 characters.');
          throw e;
        }
        return existsSync(join(functionRoot, value.trim())) ? vscode.l10n.t('A function with this name already exists.') : undefined;
      },
    })
  ).trim();
  const folder = await createFunctionFromTemplate(functionRoot, name, template);
  s.log.info(`Created function ${name} from the ${template} template in ${folder}`);
  // Raised here as well as by the watch, the Functions node would redraw twice.
  if (!watched(environment.key)) s.changes.changed({ envKey: environment.key, area: 'functions' });
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(join(folder, template === 'typescript' ? 'index.ts' : 'index.js')));
  await vscode.window.showTextDocument(document, { preview: false });
  return folder;
}
