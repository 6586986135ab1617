// biome-ignore-all lint/suspicious/noTemplateCurlyInString: descriptions and hints show Simple syntax, which uses ${…}
import type { Exchange } from '../../engine/exchange.ts';
import { UserError } from '../../errors.ts';
import type { Path } from '../../flow/path.ts';
import { formatPath } from '../../flow/path.ts';
import { xpathResultToValue } from '../filter/xpath-result.ts';
import type { CompileContext } from '../step.spec.ts';
import { VALUE_TYPE_NAMES, type ValueType, valueType } from './java-types.ts';

export const VALUE_SOURCES = [
  'constant',
  'header',
  'property',
  'xpath',
  'jsonpath',
  'jsonata',
  'expression',
  'parameter',
] as const;
export type ValueSource = (typeof VALUE_SOURCES)[number];

export interface ValueSpec {
  source?: ValueSource;
  value?: string | number | boolean;
  type?: string;
  default?: string | number | boolean;
}

/**
 * How one value is read per message. `async` is true only for JSONata, whose evaluation returns a
 * promise: a Content Modifier without JSONata stays synchronous and costs no promise per message.
 */
export interface ValueReader {
  async: boolean;
  read(exchange: Exchange): unknown;
}

/**
 * Compiles where a value comes from (CPI's Source Type and Source Value, Data Type and Default).
 * `what` names the target in messages, e.g. `header "orderId"`.
 */
export function compileValue(spec: ValueSpec, ctx: CompileContext, path: Path, what: string): ValueReader {
  const source = spec.source ?? 'constant';
  const type = compileType(spec.type, ctx, [...path, 'type']);
  const raw = spec.value;
  if (raw === undefined) {
    ctx.error([...path], `${what} has no \`value\``, valueHint(source));
    return { async: false, read: () => undefined };
  }
  if (source === 'constant' || source === 'parameter') {
    if (spec.default !== undefined) {
      ctx.error([...path, 'default'], `\`default\` has no effect with source ${source}`, 'Remove `default`.');
    }
    // A constant is converted once, here; a bad one is a flow error, not a message error.
    const value = type ? type.convert(raw) : raw;
    if (value === undefined && type) {
      ctx.error([...path, 'value'], `${what}: ${JSON.stringify(raw)} is not a ${type.name}`, typeHint());
    }
    return { async: false, read: () => value };
  }
  if (typeof raw !== 'string') {
    ctx.error(
      [...path, 'value'],
      `${what}: the value of source ${source} must be a string`,
      valueHint(source),
    );
    return { async: false, read: () => undefined };
  }
  const valuePath = [...path, 'value'];
  const fallback = spec.default;
  let async = false;
  let get: (exchange: Exchange) => unknown;
  switch (source) {
    case 'header':
      get = (exchange) => exchange.message.headers.get(raw);
      break;
    case 'property':
      get = (exchange) => exchange.properties.get(raw);
      break;
    case 'xpath': {
      const expression = ctx.expression(raw, valuePath, 'xpath', {
        resultType: type?.xpathResult ?? 'string',
      });
      get = (exchange) => xpathResultToValue(expression.evaluate(exchange));
      break;
    }
    case 'jsonata': {
      async = true;
      const expression = ctx.expression(raw, valuePath, 'jsonata');
      get = (exchange) => expression.evaluate(exchange);
      break;
    }
    default: {
      const expression = ctx.expression(raw, valuePath, source === 'expression' ? 'simple' : 'jsonpath');
      get = (exchange) => expression.evaluate(exchange);
    }
  }
  const finish = (value: unknown): unknown => {
    if (isMissing(value) && fallback !== undefined) value = fallback;
    if (!type || value === null || value === undefined) return value;
    const converted = type.convert(value);
    if (converted === undefined) {
      // JSON would show NaN (an XPath number of a text) as null.
      const shown = typeof value === 'number' ? String(value) : JSON.stringify(value);
      throw new UserError('CW_ERR_STEP', `${what}: ${shown} is not a ${type.name}.`, {
        hint: `Check the message content read by ${source} "${raw}" (${formatPath(path)}), or change \`type\`.`,
      });
    }
    return converted;
  };
  if (async) {
    return { async, read: async (exchange) => finish(await get(exchange)) };
  }
  return { async, read: (exchange) => finish(get(exchange)) };
}

function compileType(name: string | undefined, ctx: CompileContext, path: Path): ValueType | undefined {
  if (name === undefined) return undefined;
  const type = valueType(name);
  if (!type) ctx.error(path, `unknown type "${name}"`, typeHint());
  return type;
}

/** No value to speak of: CPI's Default applies when a header is absent or an XPath finds nothing. */
function isMissing(value: unknown): boolean {
  return (
    value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

function typeHint(): string {
  return `Use one of: ${VALUE_TYPE_NAMES.join(', ')}.`;
}

function valueHint(source: ValueSource): string {
  switch (source) {
    case 'header':
    case 'property':
      return `Set \`value\` to the name of the ${source} to copy.`;
    case 'xpath':
      return 'Set `value` to an XPath, e.g. `/Order/@id`.';
    case 'jsonpath':
      return 'Set `value` to a JSONPath, e.g. `$.order.id`.';
    case 'jsonata':
      return 'Set `value` to a JSONata expression, e.g. `order.id`.';
    case 'expression':
      return 'Set `value` to a Simple expression, e.g. `${header.id}`.';
    default:
      return 'Set `value` to the text to use.';
  }
}
