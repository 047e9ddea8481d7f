import { describe, expect, it } from 'vitest';
import { SyslogStreamFramer, cutUtf8 } from './stream-framer.js';

const texts = (ms: { text: string }[]) => ms.map((m) => m.text);
const sshd = (i: number) => `<38>Nov 25 10:00:0${i} bastion sshd[4242]: Failed password for invalid user admin from 198.51.100.${i} port 4${i}022 ssh2`;

function feedBytewise(f: SyslogStreamFramer, data: Buffer) {
  const out = [];
  for (let i = 0; i < data.length; i++) out.push(...f.push(data.subarray(i, i + 1)));
  return out;
}

describe('SyslogStreamFramer', () => {
  it('frames newline-separated messages and tolerates CRLF and NUL trailers', () => {
    const f = new SyslogStreamFramer();
    const out = f.push(Buffer.from(`${sshd(1)}\n${sshd(2)}\r\n\n${sshd(3)}\0\n`));
    expect(texts(out)).toEqual([sshd(1), sshd(2), sshd(3)]);
  });

  it('frames octet-counted messages, with LF inside them, and detects the framing per message', () => {
    const a = `<34>1 2026-11-25T10:00:00Z host sshd 1 - - line one\nstill one`;
    const b = sshd(2);
    const data = Buffer.from(`${Buffer.byteLength(a)} ${a}${b}\n${Buffer.byteLength('é ok')} é ok`);
    const f = new SyslogStreamFramer();
    expect(texts(f.push(data))).toEqual([a, b, 'é ok']);
    expect(f.pendingBytes).toBe(0);
  });

  it('gives the same messages when fed one byte at a time', () => {
    const a = 'пароль <script>&"';
    const data = Buffer.from(`${Buffer.byteLength(a)} ${a}${sshd(1)}\n12345\n${sshd(2)}`);
    const f = new SyslogStreamFramer();
    const out = feedBytewise(f, data);
    out.push(...f.end());
    expect(texts(out)).toEqual([a, sshd(1), '12345', sshd(2)]);
  });

  it('cuts an over-long line and flags it, then reads the next message', () => {
    const f = new SyslogStreamFramer(300);
    const long = 'x'.repeat(1000);
    const out = f.push(Buffer.from(`${long}\n${sshd(1)}\n`));
    expect(out.map((m) => [m.text.length, m.truncated])).toEqual([[300, true], [sshd(1).length, false]]);
    expect(f.pendingBytes).toBe(0);
  });

  it('cuts an over-long octet-counted message and stays in step', () => {
    const f = new SyslogStreamFramer(300);
    const long = 'y'.repeat(700);
    const out = f.push(Buffer.from(`700 ${long}5 hello`));
    expect(out.map((m) => [m.text.length, m.truncated])).toEqual([[300, true], [5, false]]);
  });

  it('holds at most the bound while waiting for a newline', () => {
    const f = new SyslogStreamFramer(1024);
    for (let i = 0; i < 100; i++) f.push(Buffer.alloc(1000, 0x61));
    expect(f.pendingBytes).toBeLessThanOrEqual(1024 + 4);
  });

  it('cuts UTF-8 on a character boundary', () => {
    const b = Buffer.from('aé€🔥');
    expect(cutUtf8(b, 2)).toBe('a');
    expect(cutUtf8(b, 3)).toBe('aé');
    expect(cutUtf8(b, 7)).toBe('aé€');
    expect(cutUtf8(b, 100)).toBe('aé€🔥');
  });
});
