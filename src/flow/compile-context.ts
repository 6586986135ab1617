import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Receiver } from '../adapters/adapter.spec.ts';
import type { Exchange } from '../engine/exchange.ts';
import { type Processor, sequence } from '../engine/processor.ts';
import { UserError } from '../errors.ts';
import type {
  Expression,
  ExpressionLanguage,
  NamespaceMap,
  Predicate,
  XPathResultType,
} from '../expression/expression.ts';
import {
  compileExpression,
  compilePredicate,
  compileTemplate,
  ExpressionSyntaxError,
} from '../expression/index.ts';
import { steps as allSteps, stepSpec } from '../steps/index.ts';
import type { CompileContext } from '../steps/step.spec.ts';
import type { Diagnostic } from './diagnostic.ts';
import { formatPath, type Path } from './path.ts';
import type { FlowSource } from './source.ts';
import { wrapStep } from './step-wrapper.ts';
import { closest, validateOptions } from './validate-options.ts';

/**
 * Local process calls nested deeper than this fail the message: a process calling itself without end
 * would otherwise overflow the stack with a bare RangeError (or, through a receiver, never end).
 */
const MAX_PROCESS_DEPTH = 100;

export interface FlowCompileSettings {
  flowId: string;
  namespaces: NamespaceMap;
  scriptTimeoutMs: number;
  /** Files by path relative to the flow, used instead of the file system (tests, archives). */
  files?: Readonly<Record<string, string>>;
}

/**
 * The CompileContext of one flow: turns step nodes into processors, and collects every problem with
 * its position instead of stopping at the first, so `causeway validate` reports them all at once.
 */
export class FlowCompileContext implements CompileContext {
  readonly flowId: string;
  readonly file: string;
  readonly namespaces: NamespaceMap;
  readonly scriptTimeoutMs: number;
  readonly diagnostics: Diagnostic[] = [];
  readonly receivers = new Map<string, Receiver>();
  /** Receivers declared with problems already reported: a step naming one is not reported again. */
  readonly brokenReceivers = new Set<string>();
  /** Values holding an unknown `{{parameter}}`, reported as such: what uses them is not reported too. */
  readonly #unresolved = new Set<string>();
  readonly localProcesses = new Map<string, Processor>();
  /** Names declared under `localProcesses:`, known before any of them is compiled. */
  localProcessNames = new Set<string>();
  readonly #source: FlowSource;
  readonly #files?: Readonly<Record<string, string>>;
  /** How deep local process calls are nested in each message being processed. */
  readonly #processDepth = new WeakMap<Exchange, number>();

  constructor(source: FlowSource, settings: FlowCompileSettings) {
    this.#source = source;
    this.file = source.file;
    this.flowId = settings.flowId;
    this.namespaces = settings.namespaces;
    this.scriptTimeoutMs = settings.scriptTimeoutMs;
    this.#files = settings.files;
  }

  error(path: Path, message: string, hint?: string, options: { key?: boolean; offset?: number } = {}): void {
    if (!this.#unresolved.has(formatPath(path))) this.#report(path, message, hint, options);
  }

  /**
   * Reports an unknown parameter in the value at `path`. Other problems of that value follow from it
   * (`'{{url}}' is not an absolute URL`, `unknown local process '{{p}}'`) and are not reported.
   */
  unknownParameter(path: Path, message: string, hint: string, offset: number): void {
    this.#report(path, message, hint, { offset });
    this.#unresolved.add(formatPath(path));
  }

  #report(
    path: Path,
    message: string,
    hint: string | undefined,
    options: { key?: boolean; offset?: number },
  ) {
    const where = formatPath(path);
    const [line, col] = this.#source.locate(path, options);
    this.diagnostics.push({
      file: this.file,
      line,
      col,
      message: where ? `${where}: ${message}` : message,
      hint,
    });
  }

  expression(
    source: string,
    path: Path,
    language: ExpressionLanguage = 'simple',
    options: { resultType?: XPathResultType } = {},
  ): Expression {
    try {
      return compileExpression(source, language, {
        namespaces: this.namespaces,
        resultType: options.resultType,
      });
    } catch (error) {
      this.#expressionError(error, path);
      return { language, source, evaluate: () => undefined };
    }
  }

  predicate(source: string, path: Path, language: 'simple' | 'xpath' = 'simple'): Predicate {
    try {
      return compilePredicate(source, language, { namespaces: this.namespaces });
    } catch (error) {
      this.#expressionError(error, path);
      return { language, source, test: () => false };
    }
  }

  template(source: string, path: Path): (exchange: Exchange) => string {
    if (!source.includes('${')) return () => source;
    try {
      return compileTemplate(source, { namespaces: this.namespaces });
    } catch (error) {
      this.#expressionError(error, path);
      return () => source;
    }
  }

  steps(list: unknown, path: Path): Processor {
    if (!Array.isArray(list)) {
      this.error(
        path,
        'expected a list of steps',
        'Write steps as a YAML list: each item "- stepKind: { options }".',
      );
      return sequence([]);
    }
    return sequence(
      list.map((node, index) => this.#step(node, [...path, index])).filter((p) => p !== undefined),
    );
  }

  receiver(name: string, path: Path): Receiver | undefined {
    const receiver = this.receivers.get(name);
    if (!receiver && !this.brokenReceivers.has(name)) {
      const known = [...this.receivers.keys()];
      const close = closest(name, known);
      this.error(
        path,
        `unknown receiver '${name}'`,
        close
          ? `Did you mean '${close}'?`
          : known.length
            ? `Declared receivers: ${known.join(', ')}`
            : 'Declare it under "receivers:".',
      );
    }
    return receiver;
  }

  localProcess(name: string, path: Path): Processor | undefined {
    if (!this.localProcessNames.has(name)) {
      const known = [...this.localProcessNames];
      const close = closest(name, known);
      this.error(
        path,
        `unknown local process '${name}'`,
        close
          ? `Did you mean '${close}'?`
          : known.length
            ? `Declared local processes: ${known.join(', ')}`
            : 'Declare it under "localProcesses:".',
      );
      return undefined;
    }
    // Resolved per call, so processes may call each other in any order of declaration.
    return (exchange) => {
      const depth = (this.#processDepth.get(exchange) ?? 0) + 1;
      if (depth > MAX_PROCESS_DEPTH) {
        throw new UserError(
          'CW_ERR_LOOP_LIMIT',
          `Local process calls are nested ${MAX_PROCESS_DEPTH} deep at '${name}': a local process calls itself, directly or through others, without end.`,
          {
            hint: 'End the recursion with a router condition, or repeat the process with a loopingProcessCall.',
          },
        );
      }
      this.#processDepth.set(exchange, depth);
      const done = () => void this.#processDepth.set(exchange, depth - 1);
      let pending: void | Promise<void>;
      try {
        pending = this.localProcesses.get(name)!(exchange);
      } catch (error) {
        done();
        throw error;
      }
      if (!pending) return done();
      return pending.finally(done);
    };
  }

  readFile(relativePath: string, path: Path): string | undefined {
    const bundled = this.#files?.[relativePath];
    if (bundled !== undefined) return bundled;
    try {
      return readFileSync(this.resolvePath(relativePath), 'utf8');
    } catch (error) {
      this.error(
        path,
        `cannot read '${relativePath}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        'The path is relative to the flow file.',
      );
      return undefined;
    }
  }

  resolvePath(relativePath: string): string {
    return resolve(dirname(this.file), relativePath);
  }

  #step(node: unknown, path: Path): Processor | undefined {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      this.error(
        path,
        'a step must be a map with one key, the step kind',
        'For example "- contentModifier: { … }".',
      );
      return undefined;
    }
    const keys = Object.keys(node);
    if (keys.length !== 1) {
      this.error(
        path,
        keys.length === 0
          ? 'empty step'
          : `a step has exactly one key, the step kind; found ${keys.map((k) => `'${k}'`).join(', ')}`,
        'Indent the options under the step kind: "- router:\\n    routes: …".',
      );
      return undefined;
    }
    const kind = keys[0];
    const spec = stepSpec(kind);
    const stepPath = [...path, kind];
    if (!spec) {
      const close = closest(
        kind,
        allSteps.map((s) => s.kind),
      );
      this.error(
        stepPath,
        `unknown step '${kind}'`,
        close ? `Did you mean '${close}'?` : `Known steps: ${allSteps.map((s) => s.kind).join(', ')}`,
        { key: true },
      );
      return undefined;
    }
    const { value, problems } = validateOptions(
      spec.options,
      (node as Record<string, unknown>)[kind],
      stepPath,
    );
    for (const problem of problems)
      this.error(problem.path, problem.message, problem.hint, { key: problem.key });
    if (problems.length > 0) return undefined;
    const options = value as Record<string, unknown>;
    const processor = spec.compile(options, this, stepPath);
    const label = typeof options.name === 'string' ? options.name : formatPath(stepPath);
    return wrapStep(processor, { label, kind, streaming: spec.streaming === true });
  }

  #expressionError(error: unknown, path: Path): void {
    if (error instanceof ExpressionSyntaxError) {
      this.error(path, error.message, error.hint, { offset: error.offset });
    } else {
      this.error(path, (error as Error).message);
    }
  }
}
