import { randomBytes } from 'node:crypto';
import { stripTypeScriptTypes } from 'node:module';
import vm from 'node:vm';
import type { Exchange } from '../../engine/exchange.ts';
import { CausewayError, OperationalError, UserError } from '../../errors.ts';
import { type GuardedScript, GuardParseError, guardScript, ScriptTimeout } from './script.guard.ts';
import { messageLogFactory, ScriptMessage, type ScriptRealm } from './script.message.ts';

/**
 * Runs a user script in a `node:vm` context made once per step. The context has the JavaScript
 * builtins, a silent `console` and `messageLogFactory`; no `require`, `process` or file system.
 * It is not a security boundary (host objects lead back to the host realm); tenant isolation comes
 * from worker processes.
 */

export interface ScriptSource {
  code: string;
  language: 'javascript' | 'typescript';
  /** Shown in stack traces and messages: the file name, or `inline script`. */
  fileName: string;
  entry: string;
  /** Limit per call in milliseconds; 0 runs without a limit. */
  timeoutMs: number;
  /** How the step is named in errors. */
  step: string;
}

/** A problem in the script text, with its 1-based position. */
export class ScriptCompileError extends Error {
  readonly line?: number;
  readonly col?: number;
  constructor(message: string, line?: number, col?: number) {
    super(message);
    this.line = line;
    this.col = col;
  }
}

const noop = () => {};
const silentConsole = Object.freeze({
  log: noop,
  info: noop,
  warn: noop,
  error: noop,
  debug: noop,
  trace: noop,
});

export type ScriptCall = (exchange: Exchange) => void | Promise<void>;

/** Compiles the script and returns what runs it per message. Throws ScriptCompileError. */
export function compileScript(source: ScriptSource): ScriptCall {
  const code = stripTypes(source);
  const limit = source.timeoutMs;
  // With a limit, deadline checks are compiled into the script (script.guard.ts) instead of passing
  // `timeout` to each runInContext: that starts a watchdog thread per call, 170-490 µs for the bench's
  // transform script against 2-6 µs with the checks (script.bench.ts), at ~20k scripts/s in the bench.
  const guarded = limit > 0 ? guard(code, source.fileName) : undefined;
  const toSource = guarded?.sourceColumn;
  let script: vm.Script;
  try {
    script = new vm.Script(guarded?.code ?? code, { filename: source.fileName });
  } catch (error) {
    throw syntaxError(error, source.fileName, toSource);
  }
  const context = createScriptContext(guarded !== undefined);
  const realm = scriptRealm(context);
  let arm: (deadline: number) => void = noop;
  if (guarded) {
    const init = new vm.Script(guarded.preamble, { filename: 'causeway:guard' }).runInContext(context);
    arm = init(
      () => performance.now(),
      () => {
        throw new ScriptTimeout(`Script execution timed out after ${limit} ms`);
      },
    );
    arm(performance.now() + limit);
  }
  try {
    // Loading runs once per deploy, so the vm timeout's watchdog costs nothing that matters here.
    script.runInContext(context, limit > 0 ? { timeout: limit } : {});
  } catch (error) {
    throw new ScriptCompileError(
      `the script failed while loading: ${describe(error, source.fileName, toSource)}`,
    );
  }
  const entry = context[source.entry];
  if (typeof entry !== 'function') {
    throw new ScriptCompileError(
      `the script defines no function '${source.entry}'. Define function ${source.entry}(message) { … return message; }`,
    );
  }

  // The deadline stays armed after the call returns, so code after an `await` is held to it too.
  const call = guarded?.usesRegExp
    ? watchedCall(context, entry, limit, arm)
    : guarded
      ? (message: ScriptMessage) => {
          arm(performance.now() + limit);
          return entry(message);
        }
      : (message: ScriptMessage) => entry(message);

  return (exchange) => {
    let result: unknown;
    try {
      result = call(new ScriptMessage(exchange, realm));
    } catch (error) {
      throw runtimeError(error, source, toSource);
    }
    if (
      result !== null &&
      typeof result === 'object' &&
      typeof (result as PromiseLike<unknown>).then === 'function'
    ) {
      return settle(result as PromiseLike<unknown>, source, toSource);
    }
  };
}

/**
 * Calls the script under a vm `timeout` as well as its checks: a regular expression can backtrack for
 * minutes inside one call, where no check runs, and only V8's termination, which the timeout's
 * watchdog thread sends, stops it. The watchdog costs a thread per call (about 85 µs), so only
 * scripts that may run a regular expression pay it; the synchronous part of a call is covered.
 */
function watchedCall(
  context: vm.Context,
  entry: (message: ScriptMessage) => unknown,
  limit: number,
  arm: (deadline: number) => void,
): (message: ScriptMessage) => unknown {
  const slot = `__cw${randomBytes(6).toString('hex')}`;
  const call = new vm.Script(`(0, globalThis.${slot}.entry)(globalThis.${slot}.message)`, {
    filename: 'causeway:call',
  });
  const frame: { entry: typeof entry; message?: ScriptMessage } = { entry };
  Object.defineProperty(context, slot, { value: frame });
  return (message) => {
    arm(performance.now() + limit);
    frame.message = message;
    try {
      return call.runInContext(context, { timeout: limit });
    } finally {
      frame.message = undefined;
    }
  };
}

/**
 * The script's global object: an ordinary object (`DONT_CONTEXTIFY`), not a contextified sandbox. A
 * sandbox answers every global lookup (`Math`, `JSON`, `Object`) through a C++ interceptor, ~200 ns
 * each against ~1 ns (script.bench.ts), which made any script that uses builtins in a loop slow.
 */
function createScriptContext(limited: boolean): vm.Context {
  // Code made from strings (eval, new Function, WebAssembly) would run without checks: off under a limit.
  const context = vm.createContext(
    vm.constants.DONT_CONTEXTIFY,
    limited ? { codeGeneration: { strings: false, wasm: false } } : {},
  ) as Record<string, unknown>;
  context.console = silentConsole;
  context.messageLogFactory = messageLogFactory;
  return context;
}

/** The context's own builtins, taken before the script runs, so that it cannot replace them for us. */
function scriptRealm(context: vm.Context): ScriptRealm {
  const parseJson = new vm.Script('JSON.parse', { filename: 'causeway:realm' }).runInContext(context);
  return { parseJson };
}

function stripTypes(source: ScriptSource): string {
  if (source.language !== 'typescript') return source.code;
  try {
    // Strip mode replaces types with spaces, so positions in errors still match the file.
    return stripTypeScriptTypes(source.code, { mode: 'strip' });
  } catch (error) {
    throw new ScriptCompileError(`TypeScript: ${(error as Error).message}`);
  }
}

/** The script with its time-limit checks; a syntax error is reported as V8 words it, when V8 agrees. */
function guard(code: string, fileName: string): GuardedScript {
  try {
    return guardScript(code);
  } catch (error) {
    if (!(error instanceof GuardParseError)) throw error;
    try {
      new vm.Script(code, { filename: fileName });
    } catch (v8Error) {
      throw syntaxError(v8Error, fileName);
    }
    throw new ScriptCompileError(
      `${error.message} at ${fileName}:${error.line}:${error.col}: the parser that adds the time-limit ` +
        'checks does not know this syntax. Rewrite that line, or set timeoutMs: 0 to run the script without a limit',
      error.line,
      error.col,
    );
  }
}

/** Waits for an async script, failing it when it does not settle within the limit. */
function settle(pending: PromiseLike<unknown>, source: ScriptSource, toSource?: ColumnMap): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer =
      source.timeoutMs > 0 ? setTimeout(() => reject(timeoutError(source)), source.timeoutMs) : undefined;
    timer?.unref();
    pending.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error) => {
        clearTimeout(timer);
        reject(runtimeError(error, source, toSource));
      },
    );
  });
}

function timeoutError(source: ScriptSource): UserError {
  return new UserError(
    'CW_ERR_SCRIPT_TIMEOUT',
    `Step ${source.step}: the script ${source.fileName} did not finish within ${source.timeoutMs} ms.`,
    {
      hint: 'Look for a loop that never ends or a promise that never settles; raise timeoutMs if the work is really that long.',
    },
  );
}

function runtimeError(error: unknown, source: ScriptSource, toSource?: ColumnMap): Error {
  if (error instanceof ScriptTimeout) return timeoutError(source);
  if ((error as { code?: string })?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return timeoutError(source);
  if (error instanceof CausewayError) return fromMessageApi(error, source, toSource);
  const text = describe(error, source.fileName, toSource);
  const e = error as { name?: unknown; message?: unknown; stack?: unknown };
  if (toSource && e && typeof e === 'object' && typeof e.stack === 'string') {
    try {
      // The cause's stack is shown too: give it the source's columns, not the instrumented code's.
      e.stack = sourceFrames(e.stack, source.fileName, toSource);
    } catch {
      // A frozen error keeps its stack; the message below is still right.
    }
  }
  const generated = e?.name === 'EvalError' && /code generation from strings/i.test(String(e.message));
  return new UserError('CW_ERR_SCRIPT', `Step ${source.step}: the script failed: ${text}`, {
    cause: error,
    hint: generated
      ? `eval, new Function and WebAssembly are off while a script has a time limit (such code would run without it): write the code out in ${source.fileName}, or set timeoutMs: 0.`
      : `Fix ${source.fileName} at the line named, or catch the error in ${source.entry}.`,
  });
}

/**
 * An error of the message API the script called (a body that is not JSON): same kind, code and hint,
 * but saying which step failed and at which line of the script the call was.
 */
function fromMessageApi(error: CausewayError, source: ScriptSource, toSource?: ColumnMap): Error {
  const where = scriptFrame(error.stack, source.fileName, toSource);
  const message = `Step ${source.step}: ${error.message}${where ? ` (at ${where})` : ''}`;
  const options = { cause: error, hint: error.hint };
  if (error instanceof UserError) return new UserError(error.code, message, options);
  if (error instanceof OperationalError) return new OperationalError(error.code, message, options);
  return error;
}

type ColumnMap = (line: number, col: number) => number;

/** Rewrites every `file:line:col` of the script in a stack to the source's column. */
function sourceFrames(stack: string, fileName: string, toSource: ColumnMap): string {
  return stack.replace(
    new RegExp(`${escapeRegExp(fileName)}:(\\d+):(\\d+)`, 'g'),
    (_, line: string, col: string) => `${fileName}:${line}:${toSource(Number(line), Number(col))}`,
  );
}

/** `TypeError: x is null at scripts/a.js:3:7`: the message and the script's own top stack line. */
function describe(error: unknown, fileName: string, toSource?: ColumnMap): string {
  const e = error as { name?: string; message?: string; stack?: string };
  const head =
    e && typeof e === 'object' && 'message' in e ? `${e.name ?? 'Error'}: ${e.message}` : String(error);
  const where = scriptFrame(e?.stack, fileName, toSource);
  return where ? `${head} at ${where}` : head;
}

/** `scripts/a.js:3:7`: the first frame of a stack in the script file, in the source's columns. */
function scriptFrame(stack: unknown, fileName: string, toSource?: ColumnMap): string | undefined {
  // The first frame in the script file (the stack may start with V8's `file:line` decoration).
  const frame = new RegExp(`${escapeRegExp(fileName)}:\\d+:\\d+`).exec(
    typeof stack === 'string' ? stack : '',
  );
  if (!frame) return undefined;
  return toSource ? sourceFrames(frame[0], fileName, toSource) : frame[0];
}

/** V8 puts `file:line`, the source line and a caret above the message of a SyntaxError. */
function syntaxError(error: unknown, fileName: string, toSource?: ColumnMap): ScriptCompileError {
  const stack = String((error as Error)?.stack ?? '');
  const lines = stack.split('\n');
  const located = new RegExp(`^${escapeRegExp(fileName)}:(\\d+)$`).exec(lines[0] ?? '');
  const line = located ? Number(located[1]) : undefined;
  const caret = lines[2]?.indexOf('^');
  let col = line !== undefined && caret !== undefined && caret >= 0 ? caret + 1 : undefined;
  if (line !== undefined && col !== undefined && toSource) col = toSource(line, col);
  const message = `${(error as Error).name}: ${(error as Error).message}`;
  return new ScriptCompileError(
    line ? `${message} at ${fileName}:${line}${col ? `:${col}` : ''}` : message,
    line,
    col,
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
