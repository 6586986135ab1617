import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import type { Credential, SecureStore } from '../runtime/services.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { open, type Sealed, seal } from './cipher.ts';
import { type CredentialSummary, credentialProblem, nameProblem, summarize } from './credential.ts';
import { keyCheck, loadMasterKey, MASTER_KEY_ENV, MASTER_KEY_FILE } from './master-key.ts';
import { hashPassword, type PasswordHash, VerifiedPasswords, verifyPassword } from './password.ts';
import { DEFAULT_SENDER_ROLE } from './roles.ts';

/** On disk: type and user stay readable for listing; everything else is sealed. */
interface StoredCredential extends Sealed {
  type: Credential['type'];
  user?: string;
}

interface CredentialsFile {
  version: 1;
  /** Fingerprint of the master key that sealed the entries. */
  keyCheck?: string;
  credentials: Record<string, StoredCredential>;
}

interface UsersFile {
  version: 1;
  users: Record<string, { password: PasswordHash; roles: string[] }>;
}

export interface FileSecureStoreOptions {
  /** Overrides the environment for `CAUSEWAY_MASTER_KEY` (tests). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface UserSummary {
  name: string;
  roles: string[];
}

/**
 * Security material in one folder (`<dataDir>/security/`): credentials sealed with AES-256-GCM under the master key,
 * users with scrypt password hashes. Files are read once when opened (call `reload()` to see changes made
 * by the CLI) and replaced atomically on every change. Secrets never appear in listings or errors.
 */
export class FileSecureStore implements SecureStore {
  readonly dir: string;
  readonly #env: Readonly<Record<string, string | undefined>>;
  #credentials!: CredentialsFile;
  #users!: UsersFile;
  #key?: Buffer;
  readonly #opened = new Map<string, Credential>();
  readonly #verified = new VerifiedPasswords();

  /** `dir` is the security folder itself, normally `<dataDir>/security`. */
  constructor(dir: string, options: FileSecureStoreOptions = {}) {
    this.dir = dir;
    this.#env = options.env ?? process.env;
    this.reload();
  }

  get #credentialsFile(): string {
    return join(this.dir, 'credentials.json');
  }

  get #usersFile(): string {
    return join(this.dir, 'users.json');
  }

  reload(): void {
    this.#credentials = readJson<CredentialsFile>(this.#credentialsFile, { version: 1, credentials: {} });
    this.#users = readJson<UsersFile>(this.#usersFile, { version: 1, users: {} });
    this.#opened.clear();
    this.#verified.clear();
  }

  /** Throws a clear error now, rather than at the first message, when the master key cannot open the store. */
  verifyMasterKey(): void {
    if (Object.keys(this.#credentials.credentials).length > 0) this.#masterKey(false);
  }

  credential(name: string): Credential | undefined {
    const cached = this.#opened.get(name);
    if (cached) return { ...cached };
    const stored = this.#credentials.credentials[name];
    if (!stored) return undefined;
    let credential: Credential;
    try {
      credential = JSON.parse(open(this.#masterKey(false), stored, context(name, stored))) as Credential;
    } catch (cause) {
      if (cause instanceof UserError) throw cause;
      throw new UserError(
        'CW_ERR_SECURE_STORE',
        `Credential '${name}' in ${this.#credentialsFile} cannot be decrypted.`,
        {
          cause,
          hint: `The entry was changed by hand or damaged; set it again with 'causeway credentials set ${name} …'.`,
        },
      );
    }
    this.#opened.set(name, credential);
    return { ...credential };
  }

  setCredential(name: string, credential: Credential): void {
    const problem = nameProblem(name, 'credential') ?? credentialProblem(credential);
    if (problem) throw new UserError('CW_ERR_CREDENTIAL', `Cannot store credential '${name}': ${problem}.`);
    const key = this.#masterKey(true);
    const visible = summarize(name, credential);
    const entry = { type: credential.type, user: visible.user };
    const sealed = seal(key, JSON.stringify(credential), context(name, entry));
    const next: CredentialsFile = {
      version: 1,
      keyCheck: keyCheck(key),
      credentials: { ...this.#credentials.credentials, [name]: { ...entry, ...sealed } },
    };
    this.#write(this.#credentialsFile, next);
    this.#credentials = next;
    this.#opened.delete(name);
  }

  deleteCredential(name: string): boolean {
    if (!(name in this.#credentials.credentials)) return false;
    const { [name]: _removed, ...rest } = this.#credentials.credentials;
    const next: CredentialsFile = { ...this.#credentials, credentials: rest };
    this.#write(this.#credentialsFile, next);
    this.#credentials = next;
    this.#opened.delete(name);
    return true;
  }

  /** Names, types and user names, sorted by name: enough to manage credentials, never a secret. */
  listCredentials(): CredentialSummary[] {
    return Object.entries(this.#credentials.credentials)
      .map(([name, c]) =>
        c.user === undefined ? { name, type: c.type } : { name, type: c.type, user: c.user },
      )
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  authenticate(user: string, password: string): string[] | undefined {
    const entry = Object.hasOwn(this.#users.users, user) ? this.#users.users[user] : undefined;
    if (!entry) {
      // Hash anyway, so that the answer time does not tell which user names exist.
      verifyPassword(password, unknownUserHash());
      return undefined;
    }
    let ok = this.#verified.lookup(user, password);
    if (ok === undefined) {
      ok = verifyPassword(password, entry.password);
      this.#verified.remember(user, password, ok);
    }
    return ok ? [...entry.roles] : undefined;
  }

  /** Adds a user or replaces its password and roles. */
  setUser(name: string, password: string, roles: string[] = [DEFAULT_SENDER_ROLE]): 'added' | 'updated' {
    const problem =
      nameProblem(name, 'user') ??
      (password === '' ? 'the password is empty' : undefined) ??
      (roles.some((r) => r.trim() === '') ? 'a role name is empty' : undefined);
    if (problem) throw new UserError('CW_ERR_CREDENTIAL', `Cannot store user '${name}': ${problem}.`);
    const existed = Object.hasOwn(this.#users.users, name);
    const next: UsersFile = {
      version: 1,
      users: {
        ...this.#users.users,
        [name]: { password: hashPassword(password), roles: [...new Set(roles)] },
      },
    };
    this.#write(this.#usersFile, next);
    this.#users = next;
    this.#verified.forget(name);
    return existed ? 'updated' : 'added';
  }

  deleteUser(name: string): boolean {
    if (!Object.hasOwn(this.#users.users, name)) return false;
    const { [name]: _removed, ...rest } = this.#users.users;
    const next: UsersFile = { version: 1, users: rest };
    this.#write(this.#usersFile, next);
    this.#users = next;
    this.#verified.forget(name);
    return true;
  }

  listUsers(): UserSummary[] {
    return Object.entries(this.#users.users)
      .map(([name, u]) => ({ name, roles: [...u.roles] }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  #masterKey(create: boolean): Buffer {
    if (this.#key) return this.#key;
    const key = loadMasterKey(this.dir, this.#env, create);
    if (!key) {
      throw new UserError(
        'CW_ERR_SECURE_STORE',
        `The master key ${join(this.dir, MASTER_KEY_FILE)} is missing.`,
        {
          hint: `Restore it from a backup or set ${MASTER_KEY_ENV}; without it the stored credentials cannot be read.`,
        },
      );
    }
    const expected = this.#credentials.keyCheck;
    if (expected !== undefined && expected !== keyCheck(key)) {
      const source = this.#env[MASTER_KEY_ENV] ? MASTER_KEY_ENV : join(this.dir, MASTER_KEY_FILE);
      throw new UserError(
        'CW_ERR_SECURE_STORE',
        `The master key from ${source} is not the key the credentials in ${this.#credentialsFile} were encrypted with.`,
        {
          hint: `Use the original key (restore ${MASTER_KEY_FILE} or set ${MASTER_KEY_ENV}), or delete ${this.#credentialsFile} and set the credentials again.`,
        },
      );
    }
    this.#key = key;
    return key;
  }

  #write(file: string, content: unknown): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`);
  }
}

/** A hash no password matches, checked for unknown users; made on first need (scrypt takes tens of ms). */
let unknownUser: PasswordHash | undefined;
function unknownUserHash(): PasswordHash {
  unknownUser ??= hashPassword(randomBytes(16).toString('hex'));
  return unknownUser;
}

/** The authenticated, unencrypted part of an entry: its name and visible fields. */
function context(name: string, entry: { type: string; user?: string }): string {
  return JSON.stringify([name, entry.type, entry.user ?? null]);
}

function readJson<T extends { version: number }>(file: string, empty: T): T {
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
