import type { Readable } from 'node:stream';

/**
 * Where attachment bytes live. The database keeps the metadata (report_attachments); the bytes
 * go to a directory on the server or to an S3-compatible store (MinIO, AWS S3, Wasabi …)
 * through this one interface, so services never know which.
 */
export interface AttachmentStore {
  /** Which implementation (shown in logs and health). */
  readonly kind: 'disk' | 's3';
  /** Store the bytes under the key, replacing any previous value. */
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  /** A stream of the stored bytes; rejects with AttachmentMissingError when there is none. */
  get(key: string): Promise<Readable>;
  /** Remove the bytes (no error when already gone). */
  delete(key: string): Promise<void>;
}

/** The key names nothing stored (deleted outside Sinergi, or a restore without the files). */
export class AttachmentMissingError extends Error {
  constructor(readonly key: string) {
    super(`attachment ${key} is missing from the store`);
  }
}

/**
 * Keys are made by the server (`33/<report uuid>/<attachment uuid>`), never from user input;
 * this guard keeps a bug from ever turning one into a path outside the store.
 */
export function checkKey(key: string): string {
  if (!/^[0-9]{2}\/[0-9a-f-]{36}\/[0-9a-f-]{36}$/.test(key)) throw new Error(`invalid attachment key ${JSON.stringify(key)}`);
  return key;
}
