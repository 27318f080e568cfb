/**
 * The hollow-nodes host's command line. Node settings are named as the kubelet's flags name them
 * (--node-labels, --register-with-taints, --max-pods, --sync-frequency, ...); the machine each
 * hollow node pretends to be (--cpu, --memory, --ephemeral-storage) is kubemark's and kwok's idea.
 */
import { parseArgs } from 'node:util';
import { Quantity } from '@tskube/api-types';
import { FlagError, parseMapFlag, parseTaints, type TaintFlag } from '../../apps/kubelet/src/flags';
import { validateNodeLabels } from '../../apps/kubelet/src/node';

export { FlagError };

export interface HollowFlags {
  /** --count: how many hollow kubelets this process hosts. */
  count: number;
  /** --master: host:port of the apiserver's gRPC API. */
  master: string;
  /** --name-prefix: nodes are `<prefix>-<i>`, i from 0. */
  namePrefix: string;
  /** --cpu, --memory, --ephemeral-storage: each node's machine, as quantities. */
  cpu: string;
  memory: string;
  ephemeralStorage: string;
  /** --max-pods. */
  maxPods: number;
  /** --node-labels (every node) and --zones (topology.kubernetes.io/zone spread round-robin). */
  nodeLabels: Record<string, string>;
  zones: string[];
  /** --register-with-taints. */
  registerWithTaints: TaintFlag[];
  /** --healthz-bind-address and --healthz-port: the process' one /healthz and /metrics. */
  healthzBindAddress: string;
  healthzPort: number;
  /** --root-dir: each node's kubelet directories go below `<root>/<node>`; '' for a temporary one. */
  rootDir: string;
  /** --cluster-dns and --cluster-domain, as the kubelet's. */
  clusterDNS: string[];
  clusterDomain: string;
  /** --sync-frequency: each pod's periodic resync (the kubelet's 1m). */
  syncFrequencyMs: number;
  /** --node-status-update-frequency (10s) and --node-lease-duration-seconds (40). */
  nodeStatusUpdateFrequencyMs: number;
  nodeLeaseDurationSeconds: number;
  /** --container-start-delay: how long a hollow container takes to start; 0 by default. */
  containerStartDelayMs: number;
  /** --start-concurrency: kubelets starting at once. */
  startConcurrency: number;
  /** --delete-nodes-on-exit: delete the Node objects after the kubelets stopped. */
  deleteNodesOnExit: boolean;
  /** -v: 2 and above logs each hollow kubelet's info lines, 4 and above debug lines. */
  verbosity: number;
}

/** A Go duration (`90s`, `1m30s`, `500ms`, `0`) in milliseconds; FlagError naming the flag otherwise. */
export function parseDuration(flag: string, text: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const bad = () => new FlagError(`invalid argument "${text}" for "--${flag}" flag: time: invalid duration "${text}"`);
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let ms = 0;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    ms += Number(m[1]) * units[m[2]!]!;
    at = re.lastIndex;
  }
  if (text === '' || at !== text.length) throw bad();
  return ms;
}

function integer(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new FlagError(`invalid argument "${text}" for "--${flag}" flag: must be an integer between ${min} and ${max}`);
  return n;
}

function quantity(flag: string, text: string): string {
  let q: Quantity;
  try {
    q = Quantity.parse(text);
  } catch (err) {
    throw new FlagError(`invalid argument "${text}" for "--${flag}" flag: ${(err as Error).message}`, { cause: err });
  }
  if (q.sign() <= 0) throw new FlagError(`invalid argument "${text}" for "--${flag}" flag: must be greater than zero`);
  return text;
}

/** Reads the host's command line; throws FlagError for anything malformed. */
export function parseHollowFlags(argv: string[]): HollowFlags {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        count: { type: 'string', default: '1' },
        master: { type: 'string', default: '127.0.0.1:6444' },
        'name-prefix': { type: 'string', default: 'hollow' },
        cpu: { type: 'string', default: '4' },
        memory: { type: 'string', default: '16Gi' },
        'ephemeral-storage': { type: 'string', default: '100Gi' },
        'max-pods': { type: 'string', default: '110' },
        'node-labels': { type: 'string', default: '' },
        zones: { type: 'string', default: '' },
        'register-with-taints': { type: 'string', default: '' },
        'healthz-bind-address': { type: 'string', default: '127.0.0.1' },
        'healthz-port': { type: 'string', default: '10247' },
        'root-dir': { type: 'string', default: '' },
        'cluster-dns': { type: 'string', default: '' },
        'cluster-domain': { type: 'string', default: 'cluster.local' },
        'sync-frequency': { type: 'string', default: '1m' },
        'node-status-update-frequency': { type: 'string', default: '10s' },
        'node-lease-duration-seconds': { type: 'string', default: '40' },
        'container-start-delay': { type: 'string', default: '0' },
        'start-concurrency': { type: 'string', default: '32' },
        'delete-nodes-on-exit': { type: 'boolean', default: false },
        v: { type: 'string', short: 'v', default: '0' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new FlagError((err as Error).message, { cause: err });
  }
  const master = values.master;
  if (!/^[^\s/]+:\d+$/.test(master)) throw new FlagError(`invalid argument "${master}" for "--master" flag: must be host:port`);
  const prefix = values['name-prefix'];
  // The prefix plus `-<i>` must stay a DNS-1123 subdomain, as every node name must.
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(prefix) || prefix.length > 240) {
    throw new FlagError(`invalid argument "${prefix}" for "--name-prefix" flag: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`);
  }
  const nodeLabels = parseMapFlag('node-labels', values['node-labels']);
  try {
    validateNodeLabels(nodeLabels);
  } catch (err) {
    throw new FlagError((err as Error).message, { cause: err });
  }
  const clusterDNS = values['cluster-dns'].split(',').map((s) => s.trim()).filter(Boolean);
  for (const ip of clusterDNS) {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) && !ip.includes(':')) throw new FlagError(`invalid argument "${values['cluster-dns']}" for "--cluster-dns" flag: invalid IP address ${ip}`);
  }
  const syncFrequencyMs = parseDuration('sync-frequency', values['sync-frequency']);
  if (syncFrequencyMs <= 0) throw new FlagError(`invalid argument "${values['sync-frequency']}" for "--sync-frequency" flag: must be greater than zero`);
  const nodeStatusUpdateFrequencyMs = parseDuration('node-status-update-frequency', values['node-status-update-frequency']);
  if (nodeStatusUpdateFrequencyMs <= 0) {
    throw new FlagError(`invalid argument "${values['node-status-update-frequency']}" for "--node-status-update-frequency" flag: must be greater than zero`);
  }
  const verbosity = Number(values.v);
  if (!Number.isInteger(verbosity) || verbosity < 0) throw new FlagError(`invalid argument "${values.v}" for "-v" flag`);
  return {
    // 65,536 nodes at most: each gets a /24 of 10.0.0.0/8 for its pods.
    count: integer('count', values.count, 1, 65_536),
    master,
    namePrefix: prefix,
    cpu: quantity('cpu', values.cpu),
    memory: quantity('memory', values.memory),
    ephemeralStorage: quantity('ephemeral-storage', values['ephemeral-storage']),
    maxPods: integer('max-pods', values['max-pods'], 0, 253),
    nodeLabels,
    zones: values.zones.split(',').map((s) => s.trim()).filter(Boolean),
    registerWithTaints: parseTaints(values['register-with-taints']),
    healthzBindAddress: values['healthz-bind-address'],
    healthzPort: integer('healthz-port', values['healthz-port'], 0, 65535),
    rootDir: values['root-dir'],
    clusterDNS,
    clusterDomain: values['cluster-domain'],
    syncFrequencyMs,
    nodeStatusUpdateFrequencyMs,
    nodeLeaseDurationSeconds: integer('node-lease-duration-seconds', values['node-lease-duration-seconds'], 1),
    containerStartDelayMs: parseDuration('container-start-delay', values['container-start-delay']),
    startConcurrency: integer('start-concurrency', values['start-concurrency'], 1, 1000),
    deleteNodesOnExit: values['delete-nodes-on-exit'],
    verbosity,
  };
}
