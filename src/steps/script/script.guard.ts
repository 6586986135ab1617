import { randomBytes } from 'node:crypto';
import { parse } from 'acorn';

/**
 * The time limit of a script, built into its code: a deadline check at the head of every loop body and
 * every function body. A vm `timeout` per call starts a watchdog thread each time (~350 µs a call, the
 * cost of the whole transform bench); this check costs a decrement and a compare per iteration.
 *
 * The check is `if(--B<0)C();`: every BUDGET checks, C compares the clock with the deadline. Once past
 * it, C leaves the budget at 0, so every later check throws too: a `catch` around a runaway inner loop
 * cannot swallow the timeout and keep an outer loop going.
 *
 * B, C and the deadline are script-scope `let`/`const` bindings of the context with a random name per
 * compile, so a script cannot name them; with eval and `new Function` disabled (code made from strings
 * would run without checks) it cannot learn them from its own source either.
 */

/** Checks between two looks at the clock: small enough that a loop with a slow body still stops soon. */
const BUDGET = 256;

/** Thrown by the check when the deadline has passed. */
export class ScriptTimeout extends Error {
  override name = 'ScriptTimeout';
}

/** A syntax error acorn found, with its 1-based position. */
export class GuardParseError extends Error {
  readonly line: number;
  readonly col: number;
  constructor(message: string, line: number, col: number) {
    super(message);
    this.line = line;
    this.col = col;
  }
}

export interface GuardedScript {
  /** The script with checks inserted; same lines as the source, only columns move. */
  code: string;
  /**
   * Runs first in the context; its completion value is `init(now, fail)`, which returns
   * `arm(deadline)`, to be called before each call of the script.
   */
  preamble: string;
  /** The source column (1-based) of a position in `code`; lines are the same. */
  sourceColumn(line: number, col: number): number;
  /**
   * Whether the script may run a regular expression: a literal, `RegExp`, or `match`, `matchAll` or
   * `search` (which make one of a string). One call of a regular expression can backtrack for minutes,
   * and no check inside it can stop it; such a script runs under a vm `timeout` too (script.runner.ts).
   */
  usesRegExp: boolean;
}

interface Insertion {
  pos: number;
  text: string;
  /** Order among insertions at the same position: closers first (inner first), then openers (outer first). */
  rank: number;
}

type AstNode = { type: string; start: number; end: number; [key: string]: unknown };

const LOOPS = new Set([
  'ForStatement',
  'ForInStatement',
  'ForOfStatement',
  'WhileStatement',
  'DoWhileStatement',
]);
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

/** Parses the script and inserts the checks. Throws GuardParseError on a syntax error. */
export function guardScript(source: string): GuardedScript {
  let program: AstNode;
  try {
    program = parse(source, { ecmaVersion: 'latest', sourceType: 'script' }) as unknown as AstNode;
  } catch (error) {
    const e = error as SyntaxError & { loc?: { line: number; column: number } };
    throw new GuardParseError(
      e.message.replace(/ \(\d+:\d+\)$/, ''),
      e.loc?.line ?? 1,
      (e.loc?.column ?? 0) + 1,
    );
  }
  const id = uniquePrefix(source);
  const [budget, deadline, check, now, fail] = ['b', 'd', 'c', 'n', 'f'].map((s) => id + s);
  const statement = `if(--${budget}<0)${check}();`;
  const insertions: Insertion[] = [];
  walk(program, 0, statement, `(--${budget}<0&&${check}(),`, insertions);
  insertions.sort((a, b) => a.pos - b.pos || a.rank - b.rank);

  let code = '';
  let from = 0;
  for (const { pos, text } of insertions) {
    code += source.slice(from, pos) + text;
    from = pos;
  }
  code += source.slice(from);

  const preamble =
    `let ${budget}=0,${deadline}=Infinity,${now},${fail};` +
    `const ${check}=()=>{if(${now}()>${deadline}){${budget}=0;${fail}();}${budget}=${BUDGET};};` +
    `(n,f)=>{${now}=n;${fail}=f;return (d)=>{${deadline}=d;${budget}=${BUDGET};};}`;
  return { code, preamble, sourceColumn: columnMap(source, insertions), usesRegExp: usesRegExp(program) };
}

/** Methods that turn a string argument into a regular expression. */
const REGEXP_METHODS = new Set(['match', 'matchAll', 'search']);

function usesRegExp(node: AstNode): boolean {
  if (node.type === 'Literal' && node.regex !== undefined) return true;
  if (node.type === 'Identifier' && node.name === 'RegExp') return true;
  if (node.type === 'MemberExpression') {
    const property = node.property as AstNode;
    const name = node.computed ? property.value : property.name;
    if (typeof name === 'string' && REGEXP_METHODS.has(name)) return true;
  }
  for (const key in node) {
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (isNode(child) && usesRegExp(child)) return true;
    } else if (isNode(value) && usesRegExp(value)) return true;
  }
  return false;
}

function walk(node: AstNode, depth: number, statement: string, expression: string, out: Insertion[]): void {
  const body = node.body as AstNode | undefined;
  if (LOOPS.has(node.type) && body) {
    if (body.type === 'BlockStatement') out.push({ pos: body.start + 1, text: statement, rank: depth });
    else {
      // A single-statement body (or `;`) becomes a block, on the same line.
      out.push({ pos: body.start, text: `{${statement}`, rank: depth });
      out.push({ pos: body.end, text: '}', rank: -1e6 - depth });
    }
  } else if (FUNCTIONS.has(node.type) && body) {
    if (body.type === 'BlockStatement') {
      // After the directive prologue, so that "use strict" stays a directive.
      const statements = body.body as AstNode[];
      let last = -1;
      while (last + 1 < statements.length && typeof statements[last + 1].directive === 'string') last++;
      if (last < 0) out.push({ pos: body.start + 1, text: statement, rank: depth });
      else out.push({ pos: statements[last].end, text: `;${statement}`, rank: depth });
    } else {
      out.push({ pos: body.start, text: expression, rank: depth });
      out.push({ pos: body.end, text: ')', rank: -1e6 - depth });
    }
  }
  for (const key in node) {
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (isNode(child)) walk(child, depth + 1, statement, expression, out);
    } else if (isNode(value)) walk(value, depth + 1, statement, expression, out);
  }
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).type === 'string';
}

/** `__cw` and random hex that the source does not contain, so no user name can collide. */
function uniquePrefix(source: string): string {
  for (;;) {
    const prefix = `__cw${randomBytes(6).toString('hex')}`;
    if (!source.includes(prefix)) return prefix;
  }
}

/** Undoes the column shift of the insertions on a line (inserted text maps to the code after it). */
function columnMap(source: string, insertions: Insertion[]): (line: number, col: number) => number {
  const lineStarts = [0];
  for (const match of source.matchAll(/\r\n?|[\n\u2028\u2029]/g))
    lineStarts.push(match.index + match[0].length);
  return (line, col) => {
    const start = lineStarts[line - 1];
    if (start === undefined) return col;
    const end = lineStarts[line] ?? Number.POSITIVE_INFINITY;
    const target = col - 1;
    let shift = 0;
    for (const { pos, text } of insertions) {
      if (pos < start) continue;
      if (pos >= end) break;
      const at = pos - start + shift;
      if (target < at) break;
      if (target < at + text.length) return pos - start + 1;
      shift += text.length;
    }
    return target - shift + 1;
  };
}
