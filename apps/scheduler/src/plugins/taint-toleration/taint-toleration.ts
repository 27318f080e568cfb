import type { corev1 } from '@tskube/api-types';
import type { CycleState, StateData } from '../../framework/cycle-state';
import type { FilterPlugin, PluginFactory, PreScorePlugin, ScorePlugin } from '../../framework/interfaces';
import { MAX_NODE_SCORE } from '../../framework/interfaces';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';
import { Code, Status } from '../../framework/status';
import { defaultNormalizeScore } from '../helper/normalize';
import { doNotScheduleTaints, findMatchingUntoleratedTaint, tolerationsTolerateTaint } from '../helper/taints';
import { PluginNames } from '../names';

const PRE_SCORE_KEY = `PreScore${PluginNames.TaintToleration}`;

/** The reason for a NoSchedule/NoExecute taint the pod does not tolerate: `node(s) had untolerated taint {key: value}`. */
export function untoleratedTaintReason(taint: corev1.Taint): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
}

// Nodes share a handful of taints, so their rejections are shared too.
const rejections = new Map<string, Status>();
const MAX_CACHED_REJECTIONS = 1024;

function rejectionFor(taint: corev1.Taint): Status {
  const key = `${taint.key}\u0000${taint.value ?? ''}`;
  let s = rejections.get(key);
  if (s === undefined) {
    if (rejections.size >= MAX_CACHED_REJECTIONS) rejections.clear();
    s = Status.constant(Code.UnschedulableAndUnresolvable, untoleratedTaintReason(taint), PluginNames.TaintToleration);
    rejections.set(key, s);
  }
  return s;
}

class PreScoreState implements StateData {
  constructor(readonly tolerations: readonly corev1.Toleration[]) {}
  clone(): StateData {
    return this;
  }
}

/**
 * Taints and tolerations (tainttoleration.TaintToleration): Filter rejects nodes with an untolerated
 * NoSchedule or NoExecute taint; Score prefers nodes with fewer untolerated PreferNoSchedule taints.
 */
export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = PluginNames.TaintToleration;

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    const taints = nodeInfo.node?.spec?.taints;
    if (taints === undefined || taints.length === 0) return undefined;
    const taint = findMatchingUntoleratedTaint(taints, pod.pod.spec?.tolerations, doNotScheduleTaints);
    return taint === undefined ? undefined : rejectionFor(taint);
  }

  preScore(state: CycleState, pod: PodInfo): Status | undefined {
    // An empty effect tolerates every effect, PreferNoSchedule included.
    const tolerations = (pod.pod.spec?.tolerations ?? []).filter((t) => t.effect === undefined || t.effect === '' || t.effect === 'PreferNoSchedule');
    state.write(PRE_SCORE_KEY, new PreScoreState(tolerations));
    return undefined;
  }

  /** The number of PreferNoSchedule taints the pod does not tolerate; normalization reverses it. */
  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    const tolerations =
      state.read<PreScoreState>(PRE_SCORE_KEY)?.tolerations ??
      (pod.pod.spec?.tolerations ?? []).filter((t) => t.effect === undefined || t.effect === '' || t.effect === 'PreferNoSchedule');
    let count = 0;
    for (const taint of nodeInfo.node?.spec?.taints ?? []) {
      if (taint.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, taint)) count++;
    }
    return count;
  }

  normalizeScore(_state: CycleState, _pod: PodInfo, _nodes: readonly NodeInfo[], scores: number[]): Status | undefined {
    defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
    return undefined;
  }
}

export const newTaintToleration: PluginFactory = () => new TaintToleration();
