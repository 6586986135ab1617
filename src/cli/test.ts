import { existsSync } from 'node:fs';
import { findFiles, isFlowTestFile } from '../runtime/flow-files.ts';
import { formatReport, runFlowTests } from '../testing/flow-test/index.ts';
import { parse, UsageError } from './args.ts';

const USAGE = 'Usage: causeway test [file-or-folder]... [--filter TEXT] [--json]';

/**
 * `causeway test`: runs the flow tests (`*.test.yaml`) under the given paths (default: the current
 * folder). Exit 0 when every test passes, 1 when one fails or none was found, 2 on bad usage.
 */
export async function testCommand(argv: string[]): Promise<number> {
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
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(formatReport(report));
  if (report.passed + report.failed === 0) {
    const what = values.filter ? `no flow test named like '${values.filter}'` : 'no flow tests';
    process.stderr.write(`Found ${what} in ${paths.join(', ')} (flow tests are *.test.yaml files).\n`);
    return 1;
  }
  return report.failed === 0 ? 0 : 1;
}
