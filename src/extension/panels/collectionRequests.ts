/**
 * The collection panel's data requests (query, inline edit) answered against a database, apart
 * from the webview: the panel host and the UI test's fake host both answer with this class, so
 * the test runs the code the extension runs. No vscode import.
 *
 * A query is answered in two steps: the page as soon as it is read, then the total once counted,
 * because counting a large collection can take far longer than reading one page.
 */
import type { DatabaseApi } from '../../cloud/backend';
import type { CollectionHostMessage, CollectionPageMessage } from '../../shared/protocol/collectionPanel';
import { saveField } from '../documents/conditionalSave';

export interface CollectionRequestsDeps {
  collection: string;
  database(): Promise<DatabaseApi>;
  post(message: CollectionHostMessage): void | Promise<void>;
  /** What the page shows for a failed request (localized by the host). */
  errorMessage(error: unknown): string;
  /** A document was written from the grid. */
  onWritten?(id: string): void;
}

type Query = Extract<CollectionPageMessage, { type: 'query' }>;
type EditField = Extract<CollectionPageMessage, { type: 'editField' }>;

export class CollectionRequests {
  constructor(private readonly deps: CollectionRequestsDeps) {}

  /** Resolves once both replies (the page, then the total if asked) are posted. */
  async query(m: Query): Promise<void> {
    const started = performance.now();
    let database: DatabaseApi;
    try {
      database = await this.deps.database();
    } catch (e) {
      await this.deps.post({ type: 'queryError', requestId: m.requestId, message: this.deps.errorMessage(e) });
      return;
    }
    const { filter, sort, projection, limit } = m.query;
    // Started together: the count runs while the page is read, and its reply follows the page's.
    const counting = m.count ? database.countDocuments(this.deps.collection, filter).then((n) => ({ ok: true as const, n }), (e: unknown) => ({ ok: false as const, e })) : undefined;
    try {
      const page = await database.queryDocuments(this.deps.collection, { filter, sort, projection }, { limit, cursor: m.cursor });
      await this.deps.post({ type: 'page', requestId: m.requestId, documents: page.items, nextCursor: page.nextCursor, counting: counting !== undefined, elapsedMs: performance.now() - started });
    } catch (e) {
      await this.deps.post({ type: 'queryError', requestId: m.requestId, message: this.deps.errorMessage(e) });
      await counting;
      return;
    }
    if (!counting) return;
    const counted = await counting;
    await this.deps.post(
      counted.ok ? { type: 'total', requestId: m.requestId, total: counted.n } : { type: 'total', requestId: m.requestId, error: this.deps.errorMessage(counted.e) },
    );
  }

  async editField(m: EditField): Promise<void> {
    const { collection } = this.deps;
    try {
      const database = await this.deps.database();
      if (m.force) {
        await database.updateDocuments(collection, { _id: m.asRead._id }, { $set: { [m.path]: m.value } }, { multi: false, upsert: false });
        const stored = await database.getDocument(collection, m.asRead._id);
        this.deps.onWritten?.(m.asRead._id);
        await this.deps.post(stored ? { type: 'saved', requestId: m.requestId, document: stored } : { type: 'conflict', requestId: m.requestId });
        return;
      }
      const outcome = await saveField(database, collection, m.asRead, m.path, m.value);
      if (outcome.kind === 'saved') {
        this.deps.onWritten?.(m.asRead._id);
        await this.deps.post({ type: 'saved', requestId: m.requestId, document: outcome.document });
      } else await this.deps.post({ type: 'conflict', requestId: m.requestId, stored: outcome.stored });
    } catch (e) {
      await this.deps.post({ type: 'editError', requestId: m.requestId, message: this.deps.errorMessage(e) });
    }
  }
}
