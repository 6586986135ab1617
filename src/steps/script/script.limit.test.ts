import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Exchange } from '../../engine/exchange.ts';
import { UserError } from '../../errors.ts';
import { runSteps, stepErrors } from '../../testing/run-steps.ts';
import { guardScript } from './script.guard.ts';
import { compileScript } from './script.runner.ts';

const inline = (source: string, timeoutMs = 100) =>
  `- script:\n    timeoutMs: ${timeoutMs}\n    source: |\n${source
    .trim()
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n')}`;

const isTimeout = (e: unknown) =>
  e instanceof UserError && e.code === 'CW_ERR_SCRIPT_TIMEOUT' && /within 100 ms/.test(e.message);

/** Runs the script and expects it stopped by the 100 ms limit, well before a second has passed. */
async function assertStopped(source: string): Promise<void> {
  const started = performance.now();
  await assert.rejects(runSteps(inline(source)), isTimeout);
  assert.ok(performance.now() - started < 1500, `stopped after ${performance.now() - started} ms`);
}

describe('script time limit', () => {
  it('stops endless loops of every kind', async () => {
    await assertStopped('function processData(message) { while (true) {} }');
    await assertStopped('function processData(message) { for (;;); }');
    await assertStopped('function processData(message) { do {} while (true) }');
    await assertStopped('function processData(message) { for (const k in { a: 1 }) for (;;) k; }');
    await assertStopped('function processData(message) { [1].forEach(() => { for (;;) {} }); }');
  });

  it('stops endless recursion that never overflows the stack', async () => {
    // Depth 60, 2^60 calls: no loop runs long, only the function-entry checks see it.
    const source = `
function a(n) { if (n === 0) { let s = 0; for (let i = 0; i < 3; i++) s += i; return s; } return b(n - 1) + b(n - 1); }
function b(n) { return a(n); }
function processData(message) { message.setBody(String(a(60))); return message; }`;
    await assertStopped(source);
  });

  it('stops a loop after an await, which a timer could not interrupt', async () => {
    await assertStopped('async function processData(message) { await null; while (true) {} }');
  });

  it('stops a regular expression that backtracks without end, however it is made', async () => {
    // Each of these backtracks for minutes inside one call of a builtin, where no check runs.
    const runaway = "('a'.repeat(40) + 'b')";
    await assertStopped(
      `function processData(m) { m.setBody(String(/^(a+)+$/.test(${runaway}))); return m; }`,
    );
    await assertStopped(`function processData(m) { return ${runaway}.match('^(a+)+$'), m; }`);
    await assertStopped(`function processData(m) { return new RegExp('^(a+)+$', 'i').exec(${runaway}), m; }`);
    await assertStopped(`function processData(m) { return ${runaway}['search']('(a+)+$'), m; }`);
  });

  it('puts only scripts that may run a regular expression under the watchdog (a thread per call)', () => {
    const uses = (code: string) => guardScript(code).usesRegExp;
    assert.equal(uses('function f(m) { return m.getBody().split(",").length; }'), false);
    assert.equal(uses('function f(m) { return m.getBody().replace("a", "b"); }'), false);
    assert.equal(uses('function f(m) { return /x/.test(m.getBody()); }'), true);
    assert.equal(uses('function f(m) { return RegExp; }'), true);
    assert.equal(uses('function f(m) { return m.getBody().match("x"); }'), true);
    assert.equal(uses('function f(m) { return m.getBody()["matchAll"]("x"); }'), true);
    assert.equal(uses('function f(m) { return m.getBody().search("x"); }'), true);
  });

  it('gives a script with a regular expression the same answers', async () => {
    const exchange = await runSteps(
      inline(`
function processData(message) {
  const words = 'Order  PO-1   for ACME'.replace(/\\s+/g, ' ').split(' ');
  message.setBody(JSON.stringify({ words, po: 'PO-1'.match(/^PO-(\\d+)$/)[1], self: this === undefined }));
  return message;
}`),
    );
    assert.deepEqual(JSON.parse(exchange.message.body.text()), {
      words: ['Order', 'PO-1', 'for', 'ACME'],
      po: '1',
      self: false,
    });
  });

  it('cannot be swallowed by a catch around the runaway loop', async () => {
    await assertStopped('function processData(m) { for (;;) { try { for (;;) {} } catch (e) {} } }');
    await assertStopped('function processData(m) { try { while (true) {} } finally { while (true) {} } }');
  });

  it('resists a script that tampers with the guard', async () => {
    // Guessable names, and the real ones read from its own source, on the global object: no effect.
    const overwrite = `
function processData(message) {
  globalThis.__cw_deadline = Infinity; globalThis.__cw_ops = 0; var __cw_timeout = () => {};
  const names = new Set(processData.toString().match(/__cw[0-9a-z]+/g));
  if (names.size < 2) throw new Error('the guard names were not found');
  for (const name of names) {
    globalThis[name] = Infinity;
    Object.defineProperty(globalThis, name, { value: () => {}, writable: false, configurable: false });
  }
  while (true) {}
}`;
    await assertStopped(overwrite);
    // Reaching the bindings by name needs eval, which is off under a limit: a clear error instead.
    const evaluate = `
function processData(message) {
  const budget = processData.toString().match(/--(__cw[0-9a-z]+)</)[1];
  eval(budget + ' = Infinity');
  while (true) {}
}`;
    await assert.rejects(
      runSteps(inline(evaluate)),
      (e) =>
        e instanceof UserError &&
        e.code === 'CW_ERR_SCRIPT' &&
        /EvalError/.test(e.message) &&
        /eval, new Function and WebAssembly are off/.test(e.hint ?? ''),
    );
    await assert.rejects(
      runSteps(inline('function processData() { new Function("for(;;){}")(); }')),
      /EvalError/,
    );
    // Without a limit nothing is instrumented and eval works.
    const ex = await runSteps(
      inline('function processData(m) { m.setBody(String(eval("6 * 7"))); return m }', 0),
    );
    assert.equal(ex.message.body.text(), '42');
  });

  it('keeps line and column of a runtime error in guarded code', async () => {
    const source = [
      'function processData(message) {',
      '  for (const x of [1]) { const y = null; if (x) y.first; }',
      '  for (const x of [1]) [x].map((v) => v.a.second);',
      '}',
    ].join('\n');
    const failAt = async (text: string, timeoutMs: number) => {
      const error = await runSteps(
        `- script: { file: scripts/pos.js, timeoutMs: ${timeoutMs} }`,
        {},
        { files: { 'scripts/pos.js': text } },
      ).then(
        () => assert.fail('the script should fail'),
        (e: UserError) => e,
      );
      return { message: error.message, stack: String((error.cause as Error).stack) };
    };
    const first = await failAt(source, 100);
    assert.match(
      first.message,
      new RegExp(`at scripts/pos\\.js:2:${source.split('\n')[1].indexOf('first') + 1}$`),
    );
    assert.equal(first.message, (await failAt(source, 0)).message, 'the same as without instrumentation');
    const second = source.replace('if (x) y.first;', '');
    const col = second.split('\n')[2].indexOf('second') + 1;
    const { message, stack } = await failAt(second, 100);
    assert.match(message, new RegExp(`at scripts/pos\\.js:3:${col}$`));
    assert.match(stack, new RegExp(`scripts/pos\\.js:3:${col}\\n`), 'the cause stack is mapped too');
  });

  it('keeps labeled loops, single-line bodies, generators and async functions working', async () => {
    const source = `
function* naturals() { let n = 0; while (true) yield n++; }
async function processData(message) {
  let pairs = 0, sum = 0, skipped = 0;
  outer: for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (j > i) continue outer; else pairs++;
  scan: while (true) { do { skipped++; if (skipped === 3) break scan; } while (true) }
  const it = naturals();
  for (let k = 0; k < 5; k++) sum += it.next().value;
  for await (const v of [Promise.resolve(1), 2]) sum += v;
  message.setBody([pairs, skipped, sum].join(','));
  return message;
}`;
    const ex = await runSteps(inline(source, 1000));
    assert.equal(ex.message.body.text(), '10,3,13');
  });

  it('gives the next call the full limit after a timeout', async () => {
    const call = compileScript({
      code: 'function processData(m) { if (m.getBody() === "loop") for (;;) {} m.setBody("ok"); return m }',
      language: 'javascript',
      fileName: 'again.js',
      entry: 'processData',
      timeoutMs: 100,
      step: 'again',
    });
    assert.throws(() => call(new Exchange({ body: 'loop' })), isTimeout);
    const next = new Exchange({ body: 'x' });
    call(next);
    assert.equal(next.message.body.text(), 'ok');
  });

  it('stops an endless loop while the script loads', () => {
    const errors = stepErrors(inline('for (;;) {}\nfunction processData(m) { return m }'));
    assert.match(errors[0]?.message ?? '', /failed while loading: .*timed out/);
  });
});
