import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/**
 * A real HTTP server on a free port for receiver tests. Each test sets `handle`; every request is
 * recorded in `requests` with its body.
 */
export class TestServer {
  readonly requests: SeenRequest[] = [];
  handle: Handler = (_req, res) => res.end('ok');
  /** Read the request body before handing over (false: the handler reads it, e.g. to count a stream). */
  bufferBodies = true;
  readonly #server = createServer((req, res) => this.#onRequest(req, res));
  #url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  get url(): string {
    return this.#url;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  reset(handle?: Handler): void {
    this.requests.length = 0;
    this.bufferBodies = true;
    this.handle = handle ?? ((_req, res) => res.end('ok'));
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.bufferBodies) {
      this.requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.alloc(0),
      });
      this.handle(req, res, Buffer.alloc(0));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    this.handle(req, res, body);
  }
}
