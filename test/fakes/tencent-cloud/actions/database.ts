/** The environment, collection, index and document actions of service tcb. */
import type { IndexInfo, SortKey } from '../../../../src/shared/model';
import { decodeWireObject, decodeWireValue, encodeWireDocument } from '../../../../src/emulator/server/wire-values';
import { cloudBucket } from './storage';
import { CloudApiError, num, str, type ActionHandler, type FakeEnvironment, type Params } from './common';

const MAX_QUERY_LIMIT = 1000;

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
    Storages: [{ Bucket: cloudBucket(e.envId), Region: e.region, CdnDomain: `${cloudBucket(e.envId)}.tcb.qcloud.la` }],
    Functions: [{ Namespace: e.envId, Region: e.region }],
    LogServices: e.logService ? [{ LogsetName: 'tcb-logset', LogsetId: `logset-${e.envId}`, TopicName: `tcb-${e.envId}`, TopicId: `topic-${e.envId}`, Region: e.region, Period: 7 }] : [],
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

export const databaseActions: Record<string, ActionHandler> = {
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
    const all = env().local.database.listCollections().sort((a, b) => a.name.localeCompare(b.name));
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
    await env().local.database.createCollection(str(params, 'TableName'));
    return {};
  },

  DescribeTable: (params, env) => {
    const indexes = env().local.database.collection(str(params, 'TableName')).listIndexes();
    return { Indexes: indexes.map(indexWire), IndexNum: indexes.length };
  },

  DeleteTable: async (params, env) => {
    await env().local.database.dropCollection(str(params, 'TableName'));
    return {};
  },

  UpdateTable: async (params, env) => {
    const collection = env().local.database.collection(str(params, 'TableName'));
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
    const collection = env().local.database.collection(str(params, 'TableName'));
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
    const collection = env().local.database.collection(str(params, 'TableName'));
    const docs = params.MgoDocs;
    if (!Array.isArray(docs) || docs.length === 0) throw new CloudApiError('InvalidParameter', 'Parameter `MgoDocs` must be a non-empty array.');
    const ids = await collection.insertMany(docs.map((d, i) => decodeWireObject(d, `MgoDocs[${i}]`, new Date())));
    return { InsertedIds: ids };
  },

  UpdateItem: async (params, env) => {
    const collection = env().local.database.collection(str(params, 'TableName'));
    const result = await collection.update(mgoObject(params, 'MgoQuery'), mgoObject(params, 'MgoUpdate'), {
      multi: params.MgoIsMulti === true,
      upsert: params.MgoUpsert === true,
    });
    return { MatchedNum: result.matched, ModifiedNum: result.modified, UpsertedId: result.upsertedId ?? null };
  },

  DeleteItem: async (params, env) => {
    const collection = env().local.database.collection(str(params, 'TableName'));
    return { Deleted: await collection.remove(mgoObject(params, 'MgoQuery'), { multi: params.MgoIsMulti === true }) };
  },

  // Collection permissions: presets by ACL, CUSTOM rules as JSON strings, on the engine's collection.
  DescribeDatabaseACL: (params, env) => ({ AclTag: env().local.database.collection(str(params, 'CollectionName')).getPermission().acl }),

  ModifyDatabaseACL: async (params, env) => {
    const acl = str(params, 'AclTag');
    if (!['READONLY', 'PRIVATE', 'ADMINWRITE', 'ADMINONLY'].includes(acl)) throw new CloudApiError('InvalidParameter', `AclTag ${acl} is not a preset; set CUSTOM rules with ModifySafeRule.`);
    await env().local.database.collection(str(params, 'CollectionName')).setPermission({ acl: acl as 'READONLY' });
    return {};
  },

  DescribeSafeRule: (params, env) => {
    const permission = env().local.database.collection(str(params, 'CollectionName')).getPermission();
    return { AclTag: permission.acl, Rule: permission.rule ? JSON.stringify(permission.rule) : '' };
  },

  ModifySafeRule: async (params, env) => {
    if (str(params, 'AclTag') !== 'CUSTOM') throw new CloudApiError('InvalidParameter', 'ModifySafeRule sets CUSTOM rules only.');
    let rule: unknown;
    try {
      rule = JSON.parse(str(params, 'Rule'));
    } catch {
      throw new CloudApiError('InvalidParameter', 'Parameter `Rule` must be a JSON object.');
    }
    await env().local.database.collection(str(params, 'CollectionName')).setPermission({ acl: 'CUSTOM', rule: rule as Record<string, never> });
    return {};
  },
};
