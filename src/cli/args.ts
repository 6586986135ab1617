import { existsSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { parseParameterValue } from '../flow/parameters.ts';

/** A command-line mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Strict parsing with positionals; a mistake is a UsageError carrying `usage` when one is given. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  usage?: string,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message;
    throw new UsageError(usage ? `${message}\n\n${usage}` : message);
  }
}

/** `--param k=v` values into a map; a malformed one is a usage error. */
export function parameterValues(list: readonly string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param expects name=value, got '${item}'`);
    out[item.slice(0, eq)] = parseParameterValue(item.slice(eq + 1));
  }
  return out;
}

export function dataDir(value: string | undefined): string {
  return value ?? process.env.CAUSEWAY_DATA ?? 'data';
}

/** The named files and folders, checked to exist before anything starts. */
export function existingPaths(paths: readonly string[], usage: string): string[] {
  if (paths.length === 0) throw new UsageError(`Name at least one flow file or folder.\n\n${usage}`);
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0) throw new UsageError(`No such file or folder: ${missing.join(', ')}\n\n${usage}`);
  return [...paths];
}
