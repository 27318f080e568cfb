export interface ClusterPorts {
  apiserver: number;
  apiserverGrpc: number;
  controllerManager: number;
  scheduler: number;
  kubeletHealthz: number;
  kubelet: number;
}

export interface ClusterNetwork {
  /** The controller-manager's --cluster-cidr, from which nodeipam gives the node its pod CIDR. */
  clusterCIDR: string;
  /** The kubelet's --pod-cidr, used until the Node carries its own. */
  podCIDR: string;
  /** The Linux bridge of the pod network (the kubelet's --cni-bridge-name). */
  bridge: string;
}

/** One process `npm start` runs; `ready: false` means its app is not implemented yet. */
export interface LocalComponent {
  name: string;
  command: string;
  args: string[];
  healthUrl: string;
  issue: number;
  ready: boolean;
  needsContainerd?: boolean;
}

export declare const DEFAULT_PORTS: Readonly<ClusterPorts>;
export declare const DEFAULT_NETWORK: Readonly<ClusterNetwork>;

/** The components `npm start` runs, in start order, with Kubernetes' default ports unless `ports` says otherwise. */
export declare function localComponents(ctx: { root: string; dataDir: string; ports?: Partial<ClusterPorts>; network?: Partial<ClusterNetwork> }): LocalComponent[];
