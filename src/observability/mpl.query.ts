import type { SQLInputValue } from 'node:sqlite';
import type { LogLevel, MessageStatus } from '../engine/message-log.ts';
import { UserError } from '../errors.ts';
import { BLOCK_SPAN_MS, GUID_SLACK_MS, uuidv7Time } from './mpl.block.ts';
import type { MplQuery, MplSummary } from './mpl.types.ts';

/** The SQL side of listing message logs: summary columns, the WHERE clause of a filter, rows to summaries. */

export const SUMMARY_COLUMNS = `message_guid, correlation_id, flow_id, status, log_level, log_start, log_end, sender,
  error, application_message_id, application_message_type`;
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;

export type Row = Record<string, SQLInputValue>;

/** The WHERE clause for a query; the filter combinations are few, so their statements are cached. */
export function whereClause(filter: MplQuery): { where: string; params: SQLInputValue[] } {
  const conditions: string[] = [];
  const params: SQLInputValue[] = [];
  const equal = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    conditions.push(`${column} = ?`);
    params.push(value);
  };
  equal('flow_id', filter.flowId);
  equal('status', filter.status);
  if (filter.correlationId !== undefined) {
    // NULL stands for "the message's own id": such a message is found through its guid.
    conditions.push('(correlation_id = ? OR (message_guid = ? AND correlation_id IS NULL))');
    params.push(filter.correlationId, filter.correlationId);
  }
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
    conditions.push('id IN (SELECT entry_id FROM mpl_custom_header WHERE name = ? AND value = ?)');
    params.push(filter.customHeader.name, filter.customHeader.value);
  }
  return { where: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
}

export function checkedInteger(value: number, name: string, min: number, max: number): number {
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

export function toSummary(row: Row): MplSummary {
  const summary: MplSummary = {
    messageGuid: String(row.message_guid),
    correlationId: String(row.correlation_id ?? row.message_guid),
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

/**
 * The part of a filter that reaches message log blocks (mpl.block.ts), or undefined when no block
 * entry can match (a custom header, an application id, another status, an id that is no UUIDv7).
 * `where` selects blocks through their columns and indexes; `entry` is the rest, per entry, as SQL
 * over `json_each(entries) e` and as a function; `whole` holds for a block whose entries all match.
 */
export interface BlockFilter {
  where: string;
  params: SQLInputValue[];
  entry: string[];
  entryParams: SQLInputValue[];
  whole: string;
  wholeParams: SQLInputValue[];
  matches: (guid: string, start: number) => boolean;
}

export function blockFilter(filter: MplQuery): BlockFilter | undefined {
  if (filter.customHeader !== undefined || filter.applicationMessageId !== undefined) return undefined;
  if (filter.status !== undefined && filter.status !== 'COMPLETED') return undefined;
  // A block entry is correlated by its own id: a correlation id filter asks for that message.
  const ids = [filter.messageGuid, filter.correlationId].filter((id) => id !== undefined);
  if (ids.length === 2 && ids[0] !== ids[1]) return undefined;
  const id = ids[0];
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  const entry: string[] = [];
  const entryParams: SQLInputValue[] = [];
  const whole: string[] = [];
  const wholeParams: SQLInputValue[] = [];
  if (filter.flowId !== undefined) {
    where.push('flow_id = ?');
    params.push(filter.flowId);
  }
  if (filter.status !== undefined) {
    where.push('status = ?');
    params.push(filter.status);
  }
  if (id !== undefined) {
    const time = uuidv7Time(id);
    if (time === undefined) return undefined;
    where.push('first_start BETWEEN ? AND ?');
    params.push(time - GUID_SLACK_MS - BLOCK_SPAN_MS, time + GUID_SLACK_MS);
    entry.push('e.value ->> 0 = ?');
    entryParams.push(id);
    whole.push('0');
  }
  const since =
    filter.since === undefined
      ? undefined
      : checkedInteger(filter.since, 'since', 0, Number.MAX_SAFE_INTEGER);
  const until =
    filter.until === undefined
      ? undefined
      : checkedInteger(filter.until, 'until', 0, Number.MAX_SAFE_INTEGER);
  if (since !== undefined) {
    where.push('first_start >= ?', 'last_start >= ?');
    params.push(since - BLOCK_SPAN_MS, since);
    entry.push('e.value ->> 1 >= ?');
    entryParams.push(since);
    whole.push('first_start >= ?');
    wholeParams.push(since);
  }
  if (until !== undefined) {
    where.push('first_start < ?');
    params.push(until);
    entry.push('e.value ->> 1 < ?');
    entryParams.push(until);
    whole.push('last_start < ?');
    wholeParams.push(until);
  }
  return {
    where: where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`,
    params,
    entry,
    entryParams,
    whole: whole.length === 0 ? '1' : whole.join(' AND '),
    wholeParams,
    matches: (guid, start) =>
      (id === undefined || guid === id) &&
      (since === undefined || start >= since) &&
      (until === undefined || start < until),
  };
}
