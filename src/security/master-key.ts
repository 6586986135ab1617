import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';

export const MASTER_KEY_ENV = 'CAUSEWAY_MASTER_KEY';
export const MASTER_KEY_FILE = 'master.key';
const KEY_LENGTH = 32;

/**
 * The AES-256 key that encrypts credentials at rest: from `CAUSEWAY_MASTER_KEY` (base64) when set, else
 * `<dir>/master.key`, created (32 random bytes, mode 0600) when `create` is set and there is none yet.
 */
export function loadMasterKey(
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
  create: boolean,
): Buffer | undefined {
  const fromEnv = env[MASTER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length !== KEY_LENGTH)
      throw new UserError(
        'CW_ERR_SECURE_STORE',
        `${MASTER_KEY_ENV} decodes to ${key.length} bytes; the master key must be ${KEY_LENGTH} bytes in base64.`,
        { hint: `Create one with: node -e "console.log(crypto.randomBytes(32).toString('base64'))"` },
      );
    return key;
  }
  const file = join(dir, MASTER_KEY_FILE);
  let key: Buffer;
  try {
    key = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw readError(file, error);
    if (!create) return undefined;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    key = randomBytes(KEY_LENGTH);
    try {
      // 'wx': if another process created the key meanwhile, use theirs rather than overwrite it.
      writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
    } catch (raced) {
      if ((raced as NodeJS.ErrnoException).code !== 'EEXIST') throw readError(file, raced);
      key = readFileSync(file);
    }
  }
  if (key.length !== KEY_LENGTH)
    throw new UserError(
      'CW_ERR_SECURE_STORE',
      `The master key file ${file} holds ${key.length} bytes, not ${KEY_LENGTH}: it is damaged.`,
      {
        hint: `Restore ${file} from a backup, or set ${MASTER_KEY_ENV} to the key the credentials were encrypted with.`,
      },
    );
  return key;
}

/** A fingerprint of the key stored beside the credentials, so a wrong key is reported as such. */
export function keyCheck(key: Buffer): string {
  return createHmac('sha256', key).update('causeway master key check').digest('base64').slice(0, 22);
}

function readError(file: string, cause: unknown): UserError {
  return new UserError(
    'CW_ERR_SECURE_STORE',
    `Cannot read or create the master key ${file}: ${(cause as Error).message}`,
    {
      cause,
      hint: 'Check that the data directory exists and is writable by the user running Causeway.',
    },
  );
}
