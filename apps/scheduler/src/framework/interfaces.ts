import type { appsv1, corev1, policyv1 } from '@tskube/api-types';
import type { CycleState } from './cycle-state';
import type { NodeInfo } from './node-info';
import type { NodeToStatus } from './node-to-status';
import type { PodInfo } from './pod-info';
import type { Snapshot } from './snapshot';
import type { Status } from './status';

/** The highest score a Score plugin may give a node after normalization (framework.MaxNodeScore). */
export const MAX_NODE_SCORE = 100;
/** The lowest score (framework.MinNodeScore). */
export const MIN_NODE_SCORE = 0;

export type MaybePromise<T> = T | Promise<T>;

/** Every plugin has a name, unique in a registry; the name is what configurations refer to. */
export interface Plugin {
  readonly name: string;
}

/** A pod waiting in the scheduling queue, as QueueSort compares it. */
export interface QueuedPodInfo {
  readonly podInfo: PodInfo;
  /** When the pod was (last) added to the active queue, in epoch milliseconds. */
  readonly timestamp: number;
}

/** Orders the active queue; a profile has exactly one (framework.QueueSortPlugin). */
export interface QueueSortPlugin extends Plugin {
  /** True when `a` must be scheduled before `b`. A strict weak order. */
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

/** Runs before a pod enters the active queue (framework.PreEnqueuePlugin). */
export interface PreEnqueuePlugin extends Plugin {
  /** undefined lets the pod in; a rejection parks it until an event changes that (scheduling gates). */
  preEnqueue(pod: PodInfo): Status | undefined;
}

/**
 * The nodes a PreFilter allows (framework.PreFilterResult), or a Status: undefined means Success and
 * every node; a Skip status means the plugin's Filter has nothing to do for this pod; a rejection
 * rejects every node with that status.
 */
export type PreFilterResult = Status | { readonly nodeNames: ReadonlySet<string> } | undefined;

/** Runs once per cycle before Filter, usually to precompute state (framework.PreFilterPlugin). */
export interface PreFilterPlugin extends Plugin {
  /** Called once per cycle with the whole snapshot. Must not keep references to `state` beyond the cycle. */
  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): PreFilterResult;
  /**
   * Updates the plugin's PreFilter state as if `podToAdd` were on `nodeInfo` (PreFilterExtensions.AddPod):
   * used to count nominated pods and by preemption's what-if runs. Only plugins whose state depends
   * on other pods implement it.
   */
  addPod?(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status | undefined;
  /** The reverse of `addPod` (PreFilterExtensions.RemovePod). */
  removePod?(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): Status | undefined;
}

/**
 * Decides whether a pod may run on one node (framework.FilterPlugin). Called for many nodes per cycle:
 * must be cheap and must not mutate `nodeInfo`. Returns undefined when the node fits, a rejection with
 * Kubernetes' reason otherwise, or an Error status for internal failures (which aborts the cycle).
 */
export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | undefined;
}

/**
 * What a PostFilter achieved (framework.PostFilterResult). For preemption: the node nominated for the
 * pod ('' clears a previous nomination), the pods to evict, and the lower-priority pods whose
 * nomination to that node must be cleared.
 */
export interface PostFilterResult {
  readonly nominatedNodeName: string;
  readonly victims: readonly corev1.Pod[];
  readonly clearNominations: readonly corev1.Pod[];
}

export interface PostFilterOutput {
  /** undefined when the plugin has nothing to report. */
  readonly result?: PostFilterResult;
  /** undefined or Success when the plugin made the pod schedulable (in a later cycle). */
  readonly status?: Status;
}

/** Runs when no node passed Filter, to make room (framework.PostFilterPlugin; preemption). */
export interface PostFilterPlugin extends Plugin {
  /** `statuses` holds every node's Filter verdict of this cycle. */
  postFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot, statuses: NodeToStatus): PostFilterOutput;
}

/** Runs once per cycle before Score with the feasible nodes (framework.PreScorePlugin). */
export interface PreScorePlugin extends Plugin {
  /** Returns Skip when the plugin has nothing to score for this pod; its Score is then not called. */
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): Status | undefined;
}

/** Ranks feasible nodes (framework.ScorePlugin). */
export interface ScorePlugin extends Plugin {
  /**
   * The raw score of one node. Must be an integer; after `normalizeScore` (if any) it must lie in
   * [0, 100]. Throw (a PluginError) for internal failures.
   */
  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number;
  /**
   * Rewrites `scores` (same order as `nodes`) into [0, 100] once every node is scored
   * (ScoreExtensions.NormalizeScore).
   */
  normalizeScore?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], scores: number[]): Status | undefined;
}

/** Claims resources for the pod on the chosen node before binding (framework.ReservePlugin). */
export interface ReservePlugin extends Plugin {
  /** A failure triggers Unreserve on every Reserve plugin. */
  reserve(state: CycleState, pod: PodInfo, nodeName: string): MaybePromise<Status | undefined>;
  /** Undoes `reserve`; must be idempotent and may be called without a preceding `reserve`. */
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): MaybePromise<void>;
}

export interface PermitOutput {
  /** undefined or Success to allow, Wait to hold the pod, a rejection to refuse. */
  readonly status?: Status;
  /** With Wait: how long to hold before rejecting, in milliseconds. */
  readonly timeoutMs?: number;
}

/** Approves, delays or refuses a binding (framework.PermitPlugin). */
export interface PermitPlugin extends Plugin {
  permit(state: CycleState, pod: PodInfo, nodeName: string): PermitOutput;
}

/** Work that must succeed before binding, e.g. attaching volumes (framework.PreBindPlugin). */
export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: PodInfo, nodeName: string): MaybePromise<Status | undefined>;
}

/** Binds the pod to the node (framework.BindPlugin). */
export interface BindPlugin extends Plugin {
  /** Skip hands the pod to the next bind plugin; undefined means bound. */
  bind(state: CycleState, pod: PodInfo, nodeName: string): MaybePromise<Status | undefined>;
}

/** Informational, after a successful bind (framework.PostBindPlugin). */
export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: PodInfo, nodeName: string): void;
}

/** Pods nominated to nodes by earlier preemptions (framework.PodNominator), kept by the scheduling queue. */
export interface PodNominator {
  /** Pods whose status.nominatedNodeName (or pending nomination) is `nodeName`. */
  nominatedPodsForNode(nodeName: string): readonly PodInfo[];
}

/**
 * Read-only views of API objects some plugins need beyond nodes and pods. Each returns the current
 * informer contents; missing listers behave as empty.
 */
export interface Listers {
  /** All namespaces (InterPodAffinity namespaceSelector). */
  namespaces(): readonly corev1.Namespace[];
  /** One namespace by name. */
  namespace(name: string): corev1.Namespace | undefined;
  /** Services of a namespace (PodTopologySpread default constraints). */
  services(namespace: string): readonly corev1.Service[];
  replicationController(namespace: string, name: string): corev1.ReplicationController | undefined;
  replicaSet(namespace: string, name: string): appsv1.ReplicaSet | undefined;
  statefulSet(namespace: string, name: string): appsv1.StatefulSet | undefined;
  /** All PodDisruptionBudgets (DefaultPreemption). */
  podDisruptionBudgets(): readonly policyv1.PodDisruptionBudget[];
}

/**
 * What a plugin gets from its profile at construction (framework.Handle): listers, the nominator, a
 * random source, and the framework's own runners, which preemption uses to replay Filter.
 */
export interface Handle {
  readonly listers: Listers;
  readonly nominator: PodNominator | undefined;
  /** Uniform in [0, 1); injectable for tests. */
  readonly rng: () => number;
  /** Runs the profile's Filter plugins, considering nominated pods of equal or higher priority (RunFilterPluginsWithNominatedPods). */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | undefined;
  /** Runs every PreFilter plugin's addPod (RunPreFilterExtensionAddPod). */
  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status | undefined;
  /** Runs every PreFilter plugin's removePod (RunPreFilterExtensionRemovePod). */
  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): Status | undefined;
}

/** Builds a plugin from its (possibly undefined) args, as given in pluginConfig (PluginFactory). */
export type PluginFactory = (args: unknown, handle: Handle) => Plugin;
