import { Type } from '../../flow/schema-builder.ts';
import { NameOption, stepLabel } from '../converters/conversion.ts';
import { defineStep } from '../step.spec.ts';
import { compileScript, ScriptCompileError } from './script.runner.ts';

export const script = defineStep({
  kind: 'script',
  title: 'Script',
  description:
    "Runs a JavaScript or TypeScript function on the message, like CPI's Groovy/JavaScript script step. " +
    'The script defines `function processData(message) { … return message; }` (it may be async). ' +
    '`message` offers getBody() (string), getBody("json") / getBodyAsJson(), setBody(string | Buffer | data), ' +
    'getHeaders(), getHeader(n), setHeader(n, v), getProperties(), getProperty(n), setProperty(n, v), ' +
    'getAttachments() and addAttachmentObject(name, content, contentType); `messageLogFactory.getMessageLog(message)` ' +
    'gives setStringProperty, addAttachmentAsString and addCustomHeaderProperty for the message processing log. ' +
    'The script runs in a node:vm context made once per step, with the JavaScript builtins and a silent ' +
    'console but no require, process or file system. That context is not a security boundary: run untrusted ' +
    'scripts in separate worker processes. A call that runs longer than timeoutMs fails with ' +
    'CW_ERR_SCRIPT_TIMEOUT, a thrown error with CW_ERR_SCRIPT and the script line. The limit is checked ' +
    'in every loop and function of the script, so under a limit eval, new Function and WebAssembly are off ' +
    '(such code would escape the checks). A script that may run a regular expression (a literal, RegExp, ' +
    'match, matchAll or search), which can backtrack for minutes inside one call, also runs each call under ' +
    'a vm timeout, whose watchdog thread costs about 85 µs a call: it is stopped too (the part of a call ' +
    'before its first await).',
  options: Type.Object(
    {
      name: NameOption,
      language: Type.Optional(
        Type.Union([Type.Literal('javascript'), Type.Literal('typescript')], {
          description: 'Script language; by default TypeScript for a .ts/.mts file, JavaScript otherwise.',
        }),
      ),
      file: Type.Optional(Type.String({ description: 'Script file, relative to the flow file.' })),
      source: Type.Optional(Type.String({ description: 'The script inline, instead of `file`.' })),
      function: Type.String({
        default: 'processData',
        pattern: '^[A-Za-z_$][A-Za-z0-9_$]*$',
        description: "Name of the function called with the message (CPI's default: processData).",
      }),
      timeoutMs: Type.Optional(
        Type.Integer({
          minimum: 0,
          description:
            "Time limit per call in ms; defaults to the runtime's script timeout (5000). 0 = no limit: " +
            'no checks in loops and eval allowed, but a script that never ends then blocks the runtime.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  examples: [
    { title: 'Script file', yaml: '- script:\n    file: scripts/enrich.js' },
    {
      title: 'Inline script',
      yaml: [
        '- script:',
        '    source: |',
        '      function processData(message) {',
        '        const order = message.getBody("json");',
        '        message.setHeader("orderId", order.id);',
        '        messageLogFactory.getMessageLog(message).addCustomHeaderProperty("orderId", String(order.id));',
        '        return message;',
        '      }',
      ].join('\n'),
    },
    {
      title: 'TypeScript',
      yaml: [
        '- script:',
        '    language: typescript',
        '    source: |',
        '      function processData(message: any): any {',
        '        const total: number = message.getBodyAsJson().items.length;',
        '        message.setProperty("itemCount", total);',
        '        return message;',
        '      }',
      ].join('\n'),
    },
  ],
  compile(options, ctx, path) {
    const step = stepLabel(options.name, path);
    if ((options.file === undefined) === (options.source === undefined)) {
      ctx.error(
        path,
        'A script step needs exactly one of `file` or `source`.',
        'Name a script file, or write it inline.',
      );
      return () => {};
    }
    const where = options.file !== undefined ? [...path, 'file'] : [...path, 'source'];
    const code = options.file !== undefined ? ctx.readFile(options.file, where) : options.source;
    if (code === undefined) return () => {};
    const fileName = options.file ?? 'inline script';
    const language = options.language ?? (/\.(c|m)?ts$/.test(fileName) ? 'typescript' : 'javascript');
    const entry = options.function ?? 'processData';
    try {
      return compileScript({
        code,
        language,
        fileName,
        entry,
        timeoutMs: options.timeoutMs ?? ctx.scriptTimeoutMs,
        step,
      });
    } catch (error) {
      if (!(error instanceof ScriptCompileError)) throw error;
      ctx.error(
        where,
        `Script error in ${fileName}: ${error.message}`,
        error.line ? `Fix line ${error.line} of ${fileName}.` : `Check ${fileName}.`,
      );
      return () => {};
    }
  },
});
