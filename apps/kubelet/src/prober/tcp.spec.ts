import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { freePort } from '@tskube/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeResult } from './result';
import { tcpProbe } from './tcp';
import { closeServer, listenOnFreePort } from './test-servers';

describe('tcpProbe', () => {
  const accepted: Socket[] = [];
  const server = createServer((s) => {
    accepted.push(s);
    s.on('error', () => undefined);
  });
  let port = 0;
  beforeAll(async () => {
    port = await listenOnFreePort(server);
  });
  afterAll(() => closeServer(server));

  it('passes when the port accepts a connection, and closes it without writing', async () => {
    expect(await tcpProbe('127.0.0.1', port, 1000)).toEqual({ result: ProbeResult.Success, output: '' });
    const socket = accepted.at(-1)!;
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    await new Promise((resolve) => (socket.readableEnded || socket.destroyed ? resolve(undefined) : socket.once('close', resolve)));
    expect(Buffer.concat(received).length).toBe(0);
  });

  it('fails with Go’s dial error when nothing listens', async () => {
    const closed = await freePort();
    expect(await tcpProbe('127.0.0.1', closed, 1000)).toEqual({ result: ProbeResult.Failure, output: `dial tcp 127.0.0.1:${closed}: connect: connection refused` });
  });

  it('fails with i/o timeout when the connection cannot be made in time', async () => {
    // A listener that never accepts, with a backlog of 0: once one connection waits in its queue,
    // the kernel drops further SYNs and a dial hangs. Node accepts on its own, so python holds it.
    const holder = spawn('python3', ['-c', 'import socket,sys,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(120)'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const fullPort = Number(await new Promise<string>((resolve, reject) => {
        holder.stdout.setEncoding('utf8').once('data', resolve);
        holder.once('exit', (code) => reject(new Error(`python3 exited with ${code}`)));
      }));
      // Fill the accept queue: these may connect (they are queued) or already hang.
      await Promise.all([tcpProbe('127.0.0.1', fullPort, 500), tcpProbe('127.0.0.1', fullPort, 500)]);
      const t0 = Date.now();
      expect(await tcpProbe('127.0.0.1', fullPort, 400)).toEqual({ result: ProbeResult.Failure, output: `dial tcp 127.0.0.1:${fullPort}: i/o timeout` });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
