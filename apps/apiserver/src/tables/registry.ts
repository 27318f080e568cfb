/**
 * Which printer prints which resource, keyed by group and resource as kube-apiserver registers its
 * TableConvertors. Anything not listed gets the default NAME / CREATED AT table.
 */
import type { Printer } from './printer';
import { horizontalPodAutoscalerPrinter } from './printers/autoscaling';
import { cronJobPrinter, jobPrinter } from './printers/batch';
import { componentStatusPrinter, configMapPrinter, namespacePrinter, resourceQuotaPrinter, secretPrinter, serviceAccountPrinter } from './printers/core';
import { defaultPrinter } from './printers/default';
import { eventPrinter } from './printers/event';
import { leasePrinter } from './printers/lease';
import { ingressClassPrinter, ingressPrinter, ipAddressPrinter, networkPolicyPrinter, serviceCIDRPrinter } from './printers/networking';
import { nodePrinter } from './printers/node';
import { podPrinter } from './printers/pod';
import { podDisruptionBudgetPrinter, priorityClassPrinter } from './printers/policy';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './printers/rbac';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './printers/service';
import {
  csiDriverPrinter,
  csiNodePrinter,
  csiStorageCapacityPrinter,
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  storageClassPrinter,
  volumeAttachmentPrinter,
} from './printers/storage';
import {
  controllerRevisionPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  podTemplatePrinter,
  replicaSetPrinter,
  replicationControllerPrinter,
  statefulSetPrinter,
} from './printers/workloads';

const printers: ReadonlyMap<string, Printer> = new Map<string, Printer>([
  ['/pods', podPrinter],
  ['/podtemplates', podTemplatePrinter],
  ['/replicationcontrollers', replicationControllerPrinter],
  ['/services', servicePrinter],
  ['/endpoints', endpointsPrinter],
  ['/nodes', nodePrinter],
  ['/events', eventPrinter],
  ['/namespaces', namespacePrinter],
  ['/secrets', secretPrinter],
  ['/serviceaccounts', serviceAccountPrinter],
  ['/persistentvolumes', persistentVolumePrinter],
  ['/persistentvolumeclaims', persistentVolumeClaimPrinter],
  ['/componentstatuses', componentStatusPrinter],
  ['/configmaps', configMapPrinter],
  ['/resourcequotas', resourceQuotaPrinter],
  ['apps/deployments', deploymentPrinter],
  ['apps/replicasets', replicaSetPrinter],
  ['apps/statefulsets', statefulSetPrinter],
  ['apps/daemonsets', daemonSetPrinter],
  ['apps/controllerrevisions', controllerRevisionPrinter],
  ['events.k8s.io/events', eventPrinter],
  ['autoscaling/horizontalpodautoscalers', horizontalPodAutoscalerPrinter],
  ['batch/jobs', jobPrinter],
  ['batch/cronjobs', cronJobPrinter],
  ['networking.k8s.io/ingresses', ingressPrinter],
  ['networking.k8s.io/ingressclasses', ingressClassPrinter],
  ['networking.k8s.io/networkpolicies', networkPolicyPrinter],
  ['networking.k8s.io/servicecidrs', serviceCIDRPrinter],
  ['networking.k8s.io/ipaddresses', ipAddressPrinter],
  ['policy/poddisruptionbudgets', podDisruptionBudgetPrinter],
  ['rbac.authorization.k8s.io/rolebindings', roleBindingPrinter],
  ['rbac.authorization.k8s.io/clusterrolebindings', clusterRoleBindingPrinter],
  ['storage.k8s.io/storageclasses', storageClassPrinter],
  ['storage.k8s.io/csidrivers', csiDriverPrinter],
  ['storage.k8s.io/csinodes', csiNodePrinter],
  ['storage.k8s.io/csistoragecapacities', csiStorageCapacityPrinter],
  ['storage.k8s.io/volumeattachments', volumeAttachmentPrinter],
  ['scheduling.k8s.io/priorityclasses', priorityClassPrinter],
  ['coordination.k8s.io/leases', leasePrinter],
  ['discovery.k8s.io/endpointslices', endpointSlicePrinter],
]);

/** The printer for a group's resource (`""` is the core group); the default table for anything else. */
export function printerFor(resource: { group: string; resource: string }): Printer {
  return printers.get(`${resource.group}/${resource.resource}`) ?? defaultPrinter;
}

/** Whether the resource has a printer of its own rather than the default table. */
export function hasPrinter(resource: { group: string; resource: string }): boolean {
  return printers.has(`${resource.group}/${resource.resource}`);
}

/** Every `group/resource` with a printer of its own (`/pods` for the core group). */
export function printedResources(): string[] {
  return [...printers.keys()];
}
