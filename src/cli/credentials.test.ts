import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { FileSecureStore } from '../security/secure-store.ts';
import { credentialsCommand, type SecurityIo } from './credentials.ts';
import { usersCommand } from './users.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-cred-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a command with captured output; `--data` comes from CAUSEWAY_DATA unless given. */
async function run(
  command: typeof credentialsCommand,
  argv: string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
) {
  let stdout = '';
  let stderr = '';
  const io: SecurityIo = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: { CAUSEWAY_DATA: dir, ...options.env },
  };
  const code = await command(argv, io);
  return { code, stdout, stderr };
}

const store = () => new FileSecureStore(join(dir, 'security'), { env: {} });

describe('causeway credentials', () => {
  test('set basic, list, delete', async () => {
    const set = await run(credentialsCommand, [
      'set',
      'backend',
      '--type',
      'basic',
      '--user',
      'svc',
      '--password',
      'pw1',
    ]);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /Stored credential 'backend' \(basic, user svc\)/);
    assert.deepEqual(store().credential('backend'), { type: 'basic', user: 'svc', password: 'pw1' });
    const list = await run(credentialsCommand, ['list']);
    assert.match(list.stdout, /^NAME\s+TYPE\s+USER\nbackend\s+basic\s+svc\n$/);
    assert.doesNotMatch(list.stdout, /pw1/);
    const json = await run(credentialsCommand, ['list', '--json']);
    assert.deepEqual(JSON.parse(json.stdout), [{ name: 'backend', type: 'basic', user: 'svc' }]);
    assert.equal((await run(credentialsCommand, ['delete', 'backend'])).code, 0);
    const again = await run(credentialsCommand, ['delete', 'backend']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /No credential 'backend'/);
    assert.match((await run(credentialsCommand, ['list'])).stdout, /No credentials/);
  });

  test('secrets from stdin, OAuth2 and secure parameters, --data overrides CAUSEWAY_DATA', async () => {
    const other = join(dir, 'other');
    const oauth = await run(
      credentialsCommand,
      [
        'set',
        'idp',
        '--data',
        other,
        '--type',
        'oauth2-client-credentials',
        '--token-url',
        'https://idp/token',
        '--client-id',
        'cid',
        '--password-stdin',
        '--scope',
        'read',
        '--client-auth',
        'body',
      ],
      { stdin: 'the-secret\n' },
    );
    assert.equal(oauth.code, 0, oauth.stderr);
    assert.deepEqual(new FileSecureStore(join(other, 'security'), { env: {} }).credential('idp'), {
      type: 'oauth2-client-credentials',
      tokenUrl: 'https://idp/token',
      clientId: 'cid',
      clientSecret: 'the-secret',
      scope: 'read',
      clientAuthentication: 'body',
    });
    const param = await run(credentialsCommand, [
      'set',
      'apiKey',
      '--type',
      'secure-parameter',
      '--value',
      'k-1',
    ]);
    assert.equal(param.code, 0, param.stderr);
    assert.deepEqual(store().credential('apiKey'), { type: 'secure-parameter', value: 'k-1' });
    assert.doesNotMatch(readFileSync(join(dir, 'security', 'credentials.json'), 'utf8'), /k-1/);
  });

  test('bad arguments exit 2 with a clear message and the usage', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /missing action/],
      [['frobnicate'], /unknown action 'frobnicate'/],
      [['set'], /needs a NAME/],
      [['set', 'x'], /--type is required/],
      [['set', 'x', '--type', 'magic'], /unknown --type 'magic'/],
      [['set', 'x', '--type', 'basic', '--password', 'p'], /--user is required/],
      [['set', 'x', '--type', 'basic', '--user', 'u'], /--password \(or --password-stdin\) is required/],
      [
        ['set', 'x', '--type', 'basic', '--user', 'u', '--password', 'p', '--value', 'v'],
        /--value does not apply/,
      ],
      [['set', 'x', '--type', 'basic', '--user', 'u', '--password', 'p', '--password-stdin'], /not both/],
      [['set', 'x', '--type', 'secure-parameter', '--password-stdin'], /standard input was empty/],
      [
        [
          'set',
          'x',
          '--type',
          'oauth2-client-credentials',
          '--token-url',
          'u',
          '--client-id',
          'c',
          '--client-secret',
          's',
          '--client-auth',
          'x',
        ],
        /header or body/,
      ],
      [
        [
          'set',
          'x',
          '--type',
          'oauth2-client-credentials',
          '--token-url',
          'not a url',
          '--client-id',
          'c',
          '--client-secret',
          's',
        ],
        /not a URL/,
      ],
      [['set', '../evil', '--type', 'secure-parameter', '--value', 'v'], /not a valid credential name/],
      [['list', '--frob'], /Unknown option '--frob'/],
      [['delete'], /needs a NAME/],
    ];
    for (const [argv, message] of cases) {
      const result = await run(credentialsCommand, argv);
      assert.equal(result.code, 2, argv.join(' '));
      assert.match(result.stderr, message, argv.join(' '));
    }
  });

  test('a wrong master key exits 1 with a hint', async () => {
    await run(credentialsCommand, ['set', 'a', '--type', 'secure-parameter', '--value', 'v']);
    const result = await run(credentialsCommand, ['set', 'b', '--type', 'secure-parameter', '--value', 'w'], {
      env: { CAUSEWAY_MASTER_KEY: randomBytes(32).toString('base64') },
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /CW_ERR_SECURE_STORE: .*not the key/);
    assert.match(result.stderr, /hint:/);
  });

  test('--help prints the usage', async () => {
    const result = await run(credentialsCommand, ['--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /causeway credentials set NAME --type basic/);
  });
});

describe('causeway users', () => {
  test('add, authenticate, update, list, delete', async () => {
    const added = await run(usersCommand, ['add', 'alice', '--password', 'pw']);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /Added user 'alice' with roles ESBMessaging\.send/);
    assert.deepEqual(await store().authenticate('alice', 'pw'), ['ESBMessaging.send']);
    const updated = await run(
      usersCommand,
      ['add', 'alice', '--password-stdin', '--role', 'A', '--role', 'B'],
      { stdin: 'new\r\n' },
    );
    assert.match(updated.stdout, /Updated user 'alice' with roles A, B/);
    assert.equal(await store().authenticate('alice', 'pw'), undefined);
    assert.deepEqual(await store().authenticate('alice', 'new'), ['A', 'B']);
    assert.match((await run(usersCommand, ['list'])).stdout, /^NAME\s+ROLES\nalice\s+A, B\n$/);
    assert.deepEqual(JSON.parse((await run(usersCommand, ['list', '--json'])).stdout), [
      { name: 'alice', roles: ['A', 'B'] },
    ]);
    assert.equal((await run(usersCommand, ['delete', 'alice'])).code, 0);
    assert.equal((await run(usersCommand, ['delete', 'alice'])).code, 1);
    assert.match((await run(usersCommand, ['list'])).stdout, /No users/);
  });

  test('bad arguments exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /missing action/],
      [['add'], /needs a NAME/],
      [['add', 'bob'], /--password \(or --password-stdin\) is required/],
      [['add', 'bob', 'extra', '--password', 'x'], /unexpected argument 'extra'/],
      [['add', 'b@d', '--password', 'x'], /not a valid user name/],
      [['add', 'bob', '--password', 'x', '--role', ''], /role name is empty/],
      [['remove', 'bob'], /unknown action 'remove'/],
    ];
    for (const [argv, message] of cases) {
      const result = await run(usersCommand, argv);
      assert.equal(result.code, 2, argv.join(' '));
      assert.match(result.stderr, message, argv.join(' '));
    }
  });
});
