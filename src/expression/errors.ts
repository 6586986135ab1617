import { CausewayError, UserError } from '../errors.ts';
import type { ExpressionLanguage } from './expression.ts';

const LANGUAGE_NAMES: Record<ExpressionLanguage, string> = {
  simple: 'Simple',
  xpath: 'XPath',
  jsonpath: 'JSONPath',
  jsonata: 'JSONata',
};

/**
 * An expression that cannot be compiled. `offset` is the 0-based character offset inside the expression
 * source, so the flow loader can add it to the option's own position and point at the exact character.
 */
export class ExpressionSyntaxError extends UserError {
  override name = 'ExpressionSyntaxError';
  readonly offset: number;
  /** The problem alone, without the source and offset the message adds. */
  readonly what: string;
  readonly language: ExpressionLanguage;
  readonly source: string;

  constructor(language: ExpressionLanguage, source: string, offset: number, what: string, hint: string) {
    super(
      'CW_ERR_EXPRESSION',
      `Invalid ${LANGUAGE_NAMES[language]} expression ${quote(source)}: ${what} (at offset ${offset})`,
      {
        hint,
      },
    );
    this.offset = offset;
    this.what = what;
    this.language = language;
    this.source = source;
  }
}

/** A failure while evaluating a compiled expression against a message (bad data, not bad syntax). */
export function evaluationError(language: ExpressionLanguage, source: string, cause: unknown): UserError {
  const reason = cause instanceof Error ? cause.message : jsonataMessage(cause);
  const hint =
    cause instanceof CausewayError && cause.hint
      ? cause.hint
      : 'Check that the message holds what the expression expects (header and property names, body format).';
  return new UserError(
    'CW_ERR_EXPRESSION_EVAL',
    `${LANGUAGE_NAMES[language]} expression ${quote(source)} failed: ${reason}`,
    { cause, hint },
  );
}

/** JSONata throws plain objects `{ code, message, position }`, not Errors. */
function jsonataMessage(value: unknown): string {
  if (typeof value === 'object' && value !== null && 'message' in value) {
    const { message, code } = value as { message: unknown; code?: unknown };
    return code ? `${String(message)} (${String(code)})` : String(message);
  }
  return String(value);
}

/** The source for a message, shortened so that a long mapping does not flood the log. */
function quote(source: string): string {
  const oneLine = source.replace(/\s+/g, ' ');
  return `'${oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine}'`;
}
