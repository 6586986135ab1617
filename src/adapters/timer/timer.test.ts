// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the tests use Simple templates
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Exchange } from '../../engine/exchange.ts';
import { compileFlow } from '../../flow/compiler.ts';
import type { MplEntry } from '../../observability/mpl.types.ts';
import { detachedServices } from '../../runtime/detached-services.ts';
import { createSender } from '../http/context.fixture.ts';
import { parseDuration } from './schedule.ts';
import { type TimerStart, timerSender } from './timer.sender.ts';

function timer(
  options: Record<string, unknown>,
  run: (exchange: Exchange) => void | Promise<void> = () => {},
) {
  const created = createSender(timerSender, options, run);
  return { ...created, endpoint: created.endpoint as TimerStart };
}

const messages = (options: Record<string, unknown>) =>
  timer(options).problems.map((p) => `${p.path.join('.')}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`);

describe('timer schedule checks', () => {
  it('reads durations with units or as milliseconds', () => {
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('5m'), 300_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('1d'), 86_400_000);
    assert.equal(parseDuration(1000), 1000);
    assert.equal(parseDuration('30'), undefined);
    assert.equal(parseDuration('30x'), undefined);
    assert.equal(parseDuration('s'), undefined);
  });

  it('reports bad, too short and too long intervals', () => {
    assert.match(
      messages({ schedule: { every: '30x' } })[0],
      /^sender\.schedule\.every: '30x' is not a duration \(.*'30s'/,
    );
    assert.match(messages({ schedule: { every: 5 } })[0], /too short.*'1s'/);
    assert.match(messages({ schedule: { every: '30d' } })[0], /too long.*cron/);
    assert.deepEqual(messages({ schedule: { every: '30s' } }), []);
  });

  it('reports an invalid cron expression, an unknown time zone, and a date that never comes', () => {
    assert.match(
      messages({ schedule: { cron: '61 * * * *' } })[0],
      /^sender\.schedule\.cron: invalid cron expression '61 \* \* \* \*'.*\(Five or six fields/,
    );
    assert.match(messages({ schedule: { cron: 'every day' } })[0], /invalid cron expression/);
    assert.deepEqual(messages({ schedule: { cron: '0 6 * * 1-5', timezone: 'Mars/Olympus' } }), [
      "sender.schedule.timezone: unknown time zone 'Mars/Olympus' (Use an IANA name such as 'Europe/Berlin', 'America/New_York' or 'UTC'.)",
    ]);
    assert.match(messages({ schedule: { cron: '0 0 30 2 *' } })[0], /never fires/);
    assert.deepEqual(messages({ schedule: { cron: '0 */5 * * * *', timezone: 'Europe/Berlin' } }), []);
  });

  it('rejects a schedule that is none of the three forms', () => {
    assert.ok(messages({ schedule: { every: '1s', cron: '* * * * *' } }).length > 0);
    assert.ok(messages({ schedule: { onDeployment: false } }).length > 0);
  });

  it('describes itself for causeway run', () => {
    assert.deepEqual(timer({ schedule: { every: '30s' } }).endpoint.describe(), ['timer every 30s']);
    assert.deepEqual(timer({ schedule: { every: 500 } }).endpoint.describe(), ['timer every 500ms']);
    assert.deepEqual(timer({ schedule: { onDeployment: true } }).endpoint.describe(), [
      'timer on deployment',
    ]);
    assert.deepEqual(
      timer({ schedule: { cron: '0 */5 * * * *', timezone: 'Europe/Berlin' } }).endpoint.describe(),
      ['timer cron 0 */5 * * * * (Europe/Berlin)'],
    );
  });
});

describe('timer firing', () => {
  it('fires once on deployment, after start() returns', async () => {
    const { endpoint, dispatched } = timer({ schedule: { onDeployment: true } });
    await endpoint.start();
    assert.equal(dispatched.length, 0, 'not yet fired when start() resolves');
    await sleep(30);
    assert.equal(dispatched.length, 1, 'fired once soon after start');
    await sleep(50);
    assert.equal(dispatched.length, 1, 'fired only once');
    await endpoint.stop();
  });

  it('fires at the interval with the configured body, headers and Camel timer properties', async () => {
    const { endpoint, dispatched } = timer({
      schedule: { every: '25ms' },
      body: '{"run": ${property.CamelTimerCounter}}',
      headers: { source: 'timer', flow: '${exchangeId}' },
    });
    await endpoint.start();
    await sleep(140);
    await endpoint.stop();
    assert.ok(dispatched.length >= 3, `fired ${dispatched.length} times`);
    const [first, second] = dispatched;
    assert.deepEqual(first.message.body.json(), { run: 1 });
    assert.deepEqual(second.message.body.json(), { run: 2 });
    assert.equal(first.message.headers.get('source'), 'timer');
    assert.equal(first.message.headers.get('flow'), first.id);
    assert.ok(first.properties.get('CamelTimerFiredTime') instanceof Date);
  });

  it('creates an empty message by default', async () => {
    const { endpoint, dispatched } = timer({ schedule: { onDeployment: true } });
    await endpoint.start();
    await sleep(20);
    await endpoint.stop();
    assert.equal(dispatched[0].message.body.text(), '');
    assert.equal(dispatched[0].message.headers.size, 0);
  });

  it('never overlaps runs of the flow: ticks during a run are skipped and counted', async () => {
    let running = 0;
    let most = 0;
    const { endpoint, dispatched } = timer({ schedule: { every: '10ms' } }, async () => {
      running++;
      most = Math.max(most, running);
      await sleep(60);
      running--;
    });
    await endpoint.start();
    await sleep(200);
    await endpoint.stop();
    assert.equal(most, 1);
    assert.ok(dispatched.length >= 2 && dispatched.length <= 4, `ran ${dispatched.length} times`);
    assert.ok(endpoint.skippedTicks >= 5, `skipped ${endpoint.skippedTicks}`);
  });

  it('stops at once: no firing after stop() resolves, and a run under way is waited for', async () => {
    let finished = 0;
    const { endpoint, dispatched } = timer({ schedule: { every: '10ms' } }, async () => {
      await sleep(40);
      finished++;
    });
    await endpoint.start();
    await sleep(15);
    await endpoint.stop();
    assert.equal(finished, dispatched.length, 'the run under way finished before stop() resolved');
    const count = dispatched.length;
    await sleep(60);
    assert.equal(dispatched.length, count);
  });

  it('keeps firing after a failed run', async () => {
    const { endpoint, dispatched } = timer({ schedule: { every: '15ms' } }, () => {
      throw new Error('backend down');
    });
    await endpoint.start();
    await sleep(80);
    await endpoint.stop();
    assert.ok(dispatched.length >= 3);
  });

  it('fires on a cron schedule', async () => {
    const { endpoint, dispatched } = timer({ schedule: { cron: '* * * * * *', timezone: 'UTC' } });
    await endpoint.start();
    await sleep(1100);
    await endpoint.stop();
    assert.ok(dispatched.length >= 1 && dispatched.length <= 2, `fired ${dispatched.length} times`);
  });
});

describe('timer in a flow', () => {
  const flow = (sender: string) => `id: tick\nsender:\n${sender}\nsteps: []\n`;
  const load = (sender: string, entries: MplEntry[] = []) =>
    compileFlow(flow(sender), { file: '/flows/tick.yaml', services: detachedServices(entries) });
  const errors = (sender: string) =>
    load(sender).diagnostics.map((d) => `${d.line}:${d.col} ${d.message} (hint: ${d.hint})`);

  it('reports a bad schedule at its line and column, with a hint', () => {
    assert.deepEqual(errors('  adapter: timer\n  schedule: { every: 30x }'), [
      "4:22 sender.schedule.every: '30x' is not a duration (hint: Write a number and a unit: '500ms', '30s', '5m', '1h', '1d', or a number of milliseconds.)",
    ]);
    assert.deepEqual(
      errors("  adapter: timer\n  schedule: { cron: '0 6 * * 1-5', timezone: Mars/Olympus }"),
      [
        "4:46 sender.schedule.timezone: unknown time zone 'Mars/Olympus' (hint: Use an IANA name such as 'Europe/Berlin', 'America/New_York' or 'UTC'.)",
      ],
    );
    const [union] = errors('  adapter: timer\n  schedule: { every: 30s, cron: "* * * * *" }');
    assert.match(
      union,
      /^4:13 sender\.schedule: .* does not match any allowed form \(hint: One of \{ onDeployment: true \}/,
    );
    assert.deepEqual(errors('  adapter: timer\n  schedule: { onDeployment: true }\n  header: { a: b }'), [
      "5:3 sender.header: unknown option 'header' (hint: Did you mean 'headers'? Valid options: schedule, body, headers)",
    ]);
    assert.match(
      errors("  adapter: timer\n  schedule: { onDeployment: true }\n  body: '${header.x'")[0],
      /^5:10 sender\.body: Invalid Simple expression '\$\{header\.x': '\$\{' is not closed \(at offset 0\) \(hint: /,
    );
  });

  it('logs a message whose body cannot be made as FAILED, saying which option to fix', async () => {
    const entries: MplEntry[] = [];
    const { flow: tick, diagnostics } = load(
      "  adapter: timer\n  schedule: { onDeployment: true }\n  body: '${xpath./rates/@date}'",
      entries,
    );
    assert.deepEqual(diagnostics, []);
    await tick!.endpoint!.start();
    await new Promise((resolve) => setImmediate(resolve)); // the firing, scheduled on deployment
    await tick!.endpoint!.stop(); // waits for the run under way
    assert.equal(entries.length, 1);
    assert.equal(entries[0].status, 'FAILED');
    assert.match(
      entries[0].error ?? '',
      /^Timer: the body \(sender\.body\) could not be made: Simple expression '\$\{xpath\.\/rates\/@date\}' failed: /,
    );
    assert.equal(entries[0].sender, 'timer');
  });

  it('names the header whose value cannot be made', async () => {
    const entries: MplEntry[] = [];
    const { flow: tick } = load(
      "  adapter: timer\n  schedule: { onDeployment: true }\n  headers: { day: '${xpath./rates/@date}' }",
      entries,
    );
    await tick!.endpoint!.start();
    await new Promise((resolve) => setImmediate(resolve));
    await tick!.endpoint!.stop();
    assert.equal(entries[0]?.status, 'FAILED');
    assert.match(
      entries[0].error ?? '',
      /^Timer: the header 'day' \(sender\.headers\.day\) could not be made: /,
    );
  });
});
