import { StatusReason, hasReason, type corev1 } from '@tskube/api-types';
import { EventType, formatTime, type Clock, type EventRecorder } from '@tskube/client';
import type { Logger } from '@tskube/component';
import type { PostFilterResult } from './framework/interfaces';
import { updatePodStatus, setPodCondition, type PodApi } from './pod-api';
import type { Nominator } from './queue/nominator';

/** What records events about pods. */
export type EventSink = Pick<EventRecorder, 'event'>;

export interface PreemptionDeps {
  api: PodApi;
  recorder: EventSink;
  nominator: Nominator;
  /** The informer's copy of a pod, fresher than the one preemption looked at. */
  getPod(namespace: string, name: string): corev1.Pod | undefined;
  clock: Clock;
  logger: Logger;
}

/** The DisruptionTarget reason of pods evicted to make room for a higher-priority pod. */
export const REASON_PREEMPTION_BY_SCHEDULER = 'PreemptionByScheduler';

const ref = (p: corev1.Pod): string => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;

/**
 * Carries out what DefaultPreemption decided for `preemptor` (prepareCandidate): each victim gets a
 * DisruptionTarget=True condition (reason PreemptionByScheduler), is deleted with its own grace
 * period, and gets a `Preempted` event; lower-priority pods nominated to the same node lose their
 * nomination. Victims already gone are skipped. Never rejects; failures are logged, and the
 * preemptor simply tries again later. Resolves with the victims it could not evict.
 */
export async function executePreemption(deps: PreemptionDeps, schedulerName: string, preemptor: corev1.Pod, result: PostFilterResult): Promise<corev1.Pod[]> {
  const node = result.nominatedNodeName;
  const failed: corev1.Pod[] = [];
  await Promise.all(
    result.victims.map(async (victim) => {
      const namespace = victim.metadata?.namespace ?? '';
      const name = victim.metadata?.name ?? '';
      const uid = victim.metadata?.uid ?? '';
      const latest = deps.getPod(namespace, name) ?? victim;
      if (latest.metadata?.uid !== uid) return;
      try {
        await updatePodStatus(deps.api, latest, (status) =>
          setPodCondition(
            status,
            { type: 'DisruptionTarget', status: 'True', reason: REASON_PREEMPTION_BY_SCHEDULER, message: `${schedulerName}: preempting to accommodate a higher priority pod` },
            formatTime(deps.clock.now()),
          ),
        );
        await deps.api.deletePod(namespace, name, uid);
        deps.recorder.event(victim, EventType.Normal, 'Preempted', `Preempted by pod ${preemptor.metadata?.uid ?? ''} on node ${node}`);
        deps.logger.info('preempted victim', { victim: ref(victim), preemptor: ref(preemptor), node });
      } catch (err) {
        if (hasReason(err, StatusReason.NotFound) || hasReason(err, StatusReason.Conflict)) return;
        failed.push(victim);
        deps.logger.warn('preempting victim failed', { victim: ref(victim), preemptor: ref(preemptor), err });
      }
    }),
  );
  await Promise.all(
    result.clearNominations.map(async (p) => {
      deps.nominator.delete(p);
      const latest = deps.getPod(p.metadata?.namespace ?? '', p.metadata?.name ?? '') ?? p;
      try {
        await updatePodStatus(deps.api, latest, (status) => {
          if ((status.nominatedNodeName ?? '') === '') return false;
          delete status.nominatedNodeName;
          return true;
        });
      } catch (err) {
        deps.logger.warn('clearing a nomination failed', { pod: ref(p), err });
      }
    }),
  );
  return failed;
}
