/** The local environment's database engine. */
export { openDatabase, type DatabaseOptions } from './database';
export type { Collection, Database, FindOptions, FindResult, QueryPlan, StoredDocument, UpdateOptions } from './api';
export { MAX_DOCUMENT_BYTES } from './limits';
