import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { PendingPods } from './queue/scheduling-queue';

/** Results of a scheduling attempt, as the `result` label spells them. */
export const AttemptResult = { Scheduled: 'scheduled', Unschedulable: 'unschedulable', Error: 'error' } as const;
export type AttemptResult = (typeof AttemptResult)[keyof typeof AttemptResult];

const exponential = (start: number, factor: number, count: number): number[] => Array.from({ length: count }, (_, i) => start * factor ** i);

/** kube-scheduler's metrics, with Kubernetes' names, labels and buckets. */
export class SchedulerMetrics {
  /** scheduler_schedule_attempts_total{result, profile}. */
  readonly scheduleAttempts: Counter<'result' | 'profile'>;
  /** scheduler_scheduling_attempt_duration_seconds{result, profile}: one attempt, scheduling and binding. */
  readonly attemptDuration: Histogram<'result' | 'profile'>;
  /** scheduler_pod_scheduling_sli_duration_seconds{attempts}: from the pod's first entry into the queue to its binding. */
  readonly podSchedulingSLIDuration: Histogram<'attempts'>;
  /** scheduler_pod_scheduling_attempts: attempts a pod needed to be scheduled. */
  readonly podSchedulingAttempts: Histogram;
  /** scheduler_preemption_attempts_total. */
  readonly preemptionAttempts: Counter;
  /** scheduler_preemption_victims: victims per preemption. */
  readonly preemptionVictims: Histogram;

  /** Registers every metric in `registry`; `pending` is read on each scrape for scheduler_pending_pods. */
  constructor(registry: Registry, pending: () => PendingPods) {
    const registers = [registry];
    this.scheduleAttempts = new Counter({
      name: 'scheduler_schedule_attempts_total',
      help: 'Number of attempts to schedule pods, by the result. unschedulable means a pod could not be scheduled, while error means an internal scheduler problem.',
      labelNames: ['result', 'profile'],
      registers,
    });
    this.attemptDuration = new Histogram({
      name: 'scheduler_scheduling_attempt_duration_seconds',
      help: 'Scheduling attempt latency in seconds (scheduling algorithm + binding)',
      labelNames: ['result', 'profile'],
      buckets: exponential(0.001, 2, 15),
      registers,
    });
    this.podSchedulingSLIDuration = new Histogram({
      name: 'scheduler_pod_scheduling_sli_duration_seconds',
      help: 'E2e latency for a pod being scheduled, from the time the pod enters the scheduling queue and might involve multiple scheduling attempts.',
      labelNames: ['attempts'],
      buckets: exponential(0.01, 2, 20),
      registers,
    });
    this.podSchedulingAttempts = new Histogram({
      name: 'scheduler_pod_scheduling_attempts',
      help: 'Number of attempts to successfully schedule a pod.',
      buckets: exponential(1, 2, 5),
      registers,
    });
    this.preemptionAttempts = new Counter({ name: 'scheduler_preemption_attempts_total', help: 'Total preemption attempts in the cluster till now', registers });
    this.preemptionVictims = new Histogram({ name: 'scheduler_preemption_victims', help: 'Number of selected preemption victims', buckets: exponential(1, 2, 7), registers });
    new Gauge({
      name: 'scheduler_pending_pods',
      help: "Number of pending pods, by the queue type. 'active' means number of pods in activeQ; 'backoff' means number of pods in backoffQ; 'unschedulable' means number of pods in unschedulablePods; 'gated' means number of pods gated by PreEnqueue.",
      labelNames: ['queue'],
      registers,
      collect() {
        const p = pending();
        this.set({ queue: 'active' }, p.active);
        this.set({ queue: 'backoff' }, p.backoff);
        this.set({ queue: 'unschedulable' }, p.unschedulable);
        this.set({ queue: 'gated' }, p.gated);
      },
    });
  }

  /** Records one finished attempt of `profile` that took `seconds`. */
  attempt(result: AttemptResult, profile: string, seconds: number): void {
    this.scheduleAttempts.inc({ result, profile });
    this.attemptDuration.observe({ result, profile }, seconds);
  }

  /** Records a pod bound after `attempts` attempts, `seconds` after it first entered the queue. */
  podScheduled(attempts: number, seconds: number): void {
    this.podSchedulingSLIDuration.observe({ attempts: attempts >= 15 ? '15+' : String(attempts) }, seconds);
    this.podSchedulingAttempts.observe(attempts);
  }
}
