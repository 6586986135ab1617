import { DEFAULT_SENDER_ROLE } from '../security/roles.ts';
import { parse, UsageError } from './args.ts';
import {
  openStore,
  PROCESS_IO,
  runSecurityCommand,
  type SecurityIo,
  secretFrom,
  table,
} from './credentials.ts';

const USAGE = `Usage: causeway users <add|list|delete> [options]

  causeway users add NAME --password P [--role ROLE]...
  causeway users list [--json]
  causeway users delete NAME

Users call HTTPS endpoints whose sender has 'authentication: basic'; the endpoint's userRole
(default ${DEFAULT_SENDER_ROLE}) must be among their roles. Adding an existing user replaces its
password and roles. Passwords are stored as scrypt hashes in <data>/security/users.json.

  --data DIR          data directory (default: $CAUSEWAY_DATA, else ./data)
  --password-stdin    read the password from standard input
  --role ROLE         a role of the user (repeatable; default ${DEFAULT_SENDER_ROLE})
  -h, --help          this text
`;

const OPTIONS = {
  data: { type: 'string' },
  password: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  role: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `causeway users`: 0 done, 1 when the store fails or the user is unknown, 2 on bad arguments. */
export async function usersCommand(argv: string[], io: SecurityIo = PROCESS_IO): Promise<number> {
  return runSecurityCommand(io, USAGE, async () => {
    const { values, positionals } = parse(argv, OPTIONS);
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    const [action, name, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
    switch (action) {
      case 'add': {
        if (!name) throw new UsageError('users add needs a NAME');
        const password = await secretFrom(
          { password: values.password, 'password-stdin': values['password-stdin'] },
          'password',
          io,
        );
        const roles = values.role ?? [DEFAULT_SENDER_ROLE];
        const outcome = openStore(values.data, io).setUser(name, password, roles);
        io.stdout.write(
          `${outcome === 'added' ? 'Added' : 'Updated'} user '${name}' with roles ${roles.join(', ')}.\n`,
        );
        return 0;
      }
      case 'list': {
        if (name) throw new UsageError(`unexpected argument '${name}'`);
        const store = openStore(values.data, io);
        const users = store.listUsers();
        if (values.json) io.stdout.write(`${JSON.stringify(users)}\n`);
        else if (users.length === 0) io.stdout.write(`No users in ${store.dir}.\n`);
        else
          io.stdout.write(
            table(
              ['NAME', 'ROLES'],
              users.map((u) => [u.name, u.roles.join(', ')]),
            ),
          );
        return 0;
      }
      case 'delete': {
        if (!name) throw new UsageError('users delete needs a NAME');
        const store = openStore(values.data, io);
        if (!store.deleteUser(name)) {
          io.stderr.write(`No user '${name}' in ${store.dir}; 'causeway users list' shows them.\n`);
          return 1;
        }
        io.stdout.write(`Deleted user '${name}'.\n`);
        return 0;
      }
      default:
        throw new UsageError(
          action ? `unknown action '${action}'; use add, list or delete` : 'missing action',
        );
    }
  });
}
