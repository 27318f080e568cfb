import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts } from '@tskube/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Res, TestCluster, waitFor } from './harness';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

let cluster: TestCluster;
let dir: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  cluster = await TestCluster.start();
  dir = mkdtempSync(join(tmpdir(), 'tskube-scheduler-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs apps/scheduler/src/main.ts as its own process, as `npm start` runs the bundle. */
function runMain(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/scheduler/src/main.ts'), ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, TSKUBE_EXIT_WITH_PARENT: '1' },
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

async function get(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(url);
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined;
  }
}

describe('kube-scheduler process', () => {
  it('serves health and metrics, schedules with its --config, and a killed leader is replaced within the lease duration', async () => {
    await cluster.createNode('n1', { cpu: '4' });
    await cluster.createNode('n2', { cpu: '4' });
    const config = join(dir, 'scheduler.yaml');
    writeFileSync(
      config,
      [
        'apiVersion: kubescheduler.config.k8s.io/v1',
        'kind: KubeSchedulerConfiguration',
        'leaderElection:',
        '  leaderElect: true',
        '  leaseDuration: 2s',
        '  renewDeadline: 1500ms',
        '  retryPeriod: 250ms',
        'profiles:',
        '- schedulerName: default-scheduler',
        '- schedulerName: bin-packer',
        '  pluginConfig:',
        '  - name: NodeResourcesFit',
        '    args:',
        '      scoringStrategy:',
        '        type: MostAllocated',
      ].join('\n'),
    );
    const [port] = await freePorts(1);
    const main = runMain([`--master=${cluster.apiserver.master}`, `--config=${config}`, `--secure-port=${port}`]);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => ((await get(`${base}/readyz`))?.status === 200 ? true : undefined), 20_000, `readyz (output: ${main.output()})`);
    expect(await get(`${base}/healthz`)).toEqual({ status: 200, body: 'ok' });
    const lease = await waitFor(async () => (await cluster.client.get<{ spec?: { holderIdentity?: string } }>(Res.leases, 'kube-system', 'kube-scheduler')).spec?.holderIdentity, 10_000, 'the lease');

    await cluster.createPod('default', 'packed-1', { schedulerName: 'bin-packer', requests: { cpu: '1' } });
    const first = await cluster.boundNode('default', 'packed-1');
    await cluster.createPod('default', 'packed-2', { schedulerName: 'bin-packer', requests: { cpu: '1' } });
    expect(await cluster.boundNode('default', 'packed-2')).toBe(first);
    const metrics = (await get(`${base}/metrics`))!.body;
    expect(metrics).toMatch(/scheduler_schedule_attempts_total\{result="scheduled",profile="bin-packer",component="kube-scheduler"\} 2/);
    expect(metrics).toContain('scheduler_pending_pods{queue="active",component="kube-scheduler"} 0');
    expect(main.output()).toContain('"msg":"became leader"');

    const standby = await cluster.startScheduler({ leaderElection: { leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 250 } }, 'standby');
    expect(standby.isLeader()).toBe(false);
    const killedAt = Date.now();
    main.child.kill('SIGKILL');
    await main.exited;
    await waitFor(() => (standby.isLeader() ? true : undefined), 15_000, 'the standby to take over');
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    const now = await cluster.client.get<{ spec?: { holderIdentity?: string } }>(Res.leases, 'kube-system', 'kube-scheduler');
    expect(now.spec?.holderIdentity).not.toBe(lease);
    await cluster.createPod('default', 'after');
    await cluster.boundNode('default', 'after');
  });

  it('exits 0 on SIGTERM, giving the lease back, and exits 2 on a bad flag or configuration', async () => {
    const [port] = await freePorts(1);
    const main = runMain([`--master=${cluster.apiserver.master}`, `--secure-port=${port}`, '--leader-elect-lease-duration=30s', '--leader-elect-renew-deadline=20s']);
    const holder = await waitFor(async () => (await cluster.client.get<{ spec?: { holderIdentity?: string } }>(Res.leases, 'kube-system', 'kube-scheduler')).spec?.holderIdentity, 20_000, 'the lease');
    expect(holder).not.toBe('');
    main.child.kill('SIGTERM');
    expect(await main.exited).toBe(0);
    const released = await cluster.client.get<{ spec?: { holderIdentity?: string } }>(Res.leases, 'kube-system', 'kube-scheduler');
    expect(released.spec?.holderIdentity ?? '').toBe('');

    expect(await runMain(['--no-such-flag']).exited).toBe(2);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'profiles:\n- schedulerName: a\n  plugins:\n    score:\n      enabled:\n      - name: NoSuchPlugin\n');
    const refused = runMain([`--config=${bad}`, `--master=${cluster.apiserver.master}`, '--secure-port=0']);
    expect(await refused.exited).toBe(2);
    expect(refused.output()).toContain('NoSuchPlugin');
  });
});
