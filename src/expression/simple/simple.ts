import type { Exchange } from '../../engine/exchange.ts';
import { evaluationError } from '../errors.ts';
import type { Expression, NamespaceMap, Predicate } from '../expression.ts';
import { predicateTest, templateGetter, textGetter } from './evaluator.ts';
import { parsePredicate, parseTemplate } from './parser.ts';

/** Camel Simple as CPI uses it: parsed and turned into closures here, once. */

export interface SimpleOptions {
  namespaces?: NamespaceMap;
}

/** A value: one `${…}` alone gives the raw value (a number stays a number); mixed text gives text. */
export function compileSimpleExpression(source: string, options: SimpleOptions = {}): Expression {
  const get = templateGetter(parseTemplate({ source, namespaces: options.namespaces }));
  return {
    language: 'simple',
    source,
    evaluate(exchange: Exchange): unknown {
      try {
        return get(exchange);
      } catch (error) {
        throw evaluationError('simple', source, error);
      }
    },
  };
}

/** Text with `${…}` interpolated; a source without functions becomes a constant function. */
export function compileSimpleTemplate(
  source: string,
  options: SimpleOptions = {},
): (exchange: Exchange) => string {
  if (!source.includes('${')) return () => source;
  const get = textGetter(parseTemplate({ source, namespaces: options.namespaces }));
  return (exchange) => {
    try {
      return get(exchange);
    } catch (error) {
      throw evaluationError('simple', source, error);
    }
  };
}

export function compileSimplePredicate(source: string, options: SimpleOptions = {}): Predicate {
  const test = predicateTest(parsePredicate({ source, namespaces: options.namespaces }), source);
  return {
    language: 'simple',
    source,
    test(exchange: Exchange): boolean {
      try {
        return test(exchange);
      } catch (error) {
        throw evaluationError('simple', source, error);
      }
    },
  };
}
