import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { MessageStatus } from '../engine/message-log.ts';
import { CausewayError, errorMessage, UserError } from '../errors.ts';
import { formatDetail, formatTable } from '../observability/mpl.format.ts';
import { MPL_FILE, MplStore } from '../observability/mpl.store.ts';
import { MESSAGE_STATUSES, type MplQuery } from '../observability/mpl.types.ts';

const USAGE = `Usage: causeway logs [options]

Lists message processing logs, newest first.

  --data DIR           data directory (default: $CAUSEWAY_DATA, else ./data)
  --flow ID            only this flow
  --status S           ${MESSAGE_STATUSES.join(' | ')}
  --since T            started at or after T: 30s, 10m, 1h, 2d ago, or an ISO time
  --until T            started before T (same forms)
  --correlation ID     only this correlation id
  --app-id ID          only this application message id (SAP_ApplicationID)
  --header NAME=VALUE  only entries with this custom header property
  --id GUID            show one entry in detail (steps, receivers, headers, attachments)
  --limit N            at most N entries (default 50, at most 10000)
  --json               one JSON object per line
  -h, --help           this text
`;

const OPTIONS = {
  data: { type: 'string' },
  flow: { type: 'string' },
  status: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  correlation: { type: 'string' },
  'app-id': { type: 'string' },
  header: { type: 'string' },
  id: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export interface LogsIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  now: () => number;
}

const PROCESS_IO: LogsIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  now: Date.now,
};

/** `causeway logs`: exit 0 when listed, 1 when the store cannot be read, 2 on bad arguments. */
export async function logsCommand(argv: string[], io: LogsIo = PROCESS_IO): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv, io.now());
  } catch (error) {
    const hint = error instanceof CausewayError && error.hint ? `\n${error.hint}` : '';
    io.stderr.write(`causeway logs: ${errorMessage(error)}${hint}\nRun 'causeway logs --help' for usage.\n`);
    return 2;
  }
  if (args.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const dataDir = resolve(args.data ?? io.env.CAUSEWAY_DATA ?? './data');
  if (!existsSync(join(dataDir, MPL_FILE))) {
    io.stderr.write(
      `causeway logs: no message log at ${join(dataDir, MPL_FILE)}.\n` +
        "Pass the runtime's data directory with --data DIR or CAUSEWAY_DATA.\n",
    );
    return 1;
  }
  let store: MplStore | undefined;
  try {
    store = new MplStore(dataDir);
    if (args.id !== undefined) {
      const entry = store.get(args.id);
      if (entry === undefined) {
        io.stderr.write(`causeway logs: no message ${args.id} in ${store.file}.\n`);
        return 1;
      }
      io.stdout.write(args.json ? `${JSON.stringify(entry)}\n` : formatDetail(entry));
      return 0;
    }
    const entries = store.query(args.query);
    if (args.json) io.stdout.write(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
    else if (entries.length === 0) io.stdout.write('No message logs match.\n');
    else io.stdout.write(formatTable(entries));
    return 0;
  } catch (error) {
    const hint = error instanceof CausewayError && error.hint ? `\n${error.hint}` : '';
    io.stderr.write(`causeway logs: ${errorMessage(error)}${hint}\n`);
    return 1;
  } finally {
    store?.close();
  }
}

function parse(argv: string[], now: number) {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  const query: MplQuery = { limit: 50 };
  query.flowId = values.flow;
  query.correlationId = values.correlation;
  query.applicationMessageId = values['app-id'];
  if (values.status !== undefined) query.status = status(values.status);
  if (values.since !== undefined) query.since = time('--since', values.since, now);
  if (values.until !== undefined) query.until = time('--until', values.until, now);
  if (values.header !== undefined) query.customHeader = header(values.header);
  if (values.limit !== undefined) query.limit = limit(values.limit);
  return { ...values, query };
}

function status(value: string): MessageStatus {
  const upper = value.toUpperCase();
  const found = MESSAGE_STATUSES.find((s) => s === upper);
  if (found === undefined) {
    throw usage(`--status ${value} is not a message status.`, `Use one of ${MESSAGE_STATUSES.join(', ')}.`);
  }
  return found;
}

/** A duration ago (`10m`) or an ISO date-time (`2024-05-01T10:00:00Z`) as epoch ms. */
function time(option: string, value: string, now: number): number {
  const ago = /^(\d+)([smhd])$/.exec(value);
  if (ago !== null) return now - Number(ago[1]) * UNITS[ago[2]];
  const parsed = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(parsed)) {
    throw usage(
      `${option} ${value} is neither a duration nor an ISO time.`,
      'Write e.g. 30s, 10m, 1h, 2d or 2024-05-01T10:00:00Z.',
    );
  }
  return parsed;
}

function header(value: string): { name: string; value: string } {
  const at = value.indexOf('=');
  if (at <= 0) throw usage(`--header ${value} has no name=value.`, 'Write e.g. --header orderId=4711.');
  return { name: value.slice(0, at), value: value.slice(at + 1) };
}

function limit(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= 10_000))
    throw usage(`--limit ${value} is not a number from 1 to 10000.`, 'Write e.g. --limit 200.');
  return n;
}

function usage(message: string, hint: string): UserError {
  return new UserError('CW_ERR_CLI_USAGE', message, { hint });
}
