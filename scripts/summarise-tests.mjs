// Prints the plain "N passed, N failed" line CI reads, from Vitest's JSON report plus the static checks.
import { existsSync, readFileSync } from "node:fs";

const [file, checksPassed, checksFailed, vitestStatus] = process.argv.slice(2);
let passed = Number(checksPassed);
let failed = Number(checksFailed);
if (existsSync(file)) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A test file that fails to load runs no test: count it as a failure.
  for (const suite of report.testResults ?? []) {
    if (suite.status === "failed" && (suite.assertionResults ?? []).every((a) => a.status !== "failed")) failed += 1;
  }
  if (report.numTotalTests === 0) failed += 1;
} else {
  failed += 1;
}
if (Number(vitestStatus) !== 0 && failed === 0) failed += 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
