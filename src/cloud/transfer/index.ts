/** Data across environments (dist/transfer.js, loaded on first use): collection and storage copies, collection comparison, anonymisation. */
export { copyCollection, reportOf, MAX_PAGE, type CollectionCopyRequest, type CopyCheckpoint, type CopyMode, type CopyReport } from './copyCollection';
export { copyStorageFolder, type StorageCopyReport, type StorageCopyRequest } from './storageCopy';
export { ANONYMISE_FILE, anonymiserFor, parseAnonymiseRules, type AnonymiseRules } from './anonymise';
export { compareCollections, compareReportOf, type CollectionCompareRequest, type CompareProgress, type CompareReport, type DifferentDocument } from './compareCollections';
