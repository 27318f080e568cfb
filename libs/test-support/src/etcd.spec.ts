import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdStartError, startEtcd, type EtcdServer } from './etcd';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

/** etcd's JSON gateway: enough to prove the server answers without pulling in a client. */
async function gateway<T>(server: EtcdServer, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${server.endpoint}/v3/${path}`, { method: 'POST', body: JSON.stringify(body) });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function put(server: EtcdServer, key: string, value: string | Buffer): Promise<void> {
  await gateway(server, 'kv/put', { key: b64(key), value: b64(value) });
}

async function getValue(server: EtcdServer, key: string): Promise<string | undefined> {
  const res = await gateway<{ kvs?: { value: string }[] }>(server, 'kv/range', { key: b64(key) });
  return res.kvs?.[0] ? Buffer.from(res.kvs[0].value, 'base64').toString() : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls a condition; the process under test exits on its own schedule, there is no clock to inject. */
async function eventually(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('startEtcd', () => {
  let server: EtcdServer;

  beforeAll(async () => {
    server = await startEtcd();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('answers on a loopback endpoint', async () => {
    expect(server.endpoint).toBe(`http://127.0.0.1:${server.clientPort}`);
    expect(server.peerPort).not.toBe(server.clientPort);
    const health = await fetch(`${server.endpoint}/health`).then((r) => r.json());
    expect(health).toEqual({ health: 'true' });
    await put(server, 'greeting', 'hello');
    expect(await getValue(server, 'greeting')).toBe('hello');
  });

  it('accepts requests above etcd’s default 1.5 MiB limit', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'x');
    await put(server, 'big', big);
    expect((await getValue(server, 'big'))?.length).toBe(big.length);
  });

  it('runs in a temporary directory of its own', () => {
    expect(server.dataDir.startsWith(tmpdir())).toBe(true);
    expect(existsSync(join(server.dataDir, 'member'))).toBe(true);
  });
});

describe('EtcdServer.stop', () => {
  it('ends the process, removes the temporary directory and is idempotent', async () => {
    const server = await startEtcd();
    const root = dirname(server.dataDir);
    expect(alive(server.pid)).toBe(true);
    await Promise.all([server.stop(), server.stop()]);
    expect(alive(server.pid)).toBe(false);
    expect(existsSync(root)).toBe(false);
    await server.stop();
  });

  it('keeps a given data directory, and etcd restarted on it still has the data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tskube-etcd-spec-'));
    try {
      const first = await startEtcd({ dataDir });
      await put(first, 'survives', 'restart');
      await first.stop();
      expect(existsSync(join(dataDir, 'member'))).toBe(true);
      const second = await startEtcd({ dataDir });
      try {
        expect(await getValue(second, 'survives')).toBe('restart');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('orphan protection', () => {
  it('kills etcd when the process that started it is SIGKILLed', async () => {
    const harness = fileURLToPath(new URL('./etcd.ts', import.meta.url));
    const script = `
      import { startEtcd } from ${JSON.stringify(harness)};
      const server = await startEtcd();
      process.stdout.write(JSON.stringify({ pid: server.pid, dataDir: server.dataDir }) + '\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    const { pid, dataDir } = JSON.parse(line) as { pid: number; dataDir: string };
    expect(alive(pid)).toBe(true);

    child.kill('SIGKILL');
    await eventually(() => !alive(pid));
    await eventually(() => !existsSync(dirname(dataDir)));
  });
});

describe('start failures', () => {
  it('reports a missing binary as EtcdStartError', async () => {
    await expect(startEtcd({ bin: '/nonexistent/etcd', startTimeoutMs: 5000 })).rejects.toBeInstanceOf(EtcdStartError);
  });
});
