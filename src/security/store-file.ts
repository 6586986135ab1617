import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';

/** A store failure as a UserError with a hint; UserErrors pass through unchanged. */
export function asStoreError(error: unknown, what: string): UserError {
  if (error instanceof UserError) return error;
  return new UserError('CW_ERR_SECURE_STORE', `${what}: ${(error as Error).message}`, {
    cause: error,
    hint: 'Check that the data directory exists and is readable by this user.',
  });
}

/** A versioned JSON file of the store, or `empty` when it does not exist yet. */
export function readJson<T extends { version: number }>(file: string, empty: T): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty;
    throw new UserError('CW_ERR_SECURE_STORE', `Cannot read ${file}: ${(error as Error).message}`, {
      cause: error,
      hint: 'Check the permissions of the data directory.',
    });
  }
  let parsed: T;
  try {
    parsed = JSON.parse(text) as T;
  } catch (cause) {
    throw new UserError('CW_ERR_SECURE_STORE', `${file} is not valid JSON: ${(cause as Error).message}`, {
      cause,
      hint: 'Restore the file from a backup; it is written by the causeway CLI only.',
    });
  }
  if (parsed?.version !== 1)
    throw new UserError(
      'CW_ERR_SECURE_STORE',
      `${file} has an unknown format version ${String(parsed?.version)}.`,
      {
        hint: 'It was written by a newer Causeway; use that version, or restore a backup.',
      },
    );
  return parsed;
}
