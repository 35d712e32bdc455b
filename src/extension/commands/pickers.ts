/**
 * The questions a command asks when the Command Palette gives it no node: environment, then
 * collection, then document. One environment is taken without asking. Long lists page with the
 * backend's cursor through a "Load more…" entry, like the tree.
 */
import * as vscode from 'vscode';
import { StudioError } from '../../shared/errors';
import type { DocumentJson, Page, PageRequest } from '../../shared/model';
import type { EnvironmentEntry } from '../environments/registry';
import { documentSummary } from '../explorer/documentSummary';
import { withViewProgress } from '../platform/progress';
import { settings } from '../platform/settings';
import type { Services } from '../services';

interface Choice<T> extends vscode.QuickPickItem {
  value?: T;
}

export async function pickEnvironment(s: Services, filter: (e: EnvironmentEntry) => boolean = () => true): Promise<EnvironmentEntry> {
  await s.projects.ready;
  const environments = s.registry.list().filter(filter);
  if (environments.length === 0) throw new StudioError('EnvironmentNotFound', 'No environment to choose from.');
  if (environments.length === 1) return environments[0];
  const chosen = await s.prompts.ui.pick<Choice<EnvironmentEntry>>(
    environments.map((e) => ({ label: e.info.label, description: e.account ? `${e.account.label} · ${e.info.region ?? ''}` : vscode.l10n.t('Local'), detail: e.project?.root ?? e.info.envId, value: e })),
    { title: vscode.l10n.t('Choose an environment'), placeHolder: vscode.l10n.t('Environment'), matchOnDetail: true },
  );
  return required(chosen.value);
}

export async function pickCollection(s: Services, envKey: string): Promise<string> {
  const database = (await withViewProgress(() => s.registry.backend(envKey))).database;
  return pickPaged(s, (page) => database.listCollections(page), (c) => ({ label: c.name, description: String(c.count), value: c.name }), {
    title: vscode.l10n.t('Choose a collection'),
    placeHolder: vscode.l10n.t('Collection'),
  });
}

export async function pickDocument(s: Services, envKey: string, collection: string): Promise<DocumentJson> {
  const database = (await withViewProgress(() => s.registry.backend(envKey))).database;
  return pickPaged(
    s,
    (page) => database.queryDocuments(collection, {}, page),
    (d) => ({ label: d._id, description: documentSummary(d), value: d }),
    { title: vscode.l10n.t('Choose a document in {0}', collection), placeHolder: vscode.l10n.t('Document ID'), matchOnDescription: true },
  );
}

async function pickPaged<T, V>(
  s: Services,
  fetch: (page: PageRequest) => Promise<Page<T>>,
  toChoice: (item: T) => Choice<V>,
  options: { title: string; placeHolder: string; matchOnDescription?: boolean },
): Promise<V> {
  const choices: Choice<V>[] = [];
  let cursor: string | undefined;
  let first = true;
  const more: Choice<V> = { label: `$(more) ${vscode.l10n.t('Load more…')}`, alwaysShow: true };
  for (;;) {
    if (first || cursor !== undefined) {
      const request: PageRequest = cursor === undefined ? { limit: settings.pageSize() } : { limit: settings.pageSize(), cursor };
      const page = await fetch(request);
      choices.push(...page.items.map(toChoice));
      cursor = page.nextCursor;
      first = false;
    }
    if (choices.length === 0) throw new StudioError('InvalidArgument', `${options.title}: there is nothing to choose from.`);
    const chosen = await s.prompts.ui.pick(cursor === undefined ? choices : [...choices, more], options);
    if (chosen !== more) return required(chosen.value);
  }
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new StudioError('Internal', 'A choice without a value was picked.');
  return value;
}
