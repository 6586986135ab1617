import type { LogAttachment, LogLevel, MessageStatus, ReceiverCall, StepRun } from '../engine/message-log.ts';

/** One message processing log entry as stored and listed (CPI's MessageProcessingLog). */
export interface MplEntry {
  messageGuid: string;
  correlationId: string;
  flowId: string;
  status: MessageStatus;
  logLevel: LogLevel;
  /** Epoch milliseconds. */
  logStart: number;
  logEnd: number;
  /** The sender adapter and what it received on, e.g. `https POST /http/orders`. */
  sender: string;
  receivers: ReceiverCall[];
  steps: StepRun[];
  error?: string;
  customHeaderProperties: Array<[string, string]>;
  attachments: LogAttachment[];
  /** CPI's ApplicationMessageId (`SAP_ApplicationID`), MessageType, Sender and Receiver, when set. */
  applicationMessageId?: string;
  applicationMessageType?: string;
}

/** An entry as listed by a query: the header row, without steps, receivers, custom headers and attachments. */
export type MplSummary = Omit<MplEntry, 'receivers' | 'steps' | 'customHeaderProperties' | 'attachments'>;

/** Filters for listing entries; all given filters must match. Times are epoch ms on `logStart`. */
export interface MplQuery {
  flowId?: string;
  status?: MessageStatus;
  /** Inclusive. */
  since?: number;
  /** Exclusive. */
  until?: number;
  correlationId?: string;
  messageGuid?: string;
  applicationMessageId?: string;
  /** Entries carrying this custom header property (exact name and value). */
  customHeader?: { name: string; value: string };
  /** Default 100, at most 10 000. */
  limit?: number;
  offset?: number;
}

export const MESSAGE_STATUSES = [
  'PROCESSING',
  'COMPLETED',
  'FAILED',
  'RETRY',
  'ESCALATED',
  'DISCARDED',
] as const;
