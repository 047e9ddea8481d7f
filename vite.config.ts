/**
 * Builds the map page (src/web) into dist/web, which the server serves at `/` under a strict CSP:
 * no inline script or style may appear in the output. The world outlines are a separate asset
 * fetched at load (an `?url` import), never part of the JS bundle.
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./src/web'),
  base: '/',
  publicDir: false,
  build: {
    outDir: here('./dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    // Never inline assets as data: URLs into CSS/JS (keeps the world file out of the bundle).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    // `vite` dev server: proxy the API to a running attackmap (ATTACKMAP_URL, default :8080).
    proxy: { '/api': { target: process.env.ATTACKMAP_URL ?? 'http://127.0.0.1:8080', changeOrigin: false } },
  },
});
