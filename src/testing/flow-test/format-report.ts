import { isAbsolute, relative } from 'node:path';
import { formatDiagnostic } from '../../flow/diagnostic.ts';
import type { Failure } from './assertions.ts';
import type { FlowTestReport } from './index.ts';

/**
 * The report as `causeway test` prints it: each file, one line per test, the reasons under a failed
 * one, and a last line `N passed, N failed` that CI scripts read.
 */
export function formatReport(report: FlowTestReport, cwd = process.cwd()): string {
  const out: string[] = [];
  for (const file of report.files) {
    if (file.diagnostics.length === 0 && file.tests.length === 0) continue;
    out.push(shortPath(file.file, cwd));
    if (file.diagnostics.length > 0) {
      out.push('  ✖ could not run this file');
      for (const d of file.diagnostics) {
        out.push(...indent(formatDiagnostic({ ...d, file: shortPath(d.file, cwd) }).split('\n'), 6));
      }
    }
    for (const test of file.tests) {
      out.push(`  ${test.passed ? '✔' : '✖'} ${test.name} (${test.durationMs} ms)`);
      if (test.passed) continue;
      out.push(`      at ${shortPath(file.file, cwd)}:${test.line}`);
      for (const failure of test.failures) out.push(...indent(formatFailure(failure), 6));
    }
  }
  if (out.length > 0) out.push('');
  out.push(`${report.passed} passed, ${report.failed} failed`);
  return `${out.join('\n')}\n`;
}

function formatFailure({ check, lines }: Failure): string[] {
  if (lines.length === 1) return [`${check}: ${lines[0]}`];
  return [`${check}:`, ...indent(lines, 2)];
}

/** Relative to the working folder when inside it, so terminals and editors can open it either way. */
function shortPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

function indent(lines: string[], by: number): string[] {
  const pad = ' '.repeat(by);
  return lines.map((line) => pad + line);
}
