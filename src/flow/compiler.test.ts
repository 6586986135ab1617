import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detachedServices } from '../runtime/detached-services.ts';
import { compileFlow } from './compiler.ts';
import { formatDiagnostic } from './diagnostic.ts';

const compile = (text: string, parameters?: Record<string, unknown>) =>
  compileFlow(text, { file: '/flows/f.yaml', services: detachedServices(), parameters });

const errors = (text: string, parameters?: Record<string, unknown>) =>
  compile(text, parameters).diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`);

describe('compileFlow', () => {
  it('compiles a minimal flow', () => {
    const { flow, diagnostics } = compile('id: minimal\nsteps: []\n');
    assert.deepEqual(diagnostics, []);
    assert.equal(flow?.id, 'minimal');
    assert.equal(flow?.logLevel, 'INFO');
  });

  it('reports a YAML syntax error with its position and a hint', () => {
    const { diagnostics } = compile('id: x\nsteps:\n  - end: {\n');
    assert.equal(diagnostics.length > 0, true);
    assert.match(diagnostics[0].message, /YAML syntax error/);
    assert.equal(diagnostics[0].file, '/flows/f.yaml');
    assert.ok(diagnostics[0].line >= 3);
    assert.ok(diagnostics[0].hint);
  });

  it('reports a duplicate key', () => {
    const { diagnostics } = compile('id: x\nid: y\nsteps: []\n');
    assert.match(diagnostics[0].message, /YAML syntax error/);
    assert.equal(diagnostics[0].line, 2);
  });

  it('reports every problem at once, each at its own line and column', () => {
    const text = [
      'id: many',
      'logLevel: LOUD',
      'colour: red',
      'steps:',
      '  - procesCall: { process: a }',
      '  - processCall: { process: missing }',
      '  - loopingProcessCall: { process: p, condition: "true", maxIterations: many }',
      'localProcesses:',
      '  p:',
      '    steps: []',
    ].join('\n');
    assert.deepEqual(errors(text), [
      "2:11 logLevel: 'LOUD' is not one of 'NONE', 'INFO', 'ERROR', 'DEBUG', 'TRACE'",
      "3:1 colour: unknown option 'colour'",
      "5:5 steps[0].procesCall: unknown step 'procesCall'",
      "6:29 steps[1].processCall.process: unknown local process 'missing'",
      '7:73 steps[2].loopingProcessCall.maxIterations: \'maxIterations\': expected integer, got "many"',
    ]);
    const hint = compile(text).diagnostics[2].hint;
    assert.equal(hint, "Did you mean 'processCall'?");
  });

  it('formats diagnostics as file:line:col with the hint below', () => {
    const [d] = compile('id: x\nsteps:\n  - procesCall: { process: a }\n').diagnostics;
    assert.equal(
      formatDiagnostic(d),
      "/flows/f.yaml:3:5: steps[0].procesCall: unknown step 'procesCall'\n    hint: Did you mean 'processCall'?",
    );
  });

  it('rejects a step with two keys or no map', () => {
    assert.deepEqual(errors('id: x\nsteps:\n  - end: {}\n    terminate: {}\n  - just-a-string\n'), [
      "3:5 steps[0]: a step has exactly one key, the step kind; found 'end', 'terminate'",
      '5:5 steps[1]: a step must be a map with one key, the step kind',
    ]);
  });

  it('requires steps and an id', () => {
    assert.deepEqual(errors('name: nothing\n'), [
      "1:1 missing required option 'id'",
      "1:1 missing required option 'steps'",
    ]);
  });

  it('substitutes externalized parameters, keeping the type of a whole-value parameter', () => {
    const text = [
      'id: p',
      'parameters:',
      '  max: { default: 3 }',
      'steps:',
      '  - loopingProcessCall: { process: p, condition: "true", maxIterations: "{{max}}" }',
      'localProcesses: { p: { steps: [] } }',
    ].join('\n');
    assert.deepEqual(compile(text).diagnostics, []);
    assert.deepEqual(compile(text, { max: 5 }).diagnostics, []);
    assert.deepEqual(errors(text, { max: 'lots' }), [
      '5:73 steps[0].loopingProcessCall.maxIterations: \'maxIterations\': expected integer, got "lots"',
    ]);
  });

  it('reports an unknown parameter at its column inside the string', () => {
    const text =
      'id: p\nparameters: { host: { default: h } }\nsteps:\n  - processCall: { process: "x-{{hots}}" }\n';
    const d = compile(text).diagnostics.find((x) => x.message.includes('unknown parameter'));
    assert.ok(d);
    assert.equal(d.line, 4);
    assert.equal(d.col, 32);
    assert.equal(d.hint, "Did you mean '{{host}}'?");
    // A whole-value parameter is pointed at the same way, at its '{{'.
    assert.deepEqual(errors('id: p\nsteps:\n  - processCall: { process: "{{hots}}" }\n'), [
      "3:30 steps[0].processCall.process: unknown parameter '{{hots}}'",
    ]);
  });

  it('reports a value with unknown parameters for them alone, not again for what it then means', () => {
    // Not also "unknown local process '{{a}}-{{b}}'" nor "expected integer, got '{{max}}'".
    const text = [
      'id: p',
      'steps:',
      '  - processCall: { process: "{{a}}-{{b}}" }',
      '  - loopingProcessCall: { process: p, condition: "true", maxIterations: "{{max}}" }',
      'localProcesses: { p: { steps: [] } }',
    ].join('\n');
    assert.deepEqual(errors(text), [
      "3:30 steps[0].processCall.process: unknown parameter '{{a}}'",
      "3:36 steps[0].processCall.process: unknown parameter '{{b}}'",
      "4:74 steps[1].loopingProcessCall.maxIterations: unknown parameter '{{max}}'",
    ]);
  });

  it('reports unknown adapters and receivers', () => {
    const text =
      'id: a\nsender: { adapter: htps }\nreceivers:\n  b: { adapter: carrier-pigeon }\nsteps:\n  - requestReply: { receiver: c }\n';
    const messages = errors(text);
    assert.ok(messages.some((m) => m.startsWith("2:20 sender.adapter: unknown sender adapter 'htps'")));
    assert.ok(
      messages.some((m) =>
        m.startsWith("4:17 receivers.b.adapter: unknown receiver adapter 'carrier-pigeon'"),
      ),
    );
    assert.ok(
      messages.some((m) => m.startsWith("6:31 steps[0].requestReply.receiver: unknown receiver 'c'")),
    );
  });
});

describe('compileFlow with adapters', () => {
  it('reports a receiver with bad options once, not again as unknown where a step uses it', () => {
    const text = [
      'id: r',
      'receivers:',
      '  enrich: { adapter: processDirect }',
      '  audit: { adapter: carrier-pigeon }',
      'steps:',
      '  - requestReply: { receiver: enrich }',
      '  - send: { receiver: audit }',
      '  - send: { receiver: nowhere }',
    ].join('\n');
    assert.deepEqual(errors(text), [
      "3:11 receivers.enrich: missing required option 'address'",
      "4:21 receivers.audit.adapter: unknown receiver adapter 'carrier-pigeon'",
      "8:23 steps[2].send.receiver: unknown receiver 'nowhere'",
    ]);
  });

  it('reports a receiver option problem found by the adapter itself', () => {
    const text =
      'id: r\nreceivers:\n  backend: { adapter: http, address: /relative }\nsteps:\n  - requestReply: { receiver: backend }\n';
    const { diagnostics } = compile(text);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].line, 3);
    assert.match(diagnostics[0].message, /receivers\.backend\.address/);
  });
});
