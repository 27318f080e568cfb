// The components `npm start` runs, in start order. Each later issue adds its component here once
// its app does real work; until then the launcher says which are missing.
import { join } from 'node:path';

/** The ports `npm start` uses: Kubernetes' defaults (see the shared ARCHITECTURE's port table). */
export const DEFAULT_PORTS = Object.freeze({ apiserver: 6443, apiserverGrpc: 6444, controllerManager: 10257, scheduler: 10259, kubeletHealthz: 10248, kubelet: 10250 });

/** The pod network: nodeipam's cluster CIDR, the first node's /24 of it, and the Linux bridge. */
export const DEFAULT_NETWORK = Object.freeze({ clusterCIDR: '10.244.0.0/16', podCIDR: '10.244.0.0/24', bridge: 'cni0' });

/**
 * `ports` and `network` override the defaults, so that a test can run a whole cluster beside
 * another one on the same machine.
 * @param {{ root: string, dataDir: string, ports?: Partial<typeof DEFAULT_PORTS>, network?: Partial<typeof DEFAULT_NETWORK> }} ctx
 * @returns {{ name: string, command: string, args: string[], healthUrl: string, issue: number, ready: boolean, needsContainerd?: boolean }[]}
 */
export function localComponents({ root, dataDir, ports = {}, network = {} }) {
  const app = (name) => join(root, 'dist/apps', name, 'main.js');
  const p = { ...DEFAULT_PORTS, ...ports };
  const net = { ...DEFAULT_NETWORK, ...network };
  const master = `--master=127.0.0.1:${p.apiserverGrpc}`;
  return [
    {
      name: 'apiserver',
      issue: 3,
      ready: true,
      command: process.execPath,
      args: [app('apiserver'), `--data-dir=${dataDir}`, `--secure-port=${p.apiserver}`, `--grpc-port=${p.apiserverGrpc}`],
      healthUrl: `http://127.0.0.1:${p.apiserver}/healthz`,
    },
    {
      name: 'controller-manager',
      issue: 5,
      ready: true,
      command: process.execPath,
      args: [app('controller-manager'), master, `--secure-port=${p.controllerManager}`, `--cluster-cidr=${net.clusterCIDR}`],
      healthUrl: `http://127.0.0.1:${p.controllerManager}/healthz`,
    },
    {
      name: 'scheduler',
      issue: 4,
      ready: true,
      command: process.execPath,
      args: [app('scheduler'), master, `--secure-port=${p.scheduler}`],
      healthUrl: `http://127.0.0.1:${p.scheduler}/healthz`,
    },
    {
      name: 'kubelet',
      issue: 6,
      ready: true,
      command: process.execPath,
      // The containerd npm start runs (or finds) under the data directory; the node's name is the
      // host name. --pod-cidr is the range nodeipam gives the first node of --cluster-cidr, used
      // until the Node carries its own.
      args: [
        app('kubelet'),
        master,
        `--healthz-port=${p.kubeletHealthz}`,
        `--port=${p.kubelet}`,
        `--root-dir=${join(dataDir, 'kubelet')}`,
        `--pod-logs-dir=${join(dataDir, 'kubelet', 'pod-logs')}`,
        `--container-runtime-endpoint=unix://${join(dataDir, 'containerd', 'containerd.sock')}`,
        `--cni-conf-dir=${join(dataDir, 'cni', 'net.d')}`,
        `--pod-cidr=${net.podCIDR}`,
        `--cni-bridge-name=${net.bridge}`,
      ],
      healthUrl: `http://127.0.0.1:${p.kubeletHealthz}/healthz`,
      needsContainerd: true,
    },
    {
      name: 'kube-proxy',
      issue: 7,
      ready: false,
      command: process.execPath,
      args: [app('kube-proxy'), master],
      healthUrl: 'http://127.0.0.1:10256/healthz',
    },
  ];
}
