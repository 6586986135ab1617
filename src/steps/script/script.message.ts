import type { Exchange } from '../../engine/exchange.ts';
import type { MessageLog } from '../../engine/message-log.ts';

/** What a script's context provides to the message API: its own builtins. */
export interface ScriptRealm {
  /**
   * The context's JSON.parse. Data parsed there has the script's Array and Object prototypes, so the
   * script's `for…of`, spread and array methods take V8's fast paths; on the host's arrays they fall
   * back to the generic protocol, 5-50x slower per element (script.bench.ts).
   */
  parseJson(text: string): unknown;
}

/**
 * The `message` a script's `processData(message)` receives, shaped like CPI's Message API. One small
 * object per call holding the exchange and the script's realm; every method lives on the prototype.
 */
export class ScriptMessage {
  readonly #exchange: Exchange;
  readonly #realm: ScriptRealm | undefined;

  constructor(exchange: Exchange, realm?: ScriptRealm) {
    this.#exchange = exchange;
    this.#realm = realm;
  }

  /** The exchange behind a message, for `messageLogFactory`; undefined for anything else. */
  static exchangeOf(value: unknown): Exchange | undefined {
    return value instanceof ScriptMessage ? value.#exchange : undefined;
  }

  /** The body as a string; `getBody('json')` parses it, `getBody('bytes')` gives a Buffer. */
  getBody(type?: string): unknown {
    const body = this.#exchange.message.body;
    if (type === 'json') return body.json(this.#realm?.parseJson);
    if (type === 'bytes' || type === 'buffer') return body.buffer();
    return body.text();
  }

  getBodyAsJson(): unknown {
    return this.#exchange.message.body.json(this.#realm?.parseJson);
  }

  /** A string or bytes become the body as they are; any other value is written as JSON. */
  setBody(value: unknown): void {
    if (typeof value === 'string' || Buffer.isBuffer(value) || value === null || value === undefined) {
      this.#exchange.message.setBody(value);
    } else if (ArrayBuffer.isView(value)) {
      // Typed arrays made inside the script's context fail `instanceof` here, so look at their bytes.
      this.#exchange.message.setBody(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    } else {
      // Objects from the script's realm have that realm's prototypes; JSON text leaves them behind.
      this.#exchange.message.setBody(JSON.stringify(value));
    }
  }

  getHeaders(): Record<string, unknown> {
    return this.#exchange.message.headers.toObject();
  }

  getHeader(name: string): unknown {
    return this.#exchange.message.headers.get(name);
  }

  setHeader(name: string, value: unknown): void {
    this.#exchange.message.headers.set(name, value);
  }

  removeHeader(name: string): void {
    this.#exchange.message.headers.delete(name);
  }

  getProperties(): Record<string, unknown> {
    return Object.fromEntries(this.#exchange.properties);
  }

  getProperty(name: string): unknown {
    return this.#exchange.properties.get(name);
  }

  setProperty(name: string, value: unknown): void {
    this.#exchange.properties.set(name, value);
  }

  removeProperty(name: string): void {
    this.#exchange.properties.delete(name);
  }

  /** Attachments by name: `{ contentType, content }` with the content as a Buffer. */
  getAttachments(): Record<string, { contentType: string; content: Buffer }> {
    return Object.fromEntries(this.#exchange.message.attachments);
  }

  addAttachmentObject(name: string, content: unknown, contentType = 'application/octet-stream'): void {
    const bytes = Buffer.isBuffer(content)
      ? content
      : ArrayBuffer.isView(content)
        ? Buffer.from(content.buffer, content.byteOffset, content.byteLength)
        : Buffer.from(typeof content === 'string' ? content : JSON.stringify(content));
    this.#exchange.message.attachments.set(name, { contentType, content: bytes });
  }
}

/** What `messageLogFactory.getMessageLog(message)` returns: CPI's MessageLog, writing into the MPL. */
export class ScriptMessageLog {
  readonly #log: MessageLog;

  constructor(log: MessageLog) {
    this.#log = log;
  }

  setStringProperty(name: string, value: unknown): void {
    this.#log.setStringProperty(String(name), String(value));
  }

  addAttachmentAsString(name: string, content: unknown, contentType = 'text/plain'): void {
    this.#log.addAttachmentAsString(String(name), String(content), String(contentType));
  }

  addCustomHeaderProperty(name: string, value: unknown): void {
    this.#log.addCustomHeaderProperty(String(name), String(value));
  }
}

/** The `messageLogFactory` global of every script context. */
export const messageLogFactory = Object.freeze({
  getMessageLog(message: unknown): ScriptMessageLog | null {
    const exchange = ScriptMessage.exchangeOf(message);
    // CPI returns null when there is no log to write to; scripts check for it.
    return exchange ? new ScriptMessageLog(exchange.log) : null;
  },
});
