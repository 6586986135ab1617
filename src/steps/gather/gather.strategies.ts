import type * as XmlDom from '@xmldom/xmldom';
import type { Body } from '../../engine/body.ts';
import { lazyModule } from '../../engine/lazy-module.ts';
import { UserError } from '../../errors.ts';
import type { DomNode } from '../filter/xpath-result.ts';

/** CPI's multi-mapping envelope, which its Combine strategy produces and Message Mappings read. */
export const MULTIMAP_NS = 'http://sap.com/xi/XI/SplitAndMerge';
const XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>";
const xmldom = lazyModule<typeof XmlDom>('@xmldom/xmldom');

export type CombineFormat = 'same' | 'different';

/**
 * Combine. XML parts go into CPI's multi-mapping format: with format `same` every part in
 * `multimap:Message1`, with `different` part N in `multimap:MessageN` (CPI's XML Same/Different
 * Format). JSON parts become one JSON array of the parts.
 */
export function combine(bodies: Body[], format: CombineFormat, where: string): unknown {
  if (bodies.length === 0) return '';
  const texts = bodies.map((b) => stripProlog(b.text()));
  const xml = texts.map((t) => t.startsWith('<'));
  if (xml.every(Boolean)) {
    const open = `${XML_DECLARATION}<multimap:Messages xmlns:multimap="${MULTIMAP_NS}">`;
    if (format === 'same')
      return `${open}<multimap:Message1>${texts.join('')}</multimap:Message1></multimap:Messages>`;
    const messages = texts.map((t, i) => `<multimap:Message${i + 1}>${t}</multimap:Message${i + 1}>`);
    return `${open}${messages.join('')}</multimap:Messages>`;
  }
  if (xml.some(Boolean)) {
    throw new UserError('CW_ERR_STEP', `${where}: combine got XML parts and parts that are not XML.`, {
      hint: 'Convert the parts to one format before the gather, or use strategy concatenate.',
    });
  }
  return bodies.map((b, i) => partJson(b, i, where));
}

/** Concatenate: the parts' bytes one after another (CPI's Plain Text). */
export function concatenate(bodies: Body[]): Buffer {
  return Buffer.concat(bodies.map((b) => b.buffer()));
}

/** JSON array: one array of every part; a part that is an array adds its elements. */
export function jsonArray(bodies: Body[], where: string): unknown[] {
  const out: unknown[] = [];
  for (const [i, body] of bodies.entries()) {
    const value = partJson(body, i, where);
    if (Array.isArray(value)) out.push(...value);
    else out.push(value);
  }
  return out;
}

/** A target element to build: `/ns0:Orders/List` gives two, with their namespace URIs. */
export interface TargetElement {
  qname: string;
  namespace: string | null;
}

interface XNode extends DomNode {
  parentNode: XNode | null;
  appendChild(node: XNode): XNode;
  importNode?(node: XNode, deep: boolean): XNode;
  createElementNS?(ns: string | null, qname: string): XNode;
}

/**
 * Combine at XPath: the nodes each part has at the source XPath, in part order, under the target
 * path. Without a target, under copies of the ancestors the first node had in its own part.
 */
export function combineAtXpath(nodesPerPart: DomNode[][], target: TargetElement[] | undefined): unknown {
  const all = nodesPerPart.flat() as XNode[];
  const doc = new (xmldom().DOMImplementation)().createDocument(
    null,
    null as never,
    null,
  ) as unknown as XNode;
  let into: XNode = doc;
  if (target) {
    for (const element of target)
      into = into.appendChild(doc.createElementNS!(element.namespace, element.qname));
  } else {
    const chain: XNode[] = [];
    for (let n = all[0].parentNode; n && n.nodeType === 1; n = n.parentNode) chain.unshift(n);
    for (const ancestor of chain) into = into.appendChild(doc.importNode!(ancestor, false));
  }
  for (const node of all) into.appendChild(doc.importNode!(node, true));
  return doc;
}

/**
 * A part's JSON value. A part split from JSON that was a string (`$..sku`) arrives as plain text, so
 * text that does not even start like JSON is taken as a string; text that does must parse.
 */
function partJson(body: Body, index: number, where: string): unknown {
  try {
    return body.json();
  } catch (cause) {
    const text = body.text().trimStart();
    if (!/^[[{"]/.test(text)) return body.text();
    throw new UserError('CW_ERR_STEP', `${where}: part ${index + 1} is not valid JSON.`, {
      cause,
      hint: 'Check the steps that build the part, or use strategy concatenate.',
    });
  }
}

/** A part's text without its XML declaration and leading whitespace, to nest it in another document. */
function stripProlog(text: string): string {
  let t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('<?xml')) t = t.slice(t.indexOf('?>') + 2).trimStart();
  return t;
}
