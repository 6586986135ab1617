// The parts of saxon-js (which ships no types) that the XSLT mapping uses.
declare module 'saxon-js' {
  export interface SaxonPlatform {
    resource(name: 'compiler'): SaxonSef;
    parseXmlFromString(text: string): SaxonDocument;
  }
  export interface SaxonDocument {
    documentElement: SaxonElement | null;
    _saxonBaseUri?: string;
    _saxonDocUri?: string;
    firstChild: unknown;
  }
  export interface SaxonElement {
    nodeType: number;
    localName: string;
    namespaceURI: string | null;
    childNodes: ArrayLike<SaxonElement>;
    getAttribute(name: string): string | null;
  }
  /** A compiled stylesheet (Stylesheet Export File) as a JSON tree. */
  export interface SaxonSef {
    N: string;
    C?: SaxonSef[];
    [key: string]: unknown;
  }
  export interface SaxonXError extends Error {
    code: string;
    xsltLineNr?: string | number;
    xsltModule?: string;
  }
  const SaxonJS: {
    getPlatform(): SaxonPlatform;
    checkOptions(options: Record<string, unknown>): Record<string, unknown> & { principalResult?: unknown };
    internalTransform(sef: SaxonSef, source: SaxonDocument, options: Record<string, unknown>): void;
    XdmMap: new () => { inSituPut(key: unknown, value: unknown[]): void };
    XS: { QName: { fromParts(prefix: string, uri: string, local: string): unknown } };
    XPath: { sefToJSON(node: unknown, check?: boolean): SaxonSef };
    XError: new (...args: unknown[]) => SaxonXError;
  };
  export default SaxonJS;
}
