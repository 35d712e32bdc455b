/**
 * The `database.*` actions of /admin, as @cloudbase/database (used by node-sdk and wx-server-sdk)
 * sends them: query, order, projection and data are EJSON strings; documents go back as EJSON strings.
 */
import { Query } from 'mingo/query';
import { MINGO_OPTIONS } from '../database/query';
import type { SortKey } from '../../shared/model';
import { StudioError } from '../../shared/errors';
import type { Collection, Database, StoredDocument } from '../database/api';
import { nearDistanceOf } from '../database/geo';
import type { ActionContext, ActionHandler, AdminRequest, ServiceActions } from './protocol';
import { optionalBoolean, optionalInteger, requiredString } from './params';
import { ejsonCodec, encodeWireDocument, isPlainObject, legacyCodec, type WireCodec } from './wire-values';
import { transactionActions } from './transaction-actions';
import { Transactions } from './transactions';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

type Filter = Record<string, unknown>;

export function collectionOf(db: Database, params: AdminRequest): Collection {
  return db.collection(requiredString(params, 'collectionName'));
}

export function inTransaction(params: AdminRequest): boolean {
  return params.transactionId !== undefined && params.transactionId !== null && params.transactionId !== '';
}

/** The cloud runs document operations (get, add, set, update, remove by id) inside transactions, nothing else. */
function refuseTransaction(params: AdminRequest): void {
  if (inTransaction(params)) throw new StudioError('NotSupported', `${params.action} cannot run inside a transaction; transactions take document operations by id.`);
}

export function filterOf(params: AdminRequest, ctx: ActionContext, codec: WireCodec): Filter {
  const raw = params.query;
  if (raw === undefined || raw === null || raw === '') return {};
  return codec.decodeObject(raw, 'query', ctx.now);
}

function directionOf(value: unknown, field: string): 1 | -1 {
  if (value === 1 || value === 'asc') return 1;
  if (value === -1 || value === 'desc') return -1;
  throw new StudioError('InvalidArgument', `Sort direction for "${field}" must be 1, -1, "asc" or "desc".`);
}

/** `{ field: 1 | -1 }` from current SDKs, `[{ field, direction }]` from older ones. */
function sortOf(params: AdminRequest, ctx: ActionContext, codec: WireCodec): SortKey[] | undefined {
  if (params.order === undefined || params.order === null || params.order === '') return undefined;
  const order = codec.decodeValue(params.order, 'order', ctx.now);
  const pairs: [unknown, unknown][] = Array.isArray(order)
    ? order.map((o) => (isPlainObject(o) ? [o.field, o.direction] : [undefined, undefined]))
    : isPlainObject(order)
      ? Object.entries(order)
      : [[undefined, undefined]];
  return pairs.map(([field, direction]) => {
    if (typeof field !== 'string' || field === '') throw new StudioError('InvalidArgument', 'Parameter "order" must map field names to directions.');
    return { field, direction: directionOf(direction, field) };
  });
}

type Projection = Record<string, unknown>;

export function projectionOf(params: AdminRequest, ctx: ActionContext, codec: WireCodec): Projection | undefined {
  if (params.projection === undefined || params.projection === null || params.projection === '') return undefined;
  const projection = codec.decodeObject(params.projection, 'projection', ctx.now);
  const out: Projection = {};
  for (const [field, value] of Object.entries(projection)) {
    if (typeof value === 'boolean') out[field] = value ? 1 : 0;
    else if (typeof value === 'number') out[field] = value ? 1 : 0;
    else if (isPlainObject(value)) out[field] = value;
    else throw new StudioError('InvalidArgument', `Projection for "${field}" must be 0, 1 or a projection operator.`);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** 0/1 projections go to the engine; operators ($slice, $elemMatch) are applied here afterwards. */
function isSimpleProjection(projection: Projection): projection is Record<string, 0 | 1> {
  return Object.values(projection).every((v) => v === 0 || v === 1);
}

/** With the engine's mingo options, so patterns inside `$elemMatch` match through RE2 as in queries. */
export function project(documents: StoredDocument[], projection: Projection): Record<string, unknown>[] {
  try {
    return new Query({}, MINGO_OPTIONS).find(documents, projection).all() as Record<string, unknown>[];
  } catch (e) {
    throw new StudioError('InvalidQuery', `Invalid projection: ${(e as Error).message}`, { cause: e });
  }
}

export function hasOperators(update: Record<string, unknown>): boolean {
  return Object.keys(update).some((k) => k.startsWith('$'));
}

/** Merging writes (`update()`) take operators; plain fields there mean `$set`, as in the cloud. */
function mergeUpdateOf(data: Record<string, unknown>): Record<string, unknown> {
  const update: Record<string, unknown> = {};
  const plain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (key.startsWith('$')) update[key] = value;
    else plain[key] = value;
  }
  if (Object.keys(plain).length > 0) {
    const set = update.$set;
    if (set !== undefined && !isPlainObject(set)) throw new StudioError('InvalidArgument', '"$set" must be an object.');
    update.$set = { ...(set ?? {}), ...plain };
  }
  if (Object.keys(update).length === 0) throw new StudioError('InvalidArgument', 'The update changes nothing: "data" is empty.');
  return update;
}

/** A handler of one action for one generation of the SDKs' wire format. */
type Action = (db: Database, codec: WireCodec) => ActionHandler;

const getDocument: Action = (db, codec) => (params, ctx) => {
  refuseTransaction(params);
  const collection = collectionOf(db, params);
  const filter = filterOf(params, ctx, codec);
  const sort = sortOf(params, ctx, codec);
  const projection = projectionOf(params, ctx, codec);
  const offset = optionalInteger(params, 'offset', { min: 0 }) ?? 0;
  const requested = optionalInteger(params, 'limit', { min: 0 });
  // The SDK caps at 1000 too and sends 100 when no limit was set; 0 means "not set" there.
  const limit = Math.min(requested || DEFAULT_LIMIT, MAX_LIMIT);
  const simple = projection === undefined || isSimpleProjection(projection);
  const near = sort ? undefined : nearDistanceOf(filter);
  let documents: Record<string, unknown>[];
  if (near) {
    // Nearest first, then the page: every match has to be measured before paging.
    const all = collection.find(filter, { limit: Number.MAX_SAFE_INTEGER }).documents;
    const paged = all
      .map((doc) => ({ doc, d: near(doc) }))
      .sort((a, b) => a.d - b.d)
      .slice(offset, offset + limit)
      .map((x) => x.doc);
    documents = projection === undefined ? paged : project(paged, projection);
  } else {
    documents = collection.find(filter, {
      sort,
      projection: simple ? projection : undefined,
      skip: offset > 0 ? offset : undefined,
      limit,
    }).documents;
  }
  const shaped = simple || near ? documents : project(documents as StoredDocument[], projection);
  return { list: shaped.map((d) => codec.encodeDocument(d)), limit, offset };
};

const calculateDocument: Action = (db, codec) => (params, ctx) => {
  refuseTransaction(params);
  const collection = collectionOf(db, params);
  return { total: collection.count(filterOf(params, ctx, codec)) };
};

const insertDocument: Action = (db, codec) => async (params, ctx) => {
  refuseTransaction(params);
  const collection = collectionOf(db, params);
  const raw = Array.isArray(params.data) ? params.data : params.data === undefined ? [] : [params.data];
  if (raw.length === 0) throw new StudioError('InvalidArgument', 'Parameter "data" must hold at least one document.');
  const documents = raw.map((d, i) => codec.decodeObject(d, `data[${i}]`, ctx.now));
  return { insertedIds: await collection.insertMany(documents) };
};

/** `doc(id).set()`'s replacement, or `update()`'s operators (plain fields there meaning `$set`). */
export function updateOf(params: AdminRequest, ctx: ActionContext, codec: WireCodec): { update: Record<string, unknown>; merge: boolean } {
  const data = codec.decodeObject(params.data, 'data', ctx.now);
  const merge = optionalBoolean(params, 'merge', true);
  if (merge) return { update: mergeUpdateOf(data), merge };
  if (hasOperators(data)) throw new StudioError('InvalidArgument', 'A replacement document cannot contain update operators.');
  if ('_id' in data) throw new StudioError('InvalidArgument', 'A replacement document cannot change "_id".');
  return { update: data, merge };
}

async function modify(db: Database, codec: WireCodec, params: AdminRequest, ctx: ActionContext): Promise<{ updated: number; upsertedId?: string }> {
  const collection = collectionOf(db, params);
  const filter = filterOf(params, ctx, codec);
  const multi = optionalBoolean(params, 'multi', false);
  const upsert = optionalBoolean(params, 'upsert', false);
  const { update, merge } = updateOf(params, ctx, codec);
  const result = await collection.update(filter, update, { multi, upsert });
  // The cloud counts a replacement by what it matched, even when the content was already the same.
  return { updated: merge ? result.modified : result.matched, upsertedId: result.upsertedId };
}

const modifyDocument: Action = (db, codec) => async (params, ctx) => {
  refuseTransaction(params);
  const { updated, upsertedId } = await modify(db, codec, params, ctx);
  return { updated, upsert_id: upsertedId };
};

const modifyAndReturnDoc: Action = (db, codec) => async (params, ctx) => {
  refuseTransaction(params);
  const collection = collectionOf(db, params);
  const filter = filterOf(params, ctx, codec);
  const update = mergeUpdateOf(codec.decodeObject(params.data, 'data', ctx.now));
  const doc = await collection.findOneAndUpdate(filter, update);
  return { updated: doc ? 1 : 0, doc: doc ? codec.encodeDocument(doc) : null };
};

const removeDocument: Action = (db, codec) => async (params, ctx) => {
  refuseTransaction(params);
  const collection = collectionOf(db, params);
  const filter = filterOf(params, ctx, codec);
  const multi = optionalBoolean(params, 'multi', false);
  return { deleted: await collection.remove(filter, { multi }) };
};

function pipelineOf(params: AdminRequest, ctx: ActionContext, codec: WireCodec): Record<string, unknown>[] {
  const raw = typeof params.stages === 'string' ? codec.decodeValue(params.stages, 'stages', ctx.now) : params.stages;
  if (!Array.isArray(raw)) throw new StudioError('InvalidArgument', 'Parameter "stages" must be an array.');
  return raw.map((stage: unknown, i) => {
    if (!isPlainObject(stage) || typeof stage.stageKey !== 'string' || !stage.stageKey.startsWith('$')) {
      throw new StudioError('InvalidArgument', `Stage ${i} must be { stageKey: "$<stage>", stageValue }.`);
    }
    return { [stage.stageKey]: codec.decodeValue(stage.stageValue, `stages[${i}].stageValue`, ctx.now) };
  });
}

function aggregate(db: Database, codec: WireCodec, params: AdminRequest, ctx: ActionContext): StoredDocument[] {
  const collection = collectionOf(db, params);
  return collection.aggregate(pipelineOf(params, ctx, codec));
}

const aggregateDocuments: Action = (db, codec) => (params, ctx) => {
  refuseTransaction(params);
  return { list: aggregate(db, codec, params, ctx).map((d) => codec.encodeDocument(d)) };
};

const addCollection: Action = (db) => async (params) => {
  await db.createCollection(requiredString(params, 'collectionName'));
  return {};
};

// ---- @cloudbase/database 0.9.x (tcb-admin-node, wx-server-sdk 1.x) ------------------------------

/** `add()` sends one document, with the id it asked for beside it, and reads back `_id`. */
const addDocument: Action = (db, codec) => async (params, ctx) => {
  refuseTransaction(params);
  const collection = collectionOf(db, params);
  const document = codec.decodeObject(params.data, 'data', ctx.now);
  if (params._id !== undefined && params._id !== null && params._id !== '') document._id = params._id;
  const [id] = await collection.insertMany([document]);
  return { _id: id };
};

const updateDocument: Action = (db, codec) => async (params, ctx) => {
  refuseTransaction(params);
  const { updated, upsertedId } = await modify(db, codec, params, ctx);
  return { updated, upserted_id: upsertedId, upsert_id: upsertedId };
};

/** 0.9.x reads `list` as a JSON array of EJSON strings. */
const legacyAggregate: Action = (db, codec) => (params, ctx) => {
  refuseTransaction(params);
  return { list: JSON.stringify(aggregate(db, codec, params, ctx).map(encodeWireDocument)) };
};

export function databaseActions(db: Database, transactions: Transactions = new Transactions(db)): ServiceActions {
  const current = (action: Action): ActionHandler => action(db, ejsonCodec);
  const legacy = (action: Action): ActionHandler => action(db, legacyCodec);
  const tx = transactionActions(db, transactions);
  // A `transactionId` turns a document operation into one of its transaction's.
  const either = (plain: ActionHandler, transactional: ActionHandler): ActionHandler => (params, ctx) =>
    inTransaction(params) ? transactional(params, ctx) : plain(params, ctx);
  return {
    fallbackCode: 'DATABASE_REQUEST_FAILED',
    // A document the database cannot store (a "$" field name, too deep) is the database's refusal in the cloud.
    codes: { InvalidDocument: 'DATABASE_REQUEST_FAILED', TransactionConflict: 'DATABASE_TRANSACTION_CONFLICT' },
    actions: {
      'database.getDocument': either(current(getDocument), tx.getDocument),
      'database.calculateDocument': current(calculateDocument),
      'database.insertDocument': either(current(insertDocument), tx.insertDocument),
      'database.modifyDocument': either(current(modifyDocument), tx.modifyDocument),
      'database.modifyAndReturnDoc': current(modifyAndReturnDoc),
      'database.removeDocument': either(current(removeDocument), tx.removeDocument),
      'database.aggregateDocuments': current(aggregateDocuments),
      'database.addCollection': current(addCollection),
      'database.queryDocument': legacy(getDocument),
      'database.countDocument': legacy(calculateDocument),
      'database.addDocument': legacy(addDocument),
      'database.updateDocument': legacy(updateDocument),
      'database.deleteDocument': legacy(removeDocument),
      'database.aggregate': legacy(legacyAggregate),
      ...tx.actions,
    },
  };
}
