import type { coordinationv1, corev1 } from '@tskube/api-types';
import { formatMicroTime, formatTime } from '@tskube/client';
import { describe, expect, it } from 'vitest';
import { NodeHealthTracker } from './health';

const T0 = Date.UTC(2026, 0, 1);
const s = (n: number) => T0 + n * 1000;

function node(ready?: { status: string; heartbeat: number; transition?: number }): corev1.Node {
  return {
    metadata: { name: 'n', creationTimestamp: formatTime(T0) },
    status: ready
      ? { conditions: [{ type: 'Ready', status: ready.status, lastHeartbeatTime: formatTime(ready.heartbeat), lastTransitionTime: formatTime(ready.transition ?? T0) }] }
      : {},
  };
}

const lease = (renew: number): coordinationv1.Lease => ({ metadata: { name: 'n' }, spec: { renewTime: formatMicroTime(renew) } });

describe('NodeHealthTracker', () => {
  const grace = { gracePeriodMs: 40_000, startupGracePeriodMs: 60_000 };

  it('marks a node Unknown once its heartbeat has not moved for the grace period', () => {
    const t = new NodeHealthTracker(grace);
    const n = node({ status: 'True', heartbeat: s(0) });
    expect(t.observe(n, undefined, s(1)).status).toBeUndefined();
    expect(t.observe(n, undefined, s(41)).status).toBeUndefined(); // exactly the grace period
    const o = t.observe(n, undefined, s(42));
    expect(o.observedReady.status).toBe('True');
    expect(o.currentReady).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: formatTime(s(42)) });
    expect(o.status?.conditions?.map((c) => `${c.type}=${c.status}:${c.reason}`)).toEqual([
      'Ready=Unknown:NodeStatusUnknown',
      'MemoryPressure=Unknown:NodeStatusNeverUpdated',
      'DiskPressure=Unknown:NodeStatusNeverUpdated',
      'PIDPressure=Unknown:NodeStatusNeverUpdated',
    ]);
  });

  it('counts a moving heartbeat as life, whatever the kubelet clock says', () => {
    const t = new NodeHealthTracker(grace);
    t.observe(node({ status: 'True', heartbeat: s(0) }), undefined, s(0));
    // The kubelet's clock is far behind, but its heartbeat moves.
    expect(t.observe(node({ status: 'True', heartbeat: s(-1000) }), undefined, s(30)).status).toBeUndefined();
    expect(t.observe(node({ status: 'True', heartbeat: s(-1000) }), undefined, s(69)).status).toBeUndefined();
    expect(t.observe(node({ status: 'True', heartbeat: s(-1000) }), undefined, s(71)).status).toBeDefined();
  });

  it('counts lease renewals as life even when the status stands still', () => {
    const t = new NodeHealthTracker(grace);
    const n = node({ status: 'True', heartbeat: s(0) });
    t.observe(n, lease(s(0)), s(0));
    t.observe(n, lease(s(30)), s(30));
    expect(t.observe(n, lease(s(30)), s(60)).status).toBeUndefined();
    expect(t.observe(n, lease(s(30)), s(71)).status).toBeDefined();
  });

  it('gives a node that never posted a status the startup grace period from its creation', () => {
    const t = new NodeHealthTracker(grace);
    const n = node();
    const early = t.observe(n, undefined, s(59));
    expect(early.currentReady).toBeUndefined();
    expect(early.observedReady.status).toBe('Unknown');
    const late = t.observe(n, undefined, s(61));
    expect(late.currentReady).toMatchObject({ status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
  });

  it('writes nothing more once the node is Unknown', () => {
    const t = new NodeHealthTracker(grace);
    const n = node({ status: 'True', heartbeat: s(0) });
    t.observe(n, undefined, s(0));
    const o = t.observe(n, undefined, s(50));
    t.written('n', o.status!, s(50));
    const marked: corev1.Node = { ...n, status: o.status! };
    expect(t.observe(marked, undefined, s(60)).status).toBeUndefined();
  });

  it('starts over after resetProbes', () => {
    const t = new NodeHealthTracker(grace);
    const n = node({ status: 'True', heartbeat: s(0) });
    t.observe(n, undefined, s(0));
    t.resetProbes(s(35));
    expect(t.observe(n, undefined, s(70)).status).toBeUndefined();
    expect(t.observe(n, undefined, s(76)).status).toBeDefined();
  });
});
