import { describe, expect, it } from 'vitest';
import { buildConfig } from './config/load.js';
import { effectiveSites } from './main.js';

describe('effective sites', () => {
  it('are the configured ones without the demo', () => {
    const config = buildConfig({ file: { sites: [{ name: 'Home', lat: 52.5, lon: 13.4 }] } });
    expect(effectiveSites(config).map((s) => s.name)).toEqual(['Home']);
  });

  it('include the demo sites next to configured ones while the demo runs; a configured name wins', () => {
    const config = buildConfig({
      file: { sites: [{ name: 'Home', lat: 52.5, lon: 13.4 }, { name: 'Frankfurt', lat: 50, lon: 8 }] },
      cli: { demo: { enabled: true } },
    });
    const sites = effectiveSites(config);
    expect(sites.map((s) => s.name)).toEqual(['Home', 'Frankfurt', 'Virginia', 'Singapore']);
    expect(sites.find((s) => s.name === 'Frankfurt')).toMatchObject({ lat: 50, lon: 8 });
  });
});
