/**
 * Content security checks (security.msgSecCheck, imgSecCheck, mediaCheckAsync) against the
 * project's own word list instead of WeChat's models. Text is risky when it contains a listed
 * word; an image or media URL is risky when its bytes, file name or URL contain one (so a test
 * fixture can carry a word in a PNG text chunk); with `rejectAllContent` everything is risky.
 * Version 1 answers risky content with errcode 87014; version 2 answers errcode 0 with
 * `result.suggest: 'risky'`, as WeChat documents.
 */
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ok, text, type OpenApi, type OpenApiContext } from './api';
import { WeChatError } from './errors';
import { OPENID_PATTERN } from './inbox';
import { isMediaParam } from './wire';

/** WeChat's limit for imgSecCheck. */
export const MAX_CHECKED_IMAGE_BYTES = 1024 * 1024;
/** msgSecCheck's documented limits: version 1 "no longer than 500KB", version 2 "文本字数的上限为2500字". */
export const MAX_CHECKED_TEXT_BYTES_V1 = 500 * 1024;
export const MAX_CHECKED_TEXT_CHARACTERS_V2 = 2500;
export const MEDIA_CHECKS_FILE = join('wechat', 'media-checks.jsonl');

/** WeChat labels risky content by class (20001 politics, 20002 porn, …); a word list has no classes, so 21000 "other". */
const RISKY_LABEL = 21000;
const PASS_LABEL = 100;

interface Verdict {
  risky: boolean;
  keyword?: string;
}

async function judge(context: OpenApiContext, ...texts: string[]): Promise<Verdict> {
  const settings = await context.settings();
  if (settings.rejectAllContent) return { risky: true };
  const haystack = texts.join('\n').toLowerCase();
  const keyword = settings.sensitiveWords.find((w) => haystack.includes(w));
  return keyword === undefined ? { risky: false } : { risky: true, keyword };
}

function traceId(): string {
  return randomUUID().replace(/-/g, '');
}

function isVersion2(params: Record<string, unknown>): boolean {
  return Number(params.version) === 2;
}

/** v2 needs the user's openid and a scene (1 profile, 2 comment, 3 forum, 4 social log). */
function checkV2(params: Record<string, unknown>): void {
  if (!text(params.openid) || !OPENID_PATTERN.test(String(params.openid))) throw new WeChatError('invalidOpenid');
  const scene = Number(params.scene);
  if (![1, 2, 3, 4].includes(scene)) throw new WeChatError('invalidSecCheckScene', 'scene must be 1, 2, 3 or 4');
}

function v2Answer(verdict: Verdict, trace: string): Record<string, unknown> {
  const suggest = verdict.risky ? 'risky' : 'pass';
  const label = verdict.risky ? RISKY_LABEL : PASS_LABEL;
  return {
    trace_id: trace,
    result: { suggest, label },
    detail: [{ strategy: 'content_model', errcode: 0, suggest, label, prob: verdict.risky ? 90 : 0, ...(verdict.keyword ? { keyword: verdict.keyword } : {}) }],
  };
}

/**
 * WeChat's msgSecCheck pages list no code of their own for text over the limit; the global code
 * for it is 45002 "content size out of limit", so that is the answer.
 */
function checkedContent(params: Record<string, unknown>, v2: boolean): string {
  const content = params.content;
  if (content === undefined || content === null || content === '') throw new WeChatError('emptyPostData', 'content is empty');
  if (typeof content !== 'string') throw new WeChatError('dataFormatError', 'content must be a string');
  if (v2) {
    const characters = [...content].length;
    if (characters > MAX_CHECKED_TEXT_CHARACTERS_V2) throw new WeChatError('contentSizeOutOfLimit', `content is ${characters} characters, over ${MAX_CHECKED_TEXT_CHARACTERS_V2}`);
  } else {
    const bytes = Buffer.byteLength(content, 'utf8');
    if (bytes > MAX_CHECKED_TEXT_BYTES_V1) throw new WeChatError('contentSizeOutOfLimit', `content is ${bytes} bytes, over 500KB`);
  }
  return content;
}

export const msgSecCheck: OpenApi = async (params, context) => {
  const v2 = isVersion2(params);
  if (v2) checkV2(params);
  const content = checkedContent(params, v2);
  if (v2) {
    const verdict = await judge(context, content, text(params.title) ?? '', text(params.nickname) ?? '', text(params.signature) ?? '');
    return ok(v2Answer(verdict, traceId()));
  }
  if ((await judge(context, content)).risky) throw new WeChatError('riskyContent');
  return ok();
};

export const imgSecCheck: OpenApi = async (params, context) => {
  const media = params.media;
  if (!isMediaParam(media)) throw new WeChatError('invalidArgs', 'media must be { contentType, value: Buffer }');
  if (media.value.length > MAX_CHECKED_IMAGE_BYTES) throw new WeChatError('invalidMediaSize', `the image is ${media.value.length} bytes, over 1 MB`);
  if ((await judge(context, media.value.toString('latin1'), media.filename)).risky) throw new WeChatError('riskyContent');
  return ok();
};

/**
 * WeChat answers at once with a trace_id and pushes the verdict later (a `wxa_media_check`
 * event). Locally the verdict is decided at once and written to `<dataDir>/wechat/media-checks.jsonl`.
 */
export const mediaCheckAsync: OpenApi = async (params, context) => {
  const url = text(params.media_url);
  if (!url || !/^https?:\/\//i.test(url)) throw new WeChatError('invalidArgs', 'media_url must be an http(s) URL');
  const mediaType = Number(params.media_type);
  if (mediaType !== 1 && mediaType !== 2) throw new WeChatError('invalidArgs', 'media_type must be 1 (audio) or 2 (image)');
  const v2 = isVersion2(params);
  if (v2) checkV2(params);
  const verdict = await judge(context, url);
  const trace = traceId();
  const event = {
    ToUserName: context.appid,
    CreateTime: Math.floor(context.now.getTime() / 1000),
    MsgType: 'event',
    Event: 'wxa_media_check',
    appid: context.appid,
    trace_id: trace,
    version: v2 ? 2 : 1,
    media_url: url,
    media_type: mediaType,
    ...(v2 ? { result: v2Answer(verdict, trace).result, detail: v2Answer(verdict, trace).detail } : { isrisky: verdict.risky ? 1 : 0, extra_info_json: '' }),
  };
  await mkdir(join(context.dataDir, 'wechat'), { recursive: true });
  await appendFile(join(context.dataDir, MEDIA_CHECKS_FILE), `${JSON.stringify(event)}\n`, 'utf8');
  return ok({ trace_id: trace });
};
