import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@tskube/component';
import { afterEach, describe, expect, it } from 'vitest';
import { CniConfigurer, cniConflist, CNI_CONFLIST_FILE } from './cni';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('CNI configuration', () => {
  it('is a bridge with host-local IPAM over the pod CIDR, masquerading, then portmap and loopback', () => {
    expect(cniConflist({ podCIDR: '10.244.1.0/24', bridge: 'cni0' })).toEqual({
      cniVersion: '0.4.0',
      name: 'tskube',
      plugins: [
        { type: 'bridge', bridge: 'cni0', isGateway: true, ipMasq: true, hairpinMode: true, ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.1.0/24' }]], routes: [{ dst: '0.0.0.0/0' }] } },
        { type: 'portmap', capabilities: { portMappings: true }, snat: true },
        { type: 'loopback' },
      ],
    });
  });

  it('writes the conflist once per content and tells the runtime the CIDR once per change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tskube-cni-'));
    dirs.push(dir);
    const calls: unknown[] = [];
    const c = new CniConfigurer({ confDir: join(dir, 'net.d'), bridge: 'br-test', runtime: { updateRuntimeConfig: async (cfg) => void calls.push(cfg) }, logger: createLogger({ component: 't', level: 'error' }) });
    await c.apply('10.1.0.0/24');
    await c.apply('10.1.0.0/24');
    expect(calls).toEqual([{ networkConfig: { podCidr: '10.1.0.0/24' } }]);
    expect(readdirSync(join(dir, 'net.d'))).toEqual([CNI_CONFLIST_FILE]);
    expect(JSON.parse(readFileSync(join(dir, 'net.d', CNI_CONFLIST_FILE), 'utf8')).plugins[0].ipam.ranges).toEqual([[{ subnet: '10.1.0.0/24' }]]);
    await c.apply('10.2.0.0/24');
    expect(calls).toHaveLength(2);
    expect(c.podCIDR).toBe('10.2.0.0/24');
  });
});
