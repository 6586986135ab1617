import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { errorMessage, OperationalError } from '../errors.ts';
import {
  BLOCK_SPAN_MS,
  BlockBuilder,
  type Details,
  detailLists,
  detailsJson,
  isPlain,
  type MplBlock,
} from './mpl.block.ts';
import {
  type BlockFilter,
  blockFilter,
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

const VALUES_PER_ROW = 12;
/** Blocks a listing reads per statement while it looks for the newest entries. */
const BLOCKS_PER_PAGE = 32;

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
  readonly #insertBlock: StatementSync;
  readonly #header: StatementSync;
  readonly #find: StatementSync;
  readonly #deleteOne: { headers: StatementSync; entry: StatementSync };
  #inTransaction = false;
  /**
   * Messages with a stored entry that is not final (PROCESSING, RETRY): their next entry replaces that
   * row, so it never goes into a block. Read from the file on first use; `#finishing` are the ones whose
   * final entry the open transaction holds, forgotten from the set when it commits.
   */
  #unfinished?: Set<string>;
  #finishing: string[] = [];

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
    this.#insertBlock = this.#db.prepare(
      `INSERT INTO mpl_block (${BLOCK_COLUMNS}, count, entries) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
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
    for (const guid of this.#finishing) this.#unfinished?.delete(guid);
    this.#finishing = [];
  }

  rollback(): void {
    if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
    this.#inTransaction = false;
    this.#finishing = [];
  }

  /**
   * Whether `e` goes into a block (`insertBlock`) rather than a row of its own (`insert`): it is plain,
   * and it does not replace an unfinished entry.
   */
  fitsBlock(e: MplEntry): boolean {
    if (!isPlain(e)) return false;
    const unfinished = this.#unfinishedGuids();
    return unfinished.size === 0 || !unfinished.has(e.messageGuid);
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
    if (e.status === 'PROCESSING' || e.status === 'RETRY') this.#unfinishedGuids().add(e.messageGuid);
    else if (this.#unfinished?.has(e.messageGuid)) this.#finishing.push(e.messageGuid);
  }

  /**
   * Stores a block of plain entries (mpl.block.ts) inside the open transaction. Its entries are final:
   * an entry that may be replaced later (a message still PROCESSING) is never plain, and goes to `insert`.
   */
  insertBlock(b: MplBlock): void {
    this.#insertBlock.run(
      b.flowId,
      b.status,
      b.logLevel,
      b.sender,
      b.firstStart,
      b.lastStart,
      b.count,
      b.entries,
    );
  }

  /** Writes all entries in one transaction, plain ones in blocks: all of them or none. */
  insertBatch(entries: readonly MplEntry[]): void {
    if (this.#inTransaction) throw new Error('insertBatch inside an open transaction');
    this.begin();
    try {
      const blocks = new BlockBuilder();
      for (const e of entries) {
        if (!this.fitsBlock(e)) this.insert(e);
        else {
          const full = blocks.add(e);
          if (full !== undefined) this.insertBlock(full);
        }
      }
      for (const b of blocks.close()) this.insertBlock(b);
      this.commit();
    } catch (error) {
      this.rollback();
      throw error;
    }
  }

  /**
   * Entries matching every given filter, newest first (ties by message id, descending). Rows and blocks
   * each give their newest `offset + limit` matches, which are merged: a deep offset costs its depth.
   */
  query(filter: MplQuery = {}): MplSummary[] {
    const { where, params } = whereClause(filter);
    const limit = checkedInteger(filter.limit ?? DEFAULT_LIMIT, 'limit', 1, MAX_LIMIT);
    const offset = checkedInteger(filter.offset ?? 0, 'offset', 0, Number.MAX_SAFE_INTEGER);
    const blocks = blockFilter(filter);
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM message_log m ${where} ORDER BY log_start DESC, message_guid DESC`;
    if (blocks === undefined) {
      return this.#statement(`${sql} LIMIT ? OFFSET ?`)
        .all(...params, limit, offset)
        .map((row) => toSummary(row as Row));
    }
    const rows = this.#statement(`${sql} LIMIT ?`)
      .all(...params, offset + limit)
      .map((row) => toSummary(row as Row));
    return [...rows, ...this.#newestInBlocks(blocks, offset + limit)]
      .sort(newestFirst)
      .slice(offset, offset + limit);
  }

  /**
   * How SQLite runs `query(filter)` (EXPLAIN QUERY PLAN, one step a line), rows first, then blocks when
   * the filter reaches them: to check that filters use indexes.
   */
  plan(filter: MplQuery = {}): string {
    const explain = (sql: string, params: SQLInputValue[]) =>
      (this.#db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>)
        .map((r) => r.detail)
        .join('\n');
    const { where, params } = whereClause(filter);
    const rows = explain(
      `SELECT ${SUMMARY_COLUMNS} FROM message_log m ${where} ORDER BY log_start DESC, message_guid DESC LIMIT ?`,
      [...params, 100],
    );
    const blocks = blockFilter(filter);
    if (blocks === undefined) return rows;
    return `${rows}\n${explain(blockPage(blocks), [...blocks.params, 0, 0])}`;
  }

  /** How many entries match (limit and offset are ignored). */
  count(filter: MplQuery = {}): number {
    const { where, params } = whereClause(filter);
    const row = this.#statement(`SELECT count(*) AS n FROM message_log m ${where}`).get(...params) as Row;
    const f = blockFilter(filter);
    if (f === undefined) return Number(row.n);
    // A block within the filter's window counts whole; only blocks at its edges are opened.
    const sum =
      f.entry.length === 0
        ? 'sum(count)'
        : `sum(CASE WHEN ${f.whole} THEN count ELSE
            (SELECT count(*) FROM json_each(entries) e WHERE ${f.entry.join(' AND ')}) END)`;
    const inBlocks = this.#statement(`SELECT coalesce(${sum}, 0) AS n FROM mpl_block ${f.where}`).get(
      ...(f.entry.length === 0 ? [] : [...f.wholeParams, ...f.entryParams]),
      ...f.params,
    ) as Row;
    return Number(row.n) + Number(inBlocks.n);
  }

  /** One entry with its steps, receivers, custom header properties and attachments. */
  get(messageGuid: string): MplEntry | undefined {
    const row = this.#statement(
      `SELECT ${SUMMARY_COLUMNS}, details FROM message_log WHERE message_guid = ?`,
    ).get(messageGuid) as Row | undefined;
    if (row !== undefined) return { ...toSummary(row), ...detailLists(row.details as string | null) };
    const f = blockFilter({ messageGuid });
    if (f === undefined) return undefined;
    const hit = this.#statement(
      `SELECT ${BLOCK_COLUMNS}, e.value AS entry FROM mpl_block, json_each(entries) e
       ${f.where} AND e.value ->> 0 = ? LIMIT 1`,
    ).get(...f.params, messageGuid) as Row | undefined;
    if (hit === undefined) return undefined;
    const [guid, start, end, details] = JSON.parse(String(hit.entry)) as BlockEntry;
    return {
      ...blockSummary(hit, guid, start, end),
      ...detailLists(details),
    };
  }

  /**
   * Retention: deletes entries that started before `cutoff` (epoch ms), oldest first, in transactions of
   * at most `chunk` rows and `chunk` blocks so that no purge holds the write lock (or the event loop)
   * for long; stops after about `maxRows` rows and blocks. A block goes once all its entries are older
   * than the cutoff, at most BLOCK_SPAN_MS after the first. Returns how many entries went.
   */
  deleteOlderThan(cutoff: number, maxRows = Number.POSITIVE_INFINITY, chunk = DELETE_CHUNK): number {
    const oldest = 'SELECT id FROM message_log WHERE log_start < ? ORDER BY log_start LIMIT ?';
    const headers = this.#statement(deleteHeaders(oldest));
    const entries = this.#statement(`DELETE FROM message_log WHERE id IN (${oldest})`);
    const blocks = this.#statement(`DELETE FROM mpl_block WHERE id IN (SELECT id FROM mpl_block
      WHERE first_start < ? AND last_start < ? ORDER BY first_start LIMIT ?) RETURNING count`);
    let deleted = 0;
    let touched = 0;
    while (touched < maxRows) {
      const limit = Math.min(chunk, maxRows - touched);
      this.#db.exec('BEGIN');
      let rows: number;
      let gone: Row[];
      try {
        // Header rows first: they are found through the details of the entries still there.
        headers.run(cutoff, limit);
        rows = Number(entries.run(cutoff, limit).changes);
        gone = blocks.all(cutoff, cutoff, limit) as Row[];
        this.#db.exec('COMMIT');
      } catch (error) {
        this.#db.exec('ROLLBACK');
        throw error;
      }
      touched += rows + gone.length;
      deleted += rows;
      for (const block of gone) deleted += Number(block.count);
      if (rows < limit && gone.length < limit) break;
    }
    return deleted;
  }

  /** Whether entries that started before `cutoff` are left for `deleteOlderThan` (two index lookups). */
  hasOlderThan(cutoff: number): boolean {
    return (
      this.#statement('SELECT 1 FROM message_log WHERE log_start < ? LIMIT 1').get(cutoff) !== undefined ||
      this.#statement('SELECT 1 FROM mpl_block WHERE first_start < ? AND last_start < ? LIMIT 1').get(
        cutoff,
        cutoff,
      ) !== undefined
    );
  }

  /**
   * The newest entries in blocks that match `f`: at least `need` of them, if there are so many, and
   * every entry newer than the oldest one returned. Blocks are read newest first, a page at a time.
   */
  #newestInBlocks(f: BlockFilter, need: number): MplSummary[] {
    const page = this.#statement(blockPage(f));
    const found: MplSummary[] = [];
    let before: [number, number] = [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
    for (;;) {
      const blocks = page.all(...f.params, ...before) as Row[];
      for (const block of blocks) {
        for (const [guid, start, end] of JSON.parse(String(block.entries)) as BlockEntry[])
          if (f.matches(guid, start)) found.push(blockSummary(block, guid, start, end));
      }
      if (blocks.length < BLOCKS_PER_PAGE) return found;
      const last = blocks[blocks.length - 1];
      before = [Number(last.first_start), Number(last.id)];
      // The blocks not read yet hold no entry that started later than this.
      const latestUnread = before[0] + BLOCK_SPAN_MS;
      let settled = 0;
      for (const e of found) if (e.logStart > latestUnread) settled++;
      if (settled >= need) return found;
    }
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

  /** The size of the WAL file (0 when there is none). */
  walBytes(): number {
    return statSync(`${this.file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
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

  #unfinishedGuids(): Set<string> {
    this.#unfinished ??= new Set(
      this.#statement(`SELECT message_guid FROM message_log WHERE status IN ('PROCESSING', 'RETRY')`)
        .all()
        .map((row) => String(row.message_guid)),
    );
    return this.#unfinished;
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

/** The columns a block shares with all its entries, as in mpl_block. */
const BLOCK_COLUMNS = 'flow_id, status, log_level, sender, first_start, last_start';

/** One element of a block's entries: guid, start, end, and details when there are any. */
type BlockEntry = [string, number, number, Details?];

/** A page of the blocks `f` selects, newest first, before a (first_start, id) position. */
function blockPage(f: BlockFilter): string {
  return `SELECT id, ${BLOCK_COLUMNS}, entries FROM mpl_block
    ${f.where === '' ? 'WHERE' : `${f.where} AND`} (first_start, id) < (?, ?)
    ORDER BY first_start DESC, id DESC LIMIT ${BLOCKS_PER_PAGE}`;
}

function blockSummary(block: Row, guid: string, start: number, end: number): MplSummary {
  return {
    messageGuid: guid,
    correlationId: guid,
    flowId: String(block.flow_id),
    status: block.status as MplSummary['status'],
    logLevel: block.log_level as MplSummary['logLevel'],
    logStart: start,
    logEnd: end,
    sender: String(block.sender),
  };
}

/** Listing order: newest first, then by message id, descending (as the SQL's ORDER BY). */
function newestFirst(a: MplSummary, b: MplSummary): number {
  if (a.logStart !== b.logStart) return b.logStart - a.logStart;
  return a.messageGuid < b.messageGuid ? 1 : a.messageGuid > b.messageGuid ? -1 : 0;
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
