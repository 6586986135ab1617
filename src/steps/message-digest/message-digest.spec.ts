import { createHash } from 'node:crypto';
import { Type } from '../../flow/schema-builder.ts';
import { NameOption } from '../converters/conversion.ts';
import { defineStep } from '../step.spec.ts';

const ALGORITHMS = { 'SHA-256': 'sha256', 'SHA-1': 'sha1', 'SHA-512': 'sha512', MD5: 'md5' } as const;

export const messageDigest = defineStep({
  kind: 'messageDigest',
  title: 'Message Digest',
  description:
    "Computes a digest of the body, or of the XML nodes `filterXpath` selects, and writes it to a header (CPI's " +
    'default SapMessageDigest). Unlike CPI, the XML is not canonicalized: the digest is over the bytes as ' +
    'received, or over the selected nodes as serialized, so equivalent XML written differently digests differently.',
  options: Type.Object(
    {
      name: NameOption,
      algorithm: Type.Union(
        Object.keys(ALGORITHMS).map((a) => Type.Literal(a)),
        { default: 'SHA-256', description: 'SHA-256, SHA-1, SHA-512 or MD5.' },
      ),
      target: Type.String({
        default: 'SapMessageDigest',
        minLength: 1,
        description: 'Header that receives the digest.',
      }),
      encoding: Type.Union([Type.Literal('base64'), Type.Literal('hex')], {
        default: 'base64',
        description: 'How the digest bytes are written into the header.',
      }),
      filterXpath: Type.Optional(
        Type.String({
          description: 'Digest only the nodes this XPath selects (serialized, not canonicalized).',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  examples: [
    { title: 'SHA-256 in SapMessageDigest', yaml: '- messageDigest: {}' },
    {
      title: 'MD5 of the items, hex',
      yaml: "- messageDigest:\n    algorithm: MD5\n    encoding: hex\n    target: itemsHash\n    filterXpath: '/order/items'",
    },
  ],
  compile(options, ctx, path) {
    const algorithm = ALGORITHMS[(options.algorithm ?? 'SHA-256') as keyof typeof ALGORITHMS];
    const target = options.target ?? 'SapMessageDigest';
    const encoding = options.encoding ?? 'base64';
    const filter =
      options.filterXpath === undefined
        ? undefined
        : ctx.expression(options.filterXpath, [...path, 'filterXpath'], 'xpath', { resultType: 'nodelist' });
    return (exchange) => {
      const hash = createHash(algorithm);
      if (filter) {
        // A node list evaluates to the nodes serialized as XML text, in document order.
        for (const node of filter.evaluate(exchange) as string[]) hash.update(node);
      } else {
        hash.update(exchange.message.body.buffer());
      }
      exchange.message.headers.set(target, hash.digest(encoding));
    };
  },
});
