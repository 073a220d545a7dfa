// Ends a jest run with one plain line, "N passed, N failed", that CI logs can be read by.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // A file that fails to load or whose worker dies fails no test of its own: count it apart.
    const broken = results.numRuntimeErrorTestSuites;
    console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}${broken ? `, ${broken} test files that did not run` : ''}`);
  }
}

module.exports = SummaryReporter;
