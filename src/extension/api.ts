import type { EnvironmentRegistry } from './environments/registry';
import type { ExplorerTreeProvider } from './explorer/treeProvider';
import type { LogPanelsTestApi } from './panels/logPanels';
import type { UserInput } from './platform/userInput';
import type { StorageDropController } from './storage/storageDrop';

/**
 * What activate() returns. Extension-host tests walk the tree through it and script prompts;
 * it is small on purpose and carries nothing secret.
 */
export interface CloudBaseStudioApi {
  readonly explorer: ExplorerTreeProvider;
  readonly environments: EnvironmentRegistry;
  /** Settles once the workspace folders open at activation have been scanned for projects. */
  readonly ready: Promise<void>;
  /** Answers prompts from a script instead of the window; undefined restores the window. */
  useUserInput(input: UserInput | undefined): void;
  /** The explorer's drop target (files onto storage folders), for drag and drop without a mouse. */
  readonly storageDrop: StorageDropController;
  /** The open log panels and the messages they exchange with their pages. */
  readonly logPanels: LogPanelsTestApi;
}
