import type { corev1 } from '@tskube/api-types';
import { kubectlFor, type Kubectl, type KubectlResult } from '@tskube/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newResourceQuotaController } from '../src/controllers/resourcequota';
import { Resources } from '../src/framework/context';
import { startControllers, type ControllerTestEnv } from '../src/framework/testing';

// ResourceQuota through the real kubectl 1.33, with the quota controller on a short resync period.

const NS = 'kubectl-quota';

let env: ControllerTestEnv;
let k: Kubectl;

function kubectl(...args: string[]): Promise<KubectlResult> {
  return k.run(`--namespace=${NS}`, ...args);
}

beforeAll(async () => {
  env = await startControllers([newResourceQuotaController({ resyncPeriodMs: 1000 })]);
  k = kubectlFor(env.api.url, { timeoutMs: 60_000 });
  expect((await kubectl('create', 'namespace', NS)).code).toBe(0);
}, 60_000);

afterAll(async () => {
  await env?.stop();
  k?.close();
});

const getQuota = () => env.client.get<corev1.ResourceQuota>(Resources.resourcequotas, NS, 'compute');

describe('kubectl and ResourceQuota', () => {
  it('create quota, get, describe, and a refused kubectl run', async () => {
    const created = await kubectl('create', 'quota', 'compute', '--hard=pods=2,requests.cpu=1,limits.memory=1Gi');
    expect(created.stderr).toBe('');
    expect(created.stdout.trim()).toBe('resourcequota/compute created');
    await env.eventually(async () => (await getQuota()).status?.used?.['pods'] === '0', 20_000);

    const run = async (name: string) => kubectl('run', name, '--image=nginx:1.27', '--overrides={"spec":{"containers":[{"name":"' + name + '","image":"nginx:1.27","resources":{"limits":{"cpu":"400m","memory":"256Mi"}}}]}}');
    expect((await run('one')).stdout.trim()).toBe('pod/one created');
    expect((await run('two')).stdout.trim()).toBe('pod/two created');
    const third = await run('three');
    expect(third.code).toBe(1);
    expect(third.stderr.trim()).toBe(
      'Error from server (Forbidden): pods "three" is forbidden: exceeded quota: compute, requested: pods=1,requests.cpu=400m, used: pods=2,requests.cpu=800m, limited: pods=2,requests.cpu=1',
    );
    const bare = await kubectl('run', 'bare', '--image=nginx:1.27');
    expect(bare.stderr.trim()).toBe('Error from server (Forbidden): pods "bare" is forbidden: failed quota: compute: must specify limits.memory for: bare; requests.cpu for: bare');

    const get = await kubectl('get', 'quota');
    expect(get.stdout).toMatch(/^NAME\s+REQUEST\s+LIMIT\s+AGE\ncompute\s+pods: 2\/2, requests\.cpu: 800m\/1\s+limits\.memory: 512Mi\/1Gi\s+\d+s\n$/);
    const describe = await kubectl('describe', 'quota', 'compute');
    expect(describe.stdout).toMatch(/Resource\s+Used\s+Hard\n-+\s+-+\s+-+\nlimits\.memory\s+512Mi\s+1Gi\npods\s+2\s+2\nrequests\.cpu\s+800m\s+1\n/);
  });

  it('puts right on the resync period a usage the controller was not told about', async () => {
    const before = await getQuota();
    // Overwrite the observed usage behind the controller's back: no spec change, no object change.
    await env.client.updateStatus(Resources.resourcequotas, NS, { ...before, status: { hard: before.status?.hard, used: { pods: '0', 'requests.cpu': '0', 'limits.memory': '0' } } });
    await env.eventually(async () => {
      const used = (await getQuota()).status?.used;
      return used?.['pods'] === '2' && used['requests.cpu'] === '800m' && used['limits.memory'] === '512Mi';
    }, 20_000);
  });
});
