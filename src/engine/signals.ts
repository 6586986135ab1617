import { CausewayError, UserError } from '../errors.ts';

/**
 * Thrown by an Error End event in an exception subprocess: the message fails with the error being
 * handled (or a new one), and a synchronous sender gets the error.
 */
export class ErrorEndSignal extends UserError {
  constructor(original: Error | undefined) {
    super('CW_ERR_ERROR_END', original?.message ?? 'The flow ended with an Error End event.', {
      cause: original,
    });
  }

  /** The error the sender should see: the one that started the exception subprocess. */
  get original(): Error {
    return this.cause instanceof Error ? this.cause : this;
  }
}

/** Thrown by an Escalation End event: the message ends ESCALATED. */
export class EscalationSignal extends UserError {
  constructor(original: Error | undefined) {
    super('CW_ERR_ESCALATION', original?.message ?? 'The flow ended with an Escalation End event.', {
      cause: original,
    });
  }
}

export function isRetryable(error: unknown): boolean {
  return error instanceof CausewayError && error.retryable;
}
