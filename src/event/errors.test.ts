import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorsMarkdown } from './errors-doc.js';
import { ERRORS } from './errors.js';

describe('error codes', () => {
  it('docs/errors.md lists exactly the codes of ERRORS (regenerate with scripts/gen-errors-doc.ts)', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    expect(doc).toBe(errorsMarkdown());
  });
  it('every code has a how-to-fix line', () => {
    for (const [code, fix] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(fix.length).toBeGreaterThan(20);
    }
  });
});
