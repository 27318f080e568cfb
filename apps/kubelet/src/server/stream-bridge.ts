import type { Logger } from '@tskube/component';
import type WebSocket from 'ws';
import type { RemoteCommand } from './remote-command';

/**
 * The WebSocket channel protocols a client may choose, best first: v5 (kubectl 1.30+) adds the
 * close signal (channel 255) that half-closes stdin; v4 (the Python and JavaScript clients) has
 * none, so stdin ends only with the connection.
 */
export const CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
export type ChannelProtocol = (typeof CHANNEL_PROTOCOLS)[number];

export const Channel = { Stdin: 0, Stdout: 1, Stderr: 2, Error: 3, Resize: 4, Close: 255 } as const;

/** The best protocol both sides speak, from a Sec-WebSocket-Protocol header; undefined when none. */
export function chooseChannelProtocol(offered: string | string[] | undefined): ChannelProtocol | undefined {
  const list = (Array.isArray(offered) ? offered.join(',') : (offered ?? '')).split(',').map((p) => p.trim());
  return CHANNEL_PROTOCOLS.find((p) => list.includes(p));
}

/** Above this many bytes queued towards the client, reading from the runtime pauses. */
const HIGH_WATER = 4 * 1024 * 1024;

/**
 * Joins a client's WebSocket to a runtime's remote command streams until either ends: stdin,
 * resize and (v5) the stdin close signal go to the runtime; stdout, stderr and the final status
 * (the metav1.Status the runtime sends on its error stream, e.g. Failure/NonZeroExitCode with an
 * ExitCode cause) come back on channels 1, 2 and 3. The WebSocket is closed normally once the
 * runtime's connection has ended, after everything it sent was queued to the client.
 */
export function bridgeStreams(ws: WebSocket, protocol: ChannelProtocol, remote: RemoteCommand, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const { connection } = remote;
    const socket = connection.socket;
    let paused = false;
    const send = (channel: number, data: Buffer) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(Buffer.concat([Buffer.of(channel), data]), { binary: true }, () => {
        if (paused && ws.bufferedAmount < HIGH_WATER / 4) {
          paused = false;
          socket.resume();
        }
      });
      if (!paused && ws.bufferedAmount > HIGH_WATER) {
        paused = true;
        socket.pause();
      }
    };
    remote.stdout?.on('data', (d) => send(Channel.Stdout, d));
    remote.stderr?.on('data', (d) => send(Channel.Stderr, d));
    remote.error.on('data', (d) => send(Channel.Error, d));
    for (const stream of [remote.stdout, remote.stderr, remote.error]) stream?.release();

    ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[]) => {
      const data = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
      if (data.length === 0) return;
      const payload = data.subarray(1);
      switch (data[0]) {
        case Channel.Stdin:
          if (remote.stdin && payload.length && !remote.stdin.write(payload)) {
            ws.pause();
            connection.once('drain', () => ws.resume());
          }
          return;
        case Channel.Resize:
          remote.resize?.write(payload);
          return;
        case Channel.Close:
          if (protocol === 'v5.channel.k8s.io' && payload[0] === Channel.Stdin) remote.stdin?.end();
          return;
        default:
          logger.debug('ignoring a message on an unknown channel', { channel: data[0] });
      }
    });

    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      if (ws.readyState === ws.OPEN) ws.close(1000);
      connection.close();
      resolve();
    };
    connection.on('close', finish);
    ws.on('close', () => {
      // The client is gone: stdin ends, and the runtime's side is torn down.
      remote.stdin?.end();
      finish();
    });
    ws.on('error', (err) => {
      logger.debug('client stream failed', { err: err.message });
      finish();
    });
  });
}
