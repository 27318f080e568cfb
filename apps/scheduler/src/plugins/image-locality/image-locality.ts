import type { CycleState, StateData } from '../../framework/cycle-state';
import type { PluginFactory, PreScorePlugin, ScorePlugin } from '../../framework/interfaces';
import { MAX_NODE_SCORE } from '../../framework/interfaces';
import type { NodeInfo } from '../../framework/node-info';
import type { PodInfo } from '../../framework/pod-info';
import type { Snapshot } from '../../framework/snapshot';
import { Status } from '../../framework/status';
import { PluginNames } from '../names';

const MB = 1024 * 1024;
/** Below this many (spread-scaled) bytes already present, a node scores 0. */
const MIN_THRESHOLD = 23 * MB;
/** Per container, above this many bytes a node scores 100. */
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

const PRE_SCORE_KEY = `PreScore${PluginNames.ImageLocality}`;

class PreScoreState implements StateData {
  constructor(
    /** The pod's images (init containers first) with the share of nodes holding each. */
    readonly images: readonly { readonly name: string; readonly spread: number }[],
    readonly numContainers: number,
  ) {}
  clone(): StateData {
    return this;
  }
}

/** `nginx` becomes `nginx:latest`; a name with a tag or digest is kept (normalizedImageName). */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

/**
 * Prefers nodes that already hold the pod's images (imagelocality.ImageLocality): the sizes of the
 * images present, each scaled by the share of nodes that have it (to avoid piling pods on the few
 * nodes holding a rare image), mapped linearly between 23 MB and 1000 MB per container.
 */
export class ImageLocality implements PreScorePlugin, ScorePlugin {
  readonly name = PluginNames.ImageLocality;

  /** Skips when no node holds any of the pod's images: every node would score 0. */
  preScore(state: CycleState, pod: PodInfo, _nodes: readonly NodeInfo[], snapshot: Snapshot): Status | undefined {
    const names: string[] = [];
    for (const c of pod.pod.spec?.initContainers ?? []) names.push(normalizedImageName(c.image ?? ''));
    for (const c of pod.pod.spec?.containers ?? []) names.push(normalizedImageName(c.image ?? ''));
    const total = snapshot.size;
    const images = names.map((name) => ({ name, spread: total === 0 ? 0 : snapshot.imageNumNodes(name) / total }));
    if (images.every((i) => i.spread === 0)) return Status.skip();
    state.write(PRE_SCORE_KEY, new PreScoreState(images, names.length));
    return undefined;
  }

  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (s === undefined || s.numContainers === 0) return 0;
    let sum = 0;
    for (const image of s.images) {
      const size = nodeInfo.imageSizes.get(image.name);
      if (size !== undefined) sum += Math.trunc(size * image.spread);
    }
    const maxThreshold = MAX_CONTAINER_THRESHOLD * s.numContainers;
    const clamped = Math.min(Math.max(sum, MIN_THRESHOLD), maxThreshold);
    return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
  }
}

export const newImageLocality: PluginFactory = () => new ImageLocality();
