import type { Exchange } from '../../engine/exchange.ts';
import { formatPath } from '../../flow/path.ts';
import { Type } from '../../flow/schema-builder.ts';
import { compileGather, GatherOptions } from '../gather/gather.options.ts';
import { partError } from '../splitter/part-error.ts';
import { defineStep, StepList } from '../step.spec.ts';

const Branch = Type.Object(
  {
    name: Type.Optional(Type.String({ description: 'Name of the branch, shown in errors.' })),
    steps: StepList({ description: 'Steps run on this branch’s copy of the message.' }),
  },
  { additionalProperties: false },
);

export const multicastSpec = defineStep({
  kind: 'multicast',
  title: 'Multicast',
  description:
    'Sends a copy of the message down every branch, one after another (sequential, in order) or at the ' +
    'same time (parallel). With `join`, the branch results are merged into the new body (CPI’s Join and ' +
    'Gather); without, the original message goes on. A failing branch fails the multicast.',
  options: Type.Object(
    {
      name: Type.Optional(Type.String({ description: 'Label shown in the message processing log' })),
      mode: Type.Optional(
        Type.Union([Type.Literal('sequential'), Type.Literal('parallel')], {
          default: 'sequential',
          description: 'sequential: branches run in the order written; parallel: all at once.',
        }),
      ),
      branches: Type.Array(Branch, { minItems: 1, description: 'The branches; each gets its own copy.' }),
      join: Type.Optional(GatherOptions),
    },
    { additionalProperties: false },
  ),
  examples: [
    {
      title: 'Ask two systems at once and combine their answers',
      yaml: `- multicast:
    name: Enrich
    mode: parallel
    branches:
      - name: customer
        steps:
          - contentModifier: { body: { value: '<Customer id="\${header.customerId}"/>' } }
      - name: stock
        steps:
          - contentModifier: { body: { value: '<Stock sku="\${header.sku}"/>' } }
    join: { strategy: combine }
`,
    },
    {
      title: 'Notify, then archive, and go on with the original message',
      yaml: `- multicast:
    branches:
      - name: notify
        steps: []
      - name: archive
        steps: []
`,
    },
  ],
  compile(options, ctx, path) {
    const label = options.name ?? formatPath(path);
    const branches = options.branches.map((branch, i) => ({
      name: branch.name ?? `branch ${i + 1}`,
      run: ctx.steps(branch.steps, [...path, 'branches', i, 'steps']),
    }));
    const join =
      options.join &&
      compileGather(options.join, ctx, [...path, 'join'], {
        format: 'different',
        where: `Multicast "${label}"`,
      });
    const failed = (name: string, error: unknown) =>
      partError(error, `Multicast "${label}", branch "${name}"`);
    // Each branch gets a body of its own over the same bytes: a parsed JSON or XML body is cached in
    // the Body, and a branch changing it in place must not change the others or the original.
    const branchOf = (exchange: Exchange) => exchange.fork(exchange.message.body.buffer());

    // A receiver in a branch may have left a streamed reply; the join reads each one whole.
    const joined = async (forks: Exchange[]) => {
      for (const fork of forks) await fork.message.body.materialize();
      return join!(forks);
    };

    if (options.mode === 'parallel') {
      return async (exchange) => {
        const forks = branches.map(() => branchOf(exchange));
        // Every branch is let finish before failing, so none is left running after the multicast.
        const results = await Promise.allSettled(branches.map(async (b, i) => b.run(forks[i])));
        const rejected = results.findIndex((r) => r.status === 'rejected');
        if (rejected >= 0) {
          throw failed(branches[rejected].name, (results[rejected] as PromiseRejectedResult).reason);
        }
        if (join) exchange.message.setBody(await joined(forks));
      };
    }
    return async (exchange) => {
      const forks: Exchange[] = [];
      for (const branch of branches) {
        const fork = branchOf(exchange);
        try {
          await branch.run(fork);
        } catch (error) {
          throw failed(branch.name, error);
        }
        forks.push(fork);
      }
      if (join) exchange.message.setBody(await joined(forks));
    };
  },
});
