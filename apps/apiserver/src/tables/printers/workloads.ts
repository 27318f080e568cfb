/**
 * Workload controllers and their templates: Deployments, ReplicaSets, ReplicationControllers,
 * StatefulSets, DaemonSets, PodTemplates and ControllerRevisions.
 */
import type { appsv1, corev1 } from '@tskube/api-types';
import { fieldDocs } from '../descriptions';
import { timestampSince } from '../duration';
import { NONE, containerCells, formatLabelSelector, formatLabels, selectorString } from '../format';
import { ageColumn, column, containersDoc, imagesDoc, nameColumn, printer, wide, type RowContext } from '../printer';

/** Replicas default to 1 (the objects reach storage defaulted; this covers ones that did not). */
const replicas = (n: number | undefined): number => n ?? 1;
const age = (obj: { metadata?: { creationTimestamp?: string } }, ctx: RowContext): string => timestampSince(obj.metadata?.creationTimestamp, ctx.now);

const deploymentColumns = [
  nameColumn,
  column('Ready', 'string', 'Number of the pod with ready state'),
  column('Up-to-date', 'string', fieldDocs.deployUpdated),
  column('Available', 'string', fieldDocs.deployAvailable),
  ageColumn,
  wide('Containers', 'string', containersDoc),
  wide('Images', 'string', imagesDoc),
  wide('Selector', 'string', fieldDocs.deploySelector),
];

export const deploymentPrinter = printer<appsv1.Deployment>(deploymentColumns, (d, ctx) => {
  const status = d.status ?? {};
  const [names, images] = containerCells(d.spec?.template?.spec?.containers);
  return [
    d.metadata?.name ?? '',
    `${status.readyReplicas ?? 0}/${replicas(d.spec?.replicas)}`,
    status.updatedReplicas ?? 0,
    status.availableReplicas ?? 0,
    age(d, ctx),
    names,
    images,
    selectorString(d.spec?.selector),
  ];
});

const replicaSetColumns = [
  nameColumn,
  column('Desired', 'integer', fieldDocs.rsSpecReplicas),
  column('Current', 'integer', fieldDocs.rsStatusReplicas),
  column('Ready', 'integer', fieldDocs.rsReadyReplicas),
  ageColumn,
  wide('Containers', 'string', containersDoc),
  wide('Images', 'string', imagesDoc),
  wide('Selector', 'string', fieldDocs.rsSelector),
];

export const replicaSetPrinter = printer<appsv1.ReplicaSet>(replicaSetColumns, (rs, ctx) => {
  const [names, images] = containerCells(rs.spec?.template?.spec?.containers);
  return [
    rs.metadata?.name ?? '',
    replicas(rs.spec?.replicas),
    rs.status?.replicas ?? 0,
    rs.status?.readyReplicas ?? 0,
    age(rs, ctx),
    names,
    images,
    formatLabelSelector(rs.spec?.selector),
  ];
});

const replicationControllerColumns = [
  nameColumn,
  column('Desired', 'integer', fieldDocs.rcSpecReplicas),
  column('Current', 'integer', fieldDocs.rcStatusReplicas),
  column('Ready', 'integer', fieldDocs.rcReadyReplicas),
  ageColumn,
  wide('Containers', 'string', containersDoc),
  wide('Images', 'string', imagesDoc),
  wide('Selector', 'string', fieldDocs.rcSelector),
];

export const replicationControllerPrinter = printer<corev1.ReplicationController>(replicationControllerColumns, (rc, ctx) => {
  const [names, images] = containerCells(rc.spec?.template?.spec?.containers);
  return [
    rc.metadata?.name ?? '',
    replicas(rc.spec?.replicas),
    rc.status?.replicas ?? 0,
    rc.status?.readyReplicas ?? 0,
    age(rc, ctx),
    names,
    images,
    formatLabels(rc.spec?.selector),
  ];
});

const statefulSetColumns = [
  nameColumn,
  column('Ready', 'string', 'Number of the pod with ready state'),
  ageColumn,
  wide('Containers', 'string', containersDoc),
  wide('Images', 'string', imagesDoc),
];

export const statefulSetPrinter = printer<appsv1.StatefulSet>(statefulSetColumns, (sts, ctx) => {
  const [names, images] = containerCells(sts.spec?.template?.spec?.containers);
  return [sts.metadata?.name ?? '', `${sts.status?.readyReplicas ?? 0}/${replicas(sts.spec?.replicas)}`, age(sts, ctx), names, images];
});

const daemonSetColumns = [
  nameColumn,
  column('Desired', 'integer', fieldDocs.dsDesired),
  column('Current', 'integer', fieldDocs.dsCurrent),
  column('Ready', 'integer', fieldDocs.dsReady),
  column('Up-to-date', 'integer', fieldDocs.dsUpdated),
  column('Available', 'integer', fieldDocs.dsAvailable),
  column('Node Selector', 'string', fieldDocs.podNodeSelector),
  ageColumn,
  wide('Containers', 'string', containersDoc),
  wide('Images', 'string', imagesDoc),
  wide('Selector', 'string', fieldDocs.dsSelector),
];

export const daemonSetPrinter = printer<appsv1.DaemonSet>(daemonSetColumns, (ds, ctx) => {
  const status = ds.status;
  const [names, images] = containerCells(ds.spec?.template?.spec?.containers);
  return [
    ds.metadata?.name ?? '',
    status?.desiredNumberScheduled ?? 0,
    status?.currentNumberScheduled ?? 0,
    status?.numberReady ?? 0,
    status?.updatedNumberScheduled ?? 0,
    status?.numberAvailable ?? 0,
    formatLabels(ds.spec?.template?.spec?.nodeSelector),
    age(ds, ctx),
    names,
    images,
    formatLabelSelector(ds.spec?.selector),
  ];
});

const podTemplateColumns = [
  nameColumn,
  column('Containers', 'string', containersDoc),
  column('Images', 'string', imagesDoc),
  column('Pod Labels', 'string', 'The labels for the pod template.'),
];

export const podTemplatePrinter = printer<corev1.PodTemplate>(podTemplateColumns, (pt) => {
  const [names, images] = containerCells(pt.template?.spec?.containers);
  return [pt.metadata?.name ?? '', names, images, formatLabels(pt.template?.metadata?.labels)];
});

const controllerRevisionColumns = [
  nameColumn,
  column('Controller', 'string', 'Controller of the object'),
  column('Revision', 'string', fieldDocs.crRevision),
  ageColumn,
];

/** `kind.group/name` of the controlling owner, lower-cased (`daemonset.apps/fluentd`), or `<none>`. */
export function controllerName(owners: ReadonlyArray<{ apiVersion: string; kind: string; name: string; controller?: boolean }> | undefined): string {
  const ref = owners?.find((o) => o.controller === true);
  if (!ref) return NONE;
  const slash = ref.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  if (!ref.kind && !group) return ref.name;
  return `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
}

export const controllerRevisionPrinter = printer<appsv1.ControllerRevision>(controllerRevisionColumns, (cr, ctx) => [
  cr.metadata?.name ?? '',
  controllerName(cr.metadata?.ownerReferences),
  cr.revision ?? 0,
  age(cr, ctx),
]);
