import type { autoscalingv1, autoscalingv2 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { formatHpaMetrics, horizontalPodAutoscalerPrinter } from './autoscaling';

const now = new Date('2025-01-01T12:00:00Z');
const ctx = { now, group: 'autoscaling' };
const metadata = { name: 'web', namespace: 'default', creationTimestamp: '2025-01-01T11:00:00Z' };
const cpu = (target: autoscalingv2.MetricTarget): autoscalingv2.MetricSpec => ({ type: 'Resource', resource: { name: 'cpu', target } });

describe('HPA TARGETS', () => {
  it.each([
    { name: 'no metrics', specs: [], statuses: [], want: '<none>' },
    { name: 'utilization before a reading', specs: [cpu({ type: 'Utilization', averageUtilization: 80 })], statuses: [], want: 'cpu: <unknown>/80%' },
    {
      name: 'utilization with a reading',
      specs: [cpu({ type: 'Utilization', averageUtilization: 80 })],
      statuses: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '90m' } } }],
      want: 'cpu: 45%/80%',
    },
    {
      name: 'average value',
      specs: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '1024Mi' } } }],
      statuses: [{ type: 'Resource', resource: { name: 'memory', current: { averageValue: '512Mi' } } }],
      want: 'memory: 512Mi/1Gi',
    },
    {
      name: 'pods metric',
      specs: [{ type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } }],
      statuses: [],
      want: '<unknown>/10',
    },
    {
      name: 'external value and object average',
      specs: [
        { type: 'External', external: { metric: { name: 'queue' }, target: { type: 'Value', value: '30' } } },
        { type: 'Object', object: { metric: { name: 'rps' }, describedObject: { kind: 'Service', name: 's' }, target: { type: 'AverageValue', averageValue: '2k' } } },
      ],
      statuses: [{ type: 'External', external: { metric: { name: 'queue' }, current: { value: '12' } } }],
      want: '12/30, <unknown>/2k (avg)',
    },
    {
      name: 'more than two',
      specs: [cpu({ type: 'Utilization', averageUtilization: 50 }), cpu({ type: 'Utilization', averageUtilization: 60 }), cpu({ type: 'Utilization' })],
      statuses: [],
      want: 'cpu: <unknown>/50%, cpu: <unknown>/60% + 1 more...',
    },
  ])('$name', ({ specs, statuses, want }) => {
    expect(formatHpaMetrics(specs as autoscalingv2.MetricSpec[], statuses as autoscalingv2.MetricStatus[])).toBe(want);
  });
});

describe('HPA rows', () => {
  it('autoscaling/v2', () => {
    const hpa: autoscalingv2.HorizontalPodAutoscaler = {
      metadata,
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 10, metrics: [cpu({ type: 'Utilization', averageUtilization: 50 })] },
      status: { currentReplicas: 3, desiredReplicas: 3 },
    };
    expect(horizontalPodAutoscalerPrinter.row(hpa, ctx).cells).toEqual(['web', 'Deployment/web', 'cpu: <unknown>/50%', '1', 10, 3, '60m']);
  });

  it('autoscaling/v1 reads targetCPUUtilizationPercentage', () => {
    const hpa: autoscalingv1.HorizontalPodAutoscaler = {
      metadata,
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 5, targetCPUUtilizationPercentage: 70 },
      status: { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 33 },
    };
    expect(horizontalPodAutoscalerPrinter.row(hpa, ctx).cells).toEqual(['web', 'Deployment/web', 'cpu: 33%/70%', '<unset>', 5, 2, '60m']);
  });
});
