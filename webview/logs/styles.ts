/** The page's own styles, adopted after the shared base (webview/shared/styles.ts). */
import { css, unsafeCSS } from 'lit';
import { ROW_HEIGHT } from './list';

const row = unsafeCSS(`${ROW_HEIGHT}px`);

export const pageStyles = css`
  cb-log-panel {
    display: flex;
    flex-direction: column;
    height: 100%;
    min-height: 0;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 10px;
    padding: 6px 10px;
    border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent));
  }
  .toolbar .group {
    display: inline-flex;
    align-items: center;
    gap: 2px 8px;
    flex-wrap: wrap;
  }
  .toolbar .filter {
    width: 260px;
  }
  .toolbar .chip {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    max-width: 260px;
  }
  .toolbar .history vscode-single-select {
    width: 150px;
  }
  .toolbar .history vscode-textfield {
    width: 210px;
  }
  .error-text {
    color: var(--vscode-errorForeground);
  }
  .columns,
  .row {
    display: grid;
    grid-template-columns: 16px 106px 48px 120px 72px minmax(0, 1fr);
    column-gap: 8px;
    align-items: center;
    padding: 0 10px 0 4px;
    height: ${row};
    line-height: ${row};
    white-space: nowrap;
  }
  /* One function: its name would repeat on every row, so the column goes. */
  cb-log-panel.single-function .columns,
  cb-log-panel.single-function .row {
    grid-template-columns: 16px 106px 48px 72px minmax(0, 1fr);
  }
  cb-log-panel.single-function .fn {
    display: none;
  }
  .columns {
    color: var(--vscode-descriptionForeground);
    font-size: 11px;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent));
  }
  .body {
    position: relative;
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }
  .viewport {
    position: relative;
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    overflow-x: hidden;
    outline: none;
    font-family: var(--vscode-editor-font-family, monospace);
    font-size: var(--vscode-editor-font-size, 12px);
  }
  .viewport:focus-visible {
    outline: 1px solid var(--vscode-focusBorder);
    outline-offset: -1px;
  }
  .spacer {
    width: 1px;
  }
  .rows {
    position: absolute;
    top: 0;
    left: 0;
    right: 0;
    will-change: transform;
  }
  .row {
    cursor: default;
    user-select: text;
  }
  .row[hidden] {
    display: none;
  }
  .row > span {
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .row:hover {
    background: var(--vscode-list-hoverBackground);
  }
  .row.selected {
    background: var(--vscode-list-inactiveSelectionBackground);
    color: var(--vscode-list-inactiveSelectionForeground, inherit);
  }
  .viewport:focus .row.selected {
    background: var(--vscode-list-activeSelectionBackground);
    color: var(--vscode-list-activeSelectionForeground, inherit);
  }
  .viewport:focus .row.active {
    outline: 1px solid var(--vscode-list-focusOutline, var(--vscode-focusBorder));
    outline-offset: -1px;
  }
  .time {
    color: var(--vscode-descriptionForeground);
  }
  .level {
    font-size: 0.85em;
    font-weight: 600;
  }
  .level-debug .level {
    color: var(--vscode-descriptionForeground);
  }
  .level-info .level {
    color: var(--vscode-debugConsole-infoForeground, var(--vscode-foreground));
  }
  .level-warn .level,
  .level-warn .msg {
    color: var(--vscode-debugConsole-warningForeground, var(--vscode-editorWarning-foreground));
  }
  .level-error .level,
  .level-error .msg,
  .group.failed .level {
    color: var(--vscode-debugConsole-errorForeground, var(--vscode-errorForeground));
  }
  .fn {
    color: var(--vscode-symbolIcon-functionForeground, var(--vscode-foreground));
  }
  .req.link {
    color: var(--vscode-textLink-foreground);
    cursor: pointer;
  }
  .req.link:hover {
    text-decoration: underline;
    color: var(--vscode-textLink-activeForeground, var(--vscode-textLink-foreground));
  }
  .row.start .msg,
  .row.end .msg {
    color: var(--vscode-descriptionForeground);
  }
  .row.end.level-error .msg {
    color: var(--vscode-debugConsole-errorForeground, var(--vscode-errorForeground));
  }
  .row.group {
    font-weight: 600;
    background: var(--vscode-editorWidget-background, transparent);
  }
  .row.group .msg {
    font-weight: normal;
    color: var(--vscode-descriptionForeground);
  }
  .twistie {
    text-align: center;
    cursor: pointer;
  }
  .empty-note {
    position: absolute;
    inset: 40px 20px auto 20px;
    text-align: center;
    color: var(--vscode-descriptionForeground);
    pointer-events: none;
  }
  .jump {
    position: absolute;
    right: 18px;
    bottom: 10px;
  }
  .body.at-bottom .jump {
    display: none;
  }
  /* More lines follow: Enter or a double click shows them all. */
  .msg.more::after {
    content: ' ↵';
    color: var(--vscode-descriptionForeground);
  }
  .details {
    max-height: 40%;
    min-height: 80px;
    overflow: auto;
    border-top: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent));
    padding: 6px 10px;
  }
  .details header {
    display: flex;
    align-items: center;
    gap: 8px;
    color: var(--vscode-descriptionForeground);
    flex-wrap: wrap;
  }
  .details header .spacer-flex {
    flex: 1;
  }
  .details pre {
    margin: 6px 0 0;
    white-space: pre-wrap;
    word-break: break-word;
    font-family: var(--vscode-editor-font-family, monospace);
    font-size: var(--vscode-editor-font-size, 12px);
    user-select: text;
  }
  .statusbar {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 14px;
    align-items: center;
    padding: 3px 10px;
    min-height: 20px;
    border-top: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent));
    color: var(--vscode-descriptionForeground);
    font-size: 12px;
  }
  .statusbar .live::before {
    content: '●';
    margin-right: 4px;
    color: var(--vscode-testing-iconPassed, var(--vscode-charts-green, currentColor));
  }
  .statusbar .service-off::before {
    content: '○';
    margin-right: 4px;
  }
  .statusbar .retry {
    margin-left: -6px;
  }
  .statusbar .warn {
    color: var(--vscode-editorWarning-foreground, var(--vscode-foreground));
  }
`;
