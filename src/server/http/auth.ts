/**
 * Who may see what: bearer tokens compared in constant time, and analyst sessions (a random id
 * in an HttpOnly, SameSite=Strict cookie) kept in a bounded in-memory table.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config/schema.js';

/** Compares two secrets in time independent of where they differ (hashing equalises lengths). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The bearer token of a request, or undefined. */
export function bearerToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : undefined;
}

export const SESSION_COOKIE = 'attackmap_session';
/** Most live analyst sessions; the oldest is forgotten beyond it. */
export const MAX_SESSIONS = 1000;
/** Session lifetime. */
export const SESSION_TTL_MS = 12 * 3600_000;

function cookieValue(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

export interface Access {
  /** True when the request may see the analyst view. */
  isAnalyst(req: FastifyRequest): boolean;
  register(app: FastifyInstance): void;
}

export function createAccess(access: Config['access'], opts: { secureCookies: boolean; now?: () => number }): Access {
  const now = opts.now ?? Date.now;
  const sessions = new Map<string, number>(); // id → expiry

  function validSession(id: string | undefined): boolean {
    if (!id) return false;
    const exp = sessions.get(id);
    if (exp === undefined) return false;
    if (exp < now()) {
      sessions.delete(id);
      return false;
    }
    return true;
  }

  return {
    isAnalyst(req) {
      if (access.mode === 'open') return true;
      const token = bearerToken(req);
      if (token && access.analystToken && secretsEqual(token, access.analystToken)) return true;
      return validSession(cookieValue(req, SESSION_COOKIE));
    },

    register(app) {
      app.post('/api/login', async (req, reply) => {
        const body = req.body as { token?: unknown } | undefined;
        const token = body && typeof body === 'object' && typeof body.token === 'string' ? body.token : '';
        if (!access.analystToken || !secretsEqual(token, access.analystToken)) {
          return reply.code(401).send({ error: { code: 'AUTH_REQUIRED', message: 'wrong token, or no analyst token configured' } });
        }
        if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value as string);
        const id = randomBytes(24).toString('base64url');
        sessions.set(id, now() + SESSION_TTL_MS);
        const attrs = ['Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${SESSION_TTL_MS / 1000}`];
        if (opts.secureCookies) attrs.push('Secure');
        reply.header('set-cookie', `${SESSION_COOKIE}=${id}; ${attrs.join('; ')}`);
        return reply.code(204).send();
      });
      app.post('/api/logout', async (req, reply) => {
        const id = cookieValue(req, SESSION_COOKIE);
        if (id) sessions.delete(id);
        reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
        return reply.code(204).send();
      });
    },
  };
}
