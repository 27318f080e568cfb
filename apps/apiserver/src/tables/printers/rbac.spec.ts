import { describe, expect, it } from 'vitest';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './rbac';

const now = new Date('2025-01-01T12:00:00Z');
const ctx = { now, group: '' };
const metadata = { name: 'x', creationTimestamp: '2025-01-01T11:00:00Z' };

describe('role bindings', () => {
  const subjects = [
    { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' },
    { kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' },
    { kind: 'ServiceAccount', name: 'ci', namespace: 'build' },
    { kind: 'User', name: 'bob', apiGroup: 'rbac.authorization.k8s.io' },
  ];
  it('splits subjects by kind', () => {
    expect(roleBindingPrinter.row({ metadata, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'edit' }, subjects }, ctx).cells).toEqual([
      'x',
      'Role/edit',
      '60m',
      'alice, bob',
      'devs',
      'build/ci',
    ]);
    expect(clusterRoleBindingPrinter.row({ metadata, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } }, ctx).cells).toEqual([
      'x',
      'ClusterRole/view',
      '60m',
      '',
      '',
      '',
    ]);
  });
});
