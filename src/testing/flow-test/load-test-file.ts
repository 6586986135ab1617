import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Diagnostic } from '../../flow/diagnostic.ts';
import { formatPath, type Path } from '../../flow/path.ts';
import { FlowSource } from '../../flow/source.ts';
import { closest, validateOptions } from '../../flow/validate-options.ts';
import { checkExpectSources, type ErrorAt } from './check-expect.ts';
import { type FlowOutline, readFlowOutline } from './flow-outline.ts';
import {
  DEFAULT_TIMEOUT_MS,
  type TestCaseModel,
  type TestFileModel,
  TestFileSchema,
} from './flow-test.spec.ts';

/** A flow file the test runs, read once. */
export interface FlowFile {
  file: string;
  text: string;
  outline: FlowOutline;
}

export interface LoadedTestFile {
  file: string;
  flow: FlowFile;
  /** Consumer flows reachable over ProcessDirect (`flows:`). */
  others: FlowFile[];
  parameters: Record<string, unknown>;
  timeoutMs: number;
  tests: LoadedTest[];
}

export interface LoadedTest {
  case: TestCaseModel;
  /** 1-based line of the test in its file, for the output. */
  line: number;
  /** File contents named by `bodyFile:` anywhere in the test, by the path as written. */
  files: ReadonlyMap<string, string>;
}

/**
 * Reads and checks a test file before anything runs: YAML, shape, the flow it names, the fixture
 * files it reads, and receiver names. Every problem comes back with file:line:col and a hint.
 */
export function loadTestFile(file: string): { loaded?: LoadedTestFile; diagnostics: Diagnostic[] } {
  const text = readFileSync(file, 'utf8');
  const source = new FlowSource(text, file);
  if (source.diagnostics.length > 0) return { diagnostics: source.diagnostics };
  const diagnostics: Diagnostic[] = [];
  const error = (path: Path, message: string, hint?: string, key = false) => {
    const [line, col] = source.locate(path, { key });
    const where = path.length ? `${formatPath(path)}: ` : '';
    diagnostics.push({ file, line, col, message: `${where}${message}`, hint });
  };
  if (source.value === null || typeof source.value !== 'object' || Array.isArray(source.value)) {
    error([], 'a flow test file must be a YAML map', 'Start with "tests:" followed by a list of tests.');
    return { diagnostics };
  }
  const { value, problems } = validateOptions(TestFileSchema, source.value, []);
  for (const p of problems)
    error(p.path, p.message.replace('option', 'key'), p.hint?.replace('Valid options', 'Valid keys'), p.key);
  if (problems.length > 0) return { diagnostics };
  const model = value as TestFileModel;

  const here = dirname(file);
  const flowName = model.flow ?? basename(file).replace(/\.test\.(ya?ml)$/, '.$1');
  const parameters = model.parameters ?? {};
  const read = (name: string, path: Path) => readFlow(resolve(here, name), path, parameters, error);
  const flow = read(flowName, model.flow === undefined ? [] : ['flow']);
  const others = (model.flows ?? []).map((name, i) => read(name, ['flows', i]));
  if (!flow || others.some((o) => !o)) return { diagnostics };

  const flows = [flow, ...(others as FlowFile[])];
  const receivers = new Set(flows.flatMap((f) => [...f.outline.receivers.keys()]));
  // An unreadable flow's receivers are unknown; its own errors are reported when it is compiled.
  const knowsReceivers = flows.every((f) => f.outline.readable);
  const names = new Set<string>();
  const tests = model.tests.map((test, index): LoadedTest => {
    const at: Path = ['tests', index];
    if (names.has(test.name))
      error([...at, 'name'], `two tests are named '${test.name}'`, 'Give each test its own name.');
    names.add(test.name);
    const files = new Map<string, string>();
    const readBody = (owner: { body?: unknown; bodyFile?: string } | undefined, path: Path) => {
      if (owner?.bodyFile === undefined) return;
      if (owner.body !== undefined) error(path, 'body and bodyFile both given', 'Keep one of them.');
      try {
        files.set(owner.bodyFile, readFileSync(resolve(here, owner.bodyFile), 'utf8'));
      } catch (cause) {
        error(
          [...path, 'bodyFile'],
          `cannot read '${owner.bodyFile}': ${(cause as NodeJS.ErrnoException).code}`,
          'The path is relative to the test file.',
        );
      }
    };
    readBody(test.input, [...at, 'input']);
    readBody(test.expect, [...at, 'expect']);
    for (const [name, mock] of Object.entries(test.receivers ?? {})) {
      const path = [...at, 'receivers', name];
      if (knowsReceivers) checkReceiver(name, receivers, path, error);
      if (mock.reply && mock.replies)
        error(path, 'reply and replies both given', 'Use reply for every call, or replies for one per call.');
      readBody(mock.reply, [...path, 'reply']);
      for (const [i, reply] of (mock.replies ?? []).entries()) readBody(reply, [...path, 'replies', i]);
    }
    checkExpectSources(test.expect, [...at, 'expect'], flow.outline.namespaces, error);
    for (const name of knowsReceivers ? Object.keys(test.expect?.receivers ?? {}) : []) {
      checkReceiver(name, receivers, [...at, 'expect', 'receivers', name], error);
    }
    return { case: test, line: source.locate(at)[0], files };
  });
  if (diagnostics.length > 0)
    return { diagnostics: diagnostics.sort((a, b) => a.line - b.line || a.col - b.col) };
  return {
    diagnostics,
    loaded: {
      file,
      flow,
      others: others as FlowFile[],
      parameters,
      timeoutMs: model.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      tests,
    },
  };
}

function readFlow(
  file: string,
  path: Path,
  parameters: Record<string, unknown>,
  error: ErrorAt,
): FlowFile | undefined {
  if (!existsSync(file)) {
    error(
      path,
      `the flow file '${file}' does not exist`,
      path.length
        ? 'The path is relative to the test file.'
        : 'Name the flow to test with "flow: my-flow.yaml".',
    );
    return undefined;
  }
  const text = readFileSync(file, 'utf8');
  return { file, text, outline: readFlowOutline(text, file, parameters) };
}

function checkReceiver(name: string, known: ReadonlySet<string>, path: Path, error: ErrorAt): void {
  if (known.has(name)) return;
  const close = closest(name, [...known]);
  error(
    path,
    `the flow has no receiver '${name}'`,
    close
      ? `Did you mean '${close}'?`
      : known.size
        ? `Its receivers: ${[...known].join(', ')}`
        : 'The flow declares no receivers.',
    true,
  );
}
