/**
 * KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) as read from `--config`: the shape,
 * Kubernetes' defaults (the default plugin set and weights, one `default-scheduler` profile) and the
 * checks kube-scheduler makes before starting.
 */

export const SCHEDULER_CONFIG_API_VERSION = 'kubescheduler.config.k8s.io/v1';
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/** The extension points a profile configures, in the order a pod meets them. */
export const ExtensionPoint = {
  PreEnqueue: 'preEnqueue',
  QueueSort: 'queueSort',
  PreFilter: 'preFilter',
  Filter: 'filter',
  PostFilter: 'postFilter',
  PreScore: 'preScore',
  Score: 'score',
  Reserve: 'reserve',
  Permit: 'permit',
  PreBind: 'preBind',
  Bind: 'bind',
  PostBind: 'postBind',
} as const;
export type ExtensionPoint = (typeof ExtensionPoint)[keyof typeof ExtensionPoint];
export const extensionPoints: readonly ExtensionPoint[] = Object.values(ExtensionPoint);

export interface PluginRef {
  name: string;
  /** Score weight; only meaningful where the plugin scores. 0 or absent means 1. */
  weight?: number;
}

export interface PluginSet {
  enabled?: PluginRef[];
  /** `{name: '*'}` disables every default plugin of the point. */
  disabled?: { name: string }[];
}

export type Plugins = { multiPoint?: PluginSet } & { [P in ExtensionPoint]?: PluginSet };

export interface PluginConfig {
  name: string;
  /** The plugin's args object (`NodeResourcesFitArgs`, ...); `apiVersion`/`kind` inside are ignored. */
  args?: unknown;
}

export interface KubeSchedulerProfile {
  schedulerName?: string;
  /** Overrides the top-level percentage for this profile. */
  percentageOfNodesToScore?: number;
  plugins?: Plugins;
  pluginConfig?: PluginConfig[];
}

export interface KubeSchedulerConfiguration {
  apiVersion?: string;
  kind?: string;
  /** Worker parallelism for filtering and scoring (16). */
  parallelism?: number;
  /** Share of nodes to find feasible before scoring: 0 (default) adapts to cluster size, 100 checks all. */
  percentageOfNodesToScore?: number;
  /** First backoff of an unschedulable pod, seconds (1). */
  podInitialBackoffSeconds?: number;
  /** Backoff cap, seconds (10). */
  podMaxBackoffSeconds?: number;
  profiles?: KubeSchedulerProfile[];
  /** Passed through untouched for the process (leader election flags). */
  leaderElection?: Record<string, unknown>;
  clientConnection?: Record<string, unknown>;
}

/** A plugin set after merging with the defaults: explicit lists, `disabled` kept for MultiPoint expansion. */
export interface ResolvedPluginSet {
  readonly enabled: readonly Required<PluginRef>[];
  readonly disabled: readonly string[];
}

/** A profile with defaults applied. */
export interface ResolvedProfile {
  readonly schedulerName: string;
  readonly percentageOfNodesToScore: number | undefined;
  readonly plugins: { readonly multiPoint: ResolvedPluginSet } & { readonly [P in ExtensionPoint]: ResolvedPluginSet };
  /** Args by plugin name, as given. */
  readonly pluginArgs: ReadonlyMap<string, unknown>;
}

/** The whole configuration with defaults applied and checked. */
export interface ResolvedSchedulerConfiguration {
  readonly parallelism: number;
  readonly percentageOfNodesToScore: number;
  readonly podInitialBackoffSeconds: number;
  readonly podMaxBackoffSeconds: number;
  readonly profiles: readonly ResolvedProfile[];
  readonly leaderElection: Record<string, unknown> | undefined;
  readonly clientConnection: Record<string, unknown> | undefined;
}

/**
 * The v1 default plugin set (config/v1 getDefaultPlugins) minus the volume plugins tskube does not
 * have (VolumeRestrictions, NodeVolumeLimits, VolumeBinding, VolumeZone), all through MultiPoint.
 */
export const DEFAULT_MULTI_POINT_PLUGINS: readonly Required<PluginRef>[] = Object.freeze([
  { name: 'SchedulingGates', weight: 0 },
  { name: 'PrioritySort', weight: 0 },
  { name: 'NodeUnschedulable', weight: 0 },
  { name: 'NodeName', weight: 0 },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts', weight: 0 },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'DefaultPreemption', weight: 0 },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
  { name: 'DefaultBinder', weight: 0 },
]);

const configErrorBrand = Symbol.for('tskube.scheduler.ConfigError');

/** The configuration is malformed or fails validation; `errors` lists each problem with its field path. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly errors: readonly string[];

  constructor(errors: readonly string[], options: { cause?: unknown } = {}) {
    super(`invalid KubeSchedulerConfiguration: ${errors.join('; ')}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.errors = errors;
    Object.defineProperty(this, configErrorBrand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[configErrorBrand] === true;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readPluginSet(raw: unknown, path: string, errors: string[]): PluginSet {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) {
    errors.push(`${path}: Invalid value: must be an object`);
    return {};
  }
  const set: PluginSet = {};
  for (const field of ['enabled', 'disabled'] as const) {
    const list = raw[field];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      errors.push(`${path}.${field}: Invalid value: must be a list`);
      continue;
    }
    const refs: PluginRef[] = [];
    list.forEach((item, i) => {
      const p = `${path}.${field}[${i}]`;
      if (!isObject(item) || typeof item.name !== 'string' || item.name === '') {
        errors.push(`${p}.name: Required value`);
        return;
      }
      const ref: PluginRef = { name: item.name };
      if (item.weight !== undefined && item.weight !== null) {
        if (typeof item.weight !== 'number' || !Number.isInteger(item.weight) || item.weight < 0) {
          errors.push(`${p}.weight: Invalid value: ${JSON.stringify(item.weight)}: must be a non-negative integer`);
        } else {
          ref.weight = item.weight;
        }
      }
      refs.push(ref);
    });
    if (field === 'enabled') set.enabled = refs;
    else set.disabled = refs.map((r) => ({ name: r.name }));
  }
  return set;
}

/** config/v1 mergePluginSet: defaults minus disabled (all with `*`), re-configured ones in place, the rest appended. */
function mergePluginSet(defaults: ResolvedPluginSet, custom: PluginSet): ResolvedPluginSet {
  const disabled = new Set<string>();
  const disabledList: string[] = [];
  for (const d of custom.disabled ?? []) {
    disabled.add(d.name);
    disabledList.push(d.name);
  }
  for (const d of defaults.disabled) {
    disabled.add(d);
    disabledList.push(d);
  }
  const customEnabled = (custom.enabled ?? []).map((p) => ({ name: p.name, weight: p.weight ?? 0 }));
  const customIndex = new Map<string, number>();
  customEnabled.forEach((p, i) => customIndex.set(p.name, i));
  const replaced = new Set<number>();
  const enabled: Required<PluginRef>[] = [];
  if (!disabled.has('*')) {
    for (const p of defaults.enabled) {
      if (disabled.has(p.name)) continue;
      const i = customIndex.get(p.name);
      if (i !== undefined) {
        replaced.add(i);
        enabled.push(customEnabled[i]!);
      } else {
        enabled.push(p);
      }
    }
  }
  customEnabled.forEach((p, i) => {
    if (!replaced.has(i)) enabled.push(p);
  });
  return { enabled, disabled: disabledList };
}

const emptySet: ResolvedPluginSet = { enabled: [], disabled: [] };

function readNumber(raw: Record<string, unknown>, field: string, path: string, errors: string[]): number | undefined {
  const v = raw[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    errors.push(`${path}${field}: Invalid value: ${JSON.stringify(v)}: must be a number`);
    return undefined;
  }
  return v;
}

function checkPercentage(value: number | undefined, path: string, errors: string[]): void {
  if (value !== undefined && (value < 0 || value > 100 || !Number.isInteger(value))) {
    errors.push(`${path}: Invalid value: ${value}: not in valid range [0-100]`);
  }
}

/**
 * Reads a KubeSchedulerConfiguration object (the parsed YAML/JSON of `--config`; undefined for none),
 * applies the v1 defaults and validates it. Throws ConfigError listing every problem.
 */
export function loadSchedulerConfiguration(raw: unknown = {}): ResolvedSchedulerConfiguration {
  const errors: string[] = [];
  if (!isObject(raw)) throw new ConfigError(['configuration must be an object']);
  if (raw.apiVersion !== undefined && raw.apiVersion !== SCHEDULER_CONFIG_API_VERSION) {
    errors.push(`apiVersion: Unsupported value: ${JSON.stringify(raw.apiVersion)}: supported values: "${SCHEDULER_CONFIG_API_VERSION}"`);
  }
  if (raw.kind !== undefined && raw.kind !== 'KubeSchedulerConfiguration') {
    errors.push(`kind: Unsupported value: ${JSON.stringify(raw.kind)}: supported values: "KubeSchedulerConfiguration"`);
  }
  const parallelism = readNumber(raw, 'parallelism', '', errors) ?? 16;
  if (parallelism <= 0) errors.push(`parallelism: Invalid value: ${parallelism}: should be an integer greater than 0`);
  const percentage = readNumber(raw, 'percentageOfNodesToScore', '', errors) ?? 0;
  checkPercentage(percentage, 'percentageOfNodesToScore', errors);
  const initialBackoff = readNumber(raw, 'podInitialBackoffSeconds', '', errors) ?? 1;
  if (initialBackoff <= 0) errors.push(`podInitialBackoffSeconds: Invalid value: ${initialBackoff}: must be greater than 0`);
  const maxBackoff = readNumber(raw, 'podMaxBackoffSeconds', '', errors) ?? 10;
  if (maxBackoff < initialBackoff) errors.push(`podMaxBackoffSeconds: Invalid value: ${maxBackoff}: must be greater than or equal to PodInitialBackoffSeconds`);

  let rawProfiles: unknown[] = [];
  if (raw.profiles !== undefined && raw.profiles !== null) {
    if (Array.isArray(raw.profiles)) rawProfiles = raw.profiles;
    else errors.push('profiles: Invalid value: must be a list');
  }
  if (rawProfiles.length === 0) rawProfiles = [{}];

  const profiles: ResolvedProfile[] = [];
  const names = new Set<string>();
  rawProfiles.forEach((rp, i) => {
    const path = `profiles[${i}]`;
    if (!isObject(rp)) {
      errors.push(`${path}: Invalid value: must be an object`);
      return;
    }
    let schedulerName = rp.schedulerName;
    // Only a lone profile gets the default name; with several, each must be named.
    if (schedulerName === undefined && rawProfiles.length === 1) schedulerName = DEFAULT_SCHEDULER_NAME;
    if (typeof schedulerName !== 'string' || schedulerName === '') {
      errors.push(`${path}.schedulerName: Required value`);
      return;
    }
    if (names.has(schedulerName)) errors.push(`${path}.schedulerName: Duplicate value: ${JSON.stringify(schedulerName)}`);
    names.add(schedulerName);
    const profilePercentage = readNumber(rp, 'percentageOfNodesToScore', `${path}.`, errors);
    checkPercentage(profilePercentage, `${path}.percentageOfNodesToScore`, errors);

    const rawPlugins = rp.plugins;
    if (rawPlugins !== undefined && rawPlugins !== null && !isObject(rawPlugins)) errors.push(`${path}.plugins: Invalid value: must be an object`);
    const pluginsObj = isObject(rawPlugins) ? rawPlugins : {};
    const multiPoint = mergePluginSet({ enabled: DEFAULT_MULTI_POINT_PLUGINS, disabled: [] }, readPluginSet(pluginsObj.multiPoint, `${path}.plugins.multiPoint`, errors));
    const plugins = { multiPoint } as { multiPoint: ResolvedPluginSet } & { [P in ExtensionPoint]: ResolvedPluginSet };
    for (const point of extensionPoints) {
      plugins[point] = mergePluginSet(emptySet, readPluginSet(pluginsObj[point], `${path}.plugins.${point}`, errors));
    }

    const pluginArgs = new Map<string, unknown>();
    const rawConfig = rp.pluginConfig;
    if (rawConfig !== undefined && rawConfig !== null) {
      if (!Array.isArray(rawConfig)) {
        errors.push(`${path}.pluginConfig: Invalid value: must be a list`);
      } else {
        rawConfig.forEach((pc, j) => {
          const p = `${path}.pluginConfig[${j}]`;
          if (!isObject(pc) || typeof pc.name !== 'string' || pc.name === '') {
            errors.push(`${p}.name: Required value`);
            return;
          }
          if (pluginArgs.has(pc.name)) errors.push(`${p}: Duplicate value: ${JSON.stringify(pc.name)}`);
          pluginArgs.set(pc.name, pc.args);
        });
      }
    }
    profiles.push({ schedulerName, percentageOfNodesToScore: profilePercentage, plugins, pluginArgs });
  });

  // One queue serves every profile, so they must agree on how to sort it.
  if (profiles.length > 1) {
    const sortOf = (p: ResolvedProfile): string => JSON.stringify(p.plugins.queueSort);
    const first = sortOf(profiles[0]!);
    profiles.forEach((p, i) => {
      if (i > 0 && sortOf(p) !== first) errors.push(`profiles[${i}].plugins.queueSort: Invalid value: queueSort must be the same for all profiles`);
    });
  }

  if (errors.length > 0) throw new ConfigError(errors);
  return {
    parallelism,
    percentageOfNodesToScore: percentage,
    podInitialBackoffSeconds: initialBackoff,
    podMaxBackoffSeconds: maxBackoff,
    profiles,
    leaderElection: isObject(raw.leaderElection) ? raw.leaderElection : undefined,
    clientConnection: isObject(raw.clientConnection) ? raw.clientConnection : undefined,
  };
}
