import { StatusReason, hasReason, type KubeObject } from '@tskube/api-types';
import type { GroupVersionResource } from '@tskube/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllers, type ControllerTestEnv } from '../../framework/testing';
import { serviceAccountController } from './index';

const namespaces: GroupVersionResource = { group: '', version: 'v1', resource: 'namespaces' };
const serviceaccounts: GroupVersionResource = { group: '', version: 'v1', resource: 'serviceaccounts' };

let env: ControllerTestEnv;

beforeAll(async () => {
  env = await startControllers([serviceAccountController]);
});

afterAll(async () => {
  await env?.stop();
});

async function defaultAccount(namespace: string): Promise<KubeObject | undefined> {
  try {
    return await env.client.get<KubeObject>(serviceaccounts, namespace, 'default');
  } catch (err) {
    if (hasReason(err, StatusReason.NotFound)) return undefined;
    throw err;
  }
}

describe('serviceaccount controller', () => {
  it.each(['default', 'kube-system', 'kube-public', 'kube-node-lease'])('gives the system namespace %s a default account', async (ns) => {
    await env.eventually(() => defaultAccount(ns));
  });

  it('creates a default account in a new namespace', async () => {
    await env.client.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    const sa = await env.eventually(() => defaultAccount('team-a'));
    expect(sa.metadata.namespace).toBe('team-a');
  });

  it('creates the default account again when it is deleted', async () => {
    await env.client.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } });
    const first = await env.eventually(() => defaultAccount('team-b'));
    await env.client.delete(serviceaccounts, 'team-b', 'default');
    const second = await env.eventually(async () => {
      const sa = await defaultAccount('team-b');
      return sa && sa.metadata.uid !== first.metadata.uid ? sa : undefined;
    });
    expect(second.metadata.name).toBe('default');
  });

  it('creates nothing in a namespace that is terminating', async () => {
    await env.client.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'leaving' } });
    await env.eventually(() => defaultAccount('leaving'));
    // No namespace controller runs here: the namespace stays Terminating.
    await env.client.delete(namespaces, '', 'leaving');
    await env.client.delete(serviceaccounts, 'leaving', 'default');
    await new Promise((r) => setTimeout(r, 500));
    expect(await defaultAccount('leaving')).toBeUndefined();
  });
});
