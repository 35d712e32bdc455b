/**
 * Styles every panel shares, and how a page adopts its stylesheets (constructed stylesheets: the
 * CSP forbids inline <style>). Colours come from the theme's --vscode-* variables.
 */
import { css, type CSSResult } from 'lit';

export const baseStyles = css`
  html,
  body {
    height: 100%;
    margin: 0;
    padding: 0;
    overflow: hidden;
  }
  body {
    background: var(--vscode-editor-background);
    color: var(--vscode-foreground);
    font-family: var(--vscode-font-family);
    font-size: var(--vscode-font-size, 13px);
  }
`;

export function adoptStyles(...styles: CSSResult[]): void {
  const sheets = styles.map((s) => s.styleSheet).filter((s): s is CSSStyleSheet => s !== undefined);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, ...sheets];
}
