import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import type { Credential, SecureStore } from '../runtime/services.ts';
import { writeFileAtomic } from './atomic-file.ts';
import type { CheckQueue } from './check-queue.ts';
import { open, type Sealed, seal } from './cipher.ts';
import { type CredentialSummary, credentialProblem, nameProblem, summarize } from './credential.ts';
import { withFolderLock } from './folder-lock.ts';
import { watchFolder } from './folder-watch.ts';
import { keyCheck, loadMasterKey, MASTER_KEY_ENV, MASTER_KEY_FILE } from './master-key.ts';
import { hashPassword, type PasswordHash } from './password.ts';
import { PasswordChecker } from './password-checker.ts';
import { DEFAULT_SENDER_ROLE } from './roles.ts';
import { asStoreError, readJson } from './store-file.ts';

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
  /** Limits for password hashing; default: one queue shared by the process. */
  checks?: CheckQueue;
  /** How long a change waits for another process's change before failing; default 15 s. */
  lockWaitMs?: number;
}

export interface UserSummary {
  name: string;
  roles: string[];
}

/**
 * Security material in one folder (`<dataDir>/security/`): credentials sealed with AES-256-GCM under the master key,
 * users with scrypt password hashes. Files are read when opened; each change re-reads them under the
 * folder's lock (folder-lock.ts) and replaces the file it changes atomically, so changes from several
 * processes are all kept. A runtime calls `watch()` to see changes the CLI makes from another process.
 * Secrets never appear in listings or errors.
 */
export class FileSecureStore implements SecureStore {
  readonly dir: string;
  readonly #env: Readonly<Record<string, string | undefined>>;
  #credentials: CredentialsFile = { version: 1, credentials: {} };
  #users: UsersFile = { version: 1, users: {} };
  #key?: Buffer;
  readonly #opened = new Map<string, Credential>();
  readonly #passwords: PasswordChecker;
  readonly #lockWaitMs?: number;
  #unwatch?: () => void;

  /** `dir` is the security folder itself, normally `<dataDir>/security`. */
  constructor(dir: string, options: FileSecureStoreOptions = {}) {
    this.dir = dir;
    this.#env = options.env ?? process.env;
    this.#passwords = new PasswordChecker(options.checks);
    this.#lockWaitMs = options.lockWaitMs;
    this.reload();
  }

  get #credentialsFile(): string {
    return join(this.dir, 'credentials.json');
  }

  get #usersFile(): string {
    return join(this.dir, 'users.json');
  }

  /**
   * Reads both files again. Either both are taken or, when one cannot be read, neither (the error is
   * thrown and the previous data stays). Caches are dropped only for what changed, so clients whose
   * password stands are not hashed again.
   */
  reload(): void {
    const credentials = readJson<CredentialsFile>(this.#credentialsFile, { version: 1, credentials: {} });
    const users = readJson<UsersFile>(this.#usersFile, { version: 1, users: {} });
    if (JSON.stringify(credentials) !== JSON.stringify(this.#credentials)) this.#opened.clear();
    // The key file may have been restored; it is read again on the next credential that needs it.
    this.#key = undefined;
    // Added users too: a password cached as wrong while the name did not exist may now be right.
    for (const name of new Set([...Object.keys(this.#users.users), ...Object.keys(users.users)])) {
      const before = Object.hasOwn(this.#users.users, name) ? this.#users.users[name] : undefined;
      const now = Object.hasOwn(users.users, name) ? users.users[name] : undefined;
      if (JSON.stringify(now?.password) !== JSON.stringify(before?.password)) this.#passwords.forget(name);
    }
    this.#credentials = credentials;
    this.#users = users;
  }

  /**
   * Reloads ~100 ms after `credentials.json`, `users.json` or `master.key` change (the CLI writes them from
   * another process). `onChange` hears each reload, and the first of failed ones with its error (the
   * previous data stays until a reload succeeds). Creates the folder when missing; throws when it cannot be watched.
   */
  watch(onChange: (error?: UserError) => void = () => {}): void {
    if (this.#unwatch) return;
    // One report per spell of failures: the file may be rewritten several times before it is fixed.
    let failing = false;
    const report = (error: UserError) => {
      if (failing) return;
      failing = true;
      onChange(error);
    };
    const reload = () => {
      try {
        this.reload();
      } catch (error) {
        return report(asStoreError(error, `Cannot reload ${this.dir}`));
      }
      failing = false;
      onChange();
    };
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      this.#unwatch = watchFolder(this.dir, WATCHED, reload, (error) =>
        report(asStoreError(error, `Stopped watching ${this.dir}`)),
      );
    } catch (error) {
      throw asStoreError(error, `Cannot watch ${this.dir} for changes`);
    }
  }

  /** Stops watching; the store keeps serving what it holds. */
  close(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
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
    this.#change(() => this.#putCredential(name, credential));
  }

  #putCredential(name: string, credential: Credential): void {
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
    return this.#change(() => this.#removeCredential(name));
  }

  #removeCredential(name: string): boolean {
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

  knownPassword(user: string, password: string): string[] | null | undefined {
    const ok = this.#passwords.known(user, password);
    if (ok === undefined) return undefined;
    const entry = this.#user(user);
    return ok && entry ? [...entry.roles] : null;
  }

  async authenticate(user: string, password: string): Promise<string[] | undefined> {
    const entry = this.#user(user);
    // Unknown users are hashed too (against a hash nothing matches): the time taken tells no user names.
    const ok = await this.#passwords.check(user, password, entry?.password);
    return ok && entry ? [...entry.roles] : undefined;
  }

  #user(name: string): UsersFile['users'][string] | undefined {
    return Object.hasOwn(this.#users.users, name) ? this.#users.users[name] : undefined;
  }

  /** Adds a user or replaces its password and roles. */
  setUser(name: string, password: string, roles: string[] = [DEFAULT_SENDER_ROLE]): 'added' | 'updated' {
    const problem =
      nameProblem(name, 'user') ??
      (password === '' ? 'the password is empty' : undefined) ??
      (roles.some((r) => r.trim() === '') ? 'a role name is empty' : undefined);
    if (problem) throw new UserError('CW_ERR_CREDENTIAL', `Cannot store user '${name}': ${problem}.`);
    // Hashed before the lock is taken: it is the slow part, and other processes wait while it is held.
    const hash = hashPassword(password);
    return this.#change(() => this.#putUser(name, hash, roles));
  }

  #putUser(name: string, password: PasswordHash, roles: string[]): 'added' | 'updated' {
    const existed = Object.hasOwn(this.#users.users, name);
    const next: UsersFile = {
      version: 1,
      users: { ...this.#users.users, [name]: { password, roles: [...new Set(roles)] } },
    };
    this.#write(this.#usersFile, next);
    this.#users = next;
    this.#passwords.forget(name);
    return existed ? 'updated' : 'added';
  }

  deleteUser(name: string): boolean {
    return this.#change(() => this.#removeUser(name));
  }

  #removeUser(name: string): boolean {
    if (!Object.hasOwn(this.#users.users, name)) return false;
    const { [name]: _removed, ...rest } = this.#users.users;
    const next: UsersFile = { version: 1, users: rest };
    this.#write(this.#usersFile, next);
    this.#users = next;
    this.#passwords.forget(name);
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

  /**
   * A change made under the folder's lock on the files as they are now: another process (a second CLI
   * command) may have changed them since this store read them, and its change must not be lost.
   */
  #change<T>(apply: () => T): T {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    return withFolderLock(
      this.dir,
      () => {
        this.reload();
        return apply();
      },
      { waitMs: this.#lockWaitMs },
    );
  }

  #write(file: string, content: unknown): void {
    writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`);
  }
}

const WATCHED: ReadonlySet<string> = new Set(['credentials.json', 'users.json', MASTER_KEY_FILE]);

/** The authenticated, unencrypted part of an entry: its name and visible fields. */
function context(name: string, entry: { type: string; user?: string }): string {
  return JSON.stringify([name, entry.type, entry.user ?? null]);
}
