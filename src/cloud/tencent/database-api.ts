/**
 * The database of one Tencent CloudBase environment: collections and indexes through manager-node's
 * `database` service, documents through tcb's QueryRecords / PutItem / UpdateItem / DeleteItem
 * (manager-node has no document methods). `Mgo*` parameters are JSON strings of Extended JSON.
 * Permissions: the four presets through DescribeDatabaseACL / ModifyDatabaseACL, a CUSTOM rule
 * through DescribeSafeRule / ModifySafeRule (its `Rule` is a JSON string).
 */
import { EJSON } from 'bson';
import type CloudBase from '@cloudbase/manager-node';
import { StudioError } from '../../shared/errors';
import { checkPermission } from '../../project/permission';
import type { CollectionInfo, CollectionPermission, DocumentJson, DocumentQuery, IndexInfo, IndexSpec, JsonObject, Page, PageRequest, UpdateResult } from '../../shared/model';
import type { DatabaseApi } from '../backend';
import { callCloud, type CallPolicy } from './calls';
import { decodeOffsetCursor, encodeOffsetCursor } from './offset-cursor';

/** QueryRecords refuses a larger MgoLimit. */
const MAX_QUERY_LIMIT = 1000;

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw new StudioError('InvalidArgument', `A page size must be a positive integer (got ${limit}).`);
  return Math.min(limit, MAX_QUERY_LIMIT);
}

/** Server documents may come as canonical or relaxed EJSON; the contract speaks relaxed. */
function toDocument(raw: unknown): DocumentJson {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
  const value = EJSON.serialize(EJSON.parse(text, { relaxed: true }), { relaxed: true }) as JsonObject;
  const id = value._id;
  return { ...value, _id: typeof id === 'string' ? id : JSON.stringify(id) } as DocumentJson;
}

function defaultIndexName(spec: IndexSpec): string {
  return spec.keys.map((k) => `${k.field}_${k.direction}`).join('_');
}

interface PagerWire {
  Total?: number;
}

export class TencentDatabase implements DatabaseApi {
  constructor(
    private readonly app: CloudBase,
    private readonly envId: string,
    private readonly policy: CallPolicy,
  ) {}

  private call<T>(action: string, run: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return callCloud(action, run, this.policy, signal);
  }

  private tcb(action: string, param: Record<string, unknown>, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return this.call(action, () => this.app.commonService().call({ Action: action, Param: { EnvId: this.envId, ...param } }) as Promise<Record<string, unknown>>, signal);
  }

  async listCollections(page: PageRequest, signal?: AbortSignal): Promise<Page<CollectionInfo>> {
    const offset = decodeOffsetCursor(page.cursor);
    const limit = checkLimit(page.limit);
    const res = (await this.call('ListTables', () => this.app.database.listCollections({ MgoOffset: offset, MgoLimit: limit }), signal)) as {
      Collections?: { CollectionName: string; Count?: number; Size?: number; IndexCount?: number }[];
      Pager?: PagerWire;
    };
    const items = (res.Collections ?? []).map((c) => ({ name: c.CollectionName, count: c.Count ?? 0, sizeBytes: c.Size, indexCount: c.IndexCount }));
    const next = offset + items.length;
    return { items, nextCursor: items.length > 0 && next < (res.Pager?.Total ?? 0) ? encodeOffsetCursor(next) : undefined };
  }

  async createCollection(name: string, signal?: AbortSignal): Promise<void> {
    await this.call('CreateTable', () => this.app.database.createCollection(name), signal);
  }

  async deleteCollection(name: string, signal?: AbortSignal): Promise<void> {
    // manager-node's deleteCollection treats any DescribeTable failure (throttling, credentials…)
    // as "absent" and returns quietly, so the existence check is made here where errors surface.
    await this.call('DescribeTable', () => this.app.database.describeCollection(name), signal);
    const res = (await this.call('DeleteTable', () => this.app.database.deleteCollection(name), signal)) as { Exists?: boolean };
    if (res.Exists === false) throw new StudioError('CollectionNotFound', `Collection "${name}" does not exist.`);
  }

  async queryDocuments(collection: string, query: DocumentQuery, page: PageRequest, signal?: AbortSignal): Promise<Page<DocumentJson>> {
    const offset = decodeOffsetCursor(page.cursor);
    const limit = checkLimit(page.limit);
    const sort = query.sort && query.sort.length > 0 ? query.sort : [{ field: '_id', direction: 1 as const }];
    const res = await this.tcb(
      'QueryRecords',
      {
        TableName: collection,
        MgoQuery: JSON.stringify(query.filter ?? {}),
        MgoProjection: query.projection && Object.keys(query.projection).length > 0 ? JSON.stringify(query.projection) : undefined,
        MgoSort: JSON.stringify(sort.map((s) => ({ key: s.field, direction: s.direction }))),
        MgoLimit: limit,
        MgoOffset: offset,
      },
      signal,
    );
    const items = ((res.Data as unknown[] | undefined) ?? []).map(toDocument);
    const total = (res.Pager as PagerWire | undefined)?.Total ?? 0;
    const next = offset + items.length;
    return { items, nextCursor: items.length > 0 && next < total ? encodeOffsetCursor(next) : undefined };
  }

  async countDocuments(collection: string, filter?: JsonObject, signal?: AbortSignal): Promise<number> {
    const res = await this.tcb('QueryRecords', { TableName: collection, MgoQuery: JSON.stringify(filter ?? {}), MgoLimit: 1, MgoOffset: 0 }, signal);
    return (res.Pager as PagerWire | undefined)?.Total ?? 0;
  }

  async getDocument(collection: string, id: string, signal?: AbortSignal): Promise<DocumentJson | undefined> {
    const res = await this.tcb('QueryRecords', { TableName: collection, MgoQuery: JSON.stringify({ _id: id }), MgoLimit: 1, MgoOffset: 0 }, signal);
    const data = (res.Data as unknown[] | undefined) ?? [];
    return data.length > 0 ? toDocument(data[0]) : undefined;
  }

  async insertDocuments(collection: string, documents: JsonObject[], signal?: AbortSignal): Promise<string[]> {
    if (documents.length === 0) return [];
    const res = await this.tcb('PutItem', { TableName: collection, MgoDocs: documents.map((d) => JSON.stringify(d)) }, signal);
    return ((res.InsertedIds as unknown[] | undefined) ?? []).map((id) => (typeof id === 'string' ? id : JSON.stringify(id)));
  }

  async updateDocuments(
    collection: string,
    filter: JsonObject,
    update: JsonObject,
    options: { multi: boolean; upsert?: boolean },
    signal?: AbortSignal,
  ): Promise<UpdateResult> {
    const res = await this.tcb(
      'UpdateItem',
      { TableName: collection, MgoQuery: JSON.stringify(filter), MgoUpdate: JSON.stringify(update), MgoIsMulti: options.multi, MgoUpsert: options.upsert === true },
      signal,
    );
    const upserted = res.UpsertedId;
    return {
      matched: Number(res.MatchedNum ?? 0),
      modified: Number(res.ModifiedNum ?? 0),
      ...(typeof upserted === 'string' && upserted !== '' ? { upsertedId: upserted } : {}),
    };
  }

  async deleteDocuments(collection: string, filter: JsonObject, options: { multi: boolean }, signal?: AbortSignal): Promise<number> {
    const res = await this.tcb('DeleteItem', { TableName: collection, MgoQuery: JSON.stringify(filter), MgoIsMulti: options.multi }, signal);
    return Number(res.Deleted ?? 0);
  }

  async listIndexes(collection: string, signal?: AbortSignal): Promise<IndexInfo[]> {
    const res = (await this.call('DescribeTable', () => this.app.database.describeCollection(collection), signal)) as {
      Indexes?: { Name: string; Keys?: { Name: string; Direction: string | number }[]; Unique?: boolean }[];
    };
    return (res.Indexes ?? []).map((i) => ({
      name: i.Name,
      keys: (i.Keys ?? []).map((k) => ({ field: k.Name, direction: Number(k.Direction) === -1 ? -1 : 1 })),
      unique: i.Unique === true,
    }));
  }

  async createIndex(collection: string, spec: IndexSpec, signal?: AbortSignal): Promise<IndexInfo> {
    if (spec.keys.length === 0) throw new StudioError('InvalidArgument', 'An index needs at least one key.');
    const name = spec.name ?? defaultIndexName(spec);
    const unique = spec.unique === true;
    await this.call(
      'UpdateTable',
      () =>
        this.app.database.updateCollection(collection, {
          CreateIndexes: [
            {
              IndexName: name,
              MgoKeySchema: { MgoIndexKeys: spec.keys.map((k) => ({ Name: k.field, Direction: String(k.direction) })), MgoIsUnique: unique },
            },
          ],
        }),
      signal,
    );
    return { name, keys: spec.keys, unique };
  }

  async dropIndex(collection: string, name: string, signal?: AbortSignal): Promise<void> {
    await this.call('UpdateTable', () => this.app.database.updateCollection(collection, { DropIndexes: [{ IndexName: name }] }), signal);
  }

  async getPermission(collection: string, signal?: AbortSignal): Promise<CollectionPermission> {
    const acl = await this.tcb('DescribeDatabaseACL', { CollectionName: collection }, signal);
    if (acl.AclTag !== 'CUSTOM') return checkPermission({ acl: acl.AclTag });
    const rule = await this.tcb('DescribeSafeRule', { CollectionName: collection }, signal);
    let parsed: unknown;
    try {
      parsed = JSON.parse(String(rule.Rule ?? ''));
    } catch (e) {
      throw new StudioError('ServiceError', `The security rule of "${collection}" is not JSON.`, { cause: e });
    }
    return checkPermission({ acl: 'CUSTOM', rule: parsed });
  }

  async setPermission(collection: string, permission: CollectionPermission, signal?: AbortSignal): Promise<void> {
    const checked = checkPermission(permission);
    if (checked.acl === 'CUSTOM') {
      await this.tcb('ModifySafeRule', { CollectionName: collection, AclTag: 'CUSTOM', Rule: JSON.stringify(checked.rule) }, signal);
    } else {
      await this.tcb('ModifyDatabaseACL', { CollectionName: collection, AclTag: checked.acl }, signal);
    }
  }
}
