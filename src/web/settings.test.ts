import { describe, expect, it } from 'vitest';
import { DEFAULTS, ignoredFilters, parseSettings, streamPath, toSearch } from './settings.js';

describe('settings in the URL', () => {
  it('round-trips every setting', () => {
    const s = parseSettings('?category=scan,exploit&minSeverity=high&srcCountry=CN&asn=4134&port=22&service=ssh&sensor=a&site=Frankfurt&view=public&theme=light&panels=feed,gauges&kiosk=1&staleAfter=2000&sound=1&window=1h&arcs=120&motion=reduce&fps=60');
    expect(s.filters.category).toEqual(['scan', 'exploit']);
    expect(s.kiosk).toBe(true);
    expect(s.staleAfterMs).toBe(2000);
    expect(parseSettings(toSearch(s))).toEqual(s);
  });

  it('falls back to defaults on bad values and writes nothing for defaults', () => {
    const s = parseSettings('?category=bogus&minSeverity=huge&theme=neon&arcs=abc&window=7y&staleAfter=-5');
    expect(s.filters.category).toEqual([]);
    expect(s.filters.minSeverity).toBe('');
    expect(s.theme).toBe('dark');
    expect(s.arcBudget).toBe(300);
    expect(s.window).toBe('live');
    expect(s.staleAfterMs).toBe(1000);
    expect(toSearch(DEFAULTS)).toBe('');
  });

  it('names the filter values it had to drop', () => {
    expect(ignoredFilters('?category=exploits,scan&minSeverity=huge')).toEqual(['category exploits', 'minSeverity huge']);
    expect(ignoredFilters('?category=scan&minSeverity=high&srcCountry=CN')).toEqual([]);
  });

  it('puts only server filters and the view on the stream URL', () => {
    const s = parseSettings('?category=scan&srcCountry=CN&theme=light&kiosk=1&view=public');
    expect(streamPath(s)).toBe('/api/stream?category=scan&srcCountry=CN&view=public');
    expect(streamPath(DEFAULTS)).toBe('/api/stream');
  });
});
