import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@tskube/component';
import type { RuntimeService } from '../cri';

/** The name of the node's pod network, its conflist's `name`. */
export const CNI_NETWORK_NAME = 'tskube';
/** The file the kubelet owns in the CNI conf dir; the lowest-sorting file is the one the runtime loads. */
export const CNI_CONFLIST_FILE = '10-tskube.conflist';

export interface CniConfigOptions {
  /** The node's pod CIDR (Node spec.podCIDR, else --pod-cidr). */
  podCIDR: string;
  /** The Linux bridge pods attach to; cni0 by default. */
  bridge: string;
  /** Where host-local keeps its allocations; its default (/var/lib/cni/networks) when undefined. */
  ipamDataDir?: string;
}

/**
 * The node's CNI network: the bridge plugin on one Linux bridge that is the pods' gateway, with
 * host-local IPAM over the pod CIDR and masquerading of traffic leaving it, then portmap for
 * hostPorts and loopback. Pods on the node reach each other through the bridge.
 */
export function cniConflist(options: CniConfigOptions): object {
  return {
    cniVersion: '0.4.0',
    name: CNI_NETWORK_NAME,
    plugins: [
      {
        type: 'bridge',
        bridge: options.bridge,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: options.podCIDR }]],
          routes: [{ dst: '0.0.0.0/0' }],
          ...(options.ipamDataDir ? { dataDir: options.ipamDataDir } : {}),
        },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
      { type: 'loopback' },
    ],
  };
}

/**
 * Keeps the runtime's pod network in line with the node's pod CIDR: writes the conflist (only when
 * its content changes, atomically, so the runtime never loads half a file) and tells the runtime
 * the CIDR through UpdateRuntimeConfig, as the kubelet does when the Node's podCIDR is set.
 */
export class CniConfigurer {
  private current: string | undefined;

  constructor(private readonly opts: { confDir: string; bridge: string; ipamDataDir?: string; runtime: Pick<RuntimeService, 'updateRuntimeConfig'>; logger: Logger }) {}

  /** The pod CIDR last applied. */
  get podCIDR(): string | undefined {
    return this.current;
  }

  /** Applies `podCIDR`; idempotent. */
  async apply(podCIDR: string): Promise<void> {
    const path = join(this.opts.confDir, CNI_CONFLIST_FILE);
    const text = `${JSON.stringify(cniConflist({ podCIDR, bridge: this.opts.bridge, ...(this.opts.ipamDataDir ? { ipamDataDir: this.opts.ipamDataDir } : {}) }), null, 2)}\n`;
    const existing = await readFile(path, 'utf8').catch(() => undefined);
    if (existing !== text) {
      await mkdir(this.opts.confDir, { recursive: true });
      const tmp = join(this.opts.confDir, `.${CNI_CONFLIST_FILE}.tmp`);
      await writeFile(tmp, text);
      await rename(tmp, path);
      this.opts.logger.info('wrote CNI configuration', { path, podCIDR, bridge: this.opts.bridge });
    }
    if (this.current !== podCIDR) {
      await this.opts.runtime.updateRuntimeConfig({ networkConfig: { podCidr: podCIDR } });
      this.current = podCIDR;
    }
  }
}
