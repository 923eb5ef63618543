// Jest reporter: writes test-output/jest-summary.json so .ci/run can print "N passed, N failed, N skipped".
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) { this.rootDir = globalConfig.rootDir; }
  onRunComplete(_contexts, results) {
    const dir = join(this.rootDir, 'test-output');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'jest-summary.json'), JSON.stringify({
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
      suitesFailed: results.numFailedTestSuites,
    }));
  }
}
module.exports = SummaryReporter;
