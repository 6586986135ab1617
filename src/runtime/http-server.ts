import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ErrorCode, UserError } from '../errors.ts';
import type { HttpHandler, HttpRouter } from './services.ts';

// Not `import { … } from 'node:http'`: an ES import reads all of node:http's exports, and its
// WebSocket getter then loads Node's bundled undici (about 4 MB that a runtime never uses).
const { createServer } = process.getBuiltinModule('node:http');

/** Where HTTPS sender addresses are served, as in CPI (`https://<runtime>/http/<address>`). */
export const HTTP_PREFIX = '/http';

export interface HttpServerOptions {
  /** How long an idle keep-alive connection stays open (ms). Above common load balancer idle times. */
  keepAliveTimeoutMs?: number;
  /** Time allowed to receive the request headers (ms). */
  headersTimeoutMs?: number;
  /** Time allowed to receive a whole request (ms); large streamed uploads need minutes. */
  requestTimeoutMs?: number;
}

interface Route {
  /** The address as registered, e.g. `/Orders/*`. */
  address: string;
  flowId: string;
  handler: HttpHandler;
  /** Lower-cased full path, e.g. `/http/orders` (without `/*` for wildcards). */
  key: string;
  wildcard: boolean;
}

/** A parsed sender address: `/orders` or `/orders/*` (with `wildcard`), lower-cased for lookup. */
export interface ParsedAddress {
  path: string;
  wildcard: boolean;
}

/**
 * Checks and normalises a CPI address: relative, starting with `/` (added when missing), no query,
 * no `..`, and `*` only as a final `/*` segment. Returns a problem text instead of throwing, so that
 * the compiler can report it at the option's position.
 */
export function parseAddress(address: string): ParsedAddress | string {
  let path = address.trim();
  if (path === '' || path === '/') return 'the address is empty';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return `'${address}' is a URL; the address is a relative path`;
  if (!path.startsWith('/')) path = `/${path}`;
  const wildcard = path.endsWith('/*');
  if (wildcard) path = path.slice(0, -2);
  if (path.endsWith('/')) path = path.slice(0, -1);
  if (path === '') return 'the address is only a wildcard; give a path before /*';
  if (/[?#\s%\\]/.test(path))
    return `'${address}' contains a character not allowed in an address (?, #, %, \\ or space)`;
  if (path.includes('*')) return `'${address}' has '*' in the middle; only a final '/*' is allowed`;
  if (path.includes('//') || path.split('/').some((s) => s === '..' || s === '.'))
    return `'${address}' has an empty, '.' or '..' segment`;
  return { path: path.toLowerCase(), wildcard };
}

/**
 * The runtime's one HTTP server. Flows register addresses under `/http/`; the exact match is a map
 * lookup on the lower-cased path (the hot path), wildcard addresses are tried longest first.
 */
export class HttpServer implements HttpRouter {
  readonly #server: Server;
  readonly #exact = new Map<string, Route>();
  /** Wildcard routes, longest key first, so `/a/b/*` wins over `/a/*`. */
  #wildcards: Route[] = [];
  #port = 0;
  #host = '127.0.0.1';

  constructor(options: HttpServerOptions = {}) {
    this.#server = createServer({ keepAlive: true }, (req, res) => this.#handle(req, res));
    this.#server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 65_000;
    // Headers must be allowed to arrive a little longer than a connection may idle, or a request sent
    // just before the idle limit races the headers timer.
    this.#server.headersTimeout = options.headersTimeoutMs ?? 66_000;
    this.#server.requestTimeout = options.requestTimeoutMs ?? 300_000;
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.#server.once('error', onError);
      this.#server.listen(port, host, () => {
        this.#server.off('error', onError);
        this.#port = (this.#server.address() as AddressInfo).port;
        this.#host = host;
        resolve(this.#port);
      });
    });
  }

  /**
   * Stops accepting connections and closes idle keep-alive sockets at once. Requests in flight may
   * finish for `graceMs`; connections still open then are cut.
   */
  close(graceMs = 10_000): Promise<void> {
    if (!this.#server.listening) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#server.closeAllConnections(), graceMs);
      timer.unref();
      this.#server.close((error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      });
      this.#server.closeIdleConnections();
    });
  }

  baseUrl(): string {
    if (!this.#server.listening) throw new Error('The HTTP server is not listening yet.');
    const host = this.#host.includes(':') ? `[${this.#host}]` : this.#host;
    return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${this.#port}`;
  }

  register(address: string, flowId: string, handler: HttpHandler): () => void {
    const parsed = parseAddress(address);
    if (typeof parsed === 'string') {
      throw new UserError('CW_ERR_FLOW_INVALID', `Flow '${flowId}': invalid HTTPS address: ${parsed}.`, {
        hint: "Use a relative path such as '/orders' or '/orders/*'.",
      });
    }
    const key = HTTP_PREFIX + parsed.path;
    const existing = parsed.wildcard ? this.#wildcards.find((r) => r.key === key) : this.#exact.get(key);
    if (existing && existing.flowId !== flowId) {
      throw new UserError(
        'CW_ERR_HTTP_ADDRESS_IN_USE',
        `Flow '${flowId}' cannot serve ${key}${parsed.wildcard ? '/*' : ''}: flow '${existing.flowId}' already does (addresses are case-insensitive).`,
        { hint: `Change the address of one of the flows, or undeploy '${existing.flowId}' first.` },
      );
    }
    const route: Route = { address, flowId, handler, key, wildcard: parsed.wildcard };
    // Same flow again (hot reload): the new route replaces the old one in one assignment, so no
    // request in between sees a 404.
    if (parsed.wildcard) {
      const others = this.#wildcards.filter((r) => r.key !== key);
      this.#wildcards = [...others, route].sort((a, b) => b.key.length - a.key.length);
    } else {
      this.#exact.set(key, route);
    }
    return () => this.#unregister(route);
  }

  /** Removes `route` unless a reload has already replaced it; requests in flight keep their handler. */
  #unregister(route: Route): void {
    if (route.wildcard) {
      if (this.#wildcards.includes(route)) this.#wildcards = this.#wildcards.filter((r) => r !== route);
    } else if (this.#exact.get(route.key) === route) {
      this.#exact.delete(route.key);
    }
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const path = rawPath.toLowerCase();
    const exact =
      this.#exact.get(path) ?? (path.endsWith('/') ? this.#exact.get(path.slice(0, -1)) : undefined);
    if (exact) {
      this.#invoke(exact, req, res, '');
      return;
    }
    for (const route of this.#wildcards) {
      if (path === route.key) {
        this.#invoke(route, req, res, '');
        return;
      }
      if (path.startsWith(route.key) && path.charCodeAt(route.key.length) === 47 /* '/' */) {
        // The rest keeps the caller's casing: it usually carries ids.
        this.#invoke(route, req, res, safeDecode(rawPath.slice(route.key.length + 1)));
        return;
      }
    }
    if (path === '/health') {
      if (req.method === 'GET' || req.method === 'HEAD') sendJson(res, 200, { status: 'UP' });
      else {
        res.setHeader('Allow', 'GET, HEAD');
        sendError(res, 405, 'CW_ERR_HTTP_METHOD_NOT_ALLOWED', 'Use GET for /health.');
      }
      return;
    }
    sendError(res, 404, 'CW_ERR_HTTP_NOT_FOUND', `Nothing is deployed at ${rawPath}.`);
  }

  #invoke(route: Route, req: IncomingMessage, res: ServerResponse, rest: string): void {
    try {
      route.handler(req, res, rest);
    } catch (error) {
      // Handlers answer their own errors; this only catches a handler bug so the client is not left hanging.
      if (!res.headersSent) sendError(res, 500, 'CW_ERR_UNEXPECTED', 'The request could not be handled.');
      else res.destroy(error as Error);
    }
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A small JSON reply with a content length (errors, health). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', data.length);
  res.end(res.req.method === 'HEAD' ? undefined : data);
}

/** `{ "error": …, "code": … }`, the shape of every error Causeway answers over HTTP. */
export function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  sendJson(res, status, { error: message, code });
}
