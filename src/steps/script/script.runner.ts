import { stripTypeScriptTypes } from 'node:module';
import vm from 'node:vm';
import type { Exchange } from '../../engine/exchange.ts';
import { CausewayError, UserError } from '../../errors.ts';
import { messageLogFactory, ScriptMessage } from './script.message.ts';

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
  let code = source.code;
  if (source.language === 'typescript') {
    try {
      // Strip mode replaces types with spaces, so positions in errors still match the file.
      code = stripTypeScriptTypes(code, { mode: 'strip' });
    } catch (error) {
      throw new ScriptCompileError(`TypeScript: ${(error as Error).message}`);
    }
  }
  let script: vm.Script;
  try {
    script = new vm.Script(code, { filename: source.fileName });
  } catch (error) {
    throw syntaxError(error, source.fileName);
  }
  const context = vm.createContext({ console: silentConsole, messageLogFactory });
  try {
    script.runInContext(context, source.timeoutMs > 0 ? { timeout: source.timeoutMs } : {});
  } catch (error) {
    throw new ScriptCompileError(`the script failed while loading: ${describe(error, source.fileName)}`);
  }
  const entry = context[source.entry];
  if (typeof entry !== 'function') {
    throw new ScriptCompileError(
      `the script defines no function '${source.entry}'. Define function ${source.entry}(message) { … return message; }`,
    );
  }

  // A call through vm.Script is what lets V8's watchdog stop a runaway loop; without a limit the
  // function is called directly, which costs far less.
  const invoke = new vm.Script(`${source.entry}(globalThis.__causewayMessage)`, {
    filename: 'causeway:call',
  });
  const limit = source.timeoutMs;
  const call =
    limit > 0
      ? (message: ScriptMessage) => {
          context.__causewayMessage = message;
          try {
            return invoke.runInContext(context, { timeout: limit });
          } finally {
            context.__causewayMessage = undefined;
          }
        }
      : (message: ScriptMessage) => entry(message);

  return (exchange) => {
    let result: unknown;
    try {
      result = call(new ScriptMessage(exchange));
    } catch (error) {
      throw runtimeError(error, source);
    }
    if (
      result !== null &&
      typeof result === 'object' &&
      typeof (result as PromiseLike<unknown>).then === 'function'
    ) {
      return settle(result as PromiseLike<unknown>, source);
    }
  };
}

/** Waits for an async script, failing it when it does not settle within the limit. */
function settle(pending: PromiseLike<unknown>, source: ScriptSource): Promise<void> {
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
        reject(runtimeError(error, source));
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

function runtimeError(error: unknown, source: ScriptSource): Error {
  if ((error as { code?: string })?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return timeoutError(source);
  if (error instanceof CausewayError) return error;
  return new UserError(
    'CW_ERR_SCRIPT',
    `Step ${source.step}: the script failed: ${describe(error, source.fileName)}`,
    {
      cause: error,
      hint: `Fix ${source.fileName} at the line named, or catch the error in ${source.entry}.`,
    },
  );
}

/** `TypeError: x is null at scripts/a.js:3:7`: the message and the script's own top stack line. */
function describe(error: unknown, fileName: string): string {
  const e = error as { name?: string; message?: string; stack?: string };
  const head =
    e && typeof e === 'object' && 'message' in e ? `${e.name ?? 'Error'}: ${e.message}` : String(error);
  // The first frame in the script file (the stack may start with V8's `file:line` decoration).
  const frame = new RegExp(`${escapeRegExp(fileName)}:\\d+:\\d+`).exec(e?.stack ?? '');
  const where = frame?.[0];
  return where ? `${head} at ${where}` : head;
}

/** V8 puts `file:line`, the source line and a caret above the message of a SyntaxError. */
function syntaxError(error: unknown, fileName: string): ScriptCompileError {
  const stack = String((error as Error)?.stack ?? '');
  const lines = stack.split('\n');
  const located = new RegExp(`^${escapeRegExp(fileName)}:(\\d+)$`).exec(lines[0] ?? '');
  const line = located ? Number(located[1]) : undefined;
  const caret = lines[2]?.indexOf('^');
  const col = line !== undefined && caret !== undefined && caret >= 0 ? caret + 1 : undefined;
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
