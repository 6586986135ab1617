import { UserError } from '../../errors.ts';
import { Type } from '../../flow/schema-builder.ts';
import { NameOption, stepLabel } from '../converters/conversion.ts';
import { defineStep } from '../step.spec.ts';

export const jsonataMapping = defineStep({
  kind: 'jsonataMapping',
  title: 'JSONata Mapping',
  description:
    'Maps a JSON body with a JSONata expression (https://jsonata.org), compiled once when the flow is ' +
    "deployed. CPI has no JSONata step; it is Causeway's counterpart of the Message Mapping for JSON. " +
    'The result replaces the body as JSON (a string result becomes a JSON string; no result gives an ' +
    'empty body) and Content-Type becomes application/json. Errors while evaluating fail with CW_ERR_MAPPING.',
  options: Type.Object(
    {
      name: NameOption,
      expression: Type.Optional(Type.String({ description: 'The JSONata expression inline.' })),
      file: Type.Optional(
        Type.String({ description: 'A file holding the expression, relative to the flow file.' }),
      ),
    },
    { additionalProperties: false },
  ),
  examples: [
    {
      title: 'Reshape an order',
      yaml: '- jsonataMapping:\n    expression: \'{ "id": order.id, "total": $sum(order.items.(price * qty)) }\'',
    },
    { title: 'Expression from a file', yaml: '- jsonataMapping:\n    file: mappings/order.jsonata' },
  ],
  compile(options, ctx, path) {
    const step = stepLabel(options.name, path);
    if ((options.expression === undefined) === (options.file === undefined)) {
      ctx.error(
        path,
        'A JSONata mapping needs exactly one of `expression` or `file`.',
        'Write the expression inline, or name a file.',
      );
      return () => {};
    }
    const where = options.file !== undefined ? [...path, 'file'] : [...path, 'expression'];
    const source = options.file !== undefined ? ctx.readFile(options.file, where) : options.expression;
    if (source === undefined) return () => {};
    const expression = ctx.expression(source, where, 'jsonata');

    return async (exchange) => {
      let result: unknown;
      try {
        result = await expression.evaluate(exchange);
      } catch (error) {
        if (error instanceof UserError && error.code === 'CW_ERR_CONVERSION') throw error;
        throw new UserError(
          'CW_ERR_MAPPING',
          `Step ${step}: the JSONata mapping failed: ${(error as Error).message}`,
          {
            cause: error,
            hint: 'Check that the message has the structure the expression expects.',
          },
        );
      }
      const message = exchange.message;
      // A string is written as JSON too, so that the body is always JSON.
      if (result === undefined) message.setBody('');
      else if (result === null) message.setBody('null');
      else if (typeof result === 'string') message.setBody(JSON.stringify(result));
      else message.setBody(result);
      message.headers.set('Content-Type', 'application/json');
    };
  },
});
