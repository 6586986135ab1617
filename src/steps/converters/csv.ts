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
    let line = (cause as { lines?: number }).lines;
    let what = (cause as Error).message;
    // csv-parse names the line where it gave up, the end of the body: say where the quote opened.
    const opened =
      (cause as { code?: string }).code === 'CSV_QUOTE_NOT_CLOSED'
        ? openQuoteLine(text, options.quote ?? '"')
        : undefined;
    if (opened !== undefined) {
      line = opened;
      what = `a field opened with a quote in line ${opened} is never closed`;
    }
    throw conversionError(
      step,
      `the message body is not valid CSV${line ? ` (line ${line})` : ''}: ${what}`,
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

/** The line of the quote that opens a field never closed, if any (a doubled quote is a quote inside). */
function openQuoteLine(text: string, quote: string): number | undefined {
  if (quote === '') return undefined;
  let line = 1;
  let openedAt: number | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === quote) {
      if (openedAt === undefined) openedAt = line;
      else if (text[i + 1] === quote) i++;
      else openedAt = undefined;
    } else if (c === '\n') line++;
  }
  return openedAt;
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
