import { Type } from '../../flow/schema-builder.ts';
import { defineStep } from '../step.spec.ts';
import { conversionError, NameOption, parseJsonBody, stepLabel } from './conversion.ts';
import { CsvDialect, cellText, writeCsv } from './csv.ts';

export const jsonToCsv = defineStep({
  kind: 'jsonToCsv',
  title: 'JSON to CSV Converter',
  description:
    'Converts a JSON array to CSV: an array of objects gives one line per object and one column per member ' +
    '(in the order members first appear), an array of arrays one line per inner array. An object with a ' +
    'single array member is read as that array. Nested values fail with CW_ERR_CONVERSION.',
  options: Type.Object(
    {
      name: NameOption,
      ...CsvDialect,
      header: Type.Boolean({ default: true, description: 'Write a first line with the member names.' }),
    },
    { additionalProperties: false },
  ),
  examples: [
    { title: 'Objects to CSV', yaml: '- jsonToCsv: {}' },
    { title: 'Semicolons, no header line', yaml: "- jsonToCsv:\n    delimiter: ';'\n    header: false" },
  ],
  compile(options, _ctx, path) {
    const step = stepLabel(options.name, path);
    const notRecords = () =>
      conversionError(
        step,
        'JSON to CSV needs an array of objects or an array of arrays.',
        'Select the array first, for example with a JSONata mapping such as `orders`.',
      );
    return (exchange) => {
      const message = exchange.message;
      let data = parseJsonBody(() => message.body.json(), step);
      if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
        const values = Object.values(data);
        if (values.length === 1 && Array.isArray(values[0])) data = values[0];
      }
      if (!Array.isArray(data)) throw notRecords();
      let fields: string[] | undefined;
      let rows: string[][];
      if (data.every(Array.isArray)) {
        rows = (data as unknown[][]).map((row, i) =>
          row.map((v, j) => cellText(v, String(j + 1), i + 1, step)),
        );
      } else if (data.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r))) {
        const records = data as Record<string, unknown>[];
        const names = new Set<string>();
        for (const record of records) for (const key of Object.keys(record)) names.add(key);
        fields = [...names];
        rows = records.map((record, i) =>
          (fields as string[]).map((f) => cellText(record[f], f, i + 1, step)),
        );
      } else {
        throw notRecords();
      }
      message.setBody(
        data.length === 0 ? '' : writeCsv(options.header === false ? undefined : fields, rows, options),
      );
      message.headers.set('Content-Type', 'text/csv');
    };
  },
});
