/** RoleBindings and ClusterRoleBindings: NAME ROLE AGE | USERS GROUPS SERVICEACCOUNTS. Roles print the default table. */
import type { rbacv1 } from '@tskube/api-types';
import { fieldDocs } from '../descriptions';
import { timestampSince } from '../duration';
import { ageColumn, column, nameColumn, printer, wide, type RowContext } from '../printer';

/** rbac.SubjectsStrings: user names, group names and `namespace/name` of service accounts. */
export function subjectsStrings(subjects: readonly rbacv1.Subject[] | null | undefined): [users: string[], groups: string[], serviceAccounts: string[]] {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === 'ServiceAccount') serviceAccounts.push(`${s.namespace ?? ''}/${s.name}`);
    else if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
  }
  return [users, groups, serviceAccounts];
}

function bindingColumns(kind: 'roleBinding' | 'clusterRoleBinding') {
  return [
    nameColumn,
    column('Role', 'string', kind === 'roleBinding' ? fieldDocs.roleBindingRoleRef : fieldDocs.clusterRoleBindingRoleRef),
    ageColumn,
    wide('Users', 'string', `Users in the ${kind}`),
    wide('Groups', 'string', `Groups in the ${kind}`),
    wide('ServiceAccounts', 'string', `ServiceAccounts in the ${kind}`),
  ];
}

function bindingRow(b: rbacv1.RoleBinding | rbacv1.ClusterRoleBinding, ctx: RowContext): unknown[] {
  const [users, groups, serviceAccounts] = subjectsStrings(b.subjects);
  return [
    b.metadata?.name ?? '',
    `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`,
    timestampSince(b.metadata?.creationTimestamp, ctx.now),
    users.join(', '),
    groups.join(', '),
    serviceAccounts.join(', '),
  ];
}

export const roleBindingPrinter = printer<rbacv1.RoleBinding>(bindingColumns('roleBinding'), bindingRow);
export const clusterRoleBindingPrinter = printer<rbacv1.ClusterRoleBinding>(bindingColumns('clusterRoleBinding'), bindingRow);
