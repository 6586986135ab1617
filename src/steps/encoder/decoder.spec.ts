import { Type } from '../../flow/schema-builder.ts';
import { NameOption, stepLabel } from '../converters/conversion.ts';
import { defineStep } from '../step.spec.ts';
import { decode, type Encoding } from './codecs.ts';
import { EncodingOption } from './encoder.spec.ts';

export const decoder = defineStep({
  kind: 'decoder',
  title: 'Decoder',
  description:
    "Decodes the body, like CPI's Base64, GZIP and ZIP decoders: Base64 text (whitespace allowed), gzip, " +
    'raw deflate, or a ZIP archive: its only file, or the file `entryName`. Removes Content-Encoding and ' +
    'Content-Type, since the decoded content is of another type. Invalid input fails with CW_ERR_CONVERSION.',
  options: Type.Object(
    {
      name: NameOption,
      encoding: EncodingOption,
      entryName: Type.Optional(
        Type.String({
          minLength: 1,
          description: 'The file to extract from a ZIP archive that holds several.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  examples: [
    { title: 'Base64', yaml: '- decoder: { encoding: base64 }' },
    { title: 'One file from a ZIP archive', yaml: '- decoder:\n    encoding: zip\n    entryName: order.xml' },
  ],
  compile(options, _ctx, path) {
    const step = stepLabel(options.name, path);
    const encoding = options.encoding as Encoding;
    return async (exchange) => {
      const message = exchange.message;
      message.setBody(await decode(encoding, message.body.buffer(), options.entryName, step));
      message.headers.delete('Content-Encoding');
      message.headers.delete('Content-Type');
    };
  },
});
