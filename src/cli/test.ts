import { existsSync } from 'node:fs';
import { findFiles, isFlowTestFile } from '../runtime/flow-files.ts';
import { formatReport, runFlowTests } from '../testing/flow-test/index.ts';
import { parse, UsageError } from './args.ts';

/** Where the command writes: the terminal, or a collector in tests. */
export interface Output {
  write(text: string): unknown;
}

const USAGE = 'Usage: causeway test [file-or-folder]... [--filter TEXT] [--json]';

/**
 * `causeway test`: runs the flow tests (`*.test.yaml`) under the given paths (default: the current
 * folder). Exit 0 when every test passes, 1 when one fails or none was found, 2 on bad usage
 * (a UsageError, which main turns into 2). `out`/`err` are parameters so tests can collect them.
 */
export async function testCommand(
  argv: string[],
  out: Output = process.stdout,
  err: Output = process.stderr,
): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { filter: { type: 'string' }, json: { type: 'boolean', default: false } },
    USAGE,
  );
  const paths = positionals.length > 0 ? positionals : ['.'];
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length > 0) throw new UsageError(`No such file or folder: ${missing.join(', ')}\n\n${USAGE}`);
  if (values.filter === '')
    throw new UsageError(`--filter needs a text to look for in test names.\n\n${USAGE}`);

  const files = findFiles(paths, isFlowTestFile);
  const report = await runFlowTests(files, { filter: values.filter });
  out.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  if (report.passed + report.failed === 0) {
    const what = values.filter ? `no flow test named like '${values.filter}'` : 'no flow tests';
    err.write(`Found ${what} in ${paths.join(', ')} (flow tests are *.test.yaml files).\n`);
    return 1;
  }
  return report.failed === 0 ? 0 : 1;
}
