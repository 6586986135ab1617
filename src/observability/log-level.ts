import type { LogLevel } from '../engine/message-log.ts';
import type { MplEntry } from './mpl.types.ts';

/** CPI switches a flow's TRACE level back after 10 minutes: payloads are expensive to keep. */
export const TRACE_TTL_MS = 10 * 60 * 1000;

/**
 * The level a flow logs at now. TRACE set at `traceSetAt` (epoch ms) falls back to INFO once `traceTtlMs`
 * has passed; a TRACE without a known start time is treated as expired, so it can never stick forever.
 */
export function effectiveLevel(
  configured: LogLevel,
  traceSetAt: number | undefined,
  now: number,
  traceTtlMs = TRACE_TTL_MS,
): LogLevel {
  if (configured !== 'TRACE') return configured;
  if (traceSetAt === undefined || now - traceSetAt >= traceTtlMs) return 'INFO';
  return 'TRACE';
}

/**
 * What each level stores (applied just before an entry is written):
 * - NONE: nothing at all (returns undefined).
 * - ERROR: FAILED and ESCALATED messages are stored in full; every other message keeps only its header
 *   row (ids, status, times, sender, error, custom headers, attachments), without steps and receivers.
 * - INFO and DEBUG: steps and receiver calls, without payloads.
 * - TRACE: everything, including each step's payload.
 * Returns the entry itself when nothing has to go, so the common case allocates nothing.
 */
export function applyLogLevel(entry: MplEntry): MplEntry | undefined {
  switch (entry.logLevel) {
    case 'NONE':
      return undefined;
    case 'TRACE':
      return entry;
    case 'ERROR':
      if (entry.status === 'FAILED' || entry.status === 'ESCALATED') return withoutPayloads(entry);
      if (entry.steps.length === 0 && entry.receivers.length === 0) return entry;
      return { ...entry, steps: [], receivers: [] };
    default:
      return withoutPayloads(entry);
  }
}

function withoutPayloads(entry: MplEntry): MplEntry {
  if (!entry.steps.some((step) => step.payload !== undefined)) return entry;
  return { ...entry, steps: entry.steps.map(({ payload: _payload, ...step }) => step) };
}
