import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnostic } from '../../flow/diagnostic.ts';
import { stepErrors } from '../../testing/run-steps.ts';
import { decoder } from '../encoder/decoder.spec.ts';
import { encoder } from '../encoder/encoder.spec.ts';
import { jsonataMapping } from '../mapping/jsonata-mapping.spec.ts';
import { xsltMapping } from '../mapping/xslt-mapping.spec.ts';
import { messageDigest } from '../message-digest/message-digest.spec.ts';
import { script } from '../script/script.spec.ts';
import { csvToJson } from './csv-to-json.spec.ts';
import { csvToXml } from './csv-to-xml.spec.ts';
import { jsonToCsv } from './json-to-csv.spec.ts';
import { jsonToXml } from './json-to-xml.spec.ts';
import { xmlToCsv } from './xml-to-csv.spec.ts';
import { xmlToJson } from './xml-to-json.spec.ts';

// The files the examples name, so that each example compiles as the docs show it.
const files = {
  'mappings/order-to-idoc.xsl':
    '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template match="/"><IDOC/></xsl:template></xsl:stylesheet>',
  'mappings/order.jsonata': '{ "id": order.id }',
  'scripts/enrich.js': 'function processData(message) { return message; }',
};

const specs = [
  jsonToXml,
  xmlToJson,
  csvToXml,
  xmlToCsv,
  csvToJson,
  jsonToCsv,
  xsltMapping,
  jsonataMapping,
  script,
  encoder,
  decoder,
  messageDigest,
];

describe('transformation step examples', () => {
  for (const spec of specs) {
    it(`${spec.kind}: every example compiles`, () => {
      assert.ok((spec.examples ?? []).length > 0, `${spec.kind} has no examples`);
      for (const example of spec.examples ?? []) {
        const errors = stepErrors(example.yaml, { files });
        assert.deepEqual(errors.map(formatDiagnostic), [], `${spec.kind} example '${example.title}'`);
      }
    });
  }
});
