/**
 * The database half of js-sdk 3.x's GATEWAY mode, under
 * `/v1/database/instances/{instance}/databases/{database}/collections/{name}/documents`:
 * GET (a page: `query` is an EJSON string, `order`, `offset`, `limit`, `projection`; `count=true`
 * counts), GET `…/documents/{id}`, POST (add `{ data: [...] }`), PATCH (update or set:
 * `{ query, data, multi, upsert }`, plain data without operators replaces), POST `…/remove`.
 * Bodies use @cloudbase/database's own JSON (`{ $date: ms }`), which the /admin codec for its
 * older generation reads. Every request passes the collection's rule first; the work itself is
 * done by the /admin database actions, so both paths answer alike.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StudioError } from '../../shared/errors';
import type { Database } from '../database/api';
import { databaseActions } from '../server/database-actions';
import type { ActionContext, AdminRequest, ServiceActions } from '../server/protocol';
import { ejsonCodec, isPlainObject, legacyCodec } from '../server/wire-values';
import { toWireError } from '../server/wire-errors';
import { identify, readJsonBody, reply } from './http';
import type { ClientRequestLog } from './request-log';
import { decide, fixedFields, RuleError, ruleFor, type ChosenRule, type RuleDecision, type RuleOperation } from './rules';
import { TokenError, type ClientIdentity, type TokenSigner } from './tokens';

export const DATABASE_PREFIX = '/v1/database/';

const DOCUMENTS_PATH = /^\/v1\/database\/instances\/[^/]+\/databases\/[^/]+\/collections\/([^/]+)\/documents(?:\/([^/]+))?$/;

/** What the SDK writes in a query value to mean "the signed-in user's openid". */
const OPENID_PLACEHOLDER = '{openid}';

export interface DatabaseRouteOptions {
  envId: string;
  database: Database;
  signer: TokenSigner;
  log: ClientRequestLog;
  onError?: (error: unknown) => void;
}

/** A request the rule refused; its message names the rule and what failed. */
class Denied extends Error {
  constructor(
    message: string,
    /** enforce() has logged it already, with the rule's details. */
    readonly logged = false,
  ) {
    super(message);
  }
}

function parseQueryParam(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new StudioError('InvalidArgument', `Parameter "query" is not valid JSON: ${(e as Error).message}`);
  }
}

/** `'{openid}'` anywhere in a query value becomes the user's openid (nothing when signed out). */
export function withOpenid(value: unknown, openid: string): unknown {
  if (value === OPENID_PLACEHOLDER) return openid;
  if (Array.isArray(value)) return value.map((v) => withOpenid(v, openid));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = withOpenid(v, openid);
  return out;
}

function hasOperators(data: Record<string, unknown>): boolean {
  return Object.keys(data).some((k) => k.startsWith('$'));
}

/** A query the rule would allow: the request's own single-value conditions plus the missing ones. */
export function rewriteOf(rawQuery: Record<string, unknown>, decision: RuleDecision): string | undefined {
  if (decision.missing.length === 0) return undefined;
  const conditions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rawQuery)) {
    if (!key.startsWith('$') && (value === null || ['string', 'number', 'boolean'].includes(typeof value))) conditions[key] = value;
  }
  for (const m of decision.missing) conditions[m.field] = m.value;
  return `where(${JSON.stringify(conditions)})`;
}

interface Check {
  operation: string;
  collection: string;
  identity: ClientIdentity | null;
  chosen: ChosenRule;
  decision: RuleDecision;
  rawQuery?: Record<string, unknown>;
}

export function databaseRoutes(options: DatabaseRouteOptions): (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void> {
  const actions: ServiceActions = databaseActions(options.database);
  const run = (name: string, params: Record<string, unknown>, ctx: ActionContext): Promise<Record<string, unknown>> =>
    Promise.resolve(actions.actions[name]({ action: name, ...params } as AdminRequest, ctx)) as Promise<Record<string, unknown>>;

  /** Logs the decision and throws Denied when the rule said no. */
  function enforce(check: Check, requestId: string): void {
    const who = check.identity ? `user ${check.identity.uid}` : 'a signed-out client';
    const base = { time: Date.now(), requestId, operation: check.operation, collection: check.collection, uid: check.identity?.uid, rule: check.chosen.label };
    if (check.decision.allowed) {
      options.log.append({ ...base, decision: 'allowed', message: `Allowed ${check.operation} on "${check.collection}" for ${who} by ${check.chosen.label}.` });
      return;
    }
    const rewrite = check.rawQuery ? rewriteOf(check.rawQuery, check.decision) : undefined;
    const advice = rewrite
      ? ` Rules validate the query, they do not filter its results: the query's own conditions must imply the rule, e.g. ${rewrite}.`
      : '';
    const message = `Permission denied: ${check.operation} on "${check.collection}" for ${who} by ${check.chosen.label}; failed: ${check.decision.failed.join('; ')}.${advice}`;
    options.log.append({ ...base, decision: 'denied', failed: check.decision.failed, rewrite, message });
    throw new Denied(message, true);
  }

  function ruleDecision(chosen: ChosenRule, facts: Parameters<typeof decide>[1]): RuleDecision {
    try {
      return decide(chosen, facts);
    } catch (e) {
      if (e instanceof RuleError) return { allowed: false, failed: [`the rule cannot be evaluated: ${e.message}`], missing: [] };
      throw e;
    }
  }

  function queryCheck(operation: string, collection: string, ruleOp: RuleOperation, identity: ClientIdentity | null, rawQuery: Record<string, unknown>, filter: Record<string, unknown>, now: Date, data?: Record<string, unknown>): Check {
    const chosen = ruleFor(options.database.collection(collection).getPermission(), ruleOp);
    const fixed = fixedFields(filter);
    const decision = ruleDecision(chosen, { auth: identity, doc: (path) => (fixed.has(path) ? { value: fixed.get(path) } : undefined), data, now });
    return { operation, collection, identity, chosen, decision, rawQuery };
  }

  return async (request, response, url) => {
    const requestId = randomUUID();
    const now = new Date();
    const ctx: ActionContext = { requestId, now, envId: options.envId, headers: request.headers };
    let operation = `database.${(request.method ?? '').toLowerCase()}`;
    let collection: string | undefined;
    let identity: ClientIdentity | null = null;
    try {
      const match = DOCUMENTS_PATH.exec(url.pathname);
      if (request.method === 'POST' && /\/collections$/.test(url.pathname)) {
        request.resume();
        operation = 'database.addCollection';
        throw new Denied('Permission denied: clients cannot create collections; create them in CloudBase Studio or with the server SDK.');
      }
      if (!match) {
        request.resume();
        throw new StudioError('UnknownAction', `${request.method} ${url.pathname} is not a database call the local environment serves.`);
      }
      collection = decodeURIComponent(match[1]);
      const id = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
      identity = await identify(request, options.signer);
      const openid = identity?.openid ?? '';

      if (request.method === 'GET') {
        request.resume();
        const params = url.searchParams;
        const rawText = id !== undefined ? JSON.stringify({ _id: id }) : params.get('query') || '{}';
        const rawQuery = withOpenid(parseQueryParam(rawText), openid);
        if (!isPlainObject(rawQuery)) throw new StudioError('InvalidArgument', 'Parameter "query" must be an object.');
        const query = JSON.stringify(rawQuery);
        const filter = ejsonCodec.decodeObject(query, 'query', now);
        const counting = params.get('count') === 'true';
        operation = counting ? 'database.count' : 'database.get';
        enforce(queryCheck(operation, collection, 'read', identity, rawQuery, filter, now), requestId);
        if (counting) {
          const { total } = await run('database.calculateDocument', { collectionName: collection, query }, ctx);
          reply(request, response, 200, { total, requestId });
          return;
        }
        const page = await run(
          'database.getDocument',
          {
            collectionName: collection,
            query,
            order: params.get('order') ?? undefined,
            projection: params.get('projection') ?? undefined,
            offset: params.has('offset') ? Number(params.get('offset')) : undefined,
            limit: params.has('limit') ? Number(params.get('limit')) : undefined,
          },
          ctx,
        );
        // The actions answer relaxed EJSON strings; the SDK parses the whole body as EJSON.
        const list = (page.list as string[]).map((d) => JSON.parse(d) as unknown);
        if (id !== undefined) {
          if (list.length === 0) throw new StudioError('DocumentNotFound', `No document "${id}" in "${collection}".`);
          reply(request, response, 200, list[0]);
          return;
        }
        reply(request, response, 200, { list, offset: page.offset, limit: page.limit, requestId });
        return;
      }

      const body = await readJsonBody(request);
      if (request.method === 'POST' && id === undefined) {
        operation = 'database.add';
        const raw = Array.isArray(body.data) ? body.data : [body.data];
        if (raw.length === 0 || raw.some((d) => !isPlainObject(d))) throw new StudioError('InvalidArgument', 'Parameter "data" must hold documents.');
        // The creator is whoever is signed in, whatever the document says.
        const documents = raw.map((d, i) => {
          const doc = legacyCodec.decodeObject(d, `data[${i}]`, now);
          if (identity) doc._openid = identity.openid;
          return doc;
        });
        const chosen = ruleFor(options.database.collection(collection).getPermission(), 'create');
        for (const doc of documents) {
          const decision = ruleDecision(chosen, { auth: identity, doc: (path) => ({ value: path.split('.').reduce<unknown>((v, k) => (isPlainObject(v) ? v[k] : undefined), doc) }), data: doc, now });
          enforce({ operation, collection, identity, chosen, decision }, requestId);
        }
        const insertedIds = await options.database.collection(collection).insertMany(documents);
        reply(request, response, 200, { insertedIds, requestId });
        return;
      }
      if (request.method === 'PATCH' && id === undefined) {
        const rawQuery = withOpenid(body.query ?? {}, openid);
        if (!isPlainObject(rawQuery) || !isPlainObject(body.data)) throw new StudioError('InvalidArgument', 'Parameters "query" and "data" must be objects.');
        const merge = hasOperators(body.data);
        operation = merge ? 'database.update' : 'database.set';
        const rawData: Record<string, unknown> = merge ? body.data : { ...body.data, ...(identity ? { _openid: identity.openid } : {}) };
        const filter = legacyCodec.decodeObject(rawQuery, 'query', now);
        const data = legacyCodec.decodeObject(rawData, 'data', now);
        enforce(queryCheck(operation, collection, 'update', identity, rawQuery, filter, now, data), requestId);
        const result = await run('database.updateDocument', { collectionName: collection, query: rawQuery, data: rawData, multi: body.multi === true, upsert: body.upsert === true, merge }, ctx);
        reply(request, response, 200, { updated: result.updated, matched: result.updated, upsert_id: result.upsert_id, requestId });
        return;
      }
      if (request.method === 'POST' && id === 'remove') {
        operation = 'database.remove';
        const rawQuery = withOpenid(body.query ?? {}, openid);
        if (!isPlainObject(rawQuery)) throw new StudioError('InvalidArgument', 'Parameter "query" must be an object.');
        const filter = legacyCodec.decodeObject(rawQuery, 'query', now);
        enforce(queryCheck(operation, collection, 'delete', identity, rawQuery, filter, now), requestId);
        const { deleted } = await run('database.deleteDocument', { collectionName: collection, query: rawQuery, multi: body.multi === true }, ctx);
        reply(request, response, 200, { deleted, requestId });
        return;
      }
      throw new StudioError('UnknownAction', `${request.method} ${url.pathname} is not a database call the local environment serves.`);
    } catch (e) {
      if (e instanceof Denied) {
        if (!e.logged) {
          options.log.append({ time: Date.now(), requestId, operation, collection, uid: identity?.uid, decision: 'denied', message: e.message });
        }
        reply(request, response, 403, { code: 'DATABASE_PERMISSION_DENIED', message: e.message, requestId });
        return;
      }
      if (e instanceof TokenError) {
        const message = `${e.message} Nothing was read or written.`;
        options.log.append({ time: Date.now(), requestId, operation, collection, decision: 'refused', message: `Refused ${operation}: ${message}` });
        reply(request, response, 401, { code: e.wireCode, message, requestId });
        return;
      }
      if (!(e instanceof StudioError)) options.onError?.(e);
      const { code, message } = toWireError(e, 'DATABASE_REQUEST_FAILED', actions.codes);
      options.log.append({ time: Date.now(), requestId, operation, collection, uid: identity?.uid, decision: 'failed', message: `Failed ${operation}${collection ? ` on "${collection}"` : ''}: ${code} ${message}` });
      reply(request, response, e instanceof StudioError && e.code === 'CollectionNotFound' ? 404 : 400, { code, message, requestId });
    }
  };
}
