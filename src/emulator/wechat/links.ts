/**
 * urlscheme.generate and urllink.generate: links shaped as WeChat's (`weixin://dl/business/?t=…`,
 * `https://wxaurl.cn/…`) with a random token. They open nothing outside WeChat's servers; the
 * request is checked as WeChat checks it (the page exists, query length, expiry).
 */
import { randomBytes } from 'node:crypto';
import { ok, text, type OpenApi } from './api';
import { WeChatError } from './errors';
import { miniProgramPages } from './pages';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** WeChat keeps a generated link at most 30 days. */
const MAX_EXPIRY_SECONDS = 30 * 24 * 3600;

function token(length: number): string {
  return [...randomBytes(length)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** The page must exist (in app.json, standing for the published version); without one the link opens the home page. */
async function checkTarget(projectRoot: string, path: string | undefined, query: string | undefined, maxQuery: number): Promise<void> {
  if (path !== undefined && (path.startsWith('/') || path.includes('?'))) throw new WeChatError('invalidPagePath', 'path is a page such as pages/index/index, without a leading / or a query');
  const pages = path === undefined ? undefined : await miniProgramPages(projectRoot);
  if (path !== undefined && pages && !pages.includes(path)) throw new WeChatError('invalidPagePath', `${path} is not a page of app.json`);
  if (query !== undefined && query.length > maxQuery) throw new WeChatError('invalidQuery', `query is longer than ${maxQuery} characters`);
  if (query !== undefined && /[^\x21-\x7e]/.test(query)) throw new WeChatError('invalidQuery', 'query holds characters that must be URL-encoded');
}

function checkEnvVersion(value: unknown): void {
  if (value !== undefined && !['release', 'trial', 'develop'].includes(String(value))) throw new WeChatError('invalidArgs', 'env_version must be release, trial or develop');
}

function checkExpiry(params: Record<string, unknown>, nowSeconds: number): void {
  if (params.is_expire !== true && params.expire_type === undefined) return;
  if (Number(params.expire_type ?? 0) === 1) {
    const interval = Number(params.expire_interval);
    if (!Number.isInteger(interval) || interval < 1 || interval > 30) throw new WeChatError('invalidArgs', 'expire_interval must be 1 to 30 days');
    return;
  }
  const at = Number(params.expire_time);
  if (!Number.isInteger(at) || at <= nowSeconds || at - nowSeconds > MAX_EXPIRY_SECONDS) throw new WeChatError('invalidArgs', 'expire_time must be a Unix time within the next 30 days');
}

export const urlschemeGenerate: OpenApi = async (params, context) => {
  const jump = typeof params.jump_wxa === 'object' && params.jump_wxa !== null ? (params.jump_wxa as Record<string, unknown>) : {};
  await checkTarget(context.projectRoot, text(jump.path), text(jump.query), 512);
  checkEnvVersion(jump.env_version);
  checkExpiry(params, Math.floor(context.now.getTime() / 1000));
  return ok({ openlink: `weixin://dl/business/?t=${token(13)}` });
};

export const urllinkGenerate: OpenApi = async (params, context) => {
  await checkTarget(context.projectRoot, text(params.path), text(params.query), 1024);
  checkEnvVersion(params.env_version);
  checkExpiry(params, Math.floor(context.now.getTime() / 1000));
  return ok({ url_link: `https://wxaurl.cn/${token(12)}` });
};
