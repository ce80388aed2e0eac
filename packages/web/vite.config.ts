import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const domainDir = path.resolve(import.meta.dirname, '../domain/src');

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@sinergi/domain': path.join(domainDir, 'index.ts') },
  },
  build: {
    outDir: path.resolve(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/docs': 'http://127.0.0.1:3000',
    },
  },
});
