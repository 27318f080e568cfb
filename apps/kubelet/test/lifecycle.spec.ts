import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUSYBOX_IMAGE } from '../../../tools/images/names.mjs';
import { eventually, NodeEnv } from './harness';

// The pod lifecycle against a real containerd and apiserver: one node for the whole file.
const env = new NodeEnv();

beforeAll(async () => {
  await env.start(['pause', 'busybox']);
}, 180_000);

afterAll(async () => {
  await env.stop();
}, 120_000);

describe('kubelet pod lifecycle', () => {
  it('runs a busybox pod to completion and its CRI log file holds its output', async () => {
    await env.create(env.pod('hello', { restartPolicy: 'Never', containers: [{ name: 'hello', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo hello from busybox; echo oops >&2'] }] }));
    const pod = await env.waitPod('hello', (p) => p.status?.phase === 'Succeeded', 'succeeded');
    const cs = pod.status!.containerStatuses![0]!;
    expect(cs.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(cs.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(cs).toMatchObject({ name: 'hello', ready: false, restartCount: 0, image: BUSYBOX_IMAGE, started: false });
    expect(pod.status).toMatchObject({ qosClass: 'BestEffort', hostIP: env.nodeIP });
    expect(pod.status!.podIP).toMatch(new RegExp(`^${env.podCIDR.split('.').slice(0, 3).join('\\.')}\\.`));
    const conds = Object.fromEntries(pod.status!.conditions!.map((c) => [c.type, c]));
    expect(conds['Ready']).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(conds['Initialized']).toMatchObject({ status: 'True' });
    const found = env.kubelet.container('default', 'hello', 'hello');
    expect(found!.logPath).toBe(`${env.podLogsDir}/default_hello_${pod.metadata!.uid}/hello/0.log`);
    const log = readFileSync(found!.logPath, 'utf8');
    expect(log).toMatch(/^\S+Z stdout F hello from busybox$/m);
    expect(log).toMatch(/^\S+Z stderr F oops$/m);
    const reasons = (await env.events('hello')).map((e) => `${e.reason}: ${e.message}`);
    expect(reasons).toEqual(expect.arrayContaining([`Pulled: Container image "${BUSYBOX_IMAGE}" already present on machine`, 'Created: Created container: hello', 'Started: Started container hello']));
  });

  it('keeps a long-running pod Running and Ready, then stops it on deletion and confirms it', async () => {
    const created = await env.create(env.pod('sleeper', { containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] }));
    const pod = await env.waitPod('sleeper', (p) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true, 'running and ready');
    expect(pod.status!.containerStatuses![0]).toMatchObject({ ready: true, started: true, restartCount: 0 });
    expect(pod.status!.conditions!.map((c) => c.type)).toEqual(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
    await env.deleteAndWait('sleeper');
    await eventually(async () => (await env.runtimeContainers(created.metadata!.uid!)).length === 0, 'its containers are removed');
  });
});

describe('kubelet restarts and failures', () => {
  it('restarts a failing container with a growing CrashLoopBackOff', async () => {
    await env.create(env.pod('crasher', { containers: [{ name: 'crash', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo about to fail; exit 3'] }] }));
    const waiting = (seconds: number) => (p: import('@tskube/api-types').corev1.Pod) => {
      const cs = p.status?.containerStatuses?.[0];
      return cs?.state?.waiting?.reason === 'CrashLoopBackOff' && cs.state.waiting.message?.startsWith(`back-off ${seconds}s restarting failed container=crash pod=crasher_default(`) === true;
    };
    const first = await env.waitPod('crasher', waiting(10), 'in a 10 s back-off', 60_000);
    const cs = first.status!.containerStatuses![0]!;
    expect(cs.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(first.status!.phase).toBe('Running');
    expect(first.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [crash]' });
    const second = await env.waitPod('crasher', waiting(20), 'in a 20 s back-off after restarting', 60_000);
    expect(second.status!.containerStatuses![0]!.restartCount).toBeGreaterThanOrEqual(1);
    const events = await env.events('crasher');
    expect(events.find((e) => e.reason === 'BackOff')?.message).toMatch(/^Back-off restarting failed container crash in pod crasher_default\(/);
    await env.deleteAndWait('crasher');
  }, 120_000);

  it('runs init containers in order before the containers, sharing an emptyDir', async () => {
    await env.create(
      env.pod('inits', {
        restartPolicy: 'Never',
        volumes: [{ name: 'work', emptyDir: {} }],
        initContainers: [
          { name: 'first', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo one > /work/order'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
          { name: 'second', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo two >> /work/order'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
        ],
        containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['cat', '/work/order'], volumeMounts: [{ name: 'work', mountPath: '/work' }] }],
      }),
    );
    const pod = await env.waitPod('inits', (p) => p.status?.phase === 'Succeeded', 'succeeded');
    expect(pod.status!.initContainerStatuses!.map((s) => [s.name, s.state?.terminated?.exitCode])).toEqual([
      ['first', 0],
      ['second', 0],
    ]);
    const found = env.kubelet.container('default', 'inits', 'main');
    expect(readFileSync(found!.logPath, 'utf8')).toMatch(/stdout F one\n.*stdout F two\n$/s);
    expect(pod.status!.conditions!.find((c) => c.type === 'Initialized')).toMatchObject({ status: 'True', reason: 'PodCompleted' });
  });

  it('fails a restartPolicy Never pod whose init container fails, without starting its containers', async () => {
    await env.create(
      env.pod('badinit', {
        restartPolicy: 'Never',
        initContainers: [{ name: 'init', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'exit 7'] }],
        containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['true'] }],
      }),
    );
    const pod = await env.waitPod('badinit', (p) => p.status?.phase === 'Failed', 'failed');
    expect(pod.status!.initContainerStatuses![0]!.state?.terminated).toMatchObject({ exitCode: 7, reason: 'Error' });
    expect(pod.status!.containerStatuses![0]!.state?.waiting?.reason).toBe('PodInitializing');
    expect(pod.status!.conditions!.find((c) => c.type === 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [init]' });
  });

  it('reports ErrImageNeverPull, and ErrImagePull then ImagePullBackOff for an image no registry has', async () => {
    await env.create(env.pod('neverpull', { containers: [{ name: 'c', image: 'docker.io/library/absent:1', imagePullPolicy: 'Never' }] }));
    await env.create(env.pod('badimage', { containers: [{ name: 'c', image: 'registry.invalid/tskube/missing:1' }] }));
    const never = await env.waitPod('neverpull', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImageNeverPull', 'ErrImageNeverPull');
    expect(never.status!.containerStatuses![0]!.state!.waiting!.message).toBe('Container image "docker.io/library/absent:1" is not present with pull policy of Never');
    expect(never.status!.phase).toBe('Pending');
    await env.waitPod('badimage', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff', 'in ImagePullBackOff');
    const events = await env.events('badimage');
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(['Pulling', 'Failed', 'BackOff']));
    expect(events.find((e) => e.reason === 'Failed' && e.message?.startsWith('Failed to pull image'))?.message).toContain('registry.invalid/tskube/missing:1');
    await Promise.all([env.deleteAndWait('neverpull'), env.deleteAndWait('badimage')]);
  });

  it('kills a container whose postStart hook fails, with FailedPostStartHook', async () => {
    await env.create(
      env.pod('poststart', { containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '3600'], lifecycle: { postStart: { exec: { command: ['sh', '-c', 'exit 1'] } } } }] }),
    );
    await eventually(async () => (await env.events('poststart')).some((e) => e.reason === 'FailedPostStartHook'), 'a FailedPostStartHook event');
    const pod = await env.waitPod(
      'poststart',
      (p) => ['PostStartHookError', 'CrashLoopBackOff'].includes(p.status?.containerStatuses?.[0]?.state?.waiting?.reason ?? ''),
      'waiting to be started again',
    );
    expect(pod.status!.containerStatuses![0]!.lastState?.terminated).toBeDefined();
    const killing = (await env.events('poststart')).find((e) => e.reason === 'Killing');
    expect(killing?.message).toBe('FailedPostStartHook');
    await env.deleteAndWait('poststart');
  });

  it('reports a container killed by its memory limit as OOMKilled', async () => {
    await env.create(
      env.pod('hog', {
        restartPolicy: 'Never',
        containers: [{ name: 'hog', image: BUSYBOX_IMAGE, command: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=256M', 'count=1'], resources: { limits: { memory: '32Mi' } } }],
      }),
    );
    const pod = await env.waitPod('hog', (p) => p.status?.phase === 'Failed', 'failed');
    expect(pod.status!.containerStatuses![0]!.state?.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    expect(pod.status!.qosClass).toBe('Burstable');
  });

  it('reports the termination message from the file, or from the log with FallbackToLogsOnError', async () => {
    await env.create(
      env.pod('lastwords', {
        restartPolicy: 'Never',
        containers: [
          { name: 'file', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'printf bye > /dev/termination-log; exit 1'] },
          { name: 'logs', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo first; echo last words; exit 2'], terminationMessagePolicy: 'FallbackToLogsOnError' },
        ],
      }),
    );
    const pod = await env.waitPod('lastwords', (p) => p.status?.phase === 'Failed', 'failed');
    const byName = Object.fromEntries(pod.status!.containerStatuses!.map((c) => [c.name, c.state?.terminated]));
    expect(byName['file']).toMatchObject({ exitCode: 1, reason: 'Error', message: 'bye' });
    expect(byName['logs']).toMatchObject({ exitCode: 2, reason: 'Error', message: 'first\nlast words\n' });
  });

  it('runs a host-network pod with the node IP and the host hosts file', async () => {
    await env.create(env.pod('hostnet', { restartPolicy: 'Never', hostNetwork: true, containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['head', '-n', '1', '/etc/hosts'] }] }));
    const pod = await env.waitPod('hostnet', (p) => p.status?.phase === 'Succeeded', 'succeeded');
    expect(pod.status!.podIP).toBe(env.nodeIP);
    expect(readFileSync(env.kubelet.container('default', 'hostnet', 'main')!.logPath, 'utf8')).toContain('stdout F # Kubernetes-managed hosts file (host network).');
  });

  it('starts a sidecar before the containers, keeps it beside them, and stops it when they are done', async () => {
    await env.create(
      env.pod('sidecar', {
        restartPolicy: 'Never',
        volumes: [{ name: 'shared', emptyDir: {} }],
        initContainers: [{ name: 'side', image: BUSYBOX_IMAGE, restartPolicy: 'Always', command: ['sh', '-c', 'echo up > /shared/side; sleep 3600'], volumeMounts: [{ name: 'shared', mountPath: '/shared' }] }],
        containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'cat /shared/side; sleep 1'], volumeMounts: [{ name: 'shared', mountPath: '/shared' }] }],
      }),
    );
    const running = await env.waitPod('sidecar', (p) => p.status?.phase === 'Running', 'running');
    expect(running.status!.initContainerStatuses![0]).toMatchObject({ name: 'side', started: true });
    const done = await env.waitPod('sidecar', (p) => p.status?.phase === 'Succeeded', 'succeeded once main is done');
    expect(done.status!.containerStatuses![0]!.state?.terminated).toMatchObject({ exitCode: 0 });
    expect(readFileSync(env.kubelet.container('default', 'sidecar', 'main')!.logPath, 'utf8')).toContain('stdout F up');
    await eventually(async () => (await env.runtimeContainers(done.metadata!.uid!)).every((c) => c.state !== 1), 'the sidecar is stopped');
  });

  it('fails a pod that outlives its activeDeadlineSeconds', async () => {
    await env.create(env.pod('deadline', { activeDeadlineSeconds: 2, containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] }));
    const pod = await env.waitPod('deadline', (p) => p.status?.phase === 'Failed', 'failed', 30_000);
    expect(pod.status).toMatchObject({ reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
    expect((await env.events('deadline')).some((e) => e.reason === 'DeadlineExceeded')).toBe(true);
  });

  it('refuses a pod that asks for more cpu than the node has, without running it', async () => {
    await eventually(async () => (await env.client.get<import('@tskube/api-types').corev1.Node>({ group: '', version: 'v1', resource: 'nodes' }, '', env.nodeName)).status?.allocatable?.['cpu'], 'the node is registered');
    const created = await env.create(env.pod('huge', { containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '3600'], resources: { requests: { cpu: '1000' } } }] }));
    const pod = await env.waitPod('huge', (p) => p.status?.phase === 'Failed', 'failed');
    expect(pod.status!.reason).toBe('OutOfcpu');
    expect(pod.status!.message).toMatch(/^Pod was rejected: Node didn't have enough resource: cpu, requested: 1000000, used: \d+, capacity: \d+$/);
    expect(await env.runtimeContainers(created.metadata!.uid!)).toEqual([]);
    expect((await env.events('huge')).find((e) => e.reason === 'OutOfcpu')?.type).toBe('Warning');
  });
});
