import type { corev1 } from '@tskube/api-types';
import { CycleState } from './cycle-state';
import type { FilterPlugin, Handle, Listers, Plugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from './interfaces';
import { PodInfo } from './pod-info';
import { emptyListers } from './profile';
import type { Snapshot } from './snapshot';
import { Code, Status } from './status';

/**
 * Builders for the Node and Pod objects scheduler tests need (kube-scheduler's st.MakePod /
 * st.MakeNode), so a table row reads like the situation it sets up. Test-only.
 */
export class PodBuilder {
  private readonly p: corev1.Pod;

  constructor(name: string) {
    this.p = { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { containers: [] }, status: {} };
  }

  private get spec(): corev1.PodSpec {
    return this.p.spec!;
  }

  namespace(ns: string): this {
    this.p.metadata!.namespace = ns;
    return this;
  }

  uid(uid: string): this {
    (this.p.metadata as { uid?: string }).uid = uid;
    return this;
  }

  label(key: string, value: string): this {
    (this.p.metadata!.labels ??= {})[key] = value;
    return this;
  }

  labels(labels: Record<string, string>): this {
    this.p.metadata!.labels = { ...this.p.metadata!.labels, ...labels };
    return this;
  }

  /** Adds a container requesting `requests` (and using `image`). */
  container(requests: Record<string, string> = {}, image = 'pause'): this {
    const c: corev1.Container = { name: `c${this.spec.containers.length}`, image };
    if (Object.keys(requests).length > 0) c.resources = { requests };
    this.spec.containers.push(c);
    return this;
  }

  /** A single container with `requests` (replaces earlier containers). */
  req(requests: Record<string, string>): this {
    this.spec.containers = [];
    return this.container(requests);
  }

  initContainer(requests: Record<string, string>, sidecar = false): this {
    const c: corev1.Container = { name: `i${this.spec.initContainers?.length ?? 0}`, image: 'init', resources: { requests } };
    if (sidecar) c.restartPolicy = 'Always';
    (this.spec.initContainers ??= []).push(c);
    return this;
  }

  overhead(overhead: Record<string, string>): this {
    this.spec.overhead = overhead;
    return this;
  }

  hostPort(port: number, protocol = 'TCP', hostIP?: string): this {
    if (this.spec.containers.length === 0) this.container();
    const c = this.spec.containers[0]!;
    const p: corev1.ContainerPort = { containerPort: port, hostPort: port, protocol };
    if (hostIP !== undefined) p.hostIP = hostIP;
    (c.ports ??= []).push(p);
    return this;
  }

  node(nodeName: string): this {
    this.spec.nodeName = nodeName;
    return this;
  }

  nominated(nodeName: string): this {
    this.p.status!.nominatedNodeName = nodeName;
    return this;
  }

  priority(priority: number): this {
    this.spec.priority = priority;
    return this;
  }

  preemptionPolicy(policy: 'Never' | 'PreemptLowerPriority'): this {
    this.spec.preemptionPolicy = policy;
    return this;
  }

  startTime(iso: string): this {
    this.p.status!.startTime = iso;
    return this;
  }

  nodeSelector(selector: Record<string, string>): this {
    this.spec.nodeSelector = selector;
    return this;
  }

  toleration(t: corev1.Toleration): this {
    (this.spec.tolerations ??= []).push(t);
    return this;
  }

  affinity(affinity: corev1.Affinity): this {
    this.spec.affinity = { ...this.spec.affinity, ...affinity };
    return this;
  }

  /** Required node affinity with the given terms (ORed). */
  nodeAffinityIn(key: string, values: string[]): this {
    return this.affinity({
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key, operator: 'In', values }] }] } },
    });
  }

  /** Required pod affinity to pods labelled key=value within `topologyKey`. */
  podAffinity(topologyKey: string, key: string, value: string): this {
    const a = this.spec.affinity ?? {};
    const terms = a.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    terms.push({ topologyKey, labelSelector: { matchLabels: { [key]: value } } });
    return this.affinity({ podAffinity: { ...a.podAffinity, requiredDuringSchedulingIgnoredDuringExecution: terms } });
  }

  /** Required pod anti-affinity to pods labelled key=value within `topologyKey`. */
  podAntiAffinity(topologyKey: string, key: string, value: string): this {
    const a = this.spec.affinity ?? {};
    const terms = a.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
    terms.push({ topologyKey, labelSelector: { matchLabels: { [key]: value } } });
    return this.affinity({ podAntiAffinity: { ...a.podAntiAffinity, requiredDuringSchedulingIgnoredDuringExecution: terms } });
  }

  preferredPodAffinity(weight: number, topologyKey: string, key: string, value: string, anti = false): this {
    const a = this.spec.affinity ?? {};
    const term: corev1.WeightedPodAffinityTerm = { weight, podAffinityTerm: { topologyKey, labelSelector: { matchLabels: { [key]: value } } } };
    if (anti) {
      const terms = [...(a.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []), term];
      return this.affinity({ podAntiAffinity: { ...a.podAntiAffinity, preferredDuringSchedulingIgnoredDuringExecution: terms } });
    }
    const terms = [...(a.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []), term];
    return this.affinity({ podAffinity: { ...a.podAffinity, preferredDuringSchedulingIgnoredDuringExecution: terms } });
  }

  spreadConstraint(maxSkew: number, topologyKey: string, when: 'DoNotSchedule' | 'ScheduleAnyway', selector: Record<string, string>, extra: Partial<corev1.TopologySpreadConstraint> = {}): this {
    (this.spec.topologySpreadConstraints ??= []).push({ maxSkew, topologyKey, whenUnsatisfiable: when, labelSelector: { matchLabels: selector }, ...extra });
    return this;
  }

  terminating(): this {
    (this.p.metadata as { deletionTimestamp?: string }).deletionTimestamp = '2024-01-01T00:00:00Z';
    return this;
  }

  /** Being deleted by an earlier preemption (deletionTimestamp and DisruptionTarget=True, PreemptionByScheduler). */
  preemptedTerminating(): this {
    this.terminating();
    (this.p.status!.conditions ??= []).push({ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' });
    return this;
  }

  ownedBy(kind: string, name: string, apiVersion = 'apps/v1'): this {
    this.p.metadata!.ownerReferences = [{ apiVersion, kind, name, uid: `uid-${name}`, controller: true }];
    return this;
  }

  schedulingGates(...names: string[]): this {
    this.spec.schedulingGates = names.map((name) => ({ name }));
    return this;
  }

  obj(): corev1.Pod {
    return this.p;
  }
}

export class NodeBuilder {
  private readonly n: corev1.Node;

  constructor(name: string) {
    this.n = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      spec: {},
      status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
    };
  }

  label(key: string, value: string): this {
    this.n.metadata!.labels![key] = value;
    return this;
  }

  labels(labels: Record<string, string>): this {
    Object.assign(this.n.metadata!.labels!, labels);
    return this;
  }

  /** Replaces allocatable with exactly `allocatable`. */
  capacity(allocatable: Record<string, string>): this {
    this.n.status!.allocatable = allocatable;
    return this;
  }

  taint(key: string, value: string | undefined, effect: string): this {
    const t: corev1.Taint = { key, effect };
    if (value !== undefined) t.value = value;
    (this.n.spec!.taints ??= []).push(t);
    return this;
  }

  unschedulable(): this {
    this.n.spec!.unschedulable = true;
    return this;
  }

  image(sizeBytes: number, ...names: string[]): this {
    (this.n.status!.images ??= []).push({ names, sizeBytes });
    return this;
  }

  obj(): corev1.Node {
    return this.n;
  }
}

export const makePod = (name: string): PodBuilder => new PodBuilder(name);
export const makeNode = (name: string): NodeBuilder => new NodeBuilder(name);

/** A deterministic random source: cycles through `values` (all in [0, 1)). */
export function fixedRng(...values: number[]): () => number {
  let i = 0;
  const vs = values.length === 0 ? [0] : values;
  return () => vs[i++ % vs.length]!;
}

/** A plugin under test: any mix of the extension points a verdict or score helper drives. */
type TestPlugin = Plugin & Partial<PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin>;

/** A Handle for constructing plugins directly in tests: empty listers unless given, no nominator. */
export function testHandle(listers: Partial<Listers> = {}, rng: () => number = () => 0): Handle {
  const fail = (): never => {
    throw new Error('not available in this test handle');
  };
  return {
    listers: { ...emptyListers, ...listers },
    nominator: undefined,
    rng,
    runFilterPluginsWithNominatedPods: fail,
    runPreFilterExtensionAddPod: fail,
    runPreFilterExtensionRemovePod: fail,
  };
}

const verdict = (s: Status | undefined): string => (s === undefined || s.isSuccess() ? '' : `${s.code}: ${s.message()}`);

/**
 * Runs `plugin`'s PreFilter then Filter on every node of `snapshot` and returns, per node, '' when it
 * fits or `<code>: <reasons>` when it does not. A Skip from PreFilter passes every node; a PreFilter
 * rejection is reported for every node; nodes outside a PreFilter node set read `outside`.
 */
export function filterVerdicts(plugin: TestPlugin, pod: corev1.Pod, snapshot: Snapshot): Record<string, string> {
  const state = new CycleState();
  const info = new PodInfo(pod);
  const pre = plugin.preFilter?.(state, info, snapshot);
  const out: Record<string, string> = {};
  for (const ni of snapshot.nodeInfos) {
    if (pre instanceof Status) {
      if (pre.code === Code.Skip) {
        out[ni.name] = '';
        continue;
      }
      if (!pre.isSuccess()) {
        out[ni.name] = verdict(pre);
        continue;
      }
    } else if (pre !== undefined && !pre.nodeNames.has(ni.name)) {
      out[ni.name] = 'outside';
      continue;
    }
    out[ni.name] = verdict(plugin.filter?.(state, info, ni));
  }
  return out;
}

/**
 * Runs `plugin`'s PreScore, Score and NormalizeScore over every node of `snapshot` (all treated as
 * feasible) and returns the normalized scores by node, or 'skip' when PreScore skips.
 */
export function scoreNodes(plugin: TestPlugin, pod: corev1.Pod, snapshot: Snapshot): Record<string, number> | 'skip' {
  const state = new CycleState();
  const info = new PodInfo(pod);
  const nodes = snapshot.nodeInfos;
  const pre = plugin.preScore?.(state, info, nodes, snapshot);
  if (pre?.code === Code.Skip) return 'skip';
  if (pre !== undefined && !pre.isSuccess()) throw new Error(`PreScore failed: ${pre.message()}`);
  const scores = nodes.map((ni) => plugin.score!(state, info, ni));
  plugin.normalizeScore?.(state, info, nodes, scores);
  return Object.fromEntries(nodes.map((ni, i) => [ni.name, scores[i]!]));
}
