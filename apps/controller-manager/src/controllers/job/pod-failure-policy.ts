import type { batchv1, corev1 } from '@tskube/api-types';

/** spec.podFailurePolicy rule actions. */
export const PodFailurePolicyAction = {
  FailJob: 'FailJob',
  FailIndex: 'FailIndex',
  Ignore: 'Ignore',
  Count: 'Count',
} as const;
export type PodFailurePolicyAction = (typeof PodFailurePolicyAction)[keyof typeof PodFailurePolicyAction];

/** What the pod failure policy says about one failed pod. */
export interface PolicyVerdict {
  /** Set when a FailJob rule matched: the message of the Job's failure condition. */
  failJobMessage?: string;
  /** Whether the failure counts toward backoffLimit (false only for an Ignore rule). */
  countFailed: boolean;
  /** The action of the rule that matched; undefined when none did (or there is no policy). */
  action?: PodFailurePolicyAction;
}

/**
 * Matches a failed pod against the rules in order, as Kubernetes' matchPodFailurePolicy: the first
 * rule whose onExitCodes (a terminated container, init containers after the others, with a
 * non-zero exit code In/NotIn the values, optionally only the named container) or onPodConditions
 * (a pod condition with that type and status) holds decides. No match counts the failure.
 */
export function matchPodFailurePolicy(policy: batchv1.PodFailurePolicy | undefined, pod: corev1.Pod): PolicyVerdict {
  if (!policy) return { countFailed: true };
  const ns = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  for (const [index, rule] of (policy.rules ?? []).entries()) {
    const action = rule.action as PodFailurePolicyAction;
    if (rule.onExitCodes) {
      const container = matchOnExitCodes(pod.status, rule.onExitCodes);
      if (!container) continue;
      const verdict = verdictFor(action, () => {
        const code = container.state?.terminated?.exitCode ?? 0;
        return `Container ${container.name} for pod ${ns}/${name} failed with exit code ${code} matching ${action} rule at index ${index}`;
      });
      if (verdict) return verdict;
    } else if (rule.onPodConditions) {
      const condition = matchOnPodConditions(pod.status, rule.onPodConditions);
      if (!condition) continue;
      const verdict = verdictFor(action, () => `Pod ${ns}/${name} has condition ${condition.type} matching ${action} rule at index ${index}`);
      if (verdict) return verdict;
    }
  }
  return { countFailed: true };
}

function verdictFor(action: PodFailurePolicyAction, message: () => string): PolicyVerdict | undefined {
  switch (action) {
    case PodFailurePolicyAction.Ignore:
      return { countFailed: false, action };
    case PodFailurePolicyAction.FailIndex:
    case PodFailurePolicyAction.Count:
      return { countFailed: true, action };
    case PodFailurePolicyAction.FailJob:
      return { failJobMessage: message(), countFailed: true, action };
    default:
      // An action this controller does not know: the rule is skipped, as Go's switch falls out.
      return undefined;
  }
}

function matchOnExitCodes(status: corev1.PodStatus | undefined, req: batchv1.PodFailurePolicyOnExitCodesRequirement): corev1.ContainerStatus | undefined {
  return matchingContainer(status?.containerStatuses, req) ?? matchingContainer(status?.initContainerStatuses, req);
}

function matchingContainer(statuses: corev1.ContainerStatus[] | undefined, req: batchv1.PodFailurePolicyOnExitCodesRequirement): corev1.ContainerStatus | undefined {
  for (const cs of statuses ?? []) {
    const terminated = cs.state?.terminated;
    // A container still running or terminating has no exit code to match yet.
    if (!terminated) continue;
    if (req.containerName !== undefined && req.containerName !== cs.name) continue;
    if (terminated.exitCode === 0) continue;
    if (exitCodeMatches(terminated.exitCode, req)) return cs;
  }
  return undefined;
}

function exitCodeMatches(code: number, req: batchv1.PodFailurePolicyOnExitCodesRequirement): boolean {
  const values = req.values ?? [];
  if (req.operator === 'In') return values.includes(code);
  if (req.operator === 'NotIn') return !values.includes(code);
  return false;
}

function matchOnPodConditions(status: corev1.PodStatus | undefined, patterns: batchv1.PodFailurePolicyOnPodConditionsPattern[]): corev1.PodCondition | undefined {
  for (const condition of status?.conditions ?? []) {
    for (const p of patterns) if (condition.type === p.type && condition.status === (p.status || 'True')) return condition;
  }
  return undefined;
}
