import { Type } from '../../flow/schema-builder.ts';
import { defineStep } from '../step.spec.ts';
import {
  assertWellFormedXml,
  checkElementName,
  conversionError,
  fastXmlParser,
  NameOption,
  stepLabel,
} from './conversion.ts';
import { CsvDialect, cellText, writeCsv } from './csv.ts';

export const xmlToCsv = defineStep({
  kind: 'xmlToCsv',
  title: 'XML to CSV Converter',
  description:
    'Converts an XML body to CSV: every `recordElement` (the first level of the document where elements of ' +
    'that name occur) becomes a line, its child elements the fields, in the order they first appear. CPI ' +
    'names the records with a path into an XSD; Causeway takes the element name instead. Attributes are ' +
    'ignored; a field with child elements fails with CW_ERR_CONVERSION, as does malformed XML.',
  options: Type.Object(
    {
      name: NameOption,
      ...CsvDialect,
      header: Type.Boolean({ default: true, description: 'Write a first line with the field names.' }),
      recordElement: Type.String({
        default: 'record',
        description: 'Local name of the elements that are lines.',
      }),
    },
    { additionalProperties: false },
  ),
  examples: [
    { title: 'Orders to CSV', yaml: '- xmlToCsv:\n    recordElement: Order' },
    { title: 'Semicolons, no header line', yaml: "- xmlToCsv:\n    delimiter: ';'\n    header: false" },
  ],
  compile(options, ctx, path) {
    const step = stepLabel(options.name, path);
    const recordName = options.recordElement ?? 'record';
    // Records are found by local name: a prefix or a blank could never match.
    checkElementName(ctx, [...path, 'recordElement'], recordName);
    const parser = new (fastXmlParser().XMLParser)({
      ignoreAttributes: true,
      removeNSPrefix: true,
      parseTagValue: false,
      ignoreDeclaration: true,
      ignorePiTags: true,
      textNodeName: '#text',
      isArray: (name) => name === recordName,
    });
    return (exchange) => {
      const message = exchange.message;
      const text = message.body.text();
      assertWellFormedXml(text, step);
      const records = findRecords(parser.parse(text), recordName);
      const fields: string[] = [];
      const seen = new Set<string>();
      for (const record of records) {
        for (const key of Object.keys(record)) {
          if (key !== '#text' && !seen.has(key)) {
            seen.add(key);
            fields.push(key);
          }
        }
      }
      const rows = records.map((record, i) =>
        fields.map((field) => {
          const value = record[field];
          if (Array.isArray(value)) {
            throw conversionError(
              step,
              `record ${i + 1} has the field '${field}' ${value.length} times; a CSV line holds each field once.`,
              'Map the record to one element per field first, for example with an XSLT mapping.',
            );
          }
          return cellText(value, field, i + 1, step);
        }),
      );
      message.setBody(
        records.length === 0 ? '' : writeCsv(options.header === false ? undefined : fields, rows, options),
      );
      message.headers.set('Content-Type', 'text/csv');
    };
  },
});

/** The records at the shallowest level where elements of that name occur (breadth first). */
function findRecords(tree: unknown, name: string): Record<string, unknown>[] {
  let level: unknown[] = [tree];
  while (level.length > 0) {
    const next: unknown[] = [];
    for (const node of level) {
      if (node === null || typeof node !== 'object') continue;
      const found = (node as Record<string, unknown>)[name];
      if (Array.isArray(found))
        return found.map((r) => (r !== null && typeof r === 'object' ? r : {}) as Record<string, unknown>);
      for (const child of Object.values(node)) {
        if (Array.isArray(child)) next.push(...child);
        else next.push(child);
      }
    }
    level = next;
  }
  return [];
}
