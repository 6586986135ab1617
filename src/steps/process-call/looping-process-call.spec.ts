import { UserError } from '../../errors.ts';
import { Type } from '../../flow/schema-builder.ts';
import { defineStep } from '../step.spec.ts';

export const loopingProcessCall = defineStep({
  kind: 'loopingProcessCall',
  title: 'Looping Process Call',
  description:
    'Runs a local integration process again and again while a condition holds (checked after each run, as CPI does), at most `maxIterations` times.',
  options: Type.Object(
    {
      name: Type.Optional(Type.String({ description: 'Label shown in the message processing log' })),
      process: Type.String({ description: 'Name of the local integration process to run' }),
      condition: Type.String({ description: 'Simple or XPath condition; the loop goes on while it is true' }),
      language: Type.Union([Type.Literal('simple'), Type.Literal('xpath')], { default: 'simple' }),
      maxIterations: Type.Integer({
        minimum: 1,
        maximum: 10000,
        default: 10,
        description: 'Upper bound of runs',
      }),
      onLimit: Type.Union([Type.Literal('exit'), Type.Literal('error')], {
        default: 'error',
        description: 'At the limit with the condition still true: continue with the next step, or fail',
      }),
    },
    { additionalProperties: false },
  ),
  examples: [
    {
      title: 'Page through an API',
      yaml: '- loopingProcessCall:\n    process: fetchPage\n    condition: "${property.hasMore} = \'true\'"\n    maxIterations: 100',
    },
  ],
  compile(options, ctx, path) {
    const process = ctx.localProcess(options.process, [...path, 'process']);
    const condition = ctx.predicate(options.condition, [...path, 'condition'], options.language);
    return async (exchange) => {
      if (!process) return;
      for (let i = 1; ; i++) {
        // A process of one step runs it without the check between steps: a cancelled message stops here.
        exchange.signal?.throwIfAborted();
        exchange.properties.set('CamelLoopIndex', i - 1);
        const pending = process(exchange);
        if (pending) await pending;
        if (exchange.stopped || !condition.test(exchange)) return;
        if (i >= options.maxIterations) {
          if (options.onLimit === 'exit') return;
          throw new UserError(
            'CW_ERR_LOOP_LIMIT',
            `Looping process call '${options.process}' reached ${options.maxIterations} iterations with its condition still true (${options.condition}).`,
            { hint: 'Raise maxIterations, check the condition, or set onLimit: exit.' },
          );
        }
      }
    };
  },
});
