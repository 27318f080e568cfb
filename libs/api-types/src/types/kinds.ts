import type * as appsv1 from 'kubernetes-types/apps/v1';
import type * as authenticationv1 from 'kubernetes-types/authentication/v1';
import type * as autoscalingv1 from 'kubernetes-types/autoscaling/v1';
import type * as autoscalingv2 from 'kubernetes-types/autoscaling/v2';
import type * as batchv1 from 'kubernetes-types/batch/v1';
import type * as coordinationv1 from 'kubernetes-types/coordination/v1';
import type * as discoveryv1 from 'kubernetes-types/discovery/v1';
import type * as eventsv1 from 'kubernetes-types/events/v1';
import type * as policyv1 from 'kubernetes-types/policy/v1';
import type * as rbacv1 from 'kubernetes-types/rbac/v1';
import type * as schedulingv1 from 'kubernetes-types/scheduling/v1';
import type * as storagev1 from 'kubernetes-types/storage/v1';
import type * as corev1 from './corev1';
import type * as networkingv1 from './networkingv1';

/**
 * The wire type of every kind the resource registry serves, by apiVersion and kind: the registry's
 * table only compiles when each of its kinds (resources and subresources) has an entry here.
 */
export interface KindMap {
  v1: {
    Binding: corev1.Binding;
    ComponentStatus: corev1.ComponentStatus;
    ConfigMap: corev1.ConfigMap;
    Endpoints: corev1.Endpoints;
    Event: corev1.Event;
    LimitRange: corev1.LimitRange;
    Namespace: corev1.Namespace;
    Node: corev1.Node;
    NodeProxyOptions: corev1.NodeProxyOptions;
    PersistentVolume: corev1.PersistentVolume;
    PersistentVolumeClaim: corev1.PersistentVolumeClaim;
    Pod: corev1.Pod;
    PodAttachOptions: corev1.PodAttachOptions;
    PodExecOptions: corev1.PodExecOptions;
    PodLogOptions: corev1.PodLogOptions;
    PodPortForwardOptions: corev1.PodPortForwardOptions;
    PodProxyOptions: corev1.PodProxyOptions;
    PodTemplate: corev1.PodTemplate;
    ReplicationController: corev1.ReplicationController;
    ResourceQuota: corev1.ResourceQuota;
    Secret: corev1.Secret;
    Service: corev1.Service;
    ServiceAccount: corev1.ServiceAccount;
    ServiceProxyOptions: corev1.ServiceProxyOptions;
  };
  'apps/v1': {
    ControllerRevision: appsv1.ControllerRevision;
    DaemonSet: appsv1.DaemonSet;
    Deployment: appsv1.Deployment;
    ReplicaSet: appsv1.ReplicaSet;
    StatefulSet: appsv1.StatefulSet;
  };
  'authentication.k8s.io/v1': {
    TokenRequest: authenticationv1.TokenRequest;
  };
  'autoscaling/v1': {
    HorizontalPodAutoscaler: autoscalingv1.HorizontalPodAutoscaler;
    Scale: autoscalingv1.Scale;
  };
  'autoscaling/v2': {
    HorizontalPodAutoscaler: autoscalingv2.HorizontalPodAutoscaler;
  };
  'batch/v1': {
    CronJob: batchv1.CronJob;
    Job: batchv1.Job;
  };
  'coordination.k8s.io/v1': {
    Lease: coordinationv1.Lease;
  };
  'discovery.k8s.io/v1': {
    EndpointSlice: discoveryv1.EndpointSlice;
  };
  'events.k8s.io/v1': {
    Event: eventsv1.Event;
  };
  'networking.k8s.io/v1': {
    IPAddress: networkingv1.IPAddress;
    Ingress: networkingv1.Ingress;
    IngressClass: networkingv1.IngressClass;
    NetworkPolicy: networkingv1.NetworkPolicy;
    ServiceCIDR: networkingv1.ServiceCIDR;
  };
  'policy/v1': {
    Eviction: policyv1.Eviction;
    PodDisruptionBudget: policyv1.PodDisruptionBudget;
  };
  'rbac.authorization.k8s.io/v1': {
    ClusterRole: rbacv1.ClusterRole;
    ClusterRoleBinding: rbacv1.ClusterRoleBinding;
    Role: rbacv1.Role;
    RoleBinding: rbacv1.RoleBinding;
  };
  'scheduling.k8s.io/v1': {
    PriorityClass: schedulingv1.PriorityClass;
  };
  'storage.k8s.io/v1': {
    CSIDriver: storagev1.CSIDriver;
    CSINode: storagev1.CSINode;
    CSIStorageCapacity: storagev1.CSIStorageCapacity;
    StorageClass: storagev1.StorageClass;
    VolumeAttachment: storagev1.VolumeAttachment;
  };
}

/** An apiVersion the registry knows a typed kind for: `v1`, `apps/v1`, ... */
export type KnownApiVersion = keyof KindMap;

/** The kinds typed for one apiVersion. */
export type KnownKind<A extends KnownApiVersion> = keyof KindMap[A] & string;

/** The wire type of a kind: `ObjectOf<'apps/v1', 'Deployment'>` is `appsv1.Deployment`. */
export type ObjectOf<A extends KnownApiVersion, K extends KnownKind<A>> = KindMap[A][K];
