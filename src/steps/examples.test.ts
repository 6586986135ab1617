import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Receiver } from '../adapters/adapter.spec.ts';
import { receiverAdapters, senderAdapters } from '../adapters/index.ts';
import { compileFlow } from '../flow/compiler.ts';
import { formatDiagnostic } from '../flow/diagnostic.ts';
import { detachedServices } from '../runtime/detached-services.ts';
import { stepErrors } from '../testing/run-steps.ts';
import { steps } from './index.ts';

// The examples in the specs are what the flow reference shows; each must compile as shown.

/** The files, receivers and local processes the examples name. */
const files = {
  'mappings/order-to-idoc.xsl':
    '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template match="/"><IDOC/></xsl:template></xsl:stylesheet>',
  'mappings/order.jsonata': '{ "id": order.id }',
  'scripts/enrich.js': 'function processData(message) { return message; }',
};
const receiver: Receiver = { name: 'any', adapter: 'test', call: async () => {} };
const receivers = { backend: receiver, audit: receiver };
const flow = 'localProcesses:\n  enrich: { steps: [] }\n  fetchPage: { steps: [] }\n';

describe('step examples', () => {
  for (const spec of steps) {
    it(`${spec.kind}: has examples, and each compiles`, () => {
      assert.ok((spec.examples ?? []).length > 0, `${spec.kind} has no examples`);
      for (const example of spec.examples ?? []) {
        const errors = stepErrors(example.yaml, { files, receivers, flow });
        assert.deepEqual(errors.map(formatDiagnostic), [], `${spec.kind} example '${example.title}'`);
      }
    });
  }
});

describe('adapter examples', () => {
  const compile = (text: string) =>
    compileFlow(text, { file: '/virtual/example.yaml', services: detachedServices() }).diagnostics.map(
      formatDiagnostic,
    );
  const indent = (yaml: string) =>
    yaml
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n');

  for (const spec of senderAdapters) {
    it(`sender ${spec.kind}: has examples, and each compiles`, () => {
      assert.ok((spec.examples ?? []).length > 0, `${spec.kind} has no examples`);
      for (const example of spec.examples ?? []) {
        assert.deepEqual(compile(`id: example\n${example.yaml.trim()}\nsteps: []\n`), [], example.title);
      }
    });
  }
  for (const spec of receiverAdapters) {
    it(`receiver ${spec.kind}: has examples, and each compiles`, () => {
      assert.ok((spec.examples ?? []).length > 0, `${spec.kind} has no examples`);
      for (const example of spec.examples ?? []) {
        assert.deepEqual(
          compile(`id: example\nreceivers:\n${indent(example.yaml.trim())}\nsteps: []\n`),
          [],
          example.title,
        );
      }
    });
  }
});
