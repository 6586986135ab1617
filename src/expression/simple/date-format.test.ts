import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileDatePattern, DatePatternError } from './date-format.ts';

// 2024-03-05T07:08:09.045Z: a Tuesday; 08:08 in Berlin (CET, +01:00), 02:08 in New York (EST, -05:00).
const instant = new Date(Date.UTC(2024, 2, 5, 7, 8, 9, 45));

describe('Java SimpleDateFormat patterns', () => {
  const cases: Array<[pattern: string, zone: string, expected: string]> = [
    ['yyyy-MM-dd', 'UTC', '2024-03-05'],
    ["yyyy-MM-dd'T'HH:mm:ss.SSS", 'UTC', '2024-03-05T07:08:09.045'],
    ['yy/M/d', 'UTC', '24/3/5'],
    ['dd.MM.yyyy HH:mm', 'Europe/Berlin', '05.03.2024 08:08'],
    ['MMM MMMM', 'UTC', 'Mar March'],
    ['E EEE EEEE', 'UTC', 'Tue Tue Tuesday'],
    ['h:mm a', 'America/New_York', '2:08 AM'],
    ['hh a', 'Asia/Tokyo', '04 PM'],
    ['H k K', 'UTC', '7 7 7'],
    ['S SSS', 'UTC', '45 045'],
    ['Z', 'Europe/Berlin', '+0100'],
    ['Z', 'America/New_York', '-0500'],
    ['X XX XXX', 'Europe/Berlin', '+01 +0100 +01:00'],
    ['X XX XXX', 'UTC', 'Z Z Z'],
    ['XXX', 'Asia/Kolkata', '+05:30'],
    ['z', 'Europe/Berlin', 'CET'],
    ['z', 'America/New_York', 'EST'],
    ['z', 'UTC', 'UTC'],
    ['zzzz', 'Europe/Berlin', 'Central European Standard Time'],
    ['D u F G', 'UTC', '65 2 1 AD'],
    ["'Date:' yyyy", 'UTC', 'Date: 2024'],
    ["HH 'o''clock'", 'UTC', "07 o'clock"],
    ["''yyyy''", 'UTC', "'2024'"],
    ['yyyyMMddHHmmss', 'Pacific/Auckland', '20240305200809'],
  ];
  for (const [pattern, zone, expected] of cases) {
    it(`${pattern} in ${zone}`, () => {
      assert.equal(compileDatePattern(pattern, zone)(instant), expected);
    });
  }

  it('follows daylight saving time', () => {
    const summer = new Date(Date.UTC(2024, 6, 1, 12, 0, 0));
    assert.equal(compileDatePattern('HH:mm XXX z', 'Europe/Berlin')(summer), '14:00 +02:00 CEST');
  });

  it('crosses the date line by zone', () => {
    const lateUtc = new Date(Date.UTC(2024, 11, 31, 23, 30));
    assert.equal(compileDatePattern('yyyy-MM-dd', 'Asia/Tokyo')(lateUtc), '2025-01-01');
    assert.equal(compileDatePattern('yyyy-MM-dd', 'America/Los_Angeles')(lateUtc), '2024-12-31');
  });

  it('computes week year and week with US rules, as Java does', () => {
    const at = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d, 12));
    const format = compileDatePattern('YYYY-ww', 'UTC');
    assert.equal(format(at(2024, 12, 28)), '2024-52'); // Saturday
    assert.equal(format(at(2024, 12, 29)), '2025-01'); // Sunday of the week holding 2025-01-01
    assert.equal(format(at(2025, 1, 1)), '2025-01');
    assert.equal(format(at(2024, 1, 7)), '2024-02');
  });

  it('uses the process time zone when none is given', () => {
    const local = compileDatePattern('yyyy-MM-dd HH:mm')(instant);
    const pad = (n: number) => String(n).padStart(2, '0');
    const expected = `${instant.getFullYear()}-${pad(instant.getMonth() + 1)}-${pad(instant.getDate())} ${pad(instant.getHours())}:${pad(instant.getMinutes())}`;
    assert.equal(local, expected);
  });

  const bad: Array<[pattern: string, index: number, message: RegExp]> = [
    ['yyyy-MM-dd T HH', 11, /'T' is not a date pattern letter/],
    ['bb', 0, /'b'/],
    ["yyyy 'open", 5, /not closed/],
  ];
  for (const [pattern, index, message] of bad) {
    it(`rejects ${pattern} at ${index}`, () => {
      assert.throws(
        () => compileDatePattern(pattern),
        (error: unknown) =>
          error instanceof DatePatternError && error.index === index && message.test(error.message),
      );
    });
  }
});
