import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { Pool } from 'undici';
import type { Exchange } from '../../engine/exchange.ts';
import { OperationalError, UserError } from '../../errors.ts';
import type { Credential } from '../../runtime/services.ts';
import type { CallPattern, Receiver } from '../adapter.spec.ts';
import { type HttpAuthentication, HttpAuthorization } from './http.authorization.ts';
import { isConnectionError, readSnippet, retryAfterMs, statusError, transportError } from './http.failure.ts';
import { applyResponseHeaders, type HeaderFilter, requestHeaders } from './http.headers.ts';

export const HTTP_METHODS = ['POST', 'GET', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
const METHODS = new Set<string>(HTTP_METHODS);

type Template = (exchange: Exchange) => string;

/** The compiled options of one receiver (see http.spec.ts for what each means). */
export interface HttpReceiverConfig {
  name: string;
  /** The full URL when address and query are constant. */
  staticUrl?: string;
  address: Template;
  query?: Template;
  /** Undefined when the method is dynamic. */
  method?: HttpMethod;
  methodExpression?: Template;
  authentication: HttpAuthentication;
  credential?: Template;
  requestHeaders: HeaderFilter;
  responseHeaders: HeaderFilter;
  timeoutMs: number;
  throwExceptionOnFailure: boolean;
  retry?: {
    statusCodes: ReadonlySet<number>;
    maxAttempts: number;
    intervalMs: number;
    onConnectionError: boolean;
  };
  streaming: boolean;
  credentials: (name: string) => Credential | undefined;
}

interface Target {
  url: string;
  origin: string;
  path: string;
}

/**
 * CPI's HTTP receiver on undici: one keep-alive pool per origin, made on first use and reused by every
 * call. Options are compiled at deployment; a call resolves the URL, sends, and maps the answer.
 */
export class HttpReceiver implements Receiver {
  readonly name: string;
  readonly adapter = 'http';
  readonly #config: HttpReceiverConfig;
  readonly #auth: HttpAuthorization;
  readonly #pools = new Map<string, Pool>();
  readonly #staticTarget?: Target;
  /** Retry and OAuth2 may send the body twice, so a streamed body is read into memory first. */
  readonly #replayable: boolean;
  #closed = false;

  constructor(config: HttpReceiverConfig) {
    this.name = config.name;
    this.#config = config;
    this.#auth = new HttpAuthorization(
      config.name,
      config.authentication,
      config.credential,
      config.credentials,
      (url, headers, body) => this.#postForm(url, headers, body),
    );
    if (config.staticUrl !== undefined && URL.canParse(config.staticUrl)) {
      this.#staticTarget = parseTarget(config.staticUrl);
    }
    this.#replayable = config.retry !== undefined || config.authentication === 'oauth2-client-credentials';
  }

  async call(exchange: Exchange, pattern: CallPattern): Promise<void> {
    const started = performance.now();
    let url = '';
    let status: number | undefined;
    try {
      const target = this.#target(exchange);
      url = target.url;
      const method = this.#method(exchange);
      const body = method === 'GET' || method === 'HEAD' ? null : await this.#requestBody(exchange, pattern);
      const response = await this.#send(exchange, target, method, body);
      status = response.statusCode;
      await this.#answer(exchange, pattern, response, method, url);
      exchange.log.receivers.push({
        receiver: this.name,
        adapter: 'http',
        url,
        status,
        durationMs: performance.now() - started,
      });
    } catch (error) {
      exchange.log.receivers.push({
        receiver: this.name,
        adapter: 'http',
        url,
        status,
        durationMs: performance.now() - started,
        error: (error as Error).message,
      });
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }

  /** Sends until an answer is final: retries chosen statuses and connection errors, renews a refused token. */
  async #send(
    exchange: Exchange,
    target: Target,
    method: string,
    body: Buffer | Readable | null,
  ): Promise<Dispatcher.ResponseData> {
    const { retry, timeoutMs } = this.#config;
    const headers = requestHeaders(
      exchange.message.headers,
      this.#config.requestHeaders,
      this.#auth.mode !== 'none',
    );
    const headerCount = headers.length;
    let attempt = 1;
    let renewedToken = false;
    for (;;) {
      let authorization = this.#auth.header(exchange);
      if (authorization !== undefined) {
        if (typeof authorization !== 'string') authorization = await authorization;
        headers.length = headerCount;
        headers.push('authorization', authorization);
      }
      let response: Dispatcher.ResponseData;
      try {
        response = await this.#pool(target.origin).request({
          path: target.path,
          method: method as Dispatcher.HttpMethod,
          headers,
          body: body as Buffer | null,
        });
      } catch (error) {
        if (retry?.onConnectionError && attempt < retry.maxAttempts && isConnectionError(error)) {
          attempt++;
          await sleep(retry.intervalMs);
          continue;
        }
        throw transportError(this.name, method, target.url, error, timeoutMs);
      }
      const status = response.statusCode;
      if (
        status === 401 &&
        !renewedToken &&
        authorization !== undefined &&
        this.#auth.refused(exchange, authorization)
      ) {
        renewedToken = true;
        await response.body.dump();
        continue;
      }
      if (retry && attempt < retry.maxAttempts && retry.statusCodes.has(status)) {
        const wait = retryAfterMs(response.headers['retry-after']) ?? retry.intervalMs;
        await response.body.dump();
        attempt++;
        await sleep(wait);
        continue;
      }
      return response;
    }
  }

  /** Maps the answer onto the message: a failure throws, Send drops it, Request-Reply takes it. */
  async #answer(
    exchange: Exchange,
    pattern: CallPattern,
    response: Dispatcher.ResponseData,
    method: string,
    url: string,
  ): Promise<void> {
    const { statusCode, headers, body } = response;
    const failed = statusCode < 200 || statusCode >= 300;
    if (failed && this.#config.throwExceptionOnFailure) {
      throw statusError(this.name, method, url, statusCode, await readSnippet(body));
    }
    if (pattern === 'send') {
      await body.dump();
      return;
    }
    const message = exchange.message;
    message.setBody(this.#config.streaming ? body : Buffer.from(await body.arrayBuffer()));
    applyResponseHeaders(message.headers, headers, this.#config.responseHeaders);
    message.headers.set('CamelHttpResponseCode', statusCode);
  }

  /** A streamed body goes out as a stream unless it must be sent again or stay readable after Send. */
  async #requestBody(exchange: Exchange, pattern: CallPattern): Promise<Buffer | Readable> {
    const body = exchange.message.body;
    if (body.isStream) {
      if (!this.#replayable && pattern === 'request-reply') return body.stream();
      await body.materialize();
    }
    return body.buffer();
  }

  #target(exchange: Exchange): Target {
    const override = exchange.message.headers.get('CamelHttpUri');
    if (override === undefined && this.#staticTarget) return this.#staticTarget;
    let url = typeof override === 'string' && override !== '' ? override : this.#config.address(exchange);
    const query = this.#config.query?.(exchange);
    if (query) url = `${url}${url.includes('?') ? '&' : '?'}${query}`;
    if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) {
      throw new UserError(
        'CW_ERR_RECEIVER_HTTP',
        `Receiver '${this.name}': the address '${url}' is not an absolute http(s) URL.`,
        {
          hint:
            typeof override === 'string'
              ? 'The header CamelHttpUri replaces the address; set it to a full URL or remove it.'
              : 'Check the address and the header or property values it uses.',
        },
      );
    }
    return parseTarget(url);
  }

  #method(exchange: Exchange): string {
    if (this.#config.method) return this.#config.method;
    const value = (this.#config.methodExpression as Template)(exchange).trim().toUpperCase();
    if (!METHODS.has(value)) {
      throw new UserError(
        'CW_ERR_RECEIVER_HTTP',
        `Receiver '${this.name}': the method expression gave '${value}'.`,
        {
          hint: `It must give one of ${HTTP_METHODS.join(', ')} (for example via header CamelHttpMethod).`,
        },
      );
    }
    return value;
  }

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (pool) return pool;
    if (this.#closed) {
      throw new OperationalError(
        'CW_ERR_RECEIVER',
        `Receiver '${this.name}' is closed (its flow was undeployed).`,
        {
          hint: 'Send the message again; the running flow version uses a new receiver.',
        },
      );
    }
    const { timeoutMs } = this.#config;
    pool = new Pool(origin, {
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connect: { timeout: timeoutMs },
    });
    this.#pools.set(origin, pool);
    return pool;
  }

  /** The token request of OAuth2, over the same pools as the calls. */
  async #postForm(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; text: string }> {
    const target = parseTarget(url);
    const response = await this.#pool(target.origin).request({
      path: target.path,
      method: 'POST',
      headers,
      body,
    });
    return { status: response.statusCode, text: await response.body.text() };
  }
}

function parseTarget(url: string): Target {
  const parsed = new URL(url);
  return { url: parsed.href, origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}
