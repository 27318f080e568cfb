// The components `npm start` runs, in start order. Each later issue adds its component here once
// its app does real work; until then the launcher says which are missing.
import { join } from 'node:path';

/**
 * @param {{ root: string, dataDir: string }} ctx
 * @returns {{ name: string, command: string, args: string[], healthUrl: string, issue: number, ready: boolean, needsContainerd?: boolean }[]}
 */
export function localComponents({ root, dataDir }) {
  const app = (name) => join(root, 'dist/apps', name, 'main.js');
  return [
    {
      name: 'apiserver',
      issue: 3,
      ready: true,
      command: process.execPath,
      args: [app('apiserver'), `--data-dir=${dataDir}`, '--secure-port=6443', '--grpc-port=6444'],
      healthUrl: 'http://127.0.0.1:6443/healthz',
    },
    {
      name: 'controller-manager',
      issue: 5,
      ready: true,
      command: process.execPath,
      args: [app('controller-manager'), '--master=127.0.0.1:6444'],
      healthUrl: 'http://127.0.0.1:10257/healthz',
    },
    {
      name: 'scheduler',
      issue: 4,
      ready: true,
      command: process.execPath,
      args: [app('scheduler'), '--master=127.0.0.1:6444'],
      healthUrl: 'http://127.0.0.1:10259/healthz',
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
        '--master=127.0.0.1:6444',
        `--root-dir=${join(dataDir, 'kubelet')}`,
        `--pod-logs-dir=${join(dataDir, 'kubelet', 'pod-logs')}`,
        `--container-runtime-endpoint=unix://${join(dataDir, 'containerd', 'containerd.sock')}`,
        `--cni-conf-dir=${join(dataDir, 'cni', 'net.d')}`,
        '--pod-cidr=10.244.0.0/24',
      ],
      healthUrl: 'http://127.0.0.1:10248/healthz',
      needsContainerd: true,
    },
    {
      name: 'kube-proxy',
      issue: 7,
      ready: false,
      command: process.execPath,
      args: [app('kube-proxy'), '--master=127.0.0.1:6444'],
      healthUrl: 'http://127.0.0.1:10256/healthz',
    },
  ];
}
