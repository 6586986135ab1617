import type { DispatchResult, Receiver } from '../../adapters/adapter.spec.ts';
import { ProcessDirectReceiver } from '../../adapters/process-direct/process-direct.receiver.ts';
import { CancelledError, CancelScope, unlessAborted } from '../../engine/cancel.ts';
import { errorMessage } from '../../errors.ts';
import { compileTemplate } from '../../expression/index.ts';
import { type CompiledFlow, compileFlow } from '../../flow/compiler.ts';
import type { Diagnostic } from '../../flow/diagnostic.ts';
import { detachedServices } from '../../runtime/detached-services.ts';
import { ProcessDirectRegistry } from '../../runtime/process-direct.registry.ts';
import type { MessageLogSink, RuntimeServices } from '../../runtime/services.ts';
import { checkExpectations, type Failure } from './assertions.ts';
import { type FlowFile, type LoadedTest, type LoadedTestFile, loadTestFile } from './load-test-file.ts';
import { bodyText, CallLog, MockReceiver, RecordingReceiver, UnmockedReceiver } from './mock-receiver.ts';

export interface TestResult {
  name: string;
  /** The line of the test in its file. */
  line: number;
  passed: boolean;
  durationMs: number;
  failures: Failure[];
}

export interface FileReport {
  file: string;
  /** Problems that kept the file from running: in the test file or in a flow it tests. */
  diagnostics: Diagnostic[];
  tests: TestResult[];
}

export interface RunOptions {
  /** Runs only tests whose name contains this text (ignoring case). */
  filter?: string;
  /** Where the message processing logs of the tested messages go (by default nowhere). */
  messageLogs?: MessageLogSink;
}

/**
 * Runs one test file: load and check it, check the flows compile as written (real receivers
 * included, so a mistake in a mocked receiver's options is still reported), then run each test
 * against a fresh compile with that test's mocks.
 */
export async function runTestFile(file: string, options: RunOptions = {}): Promise<FileReport> {
  const { loaded, diagnostics } = loadTestFile(file);
  if (!loaded) return { file, diagnostics, tests: [] };
  const flowProblems = [loaded.flow, ...loaded.others].flatMap((flow) =>
    compileProblems(flow, loaded.parameters),
  );
  if (flowProblems.length > 0) return { file, diagnostics: flowProblems, tests: [] };
  const filter = options.filter?.toLowerCase();
  const tests: TestResult[] = [];
  for (const test of loaded.tests) {
    if (filter && !test.case.name.toLowerCase().includes(filter)) continue;
    tests.push(await runTest(loaded, test, options.messageLogs));
  }
  return { file, diagnostics: [], tests };
}

function compileProblems(flow: FlowFile, parameters: Record<string, unknown>): Diagnostic[] {
  const { flow: compiled, diagnostics } = compileFlow(flow.text, {
    file: flow.file,
    services: detachedServices(),
    parameters,
  });
  if (compiled) for (const receiver of compiled.receivers.values()) void receiver.close?.();
  return diagnostics;
}

async function runTest(
  loaded: LoadedTestFile,
  test: LoadedTest,
  messageLogs: MessageLogSink | undefined,
): Promise<TestResult> {
  const started = performance.now();
  const calls = new CallLog();
  const registry = new ProcessDirectRegistry();
  const services: RuntimeServices = { ...detachedServices(), processDirect: registry };
  if (messageLogs) services.messageLogs = messageLogs;
  const consumed = new Set(loaded.others.map((f) => f.outline.consumes).filter((a) => a !== undefined));
  const result = (failures: Failure[]): TestResult => ({
    name: test.case.name,
    line: test.line,
    passed: failures.length === 0,
    durationMs: Math.round(performance.now() - started),
    failures,
  });

  const compiled: CompiledFlow[] = [];
  try {
    for (const flowFile of [...loaded.others, loaded.flow]) {
      const overrides = receiversFor(flowFile, test, calls, consumed, registry);
      const { flow, diagnostics } = compileFlow(flowFile.text, {
        file: flowFile.file,
        services,
        parameters: loaded.parameters,
        receiverOverrides: overrides,
      });
      if (!flow) return result([{ check: 'flow', lines: diagnostics.map((d) => d.message) }]);
      compiled.push(flow);
      if (flowFile !== loaded.flow && flow.senderKind === 'processDirect') await flow.endpoint?.start();
    }
    const main = compiled.at(-1)!;
    const input = test.case.input ?? {};
    // At the time limit the message is cancelled, not left running: no further step of it runs.
    const ms = loaded.timeoutMs;
    const timeout = new CancelScope().abortAfter(
      ms,
      () =>
        new CancelledError(
          `the flow test's timeout of ${ms} ms passed`,
          'Raise timeoutMs in the test file, or mock the slow receiver with a shorter delay.',
        ),
    );
    const exchange = main.runner.newExchange({
      body: input.bodyFile !== undefined ? test.files.get(input.bodyFile) : bodyText(input.body),
      headers: input.headers,
      properties: input.properties,
      signal: timeout.signal,
    });
    let run: DispatchResult;
    try {
      run = await unlessAborted(Promise.resolve(main.runner.dispatch(exchange)), timeout.signal);
    } catch (error) {
      if (error !== timeout.signal.reason) throw error;
      return result([
        { check: 'timeout', lines: [`the message did not finish within ${ms} ms and was cancelled`] },
      ]);
    } finally {
      timeout.dispose();
    }
    const body = run.exchange.message.body;
    if (body.isStream) await body.materialize();
    const outcome = { exchange: run.exchange, error: run.error, calls };
    const context = { files: test.files, namespaces: loaded.flow.outline.namespaces };
    return result(checkExpectations(test.case.expect ?? {}, outcome, context));
  } catch (error) {
    return result([{ check: 'run', lines: [`the test could not run: ${errorMessage(error)}`] }]);
  } finally {
    for (const flow of compiled) {
      await flow.endpoint?.stop();
      for (const receiver of flow.receivers.values()) await receiver.close?.();
    }
  }
}

/**
 * The stand-ins for one flow's receivers in one test: the test's mocks, the real ProcessDirect
 * receiver when its consumer flow is part of the test, and a guard that fails the test otherwise.
 */
function receiversFor(
  flow: FlowFile,
  test: LoadedTest,
  calls: CallLog,
  consumed: ReadonlySet<string>,
  registry: ProcessDirectRegistry,
): Map<string, Receiver> {
  const overrides = new Map<string, Receiver>();
  for (const [name, outline] of flow.outline.receivers) {
    const mock = test.case.receivers?.[name];
    if (mock) overrides.set(name, new MockReceiver(name, outline, mock, test.files, calls));
    else if (outline.adapter === 'processDirect' && reachable(outline.address, consumed)) {
      const address = compileTemplate(outline.address.trim());
      overrides.set(name, new RecordingReceiver(new ProcessDirectReceiver(name, address, registry), calls));
    } else overrides.set(name, new UnmockedReceiver(name, outline.adapter, calls));
  }
  return overrides;
}

/** A dynamic address may reach a consumer under `flows:`; a fixed one must be one of theirs. */
function reachable(address: string, consumed: ReadonlySet<string>): boolean {
  return consumed.size > 0 && (address.includes('${') || consumed.has(address.trim()));
}
