/**
 * The flow test file format: `orders.test.yaml` beside `orders.yaml`, run by `causeway test`.
 *
 * ```yaml
 * flow: orders.yaml                 # relative to this file; default: this file's name without .test
 * parameters: { backendUrl: http://mock }   # deployment values for the flow's {{parameters}}
 * flows: [enrich.yaml]              # other flows reachable over ProcessDirect (optional)
 * timeoutMs: 10000                  # a test whose message takes longer fails, and its message is
 *                                   #   cancelled: no further step runs (default 10000)
 * tests:
 *   - name: routes a big order to review
 *     input:
 *       body: { id: 1, total: 500 }  # a string is sent as is; any other value as JSON text
 *       bodyFile: fixtures/order.xml # or: the body from a file (relative to this file)
 *       headers: { Content-Type: application/json }
 *       properties: { x: 1 }
 *     receivers:                     # mocks, by receiver name; they replace the flow's receivers
 *       backend:
 *         reply: { status: 200, body: '<ok/>', headers: { Content-Type: application/xml } }
 *         # reply fields: body | bodyFile, headers, status (default 200; non-2xx fails the call as the
 *         #   HTTP receiver does), failure: 'text' (no answer at all: a connection error), delay (ms)
 *         # replies: [ {…}, {…} ]    one reply per call, in order; an extra call fails the test
 *     expect:                        # every key is optional
 *       status: COMPLETED            # the message status (default COMPLETED, or FAILED with `error`)
 *       body: '<exact/>'             # the exact text (trimmed, line endings normalized)
 *       bodyFile: fixtures/out.xml   # the exact text of a file
 *       bodyJson: { total: 500 }     # JSON subset: listed keys must match; arrays: same length
 *       bodyXml: '<a><b>1</b></a>'   # XML, ignoring whitespace between elements
 *       xpath: { /order/id: '1' }    # values compared as strings; prefixes from the flow's namespaces
 *       jsonpath: { $.total: 500 }   # values compared as JSON subsets
 *       headers: { x-processed: 'true', x-secret: null }   # compared as strings; null: absent
 *       properties: { total: 500 }   # likewise
 *       error: connection refused    # the error that ended the message contains this text
 *       receivers:                   # what the flow sent to its receivers (mocked or not)
 *         backend: { calls: 1, body: …, bodyJson: …, bodyXml: …, headers: { … } }   # the last call
 *         audit: { calls: 0 }        # never called
 *         # requests: [ { bodyJson: … }, … ]   checks each call in order
 * ```
 * A receiver the test does not mock fails the test when called (tests make no network calls), except
 * a ProcessDirect receiver whose consumer flow is listed under `flows:`.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import { Type } from '../../flow/schema-builder.ts';

const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
const ScalarOrAbsent = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()], {
  description: 'The value as a string; null means the entry must be absent',
});
const Name = Type.String({ pattern: '^[A-Za-z0-9_.-]+$' });
const strict = <T extends Record<string, TSchema>>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, description });

const bodyOptions = {
  body: Type.Optional(Type.Unknown({ description: 'A string is used as is; any other value as JSON text' })),
  bodyFile: Type.Optional(Type.String({ description: 'A file relative to the test file' })),
};

export const InputSchema = strict(
  {
    ...bodyOptions,
    headers: Type.Optional(Type.Record(Type.String(), Scalar, { description: 'Message headers' })),
    properties: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'Exchange properties' }),
    ),
  },
  'The message the flow receives',
);

export const ReplySchema = strict({
  ...bodyOptions,
  headers: Type.Optional(Type.Record(Type.String(), Scalar, { description: 'Reply headers' })),
  status: Type.Optional(
    Type.Integer({ minimum: 100, maximum: 599, description: 'HTTP status (default 200)' }),
  ),
  failure: Type.Optional(Type.String({ description: 'The call gets no answer and fails with this message' })),
  delay: Type.Optional(Type.Integer({ minimum: 0, description: 'Milliseconds before the reply' })),
});

export const MockSchema = strict(
  {
    reply: Type.Optional(ReplySchema),
    replies: Type.Optional(Type.Array(ReplySchema, { description: 'One reply per call, in order' })),
  },
  'A mocked receiver: reply (every call) or replies (one per call); {} replies 200 with an empty body',
);

const bodyChecks = {
  body: Type.Optional(Type.String({ description: 'The exact text (trimmed)' })),
  bodyJson: Type.Optional(Type.Unknown({ description: 'A JSON subset the body must contain' })),
  bodyXml: Type.Optional(Type.String({ description: 'XML, compared ignoring whitespace between elements' })),
  headers: Type.Optional(Type.Record(Type.String(), ScalarOrAbsent)),
};

export const RequestExpectSchema = strict(bodyChecks);

export const ReceiverExpectSchema = strict({
  calls: Type.Optional(Type.Integer({ minimum: 0, description: 'How often it was called; 0: never' })),
  ...bodyChecks,
  requests: Type.Optional(Type.Array(RequestExpectSchema, { description: 'Checks for each call, in order' })),
});

export const MESSAGE_STATUSES = ['COMPLETED', 'FAILED', 'ESCALATED', 'RETRY', 'DISCARDED'] as const;

export const ExpectSchema = strict({
  status: Type.Optional(Type.Union(MESSAGE_STATUSES.map((s) => Type.Literal(s)))),
  ...bodyChecks,
  bodyFile: Type.Optional(Type.String({ description: 'A file holding the exact expected text' })),
  xpath: Type.Optional(Type.Record(Type.String(), Scalar, { description: 'XPath → expected string value' })),
  jsonpath: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'JSONPath → value' })),
  properties: Type.Optional(Type.Record(Type.String(), ScalarOrAbsent)),
  error: Type.Optional(Type.String({ description: 'Text the error that ended the message contains' })),
  receivers: Type.Optional(Type.Record(Name, ReceiverExpectSchema)),
});

export const TestCaseSchema = strict({
  name: Type.String({ minLength: 1, description: 'What the test checks, shown in the output' }),
  input: Type.Optional(InputSchema),
  receivers: Type.Optional(Type.Record(Name, MockSchema, { description: 'Mocked receivers by name' })),
  expect: Type.Optional(ExpectSchema),
});

export const TestFileSchema = strict({
  flow: Type.Optional(Type.String({ description: 'The flow file, relative to the test file' })),
  parameters: Type.Optional(
    Type.Record(Type.String(), Scalar, { description: 'Deployment parameter values' }),
  ),
  flows: Type.Optional(Type.Array(Type.String(), { description: 'Other flows called over ProcessDirect' })),
  timeoutMs: Type.Optional(
    Type.Integer({
      minimum: 1,
      description: 'Time limit of one test; its message is cancelled when it passes (default 10000)',
    }),
  ),
  tests: Type.Array(TestCaseSchema, { description: 'The tests: name, input, receivers, expect' }),
});

export type TestFileModel = Static<typeof TestFileSchema>;
export type TestCaseModel = Static<typeof TestCaseSchema>;
export type InputModel = Static<typeof InputSchema>;
export type ReplyModel = Static<typeof ReplySchema>;
export type MockModel = Static<typeof MockSchema>;
export type ExpectModel = Static<typeof ExpectSchema>;
export type ReceiverExpectModel = Static<typeof ReceiverExpectSchema>;
export type RequestExpectModel = Static<typeof RequestExpectSchema>;

export const DEFAULT_TIMEOUT_MS = 10_000;
