import type { XMLBuilder } from 'fast-xml-parser';
import { conversionError, fastXmlParser, isXmlName } from './conversion.ts';

export interface JsonToXmlOptions {
  rootElement: string;
  useNamespaces: boolean;
  namespaces: Record<string, string>;
  xmlDeclaration: boolean;
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

// CPI's conventions: `@name` members are attributes, `$` is the text of an element that has attributes.
let shared: XMLBuilder | undefined;
function xmlBuilder(): XMLBuilder {
  shared ??= new (fastXmlParser().XMLBuilder)({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '$',
    suppressBooleanAttributes: false,
    suppressEmptyNode: false,
  });
  return shared;
}

/**
 * Converts JSON data to XML text as CPI's JSON to XML converter does: a single top-level member is
 * the root element, otherwise the members are wrapped in `rootElement`; an array becomes repeated
 * elements named after its member.
 */
export function createJsonToXml(options: JsonToXmlOptions, step: string): (data: unknown) => string {
  const fail = (what: string, hint: string) => conversionError(step, what, hint);

  const checkName = (key: string, where: string): void => {
    const colon = key.indexOf(':');
    const local = colon < 0 ? key : key.slice(colon + 1);
    if (colon >= 0 && options.useNamespaces) {
      const prefix = key.slice(0, colon);
      if (!(prefix in options.namespaces)) {
        throw fail(
          `the JSON member '${where}' uses the prefix '${prefix}', which the namespace mapping does not declare.`,
          `Add '${prefix}' to the step's namespaces option, or rename the member.`,
        );
      }
      if (!isXmlName(prefix) || !isXmlName(local)) throw badName(where);
      return;
    }
    if (colon >= 0 ? !isXmlName(key.slice(0, colon)) || !isXmlName(local) : !isXmlName(key))
      throw badName(where);
  };
  const badName = (where: string) =>
    fail(
      `the JSON member name '${where}' is not a valid XML name.`,
      'XML names start with a letter or underscore and hold no spaces; rename the member (for example with a JSONata mapping first).',
    );

  const convert = (value: unknown, where: string): unknown => {
    if (value === null || value === undefined) return null;
    if (Array.isArray(value)) {
      return value.map((item) => {
        if (Array.isArray(item)) {
          throw fail(
            `the JSON member '${where}' holds an array inside an array, which has no XML form.`,
            'Wrap the inner arrays in objects, for example [{"item": [1, 2]}].',
          );
        }
        return convert(item, where);
      });
    }
    if (typeof value !== 'object') return String(value);
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      const path = `${where}.${key}`;
      if (key === '$') {
        if (member !== null && typeof member === 'object') {
          throw fail(
            `the text member '${path}' holds an object or array.`,
            "'$' must be a string, number or boolean.",
          );
        }
        out.$ = member === null ? '' : String(member);
      } else if (key.startsWith('@')) {
        checkName(key.slice(1), path);
        if (member !== null && typeof member === 'object') {
          throw fail(
            `the attribute member '${path}' holds an object or array.`,
            'Attributes take a string, number or boolean.',
          );
        }
        out[key] = member === null ? '' : String(member);
      } else {
        checkName(key, path);
        out[key] = convert(member, path);
      }
    }
    return out;
  };

  return (data) => {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw fail(
        'JSON to XML needs a JSON object at the top level.',
        'Wrap the value in an object, for example {"items": [...]}, so that it has an element name.',
      );
    }
    const keys = Object.keys(data);
    const single =
      keys.length === 1 &&
      !keys[0].startsWith('@') &&
      keys[0] !== '$' &&
      !Array.isArray((data as never)[keys[0]]);
    let tree: Record<string, unknown>;
    if (single) {
      tree = convert(data, '$') as Record<string, unknown>;
    } else {
      tree = { [options.rootElement]: convert(data, '$') };
    }
    if (options.useNamespaces) declareNamespaces(tree, options.namespaces);
    const xml = xmlBuilder().build(tree) as string;
    return options.xmlDeclaration ? DECLARATION + xml : xml;
  };
}

/** Declares every mapped namespace on the root element, as CPI does. */
function declareNamespaces(tree: Record<string, unknown>, namespaces: Record<string, string>): void {
  const rootName = Object.keys(tree)[0];
  let root = tree[rootName];
  if (root === null || typeof root !== 'object') {
    root = root === null ? {} : { $: root };
    tree[rootName] = root;
  }
  const declarations: Record<string, string> = {};
  for (const [prefix, uri] of Object.entries(namespaces)) declarations[`@xmlns:${prefix}`] = uri;
  tree[rootName] = { ...declarations, ...(root as Record<string, unknown>) };
}
