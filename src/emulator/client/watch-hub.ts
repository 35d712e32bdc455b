/**
 * Realtime watches over the local database, whoever writes: each distinct query (collection,
 * filter, order, limit) is one group holding the documents it matched last, and after every
 * document write to its collection the group runs its query again and names what changed — add,
 * update (the fields set and removed), replace, remove, and limit when a document only entered or
 * left a limited window. Each watcher of a group sees those changes through its own read rule:
 * a document it may not read is never sent, and one that stops being readable leaves its view.
 * Only the Database interface is used; the writes come from `observeWrites`.
 */
import { isDeepStrictEqual } from 'node:util';
import type { SortKey } from '../../shared/model';
import type { Database, StoredDocument } from '../database/api';
import type { DocumentWrite } from '../process/write-events';
import { isPlainObject, legacyCodec } from '../server/wire-values';

/** What the cloud sends at most when a watch starts, and so the most a local watch tracks. */
export const MAX_WATCH_DOCUMENTS = 5_000;

export interface WatchQuery {
  collection: string;
  /** Engine values (decoded), with `'{openid}'` already replaced. */
  filter: Record<string, unknown>;
  sort: SortKey[];
  /** At most MAX_WATCH_DOCUMENTS. */
  limit: number;
}

export type DataType = 'init' | 'add' | 'update' | 'replace' | 'remove' | 'limit';
export type QueueType = 'init' | 'enqueue' | 'dequeue' | 'update';

/** One change as the realtime protocol names it (its event ID is given by the socket's session). */
export interface WatchChange {
  DataType: DataType;
  QueueType: QueueType;
  DocID: string;
  /** The whole document as JSON text, or '' where the protocol sends none. */
  Doc: string;
  UpdatedFields?: string;
  /** js-sdk reads this one in lower camel case. */
  removedFields?: string;
}

export interface WatchHandle {
  /** The documents the watcher may read, in the query's order, as JSON values. */
  readonly initial: Record<string, unknown>[];
  close(): void;
}

interface GroupChange {
  id: string;
  dataType: Exclude<DataType, 'init'>;
  queueType: Exclude<QueueType, 'init'>;
  before?: StoredDocument;
  after?: StoredDocument;
  /** Worked out once for all the group's watchers. */
  text?: string;
  fields?: { updated: string; removed: string };
}

const docText = (c: GroupChange): string => (c.text ??= JSON.stringify(encode(c.after!)));

function fieldTexts(c: GroupChange): { updated: string; removed: string } {
  if (!c.fields) {
    const { updated, removed } = fieldChanges(encode(c.before!), encode(c.after!));
    c.fields = { updated: JSON.stringify(updated), removed: JSON.stringify(removed) };
  }
  return c.fields;
}

interface Member {
  visible(doc: StoredDocument): boolean;
  deliver(changes: WatchChange[]): void;
  /** The documents this watcher has been sent and not told to drop. */
  sent: Set<string>;
}

/** JSON as @cloudbase/database writes documents (`{ $date: <ms> }`), which a watcher's snapshot holds as they are. */
const encode = (doc: Record<string, unknown>): Record<string, unknown> => legacyCodec.encodeDocument(doc) as Record<string, unknown>;

/** Wrapped values (`{ $date }`, `{ $numberDecimal }`) change as a whole, not field by field. */
const isWrapped = (value: Record<string, unknown>): boolean => Object.keys(value).some((k) => k.startsWith('$'));

/** The dotted paths set and removed between two encoded documents, as js-sdk applies them. */
export function fieldChanges(before: Record<string, unknown>, after: Record<string, unknown>, prefix = '', updated: Record<string, unknown> = {}, removed: string[] = []): { updated: Record<string, unknown>; removed: string[] } {
  for (const [key, value] of Object.entries(after)) {
    const path = prefix + key;
    const old = before[key];
    if (!Object.hasOwn(before, key)) updated[path] = value;
    else if (isPlainObject(old) && isPlainObject(value) && !isWrapped(old) && !isWrapped(value)) fieldChanges(old, value, `${path}.`, updated, removed);
    else if (!isDeepStrictEqual(old, value)) updated[path] = value;
  }
  for (const key of Object.keys(before)) if (!Object.hasOwn(after, key)) removed.push(prefix + key);
  return { updated, removed };
}

class QueryGroup {
  readonly members = new Set<Member>();
  private documents = new Map<string, StoredDocument>();
  /** For a limited query: every document matching the filter, to tell a limit change from an update. */
  private matching = new Set<string>();

  constructor(
    private readonly database: Database,
    readonly query: WatchQuery,
  ) {
    for (const doc of this.run()) this.documents.set(doc._id, doc);
    if (this.limited) this.matching = this.matchingIds();
  }

  get limited(): boolean {
    return this.query.limit < MAX_WATCH_DOCUMENTS;
  }

  current(): StoredDocument[] {
    return [...this.documents.values()];
  }

  private run(): StoredDocument[] {
    if (!this.database.hasCollection(this.query.collection)) return [];
    return this.database.collection(this.query.collection).find(this.query.filter, { sort: this.query.sort, limit: this.query.limit }).documents;
  }

  private matchingIds(): Set<string> {
    if (!this.database.hasCollection(this.query.collection)) return new Set();
    return new Set(this.database.collection(this.query.collection).find(this.query.filter, { projection: { _id: 1 } }).documents.map((d) => d._id));
  }

  private exists(id: string): boolean {
    return this.database.hasCollection(this.query.collection) && this.database.collection(this.query.collection).find({ _id: id }, { limit: 1, projection: { _id: 1 } }).documents.length > 0;
  }

  /** Runs the query again after `write` and names the differences from the last run. */
  refresh(write: DocumentWrite): GroupChange[] {
    const next = new Map(this.run().map((d) => [d._id, d] as const));
    const matching = this.limited ? this.matchingIds() : undefined;
    const inserted = new Set(write.insertedIds);
    const changed: Exclude<DataType, 'init'> = write.operation === 'replace' ? 'replace' : 'update';
    const changes: GroupChange[] = [];
    for (const [id, after] of next) {
      const before = this.documents.get(id);
      if (!before) {
        const dataType = inserted.has(id) ? 'add' : this.matching.has(id) ? 'limit' : changed;
        changes.push({ id, dataType, queueType: 'enqueue', after });
      } else if (!isDeepStrictEqual(before, after)) {
        changes.push({ id, dataType: changed, queueType: 'update', before, after });
      }
    }
    for (const [id, before] of this.documents) {
      if (next.has(id)) continue;
      const dataType = matching?.has(id) ? 'limit' : this.exists(id) ? changed : 'remove';
      changes.push({ id, dataType, queueType: 'dequeue', before });
    }
    this.documents = next;
    if (matching) this.matching = matching;
    return changes;
  }
}

/** What one watcher is told of a group's changes, through its read rule. */
function viewOf(member: Member, changes: GroupChange[]): WatchChange[] {
  const out: WatchChange[] = [];
  for (const c of changes) {
    const wasSent = member.sent.has(c.id);
    const readable = c.after !== undefined && member.visible(c.after);
    if (c.queueType === 'enqueue' || (c.queueType === 'update' && !wasSent)) {
      if (!readable) continue;
      member.sent.add(c.id);
      // A document this watcher could not read before arrives whole.
      const dataType = c.queueType === 'enqueue' ? c.dataType : c.dataType === 'replace' ? 'replace' : 'update';
      out.push({ DataType: dataType, QueueType: 'enqueue', DocID: c.id, Doc: docText(c), ...(dataType === 'update' ? { UpdatedFields: '{}', removedFields: '[]' } : {}) });
      continue;
    }
    if (!wasSent) continue;
    if (c.queueType === 'dequeue' || !readable) {
      member.sent.delete(c.id);
      // js-sdk drops a dequeued document from its own copy; only `replace` would need the whole of it.
      const dataType = c.queueType === 'dequeue' && c.dataType !== 'replace' ? c.dataType : 'update';
      out.push({ DataType: dataType, QueueType: 'dequeue', DocID: c.id, Doc: '', ...(dataType === 'update' ? { UpdatedFields: '{}', removedFields: '[]' } : {}) });
      continue;
    }
    if (c.dataType === 'replace') {
      out.push({ DataType: 'replace', QueueType: 'update', DocID: c.id, Doc: docText(c) });
      continue;
    }
    const { updated, removed } = fieldTexts(c);
    out.push({ DataType: 'update', QueueType: 'update', DocID: c.id, Doc: '', UpdatedFields: updated, removedFields: removed });
  }
  return out;
}

export class WatchHub {
  private readonly groups = new Map<string, QueryGroup>();
  private readonly byCollection = new Map<string, Set<QueryGroup>>();

  constructor(
    private readonly database: Database,
    subscribe: (listener: (write: DocumentWrite) => void) => () => void,
    private readonly onError?: (error: unknown) => void,
  ) {
    this.unsubscribe = subscribe((write) => this.written(write));
  }

  private readonly unsubscribe: () => void;

  /** Starts a watch: the documents it may read now, then `deliver` after each write that changes its view. */
  open(query: WatchQuery, visible: Member['visible'], deliver: Member['deliver']): WatchHandle {
    const key = JSON.stringify([query.collection, legacyCodec.encodeDocument(query.filter), query.sort, query.limit]);
    let group = this.groups.get(key);
    if (!group) {
      group = new QueryGroup(this.database, query);
      this.groups.set(key, group);
      let set = this.byCollection.get(query.collection);
      if (!set) this.byCollection.set(query.collection, (set = new Set()));
      set.add(group);
    }
    const member: Member = { visible, deliver, sent: new Set() };
    const initial = group.current().filter((d) => visible(d));
    for (const d of initial) member.sent.add(d._id);
    group.members.add(member);
    const owner = group;
    return {
      initial: initial.map(encode),
      close: () => {
        owner.members.delete(member);
        if (owner.members.size > 0) return;
        this.groups.delete(key);
        this.byCollection.get(query.collection)?.delete(owner);
      },
    };
  }

  get watchCount(): number {
    let n = 0;
    for (const g of this.groups.values()) n += g.members.size;
    return n;
  }

  dispose(): void {
    this.unsubscribe();
    this.groups.clear();
    this.byCollection.clear();
  }

  private written(write: DocumentWrite): void {
    for (const group of this.byCollection.get(write.collection) ?? []) {
      let changes: GroupChange[];
      try {
        changes = group.refresh(write);
      } catch (e) {
        this.onError?.(e);
        continue;
      }
      if (changes.length === 0) continue;
      for (const member of [...group.members]) {
        try {
          const view = viewOf(member, changes);
          if (view.length > 0) member.deliver(view);
        } catch (e) {
          this.onError?.(e);
        }
      }
    }
  }
}
