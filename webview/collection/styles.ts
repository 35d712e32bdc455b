/** The page's own styles, adopted after the shared base (webview/shared/styles.ts). */
import { css } from 'lit';

export const pageStyles = css`
  cb-collection-panel {
    display: flex;
    flex-direction: column;
    height: 100%;
    min-height: 0;
  }
  .query-bar,
  .toolbar,
  .status {
    display: flex;
    align-items: center;
    gap: 6px;
    padding: 4px 8px;
    flex-wrap: wrap;
  }
  .query-bar {
    align-items: flex-end;
    border-bottom: 1px solid var(--vscode-panel-border, transparent);
  }
  .query-field {
    display: flex;
    flex-direction: column;
    gap: 2px;
    font-size: 11px;
    color: var(--vscode-descriptionForeground);
  }
  .query-field.filter {
    flex: 3 1 240px;
  }
  .query-field.sort,
  .query-field.projection {
    flex: 1 1 120px;
  }
  .query-field vscode-textfield {
    width: 100%;
    font-family: var(--vscode-editor-font-family, monospace);
  }
  .field-error,
  .edit-error,
  .query-error {
    color: var(--vscode-errorForeground);
    font-size: 11px;
  }
  .query-error {
    padding: 8px;
  }
  .spacer {
    flex: 1;
  }
  .separator {
    width: 1px;
    height: 16px;
    background: var(--vscode-panel-border, #444);
  }
  /* Always one line high, empty or not, so a message never moves the grid. */
  .query-message {
    height: 16px;
    line-height: 16px;
    padding: 0 8px 2px;
    font-size: 11px;
    color: var(--vscode-errorForeground);
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .grid.stale tbody {
    opacity: 0.5;
  }
  .grid th.sortable {
    cursor: pointer;
    user-select: none;
  }
  .grid th.sortable:hover {
    background: var(--vscode-list-hoverBackground);
  }
  .grid th:focus {
    outline: 1px solid var(--vscode-focusBorder);
    outline-offset: -1px;
  }
  .grid th .sort-mark {
    font-size: 12px;
    margin-left: 4px;
    vertical-align: middle;
  }
  .grid td.editing {
    position: relative;
    overflow: visible;
  }
  .grid td.editing .under-edit {
    visibility: hidden;
  }
  /* The cell editor floats over its cell (and the cells after it), inside the grid. */
  .cell-editor {
    position: absolute;
    z-index: 3;
    left: 0;
    top: 0;
    display: flex;
    align-items: center;
    gap: 4px;
    flex-wrap: wrap;
    padding: 2px 4px;
    min-width: max(100%, 380px);
    white-space: normal;
    background: var(--vscode-editorWidget-background);
    border: 1px solid var(--vscode-focusBorder);
    box-shadow: 0 2px 8px var(--vscode-widget-shadow, rgba(0, 0, 0, 0.36));
  }
  .cell-editor .value {
    flex: 1 1 200px;
  }
  .conflict {
    display: flex;
    align-items: center;
    gap: 6px;
    width: 100%;
    color: var(--vscode-editorWarning-foreground);
  }
  .grid-scroll {
    flex: 1;
    min-height: 0;
    overflow: auto;
  }
  table.grid {
    border-collapse: collapse;
    font-family: var(--vscode-editor-font-family, monospace);
    font-size: var(--vscode-editor-font-size, 12px);
    white-space: nowrap;
  }
  .grid th {
    position: sticky;
    z-index: 1;
    top: 0;
    background: var(--vscode-editorGroupHeader-tabsBackground, var(--vscode-editor-background));
    text-align: left;
    font-weight: 600;
  }
  .grid th,
  .grid td {
    padding: 2px 8px;
    border-bottom: 1px solid var(--vscode-editorGroup-border, rgba(128, 128, 128, 0.2));
    max-width: 320px;
    overflow: hidden;
    text-overflow: ellipsis;
    vertical-align: top;
  }
  .grid tr.selected td {
    background: var(--vscode-list-activeSelectionBackground);
    color: var(--vscode-list-activeSelectionForeground);
  }
  .grid td:focus {
    outline: 1px solid var(--vscode-focusBorder);
    outline-offset: -1px;
  }
  .grid tbody tr:hover td {
    background: var(--vscode-list-hoverBackground);
  }
  .grid td.t-number {
    color: var(--vscode-debugTokenExpression-number, #b5cea8);
  }
  .grid td.t-boolean,
  .grid td.t-null {
    color: var(--vscode-debugTokenExpression-boolean, #569cd6);
  }
  .grid td.nested pre {
    margin: 0;
    white-space: pre;
  }
  .grid .toggle {
    background: none;
    border: none;
    color: inherit;
    cursor: pointer;
    padding: 0 2px;
  }
  .grid .summary {
    color: var(--vscode-descriptionForeground);
  }
  .empty {
    padding: 16px;
    color: var(--vscode-descriptionForeground);
  }
  .status {
    border-top: 1px solid var(--vscode-panel-border, transparent);
    font-size: 12px;
  }
  .status .total,
  .status .timing,
  .status .range {
    color: var(--vscode-descriptionForeground);
  }
`;
