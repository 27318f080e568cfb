/** Nodes: NAME STATUS ROLES AGE VERSION | INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME (printNode). */
import type { corev1 } from '@tskube/api-types';
import { fieldDocs } from '../descriptions';
import { timestampSince } from '../duration';
import { NONE, UNKNOWN, sortedSet } from '../format';
import { ageColumn, column, nameColumn, printer, wide, type RowContext } from '../printer';

const columns = [
  nameColumn,
  column('Status', 'string', 'The status of the node'),
  column('Roles', 'string', 'The roles of the node'),
  ageColumn,
  column('Version', 'string', fieldDocs.kubeletVersion),
  wide('Internal-IP', 'string', fieldDocs.nodeAddresses),
  wide('External-IP', 'string', fieldDocs.nodeAddresses),
  wide('OS-Image', 'string', fieldDocs.osImage),
  wide('Kernel-Version', 'string', fieldDocs.kernelVersion),
  wide('Container-Runtime', 'string', fieldDocs.containerRuntimeVersion),
];

const ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';
const LEGACY_ROLE_LABEL = 'kubernetes.io/role';

/** Ready, NotReady or Unknown (no Ready condition), then SchedulingDisabled when cordoned. */
export function nodeStatus(node: corev1.Node): string {
  // The last Ready condition wins, as Kubernetes reads them into a map.
  const ready = (node.status?.conditions ?? []).filter((c) => c.type === 'Ready').at(-1);
  const status = [ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

/** findNodeRoles: `node-role.kubernetes.io/<role>` label keys and the legacy `kubernetes.io/role=<role>`, sorted. */
export function nodeRoles(node: corev1.Node): string[] {
  const roles: string[] = [];
  for (const [key, value] of Object.entries(node.metadata?.labels ?? {})) {
    if (key.startsWith(ROLE_LABEL_PREFIX)) {
      const role = key.slice(ROLE_LABEL_PREFIX.length);
      if (role) roles.push(role);
    } else if (key === LEGACY_ROLE_LABEL && value !== '') {
      roles.push(value);
    }
  }
  return sortedSet(roles);
}

const address = (node: corev1.Node, type: string): string => node.status?.addresses?.find((a) => a.type === type)?.address ?? NONE;

function nodeRow(node: corev1.Node, ctx: RowContext): unknown[] {
  const info = node.status?.nodeInfo;
  const roles = nodeRoles(node).join(',');
  return [
    node.metadata?.name ?? '',
    nodeStatus(node),
    roles || NONE,
    timestampSince(node.metadata?.creationTimestamp, ctx.now),
    info?.kubeletVersion ?? '',
    address(node, 'InternalIP'),
    address(node, 'ExternalIP'),
    info?.osImage || UNKNOWN,
    info?.kernelVersion || UNKNOWN,
    info?.containerRuntimeVersion || UNKNOWN,
  ];
}

export const nodePrinter = printer<corev1.Node>(columns, nodeRow);
