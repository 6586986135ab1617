import { createRequire } from 'node:module';
import type SaxonJSModule from 'saxon-js';
import type { SaxonDocument, SaxonSef } from 'saxon-js';

/**
 * XSLT 1.0–3.0 with saxonJs(). SaxonJS runs compiled stylesheets (SEF); its XSLT-to-SEF compiler is
 * itself a SEF shipped inside saxon-js. We run that compiler once per stylesheet at deploy time, the
 * way the `xslt3` command and SaxonJS's own `fn:transform` do (`checkOptions` + `internalTransform`),
 * and then run the compiled SEF per message, which costs well under a millisecond for small messages.
 */

const XSL = 'http://www.w3.org/1999/XSL/Transform';
let compiler: SaxonSef | undefined;

// SaxonJS costs about 80 MB once loaded: it is loaded when the first stylesheet compiles, so a
// runtime without XSLT mappings stays small.
const require = createRequire(import.meta.url);
let saxon: typeof SaxonJSModule | undefined;
function saxonJs(): typeof SaxonJSModule {
  saxon ??= require('saxon-js') as typeof SaxonJSModule;
  return saxon;
}

export interface CompiledStylesheet {
  sef: SaxonSef;
  /** Names of the top-level `xsl:param`s: the ones headers and properties may fill. */
  params: Set<string>;
  /** The Content-Type the output method implies, when `xsl:output` names one. */
  contentType?: string;
}

export class XsltCompileError extends Error {
  /** 1-based line in the stylesheet, when SaxonJS tells. */
  readonly line?: number;
  constructor(message: string, line?: number) {
    super(message);
    this.line = line;
  }
}

/** Compiles stylesheet text; `baseUri` resolves `xsl:include`/`xsl:import`. Throws XsltCompileError. */
export function compileStylesheet(text: string, baseUri: string): CompiledStylesheet {
  let doc: SaxonDocument;
  try {
    doc = parseXml(text);
  } catch (error) {
    throw new XsltCompileError(
      `the stylesheet is not well-formed XML: ${(error as Error).message}`,
      lineOf(error),
    );
  }
  doc._saxonBaseUri = baseUri;
  doc._saxonDocUri = baseUri;
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== XSL || !['stylesheet', 'transform'].includes(root.localName)) {
    throw new XsltCompileError(
      'the document is not an XSLT stylesheet (its root must be xsl:stylesheet or xsl:transform).',
      1,
    );
  }

  if (!compiler) {
    compiler = saxonJs().getPlatform().resource('compiler');
    addParentPointers(compiler);
  }
  const staticParams = new (saxonJs().XdmMap)();
  staticParams.inSituPut(saxonJs().XS.QName.fromParts('', '', 'staticParameters'), [
    new (saxonJs().XdmMap)(),
  ]);
  const options = saxonJs().checkOptions({
    stylesheetInternal: compiler,
    destination: 'application',
    initialMode: 'compile-complete',
    templateParams: { 'Q{}options': { noXPath: false } },
    stylesheetParams: staticParams,
    tunnelParams: {},
    functionParams: {},
    outputProperties: {},
    isRelocatableStylesheet: true,
  });
  try {
    saxonJs().internalTransform(compiler, doc, options);
  } catch (error) {
    const e = error as { message?: string; code?: string; errorObject?: unknown };
    // The user's line is in the message or in errorObject (" on line 3 in v/x.xsl"); xsltLineNr is
    // the line inside SaxonJS's own compiler, so it is not used.
    const located = /on line (\d+)/.exec(`${e.message ?? ''} ${e.errorObject ?? ''}`);
    const code = String(e.code ?? '').replace(/^Q\{[^}]*\}/, '');
    const message = String(e.message ?? error)
      .replace(/ on line \d+ in \S*/, '')
      .replace(/ code:\w+$/, '');
    throw new XsltCompileError(
      `${code ? `${code} ` : ''}${message}`,
      located ? Number(located[1]) : lineOf(error),
    );
  }
  let result = options.principalResult as unknown;
  if (Array.isArray(result)) result = result[0];
  const sef = saxonJs().XPath.sefToJSON((result as SaxonDocument).firstChild, false);
  addParentPointers(sef);

  const params = new Set<string>();
  let contentType: string | undefined;
  for (const child of Array.from(root.childNodes)) {
    if (child.nodeType !== 1 || child.namespaceURI !== XSL) continue;
    if (child.localName === 'param') params.add(child.getAttribute('name') ?? '');
    if (child.localName === 'output') contentType = outputContentType(child) ?? contentType;
  }
  return { sef, params, contentType };
}

/** Runs a compiled stylesheet on XML text with string parameters; returns the serialized result. */
export function runStylesheet(
  stylesheet: CompiledStylesheet,
  source: SaxonDocument,
  params: Record<string, string>,
): string {
  const options = saxonJs().checkOptions({
    stylesheetInternal: stylesheet.sef,
    destination: 'serialized',
    stylesheetParams: params,
    isRelocatableStylesheet: true,
    // xsl:message and error traces would go to the console; terminate="yes" still fails the transformation.
    deliverMessage: () => {},
    // (0 would mean "the global level" to SaxonJS, hence -1.)
    logLevel: -1,
  });
  saxonJs().internalTransform(stylesheet.sef, source, options);
  const result = options.principalResult;
  return typeof result === 'string' ? result : '';
}

/** Parses XML with SaxonJS's parser, reporting 1-based lines (SaxonJS counts from 0). */
export function parseXml(text: string): SaxonDocument {
  if (text.trim() === '') throw new Error('the document is empty');
  try {
    return saxonJs().getPlatform().parseXmlFromString(text);
  } catch (error) {
    const message = (error as Error).message.replace(/at line (\d+)/, (_, n) => `at line ${Number(n) + 1}`);
    throw Object.assign(new Error(message), { line: lineOf(error) });
  }
}

function lineOf(error: unknown): number | undefined {
  const given = (error as { line?: number }).line;
  if (typeof given === 'number') return given;
  const match = /at line (\d+)/.exec((error as Error)?.message ?? '');
  return match ? Number(match[1]) + 1 : undefined;
}

function addParentPointers(node: SaxonSef): void {
  if (!node.C) return;
  for (const child of node.C) {
    (child as { parentNode?: SaxonSef }).parentNode = node;
    addParentPointers(child);
  }
}

const MEDIA_TYPES: Record<string, string> = {
  xml: 'application/xml',
  html: 'text/html',
  xhtml: 'application/xhtml+xml',
  text: 'text/plain',
  json: 'application/json',
};

function outputContentType(output: { getAttribute(name: string): string | null }): string | undefined {
  const mediaType = output.getAttribute('media-type');
  if (mediaType) return mediaType;
  const method = output.getAttribute('method');
  return method ? MEDIA_TYPES[method] : undefined;
}
