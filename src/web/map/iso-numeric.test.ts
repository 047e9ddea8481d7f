import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { alpha2ToNumeric, ISO_PACKED } from './iso-numeric.js';

const require = createRequire(import.meta.url);

describe('ISO alpha-2 → numeric table', () => {
  it('matches i18n-iso-countries for every code', () => {
    const lib = require('i18n-iso-countries') as { getNumericCodes(): Record<string, string> };
    const codes = lib.getNumericCodes();
    expect(ISO_PACKED.length / 5).toBe(Object.keys(codes).length);
    for (const [num, a2] of Object.entries(codes)) expect(alpha2ToNumeric(a2)).toBe(num);
  });

  it('covers every world-atlas feature that has an id', () => {
    const world = require('world-atlas/countries-50m.json') as { objects: { countries: { geometries: { id?: string }[] } } };
    const known = new Set(ISO_PACKED.match(/.{5}/g)!.map((e) => e.slice(2)));
    const ids = world.objects.countries.geometries.map((g) => g.id).filter((x): x is string => x !== undefined);
    for (const id of ids) expect(known.has(id)).toBe(true);
  });
});
