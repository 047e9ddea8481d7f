import { describe, expect, it } from 'vitest';
import { SseParser, type SseMessage } from './sse-parser.js';
import { backoffMs } from './client.js';

function collect(max?: number) {
  const msgs: SseMessage[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const p = new SseParser({ message: (m) => msgs.push(m), comment: (c) => comments.push(c), retry: (r) => retries.push(r) }, max);
  return { p, msgs, comments, retries };
}

describe('SseParser', () => {
  it('reads named events with ids, comments and retry', () => {
    const { p, msgs, comments, retries } = collect();
    p.push('retry: 3000\n\n: ping\n\nevent: attack\nid: 42\ndata: {"events":[]}\n\n');
    expect(retries).toEqual([3000]);
    expect(comments).toEqual(['ping']);
    expect(msgs).toEqual([{ event: 'attack', data: '{"events":[]}', id: '42' }]);
    expect(p.lastId).toBe('42');
  });

  it('handles events split across chunks at any byte, and CRLF split between chunks', () => {
    const text = 'event: hello\r\ndata: a\r\ndata: b\r\n\r\nevent: stats\ndata: c\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      const { p, msgs } = collect();
      p.push(text.slice(0, cut));
      p.push(text.slice(cut));
      expect(msgs.map((m) => [m.event, m.data])).toEqual([['hello', 'a\nb'], ['stats', 'c']]);
    }
  });

  it('defaults the event name to message and ignores events without data', () => {
    const { p, msgs } = collect();
    p.push('event: x\n\ndata: y\n\n');
    expect(msgs).toEqual([{ event: 'message', data: 'y', id: undefined }]);
  });

  it('refuses an event larger than its bound', () => {
    const { p } = collect(100);
    expect(() => p.push(`data: ${'x'.repeat(200)}`)).toThrow(RangeError);
  });
});

describe('backoffMs', () => {
  it('grows exponentially with jitter, capped, never below the retry advice', () => {
    const lo = () => 0, hi = () => 0.999;
    expect(backoffMs(0, 1000, 30_000, 3000, lo)).toBe(3000);
    expect(backoffMs(3, 1000, 30_000, 0, lo)).toBe(4000);
    expect(backoffMs(3, 1000, 30_000, 0, hi)).toBeLessThanOrEqual(8000);
    expect(backoffMs(30, 1000, 30_000, 0, hi)).toBeLessThanOrEqual(30_000);
    expect(backoffMs(30, 1000, 30_000, 0, lo)).toBe(15_000);
  });
});
