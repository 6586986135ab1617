import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { Diagnostic } from './diagnostic.ts';
import type { Path } from './path.ts';

type YamlDocument = ReturnType<typeof parseDocument>;

/**
 * A flow file parsed with positions kept, so that any problem found later (by the schema, the compiler
 * or an expression parser) can name its line and column.
 */
export class FlowSource {
  readonly file: string;
  readonly value: unknown;
  readonly diagnostics: Diagnostic[] = [];
  readonly #doc: YamlDocument;
  readonly #lines = new LineCounter();

  constructor(text: string, file: string) {
    this.file = file;
    this.#doc = parseDocument(text, { lineCounter: this.#lines, prettyErrors: false, uniqueKeys: true });
    for (const error of this.#doc.errors) {
      const [line, col] = this.#position(error.pos[0]);
      this.diagnostics.push({
        file,
        line,
        col,
        message: `YAML syntax error: ${error.message.split('\n')[0]}`,
        hint: yamlHint(error.code),
      });
    }
    this.value = this.diagnostics.length === 0 ? this.#doc.toJS({ maxAliasCount: 100 }) : undefined;
  }

  /**
   * The 1-based line and column of the node at `path`: the key itself when `key` is set (for an
   * unknown option), else its value; the nearest existing ancestor when the path is missing.
   * `offset` moves the column inside a scalar (an expression error at a character of the text).
   */
  locate(path: Path, options: { key?: boolean; offset?: number } = {}): [number, number] {
    let node: unknown = this.#doc.contents;
    let keyNode: unknown;
    for (const segment of path) {
      let next: unknown;
      keyNode = undefined;
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
        );
        if (pair) {
          next = pair.value ?? pair.key;
          keyNode = pair.key;
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
      }
      if (next === undefined) break;
      node = next;
    }
    const target = (options.key && keyNode ? keyNode : node) as Node | undefined;
    const start = target?.range?.[0] ?? 0;
    let offset = 0;
    if (options.offset !== undefined && isScalar(target) && typeof target.value === 'string') {
      // Plain and double-quoted scalars start at their first character after any quote.
      const quote = target.type === 'QUOTE_DOUBLE' || target.type === 'QUOTE_SINGLE' ? 1 : 0;
      offset = quote + options.offset;
    }
    return this.#position(start + offset);
  }

  #position(offset: number): [number, number] {
    const { line, col } = this.#lines.linePos(offset);
    return [line, col];
  }
}

function yamlHint(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'Each key may appear once in a map; remove or rename the second one.';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'Check the indentation: nested options are indented by two spaces under their parent.';
    case 'TAB_AS_INDENT':
      return 'YAML does not allow tabs for indentation; use spaces.';
    default:
      return 'Fix the YAML syntax at this position (quote strings that contain ": " or start with special characters).';
  }
}
