import type { DatabaseSync } from 'node:sqlite';
import { errorMessage, OperationalError, UserError } from '../errors.ts';

/**
 * The message log schema, one migration per version (`PRAGMA user_version` holds the version applied).
 * Never edit a migration that has shipped: append a new one, so every existing file can follow; a new
 * file runs them all (cheap on an empty file) so that the upgrade path is the one that is tested.
 */
export const MIGRATIONS: readonly string[] = [
  // Version 1: one row per entry, its details (steps, receivers, custom headers, attachments) as one JSON
  // text, NULL when all are empty: one B-tree insert per message. Custom headers also get one row each in
  // a (name, value, entry) key, the one lookup `--header` needs; status is filtered within the time or
  // flow range, so it has no index. correlation_id is NULL when it is the message's own id (most
  // messages): no index entry for them. Message ids are UUIDv7, so the unique key grows at its end.
  `
  CREATE TABLE message_log (
    id INTEGER PRIMARY KEY,
    message_guid TEXT NOT NULL UNIQUE,
    correlation_id TEXT,
    flow_id TEXT NOT NULL,
    status TEXT NOT NULL,
    log_level TEXT NOT NULL,
    log_start INTEGER NOT NULL,
    log_end INTEGER NOT NULL,
    sender TEXT NOT NULL,
    error TEXT,
    application_message_id TEXT,
    application_message_type TEXT,
    details TEXT
  );
  CREATE INDEX mpl_start ON message_log (log_start);
  CREATE INDEX mpl_flow ON message_log (flow_id, log_start);
  CREATE INDEX mpl_correlation ON message_log (correlation_id) WHERE correlation_id IS NOT NULL;
  CREATE INDEX mpl_application_id ON message_log (application_message_id)
    WHERE application_message_id IS NOT NULL;
  CREATE TABLE mpl_custom_header (
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    entry_id INTEGER NOT NULL,
    PRIMARY KEY (name, value, entry_id)
  ) WITHOUT ROWID;
  `,
  // Version 2: plain entries (see mpl.block.ts) stored many to a row. A block's entries start within
  // one second of first_start, so time windows and message ids reach blocks through first_start.
  // Unfinished messages are indexed so that a writer knows at start which entries will be replaced.
  `
  CREATE TABLE mpl_block (
    id INTEGER PRIMARY KEY,
    flow_id TEXT NOT NULL,
    status TEXT NOT NULL,
    log_level TEXT NOT NULL,
    sender TEXT NOT NULL,
    first_start INTEGER NOT NULL,
    last_start INTEGER NOT NULL,
    count INTEGER NOT NULL,
    entries TEXT NOT NULL
  );
  CREATE INDEX mpl_block_start ON mpl_block (first_start);
  CREATE INDEX mpl_block_flow ON mpl_block (flow_id, first_start);
  CREATE INDEX mpl_unfinished ON message_log (message_guid) WHERE status IN ('PROCESSING', 'RETRY');
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings `db` up to SCHEMA_VERSION; safe when several connections open the same file at once. */
export function migrate(db: DatabaseSync, file: string): void {
  if (assertKnownVersion(db, file) === SCHEMA_VERSION) return;
  // IMMEDIATE takes the write lock first, so two connections cannot both apply version 1.
  db.exec('BEGIN IMMEDIATE');
  try {
    for (let version = assertKnownVersion(db, file); version < SCHEMA_VERSION; version++) {
      db.exec(MIGRATIONS[version]);
      db.exec(`PRAGMA user_version = ${version + 1}`);
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw new OperationalError(
      'CW_ERR_MPL_STORE',
      `Cannot migrate the message log ${file}: ${errorMessage(error)}`,
      {
        cause: error,
        hint: 'Check that the data directory is writable and the disk is not full.',
      },
    );
  }
}

function assertKnownVersion(db: DatabaseSync, file: string): number {
  const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  if (version > SCHEMA_VERSION) {
    throw new UserError(
      'CW_ERR_MPL_STORE',
      `The message log ${file} has schema version ${version}; this Causeway knows up to ${SCHEMA_VERSION}.`,
      { hint: 'Upgrade Causeway, or point it at another data directory (--data or CAUSEWAY_DATA).' },
    );
  }
  return version;
}
