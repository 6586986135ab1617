import { flushCompileCache } from 'node:module';
import { Runtime } from '../runtime/runtime.ts';
import { dataDir, existingPaths, parameterValues, parse, UsageError } from './args.ts';

const USAGE =
  'Usage: causeway run <file-or-folder>... [--port 8080] [--host 127.0.0.1] [--param name=value]... [--data DIR] [--no-watch]';

/**
 * `causeway run`: serves flows locally, prints their endpoints and reloads a flow when its file
 * changes. Runs until SIGINT/SIGTERM, then stops accepting, lets messages finish and flushes logs.
 */
export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      port: { type: 'string', default: process.env.PORT ?? '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      param: { type: 'string', multiple: true },
      data: { type: 'string' },
      'no-watch': { type: 'boolean', default: false },
    },
    USAGE,
  );
  const paths = existingPaths(positionals, USAGE);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0–65535, got '${values.port}'`);

  const runtime = await Runtime.start({
    dataDir: dataDir(values.data),
    port,
    host: values.host,
    parameters: parameterValues(values.param),
  });
  const problems = await runtime.deployPaths(paths);
  runtime.report(problems);
  const out = process.stdout;
  // One write, so whoever reads the banner sees the endpoints together with the address.
  const banner = [`Causeway is serving on ${runtime.baseUrl()}`];
  for (const flow of runtime.flows()) {
    for (const endpoint of flow.endpoint?.describe() ?? []) banner.push(`  ${flow.id}: ${endpoint}`);
  }
  if (problems.length > 0)
    banner.push(`${new Set(problems.map((p) => p.file)).size} flow file(s) did not load (see above)`);
  out.write(`${banner.join('\n')}\n`);
  // Everything a running runtime needs is loaded now: write the compile cache (bin/causeway.mjs) at once
  // rather than at exit, so that a process that is killed still leaves it for the next start.
  flushCompileCache();
  if (!values['no-watch']) {
    runtime.watch(paths, (file, reloadProblems) => {
      if (reloadProblems.length === 0) out.write(`reloaded ${file}\n`);
      else {
        out.write(`not reloaded ${file}: the running version stays\n`);
        runtime.report(reloadProblems);
      }
    });
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await runtime.close();
  return 0;
}
