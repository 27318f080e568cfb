import type { corev1 } from '@tskube/api-types';

/** The namespace conditions the deletion reports, in the order Kubernetes writes them. */
export const NamespaceConditionType = {
  DeletionDiscoveryFailure: 'NamespaceDeletionDiscoveryFailure',
  DeletionGroupVersionParsingFailure: 'NamespaceDeletionGroupVersionParsingFailure',
  DeletionContentFailure: 'NamespaceDeletionContentFailure',
  ContentRemaining: 'NamespaceContentRemaining',
  FinalizersRemaining: 'NamespaceFinalizersRemaining',
} as const;
export type NamespaceConditionType = (typeof NamespaceConditionType)[keyof typeof NamespaceConditionType];

const conditionOrder: readonly NamespaceConditionType[] = Object.values(NamespaceConditionType);

type Outcome = Pick<corev1.NamespaceCondition, 'status' | 'reason' | 'message'>;

/** What each condition says when nothing is wrong, word for word as kube-controller-manager. */
const okOutcome: Record<NamespaceConditionType, Outcome> = {
  NamespaceDeletionDiscoveryFailure: { status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  NamespaceContentRemaining: { status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
};

/** Go's utilerrors.NewAggregate(errs).Error(): one message as is, several as `[a, b]`. */
function aggregate(messages: readonly string[]): string {
  return messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`;
}

/**
 * Collects what one pass of namespace deletion found wrong and folds it into the namespace's
 * conditions: every condition type is always present, in its failing form when the pass reported
 * a problem and in its "ok" form otherwise.
 */
export class NamespaceConditionUpdater {
  private readonly failing = new Map<NamespaceConditionType, Outcome>();

  /** Some resources could not be discovered. */
  discoveryFailed(errors: readonly string[]): void {
    this.failing.set(NamespaceConditionType.DeletionDiscoveryFailure, {
      status: 'True',
      reason: 'DiscoveryFailed',
      message: `Discovery failed for some groups, ${errors.length} failing: ${aggregate(errors)}`,
    });
  }

  /** Some group versions could not be parsed. */
  groupVersionParsingFailed(errors: readonly string[]): void {
    this.failing.set(NamespaceConditionType.DeletionGroupVersionParsingFailure, {
      status: 'True',
      reason: 'GroupVersionParsingFailed',
      message: `Discovery failed for some groups, ${errors.length} failing: ${aggregate(errors)}`,
    });
  }

  /** Deleting the content of some resources failed. */
  contentDeletionFailed(errors: readonly string[]): void {
    this.failing.set(NamespaceConditionType.DeletionContentFailure, {
      status: 'True',
      reason: 'ContentDeletionFailed',
      message: `Failed to delete all resource types, ${errors.length} remaining: ${aggregate(errors)}`,
    });
  }

  /**
   * What is left after the pass: objects per group-resource (`pods.` for the core group, as
   * Kubernetes prints it) and objects per finalizer.
   */
  contentTotals(remainingByResource: ReadonlyMap<string, number>, remainingByFinalizer: ReadonlyMap<string, number>): void {
    const resources = [...remainingByResource].filter(([, n]) => n > 0).map(([gr, n]) => `${gr} has ${n} resource instances`);
    if (resources.length) {
      this.failing.set(NamespaceConditionType.ContentRemaining, {
        status: 'True',
        reason: 'SomeResourcesRemain',
        message: `Some resources are remaining: ${resources.sort().join(', ')}`,
      });
    }
    const finalizers = [...remainingByFinalizer].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`);
    if (finalizers.length) {
      this.failing.set(NamespaceConditionType.FinalizersRemaining, {
        status: 'True',
        reason: 'SomeFinalizersRemain',
        message: `Some content in the namespace has finalizers remaining: ${finalizers.sort().join(', ')}`,
      });
    }
  }

  /**
   * The conditions `current` should carry after this pass, or undefined when they already do.
   * A condition whose status, reason and message are unchanged keeps its lastTransitionTime;
   * conditions of other types are kept as they are.
   */
  conditionsFor(current: readonly corev1.NamespaceCondition[] | undefined, now: string): corev1.NamespaceCondition[] | undefined {
    const next = (current ?? []).map((c) => ({ ...c }));
    let changed = false;
    for (const type of conditionOrder) {
      const want = this.failing.get(type) ?? okOutcome[type];
      const old = next.find((c) => c.type === type);
      if (!old) {
        next.push({ type, ...want, lastTransitionTime: now });
        changed = true;
      } else if (old.status !== want.status || old.reason !== want.reason || old.message !== want.message) {
        Object.assign(old, want, { lastTransitionTime: now });
        changed = true;
      }
    }
    return changed ? next : undefined;
  }
}
