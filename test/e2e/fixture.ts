/**
 * A small stand-in server for browser tests that need control the real server does not offer
 * (a stream that goes silent, hand-written messages): it serves the built page from dist/web with
 * the same Content-Security-Policy as the real server, and speaks the /api/stream protocol.
 * With `proxy`, every /api call goes to a real attackmap server instead (used during development).
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

export const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml' };

export interface StreamRequest { query: URLSearchParams; lastEventId: string | undefined }

export interface Fixture {
  url: string;
  /** Every /api/stream request, oldest first. */
  requests: StreamRequest[];
  /** Open stream responses. */
  clients: Set<ServerResponse>;
  /** Writes one SSE message to every open stream. */
  send(event: string, data: unknown, id?: string): void;
  /** Ends every open stream (the page should reconnect). */
  dropClients(): void;
  /** When false, a new stream gets headers but no hello (a silent server). Default true. */
  helloOnConnect: boolean;
  info: Record<string, unknown>;
  /** The body of GET /healthz. */
  health: Record<string, unknown>;
  close(): Promise<void>;
}

export async function startFixture(opts: { webDir: string; proxy?: string }): Promise<Fixture> {
  const clients = new Set<ServerResponse>();
  const requests: StreamRequest[] = [];
  const fx: Fixture = {
    url: '', requests, clients, helloOnConnect: true,
    info: { version: 'fixture', accessMode: 'open', view: 'analyst', analyst: true, sites: [{ name: 'Frankfurt', lat: 50.11, lon: 8.68 }], geo: { databases: [] }, heartbeatMs: 15000, demo: false },
    health: { status: 'ok', sources: [] },
    send(event, data, id) {
      const msg = `event: ${event}\n${id !== undefined ? `id: ${id}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
      for (const c of clients) c.write(msg);
    },
    dropClients() { for (const c of clients) c.destroy(); clients.clear(); },
    close: async () => { fx.dropClients(); await new Promise<void>((r) => server.close(() => r())); },
  };

  const proxy = (req: IncomingMessage, res: ServerResponse) => {
    const target = new URL(req.url ?? '/', opts.proxy);
    const up = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  };

  const server = createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (opts.proxy && (u.pathname.startsWith('/api/') || u.pathname === '/healthz')) return proxy(req, res);
    if (u.pathname === '/api/stream') {
      const lastEventId = (req.headers['last-event-id'] as string | undefined) ?? u.searchParams.get('lastEventId') ?? undefined;
      requests.push({ query: u.searchParams, lastEventId });
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('retry: 3000\n\n');
      if (fx.helloOnConnect) res.write(`event: hello\ndata: ${JSON.stringify({ schema: 1, view: 'analyst', lastId: '0', resumed: lastEventId !== undefined, snapshot: lastEventId ? undefined : { events: [], counters: {} } })}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    const json = (v: unknown) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(v)); };
    if (u.pathname === '/api/info') return json(fx.info);
    if (u.pathname === '/healthz') return json(fx.health);
    if (u.pathname === '/api/deadletter') return json({ total: 0, entries: [] });
    if (u.pathname === '/api/stats') return json({ total: 0, byCategory: {}, bySeverity: {}, top: {}, series: [] });
    if (u.pathname === '/api/events') return json({ events: [], nextCursor: null });
    if (u.pathname === '/api/trends') return json({ window: { total: 0 }, previous: { total: 0 }, newAsns: [], newNetworks: [] });
    const rel = u.pathname === '/' ? 'index.html' : normalize(decodeURIComponent(u.pathname)).replace(/^([/\\])+/, '');
    if (rel.includes('..')) { res.writeHead(400); res.end(); return; }
    try {
      const body = await readFile(join(opts.webDir, rel));
      res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream', 'content-security-policy': CSP });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-security-policy': CSP });
      res.end('not found');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  fx.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return fx;
}
