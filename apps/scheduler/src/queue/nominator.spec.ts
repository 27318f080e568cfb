import { describe, expect, it } from 'vitest';
import { PodInfo } from '../framework/pod-info';
import { makePod } from '../framework/testing';
import { Nominator } from './nominator';

const names = (n: Nominator, node: string) => n.nominatedPodsForNode(node).map((p) => p.pod.metadata?.name);

describe('Nominator', () => {
  it('nominates from status.nominatedNodeName or an explicit node, one node per pod', () => {
    const n = new Nominator();
    n.add(new PodInfo(makePod('a').nominated('n1').obj()));
    n.add(new PodInfo(makePod('b').obj()), 'n1');
    n.add(new PodInfo(makePod('c').obj()));
    expect(names(n, 'n1')).toEqual(['a', 'b']);
    n.add(new PodInfo(makePod('a').obj()), 'n2');
    expect(names(n, 'n1')).toEqual(['b']);
    expect(names(n, 'n2')).toEqual(['a']);
    expect(n.nodeOf('uid-c')).toBeUndefined();
  });

  it('never nominates a bound pod and forgets deleted ones', () => {
    const n = new Nominator();
    n.add(new PodInfo(makePod('bound').node('n1').nominated('n1').obj()));
    expect(names(n, 'n1')).toEqual([]);
    const p = makePod('p').nominated('n1').obj();
    n.add(new PodInfo(p));
    n.delete(p);
    expect(names(n, 'n1')).toEqual([]);
    n.delete(p);
  });

  it.each([
    { name: 'keeps an in-memory nomination the status has not caught up with', oldNnn: undefined, newNnn: undefined, want: 'n1' },
    { name: 'follows a new nominatedNodeName', oldNnn: undefined, newNnn: 'n2', want: 'n2' },
    { name: 'drops a nomination the status cleared', oldNnn: 'n1', newNnn: undefined, want: undefined },
  ])('update $name', ({ oldNnn, newNnn, want }) => {
    const n = new Nominator();
    const oldPod = makePod('p');
    if (oldNnn) oldPod.nominated(oldNnn);
    n.add(new PodInfo(makePod('p').obj()), 'n1');
    const newPod = makePod('p').label('v', '2');
    if (newNnn) newPod.nominated(newNnn);
    n.update(oldPod.obj(), new PodInfo(newPod.obj()));
    expect(n.nodeOf('uid-p')).toBe(want);
  });
});
