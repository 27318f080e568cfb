import { CronExpressionParser, type CronExpression } from 'cron-parser';

/**
 * CronJob schedules with the grammar Kubernetes accepts: robfig/cron's ParseStandard, that is five
 * fields (minute, hour, day of month, month, day of week; `*`, `?`, ranges, steps, lists, month
 * and weekday names), the macros @yearly, @annually, @monthly, @weekly, @daily, @midnight and
 * @hourly, `@every <Go duration>`, and a `TZ=`/`CRON_TZ=` prefix. The grammar is checked here,
 * with robfig's error messages; the times are computed by cron-parser in the schedule's IANA time
 * zone. Like robfig, a day that matches either a restricted day of month or a restricted day of
 * week fires when both fields are restricted, and the two must both match when either is `*`.
 *
 * Around daylight saving changes cron-parser behaves as Vixie cron does: a time skipped by the
 * spring-forward jump fires right after it (02:30 on a 02:00→03:00 day fires at 03:30) and a
 * repeated time fires once. robfig (and so Kubernetes) skips the first and fires the second twice.
 */

const brand = Symbol.for('tskube.controller-manager.ScheduleError');

/** A schedule Kubernetes' parser would refuse; the message is robfig's. */
export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, brand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

/** When a schedule fires. */
export interface Schedule {
  /**
   * The first activation strictly after `afterMs` (ms since the epoch), at whole seconds;
   * undefined when it never fires again (e.g. `0 0 30 2 *`).
   */
  next(afterMs: number): number | undefined;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const minuteBounds: Bounds = { min: 0, max: 59 };
const hourBounds: Bounds = { min: 0, max: 23 };
const domBounds: Bounds = { min: 1, max: 31 };
const monthBounds: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const dowBounds: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };
const fieldBounds = [minuteBounds, hourBounds, domBounds, monthBounds, dowBounds];

const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** A field's values, and whether it was written as `*` or `?` (robfig's star bit). */
interface Field {
  values: Set<number>;
  star: boolean;
}

/** Whether `zone` names a time zone this runtime knows (the IANA database, and UTC). */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The time zone of this process, where schedules without a zone are read (robfig's time.Local). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/**
 * Parses a schedule as robfig's ParseStandard, read in `defaultTimeZone` unless it starts with
 * `TZ=<zone>` or `CRON_TZ=<zone>`. Throws ScheduleError for what robfig refuses.
 */
export function parseSchedule(spec: string, defaultTimeZone: string): Schedule {
  if (spec.length === 0) throw new ScheduleError('empty spec string');
  let zone = defaultTimeZone;
  let rest = spec;
  if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
    const space = rest.indexOf(' ');
    const name = rest.slice(rest.indexOf('=') + 1, space < 0 ? rest.length : space);
    if (!isValidTimeZone(name)) throw new ScheduleError(`provided bad location ${name}: unknown time zone ${name}`);
    zone = name;
    rest = space < 0 ? '' : rest.slice(space).trim();
  }
  if (rest.startsWith('@')) return parseDescriptor(rest, zone);
  const fields = rest.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) throw new ScheduleError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  return cronSchedule(
    fields.map((f, i) => parseField(f, fieldBounds[i]!)),
    zone,
  );
}

function parseDescriptor(descriptor: string, zone: string): Schedule {
  const standard = descriptors[descriptor];
  if (standard !== undefined) return parseSchedule(standard, zone);
  if (descriptor.startsWith('@every ')) {
    const text = descriptor.slice('@every '.length);
    let ms: number;
    try {
      ms = parseGoDuration(text);
    } catch (err) {
      throw new ScheduleError(`failed to parse duration ${descriptor}: ${(err as Error).message}`, { cause: err });
    }
    return everySchedule(ms);
  }
  throw new ScheduleError(`unrecognized descriptor: ${descriptor}`);
}

/** robfig's ConstantDelaySchedule: whole seconds, at least one, from the start of the second. */
function everySchedule(durationMs: number): Schedule {
  const delay = Math.max(1000, durationMs - (durationMs % 1000));
  return { next: (after) => Math.floor(after / 1000) * 1000 + delay };
}

function parseField(field: string, bounds: Bounds): Field {
  const values = new Set<number>();
  let star = false;
  for (const expr of field.split(',')) {
    const r = parseRange(expr, bounds);
    for (let v = r.start; v <= r.end; v += r.step) values.add(v);
    star ||= r.star;
  }
  return { values, star };
}

function parseRange(expr: string, bounds: Bounds): { start: number; end: number; step: number; star: boolean } {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const single = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = bounds.min;
    end = bounds.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, bounds.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, bounds.names);
    else throw new ScheduleError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseNonNegative(rangeAndStep[1]!);
    // "N/step" means "N-max/step".
    if (single) end = bounds.max;
    // Only "*" and "*/1" keep the star: "*/2" restricts the field.
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new ScheduleError(`too many slashes: ${expr}`);
  }
  if (start < bounds.min) throw new ScheduleError(`beginning of range (${start}) below minimum (${bounds.min}): ${expr}`);
  if (end > bounds.max) throw new ScheduleError(`end of range (${end}) above maximum (${bounds.max}): ${expr}`);
  if (start > end) throw new ScheduleError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new ScheduleError(`step of range should be a positive number: ${expr}`);
  return { start, end, step, star };
}

function parseIntOrName(expr: string, names: Record<string, number> | undefined): number {
  const named = names?.[expr.toLowerCase()];
  return named ?? parseNonNegative(expr);
}

/** Go's strconv.Atoi, then robfig's refusal of negatives. */
function parseNonNegative(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) throw new ScheduleError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new ScheduleError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

/**
 * A five-field schedule run by cron-parser: every restricted field is spelt out as the list of
 * its values (so cron-parser's own extensions never apply) and star fields stay `*`, which keeps
 * robfig's day-of-month/day-of-week rule.
 */
function cronSchedule(fields: Field[], zone: string): Schedule {
  const text = ['0', ...fields.map((f) => (f.star ? '*' : [...f.values].sort((a, b) => a - b).join(',')))].join(' ');
  let expression: CronExpression | undefined;
  try {
    expression = CronExpressionParser.parse(text, { tz: zone, currentDate: new Date(0) });
  } catch {
    // Valid for robfig but never firing (the 30th of February): robfig's Next finds nothing.
    expression = undefined;
  }
  return {
    next(after) {
      if (!expression) return undefined;
      try {
        expression.reset(new Date(after));
        return expression.next().getTime();
      } catch {
        return undefined;
      }
    },
  };
}

const durationUnits: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's time.ParseDuration, in ms; throws with Go's message. */
export function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw new Error(`time: invalid duration ${quoted}`);
  let total = 0;
  while (s !== '') {
    const num = /^(\d*)(\.\d*)?/.exec(s)!;
    if (num[0] === '' || num[0] === '.') throw new Error(`time: invalid duration ${quoted}`);
    s = s.slice(num[0].length);
    const unit = /^[^\d.]*/.exec(s)![0];
    if (unit === '') throw new Error(`time: missing unit in duration ${quoted}`);
    const scale = durationUnits[unit];
    if (scale === undefined) throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    s = s.slice(unit.length);
    total += Number(num[0]) * scale;
  }
  return sign * total;
}
