import { dialSpdy, type SpdyConnection, type SpdyStream } from './spdy';

/** Which streams an exec or attach carries (the CRI ExecRequest/AttachRequest flags). */
export interface StreamFlags {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/**
 * The client end of Kubernetes' remote command protocol (`v4.channel.k8s.io` over SPDY) on a CRI
 * runtime's streaming URL, as client-go's SPDY executor opens it: one stream per kind, named by a
 * `streamType` header: `error` (the command's final metav1.Status as JSON), `stdin`, `stdout`,
 * `stderr` (never with a TTY) and `resize` (TTY size changes as JSON `{"Width":..,"Height":..}`).
 */
export interface RemoteCommand {
  readonly connection: SpdyConnection;
  readonly error: SpdyStream;
  readonly stdin?: SpdyStream;
  readonly stdout?: SpdyStream;
  readonly stderr?: SpdyStream;
  readonly resize?: SpdyStream;
}

export const REMOTE_COMMAND_PROTOCOL = 'v4.channel.k8s.io';

/** Connects to `url` (from CRI Exec or Attach) and opens the streams `flags` ask for. */
export async function dialRemoteCommand(url: string, flags: StreamFlags, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<RemoteCommand> {
  const { connection, protocol } = await dialSpdy(url, [REMOTE_COMMAND_PROTOCOL], options);
  if (protocol !== REMOTE_COMMAND_PROTOCOL) {
    connection.close();
    throw new Error(`the runtime's streaming server chose protocol "${protocol}", not ${REMOTE_COMMAND_PROTOCOL}`);
  }
  const open = (type: string) => connection.openStream({ streamType: type });
  // The order client-go uses; the server waits until it has every stream the request implies.
  const error = open('error');
  const stdin = flags.stdin ? open('stdin') : undefined;
  const stdout = flags.stdout ? open('stdout') : undefined;
  const stderr = flags.stderr && !flags.tty ? open('stderr') : undefined;
  const resize = flags.tty ? open('resize') : undefined;
  const streams = [error, stdin, stdout, stderr, resize].filter((st): st is SpdyStream => st !== undefined);
  try {
    await Promise.all(streams.map((st) => st.waitReply(options.timeoutMs ?? 30_000)));
  } catch (err) {
    connection.close();
    throw err;
  }
  return { connection, error, stdin, stdout, stderr, resize };
}
