/**
 * Composition root: builds the services, registers views, providers and commands, and nothing
 * else. Activation stays light: a local environment runs in a process of its own, started (or
 * attached to) after activate() has returned; the engine never loads into the extension host.
 */
import * as vscode from 'vscode';
import { dataDirectory } from '../project/project';
import { AccountStore } from './accounts/accountStore';
import { registerAccountCommands } from './accounts/accountCommands';
import { TencentAccounts } from './accounts/tencentAccounts';
import type { CloudBaseStudioApi } from './api';
import { registerDatabaseCommands } from './database/databaseCommands';
import { registerEnvironmentCommands } from './commands/environmentCommands';
import { registerSnapshotCommands } from './commands/snapshotCommands';
import { registerExplorerCommands } from './commands/explorerCommands';
import { registerWalkthroughCommand } from './commands/walkthroughCommands';
import { EXPLORER_VIEW_ID } from './commandIds';
import { DocumentFileSystem } from './documents/documentFileSystem';
import { ReadonlyDocuments } from './documents/readonlyDocuments';
import { StorageFileSystem } from './storage/storageFileSystem';
import { can } from './environments/capabilities';
import { processLocalEnvironment } from './environments/localEnvironment';
import { bundledTencent } from './environments/tencentModule';
import type { EnvironmentEntry } from './environments/registry';
import { EnvironmentRegistry } from './environments/registry';
import { WorkspaceProjects } from './environments/workspaceProjects';
import { ExplorerModel } from './explorer/explorerModel';
import { registerCollectionCommands } from './database/collectionCommands';
import { registerDeployCommands } from './functions/deployCommands';
import { registerFunctionCommands } from './functions/functionCommands';
import { registerTriggerCommands } from './functions/triggerCommands';
import { registerHttpAccessCommands } from './functions/httpAccessCommands';
import { registerPaymentCommands } from './payments/paymentCommands';
import { registerEnvironmentStatus } from './statusBar/environmentStatus';
import { registerStorageCommands } from './storage/storageCommands';
import { registerCompareCommands } from './transfer/compareCommands';
import { registerCopyCommands } from './transfer/copyCommands';
import { StorageDropController } from './storage/storageDrop';
import { registerLogCommands } from './logs/logCommands';
import { registerWeChatUserCommands } from './wechat/wechatUserCommands';
import { CollectionPanels, registerCollectionPanelCommand } from './panels/collectionPanels';
import { LogPanels, logPanelsTestApi } from './panels/logPanels';
import { selectionKind } from './explorer/selectionKind';
import { ExplorerTreeProvider } from './explorer/treeProvider';
import { DatabaseWriteFollower } from './explorer/databaseWrites';
import { WeChatChangeFollower } from './explorer/wechatChanges';
import { followDataChanges } from './explorer/explorerChanges';
import { DataChanges } from './platform/dataChanges';
import { CommandRegistry } from './platform/commandRegistry';
import { setCloudEnvironments, setExplorerSelection, setSignedIn, setStudioState } from './platform/contextKeys';
import { ErrorReporter } from './platform/errorReporter';
import { DialogFolders } from './platform/dialogFolders';
import { createLog } from './platform/log';
import { settings } from './platform/settings';
import { Prompts } from './platform/userInput';
import type { Services } from './services';
import { testHooks } from './testHooks';
import type { TestTransport } from '../cloud/tencent/manager';

let shutdown: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): CloudBaseStudioApi {
  const log = createLog();
  context.subscriptions.push(log);
  void setStudioState('loading');

  const registry = new EnvironmentRegistry({
    open: processLocalEnvironment(context.extensionPath, { log: (line) => log.info(line) }),
    dataDirectory: (project) => dataDirectory(project, settings.dataDirectory(project.root)),
    timersPaused: settings.timersPaused,
    log,
  });
  shutdown = () => registry.dispose();

  // Detection reads files asynchronously, so these starts always run after activate() returned.
  const autoStart = (entry: EnvironmentEntry): void => {
    if (settings.autoStart()) registry.start(entry.key).catch(() => undefined /* the registry logged it; the tree shows it */);
  };
  const projects = new WorkspaceProjects(registry, context.workspaceState, log, autoStart);
  // Tencent Cloud accounts: the list in globalState, keys only in SecretStorage; manager-node
  // (dist/tencent.js) loads when an account's environments are first listed.
  const accounts = new TencentAccounts({
    store: new AccountStore(context.globalState, context.secrets),
    registry,
    tencent: bundledTencent(context.extensionPath),
    regions: settings.tencentRegions,
    proxy: settings.tencentProxy,
    storageFolder: context.globalStorageUri.fsPath,
    log,
  });
  const model = new ExplorerModel(registry, { pageSize: settings.pageSize, log });
  const tree = new ExplorerTreeProvider(registry, model, projects.ready, settings.autoStart, accounts);
  // Files dropped on a storage folder are uploaded there; several storage items can be deleted or downloaded at once.
  const errors = new ErrorReporter(log);
  const storageDrop = new StorageDropController(() => services, errors);
  const changes = new DataChanges(log);
  context.subscriptions.push(changes, followDataChanges(changes, model, tree));
  // Counts and documents follow writes made by functions and scripts, not only by this window.
  const writes = new DatabaseWriteFollower(registry, changes);
  // The Users nodes follow switches and inbox messages, whoever made them.
  context.subscriptions.push(writes, new WeChatChangeFollower(registry, changes));
  const view = vscode.window.createTreeView(EXPLORER_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true, dragAndDropController: storageDrop });
  const prompts = new Prompts();
  // Editable documents on cloudbase:, and their stored versions on cloudbase-readonly: (compare views).
  const { storedVersions, registration: storedRegistration } = ReadonlyDocuments.register(registry);
  const { documents, registration } = DocumentFileSystem.register(registry, prompts, errors, changes, storedVersions);
  // A storage file saved in an editor: its folder in the tree shows the new size.
  const { files: storageFiles, registration: storageRegistration } = StorageFileSystem.register(registry, prompts, (address) => {
    changes.changed({ envKey: address.envKey, area: 'storage', prefix: address.path.replace(/[^/]*$/, '') });
  });
  context.subscriptions.push(projects, { dispose: () => model.dispose() }, tree, view, registration, storedRegistration, storageRegistration);

  const updateState = (): void => {
    void setStudioState(registry.list().length > 0 || accounts.list().length > 0 ? 'ready' : 'noEnvironments');
    void setSignedIn(accounts.list().length > 0);
    void setCloudEnvironments(registry.list().some((e) => can(e.info.kind, 'deployedCopy')));
  };
  void projects.ready.then(() => {
    updateState();
    context.subscriptions.push(registry.onDidChange(updateState), accounts.onDidChange(updateState));
  });
  context.subscriptions.push(view.onDidChangeSelection((e) => void setExplorerSelection(selectionKind(e.selection[0]))));
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('cloudbase.local.dataDirectory')) log.info('The data directory setting changed; it applies when a local environment starts next.');
      if (e.affectsConfiguration('cloudbase.tencent.regions')) accounts.reset();
      if (e.affectsConfiguration('cloudbase.tencent.proxy')) {
        for (const entry of registry.list()) if (entry.account) void registry.stop(entry.key);
        accounts.reset();
      }
    }),
  );

  const services: Services = { registry, model, tree, view, projects, documents, storageFiles, prompts, dialogs: new DialogFolders(context.workspaceState), log, errors, accounts, changes };
  const commands = new CommandRegistry(log, errors, context.subscriptions);
  registerAccountCommands(commands, services);
  registerExplorerCommands(commands, services);
  registerEnvironmentCommands(commands, services);
  registerSnapshotCommands(commands, services);
  registerDatabaseCommands(commands, services);
  registerCollectionCommands(commands, services);
  const collectionPanels = new CollectionPanels(services, context.extensionUri);
  context.subscriptions.push(collectionPanels);
  registerCollectionPanelCommand(commands, services, collectionPanels);
  registerFunctionCommands(commands, services, context.subscriptions);
  registerTriggerCommands(commands, services, context.subscriptions);
  registerHttpAccessCommands(commands, services, context.subscriptions);
  registerPaymentCommands(commands, services);
  registerWeChatUserCommands(commands, services, context.subscriptions);
  registerDeployCommands(commands, services, context.workspaceState, context.subscriptions);
  registerStorageCommands(commands, services);
  registerCopyCommands(commands, services, context.extensionPath);
  registerCompareCommands(commands, services, context.extensionPath, context.subscriptions);
  // Registers the panel serializer too, so it must exist before activate() returns.
  const logPanels = new LogPanels({ registry, extensionUri: context.extensionUri, log, errors, prompts });
  context.subscriptions.push(logPanels);
  registerLogCommands(commands, services, logPanels);
  const environmentStatus = registerEnvironmentStatus(commands, services, context.subscriptions);
  registerWalkthroughCommand(commands, context.extension.id);

  return {
    explorer: tree,
    environments: registry,
    ready: projects.ready,
    useUserInput: (input) => prompts.use(input),
    storageDrop,
    logPanels: logPanelsTestApi(logPanels),
    observeErrors: (observer) => errors.observe(observer),
    logFolder: context.logUri.fsPath,
    environmentStatus: () => environmentStatus.view(),
    ...testHooks(() => ({
      useTencentTransport: (transport: TestTransport | undefined) => accounts.useTransport(transport),
      useCliLogin: (options: { file: string; refreshUrl?: string } | undefined) => accounts.useCliLogin(options),
      deliverToCollectionPanel: async (target: { envKey: string; collection: string }, message: unknown) => {
        const panel = collectionPanels.all().find((p) => p.target.envKey === target.envKey && p.target.collection === target.collection);
        if (!panel) throw new Error(`No collection panel is open for ${target.collection}.`);
        return panel.host.receive(message);
      },
      storedState: () => ({
        global: Object.fromEntries(context.globalState.keys().map((k) => [k, context.globalState.get(k)])),
        workspace: Object.fromEntries(context.workspaceState.keys().map((k) => [k, context.workspaceState.get(k)])),
      }),
    })),
  };
}

/** Closes every local environment; each close flushes its database. */
export async function deactivate(): Promise<void> {
  const stop = shutdown;
  shutdown = undefined;
  await stop?.();
}
