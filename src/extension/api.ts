import type { TestTransport } from '../cloud/tencent/manager';
import type { EnvironmentRegistry } from './environments/registry';
import type { ExplorerTreeProvider } from './explorer/treeProvider';
import type { LogPanelsTestApi } from './panels/logPanels';
import type { ShownError } from './platform/errorReporter';
import type { UserInput } from './platform/userInput';
import type { EnvironmentStatusView } from './statusBar/environmentStatus';
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
  /**
   * Test hooks below (marked "harness only") exist only when the test harness started VS Code with
   * CLOUDBASE_STUDIO_TEST_HOOKS=1; in a user's VS Code they are absent.
   *
   * Harness only: sends every Tencent Cloud request of the signed-in accounts to another address
   * (a local fake of the Cloud API); undefined restores Tencent Cloud. It carries no credentials:
   * keys still come from sign-in. Clients built before are rebuilt on their next use.
   */
  useTencentTransport?(transport: TestTransport | undefined): Promise<void>;
  /**
   * Harness only: reads the CloudBase CLI login from `file` instead of ~/.config/.cloudbase/auth.json
   * and renews it at `refreshUrl`; undefined restores the defaults. Carries no credentials.
   */
  useCliLogin?(options: { file: string; refreshUrl?: string } | undefined): void;
  /** Tests only: sees each error message shown to the user, with its actions. */
  observeErrors(observer: (shown: ShownError) => void): { dispose(): void };
  /** Harness only: hands a message to an open collection panel as if its page had sent it. */
  deliverToCollectionPanel?(target: { envKey: string; collection: string }, message: unknown): Promise<boolean>;
  /** Harness only: what the extension keeps in globalState and workspaceState (searched for secrets). */
  storedState?(): { global: Record<string, unknown>; workspace: Record<string, unknown> };
  /** The extension's log folder; the output channel's file sits beside it. */
  readonly logFolder: string;
  /** What the current environment's status bar item shows. */
  environmentStatus(): EnvironmentStatusView;
}
