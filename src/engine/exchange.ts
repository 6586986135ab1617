import { Body } from './body.ts';
import { Headers } from './headers.ts';
import { uuidv7 } from './ids.ts';
import { MessageLog } from './message-log.ts';

export interface Attachment {
  contentType: string;
  content: Buffer;
}

/** The message: body, headers and attachments. Steps replace the body; headers travel to receivers. */
export class Message {
  body: Body;
  headers: Headers;
  attachments: Map<string, Attachment>;

  constructor(
    body: unknown = '',
    headers?: Headers | Record<string, unknown>,
    attachments?: Map<string, Attachment>,
  ) {
    this.body = Body.of(body);
    this.headers = headers instanceof Headers ? headers : new Headers(headers);
    this.attachments = attachments ?? new Map();
  }

  setBody(value: unknown): void {
    this.body = Body.of(value);
  }

  /** A copy whose headers and attachments can change without touching this one; the body is shared. */
  copy(): Message {
    return new Message(this.body, this.headers.clone(), new Map(this.attachments));
  }
}

export interface ExchangeInit {
  body?: unknown;
  headers?: Headers | Record<string, unknown>;
  properties?: Record<string, unknown>;
  correlationId?: string;
  flowId?: string;
  log?: MessageLog;
  /** Stops the message when it aborts (see cancel.ts); only messages that may have to stop get one. */
  signal?: AbortSignal;
}

/**
 * One message's trip through a flow (Camel's Exchange): the message, exchange properties that do not
 * leave the flow, the error being handled, and the message processing log being written.
 */
export class Exchange {
  readonly id: string;
  readonly correlationId: string;
  readonly flowId: string;
  message: Message;
  readonly properties: Map<string, unknown>;
  /** The error being handled by an exception subprocess (`${exception.message}`). */
  exception?: Error;
  /** Set by Terminate Message and End events: stop running the remaining steps. */
  stopped = false;
  readonly log: MessageLog;
  /**
   * When it aborts, the message stops: no further step runs, a pending receiver call ends, and the
   * message ends with the signal's reason. Undefined for most messages (cancel.ts).
   */
  readonly signal: AbortSignal | undefined;

  constructor(init: ExchangeInit = {}) {
    this.log = init.log ?? new MessageLog();
    // The id's time is the log's start: one clock read, and the id tells when the message began.
    this.id = uuidv7(this.log.startedAt);
    this.correlationId = init.correlationId ?? this.id;
    this.flowId = init.flowId ?? '';
    this.message = new Message(init.body, init.headers);
    this.properties = init.properties ? new Map(Object.entries(init.properties)) : new Map();
    this.signal = init.signal;
  }

  /**
   * A child exchange for a split part or a multicast branch: same ids and log, its own message and a
   * copy of the properties, so branches do not see each other's changes. It stops with this exchange,
   * or with `signal` when given (a splitter's own timeout for its parts, linked to this exchange's).
   */
  fork(body: unknown = this.message.body, signal: AbortSignal | undefined = this.signal): Exchange {
    const child = Object.create(Exchange.prototype) as Exchange;
    Object.assign(child, {
      id: this.id,
      correlationId: this.correlationId,
      flowId: this.flowId,
      message: new Message(body, this.message.headers.clone(), new Map(this.message.attachments)),
      properties: new Map(this.properties),
      exception: this.exception,
      stopped: false,
      log: this.log,
      signal,
    });
    return child;
  }
}
