/** The engine's limits, in one place. The document limit is MongoDB's, which CloudBase's database follows. */

/** Largest document, measured as BSON. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** MongoDB refuses documents nested deeper than this; it also stops runaway recursion on cycles. */
export const MAX_NESTING_DEPTH = 100;

export const MAX_COLLECTION_NAME_LENGTH = 64;

export const MAX_INDEX_NAME_LENGTH = 128;

/** Indexes per collection, MongoDB's figure. */
export const MAX_INDEXES = 64;

/** Fields in one compound index, MongoDB's figure. */
export const MAX_INDEX_FIELDS = 32;

/** An index lookup expands `$in` lists and their products into at most this many point ranges. */
export const MAX_INDEX_INTERVALS = 4096;
