import { describe, expect, it } from 'vitest';
import { registry } from './registry';
import { storageKey } from './storage-key';

const r = (apiVersion: string, kind: string) => registry.byApiVersionKind(apiVersion, kind)!;
const pods = r('v1', 'Pod');
const nodes = r('v1', 'Node');

describe('storageKey', () => {
  it.each([
    { case: 'namespaced object', info: pods, namespace: 'default', name: 'web', want: '/registry/pods/default/web' },
    { case: 'one namespace', info: pods, namespace: 'default', name: undefined, want: '/registry/pods/default/' },
    { case: 'every namespace', info: pods, namespace: undefined, name: undefined, want: '/registry/pods/' },
    { case: 'empty namespace means every namespace', info: pods, namespace: '', name: undefined, want: '/registry/pods/' },
    { case: 'cluster-scoped object', info: nodes, namespace: undefined, name: 'n1', want: '/registry/nodes/n1' },
    { case: 'cluster-scoped object, empty namespace', info: nodes, namespace: '', name: 'n1', want: '/registry/nodes/n1' },
    { case: 'cluster-scoped collection', info: nodes, namespace: undefined, name: undefined, want: '/registry/nodes/' },
    { case: 'grouped resource', info: r('apps/v1', 'Deployment'), namespace: 'kube-system', name: 'coredns', want: '/registry/deployments/kube-system/coredns' },
    { case: 'services', info: r('v1', 'Service'), namespace: 'default', name: 'kubernetes', want: '/registry/services/default/kubernetes' },
  ])('$case', ({ info, namespace, name, want }) => {
    expect(storageKey(info, namespace, name)).toBe(want);
  });

  it('shares keys between versions and groups that keep the same objects', () => {
    expect(storageKey(r('events.k8s.io/v1', 'Event'), 'ns', 'e')).toBe(storageKey(r('v1', 'Event'), 'ns', 'e'));
    expect(storageKey(r('autoscaling/v1', 'HorizontalPodAutoscaler'))).toBe(storageKey(r('autoscaling/v2', 'HorizontalPodAutoscaler')));
  });

  it.each([
    { name: 'virtual resource', run: () => storageKey(r('v1', 'Binding'), 'ns', 'b'), message: /not stored/ },
    { name: 'namespace on a cluster-scoped resource', run: () => storageKey(nodes, 'ns', 'n1'), message: /not namespaced/ },
    { name: 'name without a namespace', run: () => storageKey(pods, undefined, 'web'), message: /needs a namespace/ },
    { name: 'slash in a name', run: () => storageKey(pods, 'ns', 'a/b'), message: /invalid name/ },
    { name: 'dot-dot namespace', run: () => storageKey(pods, '..', 'x'), message: /invalid namespace/ },
    { name: 'empty name', run: () => storageKey(nodes, undefined, ''), message: /invalid name/ },
  ])('refuses a $name', ({ run, message }) => {
    expect(run).toThrow(message);
  });
});
