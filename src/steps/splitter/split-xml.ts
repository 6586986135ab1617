import type * as XmlDom from '@xmldom/xmldom';
import { lazyModule } from '../../engine/lazy-module.ts';
import { type DomNode, nodeText } from '../filter/xpath-result.ts';

/** The parts of xmldom's DOM used here, without depending on its class names. */
interface XNode extends DomNode {
  parentNode: XNode | null;
  childNodes: ArrayLike<XNode>;
  attributes?: ArrayLike<{ name: string; value: string }>;
  hasAttribute?(name: string): boolean;
  setAttributeNS?(ns: string, name: string, value: string): void;
  appendChild(node: XNode): XNode;
  importNode?(node: XNode, deep: boolean): XNode;
}

const xmldom = lazyModule<typeof XmlDom>('@xmldom/xmldom');

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const DOCUMENT_NODE = 9;
const XMLNS = 'http://www.w3.org/2000/xmlns/';

export type SplitType = 'general' | 'iterating';

/**
 * Cuts the nodes an XPath found into part documents, `grouping` nodes per part.
 *
 * Iterating: each part is the node itself, carrying the namespace declarations in scope where it
 * stood, so prefixes used in attribute values (xsi:type) still resolve. A group of several nodes is
 * wrapped in a copy of their parent element, so that it stays well-formed XML.
 *
 * General: each part keeps the envelope, as CPI does: the ancestors of the split point with their
 * attributes and the elements before it (a header), but not the other split nodes nor what follows.
 */
export function splitXml(found: DomNode[], type: SplitType, grouping: number): unknown[] {
  const nodes = found as XNode[];
  const parts: unknown[] = [];
  if (nodes.length === 0) return parts;
  const splitNodes = new Set(nodes);
  const carriers = type === 'general' ? ancestorsOf(nodes) : undefined;
  for (let start = 0; start < nodes.length; start += grouping) {
    const group = nodes.slice(start, start + grouping);
    if (group.some((n) => n.nodeType !== ELEMENT_NODE)) {
      // Text or attribute nodes have no envelope: the part is their text.
      parts.push(group.map(nodeText).join(''));
    } else if (carriers) {
      parts.push(envelope(group, splitNodes, carriers));
    } else if (grouping === 1) {
      parts.push(standalone(group[0]));
    } else {
      parts.push(wrapped(group));
    }
  }
  return parts;
}

function newDocument(): XNode {
  return new (xmldom().DOMImplementation)().createDocument(null, null as never, null) as unknown as XNode;
}

function standalone(node: XNode): XNode {
  const doc = newDocument();
  const copy = doc.importNode!(node, true);
  declareInScope(copy, node);
  doc.appendChild(copy);
  return doc;
}

function wrapped(group: XNode[]): XNode {
  const parent = group[0].parentNode;
  if (!parent || parent.nodeType !== ELEMENT_NODE) return standalone(group[0]);
  const doc = newDocument();
  const wrapper = doc.importNode!(parent, false);
  declareInScope(wrapper, parent);
  for (const node of group) wrapper.appendChild(doc.importNode!(node, true));
  doc.appendChild(wrapper);
  return doc;
}

function envelope(group: XNode[], splitNodes: Set<XNode>, carriers: Set<XNode>): XNode {
  const first = group[0];
  const chain: XNode[] = [];
  for (let n = first.parentNode; n && n.nodeType === ELEMENT_NODE; n = n.parentNode) chain.unshift(n);
  const doc = newDocument();
  let into: XNode = doc;
  chain.forEach((original, level) => {
    const copy = doc.importNode!(original, false);
    const stopAt = chain[level + 1] ?? first;
    for (const child of Array.from(original.childNodes)) {
      if (child === stopAt) break;
      if (splitNodes.has(child) || carriers.has(child) || isBlank(child)) continue;
      copy.appendChild(doc.importNode!(child, true));
    }
    into.appendChild(copy);
    into = copy;
  });
  for (const node of group) into.appendChild(doc.importNode!(node, true));
  return doc;
}

/** Every element above some split node: such an element is part of an envelope, never a header. */
function ancestorsOf(nodes: XNode[]): Set<XNode> {
  const out = new Set<XNode>();
  for (const node of nodes) {
    for (let n = node.parentNode; n && n.nodeType === ELEMENT_NODE && !out.has(n); n = n.parentNode)
      out.add(n);
  }
  return out;
}

/** Copies the namespace declarations of `original`'s ancestors onto `copy`, unless it declares them. */
function declareInScope(copy: XNode, original: XNode): void {
  for (let n = original.parentNode; n && n.nodeType !== DOCUMENT_NODE; n = n.parentNode) {
    for (const attr of Array.from(n.attributes ?? [])) {
      const isDeclaration = attr.name === 'xmlns' || attr.name.startsWith('xmlns:');
      if (isDeclaration && !copy.hasAttribute!(attr.name)) copy.setAttributeNS!(XMLNS, attr.name, attr.value);
    }
  }
}

function isBlank(node: XNode): boolean {
  return node.nodeType === TEXT_NODE && (node.nodeValue ?? '').trim() === '';
}
