import { Counter, Histogram, type Registry } from 'prom-client';
import type { corev1 } from '@tskube/api-types';

/** The `result` label of prober_probe_total. */
export const ProbeMetricResult = { Successful: 'successful', Failed: 'failed', Unknown: 'unknown' } as const;
export type ProbeMetricResult = (typeof ProbeMetricResult)[keyof typeof ProbeMetricResult];

type TotalLabels = 'probe_type' | 'result' | 'container' | 'pod' | 'namespace' | 'pod_uid';
type DurationLabels = 'probe_type' | 'container' | 'pod' | 'namespace';

/** The kubelet's prober metrics, with Kubernetes' names and labels. */
export class ProberMetrics {
  /** prober_probe_total{probe_type, result, container, pod, namespace, pod_uid}. */
  readonly probeTotal: Counter<TotalLabels>;
  /** prober_probe_duration_seconds{probe_type, container, pod, namespace}: successful probes only, as the kubelet records. */
  readonly probeDuration: Histogram<DurationLabels>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.probeTotal = new Counter({
      name: 'prober_probe_total',
      help: 'Cumulative number of a liveness, readiness or startup probe for a container by result.',
      labelNames: ['probe_type', 'result', 'container', 'pod', 'namespace', 'pod_uid'],
      registers,
    });
    this.probeDuration = new Histogram({
      name: 'prober_probe_duration_seconds',
      help: 'Duration in seconds for a probe response.',
      labelNames: ['probe_type', 'container', 'pod', 'namespace'],
      registers,
    });
  }
}

/**
 * The `pod` label: the pod's name, less the random suffix of a generated name and the
 * pod-template-hash of a Deployment's pod, so that replicas share one series (getPodLabelName).
 */
export function podLabelName(pod: corev1.Pod): string {
  const name = pod.metadata?.name ?? '';
  if (!pod.metadata?.generateName) return name;
  let base = name.split('-').slice(0, -1).join('-');
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (hash !== undefined) base = base.split(`-${hash}`).join('');
  return base;
}
