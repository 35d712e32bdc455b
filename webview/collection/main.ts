/**
 * Entry of dist/webview/collection.js: the collection panel. Only the vscode-elements it uses are
 * imported, so the bundle stays small.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import { CollectionPanel } from './panel';
import { adoptStyles, baseStyles } from '../shared/styles';
import { pageStyles } from './styles';

adoptStyles(baseStyles, pageStyles);
customElements.define('cb-collection-panel', CollectionPanel);
document.body.append(document.createElement('cb-collection-panel'));

declare global {
  interface HTMLElementTagNameMap {
    'cb-collection-panel': CollectionPanel;
  }
}
