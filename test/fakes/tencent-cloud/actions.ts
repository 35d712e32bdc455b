/**
 * The tcb actions the fake answers, on top of the local environment's own database engine. Each
 * handler takes the request's parameters and returns the `Response` body without `RequestId`.
 */
import { isStudioError } from '../../../src/shared/errors';
import type { Database } from '../../../src/emulator/database';
import type { IndexInfo, SortKey } from '../../../src/shared/model';
import { decodeWireObject, decodeWireValue, encodeWireDocument } from '../../../src/emulator/server/wire-values';

/** An error the fake answers with `Response.Error`. */
export class CloudApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface FakeEnvironment {
  envId: string;
  alias: string;
  region: string;
  database: Database;
}

export type Params = Record<string, unknown>;
export type ActionHandler = (params: Params, env: () => FakeEnvironment, all: FakeEnvironment[]) => Promise<Record<string, unknown>> | Record<string, unknown>;

const MAX_QUERY_LIMIT = 1000;

function str(params: Params, name: string): string {
  const v = params[name];
  if (typeof v !== 'string' || v === '') throw new CloudApiError('MissingParameter', `The request is missing a required parameter \`${name}\`.`);
  return v;
}

function num(params: Params, name: string, fallback: number): number {
  const v = params[name];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new CloudApiError('InvalidParameter', `Parameter \`${name}\` must be a non-negative integer.`);
  return v;
}

function mgoObject(params: Params, name: string): Record<string, unknown> {
  const raw = params[name];
  if (raw === undefined || raw === '') return {};
  if (typeof raw !== 'string') throw new CloudApiError('InvalidParameter', `Parameter \`${name}\` must be a JSON string.`);
  return decodeWireObject(raw, name, new Date());
}

function describeEnv(e: FakeEnvironment): Record<string, unknown> {
  return {
    EnvId: e.envId,
    Alias: e.alias,
    Status: 'NORMAL',
    Region: e.region,
    Source: 'miniapp',
    PackageName: 'Standard',
    Databases: [{ InstanceId: `tnt-${e.envId}`, Region: e.region, Status: 'RUNNING' }],
    Storages: [{ Bucket: `${e.envId}-1250000000`, Region: e.region, CdnDomain: `${e.envId}.tcb.qcloud.la` }],
    Functions: [{ Namespace: e.envId, Region: e.region }],
    LogServices: [],
  };
}

function indexWire(index: IndexInfo): Record<string, unknown> {
  return {
    Name: index.name,
    Size: 0,
    Keys: index.keys.map((k) => ({ Name: k.field, Direction: String(k.direction) })),
    Accesses: { Ops: 0, Since: new Date(0).toISOString() },
    Unique: index.unique,
  };
}

function sortOf(params: Params): SortKey[] | undefined {
  const raw = params.MgoSort;
  if (raw === undefined || raw === '') return undefined;
  const parsed = typeof raw === 'string' ? decodeWireValue(raw, 'MgoSort', new Date()) : raw;
  if (!Array.isArray(parsed)) throw new CloudApiError('InvalidParameter', 'Parameter `MgoSort` must be an array.');
  return parsed.map((s: { key?: unknown; direction?: unknown }) => {
    if (typeof s.key !== 'string' || (s.direction !== 1 && s.direction !== -1)) {
      throw new CloudApiError('InvalidParameter', 'Parameter `MgoSort` entries need a key and a direction of 1 or -1.');
    }
    return { field: s.key, direction: s.direction };
  });
}

export const actions: Record<string, ActionHandler> = {
  CheckTcbService: () => ({ Initialized: true }),

  DescribeEnvs: (params, _env, all) => {
    const wanted = typeof params.EnvId === 'string' ? all.filter((e) => e.envId === params.EnvId) : all;
    return { EnvList: wanted.map(describeEnv), Total: wanted.length };
  },

  // manager-node reads `EnvInfo.EnvBaseInfo` (not `EnvInfo` itself) from this action.
  DescribeEnvInfo: (_params, env) => ({ EnvInfo: { EnvBaseInfo: describeEnv(env()) } }),

  ListTables: (params, env) => {
    const offset = num(params, 'MgoOffset', 0);
    const limit = num(params, 'MgoLimit', 100);
    const all = env().database.listCollections().sort((a, b) => a.name.localeCompare(b.name));
    const tables = all.slice(offset, offset + limit).map((c) => ({
      TableName: c.name,
      Count: c.count,
      Size: c.sizeBytes ?? 0,
      IndexCount: c.indexCount ?? 1,
      IndexSize: 0,
    }));
    return { Tables: tables.length > 0 ? tables : null, Pager: { Offset: offset, Limit: limit, Total: all.length } };
  },

  CreateTable: async (params, env) => {
    await env().database.createCollection(str(params, 'TableName'));
    return {};
  },

  DescribeTable: (params, env) => {
    const indexes = env().database.collection(str(params, 'TableName')).listIndexes();
    return { Indexes: indexes.map(indexWire), IndexNum: indexes.length };
  },

  DeleteTable: async (params, env) => {
    await env().database.dropCollection(str(params, 'TableName'));
    return {};
  },

  UpdateTable: async (params, env) => {
    const collection = env().database.collection(str(params, 'TableName'));
    const drops = (params.DropIndexes ?? []) as { IndexName?: string }[];
    const creates = (params.CreateIndexes ?? []) as { IndexName?: string; MgoKeySchema?: { MgoIndexKeys?: { Name: string; Direction: string }[]; MgoIsUnique?: boolean } }[];
    for (const d of drops) await collection.dropIndex(String(d.IndexName));
    for (const c of creates) {
      const keys = c.MgoKeySchema?.MgoIndexKeys ?? [];
      if (keys.length === 0) throw new CloudApiError('InvalidParameter', 'An index needs at least one key.');
      await collection.createIndex({
        name: c.IndexName,
        keys: keys.map((k) => ({ field: k.Name, direction: Number(k.Direction) === -1 ? -1 : 1 })),
        unique: c.MgoKeySchema?.MgoIsUnique === true,
      });
    }
    return {};
  },

  QueryRecords: (params, env) => {
    const collection = env().database.collection(str(params, 'TableName'));
    const limit = num(params, 'MgoLimit', 100);
    if (limit > MAX_QUERY_LIMIT) {
      throw new CloudApiError('InvalidParameter', "Key: 'MgoQueryParam.MgoLimit' Error:Field validation for 'MgoLimit' failed on the 'lte' tag");
    }
    const offset = num(params, 'MgoOffset', 0);
    const filter = mgoObject(params, 'MgoQuery');
    const projection = mgoObject(params, 'MgoProjection') as Record<string, 0 | 1>;
    const found = collection.find(filter, {
      sort: sortOf(params),
      projection: Object.keys(projection).length > 0 ? projection : undefined,
      skip: offset,
      limit,
    });
    return {
      Data: found.documents.map((d) => encodeWireDocument(d)),
      Pager: { Offset: offset, Limit: limit, Total: collection.count(filter) },
    };
  },

  PutItem: async (params, env) => {
    const collection = env().database.collection(str(params, 'TableName'));
    const docs = params.MgoDocs;
    if (!Array.isArray(docs) || docs.length === 0) throw new CloudApiError('InvalidParameter', 'Parameter `MgoDocs` must be a non-empty array.');
    const ids = await collection.insertMany(docs.map((d, i) => decodeWireObject(d, `MgoDocs[${i}]`, new Date())));
    return { InsertedIds: ids };
  },

  UpdateItem: async (params, env) => {
    const collection = env().database.collection(str(params, 'TableName'));
    const result = await collection.update(mgoObject(params, 'MgoQuery'), mgoObject(params, 'MgoUpdate'), {
      multi: params.MgoIsMulti === true,
      upsert: params.MgoUpsert === true,
    });
    return { MatchedNum: result.matched, ModifiedNum: result.modified, UpsertedId: result.upsertedId ?? null };
  },

  DeleteItem: async (params, env) => {
    const collection = env().database.collection(str(params, 'TableName'));
    return { Deleted: await collection.remove(mgoObject(params, 'MgoQuery'), { multi: params.MgoIsMulti === true }) };
  },
};

/** The engine's refusals in Tencent's words. */
export function toCloudApiError(e: unknown): CloudApiError {
  if (e instanceof CloudApiError) return e;
  if (isStudioError(e)) {
    switch (e.code) {
      case 'CollectionNotFound':
        return new CloudApiError('ResourceNotFound.TableNotExist', e.message);
      case 'CollectionExists':
        return new CloudApiError('ResourceInUse.TableExist', e.message);
      case 'IndexNotFound':
      case 'IndexExists':
      case 'DuplicateKey':
        return new CloudApiError('FailedOperation', e.message);
      case 'Internal':
        return new CloudApiError('InternalError', e.message);
      default:
        return new CloudApiError('InvalidParameter', e.message);
    }
  }
  return new CloudApiError('InternalError', e instanceof Error ? e.message : String(e));
}

