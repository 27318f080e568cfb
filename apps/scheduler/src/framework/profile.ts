import { ExtensionPoint, extensionPoints, loadSchedulerConfiguration, type ResolvedProfile, type ResolvedSchedulerConfiguration } from './config';
import { CycleState } from './cycle-state';
import type {
  BindPlugin,
  FilterPlugin,
  Handle,
  Listers,
  PermitPlugin,
  Plugin,
  PodNominator,
  PostBindPlugin,
  PostFilterPlugin,
  PostFilterResult,
  PreBindPlugin,
  PreEnqueuePlugin,
  PreFilterPlugin,
  PreScorePlugin,
  QueueSortPlugin,
  ReservePlugin,
  ScorePlugin,
} from './interfaces';
import { MAX_NODE_SCORE, MIN_NODE_SCORE } from './interfaces';
import type { NodeInfo } from './node-info';
import type { NodeToStatus } from './node-to-status';
import type { PodInfo } from './pod-info';
import type { Registry } from './registry';
import { RegistryError } from './registry';
import type { Snapshot } from './snapshot';
import { Code, PluginError, Status } from './status';

/** Listers that answer nothing, for whatever the caller does not provide. */
export const emptyListers: Listers = Object.freeze({
  namespaces: () => [],
  namespace: () => undefined,
  services: () => [],
  replicationController: () => undefined,
  replicaSet: () => undefined,
  statefulSet: () => undefined,
  podDisruptionBudgets: () => [],
});

export interface ProfileOptions {
  /** The plugins available by name (usually `inTreeRegistry()`, maybe merged with others). */
  registry: Registry;
  /** Informer-backed listers; missing ones answer empty. */
  listers?: Partial<Listers>;
  /** The scheduling queue's view of nominated pods; without it nominations are ignored in Filter. */
  nominator?: PodNominator;
  /** Random source for tie-breaking and preemption's starting offset; Math.random by default. */
  rng?: () => number;
}

/** The outcome of the PreFilter plugins. */
export interface PreFilterOutcome {
  /** The nodes the plugins allow (the intersection of their results); undefined means all. */
  readonly nodeNames: ReadonlySet<string> | undefined;
  /** undefined on success; a rejection (stamped with its plugin) otherwise. */
  readonly status: Status | undefined;
  /** Plugins that narrowed the node set or rejected the pod. */
  readonly plugins: readonly string[];
}

/** The outcome of the Permit plugins. */
export interface PermitOutcome {
  /** undefined: allowed; Wait: see `waitingOn`; a rejection otherwise. */
  readonly status: Status | undefined;
  /** With Wait: milliseconds each waiting plugin allows before rejecting (15 min at most, as in Kubernetes). */
  readonly waitingOn: ReadonlyMap<string, number>;
}

const MAX_PERMIT_TIMEOUT_MS = 15 * 60 * 1000;

type PointPlugins = {
  preEnqueue: PreEnqueuePlugin[];
  queueSort: QueueSortPlugin[];
  preFilter: PreFilterPlugin[];
  filter: FilterPlugin[];
  postFilter: PostFilterPlugin[];
  preScore: PreScorePlugin[];
  score: ScorePlugin[];
  reserve: ReservePlugin[];
  permit: PermitPlugin[];
  preBind: PreBindPlugin[];
  bind: BindPlugin[];
  postBind: PostBindPlugin[];
};

const hasMethod = (p: Plugin, m: string): boolean => typeof (p as unknown as Record<string, unknown>)[m] === 'function';

/** Whether `plugin` implements the interface of `point`, judged by its methods. */
function implementsPoint(plugin: Plugin, point: ExtensionPoint): boolean {
  switch (point) {
    case ExtensionPoint.QueueSort:
      return hasMethod(plugin, 'less');
    case ExtensionPoint.Reserve:
      return hasMethod(plugin, 'reserve') && hasMethod(plugin, 'unreserve');
    default:
      return hasMethod(plugin, point);
  }
}

const interfaceName: Record<ExtensionPoint, string> = {
  preEnqueue: 'PreEnqueuePlugin',
  queueSort: 'QueueSortPlugin',
  preFilter: 'PreFilterPlugin',
  filter: 'FilterPlugin',
  postFilter: 'PostFilterPlugin',
  preScore: 'PreScorePlugin',
  score: 'ScorePlugin',
  reserve: 'ReservePlugin',
  permit: 'PermitPlugin',
  preBind: 'PreBindPlugin',
  bind: 'BindPlugin',
  postBind: 'PostBindPlugin',
};

/**
 * One scheduling profile (a kube-scheduler framework instance): the plugins enabled at each extension
 * point in order, their score weights, and the runners that call them with Kubernetes' rules (Skip,
 * first rejection wins, normalization and weighting of scores). Selected by a pod's spec.schedulerName.
 */
export class Profile {
  readonly schedulerName: string;
  /** This profile's percentageOfNodesToScore, or the configuration-wide one. */
  readonly percentageOfNodesToScore: number;
  readonly handle: Handle;
  /** Every instantiated plugin by name. */
  readonly plugins: ReadonlyMap<string, Plugin>;
  /** Score weight of each Score plugin. */
  readonly scoreWeights: ReadonlyMap<string, number>;
  private readonly points: PointPlugins;

  /**
   * Instantiates the plugins of `profile` from `options.registry`, expands MultiPoint and checks the
   * result (one QueueSort, at least one Bind). Throws RegistryError for unknown plugins or plugins
   * configured at a point they do not implement.
   */
  constructor(profile: ResolvedProfile, options: ProfileOptions, defaultPercentage = 0) {
    this.schedulerName = profile.schedulerName;
    this.percentageOfNodesToScore = profile.percentageOfNodesToScore ?? defaultPercentage;
    const listers: Listers = { ...emptyListers, ...options.listers };
    this.handle = {
      listers,
      nominator: options.nominator,
      rng: options.rng ?? Math.random,
      runFilterPluginsWithNominatedPods: (state, pod, nodeInfo) => this.runFilterPluginsWithNominatedPods(state, pod, nodeInfo),
      runPreFilterExtensionAddPod: (state, pod, add, nodeInfo) => this.runPreFilterExtensionAddPod(state, pod, add, nodeInfo),
      runPreFilterExtensionRemovePod: (state, pod, remove, nodeInfo) => this.runPreFilterExtensionRemovePod(state, pod, remove, nodeInfo),
    };

    const needed = new Set<string>();
    for (const p of profile.plugins.multiPoint.enabled) needed.add(p.name);
    for (const point of extensionPoints) for (const p of profile.plugins[point].enabled) needed.add(p.name);
    const plugins = new Map<string, Plugin>();
    for (const name of needed) {
      const factory = options.registry.get(name);
      if (factory === undefined) throw new RegistryError(`plugin ${JSON.stringify(name)} does not exist`);
      plugins.set(name, factory(profile.pluginArgs.get(name), this.handle));
    }
    this.plugins = plugins;

    const points = Object.fromEntries(extensionPoints.map((p) => [p, []])) as unknown as PointPlugins;
    for (const point of extensionPoints) {
      const list = points[point] as Plugin[];
      const set = profile.plugins[point];
      const explicit = new Set<string>();
      for (const ref of set.enabled) {
        const plugin = plugins.get(ref.name)!;
        if (!implementsPoint(plugin, point)) throw new RegistryError(`plugin ${JSON.stringify(ref.name)} does not extend ${interfaceName[point]} plugin`);
        if (explicit.has(ref.name)) throw new RegistryError(`plugin ${JSON.stringify(ref.name)} already registered as ${JSON.stringify(interfaceName[point])}`);
        explicit.add(ref.name);
      }
      // MultiPoint expansion (expandMultiPointPlugins): plugins re-configured at this point keep their
      // explicit place first, then the MultiPoint ones, then the rest of the explicit ones.
      const disabled = new Set(set.disabled);
      const overrides: string[] = [];
      const fromMultiPoint: string[] = [];
      if (!disabled.has('*')) {
        for (const ref of profile.plugins.multiPoint.enabled) {
          const plugin = plugins.get(ref.name)!;
          if (!implementsPoint(plugin, point) || disabled.has(ref.name)) continue;
          if (explicit.has(ref.name)) {
            overrides.push(ref.name);
            continue;
          }
          if (fromMultiPoint.includes(ref.name)) throw new RegistryError(`plugin ${JSON.stringify(ref.name)} already registered as ${JSON.stringify(interfaceName[point])}`);
          fromMultiPoint.push(ref.name);
        }
      }
      const ordered = [...overrides, ...fromMultiPoint, ...set.enabled.map((r) => r.name).filter((n) => !overrides.includes(n))];
      for (const name of ordered) list.push(plugins.get(name)!);
    }
    this.points = points;

    if (points.queueSort.length !== 1) {
      throw new RegistryError(`only one queue sort plugin required for profile with scheduler name ${JSON.stringify(this.schedulerName)}, but got ${points.queueSort.length}`);
    }
    if (points.bind.length === 0) {
      throw new RegistryError(`at least one bind plugin is needed for profile with scheduler name ${JSON.stringify(this.schedulerName)}`);
    }

    // An explicit Score weight wins over the MultiPoint one; 0 means 1.
    const weights = new Map<string, number>();
    for (const ref of [...profile.plugins.score.enabled, ...profile.plugins.multiPoint.enabled]) {
      if (weights.has(ref.name) || !points.score.some((p) => p.name === ref.name)) continue;
      weights.set(ref.name, ref.weight === 0 ? 1 : ref.weight);
    }
    for (const p of points.score) if (!weights.has(p.name)) weights.set(p.name, 1);
    this.scoreWeights = weights;
  }

  /** Plugin names at `point`, in the order they run. */
  pluginNames(point: ExtensionPoint): string[] {
    return (this.points[point] as Plugin[]).map((p) => p.name);
  }

  /** The profile's single QueueSort plugin. */
  get queueSort(): QueueSortPlugin {
    return this.points.queueSort[0]!;
  }

  hasFilterPlugins(): boolean {
    return this.points.filter.length > 0;
  }

  hasPostFilterPlugins(): boolean {
    return this.points.postFilter.length > 0;
  }

  hasScorePlugins(): boolean {
    return this.points.score.length > 0;
  }

  /** The first PreEnqueue rejection (stamped with its plugin), or undefined to let the pod in. */
  runPreEnqueuePlugins(pod: PodInfo): Status | undefined {
    for (const pl of this.points.preEnqueue) {
      const s = pl.preEnqueue(pod);
      if (s !== undefined && !s.isSuccess()) return s.withPlugin(pl.name);
    }
    return undefined;
  }

  /**
   * Runs every PreFilter plugin (RunPreFilterPlugins): Skip marks the plugin's Filter as skipped;
   * UnschedulableAndUnresolvable stops at once; Unschedulable is remembered while the others still run
   * (preemption needs their state); node-name results intersect, and an empty intersection rejects.
   * Throws PluginError for an Error status.
   */
  runPreFilterPlugins(state: CycleState, pod: PodInfo, snapshot: Snapshot): PreFilterOutcome {
    let nodeNames: Set<string> | undefined;
    const narrowing: string[] = [];
    let rejection: Status | undefined;
    for (const pl of this.points.preFilter) {
      const r = pl.preFilter(state, pod, snapshot);
      if (r === undefined) continue;
      if (r instanceof Status) {
        if (r.code === Code.Success) continue;
        if (r.code === Code.Skip) {
          state.skipFilterPlugins.add(pl.name);
          continue;
        }
        r.withPlugin(pl.name);
        if (r.code === Code.UnschedulableAndUnresolvable) return { nodeNames: undefined, status: r, plugins: [pl.name] };
        if (r.code === Code.Unschedulable) {
          rejection ??= r;
          continue;
        }
        throw PluginError.fromStatus('PreFilter', pl.name, r);
      }
      narrowing.push(pl.name);
      if (nodeNames === undefined) nodeNames = new Set(r.nodeNames);
      else for (const n of nodeNames) if (!r.nodeNames.has(n)) nodeNames.delete(n);
      if (nodeNames.size === 0) {
        const msg =
          narrowing.length === 1
            ? `node(s) didn't satisfy plugin ${narrowing[0]}`
            : `node(s) didn't satisfy plugin(s) [${narrowing.join(' ')}] simultaneously`;
        return { nodeNames, status: new Status(Code.UnschedulableAndUnresolvable, [msg], { plugin: pl.name }), plugins: narrowing };
      }
    }
    return { nodeNames, status: rejection, plugins: rejection !== undefined ? [...narrowing, rejection.plugin!] : narrowing };
  }

  /** Runs every PreFilter plugin's addPod, except those skipped this cycle. Throws PluginError on failure. */
  runPreFilterExtensionAddPod(state: CycleState, pod: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    for (const pl of this.points.preFilter) {
      if (pl.addPod === undefined || state.skipFilterPlugins.has(pl.name)) continue;
      const s = pl.addPod(state, pod, podToAdd, nodeInfo);
      if (s !== undefined && !s.isSuccess()) throw PluginError.fromStatus('AddPod', pl.name, s);
    }
    return undefined;
  }

  /** Runs every PreFilter plugin's removePod, except those skipped this cycle. Throws PluginError on failure. */
  runPreFilterExtensionRemovePod(state: CycleState, pod: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    for (const pl of this.points.preFilter) {
      if (pl.removePod === undefined || state.skipFilterPlugins.has(pl.name)) continue;
      const s = pl.removePod(state, pod, podToRemove, nodeInfo);
      if (s !== undefined && !s.isSuccess()) throw PluginError.fromStatus('RemovePod', pl.name, s);
    }
    return undefined;
  }

  /**
   * Runs the Filter plugins on one node until the first rejection (RunFilterPlugins), which is
   * returned stamped with its plugin. Throws PluginError for an Error status.
   */
  runFilterPlugins(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    const skip = state.skipFilterPlugins;
    for (const pl of this.points.filter) {
      if (skip.size > 0 && skip.has(pl.name)) continue;
      const s = pl.filter(state, pod, nodeInfo);
      if (s === undefined || s.code === Code.Success) continue;
      if (!s.isRejected()) throw PluginError.fromStatus('Filter', pl.name, s);
      return s.withPlugin(pl.name);
    }
    return undefined;
  }

  /**
   * Filter with nominated pods (RunFilterPluginsWithNominatedPods): when pods of equal or higher
   * priority are nominated to the node, the pod must fit both with them counted and without them.
   */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | undefined {
    const nominated = this.handle.nominator?.nominatedPodsForNode(nodeInfo.name);
    if (nominated === undefined || nominated.length === 0) return this.runFilterPlugins(state, pod, nodeInfo);
    let stateWith: CycleState | undefined;
    let nodeWith: NodeInfo | undefined;
    for (const np of nominated) {
      if (np.priority < pod.priority || np.key === pod.key) continue;
      if (stateWith === undefined || nodeWith === undefined) {
        stateWith = state.clone();
        nodeWith = nodeInfo.clone();
      }
      nodeWith.addPod(np);
      this.runPreFilterExtensionAddPod(stateWith, pod, np, nodeWith);
    }
    if (stateWith === undefined || nodeWith === undefined) return this.runFilterPlugins(state, pod, nodeInfo);
    const withNominated = this.runFilterPlugins(stateWith, pod, nodeWith);
    if (withNominated !== undefined) return withNominated;
    return this.runFilterPlugins(state, pod, nodeInfo);
  }

  /**
   * Runs the PostFilter plugins (RunPostFilterPlugins) until one succeeds. The returned status is
   * Success, or Unschedulable carrying every plugin's reasons; the result is the last meaningful one.
   */
  runPostFilterPlugins(state: CycleState, pod: PodInfo, snapshot: Snapshot, statuses: NodeToStatus): { result?: PostFilterResult; status: Status } {
    let result: PostFilterResult | undefined;
    const reasons: string[] = [];
    let rejector: string | undefined;
    for (const pl of this.points.postFilter) {
      const out = pl.postFilter(state, pod, snapshot, statuses);
      const s = out.status;
      if (s === undefined || s.isSuccess()) return { result: out.result, status: new Status(Code.Success, [], { plugin: pl.name }) };
      if (s.code === Code.UnschedulableAndUnresolvable) return { result: out.result, status: s.withPlugin(pl.name) };
      if (!s.isRejected()) return { status: new Status(Code.Error, s.reasons, { cause: s.cause, plugin: pl.name }) };
      if (out.result !== undefined) result = out.result;
      reasons.push(...s.reasons);
      rejector ??= pl.name;
    }
    return { result, status: new Status(Code.Unschedulable, reasons, { plugin: rejector }) };
  }

  /** Runs the PreScore plugins; Skip marks the plugin's Score as skipped. Throws PluginError on any other failure. */
  runPreScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): void {
    for (const pl of this.points.preScore) {
      const s = pl.preScore(state, pod, nodes, snapshot);
      if (s === undefined || s.code === Code.Success) continue;
      if (s.code === Code.Skip) {
        state.skipScorePlugins.add(pl.name);
        continue;
      }
      throw PluginError.fromStatus('PreScore', pl.name, s);
    }
  }

  /**
   * Scores `nodes` with every Score plugin not skipped (RunScorePlugins): raw scores, normalization,
   * a check that each lies in [0, 100], then the plugin weight. Returns the weighted totals in node
   * order, and the per-plugin weighted scores when `perPlugin` is given.
   */
  runScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], perPlugin?: Map<string, number[]>): number[] {
    const totals = new Array<number>(nodes.length).fill(0);
    for (const pl of this.points.score) {
      if (state.skipScorePlugins.has(pl.name)) continue;
      const scores = new Array<number>(nodes.length);
      for (let i = 0; i < nodes.length; i++) scores[i] = pl.score(state, pod, nodes[i]!);
      if (pl.normalizeScore !== undefined) {
        const s = pl.normalizeScore(state, pod, nodes, scores);
        if (s !== undefined && !s.isSuccess()) throw PluginError.fromStatus('NormalizeScore', pl.name, s);
      }
      const weight = this.scoreWeights.get(pl.name) ?? 1;
      for (let i = 0; i < nodes.length; i++) {
        const score = scores[i]!;
        if (!(score >= MIN_NODE_SCORE && score <= MAX_NODE_SCORE)) {
          throw new PluginError(`plugin ${JSON.stringify(pl.name)} returns an invalid score ${score}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`, { plugin: pl.name });
        }
        scores[i] = score * weight;
        totals[i]! += scores[i]!;
      }
      perPlugin?.set(pl.name, scores);
    }
    return totals;
  }

  /**
   * Runs Reserve in order (RunReservePluginsReserve); the first failure is returned stamped with its
   * plugin, and the caller must then run `runReservePluginsUnreserve`.
   */
  async runReservePluginsReserve(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status | undefined> {
    for (const pl of this.points.reserve) {
      const s = await pl.reserve(state, pod, nodeName);
      if (s !== undefined && !s.isSuccess()) return s.withPlugin(pl.name);
    }
    return undefined;
  }

  /** Runs every Unreserve in reverse order (RunReservePluginsUnreserve). */
  async runReservePluginsUnreserve(state: CycleState, pod: PodInfo, nodeName: string): Promise<void> {
    for (let i = this.points.reserve.length - 1; i >= 0; i--) await this.points.reserve[i]!.unreserve(state, pod, nodeName);
  }

  /** Runs Permit (RunPermitPlugins): a rejection wins; otherwise any Wait makes the pod wait on those plugins. */
  runPermitPlugins(state: CycleState, pod: PodInfo, nodeName: string): PermitOutcome {
    const waitingOn = new Map<string, number>();
    for (const pl of this.points.permit) {
      const out = pl.permit(state, pod, nodeName);
      const s = out.status;
      if (s === undefined || s.isSuccess()) continue;
      if (s.isRejected()) return { status: new Status(Code.Unschedulable, s.reasons, { plugin: pl.name }), waitingOn: new Map() };
      if (s.code === Code.Wait) {
        waitingOn.set(pl.name, Math.min(out.timeoutMs ?? MAX_PERMIT_TIMEOUT_MS, MAX_PERMIT_TIMEOUT_MS));
        continue;
      }
      return { status: new Status(Code.Error, s.reasons, { cause: s.cause, plugin: pl.name }), waitingOn: new Map() };
    }
    if (waitingOn.size > 0) return { status: new Status(Code.Wait, [`one or more plugins asked to wait and no plugin rejected pod`]), waitingOn };
    return { status: undefined, waitingOn };
  }

  /** Runs PreBind in order; the first failure is returned stamped with its plugin. */
  async runPreBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status | undefined> {
    for (const pl of this.points.preBind) {
      const s = await pl.preBind(state, pod, nodeName);
      if (s !== undefined && !s.isSuccess()) return s.withPlugin(pl.name);
    }
    return undefined;
  }

  /** Offers the pod to each Bind plugin until one does not Skip (RunBindPlugins); all skipping gives Skip. */
  async runBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status | undefined> {
    for (const pl of this.points.bind) {
      const s = await pl.bind(state, pod, nodeName);
      if (s !== undefined && s.code === Code.Skip) continue;
      if (s !== undefined && !s.isSuccess()) return s.withPlugin(pl.name);
      return undefined;
    }
    return Status.skip();
  }

  /** Runs every PostBind plugin. */
  runPostBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (const pl of this.points.postBind) pl.postBind(state, pod, nodeName);
  }
}

/**
 * Builds every profile of a configuration (raw object or already loaded), keyed by schedulerName.
 * Throws ConfigError for an invalid configuration and RegistryError for unknown or misplaced plugins.
 */
export function buildProfiles(
  config: unknown,
  options: ProfileOptions,
): { readonly configuration: ResolvedSchedulerConfiguration; readonly profiles: ReadonlyMap<string, Profile> } {
  const configuration = isResolved(config) ? config : loadSchedulerConfiguration(config);
  const profiles = new Map<string, Profile>();
  for (const p of configuration.profiles) profiles.set(p.schedulerName, new Profile(p, options, configuration.percentageOfNodesToScore));
  return { configuration, profiles };
}

function isResolved(config: unknown): config is ResolvedSchedulerConfiguration {
  return (
    typeof config === 'object' &&
    config !== null &&
    Array.isArray((config as { profiles?: unknown }).profiles) &&
    (config as { profiles: unknown[] }).profiles.every((p) => typeof p === 'object' && p !== null && (p as { pluginArgs?: unknown }).pluginArgs instanceof Map)
  );
}

/** A fresh CycleState for one scheduling attempt. */
export function newCycleState(): CycleState {
  return new CycleState();
}
