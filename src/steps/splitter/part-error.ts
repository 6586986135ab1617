import { CausewayError, errorMessage, OperationalError, UnexpectedError, UserError } from '../../errors.ts';

/**
 * The error of a split part or multicast branch, with where it happened put in front of the message
 * (`Splitter "x", part 3 of 10: ...`). The kind and code stay those of the original error, so that an
 * exception subprocess or a retry decision sees the same error it would without the splitter; the
 * original is kept as the cause.
 *
 * An error without a Causeway code (a TypeError, a plain Error from an adapter) is a bug somewhere,
 * not bad input: it becomes an UnexpectedError, which is not retried, as the plain error was not.
 */
export function partError(error: unknown, where: string): Error {
  if (error instanceof UserError) {
    return new UserError(error.code, `${where}: ${error.message}`, { cause: error, hint: error.hint });
  }
  if (error instanceof OperationalError) {
    return new OperationalError(error.code, `${where}: ${error.message}`, { cause: error, hint: error.hint });
  }
  if (error instanceof UnexpectedError) {
    return new UnexpectedError(`${where}: ${error.message}`, { cause: error, hint: error.hint });
  }
  if (error instanceof CausewayError) return error;
  return new UnexpectedError(`${where}: ${errorMessage(error)}`, { cause: error, hint: UNEXPECTED_HINT });
}

const UNEXPECTED_HINT =
  'The error has no Causeway code, so it comes from a bug in Causeway or in an adapter, not from the ' +
  'message: report it with this log entry (its cause holds the original error and stack).';
