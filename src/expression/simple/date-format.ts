import { type ZonedTime, zonedTime, zoneName } from './zoned-time.ts';

/** A pattern problem, at `index` inside the pattern; the parser turns it into a syntax error. */
export class DatePatternError extends Error {
  readonly index: number;
  constructor(index: number, message: string) {
    super(message);
    this.index = index;
  }
}

export const DATE_PATTERN_LETTERS = 'G y Y M L w D d F E u a H k K h m s S z Z X';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAY_MS = 86_400_000;

type Part = string | { letter: string; count: number };
export type DateFormatter = (date: Date) => string;

/**
 * Compiles a Java SimpleDateFormat pattern (what CPI's `${date:now:…}` takes) into a formatter, once.
 * Letters follow SimpleDateFormat with the US locale; text in single quotes is literal, '' is a quote.
 */
export function compileDatePattern(pattern: string, zone?: string): DateFormatter {
  const parts = parsePattern(pattern);
  return (date) => {
    const t = zonedTime(date, zone);
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') out += part;
      else if (part.letter === 'z') out += zoneName(date, zone, part.count >= 4);
      else out += field(part.letter, part.count, t);
    }
    return out;
  };
}

function parsePattern(pattern: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        literal += "'";
        i += 2;
        continue;
      }
      // Quoted text runs to the next lone quote; '' inside it is a quote too ('o''clock').
      let j = i + 1;
      for (;;) {
        const close = pattern.indexOf("'", j);
        if (close < 0) throw new DatePatternError(i, 'the quote that starts literal text is not closed');
        literal += pattern.slice(j, close);
        if (pattern[close + 1] !== "'") {
          i = close + 1;
          break;
        }
        literal += "'";
        j = close + 2;
      }
    } else if (/[A-Za-z]/.test(c)) {
      if (!DATE_PATTERN_LETTERS.includes(c)) {
        throw new DatePatternError(i, `'${c}' is not a date pattern letter`);
      }
      let count = 1;
      while (pattern[i + count] === c) count++;
      if (literal) parts.push(literal);
      literal = '';
      parts.push({ letter: c, count });
      i += count;
    } else {
      literal += c;
      i++;
    }
  }
  if (literal) parts.push(literal);
  return parts;
}

function field(letter: string, count: number, t: ZonedTime): string {
  switch (letter) {
    case 'G':
      return t.year > 0 ? 'AD' : 'BC';
    case 'y':
      return year(t.year, count);
    case 'Y':
      return year(usWeek(t).weekYear, count);
    case 'M':
    case 'L':
      return count >= 4
        ? MONTHS[t.month - 1]
        : count === 3
          ? MONTHS[t.month - 1].slice(0, 3)
          : pad(t.month, count);
    case 'w':
      return pad(usWeek(t).week, count);
    case 'D':
      return pad((Date.UTC(t.year, t.month - 1, t.day) - Date.UTC(t.year, 0, 1)) / DAY_MS + 1, count);
    case 'd':
      return pad(t.day, count);
    case 'F':
      return pad(Math.ceil(t.day / 7), count);
    case 'E':
      return count >= 4 ? WEEKDAYS[t.weekday] : WEEKDAYS[t.weekday].slice(0, 3);
    case 'u':
      return pad(t.weekday === 0 ? 7 : t.weekday, count);
    case 'a':
      return t.hour < 12 ? 'AM' : 'PM';
    case 'H':
      return pad(t.hour, count);
    case 'k':
      return pad(t.hour === 0 ? 24 : t.hour, count);
    case 'K':
      return pad(t.hour % 12, count);
    case 'h':
      return pad(t.hour % 12 === 0 ? 12 : t.hour % 12, count);
    case 'm':
      return pad(t.minute, count);
    case 's':
      return pad(t.second, count);
    case 'S':
      return pad(t.millisecond, count);
    case 'Z':
      return offset(t.offsetMinutes, '');
    default:
      return isoOffset(t.offsetMinutes, count); // X
  }
}

function year(value: number, count: number): string {
  return count === 2 ? pad(value % 100, 2) : pad(value, count);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function offset(minutes: number, separator: string): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60), 2)}${separator}${pad(abs % 60, 2)}`;
}

/** ISO 8601 offsets: X = +01, XX = +0100, XXX = +01:00, and Z for UTC. */
function isoOffset(minutes: number, count: number): string {
  if (minutes === 0) return 'Z';
  if (count === 1) return offset(minutes, '').slice(0, 3);
  return offset(minutes, count === 2 ? '' : ':');
}

/**
 * Week of year and week-based year with US rules (weeks start on Sunday; week 1 holds January 1st), as
 * Java computes them for `w` and `Y` in the US locale: 2024-12-29 is in week 1 of 2025.
 */
function usWeek(t: ZonedTime): { week: number; weekYear: number } {
  const today = Date.UTC(t.year, t.month - 1, t.day);
  const weekYear = today >= firstWeekStart(t.year + 1) ? t.year + 1 : t.year;
  return { weekYear, week: Math.floor((today - firstWeekStart(weekYear)) / (7 * DAY_MS)) + 1 };
}

function firstWeekStart(year: number): number {
  const january1 = Date.UTC(year, 0, 1);
  return january1 - new Date(january1).getUTCDay() * DAY_MS;
}
