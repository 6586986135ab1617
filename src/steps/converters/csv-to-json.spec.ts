import { Type } from '../../flow/schema-builder.ts';
import { defineStep } from '../step.spec.ts';
import { NameOption, stepLabel } from './conversion.ts';
import { CsvDialect, parseCsv } from './csv.ts';

export const csvToJson = defineStep({
  kind: 'csvToJson',
  title: 'CSV to JSON Converter',
  description:
    'Converts a CSV body to a JSON array: with a header line, one object per line keyed by the field names; ' +
    'without one, one array of strings per line. Values stay strings. Malformed CSV fails with ' +
    'CW_ERR_CONVERSION and the line.',
  options: Type.Object({ name: NameOption, ...CsvDialect }, { additionalProperties: false }),
  examples: [
    { title: 'Objects from a header line', yaml: '- csvToJson: {}' },
    { title: 'Tab separated, no header', yaml: '- csvToJson:\n    delimiter: "\\t"\n    header: false' },
  ],
  compile(options, _ctx, path) {
    const step = stepLabel(options.name, path);
    const header = options.header ?? true;
    return (exchange) => {
      const message = exchange.message;
      const { fields, rows } = parseCsv(message.body.text(), options, step);
      const data = header
        ? rows.map((row) => {
            const record: Record<string, string> = {};
            fields.forEach((field, i) => {
              record[field] = row[i] ?? '';
            });
            return record;
          })
        : rows;
      message.setBody(data);
      message.headers.set('Content-Type', 'application/json');
    };
  },
});
