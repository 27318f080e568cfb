import protobuf from 'protobufjs';
import { messages } from './descriptor';

/**
 * Which kinds arrive as protobuf, by API group version, and the proto package holding them: the
 * objects kubectl's generator commands build (`create namespace|configmap|secret|deployment|
 * service|serviceaccount|quota|job|cronjob|role|rolebinding|clusterrole|clusterrolebinding|
 * priorityclass|poddisruptionbudget|ingress|token`, `auth can-i|whoami`, `autoscale`, `drain`,
 * `certificate approve`, `debug node/...`). Every other body kubectl sends is JSON.
 */
export const protobufKinds: Readonly<Record<string, { package: string; kinds: readonly string[] }>> = {
  v1: {
    package: 'k8s.io.api.core.v1',
    kinds: ['ConfigMap', 'Namespace', 'Pod', 'ResourceQuota', 'Secret', 'Service', 'ServiceAccount'],
  },
  'apps/v1': { package: 'k8s.io.api.apps.v1', kinds: ['Deployment'] },
  'batch/v1': { package: 'k8s.io.api.batch.v1', kinds: ['CronJob', 'Job'] },
  'rbac.authorization.k8s.io/v1': {
    package: 'k8s.io.api.rbac.v1',
    kinds: ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
  },
  'policy/v1': { package: 'k8s.io.api.policy.v1', kinds: ['Eviction', 'PodDisruptionBudget'] },
  'networking.k8s.io/v1': { package: 'k8s.io.api.networking.v1', kinds: ['Ingress'] },
  'scheduling.k8s.io/v1': { package: 'k8s.io.api.scheduling.v1', kinds: ['PriorityClass'] },
  'authorization.k8s.io/v1': {
    package: 'k8s.io.api.authorization.v1',
    kinds: ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview'],
  },
  'authentication.k8s.io/v1': {
    package: 'k8s.io.api.authentication.v1',
    kinds: ['SelfSubjectReview', 'TokenRequest', 'TokenReview'],
  },
  'autoscaling/v1': { package: 'k8s.io.api.autoscaling.v1', kinds: ['HorizontalPodAutoscaler'] },
  'autoscaling/v2': { package: 'k8s.io.api.autoscaling.v2', kinds: ['HorizontalPodAutoscaler'] },
  'certificates.k8s.io/v1': { package: 'k8s.io.api.certificates.v1', kinds: ['CertificateSigningRequest'] },
};

const deleteOptions = 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions';

/**
 * The full proto message name for an object of `kind` in `apiVersion`, or undefined when it has
 * none here. DeleteOptions is accepted in every group version, as Kubernetes registers it in each.
 */
export function messageNameFor(apiVersion: string, kind: string): string | undefined {
  if (kind === 'DeleteOptions' && apiVersion) return deleteOptions;
  if (!Object.hasOwn(protobufKinds, apiVersion)) return undefined;
  const gv = protobufKinds[apiVersion];
  return gv.kinds.includes(kind) ? `${gv.package}.${kind}` : undefined;
}

let root: protobuf.Root | undefined;

/**
 * The message type named `fullName` (`k8s.io.api.core.v1.Pod`). The schema is built on first use
 * and shared afterwards; throws when the name is not in the descriptor.
 */
export function messageType(fullName: string): protobuf.Type {
  root ??= buildRoot();
  return root.lookupType(fullName);
}

function buildRoot(): protobuf.Root {
  const r = new protobuf.Root();
  for (const [fullName, json] of Object.entries(messages)) {
    const dot = fullName.lastIndexOf('.');
    r.define(fullName.slice(0, dot)).add(protobuf.Type.fromJSON(fullName.slice(dot + 1), json));
  }
  // Resolves every field's type now, so a broken reference fails here rather than mid-request.
  r.resolveAll();
  return r;
}
