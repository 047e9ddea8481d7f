// Writes docs/errors.md from the ERRORS table in src/event/errors.ts (one source of truth).
// Run: npx tsx scripts/gen-errors-doc.ts
import { writeFileSync } from 'node:fs';
import { errorsMarkdown } from '../src/event/errors-doc.js';

writeFileSync(new URL('../docs/errors.md', import.meta.url), errorsMarkdown());
