import { describe, expect, it } from 'vitest';
import { decodeDeadLetters, fmtDateTime, RAW_CHARS, visibleText } from './deadletters.js';

describe('dead-letter text', () => {
  it('shows terminal escapes, other control characters and direction overrides as visible escapes', () => {
    expect(visibleText('\u001b[31mred\u001b[0m', 100)).toBe('\\x1b[31mred\\x1b[0m');
    expect(visibleText('a\u0000b\rc\u007f\u0085', 100)).toBe('a\\x00b\\x0dc\\x7f\\x85');
    expect(visibleText('user\u202Egnp.exe', 100)).toBe('user\\u202egnp.exe');
  });

  it('keeps tabs, newlines and markup as plain characters', () => {
    expect(visibleText('a\tb\n<img src=x onerror=alert(1)>', 100)).toBe('a\tb\n<img src=x onerror=alert(1)>');
  });

  it('cuts long text and says so', () => {
    expect(visibleText('x'.repeat(10), 4)).toBe('xxxx…');
  });
});

describe('decodeDeadLetters', () => {
  it('keeps the fields the dialog shows, clipped, and drops entries that are not objects', () => {
    const page = decodeDeadLetters({
      total: 3,
      entries: [
        { id: 9, time: '2026-05-01T12:00:00Z', source: 'http', format: 'sshd', code: 'PARSE_NO_MATCH', message: 'm', raw: 'y'.repeat(5000), position: 'HTTP' },
        'junk', null,
        { id: 'x', raw: 7 },
      ],
    });
    expect(page?.total).toBe(3);
    expect(page?.entries).toHaveLength(2);
    expect(page?.entries[0]).toMatchObject({ id: 9, code: 'PARSE_NO_MATCH', format: 'sshd', position: 'HTTP' });
    expect(page?.entries[0].raw).toHaveLength(RAW_CHARS + 1);
    expect(page?.entries[1]).toMatchObject({ id: null, raw: '', code: '' });
  });

  it('refuses answers without a total or a list', () => {
    expect(decodeDeadLetters(null)).toBeNull();
    expect(decodeDeadLetters({ entries: [] })).toBeNull();
    expect(decodeDeadLetters({ total: 1, entries: {} })).toBeNull();
  });

  it('formats the time with its local date, and shows an unparsable time as text', () => {
    expect(fmtDateTime('2026-05-01T12:34:56Z')).toMatch(/^2026-05-0[12] \d\d:34:56$/);
    expect(fmtDateTime('not\u001ba time')).toBe('not\\x1ba time');
  });
});
