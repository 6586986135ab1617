import { Type } from '../../flow/schema-builder.ts';
import { defineStep } from '../step.spec.ts';
import {
  checkElementName,
  conversionError,
  escapeXml,
  isXmlName,
  NameOption,
  stepLabel,
} from './conversion.ts';
import { CsvDialect, parseCsv } from './csv.ts';

export const csvToXml = defineStep({
  kind: 'csvToXml',
  title: 'CSV to XML Converter',
  description:
    'Converts a CSV body to XML: one `recordElement` per line inside `rootElement`, one child element per ' +
    'field, named from the header line (or `field1`, `field2`, … without one). CPI describes the XML side ' +
    'with an XSD and a path into it; Causeway takes the element names instead. Malformed CSV fails with ' +
    'CW_ERR_CONVERSION and the line.',
  options: Type.Object(
    {
      name: NameOption,
      ...CsvDialect,
      rootElement: Type.String({ default: 'root', description: 'Name of the document element.' }),
      recordElement: Type.String({
        default: 'record',
        description: 'Name of the element for each CSV line.',
      }),
      xmlDeclaration: Type.Boolean({
        default: true,
        description: 'Start the output with an XML declaration.',
      }),
    },
    { additionalProperties: false },
  ),
  examples: [
    {
      title: 'Header line names the fields',
      yaml: '- csvToXml:\n    rootElement: Orders\n    recordElement: Order',
    },
    { title: 'Semicolons, no header', yaml: "- csvToXml:\n    delimiter: ';'\n    header: false" },
  ],
  compile(options, ctx, path) {
    const step = stepLabel(options.name, path);
    const root = options.rootElement ?? 'root';
    const record = options.recordElement ?? 'record';
    checkElementName(ctx, [...path, 'rootElement'], root);
    checkElementName(ctx, [...path, 'recordElement'], record);
    const declaration = options.xmlDeclaration === false ? '' : '<?xml version="1.0" encoding="UTF-8"?>';
    return (exchange) => {
      const message = exchange.message;
      const { fields, rows } = parseCsv(message.body.text(), options, step);
      for (const field of fields) {
        if (!isXmlName(field)) {
          throw conversionError(
            step,
            `the CSV field name '${field}' is not a valid XML element name.`,
            'Rename the column in the header line, or set header: false to name the fields field1, field2, ….',
          );
        }
      }
      const parts = [declaration, `<${root}>`];
      for (const row of rows) {
        parts.push(`<${record}>`);
        row.forEach((value, i) => {
          const field = fields[i] ?? `field${i + 1}`;
          parts.push(`<${field}>${escapeXml(value)}</${field}>`);
        });
        parts.push(`</${record}>`);
      }
      parts.push(`</${root}>`);
      message.setBody(parts.join(''));
      message.headers.set('Content-Type', 'application/xml');
    };
  },
});
