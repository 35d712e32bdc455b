/**
 * Mini program codes (wxacode.get, wxacode.getUnlimited, wxacode.createQRCode). WeChat draws its
 * round "sun" code, which only WeChat can read; locally each call returns a standard QR code
 * (PNG, drawn by the `qrcode` package) holding what the code would open: the path with its
 * query, or for getUnlimited the page with `?scene=<encoded scene>`, which is how the page
 * receives it (`options.scene`). Width, line colour and a transparent background are honoured.
 */
import QRCode from 'qrcode';
import { text, type OpenApi, type OpenApiAnswer, type OpenApiContext } from './api';
import { WeChatError } from './errors';
import { miniProgramPages } from './pages';

const DEFAULT_WIDTH = 430;

/** getUnlimited's scene: at most 32 visible characters from this set. */
const SCENE_PATTERN = /^[A-Za-z0-9!#$&'()*+,/:;=?@\-._~]{1,32}$/;

function widthOf(value: unknown): number {
  const width = Number(value ?? DEFAULT_WIDTH);
  if (!Number.isFinite(width)) return DEFAULT_WIDTH;
  // WeChat draws within 280–1280 px whatever is asked.
  return Math.round(Math.min(1280, Math.max(280, width)));
}

function hex(n: unknown): string {
  const v = Math.min(255, Math.max(0, Math.round(Number(n) || 0)));
  return v.toString(16).padStart(2, '0');
}

async function png(content: string, params: Record<string, unknown>, colours: boolean): Promise<OpenApiAnswer> {
  const line = colours && params.auto_color !== true && typeof params.line_color === 'object' && params.line_color !== null ? (params.line_color as Record<string, unknown>) : undefined;
  const dark = line ? `#${hex(line.r)}${hex(line.g)}${hex(line.b)}ff` : '#000000ff';
  const light = colours && params.is_hyaline === true ? '#ffffff00' : '#ffffffff';
  const bytes = await QRCode.toBuffer(content, { type: 'png', width: widthOf(params.width), margin: 2, errorCorrectionLevel: 'M', color: { dark, light } });
  return { bytes, contentType: 'image/png' };
}

function pathOf(params: Record<string, unknown>, max: number): string {
  const path = text(params.path);
  if (!path) throw new WeChatError('invalidArgs', 'path is missing');
  if (Buffer.byteLength(path) > max) throw new WeChatError('invalidArgs', `path is longer than ${max} bytes`);
  return path;
}

export const wxacodeGet: OpenApi = async (params) => png(pathOf(params, 1024), params, true);

export const wxacodeCreateQRCode: OpenApi = async (params) => png(pathOf(params, 128), params, false);

/**
 * WeChat checks (check_path, on by default) that the page exists in the published version;
 * locally it must exist in app.json. Without a page the code opens the home page.
 */
export const wxacodeGetUnlimited: OpenApi = async (params, context: OpenApiContext) => {
  const scene = text(params.scene);
  if (!scene || !SCENE_PATTERN.test(scene)) throw new WeChatError('invalidScene', 'scene must be 1 to 32 characters of letters, digits and !#$&\'()*+,/:;=?@-._~');
  const pages = await miniProgramPages(context.projectRoot);
  const page = text(params.page) ?? pages?.[0] ?? 'pages/index/index';
  if (page.startsWith('/') || /[?#]/.test(page)) throw new WeChatError('invalidPage', 'page is a path such as pages/index/index, without a leading / or a query');
  if (params.check_path !== false && pages && !pages.includes(page)) throw new WeChatError('invalidPage', `${page} is not a page of app.json (set check_path: false for pages not yet published)`);
  return png(`${page}?scene=${encodeURIComponent(scene)}`, params, true);
};
