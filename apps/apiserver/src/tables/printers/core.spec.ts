import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { componentStatusPrinter, configMapPrinter, namespacePrinter, quotaColumns, resourceQuotaPrinter, secretPrinter, serviceAccountPrinter } from './core';

const now = new Date('2025-01-01T12:00:00Z');
const ctx = { now, group: '' };
const metadata = { name: 'x', namespace: 'default', creationTimestamp: '2024-11-17T12:00:00Z' };

describe('core rows', () => {
  it.each([
    { name: 'namespace', row: () => namespacePrinter.row({ metadata, status: { phase: 'Active' } }, ctx), want: ['x', 'Active', '45d'] },
    { name: 'namespace being deleted', row: () => namespacePrinter.row({ metadata, status: { phase: 'Terminating' } }, ctx), want: ['x', 'Terminating', '45d'] },
    { name: 'config map counts data and binaryData', row: () => configMapPrinter.row({ metadata, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, ctx), want: ['x', 3, '45d'] },
    { name: 'empty config map', row: () => configMapPrinter.row({ metadata }, ctx), want: ['x', 0, '45d'] },
    { name: 'secret', row: () => secretPrinter.row({ metadata, type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }, ctx), want: ['x', 'kubernetes.io/tls', 2, '45d'] },
    { name: 'service account', row: () => serviceAccountPrinter.row({ metadata }, ctx), want: ['x', 0, '45d'] },
    { name: 'service account with secrets', row: () => serviceAccountPrinter.row({ metadata, secrets: [{ name: 'x-token' }] }, ctx), want: ['x', 1, '45d'] },
    {
      name: 'component status',
      row: () => componentStatusPrinter.row({ metadata, conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }] }, ctx),
      want: ['x', 'Healthy', 'ok', ''],
    },
    { name: 'component status without conditions', row: () => componentStatusPrinter.row({ metadata }, ctx), want: ['x', 'Unknown', '', ''] },
  ])('$name', ({ row, want }) => {
    expect(row().cells).toEqual(want);
  });
});

describe('resource quota', () => {
  it('splits requests from limits, sorted, with canonical quantities', () => {
    const rq: corev1.ResourceQuota = {
      metadata,
      status: {
        hard: { 'limits.memory': '2Gi', pods: '10', 'requests.cpu': '1', 'limits.cpu': '2', 'requests.memory': '1024Mi' },
        used: { pods: '3', 'requests.cpu': '500m', 'requests.memory': '0.5Gi' },
      },
    };
    expect(quotaColumns(rq)).toEqual(['pods: 3/10, requests.cpu: 500m/1, requests.memory: 512Mi/1Gi', 'limits.cpu: 0/2, limits.memory: 0/2Gi']);
    expect(resourceQuotaPrinter.row(rq, ctx).cells).toEqual(['x', 'pods: 3/10, requests.cpu: 500m/1, requests.memory: 512Mi/1Gi', 'limits.cpu: 0/2, limits.memory: 0/2Gi', '45d']);
  });

  it('prints empty columns before the quota controller fills status', () => {
    expect(resourceQuotaPrinter.row({ metadata, spec: { hard: { pods: '1' } } }, ctx).cells).toEqual(['x', '', '', '45d']);
  });
});
