import { CausewayError, OperationalError, UnexpectedError, UserError } from '../../errors.ts';

/**
 * The error of a split part or multicast branch, with where it happened put in front of the message
 * (`Splitter "x", part 3 of 10: ...`). The kind and code stay those of the original error, so that an
 * exception subprocess or a retry decision sees the same error it would without the splitter; the
 * original is kept as the cause.
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
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`${where}: ${message}`, { cause: error });
}
