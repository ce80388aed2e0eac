import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { AttachmentMissingError, createAttachmentStore, createDiskAttachmentStore, createS3AttachmentStore } from '../src/storage/index.js';

const key = () => `33/${randomUUID()}/${randomUUID()}`;

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A stand-in for an S3-compatible server: it checks the shape of each request (path-style URL,
 * SigV4 Authorization header, payload hash) and keeps objects in memory. It does not verify the
 * signature itself — that needs the real service (not tested here: no S3 or MinIO was available).
 */
function fakeS3(bucket: string) {
  const objects = new Map<string, { body: Buffer; type: string }>();
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const auth = String(req.headers.authorization ?? '');
      const ok =
        /^AWS4-HMAC-SHA256 Credential=AKIAUJI\/\d{8}\/ap-southeast-3\/s3\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/.test(auth) &&
        /^\d{8}T\d{6}Z$/.test(String(req.headers['x-amz-date'])) &&
        auth.includes('host;') &&
        auth.includes('x-amz-content-sha256');
      if (!ok) return res.writeHead(403).end('<Error><Code>SignatureDoesNotMatch</Code></Error>');
      const prefix = `/${bucket}/`;
      if (!req.url!.startsWith(prefix)) return res.writeHead(404).end('<Error><Code>NoSuchBucket</Code></Error>');
      const name = req.url!.slice(prefix.length);
      switch (req.method) {
        case 'PUT':
          if (req.headers['x-amz-content-sha256'] !== createHash('sha256').update(body).digest('hex')) return res.writeHead(400).end('<Error><Code>XAmzContentSHA256Mismatch</Code></Error>');
          objects.set(name, { body, type: String(req.headers['content-type']) });
          return res.writeHead(200, { etag: '"x"' }).end();
        case 'GET': {
          const o = objects.get(name);
          if (!o) return res.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>');
          return res.writeHead(200, { 'content-type': o.type, 'content-length': o.body.length }).end(o.body);
        }
        case 'DELETE':
          objects.delete(name);
          return res.writeHead(204).end();
        default:
          return res.writeHead(405).end();
      }
    });
  });
  return { server, objects, seen };
}

describe('S3-compatible attachment store (against a local stand-in, not a real S3/MinIO)', () => {
  const s3 = fakeS3('sinergi-lampiran');
  let endpoint: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => s3.server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(s3.server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => s3.server.close(() => resolve())));

  const store = () => createS3AttachmentStore({ endpoint: `${endpoint}/`, bucket: 'sinergi-lampiran', accessKeyId: 'AKIAUJI', secretAccessKey: 'rahasia-uji', region: 'ap-southeast-3' });

  it('puts, gets and deletes with path-style, SigV4-signed requests', async () => {
    const k = key();
    const bytes = Buffer.from('isi lampiran \u00e9\u2013');
    await store().put(k, bytes, 'image/jpeg');
    const put = s3.seen.at(-1)!;
    expect(put).toMatchObject({ method: 'PUT', url: `/sinergi-lampiran/${k}` });
    expect(put.headers['content-type']).toBe('image/jpeg');
    expect(put.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(put.body.equals(bytes)).toBe(true);
    expect(s3.objects.get(k)?.body.equals(bytes)).toBe(true);

    const got = await store().get(k);
    expect(Buffer.from(await text(got)).equals(bytes)).toBe(true);
    expect(s3.seen.at(-1)).toMatchObject({ method: 'GET', url: `/sinergi-lampiran/${k}` });

    await store().delete(k);
    expect(s3.seen.at(-1)).toMatchObject({ method: 'DELETE', url: `/sinergi-lampiran/${k}` });
    expect(s3.objects.has(k)).toBe(false);
    await expect(store().get(k)).rejects.toBeInstanceOf(AttachmentMissingError);
  });

  it('fails loudly when the store refuses, and never builds a key from outside input', async () => {
    const wrong = createS3AttachmentStore({ endpoint, bucket: 'ember-lain', accessKeyId: 'AKIAUJI', secretAccessKey: 'x', region: 'ap-southeast-3' });
    await expect(wrong.put(key(), Buffer.from('a'), 'application/pdf')).rejects.toThrow(/HTTP 404/);
    const badCreds = createS3AttachmentStore({ endpoint, bucket: 'sinergi-lampiran', accessKeyId: 'ORANG-LAIN', secretAccessKey: 'x', region: 'ap-southeast-3' });
    await expect(badCreds.put(key(), Buffer.from('a'), 'application/pdf')).rejects.toThrow(/HTTP 403/);
    await expect(store().put('../../etc/passwd', Buffer.from('a'), 'text/plain')).rejects.toThrow(/invalid attachment key/);
  });
});

describe('disk attachment store and the store configuration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sinergi-store-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes whole files under the directory and reads them back', async () => {
    const store = createDiskAttachmentStore(dir);
    const k = key();
    await store.put(k, Buffer.from('foto'), 'image/jpeg');
    expect(fs.readFileSync(path.join(dir, ...k.split('/')), 'utf8')).toBe('foto');
    expect(await text(await store.get(k))).toBe('foto');
    await store.delete(k);
    await expect(store.get(k)).rejects.toBeInstanceOf(AttachmentMissingError);
    await expect(store.put('33/../../x', Buffer.from('a'), 'text/plain')).rejects.toThrow(/invalid attachment key/);
    expect(fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.tmp'))).toEqual([]);
  });

  it('picks S3 only when the SINERGI_S3_* variables are all set, and says which are missing', () => {
    const base = { SINERGI_DATA_DIR: dir } as NodeJS.ProcessEnv;
    expect(loadConfig(base).attachments).toEqual({ kind: 'disk', dir: path.join(path.resolve(dir), 'attachments') });
    expect(createAttachmentStore(loadConfig(base)).kind).toBe('disk');
    const full = { ...base, SINERGI_S3_ENDPOINT: 'https://s3.example.id', SINERGI_S3_BUCKET: 'sinergi', SINERGI_S3_ACCESS_KEY: 'AK', SINERGI_S3_SECRET_KEY: 'SK' };
    expect(loadConfig(full).attachments).toEqual({ kind: 's3', endpoint: 'https://s3.example.id', bucket: 'sinergi', accessKeyId: 'AK', secretAccessKey: 'SK', region: 'us-east-1' });
    expect(createAttachmentStore(loadConfig(full)).kind).toBe('s3');
    expect(() => loadConfig({ ...base, SINERGI_S3_BUCKET: 'sinergi' })).toThrow(/SINERGI_S3_ENDPOINT: required/);
    expect(() => loadConfig({ ...full, SINERGI_S3_ENDPOINT: 'ftp://x' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...full, SINERGI_S3_BUCKET: 'Ember_Besar' })).toThrow(/SINERGI_S3_BUCKET/);
  });
});
