/**
 * Kubernetes' human-readable durations and ages (k8s.io/apimachinery/pkg/util/duration and the
 * printers' translateTimestampSince), which kubectl shows verbatim in AGE, LAST SEEN, DURATION, ...
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * duration.HumanDuration: about two or three significant figures (`45s`, `3m20s`, `10m`, `2h5m`,
 * `20h`, `3d4h`, `45d`, `2y30d`, `9y`). Up to a second in the future reads `0s` (clock skew between
 * machines); further ahead is `<invalid>`.
 */
export function humanDuration(ms: number): string {
  // Go truncates toward zero when it turns a Duration into whole units.
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** `0001-01-01T00:00:00Z`, Go's zero time.Time (Date.UTC would read year 1 as 1901). */
const GO_ZERO_TIME = -62_135_596_800_000;

/**
 * Milliseconds since the epoch of an RFC 3339 timestamp (metav1.Time or MicroTime); undefined for
 * Go's zero time: a missing, empty or unparsable value, or year 1 as Go prints its zero time.
 */
export function parseTime(value: string | null | undefined): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || ms === GO_ZERO_TIME) return undefined;
  return ms;
}


/** translateTimestampSince: the age of `timestamp` at `now`, `<unknown>` when it is unset. */
export function timestampSince(timestamp: string | null | undefined, now: Date): string {
  const t = parseTime(timestamp);
  return t === undefined ? '<unknown>' : humanDuration(now.getTime() - t);
}
