/**
 * Both webview panels name their page bundle one way: the view type's last part, which is the
 * folder under webview/ the build makes dist/webview/<bundle>.js from, and the view type restores
 * on its activation event.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { COLLECTION_PANEL_BUNDLE, COLLECTION_PANEL_VIEW_TYPE } from '../../../../src/shared/protocol/collectionPanel';
import { LOG_PANEL_BUNDLE, LOG_PANEL_VIEW_TYPE } from '../../../../src/shared/protocol/logPanel';
import { projectRoot } from '../../../support/projectRoot';

const PANEL_BUNDLES: readonly { viewType: string; bundle: string }[] = [
  { viewType: COLLECTION_PANEL_VIEW_TYPE, bundle: COLLECTION_PANEL_BUNDLE },
  { viewType: LOG_PANEL_VIEW_TYPE, bundle: LOG_PANEL_BUNDLE },
];

describe('webview panel bundles', () => {
  const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { activationEvents: string[] };

  for (const { viewType, bundle } of PANEL_BUNDLES) {
    it(`${viewType}: the bundle is the view type's last part, built from webview/${bundle}/main.ts`, () => {
      assert.equal(`cloudbase.${bundle}`, viewType);
      assert.ok(existsSync(join(projectRoot, 'webview', bundle, 'main.ts')));
      assert.ok(manifest.activationEvents.includes(`onWebviewPanel:${viewType}`));
    });
  }

  it('every page the build makes belongs to a panel', () => {
    const pages = readdirSync(join(projectRoot, 'webview')).filter((d) => existsSync(join(projectRoot, 'webview', d, 'main.ts')));
    assert.deepEqual(pages.sort(), PANEL_BUNDLES.map((p) => p.bundle).sort());
  });
});
