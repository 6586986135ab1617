// The documented part of saxon-js (which ships no types) that the XSLT mapping uses.
declare module 'saxon-js' {
  /** A compiled stylesheet (Stylesheet Export File) as parsed JSON. */
  export interface SaxonSef {
    [key: string]: unknown;
  }
  export interface SaxonTransformOptions {
    stylesheetInternal: SaxonSef;
    sourceText: string;
    destination: 'serialized';
    stylesheetParams?: Record<string, string>;
    deliverMessage?: (message: unknown, level: string) => void;
  }
  const SaxonJS: {
    transform(options: SaxonTransformOptions, execution: 'sync'): { principalResult: unknown };
  };
  export default SaxonJS;
}
