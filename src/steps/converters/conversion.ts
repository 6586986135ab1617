import type * as FastXmlParser from 'fast-xml-parser';
import { lazyModule } from '../../engine/lazy-module.ts';
import { Type } from '../../flow/schema-builder.ts';

/** fast-xml-parser, loaded when a converter first compiles. */
export const fastXmlParser = lazyModule<typeof FastXmlParser>('fast-xml-parser');

import { UserError } from '../../errors.ts';
import { formatPath, type Path } from '../../flow/path.ts';
import type { CompileContext } from '../step.spec.ts';

/** Helpers shared by the converter steps (and the other transformation steps). */

/** The optional `name` every step declares: a label shown in the message processing log. */
export const NameOption = Type.Optional(
  Type.String({ description: 'Label shown in the message processing log' }),
);

/** How a step is named in error messages: its `name`, or where it sits in the flow. */
export function stepLabel(name: string | undefined, path: Path): string {
  return name ? `'${name}' (${formatPath(path)})` : formatPath(path);
}

export function conversionError(step: string, what: string, hint: string, cause?: unknown): UserError {
  return new UserError('CW_ERR_CONVERSION', `Step ${step}: ${what}`, { hint, cause });
}

/**
 * Checks that text is well-formed XML and throws a conversion error with line and column if not:
 * fast-xml-parser's parser is lenient, its validator is not.
 */
export function assertWellFormedXml(text: string, step: string): void {
  const result = fastXmlParser().XMLValidator.validate(text);
  if (result === true) return;
  const { msg, line, col } = result.err;
  const where = col ? `line ${line}, column ${col}` : `line ${line}`;
  throw conversionError(
    step,
    `the message body is not well-formed XML (${where}): ${msg}`,
    'Check the content the sender delivers, or convert it to XML first.',
  );
}

/** `JSON.parse` errors name a position; keep that and say which step failed. */
export function parseJsonBody(read: () => unknown, step: string): unknown {
  try {
    return read();
  } catch (cause) {
    const message =
      cause instanceof Error ? cause.message.replace(/^The message body is not valid JSON: /, '') : '';
    throw conversionError(
      step,
      `the message body is not valid JSON: ${message}`,
      'Check the content the sender delivers, or convert it to JSON first.',
      cause,
    );
  }
}

// XML 1.0 names, restricted to the common letters: enough to reject JSON keys such as "1st" or "a b".
const XML_NAME = /^[A-Za-z_\u00C0-\uFFEF][\w.\-\u00B7\u00C0-\uFFEF]*$/;

/** Whether `name` can be an XML element or attribute name (without a prefix). */
export function isXmlName(name: string): boolean {
  return XML_NAME.test(name);
}

/**
 * Reports an element name option that is no XML name at load time: otherwise it would only show as
 * malformed output (or, for a name to look for, as nothing found). `prefixed` allows `prefix:name`.
 */
export function checkElementName(
  ctx: Pick<CompileContext, 'error'>,
  path: Path,
  value: string,
  prefixed = false,
): void {
  const colon = prefixed ? value.indexOf(':') : -1;
  const valid =
    colon < 0 ? isXmlName(value) : isXmlName(value.slice(0, colon)) && isXmlName(value.slice(colon + 1));
  if (!valid)
    ctx.error(
      path,
      `'${value}' is not a valid XML element name.`,
      prefixed
        ? 'Use letters, digits, _ - and . and start with a letter; a prefix goes before a colon (ns0:Orders).'
        : 'Use letters, digits, _ - and . and start with a letter.',
    );
}

/** Escapes a value for an XML attribute or text node. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;',
  );
}
