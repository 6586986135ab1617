import type { Static, TSchema } from '@sinclair/typebox';
import type { Receiver } from '../adapters/adapter.spec.ts';
import type { Processor } from '../engine/processor.ts';
import type {
  Expression,
  ExpressionLanguage,
  NamespaceMap,
  Predicate,
  XPathResultType,
} from '../expression/expression.ts';
import type { Path } from '../flow/path.ts';
import { Type } from '../flow/schema-builder.ts';

/** A step as written in YAML: a map with exactly one key, the step kind, whose value holds the options. */
export type StepNode = Record<string, unknown>;

/**
 * A nested list of steps inside a step's options (a route, a branch, a local process). It validates
 * as a plain list here; the compiler validates each step in it with that step's own spec, and the
 * JSON Schema generator turns it into a reference to the step list definition.
 */
export const StepList = (options: { description?: string } = {}) =>
  Type.Array(Type.Unknown(), { ...options, 'x-causeway-steps': true });

/** What a step's compile function can ask of the flow being compiled. */
export interface CompileContext {
  readonly flowId: string;
  /** The flow file, for messages. */
  readonly file: string;
  /** XPath namespace prefixes declared by the flow (`namespaces:`). */
  readonly namespaces: NamespaceMap;
  /** Time limit for one script run, in milliseconds. */
  readonly scriptTimeoutMs: number;

  /** Records a problem at `path` and lets compiling go on, so that every error is reported at once. */
  error(path: Path, message: string, hint?: string): void;
  /** Compiles an expression; a syntax error is recorded at `path` (with the column inside the text). */
  expression(
    source: string,
    path: Path,
    language?: ExpressionLanguage,
    options?: { resultType?: XPathResultType },
  ): Expression;
  /** Compiles a condition in Simple or XPath. */
  predicate(source: string, path: Path, language?: 'simple' | 'xpath'): Predicate;
  /**
   * Compiles a string option that may hold `${...}` parts (an address, a header value) into a
   * function giving the string per message; a string without `${` costs nothing per message.
   */
  template(source: string, path: Path): (exchange: import('../engine/exchange.ts').Exchange) => string;
  /** Compiles a nested step list (validating each step). */
  steps(steps: unknown, path: Path): Processor;
  /** A receiver declared under `receivers:`; records an error when there is none of that name. */
  receiver(name: string, path: Path): Receiver | undefined;
  /** A local integration process, resolved lazily so that processes may call each other. */
  localProcess(name: string, path: Path): Processor | undefined;
  /** Reads a file named relative to the flow file (scripts, XSLT); records an error if missing. */
  readFile(relativePath: string, path: Path): string | undefined;
  /** Resolves a path relative to the flow file. */
  resolvePath(relativePath: string): string;
}

export interface StepExample {
  title: string;
  /** The step as it appears in a flow's `steps:` list. */
  yaml: string;
}

/**
 * Everything about one step kind, declared next to its code: the options (which drive validation,
 * the JSON Schema and the docs) and how to compile them into a processor.
 */
export interface StepSpec<S extends TSchema = TSchema> {
  /** The YAML key, e.g. `contentModifier`. */
  kind: string;
  /** CPI's name, e.g. `Content Modifier`. */
  title: string;
  description: string;
  options: S;
  /** Reads the body as a stream itself; otherwise the pipeline reads a streamed body first. */
  streaming?: boolean;
  examples?: StepExample[];
  compile(options: Static<S>, ctx: CompileContext, path: Path): Processor;
}

/** Declares a step spec with its option types inferred from the schema. */
export function defineStep<S extends TSchema>(spec: StepSpec<S>): StepSpec<S> {
  return spec;
}
