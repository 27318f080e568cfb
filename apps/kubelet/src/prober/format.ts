/**
 * Go's spellings of durations, addresses and network errors. Probe outputs end up in Unhealthy
 * events that people (and their alerting) match against what a real kubelet writes, so the
 * handlers phrase their failures the way Go's net, net/http and grpc packages do.
 */

/** Go's `time.Duration.String()` for a whole number of milliseconds: `0s`, `500ms`, `1s`, `1.5s`, `1m30s`, `2h0m0s`. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.trunc(ms));
  if (rest < 1000) return `${sign}${rest}ms`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = (rest / 1000).toFixed(3).replace(/\.?0+$/, '');
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

/** `host:port`, with IPv6 literals bracketed (Go's net.JoinHostPort). */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** What Go's syscall errors say for the errno codes a dial or read can end with. */
const errnoText: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  EADDRNOTAVAIL: 'cannot assign requested address',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'broken pipe',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A failed dial as Go's net.OpError prints it: `dial tcp 10.0.0.5:8080: connect: connection
 * refused`. Name resolution failures read as Go's resolver's (`lookup x on ...: no such host` is
 * shortened to `lookup x: no such host`, the resolver address being the node's business).
 */
export function dialErrorText(err: unknown, address: string): string {
  const code = errnoCode(err);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    const host = (err as { hostname?: unknown }).hostname;
    return `dial tcp: lookup ${typeof host === 'string' ? host : address}: no such host`;
  }
  const text = code ? errnoText[code] : undefined;
  if (text) return `dial tcp ${address}: connect: ${text}`;
  return `dial tcp ${address}: ${err instanceof Error ? err.message : String(err)}`;
}

/** Whether `err` happened while connecting (as opposed to after the connection was up). */
export function isDialError(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EACCES' || code === 'EPERM';
}

/** An error on an established connection as Go's transport reports it (`EOF`, `read: connection reset by peer`). */
export function connErrorText(err: unknown): string {
  const code = errnoCode(err);
  // Node's name for a peer that closed the connection before answering; Go reads it as EOF.
  if (code === 'ECONNRESET' && err instanceof Error && err.message === 'socket hang up') return 'EOF';
  const text = code ? errnoText[code] : undefined;
  if (text) return `read: ${text}`;
  return err instanceof Error ? err.message : String(err);
}
