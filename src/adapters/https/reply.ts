import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Message } from '../../engine/exchange.ts';
import { HOP_BY_HOP_HEADERS } from '../hop-by-hop.ts';

/** The header that tells the caller which message processing log belongs to its request (CPI's name). */
export const MPL_ID_HEADER = 'SAP_MessageProcessingLogID';

/** Headers that describe one connection or one request, never a reply. */
const NOT_IN_REPLY: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP_HEADERS,
  'authorization',
  'cookie',
  'expect',
  'x-csrf-token',
]);

/** Message headers that go back to the caller: not internal (`Camel…`, `SAP_…`, `Sap…`), not hop-by-hop. */
export function isReplyHeader(name: string): boolean {
  return isReplyKey(name.toLowerCase());
}

function isReplyKey(lower: string): boolean {
  return !lower.startsWith('camel') && !lower.startsWith('sap') && !NOT_IN_REPLY.has(lower);
}

/** The status a flow asked for with `CamelHttpResponseCode`, else 200 (CPI). */
export function replyStatus(value: unknown): number {
  if (value === undefined || value === null || value === '') return 200;
  const status = typeof value === 'number' ? value : Number(String(value).trim());
  return Number.isInteger(status) && status >= 200 && status <= 599 ? status : 200;
}

/**
 * Writes the flow's message as the HTTP reply. A streamed body is piped (never buffered); a body in
 * memory is sent with its length.
 */
export function writeReply(
  req: IncomingMessage,
  res: ServerResponse,
  message: Message,
  exchangeId: string,
): void {
  const status = replyStatus(message.headers.get('CamelHttpResponseCode'));
  const fields = replyFields(message, exchangeId);
  const body = message.body;
  const noBody = req.method === 'HEAD' || status === 204 || status === 304;
  if (body.isStream) {
    const stream = body.stream();
    if (noBody) {
      stream.resume();
      sendHead(res, status, fields);
      res.end();
      return;
    }
    if (stream === req && req.headers['content-length'] !== undefined) {
      // The request itself echoed back, with its known length instead of chunked encoding.
      fields.push('Content-Length', req.headers['content-length']);
    }
    sendHead(res, status, fields);
    pipeTo(stream, res);
    return;
  }
  if (status === 204 || status === 304) {
    sendHead(res, status, fields);
    res.end();
    return;
  }
  // HEAD announces the length a GET would send, without the bytes.
  const data = body.buffer();
  fields.push('Content-Length', String(data.length));
  sendHead(res, status, fields);
  res.end(req.method === 'HEAD' ? undefined : data);
}

/** The reply's header fields as a flat [name, value, ...] list: the message's reply headers and the log id. */
function replyFields(message: Message, exchangeId: string): Array<string | string[]> {
  const fields: Array<string | string[]> = [];
  message.headers.forEach((value, name, key) => {
    if (!isReplyKey(key)) return;
    const text = headerText(value);
    if (text !== undefined) fields.push(name, text);
  });
  fields.push(MPL_ID_HEADER, exchangeId);
  return fields;
}

/**
 * Sets status and headers in one `writeHead` call, Node's cheapest way (no per-header bookkeeping).
 * Node refuses the whole list when one header has a line break or a name that is not a token; then
 * each header is set on its own and the refused ones are left out, not the reply.
 */
function sendHead(res: ServerResponse, status: number, fields: Array<string | string[]>): void {
  try {
    res.writeHead(status, fields);
  } catch {
    res.statusCode = status;
    for (let i = 0; i < fields.length; i += 2) {
      try {
        res.setHeader(fields[i] as string, fields[i + 1]);
      } catch {
        // Left out, see above.
      }
    }
  }
}

function headerText(value: unknown): string | string[] | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      if (value instanceof Date) return value.toUTCString();
      if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : String(v)));
      return undefined;
    default:
      return undefined;
  }
}

/**
 * Pipes without `stream.pipeline`, which costs an AbortController and a DOMException per call (a tenth
 * of an echo's CPU). A failure half way can only cut the connection: the status is already sent.
 */
function pipeTo(stream: Readable, res: ServerResponse): void {
  stream.once('error', () => res.destroy());
  res.once('close', () => {
    if (!stream.readableEnded) stream.destroy();
  });
  stream.pipe(res);
}
