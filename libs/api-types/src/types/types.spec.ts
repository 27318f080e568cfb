import type { Deployment } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  apidiscoveryv2,
  appsv1,
  autoscalingv2,
  corev1,
  KubeList,
  KubeObject,
  metav1,
  networkingv1,
  ObjectOf,
} from './index';

// These tests are checked by tsc (the lib's tsconfig includes spec files); at run time they only
// confirm that the namespaces and maps resolve to the wire types.
describe('wire types', () => {
  it('namespaces re-export kubernetes-types', () => {
    expectTypeOf<corev1.Pod>().toEqualTypeOf<Pod>();
    expectTypeOf<appsv1.Deployment>().toEqualTypeOf<Deployment>();
    expectTypeOf<metav1.ObjectMeta>().toEqualTypeOf<ObjectMeta>();
    expectTypeOf<autoscalingv2.HorizontalPodAutoscaler['spec']>().not.toBeAny();
  });

  it('ObjectOf maps apiVersion and kind to the wire type', () => {
    expectTypeOf<ObjectOf<'apps/v1', 'Deployment'>>().toEqualTypeOf<Deployment>();
    expectTypeOf<ObjectOf<'v1', 'Pod'>>().toEqualTypeOf<Pod>();
    expectTypeOf<ObjectOf<'networking.k8s.io/v1', 'ServiceCIDR'>>().toEqualTypeOf<networkingv1.ServiceCIDR>();
  });

  it('timestamps and quantities are strings, as on the wire', () => {
    expectTypeOf<NonNullable<metav1.ObjectMeta['creationTimestamp']>>().toEqualTypeOf<string>();
    expectTypeOf<NonNullable<corev1.ResourceRequirements['limits']>[string]>().toEqualTypeOf<string>();
  });

  it('adds what kubernetes-types lacks', () => {
    expectTypeOf<metav1.Table['rows'][number]['cells']>().toEqualTypeOf<unknown[]>();
    expectTypeOf<metav1.PartialObjectMetadataList['items'][number]['kind']>().toEqualTypeOf<'PartialObjectMetadata'>();
    expectTypeOf<metav1.WatchEvent<corev1.Pod>['object']>().toEqualTypeOf<corev1.Pod | metav1.Status>();
    expectTypeOf<apidiscoveryv2.APIResourceDiscovery['scope']>().toEqualTypeOf<'Cluster' | 'Namespaced'>();
    expectTypeOf<networkingv1.IPAddress['apiVersion']>().toEqualTypeOf<'networking.k8s.io/v1' | undefined>();
    expectTypeOf<corev1.PodExecOptions['command']>().toEqualTypeOf<string[]>();
  });

  it('KubeObject and KubeList hold any kind', () => {
    expectTypeOf<KubeObject['metadata']>().toEqualTypeOf<ObjectMeta>();
    expectTypeOf<KubeObject['spec']>().toEqualTypeOf<unknown>();
    expectTypeOf<KubeList<corev1.Pod>['items']>().toEqualTypeOf<corev1.Pod[]>();
  });
});
