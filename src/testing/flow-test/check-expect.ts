import { errorMessage } from '../../errors.ts';
import { compileExpression, ExpressionSyntaxError } from '../../expression/index.ts';
import type { Path } from '../../flow/path.ts';
import type { ExpectModel } from './flow-test.spec.ts';
import { normalizeXml } from './xml-normalize.ts';

/** Records a problem in the test file at `path` (at the key itself when `key` is set). */
export type ErrorAt = (path: Path, message: string, hint?: string, key?: boolean) => void;

/**
 * Checks what an `expect:` holds that can be wrong before any message runs: expected XML that is not
 * well-formed, XPath and JSONPath that do not parse. A mistake in a test is reported as one, at its
 * position, not as a failing flow.
 */
export function checkExpectSources(
  expect: ExpectModel | undefined,
  at: Path,
  namespaces: Readonly<Record<string, string>>,
  error: ErrorAt,
): void {
  if (!expect) return;
  const xml = (text: string | undefined, path: Path) => {
    if (text === undefined) return;
    try {
      normalizeXml(text);
    } catch (cause) {
      error(
        path,
        `the expected XML is ${errorMessage(cause)}`,
        'Quote the XML and check its tags are closed.',
      );
    }
  };
  xml(expect.bodyXml, [...at, 'bodyXml']);
  for (const [name, receiver] of Object.entries(expect.receivers ?? {})) {
    xml(receiver.bodyXml, [...at, 'receivers', name, 'bodyXml']);
    for (const [i, r] of (receiver.requests ?? []).entries()) {
      xml(r.bodyXml, [...at, 'receivers', name, 'requests', i, 'bodyXml']);
    }
  }
  const expressions = (language: 'xpath' | 'jsonpath') => {
    for (const source of Object.keys(expect[language] ?? {})) {
      try {
        compileExpression(source, language, { namespaces });
      } catch (cause) {
        const hint = cause instanceof ExpressionSyntaxError ? cause.hint : undefined;
        error([...at, language, source], errorMessage(cause), hint, true);
      }
    }
  };
  expressions('xpath');
  expressions('jsonpath');
}
