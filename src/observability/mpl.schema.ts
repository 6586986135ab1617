import type { DatabaseSync } from 'node:sqlite';
import { errorMessage, OperationalError, UserError } from '../errors.ts';

/**
 * The message log schema, one migration per version (`PRAGMA user_version` holds the version applied).
 * Never edit a migration that has shipped: append a new one, so every existing file can follow.
 * Steps and receivers are JSON columns (only ever read with their entry); custom header properties get
 * rows of their own because users filter on them.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE message_log (
    message_guid TEXT PRIMARY KEY NOT NULL,
    correlation_id TEXT NOT NULL,
    flow_id TEXT NOT NULL,
    status TEXT NOT NULL,
    log_level TEXT NOT NULL,
    log_start INTEGER NOT NULL,
    log_end INTEGER NOT NULL,
    sender TEXT NOT NULL,
    error TEXT,
    application_message_id TEXT,
    application_message_type TEXT,
    receivers TEXT NOT NULL,
    steps TEXT NOT NULL
  );
  CREATE INDEX message_log_start ON message_log (log_start);
  CREATE INDEX message_log_flow ON message_log (flow_id, log_start);
  CREATE INDEX message_log_status ON message_log (status, log_start);
  CREATE INDEX message_log_correlation ON message_log (correlation_id);
  CREATE INDEX message_log_application_id ON message_log (application_message_id)
    WHERE application_message_id IS NOT NULL;
  CREATE TABLE custom_header (
    message_guid TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (message_guid, position)
  ) WITHOUT ROWID;
  CREATE INDEX custom_header_name_value ON custom_header (name, value);
  CREATE TABLE attachment (
    message_guid TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (message_guid, position)
  ) WITHOUT ROWID;
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
