/**
 * One environment's storage as the server and the backend see it: the files, their IDs, and
 * signed temporary URLs on the environment's HTTP server.
 */
import { join } from 'node:path';
import { StudioError } from '../../shared/errors';
import { fileIdOf, keyOfFileId } from './fileIds';
import { DEFAULT_URL_SECONDS, MAX_URL_SECONDS, UrlSigner, loadSecret, type UrlPurpose } from './signing';
import { FileStore, type FileStoreOptions } from './store';

export const DOWNLOAD_PATH = '/storage/download';
export const UPLOAD_PATH = '/storage/upload';
/** Upload URLs only need to outlive the request that follows getUploadMetadata. */
const UPLOAD_URL_SECONDS = 60 * 60;

export interface LocalStorageOptions {
  envId: string;
  /** The environment's data folder: files in `<dataDir>/storage`, the URL secret beside it. */
  dataDir: string;
  /** `http://127.0.0.1:<port>`, known once the server listens. */
  baseUrl: () => string;
  /** How the file store opens its files (tests inject disk failures here). */
  files?: FileStoreOptions;
}

export class LocalStorage {
  private constructor(
    readonly envId: string,
    readonly files: FileStore,
    readonly signer: UrlSigner,
    private readonly baseUrl: () => string,
  ) {}

  static async open(options: LocalStorageOptions): Promise<LocalStorage> {
    const files = await FileStore.open(join(options.dataDir, 'storage'), join(options.dataDir, 'storage-partial'), options.files);
    const signer = new UrlSigner(await loadSecret(join(options.dataDir, 'storage-secret')));
    return new LocalStorage(options.envId, files, signer, options.baseUrl);
  }

  fileId(key: string): string {
    return fileIdOf(this.envId, key);
  }

  keyOf(fileId: unknown): string {
    return keyOfFileId(this.envId, fileId);
  }

  /** `seconds` defaults to the cloud's two hours and is bounded like max_age there. */
  temporaryUrl(key: string, seconds: number = DEFAULT_URL_SECONDS, now = Date.now()): string {
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_URL_SECONDS) {
      throw new StudioError('InvalidArgument', `max_age must be a whole number of seconds from 1 to ${MAX_URL_SECONDS}, not ${String(seconds)}.`);
    }
    return this.url('download', key, seconds, now);
  }

  uploadUrl(key: string): string {
    return this.url('upload', key, UPLOAD_URL_SECONDS);
  }

  private url(purpose: UrlPurpose, key: string, seconds: number, now = Date.now()): string {
    const path = purpose === 'download' ? DOWNLOAD_PATH : UPLOAD_PATH;
    return `${this.baseUrl()}${path}?${this.signer.query(purpose, key, seconds, now)}`;
  }
}
