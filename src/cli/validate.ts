import { readFileSync } from 'node:fs';
import { compileFlow } from '../flow/compiler.ts';
import { type Diagnostic, formatDiagnostic } from '../flow/diagnostic.ts';
import { detachedServices } from '../runtime/detached-services.ts';
import { findFiles, isFlowFile } from '../runtime/flow-files.ts';
import { existingPaths, parameterValues, parse } from './args.ts';

const USAGE = 'Usage: causeway validate <file-or-folder>... [--param name=value]...';

/** `causeway validate`: compiles flows without running them; every error, each with file:line:col. */
export async function validateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { param: { type: 'string', multiple: true } }, USAGE);
  const paths = existingPaths(positionals, USAGE);
  const files = findFiles(paths, isFlowFile);
  const parameters = parameterValues(values.param);
  const problems: Diagnostic[] = [];
  for (const file of files) {
    const { diagnostics } = compileFlow(readFileSync(file, 'utf8'), {
      file,
      services: detachedServices(),
      parameters,
    });
    problems.push(...diagnostics);
  }
  for (const problem of problems) process.stderr.write(`${formatDiagnostic(problem)}\n`);
  const bad = new Set(problems.map((p) => p.file)).size;
  process.stdout.write(
    `${files.length - bad} of ${files.length} flow file(s) valid, ${problems.length} error(s)\n`,
  );
  return problems.length === 0 ? 0 : 1;
}
