import type { corev1 } from '@tskube/api-types';
import { DeletedFinalStateUnknown } from '@tskube/client';
import { FakeClock } from '@tskube/client/testing';
import { describe, expect, it } from 'vitest';
import { SchedulerCache } from './cache/cache';
import { makeNode, makePod } from './framework/testing';
import { PluginNames } from './plugins/names';
import { PrioritySort } from './plugins/queue-sort/priority-sort';
import { nodeEventHandler, podEventHandler } from './event-handlers';
import { SchedulingQueue } from './queue/scheduling-queue';

function setup() {
  const sort = new PrioritySort();
  const queue = new SchedulingQueue({ less: (a, b) => sort.less(a, b), clock: new FakeClock() });
  const cache = new SchedulerCache();
  const deps = { cache, queue, responsible: (p: corev1.Pod) => (p.spec?.schedulerName ?? 'default-scheduler') === 'default-scheduler' };
  return { queue, cache, pods: podEventHandler(deps), nodes: nodeEventHandler(deps) };
}

describe('pod event handler', () => {
  it('queues pending pods of its profiles only, and moves a pod from the queue to the cache when it is bound', () => {
    const t = setup();
    const pending = makePod('p').obj();
    t.pods.onAdd!(pending, false);
    t.pods.onAdd!({ ...makePod('other').obj(), spec: { containers: [], schedulerName: 'someone-else' } }, false);
    expect(t.queue.whereIs('uid-p')).toBe('active');
    expect(t.queue.whereIs('uid-other')).toBeUndefined();
    t.pods.onUpdate!(pending, makePod('p').node('n1').obj());
    expect(t.queue.whereIs('uid-p')).toBeUndefined();
    expect(t.cache.nodeOf('uid-p')).toBe('n1');
  });

  it('takes finished and deleted pods out of the cache', () => {
    const t = setup();
    const running = makePod('r').node('n1').obj();
    t.pods.onAdd!(running, true);
    t.pods.onAdd!(makePod('done').node('n1').obj(), true);
    const succeeded = { ...running, status: { phase: 'Succeeded' } };
    t.pods.onUpdate!(running, succeeded);
    expect(t.cache.nodeOf('uid-r')).toBeUndefined();
    t.pods.onDelete!(new DeletedFinalStateUnknown('default/done', makePod('done').node('n1').obj()));
    expect(t.cache.podCount).toBe(0);
    t.pods.onAdd!({ ...makePod('finished').node('n1').obj(), status: { phase: 'Failed' } }, true);
    expect(t.cache.podCount).toBe(0);
  });

  it('a deleted assigned pod gives pods waiting for resources another try', async () => {
    const t = setup();
    t.nodes.onAdd!(makeNode('n1').obj(), true);
    const bound = makePod('bound').node('n1').obj();
    t.pods.onAdd!(bound, true);
    t.pods.onAdd!(makePod('waiting').obj(), false);
    const qp = (await t.queue.pop())!;
    t.queue.addUnschedulableIfNotPresent(qp, { unschedulablePlugins: new Set([PluginNames.NodeResourcesFit]), error: false });
    t.pods.onDelete!(bound);
    expect(t.queue.whereIs('uid-waiting')).toBe('backoff');
  });
});

describe('node event handler', () => {
  it('keeps the cache in step and ignores heartbeat-only updates for the queue', async () => {
    const t = setup();
    const node = makeNode('n1').obj();
    t.nodes.onAdd!(node, true);
    expect(t.cache.nodeCount).toBe(1);
    t.pods.onAdd!(makePod('w').obj(), false);
    const qp = (await t.queue.pop())!;
    t.queue.addUnschedulableIfNotPresent(qp, { unschedulablePlugins: new Set(['OutOfTree']), error: false });
    const heartbeat = { ...node, status: { ...node.status, conditions: [] } };
    t.nodes.onUpdate!(node, heartbeat);
    expect(t.queue.whereIs('uid-w')).toBe('unschedulable');
    const relabelled = makeNode('n1').label('x', 'y').obj();
    t.nodes.onUpdate!(heartbeat, relabelled);
    expect(t.queue.whereIs('uid-w')).toBe('backoff');
    t.nodes.onDelete!(relabelled);
    expect(t.cache.nodeCount).toBe(0);
  });
});
