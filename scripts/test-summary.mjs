// Prints the closing line "N passed, N failed" from vitest's JSON report, counting each failed
// build or type-check step as one failure. Exits 1 when anything failed or nothing ran.
import { existsSync, readFileSync } from 'node:fs';

const [file, stepsArg] = process.argv.slice(2);
const failedSteps = Number(stepsArg ?? 0);
let passed = 0;
let failed = failedSteps;
let skipped = 0;
if (existsSync(file)) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A test file that fails to load has no tests in the counts: count it as a failure.
  for (const suite of report.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) failed += 1;
  }
} else {
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
