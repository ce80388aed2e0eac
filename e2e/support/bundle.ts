import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ROOT } from './paths';

export const DIST = path.join(ROOT, 'packages/web/dist');

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
}

/** Files index.html loads at start (entry script and modulepreloads). */
export function startFiles(): string[] {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  return [...html.matchAll(/<script[^>]+src="([^"]+)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map((m) => m[1]!.replace(/^\//, ''));
}

/**
 * The JavaScript a route needs before it can draw: what index.html loads at start plus the
 * route's lazy chunk (by its source file) and every chunk it imports statically, from Vite's manifest.
 */
export function routeFiles(sourceSuffix: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(DIST, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const key = Object.keys(manifest).find((k) => k.endsWith(sourceSuffix));
  if (!key) throw new Error(`no chunk for ${sourceSuffix} in the manifest`);
  const files = new Set(startFiles());
  const visit = (k: string) => {
    const chunk = manifest[k]!;
    if (files.has(chunk.file) && k !== key) return;
    files.add(chunk.file);
    for (const dep of chunk.imports ?? []) visit(dep);
  };
  visit(key);
  return [...files];
}

/** Gzip (level 9) size of files under dist, in bytes. */
export function gzippedSize(files: readonly string[]): number {
  return files.reduce((sum, f) => sum + zlib.gzipSync(fs.readFileSync(path.join(DIST, f)), { level: 9 }).length, 0);
}
