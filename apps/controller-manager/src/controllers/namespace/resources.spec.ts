import { describe, expect, it } from 'vitest';
import { gracefulTerminationEstimate } from './deleter';
import { deletableNamespacedResources, groupResourceString } from './resources';

describe('deletableNamespacedResources', () => {
  const got = deletableNamespacedResources();
  const names = got.map((r) => `${r.resource}.${r.group}/${r.version}`);

  it('starts with pods', () => {
    expect(names[0]).toBe('pods./v1');
  });

  it.each(['configmaps./v1', 'secrets./v1', 'deployments.apps/v1', 'jobs.batch/v1', 'horizontalpodautoscalers.autoscaling/v2', 'leases.coordination.k8s.io/v1', 'events./v1'])(
    'holds %s',
    (name) => expect(names).toContain(name),
  );

  it.each([
    { name: 'cluster-scoped resources', absent: 'nodes./v1' },
    { name: 'virtual resources', absent: 'bindings./v1' },
    { name: 'a second name for stored events', absent: 'events.events.k8s.io/v1' },
    { name: 'a non-preferred version', absent: 'horizontalpodautoscalers.autoscaling/v1' },
  ])('leaves out $name', ({ absent }) => expect(names).not.toContain(absent));
});

describe('groupResourceString', () => {
  it.each([
    { group: '', resource: 'pods', want: 'pods.' },
    { group: 'apps', resource: 'deployments', want: 'deployments.apps' },
  ])('$want', ({ group, resource, want }) => expect(groupResourceString({ group, resource })).toBe(want));
});

describe('gracefulTerminationEstimate', () => {
  it.each([
    { name: 'no pods', pods: [], want: 0 },
    { name: 'the longest grace period', pods: [{ spec: { containers: [], terminationGracePeriodSeconds: 30 } }, { spec: { containers: [], terminationGracePeriodSeconds: 5 } }], want: 30 },
    { name: 'finished pods do not count', pods: [{ spec: { containers: [], terminationGracePeriodSeconds: 30 }, status: { phase: 'Succeeded' } }], want: 0 },
  ])('$name', ({ pods, want }) => expect(gracefulTerminationEstimate(pods)).toBe(want));
});
