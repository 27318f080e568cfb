import type { KubeObject, batchv1, corev1, metav1 } from '@tskube/api-types';
import { parseTime } from '@tskube/client';
import { CompletionIndexEnvName, JobCompletionIndexAnnotation, completionIndexOf } from './indexes';

/** Pod and owner-reference helpers of the Job controller. */

/**
 * The finalizer the Job controller puts on every pod it creates and removes once the pod's outcome
 * is counted in the Job's status, so a pod deleted early (by a user, PodGC, eviction) is still
 * counted exactly once.
 */
export const JobTrackingFinalizer = 'batch.kubernetes.io/job-tracking';

/** Labels the apiserver puts on a Job's pod template (and so on its pods). */
export const JobNameLabel = 'batch.kubernetes.io/job-name';
export const LegacyJobNameLabel = 'job-name';
export const ControllerUidLabel = 'batch.kubernetes.io/controller-uid';

/** Longest generateName prefix the apiserver keeps whole (63 minus the 5 random characters). */
const maxGeneratedNameLength = 58;

/** A pod as the API returns it: apiVersion, kind and metadata always present. */
export type Pod = corev1.Pod & KubeObject;

/** The ownerReference with controller=true, if any. */
export function controllerRefOf(obj: { metadata?: metav1.ObjectMeta }): metav1.OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** The controller reference a Job puts on what it creates. */
export function jobControllerRef(job: batchv1.Job): metav1.OwnerReference {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    name: job.metadata?.name ?? '',
    uid: job.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function hasTrackingFinalizer(pod: Pod): boolean {
  return pod.metadata.finalizers?.includes(JobTrackingFinalizer) ?? false;
}

/** Neither finished nor being deleted: what `status.active` counts (controller.FilterActivePods). */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** Being deleted but not finished: what `status.terminating` counts. */
export function isPodTerminating(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return Boolean(pod.metadata.deletionTimestamp) && phase !== 'Succeeded' && phase !== 'Failed';
}

/** The pod's Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function readySince(pod: Pod): number | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
  return parseTime(c?.lastTransitionTime);
}

function restarts(pod: Pod): number {
  let max = 0;
  for (const cs of pod.status?.containerStatuses ?? []) max = Math.max(max, cs.restartCount ?? 0);
  return max;
}

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * Orders active pods so that the cheapest to lose come first, as controller.ActivePods: not yet
 * scheduled, then pending before unknown before running, not ready before ready, ready for less
 * time, more container restarts, and newer before older.
 */
export function compareForRemoval(a: Pod, b: Pod): number {
  const assignedA = a.spec?.nodeName ? 1 : 0;
  const assignedB = b.spec?.nodeName ? 1 : 0;
  if (assignedA !== assignedB) return assignedA - assignedB;
  const rankA = phaseRank[a.status?.phase ?? 'Pending'] ?? 0;
  const rankB = phaseRank[b.status?.phase ?? 'Pending'] ?? 0;
  if (rankA !== rankB) return rankA - rankB;
  const readyA = isPodReady(a) ? 1 : 0;
  const readyB = isPodReady(b) ? 1 : 0;
  if (readyA !== readyB) return readyA - readyB;
  if (readyA && readyB) {
    const sinceA = readySince(a) ?? 0;
    const sinceB = readySince(b) ?? 0;
    if (sinceA !== sinceB) return sinceB - sinceA;
  }
  const restartsA = restarts(a);
  const restartsB = restarts(b);
  if (restartsA !== restartsB) return restartsB - restartsA;
  const createdA = parseTime(a.metadata.creationTimestamp) ?? Number.POSITIVE_INFINITY;
  const createdB = parseTime(b.metadata.creationTimestamp) ?? Number.POSITIVE_INFINITY;
  return createdB - createdA;
}

/**
 * The active pods to delete when `atLeast` must go: for Indexed Jobs first every pod without a
 * valid index or with an index at or past completions, and all but the best pod of each repeated
 * index; then the cheapest of the rest (compareForRemoval).
 */
export function activePodsForRemoval(job: batchv1.Job, active: readonly Pod[], atLeast: number): Pod[] {
  const remove: Pod[] = [];
  let left: Pod[] = [...active];
  if (job.spec?.completionMode === 'Indexed') {
    const completions = job.spec.completions ?? 0;
    const byIndex = new Map<number, Pod[]>();
    left = [];
    for (const pod of active) {
      const ix = completionIndexOf(pod);
      if (ix === undefined || ix >= completions) {
        remove.push(pod);
        continue;
      }
      const same = byIndex.get(ix);
      if (same) same.push(pod);
      else byIndex.set(ix, [pod]);
    }
    for (const pods of byIndex.values()) {
      pods.sort(compareForRemoval);
      remove.push(...pods.slice(0, -1));
      left.push(pods[pods.length - 1]!);
    }
  }
  if (remove.length < atLeast) {
    left.sort(compareForRemoval);
    remove.push(...left.slice(0, atLeast - remove.length));
  }
  return remove;
}

/**
 * The pod the Job's template describes, as the Job controller creates it: template labels,
 * annotations and finalizers plus the tracking finalizer, the Job as controller, generateName
 * `<job>-`; for an index of an Indexed Job also the index annotation and label, the
 * JOB_COMPLETION_INDEX variable in every container, hostname `<job>-<index>` and generateName
 * `<job>-<index>-`.
 */
export function podFromTemplate(job: batchv1.Job, index?: number): Pod {
  const name = job.metadata?.name ?? '';
  const template = structuredClone(job.spec?.template ?? {});
  const meta = template.metadata ?? {};
  const labels = { ...meta.labels };
  const annotations = { ...meta.annotations };
  const finalizers = [...(meta.finalizers ?? [])];
  if (!finalizers.includes(JobTrackingFinalizer)) finalizers.push(JobTrackingFinalizer);
  const spec: corev1.PodSpec = template.spec ?? { containers: [] };
  let generateName = `${name}-`;
  if (index !== undefined) {
    annotations[JobCompletionIndexAnnotation] = String(index);
    labels[JobCompletionIndexAnnotation] = String(index);
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) addCompletionIndexEnv(c);
    spec.hostname = `${name}-${index}`;
    generateName = generateNameWithIndex(name, index);
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName,
      namespace: job.metadata?.namespace ?? '',
      ownerReferences: [jobControllerRef(job)],
      finalizers,
      ...(Object.keys(labels).length ? { labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    spec,
  };
}

function addCompletionIndexEnv(container: corev1.Container): void {
  const env = (container.env ??= []);
  if (env.some((e) => e.name === CompletionIndexEnvName)) return;
  env.push({
    name: CompletionIndexEnvName,
    valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: `metadata.labels['${JobCompletionIndexAnnotation}']` } },
  });
}

function generateNameWithIndex(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  return prefix.length > maxGeneratedNameLength ? jobName.slice(0, maxGeneratedNameLength - suffix.length) + suffix : prefix;
}
