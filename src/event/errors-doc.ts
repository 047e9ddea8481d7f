import { ERRORS } from './errors.js';

/** docs/errors.md as text: every stable code with its how-to-fix line. */
export function errorsMarkdown(): string {
  const lines = [
    '# Error codes',
    '',
    'Every failure attackmap reports (an ingest rejection, a dead-letter line, a configuration',
    'error, a refused stream) carries one of these stable codes. This file is generated from',
    '`src/event/errors.ts` by `npx tsx scripts/gen-errors-doc.ts`; a test keeps the two equal.',
    '',
    '| code | how to fix |',
    '|---|---|',
  ];
  for (const [code, fix] of Object.entries(ERRORS)) lines.push(`| \`${code}\` | ${fix.replace(/\|/g, '\\|')} |`);
  return lines.join('\n') + '\n';
}
