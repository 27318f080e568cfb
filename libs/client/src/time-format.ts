/**
 * Timestamps as the API writes them. metav1.Time is RFC 3339 with whole seconds
 * (`2026-01-01T00:00:00Z`); metav1.MicroTime has six fractional digits
 * (`2026-01-01T00:00:00.000000Z`). JavaScript time has milliseconds, so the last three digits of a
 * MicroTime written here are zero.
 */

/** metav1.Time for `ms` since the epoch, in UTC. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.MicroTime for `ms` since the epoch, in UTC. */
export function formatMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Milliseconds since the epoch of an RFC 3339 time (either form), or undefined when it is not one. */
export function parseTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
