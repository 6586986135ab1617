/** The wall-clock fields of an instant in one time zone: what a date pattern prints. */
export interface ZonedTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** 0 = Sunday, as in Date#getDay */
  weekday: number;
  /** Minutes east of UTC (Berlin in winter: +60). */
  offsetMinutes: number;
}

const fieldFormats = new Map<string, Intl.DateTimeFormat>();

/** Throws a RangeError for a zone Intl does not know, so that callers can reject it at compile time. */
export function checkTimeZone(zone: string): void {
  fieldFormat(zone);
}

/**
 * The fields of `date` in `zone` (an IANA name), or in the process's local zone when `zone` is absent
 * (as Camel uses the JVM's default zone). Intl gives the wall clock; the offset follows from it.
 */
export function zonedTime(date: Date, zone?: string): ZonedTime {
  if (zone === undefined) {
    return {
      year: date.getFullYear(),
      month: date.getMonth() + 1,
      day: date.getDate(),
      hour: date.getHours(),
      minute: date.getMinutes(),
      second: date.getSeconds(),
      millisecond: date.getMilliseconds(),
      weekday: date.getDay(),
      offsetMinutes: -date.getTimezoneOffset(),
    };
  }
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of fieldFormat(zone).formatToParts(date)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  const millisecond = ((date.getTime() % 1000) + 1000) % 1000;
  const wallClock = Date.UTC(
    fields.year,
    fields.month - 1,
    fields.day,
    fields.hour,
    fields.minute,
    fields.second,
  );
  return {
    ...fields,
    millisecond,
    weekday: new Date(wallClock).getUTCDay(),
    offsetMinutes: Math.round((wallClock - (date.getTime() - millisecond)) / 60_000),
  };
}

const zoneNames = new Map<string, Intl.DateTimeFormat>();

/**
 * The zone's name as Java prints it for `z` ("CET", "EST", "UTC") or `zzzz` (the long name). US English
 * names most American zones and falls back to "GMT+1" elsewhere, where British English knows "CET".
 */
export function zoneName(date: Date, zone: string | undefined, long: boolean): string {
  if (long) return nameIn('en-US', 'long', date, zone);
  const us = nameIn('en-US', 'short', date, zone);
  if (!us.startsWith('GMT') || us === 'GMT') return us;
  const gb = nameIn('en-GB', 'short', date, zone);
  return gb.startsWith('GMT') && gb !== 'GMT' ? us : gb;
}

function nameIn(locale: string, style: 'short' | 'long', date: Date, zone: string | undefined): string {
  const key = `${locale}|${style}|${zone ?? ''}`;
  let format = zoneNames.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: style });
    zoneNames.set(key, format);
  }
  return format.formatToParts(date).find((part) => part.type === 'timeZoneName')?.value ?? '';
}

function fieldFormat(zone: string): Intl.DateTimeFormat {
  let format = fieldFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    fieldFormats.set(zone, format);
  }
  return format;
}
