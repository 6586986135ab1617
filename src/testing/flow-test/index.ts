import { type FileReport, type RunOptions, runTestFile } from './run-test-file.ts';

export type { Failure } from './assertions.ts';
export { formatReport } from './format-report.ts';
export type { FileReport, RunOptions, TestResult } from './run-test-file.ts';

/** The result of a `causeway test` run; what `--json` prints. */
export interface FlowTestReport {
  files: FileReport[];
  passed: number;
  /** Failed tests, plus one for each file that could not run (a broken test file or flow). */
  failed: number;
  durationMs: number;
}

/** Runs flow test files (`*.test.yaml`) one after the other and collects what happened. */
export async function runFlowTests(files: string[], options: RunOptions = {}): Promise<FlowTestReport> {
  const started = performance.now();
  const reports: FileReport[] = [];
  for (const file of files) reports.push(await runTestFile(file, options));
  let passed = 0;
  let failed = 0;
  for (const report of reports) {
    if (report.diagnostics.length > 0) failed++;
    for (const test of report.tests) {
      if (test.passed) passed++;
      else failed++;
    }
  }
  return { files: reports, passed, failed, durationMs: Math.round(performance.now() - started) };
}
