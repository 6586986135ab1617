import { Readable } from 'node:stream';
import type * as XmlDom from '@xmldom/xmldom';
import { OperationalError, UserError } from '../errors.ts';
import { lazyModule } from './lazy-module.ts';

/** Loaded by the first XML body, so that a runtime without XML holds no XML library. */
const xmldom = lazyModule<typeof XmlDom>('@xmldom/xmldom');

type XmlDocument = ReturnType<XmlDom.DOMParser['parseFromString']>;

/**
 * A message body. It arrives as bytes, a string or a stream and is parsed to JSON or XML lazily, only
 * when a step asks, and at most once: a flow that only passes the body on never decodes it.
 *
 * A streamed body stays a stream until a step needs its content; the pipeline then reads it once
 * (`materialize`), so every step that is not streaming-aware sees bytes and can use the sync accessors.
 */
export class Body {
  #buffer?: Buffer;
  #text?: string;
  #stream?: Readable;
  #json?: { value: unknown };
  #xml?: XmlDocument;

  private constructor() {}

  static empty(): Body {
    return Body.of('');
  }

  /** A body from any value: bytes, text, a stream, a parsed XML document, or data (kept as JSON). */
  static of(value: unknown): Body {
    const body = new Body();
    if (value instanceof Body) return value;
    if (Buffer.isBuffer(value)) body.#buffer = value;
    else if (typeof value === 'string') body.#text = value;
    else if (value instanceof Uint8Array)
      body.#buffer = Buffer.from(value.buffer, value.byteOffset, value.length);
    else if (value instanceof Readable) body.#stream = value;
    else if (value === null || value === undefined) body.#text = '';
    else if (isXmlNode(value)) body.#xml = value as XmlDocument;
    else body.#json = { value };
    return body;
  }

  get isStream(): boolean {
    return this.#stream !== undefined;
  }

  /** Reads a streamed body into memory once. `limit` bytes at most; more is a UserError. */
  materialize(limit = Number.POSITIVE_INFINITY): Promise<void> {
    const stream = this.#stream;
    if (!stream) return Promise.resolve();
    // Plain `on` listeners removed together rather than `once` or an async iterator: this runs for
    // every message with a body, and each `once` wraps its listener in two more objects.
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const settle = (error?: Error) => {
        stream.off('data', onData);
        stream.off('end', onEnd);
        stream.off('error', settle);
        stream.off('close', onClose);
        if (error) return reject(error);
        this.#stream = undefined;
        this.#buffer = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        resolve();
      };
      const onData = (chunk: Buffer | string) => {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += buf.length;
        if (size <= limit) {
          chunks.push(buf);
          return;
        }
        settle(
          new UserError('CW_ERR_BODY_TOO_LARGE', `The message body is larger than ${limit} bytes.`, {
            hint: 'Raise the body size limit of the sender, or use a streaming step such as the splitter.',
          }),
        );
        stream.destroy();
      };
      const onEnd = () => settle();
      // A sender that goes away mid-body closes the stream without an end.
      const onClose = () =>
        settle(
          new OperationalError('CW_ERR_BODY_INCOMPLETE', 'The message body ended before it was complete.', {
            hint: 'The sender closed the connection while sending; it may send again.',
          }),
        );
      stream.on('data', onData);
      stream.on('end', onEnd);
      stream.on('error', settle);
      stream.on('close', onClose);
    });
  }

  /** The content as a stream, for streaming-aware steps and adapters. Consumes a streamed body. */
  stream(): Readable {
    if (this.#stream) {
      const s = this.#stream;
      this.#stream = undefined;
      this.#buffer = Buffer.alloc(0);
      return s;
    }
    return Readable.from([this.buffer()]);
  }

  text(): string {
    if (this.#text === undefined) {
      if (this.#buffer !== undefined) this.#text = this.#buffer.toString('utf8');
      else if (this.#json) this.#text = JSON.stringify(this.#json.value);
      else if (this.#xml) this.#text = new (xmldom().XMLSerializer)().serializeToString(this.#xml);
      else this.#assertMaterialized();
    }
    return this.#text as string;
  }

  buffer(): Buffer {
    if (this.#buffer === undefined) {
      this.#assertMaterialized();
      this.#buffer = Buffer.from(this.text(), 'utf8');
    }
    return this.#buffer;
  }

  /**
   * The content parsed as JSON (cached). A body set from data returns that data itself. `parse` is
   * the JSON.parse to use when the body is parsed now: a script passes its own context's, so that
   * the data has its realm's prototypes; a body parsed already is returned as it is.
   */
  json(parse: (text: string) => unknown = JSON.parse): unknown {
    if (!this.#json) {
      const text = this.text();
      try {
        this.#json = { value: text.length === 0 ? null : parse(text) };
      } catch (cause) {
        throw new UserError(
          'CW_ERR_CONVERSION',
          `The message body is not valid JSON: ${(cause as Error).message}`,
          {
            cause,
            hint: 'Check the content the sender delivers, or convert it first (for example XML to JSON).',
          },
        );
      }
    }
    return this.#json.value;
  }

  /** The content parsed as an XML DOM document (cached). */
  xml(): XmlDocument {
    if (!this.#xml) {
      const text = this.text();
      let firstError: string | undefined;
      let doc: XmlDocument | undefined;
      try {
        doc = new (xmldom().DOMParser)({
          onError: (level: string, msg: string) => {
            if (level !== 'warning' && firstError === undefined) firstError = msg;
          },
        }).parseFromString(text, 'text/xml');
      } catch (cause) {
        // xmldom throws for fatal errors (no root element) after reporting them.
        firstError ??= (cause as Error).message;
      }
      if (firstError !== undefined || !doc?.documentElement) {
        throw new UserError(
          'CW_ERR_CONVERSION',
          `The message body is not well-formed XML: ${firstError ?? 'no root element'}`,
          {
            hint: 'Check the content the sender delivers, or convert it first (for example JSON to XML).',
          },
        );
      }
      this.#xml = doc;
    }
    return this.#xml;
  }

  /** Byte length of the content (materializes a text or data body). */
  get length(): number {
    return this.buffer().length;
  }

  #assertMaterialized(): void {
    if (this.#stream) {
      throw new Error('Body is still a stream; the pipeline must materialize it before a step reads it.');
    }
  }
}

function isXmlNode(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'nodeType' in value && 'ownerDocument' in value;
}
