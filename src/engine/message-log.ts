/** What one message did, filled in while it runs and stored as its message processing log (MPL). */
export type MessageStatus = 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'RETRY' | 'ESCALATED' | 'DISCARDED';

export type LogLevel = 'NONE' | 'INFO' | 'ERROR' | 'DEBUG' | 'TRACE';

export interface StepRun {
  /** Step id as written in the flow (`steps[2].router`), or its `name` when it has one. */
  step: string;
  kind: string;
  startedAt: number;
  durationMs: number;
  /** The body after the step, kept only at log level TRACE. */
  payload?: string;
  error?: string;
}

export interface ReceiverCall {
  receiver: string;
  adapter: string;
  /** The address actually called (CPI's RealDestinationUrl). */
  url?: string;
  status?: number;
  durationMs: number;
  error?: string;
}

export interface LogAttachment {
  name: string;
  contentType: string;
  content: string;
}

const NO_PROPERTIES: ReadonlyMap<string, string> = new Map();

export class MessageLog {
  status: MessageStatus = 'PROCESSING';
  readonly startedAt = Date.now();
  endedAt?: number;
  error?: string;
  readonly steps: StepRun[] = [];
  readonly receivers: ReceiverCall[] = [];
  readonly customHeaders: Array<[string, string]> = [];
  readonly attachments: LogAttachment[] = [];
  /** String properties a script set (`messageLog.setStringProperty`); created on first use. */
  #properties?: Map<string, string>;

  level: LogLevel;

  constructor(level: LogLevel = 'INFO') {
    this.level = level;
  }

  /**
   * Whether steps are recorded while the message runs: at every level but NONE, since at ERROR a
   * failed message keeps its steps (the store drops them for messages that completed).
   */
  get keepsSteps(): boolean {
    return this.level !== 'NONE';
  }

  addCustomHeaderProperty(name: string, value: string): void {
    this.customHeaders.push([name, value]);
  }

  addAttachmentAsString(name: string, content: string, contentType = 'text/plain'): void {
    this.attachments.push({ name, contentType, content });
  }

  setStringProperty(name: string, value: string): void {
    this.#properties ??= new Map();
    this.#properties.set(name, value);
  }

  get properties(): ReadonlyMap<string, string> {
    return this.#properties ?? NO_PROPERTIES;
  }
}
