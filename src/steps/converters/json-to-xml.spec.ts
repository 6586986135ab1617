import { Type } from '../../flow/schema-builder.ts';
import { defineStep } from '../step.spec.ts';
import { checkElementName, NameOption, parseJsonBody, stepLabel } from './conversion.ts';
import { createJsonToXml } from './json-to-xml.ts';

export const jsonToXml = defineStep({
  kind: 'jsonToXml',
  title: 'JSON to XML Converter',
  description:
    "Converts a JSON body to XML with CPI's conventions: an object with a single member becomes the root " +
    'element, otherwise the members are wrapped in `rootElement`; an array becomes repeated elements named ' +
    'after its member; members named `@name` become attributes and `$` the text of an element. With ' +
    '`useNamespaces`, a member `prefix:name` is put in the namespace `namespaces` maps the prefix to, and ' +
    'every mapped namespace is declared on the root element. Invalid JSON fails with CW_ERR_CONVERSION.',
  options: Type.Object(
    {
      name: NameOption,
      rootElement: Type.String({
        default: 'root',
        description:
          "Element that wraps the members when the JSON object does not have exactly one (CPI's 'Add XML Root Element').",
      }),
      useNamespaces: Type.Boolean({
        default: false,
        description:
          "Turn JSON members 'prefix:name' into namespaced elements using `namespaces`. Without it names are written as they are.",
      }),
      namespaces: Type.Record(Type.String(), Type.String(), {
        default: {},
        description:
          'Prefix → namespace URI (CPI takes these from the runtime configuration namespace mapping).',
      }),
      xmlDeclaration: Type.Boolean({
        default: true,
        description: 'Start the output with an XML declaration.',
      }),
    },
    { additionalProperties: false },
  ),
  examples: [
    { title: 'Single member becomes the root', yaml: '- jsonToXml: {}' },
    {
      title: 'Wrap in a root element',
      yaml: '- jsonToXml:\n    rootElement: Orders\n    xmlDeclaration: false',
    },
    {
      title: 'Namespaced elements',
      yaml: "- jsonToXml:\n    useNamespaces: true\n    namespaces: { ns0: 'urn:example:orders' }",
    },
  ],
  compile(options, ctx, path) {
    const step = stepLabel(options.name, path);
    const namespaces = { ...ctx.namespaces, ...(options.namespaces ?? {}) };
    checkElementName(ctx, [...path, 'rootElement'], options.rootElement ?? 'root', true);
    const convert = createJsonToXml(
      {
        rootElement: options.rootElement ?? 'root',
        useNamespaces: options.useNamespaces ?? false,
        namespaces,
        xmlDeclaration: options.xmlDeclaration ?? true,
      },
      step,
    );
    return (exchange) => {
      const message = exchange.message;
      const data = parseJsonBody(() => message.body.json(), step);
      message.setBody(convert(data));
      message.headers.set('Content-Type', 'application/xml');
    };
  },
});
