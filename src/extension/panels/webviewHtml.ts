/**
 * The one HTML shell every webview panel gets: a strict Content Security Policy with a fresh
 * nonce, the codicon stylesheet, and the panel's bundle as a module script. No inline script,
 * no eval; styles come from the extension's files or constructed stylesheets (Lit adopts its
 * styles, which CSP allows). No vscode import: the page tests serve the same policy.
 */
import { randomBytes } from 'node:crypto';

/** 128 random bits, base64: a nonce nobody can guess. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/** `cspSource` is the webview's origin for the extension's own files (webview.cspSource). */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export interface WebviewHtmlOptions {
  cspSource: string;
  nonce: string;
  /** The page bundle (dist/webview/<panel>.js) as a webview URI. */
  scriptUri: string;
  /** media/codicons/codicon.css as a webview URI. */
  codiconsUri: string;
  title: string;
  /** BCP 47 language of the UI. */
  lang: string;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function webviewHtml(o: WebviewHtmlOptions): string {
  const a = (s: string): string => escapeHtml(s);
  return `<!DOCTYPE html>
<html lang="${a(o.lang)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${a(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${a(o.codiconsUri)}" nonce="${a(o.nonce)}">
<title>${escapeHtml(o.title)}</title>
</head>
<body>
<script type="module" nonce="${a(o.nonce)}" src="${a(o.scriptUri)}"></script>
</body>
</html>
`;
}
