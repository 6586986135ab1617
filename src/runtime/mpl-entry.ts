import type { Exchange } from '../engine/exchange.ts';
import type { MplEntry } from '../observability/mpl.types.ts';

/**
 * The stored form of a finished exchange's log. CPI's SAP_* headers fill the application fields; what
 * each log level keeps is decided by the writer (`applyLogLevel`).
 */
export function toMplEntry(exchange: Exchange, sender: string): MplEntry {
  const log = exchange.log;
  const headers = exchange.message.headers;
  return {
    messageGuid: exchange.id,
    correlationId: exchange.correlationId,
    flowId: exchange.flowId,
    status: log.status,
    logLevel: log.level,
    logStart: log.startedAt,
    logEnd: log.endedAt ?? Date.now(),
    sender,
    receivers: log.receivers,
    steps: log.steps,
    error: log.error,
    customHeaderProperties: log.customHeaders,
    attachments: log.attachments,
    applicationMessageId: stringOrUndefined(headers.getKeyed('sap_applicationid')),
    applicationMessageType: stringOrUndefined(headers.getKeyed('sap_messagetype')),
  };
}

function stringOrUndefined(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}
