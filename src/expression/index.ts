import type { Exchange } from '../engine/exchange.ts';
import { UserError } from '../errors.ts';
import type {
  Expression,
  ExpressionLanguage,
  NamespaceMap,
  Predicate,
  XPathResultType,
} from './expression.ts';
import { compileJsonata } from './jsonata.ts';
import { compileJsonPath } from './jsonpath.ts';
import { compileSimpleExpression, compileSimplePredicate, compileSimpleTemplate } from './simple/simple.ts';
import { compileXPath, compileXPathPredicate } from './xpath.ts';

export { ExpressionSyntaxError } from './errors.ts';
export type {
  Expression,
  ExpressionLanguage,
  NamespaceMap,
  Predicate,
  XPathResultType,
} from './expression.ts';

export interface CompileOptions {
  /** Prefix → URI for XPath, also inside Simple's ${xpath.…}. */
  namespaces?: NamespaceMap;
  /** XPath only; `string` by default. */
  resultType?: XPathResultType;
}

/**
 * Compiles an expression once, at deploy time; evaluating it does no parsing. Throws
 * ExpressionSyntaxError (CW_ERR_EXPRESSION, with the offset) for bad syntax; evaluation failures throw
 * UserError CW_ERR_EXPRESSION_EVAL naming the expression.
 */
export function compileExpression(
  source: string,
  language: ExpressionLanguage,
  options: CompileOptions = {},
): Expression {
  switch (language) {
    case 'simple':
      return compileSimpleExpression(source, options);
    case 'xpath':
      return compileXPath(source, options);
    case 'jsonpath':
      return compileJsonPath(source);
    case 'jsonata':
      return compileJsonata(source);
    default:
      throw unknownLanguage(language, 'simple, xpath, jsonpath, jsonata');
  }
}

/** A condition for a Router route or a loop: Simple (non-XML) or XPath (XML), as CPI offers. */
export function compilePredicate(
  source: string,
  language: 'simple' | 'xpath',
  options: { namespaces?: NamespaceMap } = {},
): Predicate {
  if (language === 'simple') return compileSimplePredicate(source, options);
  if (language === 'xpath') return compileXPathPredicate(source, options.namespaces);
  throw unknownLanguage(language, 'simple (non-XML conditions), xpath (XML conditions)');
}

/** Languages come from flow files, so a typo arrives here despite the types. */
function unknownLanguage(language: never, valid: string): UserError {
  return new UserError('CW_ERR_EXPRESSION', `Unknown expression language '${String(language)}'.`, {
    hint: `Use one of: ${valid}.`,
  });
}

/** Simple interpolation into text (addresses, file names); a source without "${" is a constant. */
export function compileTemplate(
  source: string,
  options: { namespaces?: NamespaceMap } = {},
): (exchange: Exchange) => string {
  return compileSimpleTemplate(source, options);
}
