/** The local environment's file storage. No vscode here. */
export { contentTypeOf } from './contentTypes';
export { fileIdOf, keyOfFileId, localBucket } from './fileIds';
export { DOWNLOAD_PATH, LocalStorage, UPLOAD_PATH, type LocalStorageOptions } from './localStorage';
export { baseName, checkFileKey, checkFolderPrefix, parentPrefix } from '../../project/storage-paths';
export { DEFAULT_URL_SECONDS, MAX_URL_SECONDS, UrlSigner } from './signing';
export { FileStore, type ListPage, type ListedEntry, type StoredFile, type WriteSource } from './store';
