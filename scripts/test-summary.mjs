// Prints the closing line "N passed, N failed" summed over vitest JSON reports, counting each
// failed build or type-check step as one failure. Usage: test-summary.mjs FAILED_STEPS REPORT...
// Exits 1 when anything failed or nothing ran.
import { existsSync, readFileSync } from 'node:fs';

const [stepsArg, ...files] = process.argv.slice(2);
let passed = 0;
let failed = Number(stepsArg ?? 0);
let skipped = 0;
for (const file of files) {
  if (!existsSync(file)) {
    console.log(`test-summary: ${file} is missing (its runner did not finish)`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A test file that fails to load reports no tests: count it as one failure.
  for (const suite of report.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
