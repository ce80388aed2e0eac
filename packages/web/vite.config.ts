import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const domainDir = path.resolve(import.meta.dirname, '../domain/src');

export default defineConfig({
  plugins: [
    react(),
    // installable, and the app shell precached so /lapor opens with no signal after the first visit
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: null, // registered in main.tsx (the CSP allows no inline script)
      includeAssets: ['favicon.svg', 'apple-touch-icon.png'],
      manifest: {
        name: 'Sinergi',
        short_name: 'Sinergi',
        description: 'Koordinasi dan peringatan dini keamanan pemilu',
        lang: 'id',
        start_url: '/lapor',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#f3f5f7',
        theme_color: '#0d3b4f',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        navigateFallback: '/index.html',
        // the API and its docs are never answered from the cache
        navigateFallbackDenylist: [/^\/api\//, /^\/docs/],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  resolve: {
    alias: { '@sinergi/domain': path.join(domainDir, 'index.ts') },
  },
  build: {
    outDir: path.resolve(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    // which chunks each route loads (e2e/web-bundle.test.ts and bench/dashboard.mjs measure the dashboard's)
    manifest: true,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/docs': 'http://127.0.0.1:3000',
    },
  },
});
