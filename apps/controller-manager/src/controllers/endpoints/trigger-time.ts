import type { corev1 } from '@tskube/api-types';
import { parseTime } from '@tskube/client';

/** The annotation saying when the change that led to an Endpoints write happened. */
export const LastChangeTriggerTimeAnnotation = 'endpoints.kubernetes.io/last-change-trigger-time';

interface ServiceState {
  serviceTime: number;
  podTimes: Map<string, number>;
}

/**
 * Kubernetes' TriggerTimeTracker: remembers, per service, the trigger times it last saw (a pod's
 * Ready transition, the service's creation) and answers the earliest one that is new since the
 * previous sync: the moment the change being published first happened, which the
 * `endpoints.kubernetes.io/last-change-trigger-time` annotation carries so that latency can be
 * measured end to end. Not safe for one service synced by two workers at once (the queue never
 * does that).
 */
export class TriggerTimeTracker {
  private readonly states = new Map<string, ServiceState>();

  /**
   * The earliest new trigger time for `service` given its current `pods`, or undefined when
   * nothing changed; records what it saw either way.
   */
  compute(key: string, service: corev1.Service, pods: readonly corev1.Pod[]): number | undefined {
    const prev = this.states.get(key);
    const next: ServiceState = { serviceTime: parseTime(service.metadata?.creationTimestamp) ?? 0, podTimes: new Map() };
    let first: number | undefined;
    const consider = (t: number) => {
      if (t > 0 && (first === undefined || t < first)) first = t;
    };
    for (const pod of pods) {
      const t = parseTime((pod.status?.conditions ?? []).find((c) => c.type === 'Ready')?.lastTransitionTime) ?? 0;
      const name = pod.metadata?.name ?? '';
      next.podTimes.set(name, t);
      const seen = prev?.podTimes.get(name);
      if (seen === undefined || seen < t) consider(t);
    }
    if (prev === undefined || next.serviceTime > prev.serviceTime) consider(next.serviceTime);
    this.states.set(key, next);
    return first;
  }

  /** Forgets a deleted service. */
  delete(key: string): void {
    this.states.delete(key);
  }
}

/** time.RFC3339Nano in UTC, as Go prints it: fractional seconds without trailing zeros. */
export function formatRFC3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}
