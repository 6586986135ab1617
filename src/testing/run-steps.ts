import type { Receiver } from '../adapters/adapter.spec.ts';
import type { Exchange } from '../engine/exchange.ts';
import { compileFlow } from '../flow/compiler.ts';
import type { Diagnostic } from '../flow/diagnostic.ts';
import { formatDiagnostic } from '../flow/diagnostic.ts';
import { detachedServices } from '../runtime/detached-services.ts';
import type { RuntimeServices } from '../runtime/services.ts';

export interface StepInput {
  body?: unknown;
  headers?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  /** Cancels the message when it aborts. */
  signal?: AbortSignal;
}

export interface StepRunOptions {
  /** Files relative to the (virtual) flow file, e.g. scripts and stylesheets. */
  files?: Record<string, string>;
  receivers?: Record<string, Receiver>;
  /** Extra top-level flow YAML (localProcesses, namespaces, parameters, exceptionSubprocess…). */
  flow?: string;
  services?: RuntimeServices;
  scriptTimeoutMs?: number;
}

/** Lines the wrapper puts before the steps, and their indent, so positions refer to the snippet. */
const HEADER_LINES = 2;
const INDENT = '  ';

function wrap(stepsYaml: string, extra = ''): string {
  const indented = stepsYaml
    .trim()
    .split('\n')
    .map((line) => INDENT + line)
    .join('\n');
  return `id: step-test\nsteps:\n${indented}\n${extra}`;
}

function compile(stepsYaml: string, options: StepRunOptions) {
  return compileFlow(wrap(stepsYaml, options.flow), {
    file: '/virtual/step-test.yaml',
    services: options.services ?? detachedServices(),
    files: options.files,
    scriptTimeoutMs: options.scriptTimeoutMs,
    receiverOverrides: options.receivers ? new Map(Object.entries(options.receivers)) : undefined,
  });
}

/**
 * The load errors of a list of steps, positioned within the snippet as given (line 1 is its first
 * line). For step tests of bad input.
 */
export function stepErrors(stepsYaml: string, options: StepRunOptions = {}): Diagnostic[] {
  return compile(stepsYaml, options).diagnostics.map((d) => {
    const inSteps = d.line > HEADER_LINES && d.line <= HEADER_LINES + stepsYaml.trim().split('\n').length;
    return inSteps ? { ...d, line: d.line - HEADER_LINES, col: Math.max(1, d.col - INDENT.length) } : d;
  });
}

/**
 * Compiles a `steps:` list through the real compiler and runs one message through it. Throws the
 * load errors, or the error the message failed with (after the exception subprocess, if any).
 */
export async function runSteps(
  stepsYaml: string,
  input: StepInput = {},
  options: StepRunOptions = {},
): Promise<Exchange> {
  const { flow, diagnostics } = compile(stepsYaml, options);
  if (!flow) throw new Error(`The steps do not compile:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  const exchange = flow.runner.newExchange(input);
  const { error } = await flow.runner.dispatch(exchange);
  if (error) throw error;
  return exchange;
}
