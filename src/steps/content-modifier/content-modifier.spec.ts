// biome-ignore-all lint/suspicious/noTemplateCurlyInString: descriptions and hints show Simple syntax, which uses ${…}
import { Type } from '../../flow/schema-builder.ts';
import { defineStep } from '../step.spec.ts';
import { compileContentModifier } from './content-modifier.ts';
import { VALUE_SOURCES } from './value-source.ts';

const SOURCE_DESCRIPTION =
  'Where the value comes from: constant (the text itself), header or property (the one named in `value`), ' +
  'xpath, jsonpath, jsonata, expression (Simple, with `${...}`), or parameter (an externalized parameter, ' +
  'already put in place by `{{name}}`).';

const literals = <T extends string>(values: readonly T[]) => values.map((v) => Type.Literal(v));

const ValueFields = {
  value: Type.Optional(
    Type.Union([Type.String(), Type.Number(), Type.Boolean()], {
      description: 'The constant, the name of the header or property, or the expression to evaluate.',
    }),
  ),
  type: Type.Optional(
    Type.String({
      description:
        'Data type of the value: java.lang.String, java.lang.Integer, java.lang.Long, java.lang.Double, ' +
        'java.lang.Boolean, java.math.BigDecimal, org.w3c.dom.Node, org.w3c.dom.NodeList (or string, ' +
        'integer, number, boolean, node, nodelist). For XPath it is also the result type asked for.',
    }),
  ),
  default: Type.Optional(
    Type.Union([Type.String(), Type.Number(), Type.Boolean()], {
      description: 'Used when the header or property is absent or the expression finds nothing.',
    }),
  ),
};

const Entry = Type.Object(
  {
    action: Type.Optional(
      Type.Union([Type.Literal('create'), Type.Literal('delete')], {
        default: 'create',
        description:
          'Create (or overwrite) the entry, or delete it. A delete name may use `*` as a wildcard.',
      }),
    ),
    name: Type.String({ minLength: 1, description: 'Name of the header or exchange property.' }),
    source: Type.Optional(
      Type.Union(literals(VALUE_SOURCES), { default: 'constant', description: SOURCE_DESCRIPTION }),
    ),
    ...ValueFields,
  },
  { additionalProperties: false },
);

const BODY_SOURCES = [
  'constant',
  'expression',
  'header',
  'property',
  'xpath',
  'jsonpath',
  'jsonata',
] as const;

export const contentModifierSpec = defineStep({
  kind: 'contentModifier',
  title: 'Content Modifier',
  description:
    'Creates or deletes message headers and exchange properties and sets the message body. Headers are ' +
    'changed first, then properties, then the body, each list in the order written.',
  options: Type.Object(
    {
      name: Type.Optional(Type.String({ description: 'Label shown in the message processing log' })),
      headers: Type.Optional(
        Type.Array(Entry, { description: 'Message headers to create or delete (they travel to receivers).' }),
      ),
      properties: Type.Optional(
        Type.Array(Entry, {
          description: 'Exchange properties to create or delete (they stay in the flow).',
        }),
      ),
      body: Type.Optional(
        Type.Object(
          {
            source: Type.Optional(
              Type.Union(literals(BODY_SOURCES), { default: 'expression', description: SOURCE_DESCRIPTION }),
            ),
            ...ValueFields,
            contentType: Type.Optional(
              Type.String({ description: 'Sets the Content-Type header along with the body.' }),
            ),
          },
          { additionalProperties: false, description: 'The new message body.' },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  examples: [
    {
      title: 'Read an order id from JSON and keep the total as a number',
      yaml: `- contentModifier:
    name: Set order id
    headers:
      - { action: create, name: orderId, source: jsonpath, value: '$.id' }
      - { action: delete, name: 'Authorization' }
    properties:
      - { name: total, source: jsonpath, value: '$.total', type: java.lang.Double, default: 0 }
`,
    },
    {
      title: 'Build an XML body from headers and an XPath value',
      yaml: `- contentModifier:
    headers:
      - { name: customer, source: xpath, value: '/Order/Customer/text()', type: java.lang.String }
    body:
      source: expression
      contentType: application/xml
      value: |
        <Ack><Customer>\${header.customer}</Customer></Ack>
`,
    },
    {
      title: 'Remove every header set by the sender',
      yaml: `- contentModifier:
    headers:
      - { action: delete, name: '*' }
`,
    },
  ],
  compile: (options, ctx, path) => compileContentModifier(options, ctx, path),
});
