/**
 * The realtime WebSocket js-sdk opens for `database.watch()` (the `wsUrl` of `auth.wsWebSign`),
 * speaking the cloud's messages: LOGIN (with the sign) → LOGIN_RES; INIT_WATCH → INIT_EVENT with
 * the documents; NEXT_EVENT as documents change; REBUILD_WATCH (after a reconnect) → NEXT_EVENT
 * with what was missed; CHECK_LAST → CHECK_EVENT; CLOSE_WATCH; PING → PONG; failures as ERROR
 * with a code. A watch's query passes the collection's read rule as a client query does, and
 * every change passes it again (watch-hub.ts). A message that cannot be read gets an ERROR and the
 * socket stays open.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { SortKey } from '../../shared/model';
import type { Database, StoredDocument } from '../database/api';
import { isPlainObject, legacyCodec } from '../server/wire-values';
import { rewriteOf, withOpenid } from './database-routes';
import type { ClientRequestLog } from './request-log';
import { decide, fixedFields, RuleError, ruleFor, type RuleDecision, type RuleFacts } from './rules';
import { TokenError, type ClientIdentity, type TokenSigner } from './tokens';
import { MAX_WATCH_DOCUMENTS, type WatchChange, type WatchHandle, type WatchHub } from './watch-hub';

/** Events kept per watch for REBUILD_WATCH after a reconnect. */
const HISTORY_EVENTS = 1_000;
/** How long a watch whose socket dropped waits for REBUILD_WATCH. */
const DETACHED_MS = 60_000;
/** No client message is near this; a larger one is refused by the socket (close 1009). */
const MAX_MESSAGE_BYTES = 256 * 1024;

export interface RealtimeOptions {
  database: Database;
  hub: WatchHub;
  signer: TokenSigner;
  log: ClientRequestLog;
  onError?: (error: unknown) => void;
}

interface Envelope {
  watchId?: string;
  requestId?: string;
  msgType: string;
  msgData: unknown;
}

interface Event extends WatchChange {
  ID: number;
}

/** One watch, which outlives its socket for a while so that REBUILD_WATCH can pick it up. */
interface Watch {
  queryID: string;
  watchId: string;
  uid: string | undefined;
  currEvent: number;
  history: Event[];
  handle: WatchHandle;
  connection: Connection | undefined;
  detachedTimer?: NodeJS.Timeout;
}

interface Connection {
  socket: WebSocket;
  /** The upgraded TCP socket, corked while one write's changes go out to many watches. */
  raw: Duplex | undefined;
  corked: boolean;
  /** Settles once the sign in the socket's URL is checked. */
  ready: Promise<void>;
  identity: ClientIdentity | null | undefined;
  envId: string;
  watches: Map<string, Watch>;
}

/** A refusal the client is told as an ERROR (or LOGIN_RES) with the cloud's code. */
class WatchError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const who = (identity: ClientIdentity | null | undefined): string => (identity ? `user ${identity.uid}` : 'a signed-out client');

function valueAt(doc: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (isPlainObject(v) ? v[k] : undefined), doc);
}

function sortOf(orderBy: unknown): SortKey[] {
  if (orderBy === undefined || orderBy === null) return [];
  if (!isPlainObject(orderBy)) throw new WatchError('INVALID_PARAM', '"orderBy" must be an object of field → "asc" | "desc".');
  return Object.entries(orderBy).map(([field, direction]) => {
    if (direction !== 'asc' && direction !== 'desc') throw new WatchError('INVALID_PARAM', `"orderBy.${field}" must be "asc" or "desc".`);
    return { field, direction: direction === 'asc' ? 1 : -1 };
  });
}

function limitOf(limit: unknown): number {
  if (limit === undefined || limit === null) return MAX_WATCH_DOCUMENTS;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) throw new WatchError('INVALID_PARAM', '"limit" must be a positive integer.');
  return Math.min(limit, MAX_WATCH_DOCUMENTS);
}

export interface RealtimeServer {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  readonly connections: number;
  close(): void;
}

export function realtimeServer(options: RealtimeOptions): RealtimeServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, clientTracking: true });
  const byQuery = new Map<string, Watch>();

  function send(connection: Connection, message: Envelope): void {
    if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(JSON.stringify(message));
  }

  function error(connection: Connection, request: Partial<Envelope>, code: string, message: string): void {
    send(connection, { watchId: request.watchId, requestId: request.requestId, msgType: 'ERROR', msgData: { code, message } });
  }

  function readDecision(identity: ClientIdentity | null, collection: string, facts: Omit<RuleFacts, 'auth'>): { decision: RuleDecision; label: string } {
    const chosen = ruleFor(options.database.collection(collection).getPermission(), 'read');
    try {
      return { decision: decide(chosen, { ...facts, auth: identity }), label: chosen.label };
    } catch (e) {
      if (e instanceof RuleError) return { decision: { allowed: false, failed: [`the rule cannot be evaluated: ${e.message}`], missing: [] }, label: chosen.label };
      throw e;
    }
  }

  /** A document reaches a watcher only if the read rule holds for it, as it is now. */
  function readable(identity: ClientIdentity | null, collection: string): (doc: StoredDocument) => boolean {
    return (doc) => {
      if (!options.database.hasCollection(collection)) return false;
      // A preset's `true` or `false` needs no document (READONLY and ADMINWRITE reads, ADMINONLY).
      const rule = ruleFor(options.database.collection(collection).getPermission(), 'read').rule;
      if (typeof rule === 'boolean') return rule;
      return readDecision(identity, collection, { doc: (path) => ({ value: valueAt(doc, path) }), now: new Date() }).decision.allowed;
    };
  }

  /** One write's messages to the watches of a socket leave in as few packets as they fit. */
  function cork(connection: Connection): void {
    if (connection.corked || !connection.raw) return;
    connection.corked = true;
    connection.raw.cork();
    setImmediate(() => {
      connection.corked = false;
      connection.raw?.uncork();
    });
  }

  function deliver(watch: Watch, changes: WatchChange[]): void {
    watch.currEvent += 1;
    // One write is one snapshot: all its changes carry the same event ID.
    const events = changes.map((c) => ({ ...c, ID: watch.currEvent }));
    watch.history.push(...events);
    if (watch.history.length > HISTORY_EVENTS) watch.history.splice(0, watch.history.length - HISTORY_EVENTS);
    if (watch.connection) cork(watch.connection);
    if (watch.connection) send(watch.connection, { watchId: watch.watchId, requestId: randomUUID(), msgType: 'NEXT_EVENT', msgData: { queryID: watch.queryID, currEvent: watch.currEvent, events } });
  }

  function closeWatch(watch: Watch): void {
    clearTimeout(watch.detachedTimer);
    watch.handle.close();
    byQuery.delete(watch.queryID);
    watch.connection?.watches.delete(watch.watchId);
    watch.connection = undefined;
  }

  function initWatch(connection: Connection, message: Envelope, requestId: string): void {
    const identity = connection.identity ?? null;
    const data = message.msgData;
    if (!isPlainObject(data) || typeof data.collName !== 'string' || data.collName === '') throw new WatchError('INVALID_PARAM', 'INIT_WATCH needs msgData.collName.');
    if (typeof message.watchId !== 'string' || message.watchId === '') throw new WatchError('INVALID_PARAM', 'INIT_WATCH needs a watchId.');
    if (connection.watches.has(message.watchId)) throw new WatchError('INVALID_PARAM', `Watch "${message.watchId}" is already open on this connection.`);
    const collection = data.collName;
    const now = new Date();
    let rawQuery: unknown;
    try {
      rawQuery = withOpenid(JSON.parse(typeof data.query === 'string' && data.query !== '' ? data.query : '{}'), identity?.openid ?? '');
    } catch (e) {
      throw new WatchError('INVALID_PARAM', `msgData.query is not valid JSON: ${(e as Error).message}`);
    }
    if (!isPlainObject(rawQuery)) throw new WatchError('INVALID_PARAM', 'msgData.query must be a JSON object.');
    let filter: Record<string, unknown>;
    try {
      filter = legacyCodec.decodeObject(rawQuery, 'query', now);
    } catch (e) {
      throw new WatchError('INVALID_PARAM', (e as Error).message);
    }
    const sort = sortOf(data.orderBy);
    const limit = limitOf(data.limit);
    const base = { time: Date.now(), requestId, operation: 'database.watch', collection, uid: identity?.uid };
    if (!options.database.hasCollection(collection)) {
      const text = `Collection "${collection}" does not exist.`;
      options.log.append({ ...base, decision: 'failed', message: `Failed database.watch on "${collection}": DATABASE_COLLECTION_NOT_EXIST ${text}` });
      throw new WatchError('DATABASE_COLLECTION_NOT_EXIST', text);
    }
    const fixed = fixedFields(filter);
    const { decision, label } = readDecision(identity, collection, { doc: (path) => (fixed.has(path) ? { value: fixed.get(path) } : undefined), now });
    if (!decision.allowed) {
      const rewrite = rewriteOf(rawQuery, decision);
      const advice = rewrite ? ` Rules validate the query, they do not filter its results: the query's own conditions must imply the rule, e.g. ${rewrite}.` : '';
      const text = `Permission denied: database.watch on "${collection}" for ${who(identity)} by ${label}; failed: ${decision.failed.join('; ')}.${advice}`;
      options.log.append({ ...base, rule: label, decision: 'denied', failed: decision.failed, rewrite, message: text });
      throw new WatchError('COLLECTION_PERMISSION_DENIED', text);
    }
    options.log.append({ ...base, rule: label, decision: 'allowed', message: `Allowed database.watch on "${collection}" for ${who(identity)} by ${label}.` });

    const watch: Watch = { queryID: randomUUID(), watchId: message.watchId, uid: identity?.uid, currEvent: 0, history: [], handle: undefined as unknown as WatchHandle, connection };
    watch.handle = options.hub.open({ collection, filter, sort, limit }, readable(identity, collection), (changes) => deliver(watch, changes));
    watch.currEvent = 1;
    connection.watches.set(watch.watchId, watch);
    byQuery.set(watch.queryID, watch);
    const events = watch.handle.initial.map((doc) => ({ ID: watch.currEvent, DataType: 'init', QueueType: 'init', DocID: String(doc._id), Doc: JSON.stringify(doc) }));
    send(connection, { watchId: watch.watchId, requestId, msgType: 'INIT_EVENT', msgData: { queryID: watch.queryID, currEvent: watch.currEvent, events } });
  }

  function rebuildWatch(connection: Connection, message: Envelope, requestId: string): void {
    const data = message.msgData;
    if (!isPlainObject(data) || typeof data.queryID !== 'string' || typeof data.eventID !== 'number') throw new WatchError('INVALID_PARAM', 'REBUILD_WATCH needs msgData.queryID and msgData.eventID.');
    const watch = byQuery.get(data.queryID);
    if (!watch || watch.uid !== connection.identity?.uid) throw new WatchError('QUERYID_INVALID_ERROR', `No watch "${data.queryID}" to rebuild for ${who(connection.identity)}; start it again.`);
    const missed = watch.history.filter((e) => e.ID > (data.eventID as number));
    if (data.eventID < watch.currEvent && (missed.length === 0 || missed[0].ID !== data.eventID + 1)) {
      closeWatch(watch);
      throw new WatchError('QUERYID_INVALID_ERROR', `The events after ${data.eventID} of watch "${data.queryID}" are no longer kept; start it again.`);
    }
    clearTimeout(watch.detachedTimer);
    watch.connection?.watches.delete(watch.watchId);
    watch.connection = connection;
    if (typeof message.watchId === 'string') watch.watchId = message.watchId;
    connection.watches.set(watch.watchId, watch);
    send(connection, { watchId: watch.watchId, requestId, msgType: 'NEXT_EVENT', msgData: { queryID: watch.queryID, currEvent: watch.currEvent, events: missed } });
  }

  async function handle(connection: Connection, message: Envelope): Promise<void> {
    await connection.ready;
    const requestId = typeof message.requestId === 'string' ? message.requestId : randomUUID();
    switch (message.msgType) {
      case 'PING':
        send(connection, { watchId: undefined, requestId, msgType: 'PONG', msgData: null });
        return;
      case 'LOGIN': {
        const data = isPlainObject(message.msgData) ? message.msgData : {};
        const extra = isPlainObject((message as unknown as Record<string, unknown>).exMsgData) ? ((message as unknown as Record<string, unknown>).exMsgData as Record<string, unknown>) : {};
        const envId = typeof data.envId === 'string' ? data.envId : '';
        if (typeof extra.signStr !== 'string' || extra.signStr === '') {
          send(connection, { watchId: undefined, requestId, msgType: 'LOGIN_RES', msgData: { envId, code: 'SIGN_PARAM_INVALID', message: 'LOGIN needs exMsgData.signStr from auth.wsWebSign.' } });
          return;
        }
        try {
          connection.identity = await options.signer.verifyWatchSign(extra.signStr);
          connection.envId = envId;
          send(connection, { watchId: undefined, requestId, msgType: 'LOGIN_RES', msgData: { envId } });
        } catch (e) {
          if (!(e instanceof TokenError)) throw e;
          send(connection, { watchId: undefined, requestId, msgType: 'LOGIN_RES', msgData: { envId, code: e.wireCode, message: e.message } });
        }
        return;
      }
      case 'INIT_WATCH':
      case 'REBUILD_WATCH':
      case 'CHECK_LAST':
      case 'CLOSE_WATCH':
        break;
      default:
        throw new WatchError('INVALID_MSG_TYPE', `Unknown msgType ${JSON.stringify(message.msgType)} (LOGIN, INIT_WATCH, REBUILD_WATCH, CHECK_LAST, CLOSE_WATCH and PING are served).`);
    }
    if (connection.identity === undefined) throw new WatchError('CHECK_LOGIN_FAILED', `${message.msgType} before LOGIN: send LOGIN with the sign from auth.wsWebSign first.`);
    if (message.msgType === 'INIT_WATCH') return initWatch(connection, message, requestId);
    if (message.msgType === 'REBUILD_WATCH') return rebuildWatch(connection, message, requestId);
    if (message.msgType === 'CHECK_LAST') {
      const data = message.msgData;
      if (!isPlainObject(data) || typeof data.queryID !== 'string') throw new WatchError('INVALID_PARAM', 'CHECK_LAST needs msgData.queryID.');
      const watch = byQuery.get(data.queryID);
      if (!watch || watch.connection !== connection) throw new WatchError('QUERYID_INVALID_ERROR', `No watch "${data.queryID}" on this connection.`);
      send(connection, { watchId: watch.watchId, requestId, msgType: 'CHECK_EVENT', msgData: { queryID: watch.queryID, currEvent: watch.currEvent } });
      return;
    }
    const watch = typeof message.watchId === 'string' ? connection.watches.get(message.watchId) : undefined;
    if (watch) closeWatch(watch);
  }

  function received(connection: Connection, raw: RawData, isBinary: boolean): void {
    let message: unknown;
    try {
      message = JSON.parse(isBinary ? Buffer.from(raw as Buffer).toString('utf8') : raw.toString());
    } catch (e) {
      error(connection, {}, 'INVALID_PARAM', `The message is not valid JSON: ${(e as Error).message}`);
      return;
    }
    if (!isPlainObject(message) || typeof message.msgType !== 'string') {
      const request = isPlainObject(message) ? { watchId: typeof message.watchId === 'string' ? message.watchId : undefined, requestId: typeof message.requestId === 'string' ? message.requestId : undefined } : {};
      error(connection, request, 'INVALID_PARAM', 'A message is a JSON object with msgType, requestId, watchId and msgData.');
      return;
    }
    const envelope = message as unknown as Envelope;
    handle(connection, envelope).catch((e: unknown) => {
      if (e instanceof WatchError) {
        error(connection, envelope, e.code, e.message);
        return;
      }
      options.onError?.(e);
      error(connection, envelope, 'SYS_ERR', `Internal error: ${(e as Error).message}`);
    });
  }

  wss.on('connection', (socket: WebSocket, request: IncomingMessage, raw?: Duplex) => {
    const connection: Connection = { socket, raw, corked: false, ready: Promise.resolve(), identity: undefined, envId: '', watches: new Map() };
    // js-sdk reuses a login it made on a socket that is still closing, so a new socket may see
    // INIT_WATCH without LOGIN: the sign in its URL (the `wsUrl` of auth.wsWebSign) logs it in.
    const sign = new URL(request.url ?? '/', 'http://localhost').searchParams.get('sign');
    if (sign) {
      connection.ready = options.signer.verifyWatchSign(sign).then(
        (identity) => void (connection.identity = identity),
        () => undefined,
      );
    }
    socket.on('message', (raw, isBinary) => received(connection, raw, isBinary));
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      // The watches wait for js-sdk's reconnect (REBUILD_WATCH) before they end.
      for (const watch of connection.watches.values()) {
        watch.connection = undefined;
        watch.detachedTimer = setTimeout(() => closeWatch(watch), DETACHED_MS);
        watch.detachedTimer.unref();
      }
      connection.watches.clear();
    });
  });

  return {
    handleUpgrade(request, socket, head) {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request, socket));
    },
    get connections() {
      return wss.clients.size;
    },
    close() {
      for (const watch of [...byQuery.values()]) closeWatch(watch);
      for (const client of wss.clients) client.close(1001, 'The local environment is shutting down.');
      wss.close();
    },
  };
}
