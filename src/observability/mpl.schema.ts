import type { DatabaseSync } from 'node:sqlite';
import { errorMessage, OperationalError, UserError } from '../errors.ts';

/**
 * The message log schema, one migration per version (`PRAGMA user_version` holds the version applied).
 * Never edit a migration that has shipped: append a new one, so every existing file can follow; a new
 * file runs them all (cheap on an empty file) so that the upgrade path is the one that is tested.
 */
export const MIGRATIONS: readonly string[] = [
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
  // Version 2: one row per entry, its details (steps, receivers, custom headers, attachments) as one JSON
  // text, NULL when all are empty: one B-tree insert instead of a row per header and attachment. Custom
  // headers also get one row each in a (name, value, entry) key, the one lookup `--header` needs; status is
  // filtered within the time or flow range, so it has no index. correlation_id is NULL when it is the
  // message's own id (most messages): no index entry for them. Version 1 files are converted in place.
  `
  ALTER TABLE message_log RENAME TO message_log_v1;
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
  INSERT INTO message_log (message_guid, correlation_id, flow_id, status, log_level, log_start, log_end,
    sender, error, application_message_id, application_message_type, details)
  SELECT m.message_guid, nullif(m.correlation_id, m.message_guid), m.flow_id, m.status, m.log_level, m.log_start, m.log_end,
    m.sender, m.error, m.application_message_id, m.application_message_type,
    json_object(
      'receivers', json(m.receivers),
      'steps', json(m.steps),
      'customHeaderProperties', (SELECT json_group_array(json_array(name, value)) FROM
        (SELECT name, value FROM custom_header h WHERE h.message_guid = m.message_guid ORDER BY position)),
      'attachments', (SELECT json_group_array(json_object('name', name, 'contentType', content_type,
        'content', content)) FROM (SELECT name, content_type, content FROM attachment a
        WHERE a.message_guid = m.message_guid ORDER BY position)))
  FROM message_log_v1 m ORDER BY m.log_start;
  INSERT OR IGNORE INTO mpl_custom_header (name, value, entry_id)
    SELECT h.name, h.value, m.id FROM custom_header h JOIN message_log m ON m.message_guid = h.message_guid;
  DROP TABLE message_log_v1;
  DROP TABLE custom_header;
  DROP TABLE attachment;
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
