import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BENCH_DIR = join(import.meta.dirname, '..');
/** The order of the transform scenario, compact (payload.json may be reformatted by the formatter). */
export const PAYLOAD = JSON.stringify(JSON.parse(readFileSync(join(BENCH_DIR, 'payload.json'), 'utf8')));

/** What the proxy scenario's backend answers (bench/baseline/backend.ts). */
const BACKEND_ANSWER = {
  status: 'ok',
  items: [
    { id: 1, name: 'alpha' },
    { id: 2, name: 'beta' },
  ],
};

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Scenario {
  name: 'echo' | 'transform' | 'proxy';
  /** The bare node:http server in bench/baseline/. */
  baseline: string;
  /** Path of the flow's endpoint under Causeway's /http/ prefix. */
  path: string;
  needsBackend: boolean;
  /** Goal: Causeway req/s ÷ baseline req/s at least this (DESIGN.md §9). */
  throughputGoal: number;
  /** Throws when an answer is not what the scenario must produce: a fast wrong answer is no result. */
  check(answer: Answer): void;
}

/** Goal for every scenario: Causeway's p99 latency at most this many times the baseline's. */
export const P99_GOAL = 3;

function expectedTransform() {
  const order = JSON.parse(PAYLOAD) as {
    id: string;
    customer: string;
    items: { qty: number; price: number }[];
  };
  let total = 0;
  for (const item of order.items) total += item.qty * item.price;
  return { orderId: order.id, customer: order.customer.toUpperCase(), total };
}

function contentType(answer: Answer): string {
  return String(answer.headers['content-type'] ?? '');
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'echo',
    baseline: 'echo.ts',
    path: '/http/echo',
    needsBackend: false,
    throughputGoal: 0.75,
    check(answer) {
      assert.equal(answer.status, 200, 'status');
      assert.equal(answer.body, PAYLOAD, 'the body echoed');
    },
  },
  {
    name: 'transform',
    baseline: 'transform.ts',
    path: '/http/transform',
    needsBackend: false,
    throughputGoal: 0.6,
    check(answer) {
      assert.equal(answer.status, 200, 'status');
      assert.deepEqual(JSON.parse(answer.body), expectedTransform(), 'the computed body');
      assert.equal(answer.headers['x-processed'], 'true', 'header x-processed');
      assert.match(contentType(answer), /^application\/json/, 'content type');
    },
  },
  {
    name: 'proxy',
    baseline: 'proxy.ts',
    path: '/http/proxy',
    needsBackend: true,
    throughputGoal: 0.8,
    check(answer) {
      assert.equal(answer.status, 200, 'status');
      assert.deepEqual(JSON.parse(answer.body), BACKEND_ANSWER, "the backend's answer");
    },
  },
];
