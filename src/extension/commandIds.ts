/**
 * Every command the extension registers. package.json declares exactly these (checked by
 * test/unit/manifest.test.ts); no vscode import so plain-Node tests can read it.
 */
export const CommandId = {
  refresh: 'cloudbase.refresh',
  startLocalEnvironment: 'cloudbase.startLocalEnvironment',
  stopLocalEnvironment: 'cloudbase.stopLocalEnvironment',
  restartLocalEnvironment: 'cloudbase.restartLocalEnvironment',
  copySdkSetup: 'cloudbase.copySdkSetup',
  signIn: 'cloudbase.signIn',
  signOut: 'cloudbase.signOut',
  createCollection: 'cloudbase.createCollection',
  deleteCollection: 'cloudbase.deleteCollection',
  openDocument: 'cloudbase.openDocument',
  deleteDocument: 'cloudbase.deleteDocument',
  copyDocumentId: 'cloudbase.copyDocumentId',
  openCollection: 'cloudbase.openCollection',
  insertDocument: 'cloudbase.insertDocument',
  duplicateDocument: 'cloudbase.duplicateDocument',
  deleteDocumentsByQuery: 'cloudbase.deleteDocumentsByQuery',
  importDocuments: 'cloudbase.importDocuments',
  copyCollectionToEnvironment: 'cloudbase.copyCollectionToEnvironment',
  resumeCopy: 'cloudbase.resumeCopy',
  compareCollection: 'cloudbase.compareCollection',
  openComparedDocument: 'cloudbase.openComparedDocument',
  copyEventsToEnvironment: 'cloudbase.copyEventsToEnvironment',
  exportDocuments: 'cloudbase.exportDocuments',
  manageIndexes: 'cloudbase.manageIndexes',
  setPermission: 'cloudbase.setPermission',
  invokeFunction: 'cloudbase.invokeFunction',
  invokeFunctionAgain: 'cloudbase.invokeFunctionAgain',
  editFunctionEvents: 'cloudbase.editFunctionEvents',
  debugFunction: 'cloudbase.debugFunction',
  newFunction: 'cloudbase.newFunction',
  installFunctionDependencies: 'cloudbase.installFunctionDependencies',
  renameFunctionEvent: 'cloudbase.renameFunctionEvent',
  runTriggerNow: 'cloudbase.runTriggerNow',
  copyHttpUrl: 'cloudbase.copyHttpUrl',
  openHttpUrl: 'cloudbase.openHttpUrl',
  deployFunction: 'cloudbase.deployFunction',
  compareWithDeployed: 'cloudbase.compareWithDeployed',
  tailLogs: 'cloudbase.tailLogs',
  uploadFiles: 'cloudbase.storage.uploadFiles',
  copyStorageToEnvironment: 'cloudbase.storage.copyToEnvironment',
  uploadFolder: 'cloudbase.storage.uploadFolder',
  downloadStorage: 'cloudbase.storage.download',
  deleteStorage: 'cloudbase.storage.delete',
  createStorageFolder: 'cloudbase.storage.createFolder',
  copyFileId: 'cloudbase.storage.copyFileId',
  copyTemporaryUrl: 'cloudbase.storage.copyTemporaryUrl',
  openStorageFile: 'cloudbase.storage.openFile',
  showLogs: 'cloudbase.showLogs',
  environmentActions: 'cloudbase.environmentActions',
  openWalkthrough: 'cloudbase.openWalkthrough',
  loadMore: 'cloudbase.loadMore',
  retry: 'cloudbase.retry',
} as const;

export type CommandId = (typeof CommandId)[keyof typeof CommandId];

/** Ids used by the manifest and by context keys, kept next to the command ids. */
export const VIEW_CONTAINER_ID = 'cloudbase';
export const EXPLORER_VIEW_ID = 'cloudbase.explorer';
