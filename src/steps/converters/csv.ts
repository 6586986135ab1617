import type * as CsvParse from 'csv-parse/sync';
import type * as CsvStringify from 'csv-stringify/sync';
import { lazyModule } from '../../engine/lazy-module.ts';
import { Type } from '../../flow/schema-builder.ts';
import { conversionError } from './conversion.ts';

const csvParse = lazyModule<typeof CsvParse>('csv-parse/sync');
const csvStringify = lazyModule<typeof CsvStringify>('csv-stringify/sync');

/** The CSV dialect options every CSV converter shares. */
export const CsvDialect = {
  delimiter: Type.String({
    default: ',',
    minLength: 1,
    description: 'Field separator, e.g. `,` `;` or a tab.',
  }),
  quote: Type.String({
    default: '"',
    maxLength: 1,
    description: 'Character around fields that hold the separator, quotes or line breaks.',
  }),
  header: Type.Boolean({ default: true, description: 'The first line holds the field names.' }),
};

export interface CsvDialectOptions {
  delimiter?: string;
  quote?: string;
  header?: boolean;
}

export interface CsvTable {
  /** Field names: from the header line, or `field1`, `field2`, … */
  fields: string[];
  rows: string[][];
}

/** Parses CSV text to rows; a malformed file is a conversion error naming the line. */
export function parseCsv(text: string, options: CsvDialectOptions, step: string): CsvTable {
  let rows: string[][];
  try {
    rows = csvParse().parse(text, {
      delimiter: options.delimiter ?? ',',
      quote: options.quote ?? '"',
      skip_empty_lines: true,
      bom: true,
    }) as string[][];
  } catch (cause) {
    const line = (cause as { lines?: number }).lines;
    throw conversionError(
      step,
      `the message body is not valid CSV${line ? ` (line ${line})` : ''}: ${(cause as Error).message}`,
      'Check the delimiter and quote options, and that every record has as many fields as the first one.',
      cause,
    );
  }
  if (options.header ?? true) {
    const [names = [], ...data] = rows;
    return { fields: names.map((n) => n.trim()), rows: data };
  }
  const width = rows.reduce((max, row) => Math.max(max, row.length), 0);
  return { fields: Array.from({ length: width }, (_, i) => `field${i + 1}`), rows };
}

/** Writes rows as CSV, with a header line when `fields` is given. */
export function writeCsv(
  fields: string[] | undefined,
  rows: unknown[][],
  options: CsvDialectOptions,
): string {
  return csvStringify().stringify(fields ? [fields, ...rows] : rows, {
    delimiter: options.delimiter ?? ',',
    quote: options.quote ?? '"',
    cast: { boolean: (value) => String(value) },
  });
}

/** A record's cell as CSV text; nested structures have no CSV form. */
export function cellText(value: unknown, field: string, record: number, step: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    throw conversionError(
      step,
      `record ${record} field '${field}' holds nested data, which has no CSV form.`,
      'Flatten the records first, for example with a JSONata or XSLT mapping.',
    );
  }
  return String(value);
}
