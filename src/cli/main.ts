#!/usr/bin/env node
import { CausewayError } from '../errors.ts';
import { UsageError } from './args.ts';

const HELP = `causeway — integration flows in YAML, compiled once, run fast, tested like code

Usage: causeway <command> [options]

Commands:
  run <paths...>        serve flows locally, reload on change (--port, --param k=v, --data DIR)
  validate <paths...>   check flows; every error with file:line:col
  test [paths...]       run flow tests (*.test.yaml beside the flows)
  schema                print the JSON Schema of flow files
  logs                  list and filter message processing logs (--flow, --status, --since, --id)
  credentials           manage security material (set, list, delete)
  users                 manage users allowed to send messages (add, list, delete)
`;

const commands: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  run: async () => (await import('./run.ts')).runCommand,
  validate: async () => (await import('./validate.ts')).validateCommand,
  test: async () => (await import('./test.ts')).testCommand,
  schema: async () => (await import('./schema.ts')).schemaCommand,
  logs: async () => (await import('./logs.ts')).logsCommand,
  credentials: async () => (await import('./credentials.ts')).credentialsCommand,
  users: async () => (await import('./users.ts')).usersCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`Unknown command '${name}'.\n\n${HELP}`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (error instanceof CausewayError) {
      process.stderr.write(`${error.code}: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}\n`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
