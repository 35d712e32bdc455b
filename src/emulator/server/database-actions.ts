/**
 * The `database.*` actions of /admin, as @cloudbase/database (used by node-sdk and wx-server-sdk)
 * sends them: query, order, projection and data are EJSON strings; documents go back as EJSON strings.
 */
import { Query } from 'mingo/query';
import { MINGO_OPTIONS } from '../database/query';
import type { SortKey } from '../../shared/model';
import { StudioError } from '../../shared/errors';
import type { Collection, Database, StoredDocument } from '../database/api';
import type { ActionContext, ActionHandler, AdminRequest, ServiceActions } from './protocol';
import { optionalBoolean, optionalInteger, requiredString } from './params';
import { decodeWireObject, decodeWireValue, encodeWireDocument, isPlainObject } from './wire-values';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

type Filter = Record<string, unknown>;

function collectionOf(db: Database, params: AdminRequest): Collection {
  return db.collection(requiredString(params, 'collectionName'));
}

/** Transactions need isolation the engine does not offer; refusing beats running them half-applied. */
function refuseTransaction(params: AdminRequest): void {
  if (params.transactionId !== undefined && params.transactionId !== null && params.transactionId !== '') {
    throw new StudioError('NotSupported', 'Transactions are not supported by the local environment.');
  }
}

function filterOf(params: AdminRequest, ctx: ActionContext): Filter {
  const raw = params.query;
  if (raw === undefined || raw === null || raw === '') return {};
  return decodeWireObject(raw, 'query', ctx.now);
}

function directionOf(value: unknown, field: string): 1 | -1 {
  if (value === 1 || value === 'asc') return 1;
  if (value === -1 || value === 'desc') return -1;
  throw new StudioError('InvalidArgument', `Sort direction for "${field}" must be 1, -1, "asc" or "desc".`);
}

/** `{ field: 1 | -1 }` from current SDKs, `[{ field, direction }]` from older ones. */
function sortOf(params: AdminRequest, ctx: ActionContext): SortKey[] | undefined {
  if (params.order === undefined || params.order === null || params.order === '') return undefined;
  const order = decodeWireValue(params.order, 'order', ctx.now);
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

function projectionOf(params: AdminRequest, ctx: ActionContext): Projection | undefined {
  if (params.projection === undefined || params.projection === null || params.projection === '') return undefined;
  const projection = decodeWireObject(params.projection, 'projection', ctx.now);
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
function project(documents: StoredDocument[], projection: Projection): Record<string, unknown>[] {
  try {
    return new Query({}, MINGO_OPTIONS).find(documents, projection).all() as Record<string, unknown>[];
  } catch (e) {
    throw new StudioError('InvalidQuery', `Invalid projection: ${(e as Error).message}`, { cause: e });
  }
}

function hasOperators(update: Record<string, unknown>): boolean {
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

const getDocument: (db: Database) => ActionHandler = (db) => (params, ctx) => {
  refuseTransaction(params);
  const collection = collectionOf(db, params);
  const filter = filterOf(params, ctx);
  const sort = sortOf(params, ctx);
  const projection = projectionOf(params, ctx);
  const offset = optionalInteger(params, 'offset', { min: 0 }) ?? 0;
  const requested = optionalInteger(params, 'limit', { min: 0 });
  // The SDK caps at 1000 too and sends 100 when no limit was set; 0 means "not set" there.
  const limit = Math.min(requested || DEFAULT_LIMIT, MAX_LIMIT);
  const simple = projection === undefined || isSimpleProjection(projection);
  const { documents } = collection.find(filter, {
    sort,
    projection: simple ? projection : undefined,
    skip: offset > 0 ? offset : undefined,
    limit,
  });
  const shaped = simple ? documents : project(documents, projection);
  return { list: shaped.map(encodeWireDocument), limit, offset };
};

const calculateDocument: (db: Database) => ActionHandler = (db) => (params, ctx) => {
  refuseTransaction(params);
  const collection = collectionOf(db, params);
  return { total: collection.count(filterOf(params, ctx)) };
};

const insertDocument: (db: Database) => ActionHandler = (db) => async (params, ctx) => {
  refuseTransaction(params);
  const collection = collectionOf(db, params);
  const raw = Array.isArray(params.data) ? params.data : params.data === undefined ? [] : [params.data];
  if (raw.length === 0) throw new StudioError('InvalidArgument', 'Parameter "data" must hold at least one document.');
  const documents = raw.map((d, i) => decodeWireObject(d, `data[${i}]`, ctx.now));
  return { insertedIds: await collection.insertMany(documents) };
};

const modifyDocument: (db: Database) => ActionHandler = (db) => async (params, ctx) => {
  refuseTransaction(params);
  const collection = collectionOf(db, params);
  const filter = filterOf(params, ctx);
  const data = decodeWireObject(params.data, 'data', ctx.now);
  const multi = optionalBoolean(params, 'multi', false);
  const upsert = optionalBoolean(params, 'upsert', false);
  const merge = optionalBoolean(params, 'merge', true);
  let update: Record<string, unknown>;
  if (merge) {
    update = mergeUpdateOf(data);
  } else {
    // `doc().set()`: the document replaces the stored one (or is created, with upsert).
    if (hasOperators(data)) throw new StudioError('InvalidArgument', 'A replacement document cannot contain update operators.');
    if ('_id' in data) throw new StudioError('InvalidArgument', 'A replacement document cannot change "_id".');
    update = data;
  }
  const result = await collection.update(filter, update, { multi, upsert });
  return { updated: result.modified, upsert_id: result.upsertedId };
};

const modifyAndReturnDoc: (db: Database) => ActionHandler = (db) => async (params, ctx) => {
  refuseTransaction(params);
  const collection = collectionOf(db, params);
  const filter = filterOf(params, ctx);
  const update = mergeUpdateOf(decodeWireObject(params.data, 'data', ctx.now));
  const doc = await collection.findOneAndUpdate(filter, update);
  return { updated: doc ? 1 : 0, doc: doc ? encodeWireDocument(doc) : null };
};

const removeDocument: (db: Database) => ActionHandler = (db) => async (params, ctx) => {
  refuseTransaction(params);
  const collection = collectionOf(db, params);
  const filter = filterOf(params, ctx);
  const multi = optionalBoolean(params, 'multi', false);
  return { deleted: await collection.remove(filter, { multi }) };
};

function pipelineOf(params: AdminRequest, ctx: ActionContext): Record<string, unknown>[] {
  const raw = typeof params.stages === 'string' ? decodeWireValue(params.stages, 'stages', ctx.now) : params.stages;
  if (!Array.isArray(raw)) throw new StudioError('InvalidArgument', 'Parameter "stages" must be an array.');
  return raw.map((stage: unknown, i) => {
    if (!isPlainObject(stage) || typeof stage.stageKey !== 'string' || !stage.stageKey.startsWith('$')) {
      throw new StudioError('InvalidArgument', `Stage ${i} must be { stageKey: "$<stage>", stageValue }.`);
    }
    return { [stage.stageKey]: decodeWireValue(stage.stageValue, `stages[${i}].stageValue`, ctx.now) };
  });
}

const aggregateDocuments: (db: Database) => ActionHandler = (db) => (params, ctx) => {
  refuseTransaction(params);
  const collection = collectionOf(db, params);
  const pipeline = pipelineOf(params, ctx);
  return { list: collection.aggregate(pipeline).map(encodeWireDocument) };
};

const addCollection: (db: Database) => ActionHandler = (db) => async (params) => {
  await db.createCollection(requiredString(params, 'collectionName'));
  return {};
};

const notSupported: ActionHandler = (params) => {
  throw new StudioError('NotSupported', `${params.action} is not supported by the local environment (transactions are not available).`);
};

export function databaseActions(db: Database): ServiceActions {
  return {
    fallbackCode: 'DATABASE_REQUEST_FAILED',
    actions: {
      'database.getDocument': getDocument(db),
      'database.calculateDocument': calculateDocument(db),
      'database.insertDocument': insertDocument(db),
      'database.modifyDocument': modifyDocument(db),
      'database.modifyAndReturnDoc': modifyAndReturnDoc(db),
      'database.removeDocument': removeDocument(db),
      'database.aggregateDocuments': aggregateDocuments(db),
      'database.addCollection': addCollection(db),
      'database.startTransaction': notSupported,
      'database.commitTransaction': notSupported,
      'database.abortTransaction': notSupported,
      'database.getInTransaction': notSupported,
      'database.updateDocInTransaction': notSupported,
      'database.deleteDocInTransaction': notSupported,
    },
  };
}
