import assert from 'node:assert/strict';
import type { Receiver } from '../adapters/adapter.spec.ts';
import type { Exchange } from '../engine/exchange.ts';
import type { StepRun } from '../engine/message-log.ts';
import { compileFlow } from '../flow/compiler.ts';
import type { Diagnostic } from '../flow/diagnostic.ts';
import { formatDiagnostic } from '../flow/diagnostic.ts';
import type { MplEntry } from '../observability/mpl.types.ts';
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

/** A message that failed: the error the sender gets, and the message processing log entry written. */
export interface StepFailure {
  error: Error & { code?: string; hint?: string };
  entry: MplEntry;
  /** The innermost step that failed (nested steps are logged before the step around them). */
  failedStep?: StepRun;
}

/**
 * Runs one message through the steps as `runSteps` does, expecting it to fail, and returns the error
 * with the log entry the flow runner wrote for it. For step tests of bad messages.
 */
export async function failSteps(
  stepsYaml: string,
  input: StepInput = {},
  options: Omit<StepRunOptions, 'services'> = {},
): Promise<StepFailure> {
  const entries: MplEntry[] = [];
  const { flow, diagnostics } = compile(stepsYaml, { ...options, services: detachedServices(entries) });
  if (!flow) throw new Error(`The steps do not compile:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  const { error } = await flow.runner.dispatch(flow.runner.newExchange(input));
  assert.ok(error, 'expected the message to fail, but it completed');
  assert.equal(entries.length, 1, 'expected one message processing log entry');
  const [entry] = entries;
  return { error, entry, failedStep: entry.steps.find((s) => s.error !== undefined) };
}

/**
 * What a user must be able to read from a failed message: it is logged FAILED with its error, the log
 * names the step that failed, and the error has a stable code, says what went wrong and how to fix it.
 */
export function assertClearFailure(
  failure: StepFailure,
  expected: { code: string; step: string; message: RegExp },
): void {
  const { error, entry, failedStep } = failure;
  assert.equal(entry.status, 'FAILED');
  assert.equal(entry.error, error.message);
  assert.equal(failedStep?.step, expected.step, 'the log names the step that failed');
  assert.equal(failedStep?.error, error.message);
  assert.equal(error.code, expected.code);
  assert.match(error.message, expected.message);
  assert.ok(error.hint, `the error "${error.message}" says how to fix it`);
}

/** A load error as `line:col message` (positions within the snippet), with its hint, for step tests. */
export function describeErrors(stepsYaml: string, options: StepRunOptions = {}): string[] {
  return stepErrors(stepsYaml, options).map(
    (d) => `${d.line}:${d.col} ${d.message}${d.hint ? ` (hint: ${d.hint})` : ' (no hint)'}`,
  );
}
