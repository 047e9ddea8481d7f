import { describe, expect, it } from 'vitest';
import { buildChoropleth, classOf, featureKey, legendBreaks } from './choropleth.js';

describe('choropleth scale', () => {
  it('is logarithmic: one huge country does not flatten the rest', () => {
    expect(classOf(0, 1000)).toBe(0);
    expect(classOf(1000, 1000)).toBe(6);
    expect(classOf(1, 1000)).toBe(1);
    expect(classOf(30, 1000)).toBeGreaterThanOrEqual(3); // linear would give class 1
  });

  it('legend breaks rise and start at 1', () => {
    const b = legendBreaks(1000);
    expect(b[0]).toBe(1);
    for (let i = 1; i < b.length; i++) expect(b[i]).toBeGreaterThan(b[i - 1]);
    expect(b[b.length - 1]).toBeLessThanOrEqual(1000);
  });

  it('keys countries as world-atlas does, Kosovo by name', () => {
    expect(featureKey('US')).toBe('840');
    expect(featureKey('gb')).toBe('826');
    expect(featureKey('XK')).toBe('name:Kosovo');
    expect(featureKey('ZZ')).toBeUndefined();
  });

  it('signature changes only when a class changes', () => {
    const a = buildChoropleth([['US', 100], ['CN', 50]]);
    const b = buildChoropleth([['US', 101], ['CN', 50]]);
    const c = buildChoropleth([['US', 100], ['CN', 50], ['RU', 3]]);
    expect(a.signature).toBe(b.signature);
    expect(c.signature).not.toBe(a.signature);
    expect(a.classes.get('840')).toBe(6);
  });
});
