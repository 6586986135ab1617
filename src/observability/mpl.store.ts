import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { LogAttachment, LogLevel, MessageStatus } from '../engine/message-log.ts';
import { errorMessage, OperationalError, UserError } from '../errors.ts';
import { migrate } from './mpl.schema.ts';
import type { MplEntry, MplQuery, MplSummary } from './mpl.types.ts';

export const MPL_FILE = 'mpl.sqlite';
export const DEFAULT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;
/** Retention deletes in chunks so that a big purge never holds the write lock for long. */
const DELETE_CHUNK = 1000;

const SUMMARY_COLUMNS = `message_guid, correlation_id, flow_id, status, log_level, log_start, log_end, sender,
  error, application_message_id, application_message_type`;

type Row = Record<string, SQLInputValue>;

export interface MplStoreOptions {
  /** How long a connection waits for another one's write lock before failing (default 5 s). */
  busyTimeoutMs?: number;
}

/**
 * The message processing logs in `<dataDir>/mpl.sqlite` (SQLite in WAL mode: readers never block the
 * writer, and a killed process leaves the last committed transaction intact). One connection per instance;
 * the runtime writes through MplWriter's worker, the API and CLI read with their own instance.
 */
export class MplStore {
  readonly file: string;
  readonly #db: DatabaseSync;
  readonly #queries = new Map<string, StatementSync>();
  readonly #insert: {
    log: StatementSync;
    clearHeaders: StatementSync;
    clearAttachments: StatementSync;
    header: StatementSync;
    attachment: StatementSync;
  };

  constructor(dataDir: string, options: MplStoreOptions = {}) {
    this.file = join(dataDir, MPL_FILE);
    try {
      mkdirSync(dataDir, { recursive: true });
      this.#db = new DatabaseSync(this.file, { timeout: options.busyTimeoutMs ?? 5000 });
      this.#db.exec('PRAGMA journal_mode = WAL');
      // NORMAL in WAL mode: a killed process loses nothing committed; only a power cut may lose the last commits.
      this.#db.exec('PRAGMA synchronous = NORMAL');
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
    this.#insert = {
      log: this.#db.prepare(`INSERT OR REPLACE INTO message_log (${SUMMARY_COLUMNS}, receivers, steps)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      clearHeaders: this.#db.prepare('DELETE FROM custom_header WHERE message_guid = ?'),
      clearAttachments: this.#db.prepare('DELETE FROM attachment WHERE message_guid = ?'),
      header: this.#db.prepare(
        'INSERT INTO custom_header (message_guid, position, name, value) VALUES (?, ?, ?, ?)',
      ),
      attachment: this.#db.prepare(
        'INSERT INTO attachment (message_guid, position, name, content_type, content) VALUES (?, ?, ?, ?, ?)',
      ),
    };
  }

  /**
   * Writes all entries in one transaction: all of them or none. An entry whose guid is already stored
   * replaces it (a PROCESSING entry updated on completion, or a batch resent after a worker restart).
   * `beforeCommit` exists for crash tests only.
   */
  insertBatch(entries: readonly MplEntry[], beforeCommit?: () => void): void {
    const s = this.#insert;
    this.#db.exec('BEGIN');
    try {
      for (const e of entries) {
        s.clearHeaders.run(e.messageGuid);
        s.clearAttachments.run(e.messageGuid);
        s.log.run(
          e.messageGuid,
          e.correlationId,
          e.flowId,
          e.status,
          e.logLevel,
          e.logStart,
          e.logEnd,
          e.sender,
          e.error ?? null,
          e.applicationMessageId ?? null,
          e.applicationMessageType ?? null,
          JSON.stringify(e.receivers),
          JSON.stringify(e.steps),
        );
        for (const [i, [name, value]] of e.customHeaderProperties.entries()) {
          s.header.run(e.messageGuid, i, name, value);
        }
        for (const [i, a] of e.attachments.entries()) {
          s.attachment.run(e.messageGuid, i, a.name, a.contentType, a.content);
        }
      }
      beforeCommit?.();
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Entries matching every given filter, newest first. */
  query(filter: MplQuery = {}): MplSummary[] {
    const { where, params } = whereClause(filter);
    const limit = checkedInteger(filter.limit ?? DEFAULT_LIMIT, 'limit', 1, MAX_LIMIT);
    const offset = checkedInteger(filter.offset ?? 0, 'offset', 0, Number.MAX_SAFE_INTEGER);
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM message_log m ${where}
      ORDER BY log_start DESC, rowid DESC LIMIT ? OFFSET ?`;
    return this.#statement(sql)
      .all(...params, limit, offset)
      .map((row) => toSummary(row as Row));
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
      `SELECT ${SUMMARY_COLUMNS}, receivers, steps FROM message_log WHERE message_guid = ?`,
    ).get(messageGuid) as Row | undefined;
    if (row === undefined) return undefined;
    const headers = this.#statement(
      'SELECT name, value FROM custom_header WHERE message_guid = ? ORDER BY position',
    ).all(messageGuid) as Array<{ name: string; value: string }>;
    const attachments = this.#statement(
      'SELECT name, content_type, content FROM attachment WHERE message_guid = ? ORDER BY position',
    ).all(messageGuid) as Array<{ name: string; content_type: string; content: string }>;
    return {
      ...toSummary(row),
      receivers: JSON.parse(String(row.receivers)),
      steps: JSON.parse(String(row.steps)),
      customHeaderProperties: headers.map((h): [string, string] => [h.name, h.value]),
      attachments: attachments.map(
        (a): LogAttachment => ({ name: a.name, contentType: a.content_type, content: a.content }),
      ),
    };
  }

  /** Retention: deletes entries that started before `cutoff` (epoch ms); returns how many went. */
  deleteOlderThan(cutoff: number): number {
    const chunk = `SELECT message_guid FROM message_log WHERE log_start < ? ORDER BY log_start, message_guid LIMIT ${DELETE_CHUNK}`;
    const headers = this.#statement(`DELETE FROM custom_header WHERE message_guid IN (${chunk})`);
    const attachments = this.#statement(`DELETE FROM attachment WHERE message_guid IN (${chunk})`);
    const logs = this.#statement(`DELETE FROM message_log WHERE message_guid IN (${chunk})`);
    let deleted = 0;
    for (;;) {
      // Children first: the chunk query still sees the same parent rows until the last statement.
      this.#db.exec('BEGIN');
      let n: number;
      try {
        headers.run(cutoff);
        attachments.run(cutoff);
        n = Number(logs.run(cutoff).changes);
        this.#db.exec('COMMIT');
      } catch (error) {
        this.#db.exec('ROLLBACK');
        throw error;
      }
      deleted += n;
      if (n < DELETE_CHUNK) return deleted;
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

/** The WHERE clause for a query; the filter combinations are few, so their statements are cached. */
function whereClause(filter: MplQuery): { where: string; params: SQLInputValue[] } {
  const conditions: string[] = [];
  const params: SQLInputValue[] = [];
  const equal = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    conditions.push(`${column} = ?`);
    params.push(value);
  };
  equal('flow_id', filter.flowId);
  equal('status', filter.status);
  equal('correlation_id', filter.correlationId);
  equal('message_guid', filter.messageGuid);
  equal('application_message_id', filter.applicationMessageId);
  if (filter.since !== undefined) {
    conditions.push('log_start >= ?');
    params.push(checkedInteger(filter.since, 'since', 0, Number.MAX_SAFE_INTEGER));
  }
  if (filter.until !== undefined) {
    conditions.push('log_start < ?');
    params.push(checkedInteger(filter.until, 'until', 0, Number.MAX_SAFE_INTEGER));
  }
  if (filter.customHeader !== undefined) {
    conditions.push(`EXISTS (SELECT 1 FROM custom_header h
      WHERE h.message_guid = m.message_guid AND h.name = ? AND h.value = ?)`);
    params.push(filter.customHeader.name, filter.customHeader.value);
  }
  return { where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
}

function checkedInteger(value: number, name: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UserError(
      'CW_ERR_MPL_QUERY',
      `Message log query: ${name} must be an integer from ${min} to ${max}, got ${value}.`,
      {
        hint:
          name === 'since' || name === 'until'
            ? 'Give a time as epoch milliseconds.'
            : `Give ${name} within ${min}..${max}.`,
      },
    );
  }
  return value;
}

function toSummary(row: Row): MplSummary {
  const summary: MplSummary = {
    messageGuid: String(row.message_guid),
    correlationId: String(row.correlation_id),
    flowId: String(row.flow_id),
    status: row.status as MessageStatus,
    logLevel: row.log_level as LogLevel,
    logStart: Number(row.log_start),
    logEnd: Number(row.log_end),
    sender: String(row.sender),
  };
  if (row.error !== null) summary.error = String(row.error);
  if (row.application_message_id !== null) summary.applicationMessageId = String(row.application_message_id);
  if (row.application_message_type !== null)
    summary.applicationMessageType = String(row.application_message_type);
  return summary;
}
