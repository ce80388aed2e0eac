import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/paths';

const DIST = path.join(ROOT, 'packages/web/dist');

describe('web bundle', () => {
  it('keeps the JavaScript loaded at start small (cheap phones, thin signal) and free of zod', () => {
    const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script[^>]+src="([^"]+)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    let gzipped = 0;
    for (const src of scripts) {
      const code = fs.readFileSync(path.join(DIST, src));
      gzipped += zlib.gzipSync(code, { level: 9 }).length;
      // zod belongs to the server's validation; the browser gets the types only
      expect(code.includes('ZodError')).toBe(false);
    }
    expect(gzipped).toBeLessThan(120 * 1024);
  });
});

describe('dashboard bundle', () => {
  it('keeps the dashboard’s initial JavaScript (start + its route chunks) within 350 KB compressed, without the map library', async () => {
    const { gzippedSize, routeFiles } = await import('./support/bundle');
    const files = routeFiles('features/dashboard/dashboard-page.tsx');
    expect(files.some((f) => f.includes('dashboard-page'))).toBe(true);
    for (const f of files) {
      // Leaflet and supercluster belong to the map route only
      const code = fs.readFileSync(path.join(DIST, f), 'utf8');
      expect(code.includes('leaflet-container'), f).toBe(false);
    }
    expect(gzippedSize(files)).toBeLessThan(350 * 1024);
  });
});
