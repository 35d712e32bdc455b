/**
 * Messages of a simulated user's inbox as read-only Markdown documents on `cloudbase-inbox:`:
 * the message as the user reads it (its template rendered with its data), then what was sent.
 * The address names the environment, the user and the message, so the document is read from the
 * environment again whenever VS Code asks for it.
 */
import * as vscode from 'vscode';
import type { InboxMessage } from '../../shared/wechat';
import type { EnvironmentRegistry } from '../environments/registry';
import { escapeSegment } from '../documents/documentAddress';
import { messageHeading } from '../explorer/nodes/wechatUserNodes';

export const INBOX_SCHEME = 'cloudbase-inbox';

export interface InboxMessageRef {
  envKey: string;
  /** For the title: the environment's label and the user's nickname. */
  envLabel: string;
  nickname: string;
  openId: string;
  message: InboxMessage;
}

export function inboxMessageUri(ref: InboxMessageRef): vscode.Uri {
  const name = `${messageHeading(ref.message)} ${ref.message.sentAt.replace(/[:.]/g, '-')}`;
  return vscode.Uri.from({
    scheme: INBOX_SCHEME,
    path: `/${escapeSegment(ref.envLabel)}/${escapeSegment(ref.nickname)}/${escapeSegment(name)}.md`,
    query: new URLSearchParams({ env: ref.envKey, openid: ref.openId, id: ref.message.id }).toString(),
  });
}

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

export function renderInboxMessage(message: InboxMessage): string {
  const facts: [string, string | undefined][] = [
    [vscode.l10n.t('To'), message.touser],
    [vscode.l10n.t('Sent'), message.sentAt],
    [vscode.l10n.t('Open API'), message.api],
    [vscode.l10n.t('Template'), message.templateId],
    [vscode.l10n.t('Page'), message.page],
  ];
  const request = JSON.stringify(message.request, null, 2);
  const textFence = fence(message.text);
  const requestFence = fence(request);
  return [
    `# ${messageHeading(message)}`,
    '',
    `${textFence}text`,
    message.text,
    textFence,
    '',
    ...facts.filter((f): f is [string, string] => f[1] !== undefined && f[1] !== '').map(([k, v]) => `- ${k}: \`${v}\``),
    '',
    `## ${vscode.l10n.t('Request as sent')}`,
    '',
    `${requestFence}json`,
    request,
    requestFence,
    '',
  ].join('\n');
}

export class InboxDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly registry: EnvironmentRegistry) {}

  static register(registry: EnvironmentRegistry): vscode.Disposable {
    return vscode.workspace.registerTextDocumentContentProvider(INBOX_SCHEME, new InboxDocuments(registry));
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const query = new URLSearchParams(uri.query);
    const envKey = query.get('env') ?? '';
    const openId = query.get('openid') ?? '';
    const id = query.get('id') ?? '';
    const wechat = (await this.registry.backend(envKey)).wechat;
    const message = wechat ? (await wechat.readInbox(openId)).find((m) => m.id === id) : undefined;
    return message ? renderInboxMessage(message) : vscode.l10n.t('This message is no longer in the inbox (the local data was reset).');
  }
}
