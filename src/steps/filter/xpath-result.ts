import type * as XmlDom from '@xmldom/xmldom';
import { lazyModule } from '../../engine/lazy-module.ts';

const xmldom = lazyModule<typeof XmlDom>('@xmldom/xmldom');

/**
 * Turns what an XPath evaluation returned into a value a header, property or body can hold. The
 * XPath language gives a node as its XML text and a node list as an array of texts; a list becomes
 * its texts one after another, as CPI's Filter writes a Nodelist result. DOM nodes (from the
 * splitter's node selector) become their text the same way.
 */
export function xpathResultToValue(result: unknown): unknown {
  if (isDomNode(result)) return nodeText(result);
  if (Array.isArray(result))
    return result.map((item) => (isDomNode(item) ? nodeText(item) : String(item))).join('');
  return result;
}

export interface DomNode {
  nodeType: number;
  nodeValue?: string | null;
  ownerDocument?: unknown;
}

export function isDomNode(value: unknown): value is DomNode {
  return typeof value === 'object' && value !== null && 'nodeType' in value && 'ownerDocument' in value;
}

const ATTRIBUTE_NODE = 2;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

/** The XML text of an element or document; the plain value of an attribute, text or CDATA node. */
export function nodeText(node: DomNode): string {
  if (
    node.nodeType === ATTRIBUTE_NODE ||
    node.nodeType === TEXT_NODE ||
    node.nodeType === CDATA_SECTION_NODE
  ) {
    return node.nodeValue ?? '';
  }
  return new (xmldom().XMLSerializer)().serializeToString(node as never);
}
