import type * as XmlDom from '@xmldom/xmldom';
import type { Exchange } from '../engine/exchange.ts';
import { lazyModule } from '../engine/lazy-module.ts';
import { ExpressionSyntaxError, evaluationError } from './errors.ts';
import type { Expression, NamespaceMap, Predicate, XPathResultType } from './expression.ts';

/** What `xpath.parse` returns; the package's typings do not declare it. */
interface ParsedXPath {
  evaluate(options: EvaluateOptions): unknown;
  evaluateString(options: EvaluateOptions): string;
  evaluateNumber(options: EvaluateOptions): number;
  evaluateBoolean(options: EvaluateOptions): boolean;
  select(options: EvaluateOptions): XmlNode[];
}
interface EvaluateOptions {
  node: unknown;
  namespaces: NamespaceMap;
}
interface XmlNode {
  nodeType: number;
  nodeValue: string | null;
}
interface XPathParserClass {
  new (): { tokenize(source: string): [number[], string[]] };
  actionTable: string[];
  actionTableNumber: string[];
  gotoTable: string[];
  productions: Array<[number, number]>;
}
interface XPathLibrary {
  parse(source: string): ParsedXPath;
  XPathParser: XPathParserClass;
}
/** Loaded by the first flow with an XPath, so that a runtime without XML holds no XML library. */
const lib = lazyModule<XPathLibrary>('xpath');
const xmldom = lazyModule<typeof XmlDom>('@xmldom/xmldom');

const QNAME = 18;
const FUNCTION_NAME = 13;
const PREFIX_WILDCARD = 19;
const SYNTAX_HINT =
  "Write an XPath 1.0 expression, for example /ns0:Order/Total or count(//Item) > 2 (string literals in '…').";

export interface XPathOptions {
  namespaces?: NamespaceMap;
  resultType?: XPathResultType;
}

/** Parses once; each evaluation runs the parsed expression against the body's (cached) XML document. */
export function compileXPath(source: string, options: XPathOptions = {}): Expression {
  const namespaces = options.namespaces ?? {};
  const parsed = parse(source, namespaces);
  const run = resultReader(options.resultType ?? 'string', parsed);
  return {
    language: 'xpath',
    source,
    evaluate(exchange: Exchange): unknown {
      try {
        return run({ node: exchange.message.body.xml(), namespaces });
      } catch (error) {
        throw evaluationError('xpath', source, error);
      }
    },
  };
}

export function compileXPathPredicate(source: string, namespaces: NamespaceMap = {}): Predicate {
  const parsed = parse(source, namespaces);
  return {
    language: 'xpath',
    source,
    test(exchange: Exchange): boolean {
      try {
        return parsed.evaluateBoolean({ node: exchange.message.body.xml(), namespaces });
      } catch (error) {
        throw evaluationError('xpath', source, error);
      }
    },
  };
}

function resultReader(type: XPathResultType, parsed: ParsedXPath): (options: EvaluateOptions) => unknown {
  switch (type) {
    case 'string':
      return (o) => parsed.evaluateString(o);
    case 'number':
      return (o) => parsed.evaluateNumber(o);
    case 'boolean':
      return (o) => parsed.evaluateBoolean(o);
    case 'node':
      return (o) => {
        const [first] = parsed.select(o);
        return first === undefined ? undefined : serialize(first);
      };
    case 'nodelist':
      return (o) => parsed.select(o).map(serialize);
  }
}

/** Elements as XML text; attributes and text nodes as their value, as CPI's Filter returns them. */
function serialize(node: XmlNode): string {
  if (node.nodeType === 2 || node.nodeType === 3 || node.nodeType === 4) return node.nodeValue ?? '';
  return new (xmldom().XMLSerializer)().serializeToString(node as never);
}

function parse(source: string, namespaces: NamespaceMap): ParsedXPath {
  if (source.trim() === '') {
    throw new ExpressionSyntaxError('xpath', source, 0, 'the expression is empty', SYNTAX_HINT);
  }
  let tokens: [number[], string[]];
  try {
    tokens = new (lib().XPathParser)().tokenize(source);
  } catch (error) {
    const char = /Unexpected character (.)/.exec((error as Error).message)?.[1];
    const offset = char === undefined ? 0 : Math.max(0, source.indexOf(char));
    throw new ExpressionSyntaxError('xpath', source, offset, `unexpected character '${char}'`, SYNTAX_HINT);
  }
  const positions = tokenPositions(source, tokens[1]);
  const bad = failingToken(tokens[0]);
  if (bad >= 0) {
    const token = tokens[1][bad];
    const what = token === '[EOF]' ? 'the expression ends too early' : `unexpected '${token}'`;
    throw new ExpressionSyntaxError('xpath', source, positions[bad], what, SYNTAX_HINT);
  }
  checkPrefixes(source, tokens, positions, namespaces);
  return lib().parse(source);
}

/** An unknown prefix fails only when a node is tested, maybe never in tests: reject it at deploy time. */
function checkPrefixes(
  source: string,
  [types, values]: [number[], string[]],
  at: number[],
  namespaces: NamespaceMap,
): void {
  for (let i = 0; i < types.length; i++) {
    if (types[i] !== QNAME && types[i] !== FUNCTION_NAME && types[i] !== PREFIX_WILDCARD) continue;
    const colon = values[i].indexOf(':');
    if (colon < 0) continue;
    const prefix = values[i].slice(0, colon);
    if (!Object.hasOwn(namespaces, prefix)) {
      const known = Object.keys(namespaces);
      throw new ExpressionSyntaxError(
        'xpath',
        source,
        at[i],
        `namespace prefix '${prefix}' is not mapped`,
        `Map it in the flow's namespaces (for example ${prefix}: 'urn:…')${known.length ? `; mapped now: ${known.join(', ')}` : ''}.`,
      );
    }
  }
}

/**
 * Runs the package's own LR tables to find the token where parsing fails; the package only says
 * "XPath parse error", and a user needs to know where.
 */
function failingToken(types: number[]): number {
  const P = lib().XPathParser;
  const states = [0];
  let pos = 0;
  let type = types[pos++];
  for (;;) {
    const state = states[states.length - 1];
    const action = P.actionTable[state].charAt(type - 1);
    const target = P.actionTableNumber[state].charCodeAt(type - 1) - 32;
    if (action === 's') {
      states.push(target);
      type = types[pos++];
    } else if (action === 'r') {
      const [symbol, length] = P.productions[target];
      states.length -= length;
      states.push(P.gotoTable[states[states.length - 1]].charCodeAt(symbol - 2) - 33);
    } else {
      return action === 'a' ? -1 : pos - 1;
    }
  }
}

/** The tokenizer drops positions; tokens are substrings in order, so find them again left to right. */
function tokenPositions(source: string, values: string[]): number[] {
  let cursor = 0;
  return values.map((value) => {
    const found = value === '[EOF]' ? -1 : source.indexOf(value, cursor);
    if (found < 0) return value === '[EOF]' ? source.length : cursor;
    cursor = found + value.length;
    return found;
  });
}
