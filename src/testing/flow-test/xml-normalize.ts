import { DOMParser } from '@xmldom/xmldom';

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;
const PROCESSING_INSTRUCTION = 7;

interface XmlNode {
  nodeType: number;
  nodeName: string;
  nodeValue: string | null;
  childNodes: ArrayLike<XmlNode>;
  attributes?: ArrayLike<{ name: string; value: string }>;
}

/**
 * XML as `bodyXml:` compares it: one element or text per line, indented, attributes sorted, with
 * whitespace between elements, comments and the XML declaration left out. Two documents that differ
 * only in layout give the same lines, and a real difference shows up as a readable line diff.
 * Throws with the parser's message when the text is not well-formed.
 */
export function normalizeXml(text: string): string[] {
  let problem: string | undefined;
  let doc: ReturnType<DOMParser['parseFromString']> | undefined;
  try {
    doc = new DOMParser({
      onError: (level: string, message: string) => {
        if (level !== 'warning' && problem === undefined) problem = message;
      },
    }).parseFromString(text, 'text/xml');
  } catch (error) {
    // Fatal errors are thrown after onError has seen them; keep the first message.
    problem ??= (error as Error).message;
  }
  if (problem !== undefined || !doc?.documentElement) {
    throw new Error(`not well-formed XML: ${(problem ?? 'no root element').split('\n')[0]}`);
  }
  const lines: string[] = [];
  for (const node of Array.from(doc.childNodes as unknown as ArrayLike<XmlNode>)) print(node, '', lines);
  return lines;
}

function print(node: XmlNode, indent: string, out: string[]): void {
  if (node.nodeType === TEXT || node.nodeType === CDATA) {
    const value = node.nodeValue ?? '';
    if (value.trim() !== '') out.push(`${indent}${escapeXml(value)}`);
    return;
  }
  if (node.nodeType === PROCESSING_INSTRUCTION && node.nodeName !== 'xml') {
    out.push(`${indent}<?${node.nodeName} ${node.nodeValue ?? ''}?>`);
    return;
  }
  if (node.nodeType !== ELEMENT) return;
  const attributes = Array.from(node.attributes ?? [])
    .map((a) => ` ${a.name}="${escapeXml(a.value)}"`)
    .sort()
    .join('');
  const children = Array.from(node.childNodes).filter(
    (c) =>
      c.nodeType === ELEMENT ||
      ((c.nodeType === TEXT || c.nodeType === CDATA) && (c.nodeValue ?? '').trim() !== ''),
  );
  const open = `${indent}<${node.nodeName}${attributes}`;
  if (children.length === 0) out.push(`${open}/>`);
  else if (children.length === 1 && children[0].nodeType !== ELEMENT) {
    out.push(`${open}>${escapeXml(children[0].nodeValue ?? '')}</${node.nodeName}>`);
  } else {
    out.push(`${open}>`);
    for (const child of children) print(child, `${indent}  `, out);
    out.push(`${indent}</${node.nodeName}>`);
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
