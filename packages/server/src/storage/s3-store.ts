import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AwsClient } from 'aws4fetch';
import { AttachmentMissingError, checkKey, type AttachmentStore } from './attachment-store.js';

export interface S3Options {
  /** Service URL, e.g. `https://s3.ap-southeast-3.amazonaws.com` or `http://127.0.0.1:9000` (MinIO). */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/**
 * Attachments in an S3-compatible bucket: path-style URLs (`endpoint/bucket/key`, what MinIO
 * and most compatible stores accept) signed with AWS Signature V4 by aws4fetch. Uploads carry
 * the SHA-256 of the body as x-amz-content-sha256, so the store verifies the bytes it got.
 */
export function createS3AttachmentStore(options: S3Options): AttachmentStore {
  const client = new AwsClient({
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    region: options.region,
    service: 's3',
    retries: 2,
  });
  const base = options.endpoint.replace(/\/+$/, '');
  const urlOf = (key: string) => `${base}/${encodeURIComponent(options.bucket)}/${checkKey(key)}`;
  const fail = async (what: string, key: string, res: Response): Promise<never> => {
    const text = await res.text().catch(() => '');
    throw new Error(`S3 ${what} ${key}: HTTP ${res.status} ${text.slice(0, 300)}`);
  };
  return {
    kind: 's3',
    async put(key, bytes, contentType) {
      const res = await client.fetch(urlOf(key), {
        method: 'PUT',
        body: Uint8Array.from(bytes), // a plain ArrayBuffer-backed copy: what every fetch typing accepts
        headers: {
          'content-type': contentType,
          'x-amz-content-sha256': createHash('sha256').update(bytes).digest('hex'),
        },
      });
      if (!res.ok) await fail('PUT', key, res);
      await res.body?.cancel();
    },
    async get(key) {
      const res = await client.fetch(urlOf(key), { method: 'GET' });
      if (res.status === 404) {
        await res.body?.cancel();
        throw new AttachmentMissingError(key);
      }
      if (!res.ok || !res.body) return fail('GET', key, res);
      return Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    },
    async delete(key) {
      const res = await client.fetch(urlOf(key), { method: 'DELETE' });
      // S3 answers 204 for a delete, also of a missing key; some compatible stores answer 404
      if (!res.ok && res.status !== 404) await fail('DELETE', key, res);
      await res.body?.cancel();
    },
  };
}
