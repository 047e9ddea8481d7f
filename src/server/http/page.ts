/**
 * The page and the headers that keep it safe: a strict Content-Security-Policy (no inline script,
 * no other origin), no MIME sniffing, no referrer, no framing.
 */
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { WEB_DIR } from '../paths.js';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
  "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'none'",
  "frame-ancestors 'none'", "form-action 'self'",
].join('; ');

export function registerPageRoutes(app: FastifyInstance, webDir = WEB_DIR): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    return payload;
  });
  if (!existsSync(webDir)) {
    app.get('/', async (_req, reply) => reply.code(503).type('text/plain').send('The page is not built: run `npm run build`.\n'));
    return;
  }
  app.register(fastifyStatic, { root: webDir, prefix: '/', index: ['index.html'], cacheControl: false, setHeaders(reply: { header(name: string, value: string): unknown }, path: string) {
    // Hashed assets never change; the HTML must be revalidated so a new build is picked up.
    reply.header('cache-control', /\/assets\//.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
  } });
}
