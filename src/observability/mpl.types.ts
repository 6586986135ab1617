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
