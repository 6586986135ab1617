import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type * as XmlDom from '@xmldom/xmldom';
import type SaxonJSModule from 'saxon-js';
import type { SaxonSef } from 'saxon-js';
import { lazyModule } from '../../engine/lazy-module.ts';

const xmldom = lazyModule<typeof XmlDom>('@xmldom/xmldom');

/**
 * XSLT 1.0–3.0 with Saxonica's SaxonJS, through its documented interfaces only: at deploy time the
 * `xslt3` command compiles a stylesheet to a Stylesheet Export File (SEF), at run time
 * `SaxonJS.transform` runs that SEF per message (about 50 µs for a small message). Compiling takes
 * a few hundred milliseconds, once per stylesheet.
 */

const XSL = 'http://www.w3.org/1999/XSL/Transform';
const require = createRequire(import.meta.url);
const XSLT3_CLI = require.resolve('xslt3/xslt3.js');

// SaxonJS costs about 80 MB once loaded: it is loaded with the first stylesheet, so a runtime
// without XSLT mappings stays small.
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
  /** 1-based line in the stylesheet, when the compiler tells. */
  readonly line?: number;
  constructor(message: string, line?: number) {
    super(message);
    this.line = line;
  }
}

/**
 * Compiles stylesheet text. `file` is the stylesheet's path when it came from one: the compiler
 * then reads it in place, so `xsl:include` and `xsl:import` resolve beside it.
 */
export function compileStylesheet(text: string, file?: string): CompiledStylesheet {
  const root = stylesheetRoot(text);
  const dir = mkdtempSync(join(tmpdir(), 'causeway-xslt-'));
  try {
    const inPlace = file !== undefined && existsSync(file) && readFileSync(file, 'utf8') === text;
    const source = inPlace ? file : join(dir, file ? basename(file) : 'inline.xsl');
    if (!inPlace) writeFileSync(source, text);
    const sefFile = join(dir, 'stylesheet.sef.json');
    try {
      execFileSync(process.execPath, [XSLT3_CLI, `-xsl:${source}`, `-export:${sefFile}`, '-nogo'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
      });
    } catch (error) {
      throw compileError(String((error as { stderr?: Buffer }).stderr ?? (error as Error).message));
    }
    const sef = JSON.parse(readFileSync(sefFile, 'utf8')) as SaxonSef;
    // Loaded now, at deploy time, so that the first message does not wait for it.
    saxonJs();
    return { sef, ...declarations(root) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs a compiled stylesheet on XML text with string parameters; returns the serialized result.
 * `xsl:message` output is dropped; `terminate="yes"` still fails the transformation.
 */
export function runStylesheet(
  stylesheet: CompiledStylesheet,
  sourceText: string,
  params: Record<string, string>,
): string {
  const result = saxonJs().transform(
    {
      stylesheetInternal: stylesheet.sef,
      sourceText,
      destination: 'serialized',
      stylesheetParams: params,
      deliverMessage: () => {},
    },
    'sync',
  );
  return typeof result.principalResult === 'string' ? result.principalResult : '';
}

/** Checks that the text is well-formed XML with an XSLT root, reporting the line of a problem. */
function stylesheetRoot(text: string) {
  let problem: string | undefined;
  let line: number | undefined;
  let doc: ReturnType<XmlDom.DOMParser['parseFromString']> | undefined;
  try {
    doc = new (xmldom().DOMParser)({
      onError: (level: string, message: string, context?: { locator?: { lineNumber?: number } }) => {
        if (level === 'warning' || problem !== undefined) return;
        problem = message;
        line = context?.locator?.lineNumber;
      },
    }).parseFromString(text, 'text/xml');
  } catch (error) {
    // xmldom throws after reporting a fatal error.
    problem ??= (error as Error).message;
  }
  if (problem !== undefined || !doc?.documentElement) {
    const reason = (problem ?? 'the document is empty').split('\n')[0];
    throw new XsltCompileError(`the stylesheet is not well-formed XML: ${reason}`, line);
  }
  const root = doc.documentElement;
  if (root.namespaceURI !== XSL || !['stylesheet', 'transform'].includes(root.localName ?? '')) {
    throw new XsltCompileError(
      'the document is not an XSLT stylesheet (its root must be xsl:stylesheet or xsl:transform).',
      1,
    );
  }
  return root;
}

/** The top-level parameters and the output media type, read from the stylesheet itself. */
function declarations(root: ReturnType<typeof stylesheetRoot>): Omit<CompiledStylesheet, 'sef'> {
  const params = new Set<string>();
  let contentType: string | undefined;
  for (const child of Array.from(root.childNodes)) {
    const element = child as unknown as Element;
    if (child.nodeType !== 1 || element.namespaceURI !== XSL) continue;
    if (element.localName === 'param') params.add(element.getAttribute('name') ?? '');
    if (element.localName === 'output') contentType = outputContentType(element) ?? contentType;
  }
  return { params, contentType };
}

/** The compiler's report: `Error XPST0003:\n  Static error in XPath on line 5 in bad.xsl {…}: …`. */
function compileError(stderr: string): XsltCompileError {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^Failed to compile/.test(l));
  const code = /^Error (\S+?):?$/.exec(lines[0] ?? '')?.[1];
  const detail = (code ? lines.slice(1) : lines).join(' ');
  const line = /on line (\d+)/.exec(detail);
  const message = detail.replace(/ on line \d+ in \S*/, '');
  return new XsltCompileError(
    `${code ? `${code} ` : ''}${message || 'the stylesheet does not compile'}`,
    line ? Number(line[1]) : undefined,
  );
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
