import { assertWellFormedXml, fastXmlParser } from './conversion.ts';

export interface XmlToJsonOptions {
  arrayElements: string[];
  suppressRootElement: boolean;
  convertTypes: boolean;
  useNamespaces: boolean;
  namespaces: Record<string, string>;
}

type Tree = Record<string, unknown>;

/**
 * Converts XML text to JSON data as CPI's XML to JSON converter does: repeated elements become arrays
 * (and the elements listed in `arrayElements` always do), attributes are `@name` members, the text of
 * an element with attributes is `$`, and values stay strings unless `convertTypes` is set.
 */
export function createXmlToJson(options: XmlToJsonOptions, step: string): (xml: string) => unknown {
  const always = new Set(options.arrayElements);
  const parser = new (fastXmlParser().XMLParser)({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '$',
    ignoreDeclaration: true,
    ignorePiTags: true,
    parseTagValue: options.convertTypes,
    parseAttributeValue: options.convertTypes,
    // Prefixes are resolved below when namespaces are mapped; otherwise dropped (CPI writes local names).
    removeNSPrefix: !options.useNamespaces,
    isArray: (name, _path, _leaf, isAttribute) => !isAttribute && always.has(localName(name)),
  });
  const byUri = new Map(Object.entries(options.namespaces).map(([prefix, uri]) => [uri, prefix]));

  return (xml) => {
    assertWellFormedXml(xml, step);
    let tree = parser.parse(xml) as Tree;
    if (options.useNamespaces) tree = mapNamespaces(tree, new Map(), byUri) as Tree;
    else tree = dropNamespaceAttributes(tree) as Tree;
    if (!options.suppressRootElement) return tree;
    const root = Object.values(tree)[0];
    return root === '' ? {} : root;
  };
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

function dropNamespaceAttributes(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropNamespaceAttributes);
  if (node === null || typeof node !== 'object') return node;
  const out: Tree = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '@xmlns' || key.startsWith('@xmlns:')) continue;
    out[key] = dropNamespaceAttributes(value);
  }
  return out;
}

/**
 * Renames `docPrefix:name` to `mappedPrefix:name` using the namespace URI each prefix is bound to in the
 * document, so that the JSON does not depend on the prefixes the sender chose. Names in a namespace
 * that the mapping does not list keep only their local name.
 */
function mapNamespaces(node: unknown, scope: Map<string, string>, byUri: Map<string, string>): unknown {
  if (node === null || typeof node !== 'object') return node;
  const out: Tree = {};
  const add = (name: string, value: unknown) => {
    // Two prefixes that map to one name (both unmapped) are repeated elements of that name.
    out[name] = name in out ? [out[name], value].flat() : value;
  };
  for (const [key, value] of Object.entries(node)) {
    if (key === '@xmlns' || key.startsWith('@xmlns:')) continue;
    if (key === '$') out.$ = value;
    else if (key.startsWith('@')) out[`@${rename(key.slice(1), scope, byUri, true)}`] = value;
    else if (Array.isArray(value)) {
      const items: Array<[string, unknown]> = value.map((item) => element(key, item, scope, byUri));
      const names = new Set(items.map(([name]) => name));
      if (names.size === 1)
        add(
          items[0][0],
          items.map(([, v]) => v),
        );
      else for (const [name, v] of items) add(name, v);
    } else add(...element(key, value, scope, byUri));
  }
  return out;
}

/** One element: its own `xmlns` declarations are in scope for its name and its content. */
function element(
  key: string,
  value: unknown,
  scope: Map<string, string>,
  byUri: Map<string, string>,
): [string, unknown] {
  let inner = scope;
  if (value !== null && typeof value === 'object') {
    for (const [attr, uri] of Object.entries(value)) {
      if (attr === '@xmlns' || attr.startsWith('@xmlns:')) {
        if (inner === scope) inner = new Map(scope);
        inner.set(attr === '@xmlns' ? '' : attr.slice(7), String(uri));
      }
    }
  }
  return [rename(key, inner, byUri, false), mapNamespaces(value, inner, byUri)];
}

function rename(
  name: string,
  scope: Map<string, string>,
  byUri: Map<string, string>,
  isAttribute: boolean,
): string {
  const colon = name.indexOf(':');
  // Unprefixed attributes are in no namespace; unprefixed elements are in the default namespace.
  if (colon < 0 && isAttribute) return name;
  const prefix = colon < 0 ? '' : name.slice(0, colon);
  const local = colon < 0 ? name : name.slice(colon + 1);
  const uri = scope.get(prefix);
  const mapped = uri === undefined ? undefined : byUri.get(uri);
  return mapped ? `${mapped}:${local}` : local;
}
