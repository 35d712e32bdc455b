import * as vscode from 'vscode';
import { CommandId } from '../commandIds';
import type { CommandRegistry } from '../platform/commandRegistry';

/** The Getting Started walkthrough package.json contributes (contributes.walkthroughs). */
export const WALKTHROUGH_ID = 'cloudbase.gettingStarted';

/** "Get Started": opens the walkthrough on the Welcome page. */
export function registerWalkthroughCommand(commands: CommandRegistry, extensionId: string): void {
  commands.register(CommandId.openWalkthrough, () =>
    vscode.commands.executeCommand('workbench.action.openWalkthrough', `${extensionId}#${WALKTHROUGH_ID}`, false),
  );
}
