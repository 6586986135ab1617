/**
 * One error catalog for Causeway. Errors are split by who must act (as n8n does):
 * - UserError: bad input (a flow file, an option, a request); retrying the same input cannot help.
 * - OperationalError: a transient failure (a receiver down, a timeout); retrying may help.
 * - UnexpectedError: a bug in Causeway; logged loudly.
 * Each carries a stable code so that tests, logs and API clients can match on it.
 */
export type ErrorCode =
  | 'CW_ERR_FLOW_PARSE'
  | 'CW_ERR_FLOW_INVALID'
  | 'CW_ERR_EXPRESSION'
  | 'CW_ERR_EXPRESSION_EVAL'
  | 'CW_ERR_PARAMETER'
  | 'CW_ERR_STEP'
  | 'CW_ERR_ROUTER_NO_ROUTE'
  | 'CW_ERR_SCRIPT'
  | 'CW_ERR_SCRIPT_TIMEOUT'
  | 'CW_ERR_MAPPING'
  | 'CW_ERR_CONVERSION'
  | 'CW_ERR_RECEIVER'
  | 'CW_ERR_RECEIVER_HTTP'
  | 'CW_ERR_PROCESS_DIRECT_NO_CONSUMER'
  | 'CW_ERR_PROCESS_DIRECT_ADDRESS_IN_USE'
  | 'CW_ERR_ESCALATION'
  | 'CW_ERR_ERROR_END'
  | 'CW_ERR_LOOP_LIMIT'
  | 'CW_ERR_SPLITTER_TIMEOUT'
  | 'CW_ERR_CANCELLED'
  | 'CW_ERR_BODY_TOO_LARGE'
  | 'CW_ERR_BODY_INCOMPLETE'
  | 'CW_ERR_CREDENTIAL'
  | 'CW_ERR_TEST_FAILED'
  | 'CW_ERR_MPL_STORE'
  | 'CW_ERR_MPL_QUERY'
  | 'CW_ERR_CLI_USAGE'
  | 'CW_ERR_HTTP_ADDRESS_IN_USE'
  | 'CW_ERR_HTTP_NOT_FOUND'
  | 'CW_ERR_HTTP_METHOD_NOT_ALLOWED'
  | 'CW_ERR_HTTP_UNAUTHORIZED'
  | 'CW_ERR_HTTP_FORBIDDEN'
  | 'CW_ERR_HTTP_CSRF'
  | 'CW_ERR_MESSAGE_FAILED'
  | 'CW_ERR_SECURE_STORE'
  | 'CW_ERR_AUTH_BUSY'
  | 'CW_ERR_LISTEN'
  | 'CW_ERR_UNEXPECTED';

export interface CausewayErrorOptions {
  cause?: unknown;
  /** How to fix it, shown after the message. */
  hint?: string;
}

export abstract class CausewayError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  abstract readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: CausewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}

/** Bad input from a user: a flow, an option, a message that cannot be processed as sent. */
export class UserError extends CausewayError {
  override name = 'UserError';
  readonly retryable = false;
}

/** A transient failure: the same message may succeed later. */
export class OperationalError extends CausewayError {
  override name = 'OperationalError';
  readonly retryable = true;
}

/** A bug: something Causeway should never do. */
export class UnexpectedError extends CausewayError {
  override name = 'UnexpectedError';
  readonly retryable = false;
  constructor(message: string, options: CausewayErrorOptions = {}) {
    super('CW_ERR_UNEXPECTED', message, options);
  }
}

/** Any thrown value as an Error (a thrown string or object becomes the message of one). */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

/** The message of any thrown value, for logs and `${exception.message}`. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
