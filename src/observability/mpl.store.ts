import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { errorMessage, OperationalError } from '../errors.ts';
import {
  checkedInteger,
  DEFAULT_LIMIT,
  MAX_LIMIT,
  type Row,
  SUMMARY_COLUMNS,
  toSummary,
  whereClause,
} from './mpl.query.ts';
import { migrate } from './mpl.schema.ts';
import type { MplEntry, MplQuery, MplSummary } from './mpl.types.ts';

export const MPL_FILE = 'mpl.sqlite';
export const DEFAULT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
/** Retention deletes in chunks so that a big purge never holds the write lock for long. */
const DELETE_CHUNK = 1000;

/** What `details` holds: only the lists that are not empty (a plain echo stores NULL). */
interface Details {
  receivers?: MplEntry['receivers'];
  steps?: MplEntry['steps'];
  customHeaderProperties?: MplEntry['customHeaderProperties'];
  attachments?: MplEntry['attachments'];
}

/**
 * Rows per multi-row INSERT. One statement for many rows saves SQLite's per-statement work and the
 * call into it (about a third of an insert's cost); 16 rows × 12 values stay far below SQLite's
 * limit of bound parameters.
 */
export const ROWS_PER_INSERT = 16;
const VALUES_PER_ROW = 12;

/** A unique key clash on message_guid: the entry is stored already and is replaced. */
const UNIQUE_CONSTRAINT = 2067;

/** The header rows of the entries `entries` selects (a query giving `id`s), found through their details. */
const deleteHeaders = (entries: string) => `DELETE FROM mpl_custom_header WHERE (name, value, entry_id) IN
  (SELECT h.value ->> 0, h.value ->> 1, m.id FROM message_log m, json_each(m.details, '$.customHeaderProperties') h
   WHERE m.id IN (${entries}))`;

export interface MplStoreOptions {
  /**
   * How long a write waits for another connection's lock before failing (default 5 s). Opening and
   * migrating always wait up to 5 s. MplWriter uses 0: the event loop never waits on a lock.
   */
  busyTimeoutMs?: number;
  /**
   * `manual`: no automatic WAL checkpoints on this connection; its owner runs them (MplWriter, through
   * WalCheckpointer, to keep fsync off the event loop). Default `auto`.
   */
  checkpoints?: 'auto' | 'manual';
}

/**
 * The message processing logs in `<dataDir>/mpl.sqlite` (SQLite in WAL mode: readers never block the
 * writer, and a killed process leaves the last committed transaction intact). One connection per instance;
 * the runtime writes through MplWriter, the API and CLI read with their own instance.
 */
export class MplStore {
  readonly file: string;
  readonly #db: DatabaseSync;
  readonly #queries = new Map<string, StatementSync>();
  readonly #insert: StatementSync;
  readonly #insertRows: StatementSync;
  readonly #header: StatementSync;
  readonly #find: StatementSync;
  readonly #deleteOne: { headers: StatementSync; entry: StatementSync };
  #inTransaction = false;

  constructor(dataDir: string, options: MplStoreOptions = {}) {
    this.file = join(dataDir, MPL_FILE);
    try {
      mkdirSync(dataDir, { recursive: true });
      this.#db = new DatabaseSync(this.file, { timeout: 5000 });
      this.#db.exec('PRAGMA journal_mode = WAL');
      // NORMAL in WAL mode: a killed process loses nothing committed; only a power cut may lose the last commits.
      this.#db.exec('PRAGMA synchronous = NORMAL');
      if (options.checkpoints === 'manual') this.#db.exec('PRAGMA wal_autocheckpoint = 0');
      // A WAL grown by a burst is cut back to 16 MB when it restarts, not kept at its peak.
      this.#db.exec('PRAGMA journal_size_limit = 16777216');
    } catch (error) {
      throw new OperationalError(
        'CW_ERR_MPL_STORE',
        `Cannot open the message log ${this.file}: ${errorMessage(error)}`,
        {
          cause: error,
          hint: 'Check that the data directory exists, is writable, and holds a Causeway mpl.sqlite file.',
        },
      );
    }
    migrate(this.#db, this.file);
    if (options.busyTimeoutMs !== undefined)
      this.#db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs))}`);
    const row = `(${Array(VALUES_PER_ROW).fill('?').join(', ')})`;
    this.#insert = this.#db.prepare(`INSERT INTO message_log (${SUMMARY_COLUMNS}, details) VALUES ${row}`);
    this.#insertRows = this.#db.prepare(
      `INSERT INTO message_log (${SUMMARY_COLUMNS}, details) VALUES ${Array(ROWS_PER_INSERT).fill(row).join(', ')}`,
    );
    this.#header = this.#db.prepare(
      'INSERT OR IGNORE INTO mpl_custom_header (name, value, entry_id) VALUES (?, ?, ?)',
    );
    this.#find = this.#db.prepare('SELECT id FROM message_log WHERE message_guid = ?');
    this.#deleteOne = {
      headers: this.#db.prepare(deleteHeaders('?')),
      entry: this.#db.prepare('DELETE FROM message_log WHERE id = ?'),
    };
  }

  /** Opens a write transaction for `insert`; `commit` or `rollback` ends it. */
  begin(): void {
    this.#db.exec('BEGIN');
    this.#inTransaction = true;
  }

  commit(): void {
    this.#db.exec('COMMIT');
    this.#inTransaction = false;
  }

  rollback(): void {
    if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
    this.#inTransaction = false;
  }

  /**
   * Stores one entry inside the open transaction. An entry whose guid is stored already replaces it (a
   * PROCESSING entry updated on completion); that rare case pays for a lookup, the common one does not.
   * A failing entry throws and leaves the transaction and the entries before it intact.
   */
  insert(e: MplEntry): void {
    const args = rowValues(e, []);
    let id: number | bigint;
    try {
      id = this.#insert.run(...args).lastInsertRowid;
    } catch (error) {
      if ((error as { errcode?: number }).errcode !== UNIQUE_CONSTRAINT) throw error;
      const old = (this.#find.get(e.messageGuid) as Row).id as number;
      this.#deleteOne.headers.run(old);
      this.#deleteOne.entry.run(old);
      id = this.#insert.run(...args).lastInsertRowid;
    }
    for (const [name, value] of e.customHeaderProperties) this.#header.run(name, value, id);
  }

  /**
   * Stores `ROWS_PER_INSERT` entries in one statement inside the open transaction. Only for entries
   * without custom header properties (they need each row's id); an entry stored already makes the
   * statement fail as a whole, and the caller then stores the entries one by one with `insert`.
   */
  insertRows(entries: readonly MplEntry[]): void {
    if (entries.length !== ROWS_PER_INSERT) throw new Error(`insertRows takes ${ROWS_PER_INSERT} entries`);
    const args: SQLInputValue[] = [];
    for (const e of entries) rowValues(e, args);
    this.#insertRows.run(...args);
  }

  /** Writes all entries in one transaction: all of them or none. */
  insertBatch(entries: readonly MplEntry[]): void {
    if (this.#inTransaction) throw new Error('insertBatch inside an open transaction');
    this.begin();
    try {
      for (const e of entries) this.insert(e);
      this.commit();
    } catch (error) {
      this.rollback();
      throw error;
    }
  }

  /** Entries matching every given filter, newest first. */
  query(filter: MplQuery = {}): MplSummary[] {
    const { where, params } = whereClause(filter);
    const limit = checkedInteger(filter.limit ?? DEFAULT_LIMIT, 'limit', 1, MAX_LIMIT);
    const offset = checkedInteger(filter.offset ?? 0, 'offset', 0, Number.MAX_SAFE_INTEGER);
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM message_log m ${where}
      ORDER BY log_start DESC, id DESC LIMIT ? OFFSET ?`;
    return this.#statement(sql)
      .all(...params, limit, offset)
      .map((row) => toSummary(row as Row));
  }

  /** How SQLite runs `query(filter)` (EXPLAIN QUERY PLAN, one step a line): to check that filters use indexes. */
  plan(filter: MplQuery = {}): string {
    const { where, params } = whereClause(filter);
    const sql = `EXPLAIN QUERY PLAN SELECT ${SUMMARY_COLUMNS} FROM message_log m ${where}
      ORDER BY log_start DESC, id DESC LIMIT ? OFFSET ?`;
    return (this.#db.prepare(sql).all(...params, 100, 0) as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join('\n');
  }

  /** How many entries match (limit and offset are ignored). */
  count(filter: MplQuery = {}): number {
    const { where, params } = whereClause(filter);
    const row = this.#statement(`SELECT count(*) AS n FROM message_log m ${where}`).get(...params) as Row;
    return Number(row.n);
  }

  /** One entry with its steps, receivers, custom header properties and attachments. */
  get(messageGuid: string): MplEntry | undefined {
    const row = this.#statement(
      `SELECT ${SUMMARY_COLUMNS}, details FROM message_log WHERE message_guid = ?`,
    ).get(messageGuid) as Row | undefined;
    if (row === undefined) return undefined;
    const details: Details = row.details === null ? {} : JSON.parse(String(row.details));
    return {
      ...toSummary(row),
      receivers: details.receivers ?? [],
      steps: details.steps ?? [],
      customHeaderProperties: details.customHeaderProperties ?? [],
      attachments: details.attachments ?? [],
    };
  }

  /**
   * Retention: deletes entries that started before `cutoff` (epoch ms), oldest first, in transactions of
   * at most `chunk` entries so that no purge holds the write lock (or the event loop) for long; stops after
   * `maxRows`. Returns how many went.
   */
  deleteOlderThan(cutoff: number, maxRows = Number.POSITIVE_INFINITY, chunk = DELETE_CHUNK): number {
    const oldest = 'SELECT id FROM message_log WHERE log_start < ? ORDER BY log_start LIMIT ?';
    const headers = this.#statement(deleteHeaders(oldest));
    const entries = this.#statement(`DELETE FROM message_log WHERE id IN (${oldest})`);
    let deleted = 0;
    while (deleted < maxRows) {
      const limit = Math.min(chunk, maxRows - deleted);
      this.#db.exec('BEGIN');
      let n: number;
      try {
        // Header rows first: they are found through the details of the entries still there.
        headers.run(cutoff, limit);
        n = Number(entries.run(cutoff, limit).changes);
        this.#db.exec('COMMIT');
      } catch (error) {
        this.#db.exec('ROLLBACK');
        throw error;
      }
      deleted += n;
      if (n < limit) break;
    }
    return deleted;
  }

  /**
   * Copies committed WAL frames into the database file without fsync (PASSIVE: never waits for readers);
   * WalCheckpointer syncs around it. Must not run inside this connection's transaction.
   */
  checkpointWithoutSync(): void {
    this.#db.exec('PRAGMA synchronous = OFF');
    try {
      this.#db.exec('PRAGMA wal_checkpoint(PASSIVE)');
    } finally {
      this.#db.exec('PRAGMA synchronous = NORMAL');
    }
  }

  /** Runs `PRAGMA integrity_check`; 'ok' when the file is sound. */
  integrityCheck(): string {
    return (this.#db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>)
      .map((r) => r.integrity_check)
      .join('\n');
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #statement(sql: string): StatementSync {
    let statement = this.#queries.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#queries.set(sql, statement);
    }
    return statement;
  }
}

/** Appends the values of `e`'s row to `args`, in the order of SUMMARY_COLUMNS and details. */
function rowValues(e: MplEntry, args: SQLInputValue[]): SQLInputValue[] {
  args.push(
    e.messageGuid,
    e.correlationId === e.messageGuid ? null : e.correlationId,
    e.flowId,
    e.status,
    e.logLevel,
    e.logStart,
    e.logEnd,
    e.sender,
    e.error ?? null,
    e.applicationMessageId ?? null,
    e.applicationMessageType ?? null,
    detailsJson(e),
  );
  return args;
}

function detailsJson(e: MplEntry): string | null {
  const { receivers, steps, customHeaderProperties, attachments } = e;
  if (receivers.length + steps.length + customHeaderProperties.length + attachments.length === 0) return null;
  const details: Details = {};
  if (receivers.length > 0) details.receivers = receivers;
  if (steps.length > 0) details.steps = steps;
  if (customHeaderProperties.length > 0) details.customHeaderProperties = customHeaderProperties;
  if (attachments.length > 0) details.attachments = attachments;
  return JSON.stringify(details);
}
