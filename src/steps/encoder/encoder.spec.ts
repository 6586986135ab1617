import { Type } from '../../flow/schema-builder.ts';
import { NameOption } from '../converters/conversion.ts';
import { defineStep } from '../step.spec.ts';
import { type Encoding, encode } from './codecs.ts';

export const EncodingOption = Type.Union(
  [Type.Literal('base64'), Type.Literal('gzip'), Type.Literal('zip'), Type.Literal('deflate')],
  { description: 'base64, gzip, zip (one file) or deflate (raw, without a zlib header).' },
);

const CONTENT_TYPES: Record<Encoding, string> = {
  base64: 'text/plain',
  gzip: 'application/gzip',
  zip: 'application/zip',
  deflate: 'application/octet-stream',
};

export const encoder = defineStep({
  kind: 'encoder',
  title: 'Encoder',
  description:
    "Encodes the body, like CPI's Base64, GZIP and ZIP encoders: Base64 text, a gzip stream, raw deflate, " +
    'or a ZIP archive with the body as its one file `entryName`. Sets Content-Type for the binary forms ' +
    '(and text/plain for Base64), and Content-Encoding: gzip for gzip.',
  options: Type.Object(
    {
      name: NameOption,
      encoding: EncodingOption,
      entryName: Type.String({
        default: 'message',
        minLength: 1,
        description: 'File name inside the ZIP archive.',
      }),
    },
    { additionalProperties: false },
  ),
  examples: [
    { title: 'Base64', yaml: '- encoder: { encoding: base64 }' },
    { title: 'ZIP with a file name', yaml: '- encoder:\n    encoding: zip\n    entryName: order.xml' },
  ],
  compile(options) {
    const encoding = options.encoding as Encoding;
    const entryName = options.entryName ?? 'message';
    return async (exchange) => {
      const message = exchange.message;
      message.setBody(await encode(encoding, message.body.buffer(), entryName));
      message.headers.set('Content-Type', CONTENT_TYPES[encoding]);
      if (encoding === 'gzip') message.headers.set('Content-Encoding', 'gzip');
    };
  },
});
