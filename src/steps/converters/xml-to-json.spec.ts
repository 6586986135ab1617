import { Type } from '../../flow/schema-builder.ts';
import { defineStep } from '../step.spec.ts';
import { NameOption, stepLabel } from './conversion.ts';
import { createXmlToJson } from './xml-to-json.ts';

export const xmlToJson = defineStep({
  kind: 'xmlToJson',
  title: 'XML to JSON Converter',
  description:
    "Converts an XML body to JSON with CPI's conventions: repeated elements become arrays, and so do the " +
    "elements listed in `arrayElements` even when they occur once (CPI's 'JSON Output Encoding / Streaming' " +
    'array options); attributes become `@name` members and the text of an element with attributes `$`. ' +
    'Values stay strings, as CPI writes them, unless `convertTypes` is set. Namespace prefixes are dropped, ' +
    'or with `useNamespaces` replaced by the prefixes `namespaces` maps the namespace URIs to. ' +
    'Malformed XML fails with CW_ERR_CONVERSION and the line and column.',
  options: Type.Object(
    {
      name: NameOption,
      arrayElements: Type.Array(Type.String(), {
        default: [],
        description: 'Local names of elements that are always JSON arrays, even when they occur once.',
      }),
      suppressRootElement: Type.Boolean({
        default: false,
        description: "Write the root element's content without the root element's name around it.",
      }),
      convertTypes: Type.Boolean({
        default: false,
        description: 'Write numbers and booleans as JSON numbers and booleans instead of strings.',
      }),
      useNamespaces: Type.Boolean({
        default: false,
        description: 'Write element names as `prefix:name` with the prefixes of `namespaces`.',
      }),
      namespaces: Type.Record(Type.String(), Type.String(), {
        default: {},
        description: "Prefix → namespace URI; merged over the flow's `namespaces`.",
      }),
    },
    { additionalProperties: false },
  ),
  examples: [
    { title: 'Convert', yaml: '- xmlToJson: {}' },
    {
      title: 'Items are always an array, no root',
      yaml: '- xmlToJson:\n    arrayElements: [item]\n    suppressRootElement: true\n    convertTypes: true',
    },
  ],
  compile(options, ctx, path) {
    const step = stepLabel(options.name, path);
    const convert = createXmlToJson(
      {
        arrayElements: options.arrayElements ?? [],
        suppressRootElement: options.suppressRootElement ?? false,
        convertTypes: options.convertTypes ?? false,
        useNamespaces: options.useNamespaces ?? false,
        namespaces: { ...ctx.namespaces, ...(options.namespaces ?? {}) },
      },
      step,
    );
    return (exchange) => {
      const message = exchange.message;
      message.setBody(convert(message.body.text()));
      message.headers.set('Content-Type', 'application/json');
    };
  },
});
