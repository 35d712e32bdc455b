/**
 * The log panel's parts of package.json agree with the code: the setting's bounds are the
 * session's, the panel's view type restores on its activation event, and the menus offer Tail
 * Logs on a function and on the Functions area.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandId } from '../../../../src/extension/commandIds';
import { DEFAULT_MAX_ENTRIES, MAX_MAX_ENTRIES, MIN_MAX_ENTRIES } from '../../../../src/extension/logs/logSession';
import { LOG_PANEL_BUNDLE, LOG_PANEL_VIEW_TYPE } from '../../../../src/shared/protocol/logPanel';
import { projectRoot } from '../../../support/projectRoot';

const root = projectRoot;
interface Manifest {
  activationEvents: string[];
  contributes: {
    configuration: { properties: Record<string, { type: string; default: unknown; minimum?: number; maximum?: number }> };
    menus: Record<string, { command: string; when?: string }[]>;
  };
}
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;

describe('log panel manifest', () => {
  it('declares cloudbase.logs.maxEntries with the session\'s default and bounds', () => {
    const setting = manifest.contributes.configuration.properties['cloudbase.logs.maxEntries'];
    assert.deepEqual([setting.type, setting.default, setting.minimum, setting.maximum], ['integer', DEFAULT_MAX_ENTRIES, MIN_MAX_ENTRIES, MAX_MAX_ENTRIES]);
  });

  it('restores panels on onWebviewPanel and ships the page the build makes', () => {
    assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${LOG_PANEL_VIEW_TYPE}`));
    assert.ok(existsSync(join(root, 'webview', LOG_PANEL_BUNDLE, 'main.ts')), 'webview/<bundle>/main.ts builds dist/webview/<bundle>.js');
    assert.ok(existsSync(join(root, 'media', 'codicons', 'codicon.css')) && existsSync(join(root, 'media', 'codicons', 'codicon.ttf')));
  });

  it('keeps the copied codicons identical to the installed package', () => {
    const installed = join(root, 'node_modules', '@vscode', 'codicons', 'dist');
    for (const file of ['codicon.css', 'codicon.ttf']) {
      assert.ok(readFileSync(join(root, 'media', 'codicons', file)).equals(readFileSync(join(installed, file))), `media/codicons/${file} differs from @vscode/codicons: copy it again`);
    }
  });

  it('offers Tail Logs on a function, on the Functions area and in the palette', () => {
    const items = manifest.contributes.menus['view/item/context'].filter((m) => m.command === CommandId.tailLogs).map((m) => m.when ?? '');
    assert.ok(items.some((w) => w.includes('cloudbase\\.function\\b')));
    assert.ok(items.some((w) => w.includes('cloudbase\\.functions\\b')));
    const palette = manifest.contributes.menus.commandPalette.find((m) => m.command === CommandId.tailLogs);
    assert.ok(palette && palette.when !== 'false');
  });
});
