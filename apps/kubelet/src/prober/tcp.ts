import { connect } from 'node:net';
import { dialErrorText, joinHostPort } from './format';
import { ProbeResult, type ProbeOutcome } from './result';

/**
 * A tcpSocket probe (Kubernetes' DoTCPProbe): passes when a TCP connection to `host:port` is
 * established within `timeoutMs`, then closes it without sending anything. Fails with Go's dial
 * error (`dial tcp 10.0.0.5:80: connect: connection refused`, `dial tcp 10.0.0.5:80: i/o
 * timeout`). An empty host dials the node itself, as a Go dial of `:port` does.
 */
export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const address = joinHostPort(host, port);
  return new Promise((resolve) => {
    const socket = connect({ host: host || 'localhost', port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ result: ProbeResult.Failure, output: `dial tcp ${address}: i/o timeout` });
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ result: ProbeResult.Success, output: '' });
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ result: ProbeResult.Failure, output: dialErrorText(err, address) });
    });
  });
}
