import { describe, expect, it } from 'vitest';
import { NamespaceConditionUpdater } from './conditions';

const t0 = '2026-01-01T00:00:00Z';
const t1 = '2026-01-01T00:01:00Z';

describe('NamespaceConditionUpdater', () => {
  it('reports every condition in its ok form after a clean pass, in Kubernetes order', () => {
    const got = new NamespaceConditionUpdater().conditionsFor(undefined, t0)!;
    expect(got).toEqual([
      { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered', lastTransitionTime: t0 },
      {
        type: 'NamespaceDeletionGroupVersionParsingFailure',
        status: 'False',
        reason: 'ParsedGroupVersions',
        message: 'All legacy kube types successfully parsed',
        lastTransitionTime: t0,
      },
      {
        type: 'NamespaceDeletionContentFailure',
        status: 'False',
        reason: 'ContentDeleted',
        message: 'All content successfully deleted, may be waiting on finalization',
        lastTransitionTime: t0,
      },
      { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed', lastTransitionTime: t0 },
      { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished', lastTransitionTime: t0 },
    ]);
  });

  it('reports remaining content and finalizers sorted, with the core group printed as a trailing dot', () => {
    const u = new NamespaceConditionUpdater();
    u.contentTotals(
      new Map([
        ['pods.', 2],
        ['configmaps.', 1],
        ['deployments.apps', 0],
      ]),
      new Map([
        ['example.com/hold', 1],
        ['foregroundDeletion', 2],
      ]),
    );
    const got = u.conditionsFor(undefined, t0)!;
    expect(got.find((c) => c.type === 'NamespaceContentRemaining')).toMatchObject({
      status: 'True',
      reason: 'SomeResourcesRemain',
      message: 'Some resources are remaining: configmaps. has 1 resource instances, pods. has 2 resource instances',
    });
    expect(got.find((c) => c.type === 'NamespaceFinalizersRemaining')).toMatchObject({
      status: 'True',
      reason: 'SomeFinalizersRemain',
      message: 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances, foregroundDeletion in 2 resource instances',
    });
  });

  it.each([
    { name: 'one failure', errors: ['boom'], want: 'Failed to delete all resource types, 1 remaining: boom' },
    { name: 'several failures', errors: ['a', 'b'], want: 'Failed to delete all resource types, 2 remaining: [a, b]' },
  ])('reports content deletion failures: $name', ({ errors, want }) => {
    const u = new NamespaceConditionUpdater();
    u.contentDeletionFailed(errors);
    expect(u.conditionsFor(undefined, t0)!.find((c) => c.type === 'NamespaceDeletionContentFailure')).toMatchObject({ status: 'True', reason: 'ContentDeletionFailed', message: want });
  });

  it('answers undefined when nothing changes, and keeps the transition time of unchanged conditions', () => {
    const first = new NamespaceConditionUpdater().conditionsFor(undefined, t0)!;
    expect(new NamespaceConditionUpdater().conditionsFor(first, t1)).toBeUndefined();

    const u = new NamespaceConditionUpdater();
    u.discoveryFailed(['x']);
    const next = u.conditionsFor(first, t1)!;
    expect(next.find((c) => c.type === 'NamespaceDeletionDiscoveryFailure')).toMatchObject({ status: 'True', reason: 'DiscoveryFailed', lastTransitionTime: t1 });
    expect(next.find((c) => c.type === 'NamespaceContentRemaining')?.lastTransitionTime).toBe(t0);
  });

  it('keeps conditions of other types', () => {
    const other = { type: 'Custom', status: 'True', lastTransitionTime: t0 };
    expect(new NamespaceConditionUpdater().conditionsFor([other], t1)![0]).toEqual(other);
  });
});
