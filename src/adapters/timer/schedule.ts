import type * as Croner from 'croner';
import { lazyModule } from '../../engine/lazy-module.ts';
import type { Path } from '../../flow/path.ts';

/** Loaded by the first flow with a cron schedule. */
const croner = lazyModule<typeof Croner>('croner');

/** When a timer start fires, as written under `schedule:`. */
export type Schedule =
  | { onDeployment: true }
  | { every: string | number }
  | { cron: string; timezone?: string };

/** A compiled schedule: calls `tick` at its times from `start` until `stop`. */
export interface Trigger {
  readonly label: string;
  start(tick: () => void): void;
  stop(): void;
}

type Report = (path: Path, message: string, hint?: string) => void;

/** setInterval's limit (about 24.8 days); longer periods belong in a cron expression. */
const MAX_INTERVAL_MS = 2 ** 31 - 1;
const MIN_INTERVAL_MS = 10;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `250ms`, `30s`, `5m`, `1h30m`, `1d`, or a number of milliseconds; undefined when unreadable. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const text = value.replace(/\s+/g, '');
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g))
    total += Number(amount) * UNIT_MS[unit];
  return total;
}

/** Checks a schedule (reporting problems at their paths) and returns its trigger. */
export function compileSchedule(schedule: Schedule, path: Path, report: Report): Trigger {
  if ('every' in schedule) return everyTrigger(schedule.every, [...path, 'every'], report);
  if ('cron' in schedule) return cronTrigger(schedule.cron, schedule.timezone, path, report);
  return onDeploymentTrigger();
}

function onDeploymentTrigger(): Trigger {
  let pending: NodeJS.Immediate | undefined;
  return {
    label: 'timer on deployment',
    // After start() returns, so deployment finishes before the first message runs.
    start: (tick) => {
      pending = setImmediate(tick);
    },
    stop: () => clearImmediate(pending),
  };
}

function everyTrigger(every: string | number, path: Path, report: Report): Trigger {
  const ms = parseDuration(every);
  if (ms === undefined) {
    report(
      path,
      `'${every}' is not a duration`,
      "Write a number and a unit: '500ms', '30s', '5m', '1h', '1d', or a number of milliseconds.",
    );
  } else if (ms < MIN_INTERVAL_MS) {
    report(
      path,
      `an interval of ${ms} ms is too short (at least ${MIN_INTERVAL_MS} ms)`,
      "A bare number means milliseconds; write '1s' for one second.",
    );
  } else if (ms > MAX_INTERVAL_MS) {
    report(
      path,
      `an interval of ${every} is too long (at most 24 days)`,
      "Use a cron schedule, e.g. { cron: '0 0 1 * *' } for monthly.",
    );
  }
  const interval = ms ?? MAX_INTERVAL_MS;
  let timer: NodeJS.Timeout | undefined;
  return {
    label: `timer every ${typeof every === 'number' ? `${every}ms` : every}`,
    start: (tick) => {
      timer = setInterval(tick, interval);
    },
    stop: () => clearInterval(timer),
  };
}

function cronTrigger(pattern: string, timezone: string | undefined, path: Path, report: Report): Trigger {
  let valid = true;
  if (timezone !== undefined && !isTimeZone(timezone)) {
    valid = false;
    report(
      [...path, 'timezone'],
      `unknown time zone '${timezone}'`,
      "Use an IANA name such as 'Europe/Berlin', 'America/New_York' or 'UTC'.",
    );
  }
  try {
    const probe = new (croner().Cron)(pattern, { timezone: valid ? timezone : undefined, paused: true });
    const next = probe.nextRun();
    probe.stop();
    if (next === null)
      report(
        [...path, 'cron'],
        `the cron expression '${pattern}' never fires`,
        'Check the day and month fields (e.g. 30 February does not exist).',
      );
  } catch (error) {
    report(
      [...path, 'cron'],
      `invalid cron expression '${pattern}': ${(error as Error).message}`,
      cronHint(),
    );
  }
  let job: Croner.Cron | undefined;
  return {
    label: `timer cron ${pattern}${timezone ? ` (${timezone})` : ''}`,
    start: (tick) => {
      job = new (croner().Cron)(pattern, { timezone }, tick);
    },
    stop: () => job?.stop(),
  };
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function cronHint(): string {
  return "Five or six fields: [second] minute hour day-of-month month day-of-week, e.g. '0 */5 * * * *' (every 5 minutes).";
}
