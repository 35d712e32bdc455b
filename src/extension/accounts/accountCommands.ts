/**
 * Sign In and Sign Out for Tencent CloudBase. Keys typed here go to SecretStorage and nowhere else:
 * not to settings, logs (the command wrapper logs ids only), errors (the backend scrubs them) or
 * the tree (accounts show a masked SecretId).
 */
import * as vscode from 'vscode';
import { StudioError } from '../../shared/errors';
import type { TencentCredentials } from '../../cloud/tencent/manager';
import { CommandId } from '../commandIds';
import { AccountNode } from '../explorer/nodes/accountNode';
import { EnvironmentNode } from '../explorer/nodes/environmentNode';
import type { CommandRegistry } from '../platform/commandRegistry';
import type { Services } from '../services';
import { type Account, keysAccountId, maskedSecretId } from './accountStore';
import { defaultAuthFile, hasCliLogin, readCliCredentials, type CliLoginOptions } from './cliLogin';
import { environmentCredentials } from './environmentVariables';

interface SourceChoice extends vscode.QuickPickItem {
  source: Account['source'];
}

export const CLI_ACCOUNT_ID = 'cli';
export const ENVIRONMENT_ACCOUNT_ID = 'environment';

export function registerAccountCommands(commands: CommandRegistry, s: Services): void {
  commands.register(CommandId.signIn, () => signIn(s, s.accounts.cliLogin));
  commands.register(CommandId.signOut, (node?: unknown) => signOut(s, node));
}

async function sourceChoices(cliLogin: CliLoginOptions): Promise<SourceChoice[]> {
  const choices: SourceChoice[] = [
    {
      label: `$(key) ${vscode.l10n.t('Enter SecretId and SecretKey…')}`,
      detail: vscode.l10n.t('An API key of the Tencent Cloud account (CAM), kept in the system keychain through VS Code'),
      source: 'keys',
    },
  ];
  const file = cliLogin.file ?? defaultAuthFile();
  if (await hasCliLogin(file)) {
    choices.push({ label: `$(terminal) ${vscode.l10n.t('Use the CloudBase CLI login')}`, detail: file, source: 'cli' });
  }
  if (environmentCredentials()) {
    choices.push({
      label: `$(symbol-variable) ${vscode.l10n.t('Use the TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY variables')}`,
      detail: vscode.l10n.t('Read from the environment VS Code was started in'),
      source: 'environment',
    });
  }
  return choices;
}

const required = (value: string): string | undefined => (value.trim() === '' ? vscode.l10n.t('Required') : undefined);

async function askKeys(s: Services): Promise<TencentCredentials> {
  const title = vscode.l10n.t('Sign in to Tencent CloudBase');
  const secretId = (
    await s.prompts.ui.input({ title, prompt: vscode.l10n.t('SecretId of the API key'), placeHolder: 'AKID…', ignoreFocusOut: true, validateInput: required })
  ).trim();
  const secretKey = (await s.prompts.ui.input({ title, prompt: vscode.l10n.t('SecretKey of the API key'), password: true, ignoreFocusOut: true, validateInput: required })).trim();
  const token = (
    await s.prompts.ui.input({
      title,
      prompt: vscode.l10n.t('Session token, for temporary keys only (leave empty for an API key)'),
      password: true,
      ignoreFocusOut: true,
    })
  ).trim();
  return { secretId, secretKey, ...(token ? { token } : {}) };
}

function checking<T>(task: () => Promise<T>): Promise<T> {
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the keys with Tencent CloudBase…') }, task));
}

/** Returns the new account (id, label, source: nothing secret). */
async function signIn(s: Services, cliLogin: CliLoginOptions): Promise<Account> {
  const { source } = await s.prompts.ui.pick(await sourceChoices(cliLogin), {
    title: vscode.l10n.t('Sign in to Tencent CloudBase'),
    placeHolder: vscode.l10n.t('Where the keys come from'),
  });
  let account: Account;
  switch (source) {
    case 'keys': {
      const keys = await askKeys(s);
      await checking(() => s.accounts.check(keys));
      account = await s.accounts.add({ id: keysAccountId(keys.secretId), label: maskedSecretId(keys.secretId), source }, keys);
      break;
    }
    case 'cli': {
      const cli = await checking(async () => {
        const found = await readCliCredentials(cliLogin);
        if (!found) throw new StudioError('Unauthorized', 'There is no CloudBase CLI login: run `tcb login` first.');
        await s.accounts.check(found.credentials);
        return found;
      });
      account = await s.accounts.add({ id: CLI_ACCOUNT_ID, label: `${vscode.l10n.t('CloudBase CLI')} ${maskedSecretId(cli.credentials.secretId)}`, source });
      break;
    }
    case 'environment': {
      const keys = environmentCredentials();
      if (!keys) throw new StudioError('Unauthorized', 'TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY are not both set.');
      await checking(() => s.accounts.check(keys));
      account = await s.accounts.add({ id: ENVIRONMENT_ACCOUNT_ID, label: maskedSecretId(keys.secretId), source });
      break;
    }
  }
  vscode.window.setStatusBarMessage(vscode.l10n.t('Signed in to Tencent CloudBase as {0}.', account.label), 5000);
  return account;
}

interface AccountChoice extends vscode.QuickPickItem {
  account: Account;
}

async function signOut(s: Services, node: unknown): Promise<void> {
  let account: Account | undefined =
    node instanceof AccountNode ? node.account
    : node instanceof EnvironmentNode && node.entry.account ? s.accounts.list().find((a) => a.id === node.entry.account?.id)
    : undefined;
  if (!account) {
    const accounts = s.accounts.list();
    if (accounts.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No Tencent CloudBase account is signed in.'));
      return;
    }
    account = (
      await s.prompts.ui.pick<AccountChoice>(
        accounts.map((a) => ({ label: a.label, account: a })),
        { title: vscode.l10n.t('Sign Out of Tencent CloudBase'), placeHolder: vscode.l10n.t('Account') },
      )
    ).account;
  }
  await s.accounts.remove(account.id);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Signed out of Tencent CloudBase: {0}.', account.label), 5000);
}
