import type { Readable } from 'node:stream';
import type { Message } from '../../engine/exchange.ts';

// Not `import { … } from 'node:http'`: an ES import reads all of node:http's exports, and its
// WebSocket getter then loads Node's bundled undici (about 4 MB that a runtime never uses).
const { IncomingMessage } = process.getBuiltinModule('node:http');

/** A streamed body up to this size with a known length is read first: one write with Content-Length. */
const SMALL_STREAM_BYTES = 64 * 1024;

/**
 * The body a receiver sends: bytes when they are at hand, else the message's stream. A stream is read
 * into memory first when it must be sent twice (`replayable`: retry, OAuth2) or stay readable after
 * Send; and when it is a small request with Content-Length passed on from a sender, since one Buffer
 * costs less than streaming it with chunked encoding.
 * Returns a Buffer synchronously when it can, so the common call does not wait for a microtask.
 */
export function requestBody(
  message: Message,
  replayable: boolean,
  sendOnly: boolean,
): Buffer | Readable | Promise<Buffer> {
  const body = message.body;
  if (!body.isStream) return body.buffer();
  if (replayable || sendOnly) return body.materialize().then(() => body.buffer());
  const stream = body.stream();
  const length = knownSmallLength(stream);
  if (length === undefined) return stream;
  return readKnownLength(stream, length).then((bytes) => {
    message.setBody(bytes);
    return bytes;
  });
}

function knownSmallLength(stream: Readable): number | undefined {
  if (!(stream instanceof IncomingMessage)) return undefined;
  const length = Number(stream.headers['content-length']);
  return length >= 0 && length <= SMALL_STREAM_BYTES ? length : undefined;
}

/** Reads a stream of announced length into one Buffer; tolerates a length that proves wrong. */
function readKnownLength(stream: Readable, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let whole = Buffer.allocUnsafe(length);
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      if (size + chunk.length > whole.length) whole = Buffer.concat([whole.subarray(0, size), chunk]);
      else chunk.copy(whole, size);
      size += chunk.length;
    });
    stream.once('end', () => resolve(size === whole.length ? whole : whole.subarray(0, size)));
    stream.once('error', reject);
  });
}
