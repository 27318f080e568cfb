import { describe, expect, it } from 'vitest';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from './apps';
import { defaultCronJob, defaultJob } from './batch';

const podTemplate = () => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } });
const defaultedSpec = {
  containers: [
    {
      name: 'web',
      image: 'nginx:1.25',
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      resources: {},
    },
  ],
  restartPolicy: 'Always',
  dnsPolicy: 'ClusterFirst',
  terminationGracePeriodSeconds: 30,
  schedulerName: 'default-scheduler',
  securityContext: {},
};

describe('apps/v1 defaults', () => {
  it('fills a Deployment', () => {
    const d = defaultDeployment({ metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: podTemplate() } });
    expect(d.spec).toEqual({
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: defaultedSpec },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
  });

  it('leaves a Recreate strategy without rolling update parameters', () => {
    const d = defaultDeployment({ spec: { selector: {}, template: podTemplate(), strategy: { type: 'Recreate' }, replicas: 0 } });
    expect(d.spec!.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec!.replicas).toBe(0);
  });

  it('fills a ReplicaSet', () => {
    expect(defaultReplicaSet({ spec: { selector: {}, template: podTemplate() } }).spec!.replicas).toBe(1);
  });

  it('fills a DaemonSet', () => {
    const ds = defaultDaemonSet({ spec: { selector: { matchLabels: { app: 'web' } }, template: podTemplate() } });
    expect(ds.spec!.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(ds.spec!.revisionHistoryLimit).toBe(10);
    expect(ds.spec!.template.spec).toEqual(defaultedSpec);
  });

  it('fills a StatefulSet', () => {
    const ss = defaultStatefulSet({
      spec: {
        serviceName: 'db',
        selector: { matchLabels: { app: 'web' } },
        template: podTemplate(),
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    const { template, volumeClaimTemplates, ...rest } = ss.spec!;
    expect(rest).toEqual({
      serviceName: 'db',
      selector: { matchLabels: { app: 'web' } },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      replicas: 1,
      revisionHistoryLimit: 10,
    });
    expect(template.spec).toEqual(defaultedSpec);
    expect(volumeClaimTemplates![0]).toEqual({
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    });
  });

  it('keeps an OnDelete StatefulSet strategy bare', () => {
    const ss = defaultStatefulSet({ spec: { serviceName: 's', selector: {}, template: podTemplate(), updateStrategy: { type: 'OnDelete' } } });
    expect(ss.spec!.updateStrategy).toEqual({ type: 'OnDelete' });
  });
});

describe('batch/v1 defaults', () => {
  it('fills a Job', () => {
    const job = defaultJob({ metadata: { name: 'pi' }, spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl:5.34' }], restartPolicy: 'Never' } } } });
    const { template, ...rest } = job.spec!;
    expect(rest).toEqual({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
    });
    expect(template.spec!.restartPolicy).toBe('Never');
  });

  it.each([
    // With parallelism given, completions stays unset: the job then runs until one pod succeeds.
    ['parallelism only', { parallelism: 3 }, { parallelism: 3, backoffLimit: 6 }],
    ['completions only', { completions: 5 }, { completions: 5, parallelism: 1 }],
    ['backoffLimitPerIndex', { completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 1 }, { completions: 3, backoffLimit: 2147483647 }],
    [
      'a pod failure policy',
      { podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] } },
      { completions: 1, parallelism: 1, podReplacementPolicy: 'Failed', podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] } },
    ],
  ])('fills a Job with %s', (_name, spec, want) => {
    const job = defaultJob({ spec: { template: { spec: { containers: [] } }, ...(spec as object) } });
    expect(job.spec).toMatchObject(want);
    expect(job.spec!.completions).toBe((want as { completions?: number }).completions);
  });

  it('copies template labels to a Job without labels', () => {
    expect(defaultJob({ metadata: { name: 'j' }, spec: { template: { metadata: { labels: { app: 'x' } } } } }).metadata!.labels).toEqual({ app: 'x' });
    expect(defaultJob({ metadata: { name: 'j', labels: { a: 'b' } }, spec: { template: { metadata: { labels: { app: 'x' } } } } }).metadata!.labels).toEqual({ a: 'b' });
  });

  it('fills a CronJob and its job template', () => {
    const cj = defaultCronJob({ spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { containers: [], restartPolicy: 'OnFailure' } } } } } });
    expect(cj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(cj.spec!.jobTemplate.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6, suspend: false });
  });
});
