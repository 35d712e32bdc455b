/**
 * Entry of dist/webview/logs.js: the live log panel. Only the vscode-elements it uses are
 * imported, so the bundle stays small.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import { LogPanel } from './panel';
import { adoptStyles, baseStyles } from '../shared/styles';
import { pageStyles } from './styles';

adoptStyles(baseStyles, pageStyles);
customElements.define('cb-log-panel', LogPanel);
document.body.append(document.createElement('cb-log-panel'));

declare global {
  interface HTMLElementTagNameMap {
    'cb-log-panel': LogPanel;
  }
}
