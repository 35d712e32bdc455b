// Mocha's spec reporter, plus a JSON summary written where the test runner asks (TEST_SUMMARY_FILE),
// so scripts/test.mjs can add every tier into one closing line.
const Mocha = require('mocha');
const { writeFileSync } = require('node:fs');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      if (process.env.TEST_SUMMARY_FILE) {
        writeFileSync(process.env.TEST_SUMMARY_FILE, JSON.stringify({ passed: passes, failed: failures, skipped: pending }));
      }
    });
  }
}
module.exports = SummaryReporter;
