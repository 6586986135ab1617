import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Exchange } from '../../engine/exchange.ts';
import { asError, CausewayError, type ErrorCode, errorMessage } from '../../errors.ts';
import { HTTP_PREFIX, sendJson } from '../../runtime/http-server.ts';
import { DEFAULT_SENDER_ROLE } from '../../security/roles.ts';
import type { DispatchResult, SenderContext, SenderEndpoint } from '../adapter.spec.ts';
import { authenticateBasic, type BasicAuthResult } from './basic-auth.ts';
import { BodyLimit, bodyTooLarge } from './body-limit.ts';
import { CSRF_CHECKED_METHODS, csrfToken, csrfTokenValid } from './csrf.ts';
import type { HttpsSenderOptions } from './https.spec.ts';
import { MPL_ID_HEADER, writeReply } from './reply.ts';
import { replyAtTurnEnd } from './reply-batch.ts';
import {
  addQueryHeaders,
  type HeaderPolicy,
  headerPolicy,
  type RequestHead,
  readRequestHead,
} from './request-headers.ts';

/** Bodies up to this size are read and dropped after an early rejection, keeping the connection; larger ones close it. */
const DRAIN_LIMIT = 64 * 1024;
/**
 * Bodies of a known length up to this size are read into memory before the flow runs, as any plain
 * server would: a flow of synchronous steps then runs without a promise. Larger and chunked bodies
 * reach the flow as a stream and are read only by a step that needs them.
 */
const READ_AHEAD_LIMIT = 64 * 1024;

/**
 * One flow's HTTPS endpoint. Everything that depends only on the options is worked out here, once;
 * per request it checks access, hands the request stream to the flow and writes the reply.
 */
export class HttpsEndpoint implements SenderEndpoint {
  readonly #ctx: SenderContext;
  readonly #address: string;
  readonly #methods?: ReadonlySet<string>;
  readonly #allow: string;
  readonly #basic: boolean;
  readonly #role: string;
  readonly #csrf: boolean;
  readonly #headers: HeaderPolicy;
  readonly #maxBody: number;
  readonly #returnException: boolean;
  #unregister?: () => void;

  constructor(options: HttpsSenderOptions, ctx: SenderContext) {
    this.#ctx = ctx;
    this.#address = options.address;
    const methods =
      options.methods && options.methods.length > 0 ? new Set<string>(options.methods) : undefined;
    if (methods?.has('GET')) methods.add('HEAD');
    this.#methods = methods;
    this.#allow = methods ? [...methods].join(', ') : '';
    this.#basic = options.authentication === 'basic';
    this.#role = options.userRole ?? DEFAULT_SENDER_ROLE;
    this.#csrf = options.csrfProtection ?? false;
    this.#headers = headerPolicy(options.allowedHeaders);
    this.#maxBody = options.maxBodySize ?? 40 * 1024 * 1024;
    this.#returnException = options.returnExceptionToSender ?? false;
  }

  async start(): Promise<void> {
    this.#unregister = this.#ctx.services.http.register(this.#address, this.#ctx.flowId, (req, res, rest) =>
      this.#serve(req, res, rest),
    );
  }

  async stop(): Promise<void> {
    this.#unregister?.();
    this.#unregister = undefined;
  }

  describe(): string[] {
    const methods = this.#methods ? [...this.#methods].filter((m) => m !== 'HEAD').join('|') : 'ANY';
    const path = `${HTTP_PREFIX}${this.#address.startsWith('/') ? '' : '/'}${this.#address}`;
    const access = this.#basic ? ` (basic auth, role ${this.#role})` : '';
    return [`${methods} ${path}${access}`];
  }

  /**
   * Answers one request. Without authentication and with a flow that runs synchronously, the whole
   * request is handled in this call, without a promise; Basic authentication waits for the password
   * check first.
   */
  #serve(req: IncomingMessage, res: ServerResponse, rest: string): void {
    const head = readRequestHead(req.rawHeaders, this.#headers);
    if (!this.#basic) {
      this.#accept(req, res, rest, head, undefined);
      return;
    }
    this.#authenticate(req, res, rest, head).catch((error) => failUnexpectedly(res, error));
  }

  async #authenticate(
    req: IncomingMessage,
    res: ServerResponse,
    rest: string,
    head: RequestHead,
  ): Promise<void> {
    let auth: BasicAuthResult | Promise<BasicAuthResult>;
    try {
      auth = authenticateBasic(this.#ctx.services.secureStore, head.authorization);
      if (auth instanceof Promise) auth = await auth;
    } catch (error) {
      if (!(error instanceof CausewayError && error.code === 'CW_ERR_AUTH_BUSY')) throw error;
      res.setHeader('Retry-After', '1');
      return rejectEarly(res, head, 503, error.code, error.message);
    }
    if (res.destroyed) return;
    if (!auth) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Causeway", charset="UTF-8"');
      return rejectEarly(
        res,
        head,
        401,
        'CW_ERR_HTTP_UNAUTHORIZED',
        'Authentication required: send Basic auth of a user with access.',
      );
    }
    if (!auth.roles.includes(this.#role))
      return rejectEarly(
        res,
        head,
        403,
        'CW_ERR_HTTP_FORBIDDEN',
        `User '${auth.user}' lacks the role '${this.#role}'.`,
      );
    this.#accept(req, res, rest, head, auth.user);
  }

  /** The caller may send: method and CSRF checks, then the message runs and its reply is written. */
  #accept(
    req: IncomingMessage,
    res: ServerResponse,
    rest: string,
    head: RequestHead,
    user: string | undefined,
  ): void {
    const method = req.method ?? 'GET';
    if (this.#csrf && (method === 'GET' || method === 'HEAD') && head.csrfToken?.toLowerCase() === 'fetch') {
      // Answered here, without running the flow: fetching a token must not trigger the integration.
      res.setHeader('X-CSRF-Token', csrfToken(user));
      res.setHeader('Content-Length', 0);
      res.end();
      return;
    }
    if (this.#methods && !this.#methods.has(method)) {
      res.setHeader('Allow', this.#allow);
      rejectEarly(
        res,
        head,
        405,
        'CW_ERR_HTTP_METHOD_NOT_ALLOWED',
        `Method ${method} is not allowed here; use ${this.#allow}.`,
      );
      return;
    }
    if (this.#csrf && CSRF_CHECKED_METHODS.has(method) && !csrfTokenValid(head.csrfToken, user)) {
      res.setHeader('X-CSRF-Token', 'Required');
      rejectEarly(
        res,
        head,
        403,
        'CW_ERR_HTTP_CSRF',
        "CSRF token missing or wrong: fetch one with GET and 'X-CSRF-Token: Fetch'.",
      );
      return;
    }
    let body: Readable | string = '';
    if (head.contentLength !== undefined) {
      const length = Number(head.contentLength);
      if (length > this.#maxBody) {
        rejectEarly(res, head, 413, 'CW_ERR_BODY_TOO_LARGE', bodyTooLarge(this.#maxBody).message);
        return;
      }
      if (length > 0 && length <= READ_AHEAD_LIMIT) {
        readWhole(req, (whole) => {
          // Runs from the request's 'end' event, outside the server's guard: a bug must not end the process.
          try {
            this.#run(req, res, rest, head, user, whole);
          } catch (error) {
            failUnexpectedly(res, error);
          }
        });
        return;
      }
      if (length > 0) body = req;
    } else if (head.chunked) {
      body = limitBody(req, this.#maxBody);
    }
    this.#run(req, res, rest, head, user, body);
  }

  /** Runs the flow with the request's body and answers with its result. */
  #run(
    req: IncomingMessage,
    res: ServerResponse,
    rest: string,
    head: RequestHead,
    user: string | undefined,
    body: Readable | Buffer | string,
  ): void {
    const exchange = this.#ctx.newExchange({ headers: head.headers, body });
    this.#setCamelHeaders(exchange, req, head, rest, user);
    let result: DispatchResult | Promise<DispatchResult>;
    try {
      result = this.#ctx.dispatch(exchange);
    } catch (error) {
      result = { exchange, error: asError(error) };
    }
    if (result instanceof Promise) {
      result
        .then(
          (done) => this.#answer(req, res, done),
          (error: unknown) => this.#answer(req, res, { exchange, error: asError(error) }),
        )
        .catch((error) => failUnexpectedly(res, error));
    } else this.#answer(req, res, result);
  }

  #answer(req: IncomingMessage, res: ServerResponse, result: DispatchResult): void {
    if (res.destroyed) return;
    if (result.error) {
      this.#fail(req, res, result.exchange, result.error);
      return;
    }
    replyAtTurnEnd(() => {
      try {
        if (!res.destroyed) writeReply(req, res, result.exchange.message, result.exchange.id);
      } catch (error) {
        failUnexpectedly(res, error);
      }
    });
  }

  #setCamelHeaders(
    exchange: Exchange,
    req: IncomingMessage,
    head: RequestHead,
    rest: string,
    user?: string,
  ): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const headers = exchange.message.headers;
    if (q !== -1) {
      const query = url.slice(q + 1);
      addQueryHeaders(headers, query);
      headers.set('CamelHttpQuery', query);
    }
    // Constant lower-case keys: these are set on every message.
    headers.setKeyed('camelhttpmethod', 'CamelHttpMethod', req.method);
    headers.setKeyed('camelhttpurl', 'CamelHttpUrl', `http://${head.host ?? 'localhost'}${path}`);
    headers.setKeyed('camelhttppath', 'CamelHttpPath', rest);
    headers.setKeyed('camelservletcontextpath', 'CamelServletContextPath', path.slice(HTTP_PREFIX.length));
    if (user !== undefined) headers.set('SapAuthenticatedUserName', user);
  }

  /** A failed message: 413 for an oversized streamed body, else 500; details only when the flow allows it. */
  #fail(req: IncomingMessage, res: ServerResponse, exchange: Exchange, error: Error): void {
    const code: ErrorCode | undefined = error instanceof CausewayError ? error.code : undefined;
    res.setHeader(MPL_ID_HEADER, exchange.id);
    if (code === 'CW_ERR_BODY_TOO_LARGE') {
      // The rest of the body was not read; closing is cheaper than draining it.
      if (!req.complete) res.setHeader('Connection', 'close');
      sendJson(res, 413, { error: error.message, code, messageId: exchange.id });
      return;
    }
    if (!req.complete) res.setHeader('Connection', 'close');
    if (this.#returnException) {
      const hint = error instanceof CausewayError ? error.hint : undefined;
      sendJson(res, 500, {
        error: error.message,
        code: code ?? 'CW_ERR_MESSAGE_FAILED',
        hint,
        messageId: exchange.id,
      });
    } else {
      sendJson(res, 500, {
        error: `The message could not be processed; see message processing log ${exchange.id}.`,
        code: 'CW_ERR_MESSAGE_FAILED',
        messageId: exchange.id,
      });
    }
  }
}

/** A bug while answering (the flow's own errors are answered by #fail): the client is not left hanging. */
function failUnexpectedly(res: ServerResponse, error: unknown): void {
  if (!res.headersSent) reject(res, 500, 'CW_ERR_UNEXPECTED', `The request failed: ${errorMessage(error)}`);
  else res.destroy();
}

/**
 * Reads a small request body into one Buffer; `done` runs with it at the end. A request that breaks
 * off (the client went away) never ends, so the flow never runs: there is nobody to answer. Node emits
 * no 'error' on such a request when nobody listens, and the listeners go with the request.
 */
function readWhole(req: IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => done(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
}

/** The request stream behind a counter; errors of the request (client gone) reach the flow's reader. */
function limitBody(req: IncomingMessage, limit: number): Readable {
  const limited = new BodyLimit(limit);
  req.on('error', (error) => limited.destroy(error));
  limited.on('error', () => req.unpipe(limited));
  return req.pipe(limited);
}

/** A rejection before the flow runs: a small body is drained to keep the connection, a large one closes it. */
function rejectEarly(
  res: ServerResponse,
  head: RequestHead,
  status: number,
  code: ErrorCode,
  message: string,
): void {
  const length = head.contentLength === undefined ? 0 : Number(head.contentLength);
  if (head.chunked || length > DRAIN_LIMIT) res.setHeader('Connection', 'close');
  reject(res, status, code, message);
}

function reject(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  sendJson(res, status, { error: message, code });
}
