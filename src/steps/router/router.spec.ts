// biome-ignore-all lint/suspicious/noTemplateCurlyInString: descriptions and hints show Simple syntax, which uses ${…}

import type { Processor } from '../../engine/processor.ts';
import { UserError } from '../../errors.ts';
import { formatPath } from '../../flow/path.ts';
import { Type } from '../../flow/schema-builder.ts';
import { defineStep, StepList } from '../step.spec.ts';

const Route = Type.Object(
  {
    name: Type.Optional(Type.String({ description: 'Name of the route, shown in errors and the log.' })),
    condition: Type.String({
      minLength: 1,
      description: "The condition, e.g. `${header.type} = 'order'` (Simple) or `/Order/Total > 100` (XPath).",
    }),
    language: Type.Optional(
      Type.Union([Type.Literal('simple'), Type.Literal('xpath')], {
        default: 'simple',
        description: 'Condition language: simple (CPI’s Non-XML) or xpath (CPI’s XML).',
      }),
    ),
    steps: StepList({ description: 'Steps run when the condition holds.' }),
  },
  { additionalProperties: false },
);

interface CompiledRoute {
  name: string;
  source: string;
  test(exchange: Parameters<Processor>[0]): boolean;
  run: Processor;
}

export const routerSpec = defineStep({
  kind: 'router',
  title: 'Router',
  description:
    'Runs the steps of the first route whose condition holds, then goes on with the step after the ' +
    'router. Without a match it runs the default route, or fails when there is none (CPI’s ' +
    '“Throw Exception”).',
  options: Type.Object(
    {
      name: Type.Optional(Type.String({ description: 'Label shown in the message processing log' })),
      routes: Type.Array(Route, {
        minItems: 1,
        description: 'Routes, tried in order; the first match wins.',
      }),
      default: Type.Optional(
        Type.Object(
          {
            name: Type.Optional(Type.String({ description: 'Name of the default route.' })),
            steps: StepList({ description: 'Steps run when no condition holds.' }),
          },
          { additionalProperties: false, description: 'The route taken when no condition holds.' },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  examples: [
    {
      title: 'Route big orders to approval, the rest straight on',
      yaml: `- router:
    name: Order size
    routes:
      - name: big
        condition: '\${property.total} > 1000'
        steps:
          - contentModifier: { headers: [{ name: approval, value: required }] }
    default:
      name: small
      steps:
        - contentModifier: { headers: [{ name: approval, value: none }] }
`,
    },
    {
      title: 'XPath conditions without a default: an unmatched message fails',
      yaml: `- router:
    routes:
      - name: order
        language: xpath
        condition: count(/Order) = 1
        steps: []
      - name: invoice
        language: xpath
        condition: count(/Invoice) = 1
        steps: []
`,
    },
  ],
  compile(options, ctx, path) {
    const label = options.name ?? formatPath(path);
    const routes: CompiledRoute[] = options.routes.map((route, i) => {
      const routePath = [...path, 'routes', i];
      const predicate = ctx.predicate(
        route.condition,
        [...routePath, 'condition'],
        route.language ?? 'simple',
      );
      return {
        name: route.name ?? `route ${i + 1}`,
        source: route.condition,
        test: (exchange) => predicate.test(exchange),
        run: ctx.steps(route.steps, [...routePath, 'steps']),
      };
    });
    const fallback = options.default
      ? ctx.steps(options.default.steps, [...path, 'default', 'steps'])
      : undefined;
    const tried = routes.map((r) => `${r.name}: ${r.source}`).join('; ');

    return (exchange) => {
      for (const route of routes) {
        if (route.test(exchange)) return route.run(exchange);
      }
      if (fallback) return fallback(exchange);
      throw new UserError(
        'CW_ERR_ROUTER_NO_ROUTE',
        `Router "${label}": no condition matched the message and there is no default route (tried ${tried}).`,
        { hint: 'Add a `default:` route to the router, or check the conditions against the message.' },
      );
    };
  },
});
