import type { Receiver, ReceiverContext, SenderEndpoint } from '../adapters/adapter.spec.ts';
import { receiverAdapter, receiverAdapters, senderAdapter, senderAdapters } from '../adapters/index.ts';
import type { LogLevel } from '../engine/message-log.ts';
import type { Processor } from '../engine/processor.ts';
import { FlowRunner } from '../runtime/flow-runner.ts';
import type { RuntimeServices } from '../runtime/services.ts';
import { FlowCompileContext } from './compile-context.ts';
import type { Diagnostic } from './diagnostic.ts';
import { type FlowModel, FlowSchema } from './flow.schema.ts';
import { substituteParameters } from './parameters.ts';
import { FlowSource } from './source.ts';
import { closest, validateOptions } from './validate-options.ts';

export interface CompileOptions {
  file: string;
  services: RuntimeServices;
  /**
   * Values of externalized parameters for this deployment (override the flow's defaults). Values for
   * parameters the flow does not declare are ignored: one `--param` list serves a folder of flows.
   */
  parameters?: Readonly<Record<string, unknown>>;
  scriptTimeoutMs?: number;
  /** Receivers to use instead of the declared ones, by name (flow tests mock receivers this way). */
  receiverOverrides?: ReadonlyMap<string, Receiver>;
  /** Files relative to the flow, instead of reading the file system. */
  files?: Readonly<Record<string, string>>;
}

/** A flow ready to deploy: its processes compiled, its receivers created, its sender not yet started. */
export interface CompiledFlow {
  id: string;
  name: string;
  version: string;
  description: string;
  file: string;
  logLevel: LogLevel;
  parameters: ReadonlyMap<string, unknown>;
  runner: FlowRunner;
  endpoint?: SenderEndpoint;
  senderKind?: string;
  receivers: ReadonlyMap<string, Receiver>;
}

export interface CompileResult {
  flow?: CompiledFlow;
  diagnostics: Diagnostic[];
}

/**
 * Loads a flow file and compiles it once: YAML with positions, externalized parameters, the flow
 * schema, every adapter's and step's options, expressions. Every problem is reported, each with
 * file:line:col; the flow is returned only when there are none.
 */
export function compileFlow(text: string, options: CompileOptions): CompileResult {
  const source = new FlowSource(text, options.file);
  if (source.diagnostics.length > 0) return { diagnostics: source.diagnostics };
  if (source.value === null || typeof source.value !== 'object' || Array.isArray(source.value)) {
    return {
      diagnostics: [
        {
          file: options.file,
          line: 1,
          col: 1,
          message: 'a flow file must be a YAML map',
          hint: 'Start with "id: my-flow".',
        },
      ],
    };
  }
  const raw = source.value as Record<string, unknown>;
  const parameters = collectParameters(raw, options.parameters);
  const { parameters: declared, ...rest } = raw;
  const { value: substituted, unknown } = substituteParameters(rest, parameters);
  const model = {
    ...(substituted as object),
    ...(declared === undefined ? {} : { parameters: declared }),
  } as FlowModel;

  const flowId = typeof model.id === 'string' ? model.id : '';
  const ctx = new FlowCompileContext(source, {
    flowId,
    namespaces: (model.namespaces ?? {}) as Record<string, string>,
    scriptTimeoutMs: options.scriptTimeoutMs ?? 5000,
    files: options.files,
  });
  for (const p of unknown) {
    const known = [...parameters.keys()];
    const close = closest(p.name, known);
    ctx.unknownParameter(
      p.path,
      `unknown parameter '{{${p.name}}}'`,
      close
        ? `Did you mean '{{${close}}}'?`
        : `Declare it under "parameters:" with a default, or pass --param ${p.name}=VALUE.`,
      p.offset,
    );
  }
  const { problems } = validateOptions(FlowSchema, model, []);
  for (const problem of problems)
    ctx.error(problem.path, problem.message, problem.hint, { key: problem.key });
  if (problems.some((p) => p.path.length <= 1 && p.path[0] !== 'parameters')) {
    // The skeleton is broken (no steps list, say): compiling steps would only add noise.
    if (!Array.isArray(model.steps)) return { diagnostics: ctx.diagnostics };
  }

  const logLevel = (model.logLevel ?? 'INFO') as LogLevel;
  const runner = new FlowRunner({ flowId, logLevel, services: options.services });

  createReceivers(model, ctx, options);
  ctx.localProcessNames = new Set(Object.keys(model.localProcesses ?? {}));
  for (const [name, process] of Object.entries(model.localProcesses ?? {})) {
    ctx.localProcesses.set(name, ctx.steps(process?.steps, ['localProcesses', name, 'steps']));
  }
  const main: Processor = ctx.steps(model.steps, ['steps']);
  const exceptionSubprocess = model.exceptionSubprocess
    ? ctx.steps(model.exceptionSubprocess.steps, ['exceptionSubprocess', 'steps'])
    : undefined;
  runner.setProcesses(main, exceptionSubprocess);
  const endpoint = createSender(model, ctx, runner, options.services, logLevel);

  if (ctx.diagnostics.length > 0) return { diagnostics: byPosition(ctx.diagnostics) };
  return {
    diagnostics: [],
    flow: {
      id: flowId,
      name: model.name ?? flowId,
      version: model.version ?? '1.0.0',
      description: model.description ?? '',
      file: options.file,
      logLevel,
      parameters,
      runner,
      endpoint,
      senderKind: model.sender?.adapter,
      receivers: ctx.receivers,
    },
  };
}

/** Problems in the order they appear in the file, as a reader goes through it. */
function byPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => a.line - b.line || a.col - b.col);
}

function collectParameters(
  raw: Record<string, unknown>,
  given: Readonly<Record<string, unknown>> = {},
): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const declared = raw.parameters;
  if (declared && typeof declared === 'object') {
    for (const [name, def] of Object.entries(declared)) {
      const value = (def as { default?: unknown } | null)?.default;
      if (value !== undefined) out.set(name, value);
    }
  }
  for (const [name, value] of Object.entries(given)) out.set(name, value);
  return out;
}

function createReceivers(model: FlowModel, ctx: FlowCompileContext, options: CompileOptions): void {
  for (const [name, config] of Object.entries(model.receivers ?? {})) {
    const override = options.receiverOverrides?.get(name);
    if (override) {
      ctx.receivers.set(name, override);
      continue;
    }
    const path = ['receivers', name];
    // Until created, the receiver counts as declared but broken: its own problems are reported here.
    ctx.brokenReceivers.add(name);
    if (!config || typeof config.adapter !== 'string') continue;
    const spec = receiverAdapter(config.adapter);
    if (!spec) {
      const kinds = receiverAdapters.map((s) => s.kind);
      const close = closest(config.adapter, kinds);
      ctx.error(
        [...path, 'adapter'],
        `unknown receiver adapter '${config.adapter}'`,
        close ? `Did you mean '${close}'?` : `Receiver adapters: ${kinds.join(', ')}`,
      );
      continue;
    }
    const { adapter: _, ...adapterOptions } = config;
    const { value, problems } = validateOptions(spec.options, adapterOptions, path);
    for (const problem of problems)
      ctx.error(problem.path, problem.message, problem.hint, { key: problem.key });
    if (problems.length > 0) continue;
    const receiverCtx = receiverContext(ctx, options.services, name);
    ctx.receivers.set(name, spec.create(value as never, receiverCtx, path));
    ctx.brokenReceivers.delete(name);
  }
  // Mocked receivers that the flow does not declare are still callable by name in tests.
  for (const [name, receiver] of options.receiverOverrides ?? []) {
    if (!ctx.receivers.has(name)) ctx.receivers.set(name, receiver);
  }
}

/** The compile context a receiver adapter sees: the flow's, plus the services and its own name. */
function receiverContext(
  ctx: FlowCompileContext,
  services: RuntimeServices,
  receiverName: string,
): ReceiverContext {
  return {
    services,
    receiverName,
    flowId: ctx.flowId,
    file: ctx.file,
    namespaces: ctx.namespaces,
    scriptTimeoutMs: ctx.scriptTimeoutMs,
    error: (path, message, hint) => ctx.error(path, message, hint),
    expression: (source, path, language, opts) => ctx.expression(source, path, language, opts),
    predicate: (source, path, language) => ctx.predicate(source, path, language),
    template: (source, path) => ctx.template(source, path),
    steps: (list, path) => ctx.steps(list, path),
    receiver: (other, path) => ctx.receiver(other, path),
    localProcess: (process, path) => ctx.localProcess(process, path),
    readFile: (relative, path) => ctx.readFile(relative, path),
    resolvePath: (relative) => ctx.resolvePath(relative),
  };
}

function createSender(
  model: FlowModel,
  ctx: FlowCompileContext,
  runner: FlowRunner,
  services: RuntimeServices,
  logLevel: LogLevel,
): SenderEndpoint | undefined {
  const config = model.sender;
  if (!config || typeof config.adapter !== 'string') return undefined;
  const spec = senderAdapter(config.adapter);
  if (!spec) {
    const kinds = senderAdapters.map((s) => s.kind);
    const close = closest(config.adapter, kinds);
    ctx.error(
      ['sender', 'adapter'],
      `unknown sender adapter '${config.adapter}'`,
      close ? `Did you mean '${close}'?` : `Sender adapters: ${kinds.join(', ')}`,
    );
    return undefined;
  }
  const { adapter: _, ...adapterOptions } = config;
  const { value, problems } = validateOptions(spec.options, adapterOptions, ['sender']);
  for (const problem of problems)
    ctx.error(problem.path, problem.message, problem.hint, { key: problem.key });
  if (problems.length > 0) return undefined;
  runner.sender = config.adapter;
  return spec.create(
    value as never,
    {
      flowId: ctx.flowId,
      services,
      logLevel,
      newExchange: (init) => runner.newExchange(init),
      dispatch: (exchange) => runner.dispatch(exchange),
      fail: (exchange, error) => runner.fail(exchange, error),
      error: (path, message, hint) => ctx.error(path, message, hint),
      template: (source, path) => ctx.template(source, path),
    },
    ['sender'],
  );
}
