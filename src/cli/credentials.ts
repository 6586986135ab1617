import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { CausewayError } from '../errors.ts';
import type { Credential } from '../runtime/services.ts';
import { CREDENTIAL_TYPES } from '../security/credential.ts';
import { FileSecureStore } from '../security/secure-store.ts';
import { parse, UsageError } from './args.ts';

const USAGE = `Usage: causeway credentials <set|list|delete> [options]

  causeway credentials set NAME --type basic --user U --password P
  causeway credentials set NAME --type oauth2-client-credentials --token-url URL --client-id ID
                                --client-secret S [--scope S] [--client-auth header|body]
  causeway credentials set NAME --type secure-parameter --value V
  causeway credentials list [--json]
  causeway credentials delete NAME

Credentials are encrypted in <data>/security/ with the master key (<data>/security/master.key,
or $CAUSEWAY_MASTER_KEY in base64). Flows use them by NAME.

  --data DIR          data directory (default: $CAUSEWAY_DATA, else ./data)
  --password-stdin    read the secret (password, client secret or value) from standard input,
                      so that it stays out of the shell history
  -h, --help          this text
`;

const OPTIONS = {
  data: { type: 'string' },
  type: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  'token-url': { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  scope: { type: 'string' },
  'client-auth': { type: 'string' },
  value: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Where the security commands read and write; replaced in tests. */
export interface SecurityIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  stdin: Readable;
  env: Record<string, string | undefined>;
}

export const PROCESS_IO: SecurityIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
};

/** Options each type accepts, so that a stray option is reported instead of silently ignored. */
const TYPE_OPTIONS: Record<Credential['type'], string[]> = {
  basic: ['user', 'password'],
  'oauth2-client-credentials': ['token-url', 'client-id', 'client-secret', 'scope', 'client-auth'],
  'secure-parameter': ['value'],
};
const SECRET_OPTION: Record<Credential['type'], string> = {
  basic: 'password',
  'oauth2-client-credentials': 'client-secret',
  'secure-parameter': 'value',
};

/** `causeway credentials`: 0 done, 1 when the store fails (wrong master key, unknown name), 2 on bad arguments. */
export async function credentialsCommand(argv: string[], io: SecurityIo = PROCESS_IO): Promise<number> {
  return runSecurityCommand(io, USAGE, async () => {
    const { values, positionals } = parse(argv, OPTIONS);
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    const [action, name, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const store = () => openStore(values.data, io);
    switch (action) {
      case 'set': {
        if (!name) throw new UsageError('credentials set needs a NAME');
        const credential = await credentialFromArgs(
          values as Record<string, string | boolean | undefined>,
          io,
        );
        const target = store();
        target.setCredential(name, credential);
        const user = credential.type === 'basic' ? `, user ${credential.user}` : '';
        io.stdout.write(`Stored credential '${name}' (${credential.type}${user}) in ${target.dir}.\n`);
        return 0;
      }
      case 'list': {
        if (name) throw new UsageError(`unexpected argument '${name}'`);
        const source = store();
        const list = source.listCredentials();
        if (values.json) io.stdout.write(`${JSON.stringify(list)}\n`);
        else if (list.length === 0) io.stdout.write(`No credentials in ${source.dir}.\n`);
        else
          io.stdout.write(
            table(
              ['NAME', 'TYPE', 'USER'],
              list.map((c) => [c.name, c.type, c.user ?? '']),
            ),
          );
        return 0;
      }
      case 'delete': {
        if (!name) throw new UsageError('credentials delete needs a NAME');
        const target = store();
        if (!target.deleteCredential(name)) {
          io.stderr.write(
            `No credential '${name}' in ${target.dir}; 'causeway credentials list' shows them.\n`,
          );
          return 1;
        }
        io.stdout.write(`Deleted credential '${name}'.\n`);
        return 0;
      }
      default:
        throw new UsageError(
          action ? `unknown action '${action}'; use set, list or delete` : 'missing action',
        );
    }
  });
}

async function credentialFromArgs(
  values: Record<string, string | boolean | undefined>,
  io: SecurityIo,
): Promise<Credential> {
  const type = values.type as Credential['type'] | undefined;
  if (!type) throw new UsageError(`--type is required: ${CREDENTIAL_TYPES.join(', ')}`);
  if (!CREDENTIAL_TYPES.includes(type))
    throw new UsageError(`unknown --type '${type}'; use ${CREDENTIAL_TYPES.join(', ')}`);
  for (const option of Object.values(TYPE_OPTIONS).flat()) {
    if (values[option] !== undefined && !TYPE_OPTIONS[type].includes(option))
      throw new UsageError(`--${option} does not apply to --type ${type}`);
  }
  const secret = await secretFrom(values, SECRET_OPTION[type], io);
  const need = (option: string): string => {
    const value = values[option];
    if (typeof value !== 'string' || value === '')
      throw new UsageError(`--${option} is required for --type ${type}`);
    return value;
  };
  switch (type) {
    case 'basic':
      return { type, user: need('user'), password: secret };
    case 'secure-parameter':
      return { type, value: secret };
    case 'oauth2-client-credentials': {
      const auth = values['client-auth'];
      if (auth !== undefined && auth !== 'header' && auth !== 'body')
        throw new UsageError(`--client-auth must be header or body, not '${auth}'`);
      return {
        type,
        tokenUrl: need('token-url'),
        clientId: need('client-id'),
        clientSecret: secret,
        ...(typeof values.scope === 'string' ? { scope: values.scope } : {}),
        ...(auth ? { clientAuthentication: auth } : {}),
      };
    }
  }
}

/** The secret from `--<option>` or from stdin with `--password-stdin` (one trailing newline dropped). */
export async function secretFrom(
  values: Record<string, string | boolean | undefined>,
  option: string,
  io: SecurityIo,
): Promise<string> {
  const inline = values[option];
  if (values['password-stdin']) {
    if (inline !== undefined) throw new UsageError(`give either --${option} or --password-stdin, not both`);
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    const text = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
    if (text === '')
      throw new UsageError('standard input was empty; pipe the secret in, e.g. printf %s "$SECRET" | …');
    return text;
  }
  if (typeof inline !== 'string' || inline === '')
    throw new UsageError(`--${option} (or --password-stdin) is required`);
  return inline;
}

export function openStore(data: string | undefined, io: SecurityIo): FileSecureStore {
  return new FileSecureStore(join(data ?? io.env.CAUSEWAY_DATA ?? 'data', 'security'), { env: io.env });
}

/** Runs a command body: usage mistakes exit 2 with the usage, store errors exit 1 with the hint. */
export async function runSecurityCommand(
  io: SecurityIo,
  usage: string,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof CausewayError) {
      io.stderr.write(`${error.code}: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}\n`);
      return error.code === 'CW_ERR_CREDENTIAL' ? 2 : 1;
    }
    throw error;
  }
}

export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd()}\n`;
  return line(head) + rows.map(line).join('');
}
