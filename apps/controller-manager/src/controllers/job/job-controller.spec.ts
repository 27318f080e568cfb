import type { batchv1, corev1 } from '@tskube/api-types';
import { PatchType, formatTime } from '@tskube/client';
import { FakeClock } from '@tskube/client/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources } from '../../framework/context';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import type { Job } from './job-controller';
import type { Pod } from './pods';
import { newJobController } from './index';

const ns = 'jobs';
let env: ControllerTestEnv;
// Starts at the real time so the apiserver's timestamps and the controller's agree; moves only
// when a test steps it (back-offs and deadlines).
let clock: FakeClock;

beforeAll(async () => {
  clock = new FakeClock(Math.floor(Date.now() / 1000) * 1000);
  env = await startControllers([newJobController({ clock })]);
  await env.client.create(Resources.namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
});

afterAll(async () => {
  await env?.stop();
});

function jobManifest(name: string, spec: Partial<batchv1.JobSpec> = {}, podSpec: Partial<corev1.PodSpec> = {}): batchv1.Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: ns },
    spec: {
      ...spec,
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }], ...podSpec } },
    },
  };
}

async function createJob(name: string, spec: Partial<batchv1.JobSpec> = {}, podSpec: Partial<corev1.PodSpec> = {}): Promise<Job> {
  return (await env.client.create(Resources.jobs, ns, jobManifest(name, spec, podSpec))) as Job;
}

const getJob = (name: string) => env.client.get<Job>(Resources.jobs, ns, name);

async function podsOf(job: string): Promise<Pod[]> {
  const { items } = await env.client.list<Pod>(Resources.pods, ns, { labelSelector: `batch.kubernetes.io/job-name=${job}` });
  return items.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

const activePods = async (job: string) => (await podsOf(job)).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');

/** Waits until the Job has exactly `n` active pods and returns them. */
async function waitActive(job: string, n: number): Promise<Pod[]> {
  return env.eventually(async () => {
    const pods = await activePods(job);
    return pods.length === n && pods;
  });
}

function terminated(exitCode: number): corev1.ContainerStatus {
  return {
    name: 'main',
    image: 'busybox',
    imageID: '',
    ready: false,
    restartCount: 0,
    state: { terminated: { exitCode, finishedAt: formatTime(clock.now()) } },
  };
}

async function setStatus(pod: Pod, status: corev1.PodStatus): Promise<void> {
  await env.client.patch(Resources.pods, ns, pod.metadata.name ?? '', PatchType.MergePatch, { status }, { subresource: 'status' });
}

const succeed = (pod: Pod) => setStatus(pod, { phase: 'Succeeded', containerStatuses: [terminated(0)] });
const fail = (pod: Pod, exitCode = 1, conditions: corev1.PodCondition[] = []) =>
  setStatus(pod, { phase: 'Failed', containerStatuses: [terminated(exitCode)], ...(conditions.length ? { conditions } : {}) });

const condition = (job: Job, type: string) => job.status?.conditions?.find((c) => c.type === type);

async function waitCondition(name: string, type: string): Promise<Job> {
  return env.eventually(async () => {
    const job = await getJob(name);
    return condition(job, type)?.status === 'True' && job;
  });
}

async function eventsOf(name: string): Promise<corev1.Event[]> {
  await env.ctx.recorder.flush();
  const { items } = await env.client.list<corev1.Event>(Resources.events, ns);
  return items.filter((e) => e.involvedObject.name === name);
}

describe('job controller', () => {
  it('runs completions 3 with parallelism 2 to Complete', async () => {
    const created = await createJob('count', { completions: 3, parallelism: 2 });
    const [a, b] = await waitActive('count', 2);
    for (const pod of [a!, b!]) {
      expect(pod.metadata.generateName).toBe('count-');
      expect(pod.metadata.finalizers).toContain('batch.kubernetes.io/job-tracking');
      expect(pod.metadata.ownerReferences).toEqual([
        { apiVersion: 'batch/v1', kind: 'Job', name: 'count', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
      expect(pod.metadata.labels).toMatchObject({
        'batch.kubernetes.io/job-name': 'count',
        'job-name': 'count',
        'batch.kubernetes.io/controller-uid': created.metadata.uid,
        'controller-uid': created.metadata.uid,
      });
    }
    const started = await env.eventually(async () => {
      const job = await getJob('count');
      return job.status?.active === 2 && job;
    });
    expect(started.status?.startTime).toBe(formatTime(clock.now()));
    expect(started.status).toMatchObject({ ready: 0, terminating: 0 });

    await succeed(a!);
    // One success leaves two completions: two pods run again, the finished one is counted.
    const third = await env.eventually(async () => {
      const pods = await activePods('count');
      const job = await getJob('count');
      return pods.length === 2 && job.status?.succeeded === 1 && pods.find((p) => p.metadata.name !== b!.metadata.name);
    });
    expect(third.metadata.name).not.toBe(a!.metadata.name);
    await succeed(b!);
    await succeed(third);
    const done = await waitCondition('count', 'Complete');
    expect(done.status).toMatchObject({ succeeded: 3, active: 0, ready: 0, terminating: 0, completionTime: formatTime(clock.now()) });
    expect(done.status?.failed ?? 0).toBe(0);
    expect(done.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
      ['Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
    ]);
    expect(done.status?.uncountedTerminatedPods ?? {}).toEqual({});
    for (const pod of await podsOf('count')) expect(pod.metadata.finalizers ?? []).not.toContain('batch.kubernetes.io/job-tracking');

    const events = await eventsOf('count');
    const created3 = events.filter((e) => e.reason === 'SuccessfulCreate').map((e) => e.message);
    expect(created3).toHaveLength(3);
    for (const m of created3) expect(m).toMatch(/^Created pod: count-[a-z0-9]{5}$/);
    expect(events.find((e) => e.reason === 'Completed')).toMatchObject({ type: 'Normal', message: 'Job completed' });
  });

  it('keeps counts when finished pods are deleted and counts a deleted running pod as failed', async () => {
    await createJob('deleted', { completions: 2, parallelism: 1 });
    const [first] = await waitActive('deleted', 1);
    await succeed(first!);
    const [second] = await env.eventually(async () => {
      const pods = await activePods('deleted');
      return pods.length === 1 && pods[0]!.metadata.name !== first!.metadata.name && pods;
    });
    await env.client.delete(Resources.pods, ns, first!.metadata.name ?? '');
    // The running pod is deleted before it finishes: its finalizer keeps it until it is counted.
    await env.client.delete(Resources.pods, ns, second!.metadata.name ?? '');
    const counted = await env.eventually(async () => {
      const j = await getJob('deleted');
      return j.status?.failed === 1 && j;
    });
    expect(counted.status).toMatchObject({ succeeded: 1, active: 0 });
    expect(await podsOf('deleted')).toEqual([]);
    // The failure delays the replacement by the back-off, counted from the deletion (real time).
    clock.step(60_000);
    const [third] = await waitActive('deleted', 1);
    expect([first!.metadata.name, second!.metadata.name]).not.toContain(third!.metadata.name);
    expect((await getJob('deleted')).status).toMatchObject({ succeeded: 1, failed: 1 });
  });

  it('fails a Job with backoffLimit 2 after 3 failed pods, backing off between them', async () => {
    await createJob('failing', { backoffLimit: 2 });
    for (let failures = 1; failures <= 3; failures++) {
      const [pod] = await waitActive('failing', 1);
      const failedAt = clock.now();
      await fail(pod!);
      if (failures === 3) break;
      // The replacement waits 10 s, then 20 s, from the failure: a wake-up on the clock says when.
      const delay = 10_000 * 2 ** (failures - 1);
      await env.eventually(async () => (await getJob('failing')).status?.failed === failures && clock.nextTimerAt() === failedAt + delay);
      expect(await activePods('failing')).toHaveLength(0);
      clock.step(delay);
    }
    const job = await waitCondition('failing', 'Failed');
    expect(job.status).toMatchObject({ failed: 3, active: 0, terminating: 0 });
    expect(job.status?.succeeded ?? 0).toBe(0);
    expect(job.status?.completionTime).toBeUndefined();
    expect(job.status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
      ['Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
    ]);
    const events = await eventsOf('failing');
    expect(events.find((e) => e.reason === 'BackoffLimitExceeded')).toMatchObject({ type: 'Warning', message: 'Job has reached the specified backoff limit' });
    expect(events.filter((e) => e.reason === 'SuccessfulCreate')).toHaveLength(3);
  });

  it('counts container restarts toward backoffLimit with restartPolicy OnFailure', async () => {
    await createJob('restarts', { backoffLimit: 2 }, { restartPolicy: 'OnFailure' });
    const [pod] = await waitActive('restarts', 1);
    await setStatus(pod!, {
      phase: 'Running',
      containerStatuses: [{ name: 'main', image: 'busybox', imageID: '', ready: false, restartCount: 2, state: { running: {} } }],
    });
    const job = await waitCondition('restarts', 'Failed');
    expect(condition(job, 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    // The running pod was deleted and, the Job having failed, counted as failed.
    expect(job.status).toMatchObject({ failed: 1, active: 0 });
    expect(await podsOf('restarts')).toHaveLength(0);
  });

  it('gives Indexed Jobs one pod per index and reports completedIndexes', async () => {
    await createJob('indexed', { completionMode: 'Indexed', completions: 5, parallelism: 5 });
    const pods = await waitActive('indexed', 5);
    const byIndex = new Map(pods.map((p) => [p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'], p]));
    expect([...byIndex.keys()].sort()).toEqual(['0', '1', '2', '3', '4']);
    for (const [ix, pod] of byIndex) {
      expect(pod.metadata.labels?.['batch.kubernetes.io/job-completion-index']).toBe(ix);
      expect(pod.metadata.generateName).toBe(`indexed-${ix}-`);
      expect(pod.spec?.hostname).toBe(`indexed-${ix}`);
      expect(pod.spec?.containers[0]?.env).toContainEqual({
        name: 'JOB_COMPLETION_INDEX',
        valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } },
      });
    }
    for (const ix of ['0', '1', '2', '4']) await succeed(byIndex.get(ix)!);
    const partial = await env.eventually(async () => {
      const job = await getJob('indexed');
      return job.status?.completedIndexes === '0-2,4' && job;
    });
    expect(partial.status).toMatchObject({ succeeded: 4, active: 1 });
    // A failed index gets a new pod with the same index, after the back-off.
    await fail(byIndex.get('3')!);
    await env.eventually(async () => (await getJob('indexed')).status?.failed === 1);
    clock.step(10_000);
    const [again] = await env.eventually(async () => {
      const active = await activePods('indexed');
      return active.length === 1 && active[0]!.metadata.name !== byIndex.get('3')!.metadata.name && active;
    });
    expect(again!.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).toBe('3');
    await succeed(again!);
    const done = await waitCondition('indexed', 'Complete');
    expect(done.status).toMatchObject({ completedIndexes: '0-4', succeeded: 5, failed: 1 });
  });

  it('deletes the active pods of a suspended Job and recreates them when resumed', async () => {
    await createJob('pausing', { parallelism: 2, completions: 4 });
    const before = await waitActive('pausing', 2);
    await env.client.patch(Resources.jobs, ns, 'pausing', PatchType.MergePatch, { spec: { suspend: true } });
    const suspended = await waitCondition('pausing', 'Suspended');
    expect(condition(suspended, 'Suspended')).toMatchObject({ reason: 'JobSuspended', message: 'Job suspended' });
    await env.eventually(async () => (await podsOf('pausing')).length === 0);
    const after = await env.eventually(async () => {
      const job = await getJob('pausing');
      return job.status?.active === 0 && job;
    });
    // Pods removed for suspension are not failures.
    expect(after.status?.failed ?? 0).toBe(0);

    await env.client.patch(Resources.jobs, ns, 'pausing', PatchType.MergePatch, { spec: { suspend: false } });
    const resumed = await waitActive('pausing', 2);
    expect(resumed.map((p) => p.metadata.name)).not.toContain(before[0]!.metadata.name);
    const job = await env.eventually(async () => {
      const j = await getJob('pausing');
      return condition(j, 'Suspended')?.status === 'False' && j;
    });
    expect(condition(job, 'Suspended')).toMatchObject({ reason: 'JobResumed', message: 'Job resumed' });
    const events = (await eventsOf('pausing')).map((e) => e.reason);
    expect(events).toEqual(expect.arrayContaining(['Suspended', 'Resumed', 'SuccessfulDelete']));
  });

  it('fails a Job past activeDeadlineSeconds and deletes its pods', async () => {
    await createJob('deadline', { activeDeadlineSeconds: 30, parallelism: 2, completions: 2 });
    await waitActive('deadline', 2);
    await env.eventually(async () => (await getJob('deadline')).status?.active === 2);
    clock.step(30_000);
    const job = await waitCondition('deadline', 'Failed');
    expect(condition(job, 'Failed')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    expect(job.status).toMatchObject({ active: 0, failed: 2 });
    expect(await podsOf('deadline')).toHaveLength(0);
  });

  it('adopts an orphan its selector matches', async () => {
    // parallelism 0: any pod the Job claims is surplus, and its deletion shows the claim.
    const job = await createJob('adopter', { parallelism: 0, completions: 1 });
    await env.client.create(Resources.pods, ns, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray', labels: { 'batch.kubernetes.io/controller-uid': job.metadata.uid! } },
      spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] },
    });
    await env.eventually(async () => (await eventsOf('adopter')).some((e) => e.reason === 'SuccessfulDelete' && e.message === 'Deleted pod: stray'));
    await env.eventually(async () => (await env.client.list<Pod>(Resources.pods, ns, { fieldSelector: 'metadata.name=stray' })).items.length === 0);
  });

  it('releases a pod that stops matching and drops its finalizer', async () => {
    await createJob('releaser', { parallelism: 1, completions: 1 });
    const [pod] = await waitActive('releaser', 1);
    await env.client.patch(Resources.pods, ns, pod!.metadata.name ?? '', PatchType.MergePatch, { metadata: { labels: { 'batch.kubernetes.io/controller-uid': 'someone-else' } } });
    const released = await env.eventually(async () => {
      const p = await env.client.get<Pod>(Resources.pods, ns, pod!.metadata.name ?? '');
      return !p.metadata.ownerReferences?.length && !p.metadata.finalizers?.length && p;
    });
    expect(released.metadata.labels?.['batch.kubernetes.io/job-name']).toBe('releaser');
    const [replacement] = await waitActive('releaser', 2).then((pods) => pods.filter((p) => p.metadata.name !== pod!.metadata.name));
    expect(replacement!.metadata.ownerReferences?.[0]?.name).toBe('releaser');
    await env.client.delete(Resources.pods, ns, pod!.metadata.name ?? '');
  });

  it('applies the pod failure policy: Ignore replaces without counting, FailJob fails at once', async () => {
    await createJob('policy', {
      backoffLimit: 6,
      podFailurePolicy: {
        rules: [
          { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
          { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        ],
      },
    });
    const [first] = await waitActive('policy', 1);
    await fail(first!, 137, [{ type: 'DisruptionTarget', status: 'True' }]);
    // Ignored failures are not counted but still delay the replacement.
    await env.eventually(async () => (await podsOf('policy')).every((p) => !p.metadata.finalizers?.length));
    clock.step(10_000);
    const [second] = await env.eventually(async () => {
      const pods = await activePods('policy');
      return pods.length === 1 && pods[0]!.metadata.name !== first!.metadata.name && pods;
    });
    expect((await getJob('policy')).status?.failed ?? 0).toBe(0);
    await fail(second!, 42);
    const job = await waitCondition('policy', 'Failed');
    expect(condition(job, 'Failed')).toMatchObject({
      reason: 'PodFailurePolicy',
      message: `Container main for pod ${ns}/${second!.metadata.name} failed with exit code 42 matching FailJob rule at index 0`,
    });
    expect(condition(job, 'FailureTarget')?.reason).toBe('PodFailurePolicy');
    expect(job.status?.failed).toBe(1);
  });
});
