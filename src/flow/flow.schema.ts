import type { Static } from '@sinclair/typebox';
import { StepList } from '../steps/step.spec.ts';
import { Type } from './schema-builder.ts';

/**
 * The shape of a flow file, apart from what each step and adapter declares in its own spec. Step
 * options and adapter options are validated by those specs; the JSON Schema generator combines all.
 */
export const ParameterSchema = Type.Object(
  {
    default: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const AdapterConfig = Type.Object(
  { adapter: Type.String({ description: 'The adapter kind, e.g. https, http, timer, processDirect' }) },
  { additionalProperties: true },
);

export const FlowSchema = Type.Object(
  {
    id: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
      description: 'Unique id of the flow in a runtime (letters, digits, ".", "_", "-")',
    }),
    name: Type.Optional(Type.String({ description: 'Display name' })),
    version: Type.Optional(Type.String({ description: 'Version, e.g. 1.0.0' })),
    description: Type.Optional(Type.String()),
    logLevel: Type.Optional(
      Type.Union(
        ['NONE', 'INFO', 'ERROR', 'DEBUG', 'TRACE'].map((l) => Type.Literal(l)),
        { description: 'Message processing log level (default INFO)' },
      ),
    ),
    parameters: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }), ParameterSchema, {
        description:
          'Externalized parameters: {{name}} in any option takes the value set at deployment or this default',
      }),
    ),
    namespaces: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: 'XPath namespace prefixes (prefix: URI)' }),
    ),
    sender: Type.Optional(AdapterConfig),
    receivers: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }), AdapterConfig)),
    steps: StepList({ description: 'The integration process: steps run in order' }),
    localProcesses: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }),
        Type.Object(
          { description: Type.Optional(Type.String()), steps: StepList() },
          { additionalProperties: false },
        ),
        { description: 'Local integration processes, called by processCall and loopingProcessCall' },
      ),
    ),
    exceptionSubprocess: Type.Optional(
      Type.Object(
        { steps: StepList({ description: 'Runs when a step fails; ${exception.message} holds the error' }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type FlowModel = Static<typeof FlowSchema>;
