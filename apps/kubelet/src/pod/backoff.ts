/**
 * Per-key exponential back-off with Kubernetes' flowcontrol.Backoff semantics, which the kubelet
 * uses for restarting crashed containers (10 s doubling to 5 min) and for image pulls:
 *
 * - `next(key, eventTime)` starts an entry at the initial delay, or doubles it up to the maximum;
 * - an entry whose last update is more than twice the maximum older than the event is forgotten,
 *   so a container that ran 10 minutes before failing starts again at 10 s;
 * - `isInBackOffSince(key, eventTime)`: whether less than the current delay has passed since
 *   `eventTime` (a container's finish time).
 */
export class Backoff {
  private readonly entries = new Map<string, { backoffMs: number; lastUpdate: number }>();

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(initialMs > 0) || !(maxMs >= initialMs)) throw new RangeError('Backoff: need 0 < initial <= max');
  }

  private expired(eventTime: number, lastUpdate: number): boolean {
    return eventTime - lastUpdate > this.maxMs * 2;
  }

  /** The current delay of `key` in ms; 0 when it has none. */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  next(key: string, eventTime: number): void {
    const entry = this.entries.get(key);
    if (!entry || this.expired(eventTime, entry.lastUpdate)) {
      this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: this.now() });
      return;
    }
    entry.backoffMs = Math.min(entry.backoffMs * 2, this.maxMs);
    entry.lastUpdate = this.now();
  }

  isInBackOffSince(key: string, eventTime: number): boolean {
    const entry = this.entries.get(key);
    if (!entry || this.expired(eventTime, entry.lastUpdate)) return false;
    return this.now() - eventTime < entry.backoffMs;
  }

  /** Whether less than the current delay has passed since the key's last update (image pulls). */
  isInBackOffSinceUpdate(key: string, eventTime: number): boolean {
    const entry = this.entries.get(key);
    if (!entry || this.expired(eventTime, entry.lastUpdate)) return false;
    return eventTime - entry.lastUpdate < entry.backoffMs;
  }

  /** When the back-off of `key` measured from `eventTime` ends (ms since the epoch). */
  until(key: string, eventTime: number): number {
    return eventTime + this.get(key);
  }

  /** Forgets keys matching `match` (a pod's, when the pod is gone). */
  forget(match: (key: string) => boolean): void {
    for (const key of [...this.entries.keys()]) if (match(key)) this.entries.delete(key);
  }
}

/** A duration as Go's time.Duration String() prints it: `10s`, `1m20s`, `5m0s`, `1.5s`, `250ms`. */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  if (rest < 1000) return `${neg ? '-' : ''}${trimFraction(rest)}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = `${trimFraction(rest / 1000)}s`;
  let out = '';
  if (hours > 0) out += `${hours}h`;
  if (hours > 0 || minutes > 0) out += `${minutes}m`;
  return `${neg ? '-' : ''}${out}${seconds}`;
}

function trimFraction(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(9)));
}
