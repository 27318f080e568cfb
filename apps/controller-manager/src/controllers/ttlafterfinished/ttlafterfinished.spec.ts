import { StatusReason, hasReason, type KubeObject, type batchv1 } from '@tskube/api-types';
import { formatTime, type GroupVersionResource } from '@tskube/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import { newGarbageCollectorController } from '../garbagecollector/index';
import { newTTLAfterFinishedController } from './index';

type Job = batchv1.Job & KubeObject;

const jobs: GroupVersionResource = { group: 'batch', version: 'v1', resource: 'jobs' };
const pods: GroupVersionResource = { group: '', version: 'v1', resource: 'pods' };
const ns = 'default';

let env: ControllerTestEnv;

beforeAll(async () => {
  // The garbage collector finishes the foreground deletion the TTL controller starts.
  env = await startControllers([newTTLAfterFinishedController(), newGarbageCollectorController()]);
});

afterAll(async () => {
  await env?.stop();
});

async function createJob(name: string, ttl: number | undefined): Promise<Job> {
  return env.client.create<Job>(jobs, ns, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      ...(ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl }),
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
    },
  });
}

/** What the Job controller writes when a Job succeeds, finished at `finishedAt`. */
async function complete(job: Job, finishedAt = Date.now()): Promise<void> {
  const at = formatTime(finishedAt);
  await env.client.updateStatus(jobs, ns, {
    ...job,
    status: {
      startTime: formatTime(finishedAt - 1000),
      completionTime: at,
      succeeded: 1,
      conditions: [
        { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: at, lastTransitionTime: at },
        { type: 'Complete', status: 'True', lastProbeTime: at, lastTransitionTime: at },
      ],
    },
  });
}

async function get(gvr: GroupVersionResource, name: string): Promise<KubeObject | undefined> {
  try {
    return await env.client.get<KubeObject>(gvr, ns, name);
  } catch (err) {
    if (hasReason(err, StatusReason.NotFound)) return undefined;
    throw err;
  }
}

describe('ttl-after-finished controller', () => {
  it('deletes a finished Job with ttlSecondsAfterFinished 0, its pods first', async () => {
    const job = await createJob('done-now', 0);
    await env.client.create(pods, ns, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'done-now-pod',
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'done-now', uid: job.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      },
      spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] },
    });
    await complete(job);
    await env.eventually(async () => (await get(jobs, 'done-now')) === undefined);
    expect(await get(pods, 'done-now-pod')).toBeUndefined();
  });

  it('deletes a Job whose TTL ran out before it was seen', async () => {
    const job = await createJob('long-done', 60);
    await complete(job, Date.now() - 3_600_000);
    await env.eventually(async () => (await get(jobs, 'long-done')) === undefined);
  });

  it('waits for the TTL before deleting', async () => {
    const job = await createJob('soon', 2);
    const finished = Date.now();
    await complete(job, finished);
    await new Promise((r) => setTimeout(r, 500));
    expect(await get(jobs, 'soon')).toBeDefined();
    await env.eventually(async () => (await get(jobs, 'soon')) === undefined, 10_000);
    // lastTransitionTime has whole seconds: the TTL counts from the second the Job finished in.
    expect(Date.now()).toBeGreaterThanOrEqual(Math.floor(finished / 1000) * 1000 + 2000);
  });

  it('leaves finished Jobs without a TTL, and unfinished ones, alone', async () => {
    await complete(await createJob('keep-finished', undefined));
    await createJob('keep-running', 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(await get(jobs, 'keep-finished')).toBeDefined();
    expect(await get(jobs, 'keep-running')).toBeDefined();
  });
});
