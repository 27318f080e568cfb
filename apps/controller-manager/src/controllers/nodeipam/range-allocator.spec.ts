import type { corev1 } from '@tskube/api-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources } from '../../framework/context';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import { nodeIpamController } from './index';

describe('node IPAM (integration)', () => {
  let env: ControllerTestEnv;
  const abort = new AbortController();
  let running: Promise<void> | undefined;
  const flags = { 'allocate-node-cidrs': 'true', 'cluster-cidr': '10.10.0.0/22', 'node-cidr-mask-size': '24' };

  beforeAll(async () => {
    env = await startControllers([], flags);
    // A node that already has a CIDR before the controller starts: it must never be handed out again.
    await createNode('pre', '10.10.0.0/24');
    running = nodeIpamController.start({ ...env.ctx, signal: abort.signal });
  }, 60_000);
  afterAll(async () => {
    abort.abort();
    await running;
    await env?.stop();
  });

  const createNode = (name: string, podCIDR?: string) =>
    env.client.create(Resources.nodes, '', { apiVersion: 'v1', kind: 'Node', metadata: { name }, ...(podCIDR ? { spec: { podCIDR, podCIDRs: [podCIDR] } } : {}) });
  const cidrOf = async (name: string) => {
    const node = await env.client.get<corev1.Node>(Resources.nodes, '', name);
    return node.spec?.podCIDR && node.spec.podCIDRs?.[0] === node.spec.podCIDR ? node.spec.podCIDR : undefined;
  };

  it('gives nodes distinct CIDRs, reports exhaustion, and reuses the CIDR of a deleted node', async () => {
    for (const n of ['a', 'b', 'c']) await createNode(n);
    const got = await env.eventually(async () => {
      const cidrs = await Promise.all(['a', 'b', 'c'].map(cidrOf));
      return cidrs.every(Boolean) ? (cidrs as string[]) : undefined;
    });
    expect([...got].sort()).toEqual(['10.10.1.0/24', '10.10.2.0/24', '10.10.3.0/24']);

    await createNode('d');
    await env.eventually(async () => {
      const events = await env.client.list<corev1.Event>(Resources.events, 'default');
      return events.items.find((e) => e.reason === 'CIDRNotAvailable' && e.involvedObject.name === 'd' && e.message === 'Node d status is now: CIDRNotAvailable');
    });
    expect(await cidrOf('d')).toBeUndefined();

    const freed = await cidrOf('b');
    await env.client.delete(Resources.nodes, '', 'b');
    expect(await env.eventually(() => cidrOf('d'))).toBe(freed);
    expect(await cidrOf('pre')).toBe('10.10.0.0/24');
  });
});
