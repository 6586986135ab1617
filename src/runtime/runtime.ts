import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { join, resolve } from 'node:path';
import { OperationalError } from '../errors.ts';
import { type CompiledFlow, compileFlow } from '../flow/compiler.ts';
import { type Diagnostic, formatDiagnostic } from '../flow/diagnostic.ts';
import { MplWriter } from '../observability/mpl.writer.ts';
import { FileSecureStore } from '../security/secure-store.ts';
import { findFiles, isFlowFile } from './flow-files.ts';
import { HttpServer } from './http-server.ts';
import { ProcessDirectRegistry } from './process-direct.registry.ts';
import type { RuntimeServices } from './services.ts';

export interface RuntimeOptions {
  dataDir: string;
  port?: number;
  host?: string;
  /** Externalized parameter values for every deployed flow that declares them. */
  parameters?: Readonly<Record<string, unknown>>;
  /** Where progress and load errors go (default: stderr). */
  log?: (line: string) => void;
}

interface Deployment {
  flow: CompiledFlow;
  file: string;
}

/**
 * The local runtime: one HTTP server, the ProcessDirect registry, the secure store and the message
 * log writer, and the flows deployed on them. A flow file that changes is recompiled and swapped in
 * alone; if it no longer compiles, the running version stays and the errors are printed.
 */
export class Runtime {
  readonly services: RuntimeServices;
  readonly #http: HttpServer;
  readonly #writer: MplWriter;
  readonly #options: RuntimeOptions;
  readonly #deployments = new Map<string, Deployment>();
  readonly #watchers: FSWatcher[] = [];
  readonly #log: (line: string) => void;
  readonly #secureStore: FileSecureStore;

  private constructor(
    options: RuntimeOptions,
    http: HttpServer,
    writer: MplWriter,
    secureStore: FileSecureStore,
    services: RuntimeServices,
  ) {
    this.#secureStore = secureStore;
    this.#options = options;
    this.#http = http;
    this.#writer = writer;
    this.services = services;
    this.#log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  static async start(options: RuntimeOptions): Promise<Runtime> {
    const dataDir = resolve(options.dataDir);
    const http = new HttpServer();
    const secureStore = new FileSecureStore(join(dataDir, 'security'));
    // A wrong master key is reported now, not at the first message that needs a credential.
    secureStore.verifyMasterKey();
    const port = options.port ?? 8080;
    const host = options.host ?? '127.0.0.1';
    try {
      await http.listen(port, host);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      throw new OperationalError(
        'CW_ERR_LISTEN',
        `Cannot listen on ${host}:${port}: ${code ?? (cause as Error).message}.`,
        {
          cause,
          hint:
            code === 'EADDRINUSE'
              ? 'Another process uses this port: pick another with --port, or stop that process.'
              : undefined,
        },
      );
    }
    const writer = new MplWriter({ dataDir });
    const services: RuntimeServices = {
      http,
      processDirect: new ProcessDirectRegistry(),
      secureStore,
      messageLogs: writer,
    };
    const runtime = new Runtime({ ...options, dataDir }, http, writer, secureStore, services);
    // Credentials and users changed with the CLI while the runtime runs take effect without a restart.
    secureStore.watch((error) => {
      if (error) runtime.#log(`security material not reloaded, the previous stays in use: ${error.message}`);
    });
    return runtime;
  }

  baseUrl(): string {
    return this.#http.baseUrl();
  }

  flows(): CompiledFlow[] {
    return [...this.#deployments.values()].map((d) => d.flow);
  }

  /** Deploys every flow file under `paths`; returns the problems of those that did not compile. */
  async deployPaths(paths: readonly string[]): Promise<Diagnostic[]> {
    const problems: Diagnostic[] = [];
    for (const file of findFiles(paths, isFlowFile)) problems.push(...(await this.deployFile(file)));
    return problems;
  }

  /** Compiles and (re)deploys one flow file. A failing reload keeps the running version. */
  async deployFile(file: string): Promise<Diagnostic[]> {
    const path = resolve(file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      return [
        { file: path, line: 0, col: 0, message: `cannot read the flow file: ${(error as Error).message}` },
      ];
    }
    const { flow, diagnostics } = compileFlow(text, {
      file: path,
      services: this.services,
      parameters: this.#options.parameters,
    });
    if (!flow) return diagnostics;
    const previous = this.#deployments.get(flow.id);
    if (previous && previous.file !== path) {
      return [
        {
          file: path,
          line: 1,
          col: 1,
          message: `flow id '${flow.id}' is already deployed from ${previous.file}`,
          hint: 'Give each flow a unique id.',
        },
      ];
    }
    try {
      // The new version starts before the old one stops: an HTTP address moves over in one step.
      await flow.endpoint?.start();
    } catch (error) {
      await closeReceivers(flow);
      return [
        {
          file: path,
          line: 1,
          col: 1,
          message: (error as Error).message,
          hint: (error as { hint?: string }).hint,
        },
      ];
    }
    this.#deployments.set(flow.id, { flow, file: path });
    for (const [id, deployment] of this.#deployments) {
      if (deployment.file === path && id !== flow.id) await this.undeploy(id);
    }
    if (previous) void retire(previous.flow);
    return [];
  }

  async undeploy(flowId: string): Promise<void> {
    const deployment = this.#deployments.get(flowId);
    if (!deployment) return;
    this.#deployments.delete(flowId);
    await retire(deployment.flow);
  }

  /** Watches folders and files for changes and redeploys only the flow whose file changed. */
  watch(paths: readonly string[], onReload: (file: string, problems: Diagnostic[]) => void): void {
    const pending = new Map<string, NodeJS.Timeout>();
    for (const root of paths) {
      const base = resolve(root);
      const isDir = !isFlowFile(base);
      const watcher = watch(base, { recursive: isDir }, (_event, name) => {
        const file = isDir ? join(base, String(name ?? '')) : base;
        if (!isFlowFile(file)) return;
        clearTimeout(pending.get(file));
        // Editors write a file in several steps; wait until it settles.
        pending.set(
          file,
          setTimeout(() => {
            pending.delete(file);
            void this.#reload(file).then((problems) => onReload(file, problems));
          }, 150),
        );
      });
      this.#watchers.push(watcher);
    }
  }

  async #reload(file: string): Promise<Diagnostic[]> {
    try {
      readFileSync(file);
    } catch {
      for (const [id, deployment] of this.#deployments) if (deployment.file === file) await this.undeploy(id);
      return [];
    }
    return this.deployFile(file);
  }

  async close(): Promise<void> {
    for (const watcher of this.#watchers) watcher.close();
    for (const id of [...this.#deployments.keys()]) await this.undeploy(id);
    this.#secureStore.close();
    await this.#http.close();
    await this.#writer.close();
  }

  /** Prints load problems the way editors link them. */
  report(problems: readonly Diagnostic[]): void {
    for (const problem of problems) this.#log(formatDiagnostic(problem));
  }
}

/** Stops a flow version's sender, lets its messages finish, then closes its receivers. */
async function retire(flow: CompiledFlow): Promise<void> {
  await flow.endpoint?.stop();
  await flow.runner.drain();
  await closeReceivers(flow);
}

async function closeReceivers(flow: CompiledFlow): Promise<void> {
  for (const receiver of flow.receivers.values()) await receiver.close?.();
}
