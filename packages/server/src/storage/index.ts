import type { AppConfig } from '../config.js';
import type { AttachmentStore } from './attachment-store.js';
import { createDiskAttachmentStore } from './disk-store.js';
import { createS3AttachmentStore } from './s3-store.js';

export { AttachmentMissingError, type AttachmentStore } from './attachment-store.js';
export { createDiskAttachmentStore } from './disk-store.js';
export { createS3AttachmentStore, type S3Options } from './s3-store.js';

/** The attachment store the configuration asks for: S3 when SINERGI_S3_* are set, else the data directory. */
export function createAttachmentStore(config: Pick<AppConfig, 'attachments'>): AttachmentStore {
  const a = config.attachments;
  return a.kind === 's3' ? createS3AttachmentStore(a) : createDiskAttachmentStore(a.dir);
}
