/**
 * Server-Sent Events framing. Every text written to a stream goes through here, so an id or an
 * event name can never carry a line break into the framing (attacker text only ever appears
 * inside JSON, where JSON.stringify escapes line breaks).
 */

/** Removes CR, LF and NUL, which would end or corrupt an SSE field. */
function fieldValue(v: string): string {
  return v.replace(/[\r\n\0]/g, '');
}

/** One SSE message: `event`, optional `id`, and `data` (JSON text, one line). */
export function sseMessage(event: string, data: string, id?: string | null): string {
  return `event: ${fieldValue(event)}\n${id != null && id !== '' ? `id: ${fieldValue(id)}\n` : ''}data: ${data}\n\n`;
}

/** The reconnection delay hint, ms. */
export function sseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.round(ms))}\n\n`;
}

/** The heartbeat comment that keeps proxies and the browser's idle timers from closing us. */
export const SSE_PING = Buffer.from(': ping\n\n');

/** Response headers of an event stream (x-accel-buffering tells nginx not to buffer it). */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

/** The same for HTTP/2, where connection-specific headers are not allowed. */
export const SSE_HEADERS_H2 = {
  'content-type': SSE_HEADERS['content-type'],
  'cache-control': SSE_HEADERS['cache-control'],
  'x-accel-buffering': SSE_HEADERS['x-accel-buffering'],
} as const;
