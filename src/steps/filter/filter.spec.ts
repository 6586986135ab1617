import type * as JsonPathPlus from 'jsonpath-plus';
import type { Exchange } from '../../engine/exchange.ts';
import { lazyModule } from '../../engine/lazy-module.ts';
import { UserError } from '../../errors.ts';
import { evaluationError } from '../../expression/errors.ts';
import { formatPath } from '../../flow/path.ts';
import { Type } from '../../flow/schema-builder.ts';
import { valueType } from '../content-modifier/java-types.ts';
import { defineStep } from '../step.spec.ts';
import { xpathResultToValue } from './xpath-result.ts';

const jsonpathPlus = lazyModule<typeof JsonPathPlus>('jsonpath-plus');

export const filterSpec = defineStep({
  kind: 'filter',
  title: 'Filter',
  description:
    'Replaces the body with what an XPath finds in it (CPI’s Filter is a content extractor: it does not ' +
    'drop messages). `jsonpath` instead of `xpath` does the same for JSON bodies (a Causeway extension).',
  options: Type.Object(
    {
      name: Type.Optional(Type.String({ description: 'Label shown in the message processing log' })),
      xpath: Type.Optional(Type.String({ minLength: 1, description: 'XPath selecting what to keep.' })),
      jsonpath: Type.Optional(
        Type.String({ minLength: 1, description: 'JSONPath selecting what to keep (instead of `xpath`).' }),
      ),
      valueType: Type.Optional(
        Type.Union(
          [
            Type.Literal('string'),
            Type.Literal('integer'),
            Type.Literal('boolean'),
            Type.Literal('node'),
            Type.Literal('nodelist'),
          ],
          {
            default: 'nodelist',
            description:
              'Value type of the result: string, integer, boolean, node (the first match) or nodelist ' +
              '(every match, one after another; for JSON an array).',
          },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  examples: [
    {
      title: 'Keep only the order items',
      yaml: `- filter:
    name: Items only
    xpath: /Order/Items/Item
    valueType: nodelist
`,
    },
    {
      title: 'Count the items of a JSON order',
      yaml: `- filter:
    jsonpath: $.items.length
    valueType: integer
`,
    },
  ],
  compile(options, ctx, path) {
    const label = options.name ?? formatPath(path);
    const kind = options.valueType ?? 'nodelist';
    if ((options.xpath === undefined) === (options.jsonpath === undefined)) {
      ctx.error(
        path,
        options.xpath === undefined
          ? 'the filter needs an `xpath` (or a `jsonpath`)'
          : 'the filter takes `xpath` or `jsonpath`, not both',
        'Give exactly one of `xpath` and `jsonpath`.',
      );
      return () => {};
    }
    const type = valueType(kind)!;
    const fail = (source: string, result: unknown): never => {
      throw new UserError(
        'CW_ERR_STEP',
        `Filter "${label}": "${source}" gave ${typeof result === 'string' ? JSON.stringify(result) : String(result)}, which is not of value type ${kind}.`,
        { hint: 'Check the message content, or choose another `valueType`.' },
      );
    };
    if (options.xpath !== undefined) {
      const source = options.xpath;
      const expression = ctx.expression(source, [...path, 'xpath'], 'xpath', {
        resultType: type.xpathResult,
      });
      return (exchange) => {
        const result = xpathResultToValue(expression.evaluate(exchange));
        if (kind === 'node' || kind === 'nodelist') return exchange.message.setBody(result ?? '');
        const value = type.convert(result);
        exchange.message.setBody(value === undefined ? fail(source, result) : String(value));
      };
    }
    const source = options.jsonpath!;
    // Checked by the JSONPath language; evaluated here with every match kept, even a single one,
    // so that a nodelist is always an array.
    ctx.expression(source, [...path, 'jsonpath'], 'jsonpath');
    return (exchange) => {
      const matches = allMatches(source, exchange);
      if (kind === 'nodelist') return exchange.message.setBody(matches);
      if (kind === 'node') return exchange.message.setBody(matches[0] ?? '');
      const value = type.convert(matches[0] ?? '');
      exchange.message.setBody(value === undefined ? fail(source, matches[0]) : String(value));
    };
  },
});

/** Every match of the JSONPath; a body that is not JSON fails naming the expression, as XPath does. */
function allMatches(source: string, exchange: Exchange): unknown[] {
  try {
    const json = exchange.message.body.json() as object;
    return jsonpathPlus().JSONPath({ path: source, json, wrap: true, eval: 'safe' });
  } catch (error) {
    throw evaluationError('jsonpath', source, error);
  }
}
