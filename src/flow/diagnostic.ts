/** A problem found while loading a flow, with where it is and how to fix it. */
export interface Diagnostic {
  file: string;
  /** 1-based line and column of the offending YAML node; 0 when the whole file is meant. */
  line: number;
  col: number;
  message: string;
  hint?: string;
}

/** `file:line:col: message (hint)`, the form editors and terminals turn into links. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
  return d.hint ? `${where}: ${d.message}\n    hint: ${d.hint}` : `${where}: ${d.message}`;
}
