import type { corev1, eventsv1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { eventPrinter } from './event';

const now = new Date('2025-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString().replace('.000Z', 'Z');

const core = (e: Partial<corev1.Event>): corev1.Event => ({
  metadata: { name: 'web-1.17f', namespace: 'default' },
  involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{web}' },
  type: 'Normal',
  reason: 'Pulled',
  message: 'Successfully pulled image "nginx"\n',
  source: { component: 'kubelet', host: 'n1' },
  ...e,
});

// Columns: LAST SEEN, TYPE, REASON, OBJECT, SUBOBJECT, SOURCE, MESSAGE, FIRST SEEN, COUNT, NAME.
describe('core/v1 events', () => {
  it.each([
    {
      name: 'a repeated event',
      event: core({ firstTimestamp: ago(600), lastTimestamp: ago(30), count: 4 }),
      want: ['30s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{web}', 'kubelet, n1', 'Successfully pulled image "nginx"', '10m', 4, 'web-1.17f'],
    },
    {
      name: 'no last timestamp: last seen is first seen, count defaults to 1',
      event: core({ firstTimestamp: ago(90) }),
      want: ['90s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{web}', 'kubelet, n1', 'Successfully pulled image "nginx"', '90s', 1, 'web-1.17f'],
    },
    {
      name: 'only an event time (new API events)',
      event: core({ eventTime: '2025-01-01T11:57:00.123456Z', reportingComponent: 'default-scheduler', reportingInstance: 'sched-1', source: {}, reason: 'Scheduled' }),
      want: ['2m59s', 'Normal', 'Scheduled', 'pod/web-1', 'spec.containers{web}', 'default-scheduler, sched-1', 'Successfully pulled image "nginx"', '2m59s', 1, 'web-1.17f'],
    },
    {
      name: 'a series overrides last seen and count',
      event: core({ eventTime: ago(3600), series: { count: 12, lastObservedTime: ago(5) }, count: 2 }),
      want: ['5s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{web}', 'kubelet, n1', 'Successfully pulled image "nginx"', '60m', 12, 'web-1.17f'],
    },
    {
      name: 'no timestamps at all',
      event: core({ involvedObject: { kind: 'Node' }, source: { component: 'kubelet' }, type: 'Warning', reason: 'Rebooted', message: '' }),
      want: ['<unknown>', 'Warning', 'Rebooted', 'node', '', 'kubelet', '', '<unknown>', 1, 'web-1.17f'],
    },
  ])('$name', ({ event, want }) => {
    expect(eventPrinter.row(event, { now, group: '' }).cells).toEqual(want);
  });
});

describe('events.k8s.io/v1 events', () => {
  it('reads the renamed fields', () => {
    const event: eventsv1.Event = {
      metadata: { name: 'web-1.17f', namespace: 'default' },
      eventTime: ago(400),
      regarding: { kind: 'Deployment', name: 'web', namespace: 'default' },
      note: 'Scaled up replica set web-abc to 3',
      reason: 'ScalingReplicaSet',
      type: 'Normal',
      reportingController: 'deployment-controller',
      reportingInstance: '',
      deprecatedFirstTimestamp: ago(400),
      deprecatedLastTimestamp: ago(100),
      deprecatedCount: 3,
      deprecatedSource: { component: 'deployment-controller' },
    };
    expect(eventPrinter.row(event, { now, group: 'events.k8s.io' }).cells).toEqual([
      '100s',
      'Normal',
      'ScalingReplicaSet',
      'deployment/web',
      '',
      'deployment-controller',
      'Scaled up replica set web-abc to 3',
      '6m40s',
      3,
      'web-1.17f',
    ]);
  });
});
