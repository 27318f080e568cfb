import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_RUNTIME_ENDPOINT } from './cri';

/** A node taint as `--register-with-taints` gives it. */
export interface TaintFlag {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** The kubelet's settings from its command line, named as Kubernetes' kubelet names them. */
export interface KubeletFlags {
  /** host:port of the apiserver's gRPC API. */
  master: string;
  /** The node's name: --hostname-override, else the host name, lower-cased as the kubelet does. */
  nodeName: string;
  /** --node-ip: the address the node reports; detected when empty. */
  nodeIP: string;
  /** --root-dir: pods' volumes, managed files and plugin state live below it. */
  rootDir: string;
  /** --pod-logs-dir (the KubeletConfiguration's podLogsDir): containers' CRI log files. */
  podLogsDir: string;
  /** --container-runtime-endpoint. */
  runtimeEndpoint: string;
  /** --runtime: `remote` drives the CRI endpoint, `fake` a simulated runtime (hollow nodes). */
  runtime: 'remote' | 'fake';
  /** --pod-cidr: used when the Node object carries no spec.podCIDR. */
  podCIDR: string;
  /** --cluster-dns: the nameservers of ClusterFirst pods. */
  clusterDNS: string[];
  /** --cluster-domain. */
  clusterDomain: string;
  /** --resolv-conf: the host's resolver configuration (dnsPolicy Default). */
  resolvConf: string;
  /** --kube-reserved and --system-reserved, e.g. { cpu: '100m', memory: '256Mi' }. */
  kubeReserved: Record<string, string>;
  systemReserved: Record<string, string>;
  /** --node-labels. */
  nodeLabels: Record<string, string>;
  /** --register-with-taints. */
  registerWithTaints: TaintFlag[];
  /** --address and --port of the kubelet API (logs, exec, port-forward). */
  address: string;
  port: number;
  /** --healthz-bind-address and --healthz-port: /healthz and /metrics. */
  healthzBindAddress: string;
  healthzPort: number;
  /** --cni-conf-dir: where the kubelet writes the node's CNI conflist for the runtime. */
  cniConfDir: string;
  /** --cni-bridge-name (tskube's own): the Linux bridge of the pod network, cni0 by default. */
  cniBridgeName: string;
  /** --max-pods. */
  maxPods: number;
  /** -v: 4 and above logs debug lines. */
  verbosity: number;
}

const flagErrorBrand = Symbol.for('tskube.kubelet.FlagError');

/** A bad command line; the process exits 2 with the message, as Kubernetes' kubelet does. */
export class FlagError extends Error {
  override readonly name = 'FlagError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, flagErrorBrand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[flagErrorBrand] === true;
  }
}

/** `k1=v1,k2=v2` as Kubernetes' map flags read it; an empty string is an empty map. */
export function parseMapFlag(name: string, text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw new FlagError(`invalid argument "${text}" for "--${name}" flag: malformed pair, expect string=string`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

const taintEffects = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

/** `key[=value]:Effect,...` as `--register-with-taints` reads it. */
export function parseTaints(text: string): TaintFlag[] {
  const out: TaintFlag[] = [];
  for (const part of text.split(',')) {
    const spec = part.trim();
    if (spec === '') continue;
    const colon = spec.lastIndexOf(':');
    const effect = colon < 0 ? '' : spec.slice(colon + 1);
    if (!taintEffects.has(effect)) {
      throw new FlagError(`invalid taint spec: ${spec}, invalid taint effect: ${effect}, unsupported taint effect`);
    }
    const kv = spec.slice(0, colon);
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq);
    if (key === '') throw new FlagError(`invalid taint spec: ${spec}`);
    out.push({ key, ...(eq < 0 ? {} : { value: kv.slice(eq + 1) }), effect: effect as TaintFlag['effect'] });
  }
  return out;
}

function port(name: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new FlagError(`invalid argument "${text}" for "--${name}" flag: must be a port number`);
  return n;
}

/** Reads the kubelet's command line; throws FlagError for anything malformed. */
export function parseKubeletFlags(argv: string[], host: string = hostname()): KubeletFlags {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        master: { type: 'string', default: '127.0.0.1:6444' },
        'hostname-override': { type: 'string', default: '' },
        'node-ip': { type: 'string', default: '' },
        'root-dir': { type: 'string', default: '/var/lib/kubelet' },
        'pod-logs-dir': { type: 'string', default: '/var/log/pods' },
        'container-runtime-endpoint': { type: 'string', default: DEFAULT_RUNTIME_ENDPOINT },
        runtime: { type: 'string', default: 'remote' },
        'pod-cidr': { type: 'string', default: '' },
        'cluster-dns': { type: 'string', default: '' },
        'cluster-domain': { type: 'string', default: 'cluster.local' },
        'resolv-conf': { type: 'string', default: '/etc/resolv.conf' },
        'kube-reserved': { type: 'string', default: '' },
        'system-reserved': { type: 'string', default: '' },
        'node-labels': { type: 'string', default: '' },
        'register-with-taints': { type: 'string', default: '' },
        address: { type: 'string', default: '0.0.0.0' },
        port: { type: 'string', default: '10250' },
        'healthz-bind-address': { type: 'string', default: '127.0.0.1' },
        'healthz-port': { type: 'string', default: '10248' },
        'cni-conf-dir': { type: 'string', default: '/etc/cni/net.d' },
        'cni-bridge-name': { type: 'string', default: 'cni0' },
        'max-pods': { type: 'string', default: '110' },
        v: { type: 'string', default: '0' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new FlagError((err as Error).message, { cause: err });
  }
  const runtime = values.runtime;
  if (runtime !== 'remote' && runtime !== 'fake') throw new FlagError(`invalid argument "${runtime}" for "--runtime" flag: must be remote or fake`);
  const podCIDR = values['pod-cidr'];
  if (podCIDR !== '' && !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(podCIDR)) throw new FlagError(`invalid argument "${podCIDR}" for "--pod-cidr" flag: invalid CIDR address`);
  const clusterDNS = values['cluster-dns'].split(',').map((s) => s.trim()).filter(Boolean);
  for (const ip of clusterDNS) {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) && !ip.includes(':')) throw new FlagError(`invalid argument "${values['cluster-dns']}" for "--cluster-dns" flag: invalid IP address ${ip}`);
  }
  const maxPods = Number(values['max-pods']);
  if (!Number.isInteger(maxPods) || maxPods < 0) throw new FlagError(`invalid argument "${values['max-pods']}" for "--max-pods" flag`);
  const verbosity = Number(values.v);
  if (!Number.isInteger(verbosity) || verbosity < 0) throw new FlagError(`invalid argument "${values.v}" for "-v" flag`);
  const nodeName = (values['hostname-override'] || host).trim().toLowerCase();
  if (nodeName === '') throw new FlagError('empty node name: set --hostname-override');
  const bridge = values['cni-bridge-name'];
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) throw new FlagError(`invalid argument "${bridge}" for "--cni-bridge-name" flag: not a Linux interface name`);
  return {
    master: values.master,
    nodeName,
    nodeIP: values['node-ip'],
    rootDir: values['root-dir'],
    podLogsDir: values['pod-logs-dir'],
    runtimeEndpoint: values['container-runtime-endpoint'],
    runtime,
    podCIDR,
    clusterDNS,
    clusterDomain: values['cluster-domain'],
    resolvConf: values['resolv-conf'],
    kubeReserved: parseMapFlag('kube-reserved', values['kube-reserved']),
    systemReserved: parseMapFlag('system-reserved', values['system-reserved']),
    nodeLabels: parseMapFlag('node-labels', values['node-labels']),
    registerWithTaints: parseTaints(values['register-with-taints']),
    address: values.address,
    port: port('port', values.port),
    healthzBindAddress: values['healthz-bind-address'],
    healthzPort: port('healthz-port', values['healthz-port']),
    cniConfDir: values['cni-conf-dir'],
    cniBridgeName: bridge,
    maxPods,
    verbosity,
  };
}
