import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWrk } from './wrk.ts';

const REPORT = `Running 10s test @ http://127.0.0.1:9310/
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.01ms  250.12us  12.30ms   95.00%
    Req/Sec    32.10k     1.20k   34.00k    80.00%
  Latency Distribution
     50%  960.00us
     75%    1.02ms
     90%    1.15ms
     99%    2.10ms
  321000 requests in 10.00s, 60.12MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:  32099.87
Transfer/sec:      6.01MB
`;

test('reads throughput, percentiles in ms and error counts', () => {
  const r = parseWrk(REPORT);
  assert.equal(r.requestsPerSecond, 32099.87);
  assert.equal(r.requests, 321000);
  assert.equal(r.p50, 0.96);
  assert.equal(r.p75, 1.02);
  assert.equal(r.p99, 2.1);
  assert.equal(r.non2xx, 7);
  assert.equal(r.socketErrors, 3);
});

test('latency in seconds is converted', () => {
  assert.equal(parseWrk(REPORT.replace('2.10ms', '1.50s')).p99, 1500);
});

test('a clean run has no errors', () => {
  const clean = REPORT.replace(/ {2}Socket errors.*\n/, '').replace(/ {2}Non-2xx.*\n/, '');
  const r = parseWrk(clean);
  assert.equal(r.non2xx, 0);
  assert.equal(r.socketErrors, 0);
});

test('output without --latency is refused, not guessed', () => {
  assert.throws(() => parseWrk(REPORT.replace(/ {5}99%.*\n/, '')), /99% latency/);
});

test('output of a failed run is refused', () => {
  assert.throws(() => parseWrk('unable to connect to 127.0.0.1:9310 Connection refused\n'), /Requests\/sec/);
});
