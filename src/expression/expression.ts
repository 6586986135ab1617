import type { Exchange } from '../engine/exchange.ts';

/** The languages an option can be written in. `simple` is Camel Simple as CPI uses it. */
export type ExpressionLanguage = 'simple' | 'xpath' | 'jsonpath' | 'jsonata';

/** Namespace prefix → URI, for XPath (CPI's Namespace Mapping runtime configuration). */
export type NamespaceMap = Readonly<Record<string, string>>;

/** XPath result types, as CPI names them for the Content Modifier and the Filter. */
export type XPathResultType = 'string' | 'number' | 'boolean' | 'node' | 'nodelist';

/** An expression compiled once at deploy time, evaluated per message without parsing again. */
export interface Expression {
  readonly language: ExpressionLanguage;
  readonly source: string;
  /** The value; a JSONata expression returns a promise, every other language a plain value. */
  evaluate(exchange: Exchange): unknown;
}

/** A condition (Router, Looping Process Call), evaluated synchronously. */
export interface Predicate {
  readonly language: 'simple' | 'xpath';
  readonly source: string;
  test(exchange: Exchange): boolean;
}
