/**
 * The transaction actions of /admin. @cloudbase/database 1.x (node-sdk, wx-server-sdk 2.x+) sends
 * `database.startTransaction`, then the usual document actions with a `transactionId`, then
 * `commitTransaction` or `abortTransaction`; 0.9 (tcb-admin-node, wx-server-sdk 1.x) sends
 * `getInTransaction`, `insertDocInTransaction`, `updateDocInTransaction` and
 * `deleteDocInTransaction`, which answer beside `requestId` with EJSON strings. The state lives
 * in ./transactions.ts.
 */
import { EJSON } from 'bson';
import { StudioError } from '../../shared/errors';
import type { Database, StoredDocument } from '../database/api';
import { collectionOf, filterOf, hasOperators, project, projectionOf, updateOf } from './database-actions';
import { optionalBoolean } from './params';
import { TopLevelReply, type ActionContext, type ActionHandler, type AdminRequest } from './protocol';
import type { Transactions } from './transactions';
import { ejsonCodec, isPlainObject } from './wire-values';

/** Transactions address documents by id; the filter must name exactly one. */
function idOf(filter: Record<string, unknown>, params: AdminRequest): string {
  if (typeof params._id === 'string' && params._id !== '') return params._id;
  const id = filter._id;
  const only = Object.keys(filter).length === 1;
  if (only && typeof id === 'string') return id;
  if (only && isPlainObject(id) && Object.keys(id).length === 1 && typeof id.$eq === 'string') return id.$eq;
  throw new StudioError('NotSupported', 'Inside a transaction, documents are read and written by id (doc(id)); queries over several documents are not transactional.');
}

function txFilter(params: AdminRequest, ctx: ActionContext): Record<string, unknown> {
  return filterOf(params, ctx, ejsonCodec);
}

function collectionName(db: Database, params: AdminRequest): string {
  return collectionOf(db, params).name;
}

export interface TransactionActions {
  getDocument: ActionHandler;
  insertDocument: ActionHandler;
  modifyDocument: ActionHandler;
  removeDocument: ActionHandler;
  actions: Record<string, ActionHandler>;
}

export function transactionActions(db: Database, tx: Transactions): TransactionActions {
  const encode = (doc: Record<string, unknown> | null): string => EJSON.stringify(doc, { relaxed: false });

  const legacyUpdate = (params: AdminRequest, ctx: ActionContext) => {
    const name = collectionName(db, params);
    const id = idOf(txFilter(params, ctx), params);
    const data = ejsonCodec.decodeObject(params.data, 'data', ctx.now);
    // 0.9's set() sends the document (with upsert); its update() sends operators.
    const upsert = optionalBoolean(params, 'upsert', false);
    const update = hasOperators(data) ? data : { ...data };
    delete update._id;
    return { id, result: tx.update(params.transactionId, name, id, update, upsert) };
  };

  return {
    getDocument: (params, ctx) => {
      const name = collectionName(db, params);
      const projection = projectionOf(params, ctx, ejsonCodec);
      const found: StoredDocument[] = tx.query(params.transactionId, name, txFilter(params, ctx));
      const shaped = projection ? project(found, projection) : found;
      return { list: shaped.map((d) => ejsonCodec.encodeDocument(d)), limit: shaped.length, offset: 0 };
    },
    insertDocument: (params, ctx) => {
      const name = collectionName(db, params);
      const raw = Array.isArray(params.data) ? params.data : [params.data];
      const insertedIds = raw.map((d, i) => tx.insert(params.transactionId, name, ejsonCodec.decodeObject(d, `data[${i}]`, ctx.now)));
      return { insertedIds };
    },
    modifyDocument: (params, ctx) => {
      const name = collectionName(db, params);
      const id = idOf(txFilter(params, ctx), params);
      const { update } = updateOf(params, ctx, ejsonCodec);
      const { updated, upsertedId } = tx.update(params.transactionId, name, id, update, optionalBoolean(params, 'upsert', false));
      return { updated, upsert_id: upsertedId };
    },
    removeDocument: (params, ctx) => {
      const name = collectionName(db, params);
      return { deleted: tx.remove(params.transactionId, name, idOf(txFilter(params, ctx), params)) };
    },
    actions: {
      'database.startTransaction': () => new TopLevelReply({ transactionId: tx.start() }),
      'database.commitTransaction': async (params) => {
        await tx.commit(params.transactionId);
        return new TopLevelReply({});
      },
      'database.abortTransaction': (params) => {
        tx.abort(params.transactionId);
        return new TopLevelReply({});
      },
      'database.getInTransaction': (params, ctx) => {
        const name = collectionName(db, params);
        return encode(tx.read(params.transactionId, name, idOf(txFilter(params, ctx), params)));
      },
      'database.insertDocInTransaction': (params, ctx) => {
        const name = collectionName(db, params);
        const doc = ejsonCodec.decodeObject(params.data, 'data', ctx.now);
        if (typeof params._id === 'string' && params._id !== '') doc._id = params._id;
        tx.insert(params.transactionId, name, doc);
        return new TopLevelReply({ inserted: '1', ok: '1' });
      },
      'database.updateDocInTransaction': (params, ctx) => {
        const { id, result } = legacyUpdate(params, ctx);
        return new TopLevelReply({ updated: String(result.updated), upserted: result.upsertedId ? JSON.stringify([{ _id: id }]) : undefined });
      },
      'database.deleteDocInTransaction': (params, ctx) => {
        const name = collectionName(db, params);
        return new TopLevelReply({ deleted: String(tx.remove(params.transactionId, name, idOf(txFilter(params, ctx), params))) });
      },
    },
  };
}
