import { createLogger } from '@tskube/component';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Test support from tools/ (containerd and the images), as the other containerd specs use it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureImages } from '../../../../tools/images/build.mjs';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { BUSYBOX_IMAGE } from '../../../../tools/images/names.mjs';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startContainerd } from '../../../../tools/containerd/index';
import { KubeletServer } from './server';
import { Channel } from './stream-bridge';
import { eventually, openChannels, RuntimeFixture } from './test/fixture';

// The streaming server against a real containerd and busybox: exec and attach bridged from the
// WebSocket channel protocols to containerd's CRI streaming server, logs from its CRI log files.

const tools = { startContainerd, ensureImages: (o: Parameters<typeof ensureImages>[0]) => ensureImages(o), busyboxImage: BUSYBOX_IMAGE };
const exitStatus = (code: number) => ({ metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(code) }] } });

describe('KubeletServer with containerd', () => {
  let fx: RuntimeFixture;
  let server: KubeletServer;
  let base: string;
  let ws: string;
  let healthy = true;

  beforeAll(async () => {
    fx = await RuntimeFixture.start(tools);
    server = new KubeletServer({
      host: '127.0.0.1',
      port: 0,
      pods: fx,
      runtime: fx.client,
      logger: createLogger({ component: 'kubelet', write: () => undefined }),
      registry: new Registry(),
      healthz: () => {
        if (!healthy) throw new Error('PLEG is not healthy');
      },
      nodeName: 'node-1',
      logPollIntervalMs: 20,
    });
    await server.listen();
    base = `http://127.0.0.1:${server.port}`;
    ws = `ws://127.0.0.1:${server.port}`;
    await fx.runPod('default', 'shell', [
      { name: 'main', command: ['sh', '-c', 'echo started; echo warning >&2; while true; do sleep 1; done'] },
      { name: 'reader', command: ['sh', '-c', 'while read l; do echo "got $l"; done'], stdin: true },
    ]);
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await fx?.stop();
  });

  const exec = (cmd: string[], flags: string) => `${ws}/exec/default/shell/main?${cmd.map((c) => `command=${encodeURIComponent(c)}`).join('&')}&${flags}`;

  it.each(['v5.channel.k8s.io', 'v4.channel.k8s.io'])('execs with %s: stdout, stderr and a non-zero exit as a Status on channel 3', async (protocol) => {
    const s = await openChannels(exec(['sh', '-c', 'echo out; echo err >&2; exit 7'], 'stdout=1&stderr=1'), [protocol]);
    expect(s.protocol).toBe(protocol);
    expect((await s.closed).code).toBe(1000);
    expect(s.text(Channel.Stdout)).toBe('out\n');
    expect(s.text(Channel.Stderr)).toBe('err\n');
    expect(JSON.parse(s.text(Channel.Error))).toMatchObject(exitStatus(7));
  });

  it('prefers v5 when offered alongside older protocols, and reports success', async () => {
    const s = await openChannels(exec(['ls', '/'], 'stdout=true&stderr=true'), ['v4.channel.k8s.io', 'v5.channel.k8s.io', 'channel.k8s.io']);
    expect(s.protocol).toBe('v5.channel.k8s.io');
    await s.closed;
    expect(s.text(Channel.Stdout).split('\n')).toEqual(expect.arrayContaining(['bin', 'etc', 'proc']));
    expect(JSON.parse(s.text(Channel.Error))).toEqual({ metadata: {}, status: 'Success' });
  });

  it('passes stdin and ends it on the v5 close signal', async () => {
    const s = await openChannels(exec(['sh', '-c', 'cat; echo eof'], 'stdin=1&stdout=1&stderr=1'), ['v5.channel.k8s.io']);
    const big = 'x'.repeat(3_000_000);
    s.send(Channel.Stdin, 'hello\n');
    s.send(Channel.Stdin, big);
    s.send(Channel.Close, Buffer.of(Channel.Stdin));
    await s.closed;
    const got = s.text(Channel.Stdout);
    expect({ length: got.length, head: got.slice(0, 8), tail: got.slice(-8) }).toEqual({ length: big.length + 10, head: "hello\nxx", tail: "xxxxeof\n" });
    expect(got).toBe(`hello\n${big}eof\n`);
    expect(JSON.parse(s.text(Channel.Error))).toEqual({ metadata: {}, status: 'Success' });
  });

  it('passes stdin over v4 (which has no close signal) to a command that stops by itself', async () => {
    const s = await openChannels(exec(['head', '-n', '1'], 'stdin=1&stdout=1'), ['v4.channel.k8s.io']);
    s.send(Channel.Stdin, 'first line\nsecond\n');
    await s.closed;
    expect(s.text(Channel.Stdout)).toBe('first line\n');
  });

  it('gives a TTY its size from the resize channel', async () => {
    const s = await openChannels(exec(['sh'], 'stdin=1&stdout=1&stderr=1&tty=1'), ['v5.channel.k8s.io']);
    s.send(Channel.Resize, JSON.stringify({ Width: 91, Height: 33 }));
    // The resize travels on its own stream: ask until the shell sees it.
    await eventually(() => {
      s.send(Channel.Stdin, 'stty size; tty\n');
      return /33 91\r?\n\/dev\/pts\/\d+/.test(s.text(Channel.Stdout));
    }, 'the terminal has the size sent');
    s.send(Channel.Resize, JSON.stringify({ Width: 120, Height: 40 }));
    await eventually(() => {
      s.send(Channel.Stdin, 'stty size\n');
      return s.text(Channel.Stdout).includes('40 120');
    }, 'the terminal was resized');
    s.send(Channel.Stdin, 'exit 3\n');
    await s.closed;
    expect(s.output[Channel.Stderr]).toBeUndefined();
    expect(JSON.parse(s.text(Channel.Error))).toMatchObject(exitStatus(3));
  });

  it('attaches to a container that reads stdin', async () => {
    const s = await openChannels(`${ws}/attach/default/shell/reader?stdin=1&stdout=1&stderr=1`, ['v5.channel.k8s.io']);
    s.send(Channel.Stdin, 'hello\n');
    await eventually(() => s.text(Channel.Stdout).includes('got hello\n'), 'the container echoed stdin');
    s.ws.close();
    await s.closed;
  });

  it.each([
    ['an unknown pod', '/exec/default/nope/main?command=ls&stdout=1', 404, 'pod does not exist'],
    ['an unknown container', '/exec/default/shell/nope?command=ls&stdout=1', 404, 'container not found ("nope")'],
    ['no command', '/exec/default/shell/main?stdout=1', 400, 'you must specify at least 1 command'],
    ['no stream', '/exec/default/shell/main?command=ls', 400, 'you must specify at least 1 of stdin, stdout, stderr'],
  ])('refuses an exec of %s with a Status', async (_name, url, code, message) => {
    const err = await openChannels(`${ws}${url}`, ['v5.channel.k8s.io']).catch((e: { statusCode: number; body: string }) => e);
    expect(err).toMatchObject({ statusCode: code });
    expect(JSON.parse((err as { body: string }).body)).toMatchObject({ kind: 'Status', status: 'Failure', code, message });
  });

  it('refuses a protocol it does not speak', async () => {
    const err = await openChannels(exec(['ls'], 'stdout=1'), ['channel.k8s.io']).catch((e: { statusCode: number }) => e);
    expect(err).toMatchObject({ statusCode: 403 });
  });

  it('serves a container log as text/plain, with its options', async () => {
    // stdout and stderr reach the log through two pipes: their relative order is the runtime's.
    let full = '';
    await eventually(async () => {
      full = await (await fetch(`${base}/containerLogs/default/shell/main`)).text();
      return full.split('\n').sort().join(',') === ',started,warning';
    }, 'the log has both lines');
    const res = await fetch(`${base}/containerLogs/default/shell/main?timestamps=true&tailLines=1`);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const last = full.split('\n')[1];
    expect(await res.text()).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+(Z|[+-]\\d\\d:\\d\\d) ${last}\\n$`));
    expect(await (await fetch(`${base}/containerLogs/default/shell/main?limitBytes=3`)).text()).toBe(full.slice(0, 3));
    expect(await (await fetch(`${base}/containerLogs/default/shell/main?stream=Stderr`)).text()).toBe('warning\n');
    expect(await (await fetch(`${base}/containerLogs/default/shell/main?stream=Stdout`)).text()).toBe('started\n');
  });

  it('follows a log until the container stops, and reads the previous instance', async () => {
    const spec = { name: 'c', command: ['sh', '-c', 'for i in 1 2 3; do echo line $i; sleep 0.2; done'] };
    const pod = await fx.runPod('default', 'counter', [spec]);
    const followed = await (await fetch(`${base}/containerLogs/default/counter/c?follow=true`)).text();
    expect(followed).toBe('line 1\nline 2\nline 3\n');
    await fx.waitExited(pod, 'c');
    await fx.restart(pod, { name: 'c', command: ['echo', 'second run'] });
    expect(await (await fetch(`${base}/containerLogs/default/counter/c?previous=true`)).text()).toBe('line 1\nline 2\nline 3\n');
    await eventually(async () => (await (await fetch(`${base}/containerLogs/default/counter/c`)).text()) === 'second run\n', 'the new instance logged');
  });

  it.each([
    ['/containerLogs/default/nope/main', 404, 'pod "nope" does not exist'],
    ['/containerLogs/default/shell/nope', 404, 'container "nope" not found in pod "shell"'],
    ['/containerLogs/default/shell/main?previous=true', 400, 'previous terminated container "main" in pod "shell" not found'],
    ['/containerLogs/default/shell/main?tailLines=-1', 400, 'tailLines: Invalid value: -1: must be greater than or equal to 0'],
  ])('answers %s with a Status', async (path, code, message) => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(code);
    expect(await res.json()).toMatchObject({ kind: 'Status', code, message });
  });

  it('lists its pods, reports stats, health and metrics', async () => {
    const pods = (await (await fetch(`${base}/pods`)).json()) as { kind: string; items: { metadata: { name: string } }[] };
    expect(pods.kind).toBe('PodList');
    expect(pods.items.map((p) => p.metadata.name)).toContain('shell');

    type S = { node: { nodeName: string; cpu: { usageCoreNanoSeconds: number }; memory: { workingSetBytes: number } }; pods: { podRef: { name: string }; containers: { name: string; cpu?: { usageCoreNanoSeconds: number }; memory?: { workingSetBytes: number } }[]; memory?: { workingSetBytes: number } }[] };
    const summary = (await (await fetch(`${base}/stats/summary`)).json()) as S;
    expect(summary.node.nodeName).toBe('node-1');
    expect(summary.node.cpu.usageCoreNanoSeconds).toBeGreaterThan(0);
    expect(summary.node.memory.workingSetBytes).toBeGreaterThan(0);
    const shellStats = summary.pods.find((p) => p.podRef.name === 'shell')!;
    expect(shellStats.containers.map((c) => c.name).sort()).toEqual(['main', 'reader']);
    expect(shellStats.containers[0].cpu?.usageCoreNanoSeconds).toBeGreaterThan(0);
    expect(shellStats.memory?.workingSetBytes).toBeGreaterThan(0);

    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok');
    healthy = false;
    const bad = await fetch(`${base}/healthz`);
    expect(bad.status).toBe(500);
    expect(await bad.text()).toContain('PLEG is not healthy');
    healthy = true;
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/kubelet_http_requests_total\{method="GET",path="containerLogs",server_type="readwrite",long_running="false"\} \d+/);
    expect(metrics).toMatch(/kubelet_http_requests_total\{method="GET",path="exec"/);
  });
});
