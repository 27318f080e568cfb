import type { batchv1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { activePodsForRemoval, compareForRemoval, podFromTemplate, type Pod } from './pods';

function pod(name: string, opts: { node?: string; phase?: string; ready?: boolean; restarts?: number; created?: string; index?: number } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z',
      ...(opts.index === undefined ? {} : { annotations: { 'batch.kubernetes.io/job-completion-index': String(opts.index) } }),
    },
    spec: { containers: [], ...(opts.node ? { nodeName: opts.node } : {}) },
    status: {
      phase: opts.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: opts.ready ? 'True' : 'False' }],
      containerStatuses: [{ name: 'c', image: 'x', imageID: '', ready: Boolean(opts.ready), restartCount: opts.restarts ?? 0 }],
    },
  };
}

const names = (pods: Pod[]) => pods.map((p) => p.metadata.name);

describe('compareForRemoval: the cheapest pods go first', () => {
  it.each([
    { name: 'unscheduled before scheduled', a: pod('a'), b: pod('b', { node: 'n1' }) },
    { name: 'pending before running', a: pod('a', { node: 'n', phase: 'Pending' }), b: pod('b', { node: 'n' }) },
    { name: 'not ready before ready', a: pod('a', { node: 'n' }), b: pod('b', { node: 'n', ready: true }) },
    { name: 'more restarts first', a: pod('a', { node: 'n', restarts: 3 }), b: pod('b', { node: 'n', restarts: 1 }) },
    { name: 'newer first', a: pod('a', { node: 'n', created: '2026-01-02T00:00:00Z' }), b: pod('b', { node: 'n' }) },
  ])('$name', ({ a, b }) => {
    expect(compareForRemoval(a, b)).toBeLessThan(0);
    expect(compareForRemoval(b, a)).toBeGreaterThan(0);
  });
});

describe('activePodsForRemoval', () => {
  const nonIndexed: batchv1.Job = { spec: { template: {} } };
  const indexed: batchv1.Job = { spec: { template: {}, completionMode: 'Indexed', completions: 3 } };

  it('removes the cheapest pods of a NonIndexed Job', () => {
    const pods = [pod('ready', { node: 'n', ready: true }), pod('pending', { phase: 'Pending' }), pod('running', { node: 'n' })];
    expect(names(activePodsForRemoval(nonIndexed, pods, 2))).toEqual(['pending', 'running']);
    expect(activePodsForRemoval(nonIndexed, pods, 0)).toEqual([]);
  });

  it('removes repeated, missing and out-of-range indexes of an Indexed Job first', () => {
    const pods = [
      pod('zero', { index: 0, node: 'n', ready: true }),
      pod('zero-again', { index: 0, phase: 'Pending' }),
      pod('one', { index: 1, node: 'n' }),
      pod('five', { index: 5 }),
      pod('none'),
    ];
    expect(names(activePodsForRemoval(indexed, pods, 0)).sort()).toEqual(['five', 'none', 'zero-again']);
    // Beyond those, the cheapest of the rest.
    expect(names(activePodsForRemoval(indexed, pods, 4)).sort()).toEqual(['five', 'none', 'one', 'zero-again']);
  });
});

describe('podFromTemplate', () => {
  const job: batchv1.Job = {
    metadata: { name: 'work', namespace: 'ns', uid: 'u-1' },
    spec: {
      template: {
        metadata: { labels: { app: 'w', 'batch.kubernetes.io/job-name': 'work' }, annotations: { note: 'x' }, finalizers: ['example.com/keep'] },
        spec: { restartPolicy: 'Never', initContainers: [{ name: 'init', image: 'i' }], containers: [{ name: 'main', image: 'm', env: [{ name: 'A', value: '1' }] }] },
      },
    },
  };

  it('copies the template and makes the Job its controller', () => {
    const pod = podFromTemplate(job);
    expect(pod.metadata).toEqual({
      generateName: 'work-',
      namespace: 'ns',
      labels: { app: 'w', 'batch.kubernetes.io/job-name': 'work' },
      annotations: { note: 'x' },
      finalizers: ['example.com/keep', 'batch.kubernetes.io/job-tracking'],
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'work', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
    });
    expect(pod.spec).toEqual(job.spec!.template.spec);
    // The template itself is left alone.
    expect(job.spec!.template.metadata!.finalizers).toEqual(['example.com/keep']);
  });

  it('gives an index its annotation, label, variable, hostname and name prefix', () => {
    const pod = podFromTemplate(job, 7);
    expect(pod.metadata.generateName).toBe('work-7-');
    expect(pod.metadata.annotations).toEqual({ note: 'x', 'batch.kubernetes.io/job-completion-index': '7' });
    expect(pod.metadata.labels).toMatchObject({ 'batch.kubernetes.io/job-completion-index': '7' });
    expect(pod.spec?.hostname).toBe('work-7');
    const indexEnv = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } };
    expect(pod.spec?.initContainers?.[0]?.env).toEqual([indexEnv]);
    expect(pod.spec?.containers[0]?.env).toEqual([{ name: 'A', value: '1' }, indexEnv]);
    expect(job.spec!.template.spec!.containers[0]!.env).toEqual([{ name: 'A', value: '1' }]);
  });

  it('shortens long names so the index survives', () => {
    const long = { ...job, metadata: { ...job.metadata, name: 'j'.repeat(60) } };
    const pod = podFromTemplate(long, 12);
    expect(pod.metadata.generateName).toBe(`${'j'.repeat(54)}-12-`);
    expect(pod.metadata.generateName!.length).toBe(58);
  });
});
