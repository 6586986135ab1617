import type { XPathResultType } from '../../expression/expression.ts';

/**
 * CPI's Content Modifier names the type of a value as a Java class (`java.lang.Integer`), and the
 * Filter as a plain word (`integer`). Both are accepted; each maps to the XPath result to ask for and a
 * conversion applied to the value.
 */
export interface ValueType {
  /** The name as written, for messages. */
  name: string;
  /** What to ask the XPath evaluator for when the source is XPath. */
  xpathResult: XPathResultType;
  /** Converts a value; returns `undefined` when it cannot (the caller reports the error). */
  convert(value: unknown): unknown;
}

const asString = (value: unknown): unknown => (typeof value === 'string' ? value : stringOf(value));

const asInteger = (value: unknown): unknown => {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  return Number.isFinite(n) && String(value).trim() !== '' ? Math.trunc(n) : undefined;
};

const asNumber = (value: unknown): unknown => {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  return Number.isFinite(n) && String(value).trim() !== '' ? n : undefined;
};

const asBoolean = (value: unknown): unknown => {
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  return undefined;
};

const same = (value: unknown): unknown => value;

const TYPES: Record<string, Omit<ValueType, 'name'>> = {
  string: { xpathResult: 'string', convert: asString },
  integer: { xpathResult: 'number', convert: asInteger },
  number: { xpathResult: 'number', convert: asNumber },
  boolean: { xpathResult: 'boolean', convert: asBoolean },
  node: { xpathResult: 'node', convert: same },
  nodelist: { xpathResult: 'nodelist', convert: same },
  object: { xpathResult: 'nodelist', convert: same },
};

const JAVA_NAMES: Record<string, keyof typeof TYPES> = {
  'java.lang.String': 'string',
  'java.lang.Integer': 'integer',
  'java.lang.Long': 'integer',
  'java.lang.Short': 'integer',
  'java.lang.Double': 'number',
  'java.lang.Float': 'number',
  'java.math.BigDecimal': 'number',
  'java.lang.Number': 'number',
  'java.lang.Boolean': 'boolean',
  'org.w3c.dom.Node': 'node',
  'org.w3c.dom.NodeList': 'nodelist',
  'java.lang.Object': 'object',
};

/** Every type name accepted, for hints. */
export const VALUE_TYPE_NAMES = [...Object.keys(JAVA_NAMES), ...Object.keys(TYPES)];

export function valueType(name: string): ValueType | undefined {
  const key = JAVA_NAMES[name] ?? (name in TYPES ? name : JAVA_NAMES[`java.lang.${name}`]);
  const type = key ? TYPES[key] : undefined;
  return type ? { name, ...type } : undefined;
}

function stringOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
