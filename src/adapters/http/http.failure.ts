import { type CausewayError, OperationalError, UserError } from '../../errors.ts';
import { SNIPPET_BYTES } from './http.answer.ts';

// Not `import { … } from 'node:http'`: an ES import reads all of node:http's exports, and its
// WebSocket getter then loads Node's bundled undici (about 4 MB that a runtime never uses).
const { STATUS_CODES } = process.getBuiltinModule('node:http');

/** The longest Retry-After we wait for: CPI caps the retry interval at 60 s. */
export const MAX_RETRY_WAIT_MS = 60_000;

/** An HTTP failure as CPI's scripts see it: `${exception.statusCode}`, `${exception.responseBody}`. */
export type HttpFailure = CausewayError & { statusCode?: number; responseBody?: string };

/** Retry-After in milliseconds (delta seconds or an HTTP date), capped; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  let ms: number;
  if (/^\s*\d+\s*$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - now);
  }
  return Math.min(ms, MAX_RETRY_WAIT_MS);
}

/** The start of a failed answer for the error message, marked when the answer was longer. */
export function snippetText(body: Buffer, truncated: boolean): string {
  const text = body.subarray(0, SNIPPET_BYTES).toString('utf8');
  return truncated || body.length > SNIPPET_BYTES ? `${text}…` : text;
}

/** A non-2xx answer: retryable for 5xx and 429, the caller's fault for the rest. */
export function statusError(
  receiver: string,
  method: string,
  url: string,
  status: number,
  snippet: string,
): HttpFailure {
  const reason = STATUS_CODES[status] ?? 'Unknown';
  const message = `Receiver '${receiver}': ${method} ${url} answered ${status} ${reason}${snippet ? `: ${snippet}` : ''}`;
  const retryable = status >= 500 || status === 429;
  const error: HttpFailure = retryable
    ? new OperationalError('CW_ERR_RECEIVER_HTTP', message, { hint: retryHint(status) })
    : new UserError('CW_ERR_RECEIVER_HTTP', message, { hint: clientHint(status) });
  error.statusCode = status;
  error.responseBody = snippet;
  return error;
}

/** A call that got no answer: a timeout, a refused or reset connection, a bad URL or header. */
export function transportError(
  receiver: string,
  method: string,
  url: string,
  cause: unknown,
  timeoutMs: number,
): CausewayError {
  const code = (cause as { code?: string }).code ?? '';
  const where = `Receiver '${receiver}': ${method} ${url}`;
  if (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  ) {
    return new OperationalError('CW_ERR_RECEIVER_HTTP', `${where} timed out after ${timeoutMs} ms`, {
      cause,
      hint: 'The receiver is slow or unreachable. Raise timeoutMs, or check the receiver.',
    });
  }
  if (code === 'UND_ERR_INVALID_ARG') {
    return new UserError('CW_ERR_RECEIVER_HTTP', `${where}: invalid request: ${(cause as Error).message}`, {
      cause,
      hint: 'A header value or the method is not valid HTTP (line breaks, non-ASCII). Check requestHeaders.',
    });
  }
  return new OperationalError(
    'CW_ERR_RECEIVER_HTTP',
    `${where} failed: ${(cause as Error).message}${code && !(cause as Error).message.includes(code) ? ` (${code})` : ''}`,
    {
      cause,
      hint: 'Check that the address is right and the receiver is running; set retry.onConnectionError to retry.',
    },
  );
}

/** Failures before any answer, where sending again is safe enough to retry on request. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH' ||
    code === 'UND_ERR_SOCKET' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_CLOSED'
  );
}

function retryHint(status: number): string {
  if (status === 429)
    return 'The receiver limits the request rate. Add retry: { statusCodes: [429] } or slow down.';
  return 'The receiver failed or is unavailable; the message may succeed later. Add retry: to retry automatically.';
}

function clientHint(status: number): string {
  if (status === 401 || status === 403) return "Check the receiver's authentication and credential.";
  if (status === 404 || status === 405) return 'Check the address and the method.';
  if (status >= 300 && status < 400) return 'The receiver redirects; use the address it redirects to.';
  return 'The receiver rejected the request; check the body and headers sent.';
}
