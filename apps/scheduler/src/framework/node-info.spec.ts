import { describe, expect, it } from 'vitest';
import { HostPortInfo, NodeInfo } from './node-info';
import { Snapshot } from './snapshot';
import { makeNode, makePod } from './testing';

describe('NodeInfo', () => {
  it('sums requests, non-zero requests and ports as pods come and go', () => {
    const ni = new NodeInfo(makeNode('n1').obj());
    expect(ni.allocatable.milliCPU).toBe(4000);
    expect(ni.allocatable.allowedPodNumber).toBe(110);
    const a = ni.addPod(makePod('a').req({ cpu: '1', memory: '1Gi' }).hostPort(80).obj());
    ni.addPod(makePod('b').container().obj());
    expect(ni.requested.milliCPU).toBe(1000);
    expect(ni.nonZeroRequested.milliCPU).toBe(1100);
    expect(ni.usedPorts.checkConflict(undefined, 'TCP', 80)).toBe(true);
    const gen = ni.generation;
    expect(ni.removePod(a)).toBe(true);
    expect(ni.generation).toBeGreaterThan(gen);
    expect(ni.requested.milliCPU).toBe(0);
    expect(ni.usedPorts.checkConflict(undefined, 'TCP', 80)).toBe(false);
    expect(ni.removePod(a)).toBe(false);
    expect(ni.pods.map((p) => p.pod.metadata?.name)).toEqual(['b']);
  });

  it('tracks pods with affinity and with required anti-affinity', () => {
    const ni = new NodeInfo(makeNode('n1').obj(), [
      makePod('a').podAntiAffinity('kubernetes.io/hostname', 'app', 'x').obj(),
      makePod('b').preferredPodAffinity(1, 'zone', 'app', 'x').obj(),
      makePod('c').obj(),
    ]);
    expect(ni.podsWithAffinity.map((p) => p.pod.metadata?.name)).toEqual(['a', 'b']);
    expect(ni.podsWithRequiredAntiAffinity.map((p) => p.pod.metadata?.name)).toEqual(['a']);
    ni.removePod(makePod('a').obj());
    expect(ni.podsWithAffinity.map((p) => p.pod.metadata?.name)).toEqual(['b']);
    expect(ni.podsWithRequiredAntiAffinity).toEqual([]);
  });

  it('clones independently', () => {
    const ni = new NodeInfo(makeNode('n1').obj(), [makePod('a').req({ cpu: '1' }).obj()]);
    const copy = ni.clone();
    copy.addPod(makePod('b').req({ cpu: '1' }).obj());
    expect(ni.pods).toHaveLength(1);
    expect(ni.requested.milliCPU).toBe(1000);
    expect(copy.requested.milliCPU).toBe(2000);
  });
});

describe('HostPortInfo.checkConflict', () => {
  const used = new HostPortInfo();
  used.add('127.0.0.1', 'TCP', 8080);
  used.add(undefined, 'UDP', 53);
  it.each([
    { ip: '127.0.0.1', protocol: 'TCP', port: 8080, want: true },
    { ip: '127.0.0.2', protocol: 'TCP', port: 8080, want: false },
    { ip: '0.0.0.0', protocol: 'TCP', port: 8080, want: true },
    { ip: undefined, protocol: undefined, port: 8080, want: true },
    { ip: '127.0.0.1', protocol: 'UDP', port: 8080, want: false },
    { ip: '10.0.0.1', protocol: 'UDP', port: 53, want: true },
    { ip: '10.0.0.1', protocol: 'TCP', port: 53, want: false },
    { ip: undefined, protocol: 'TCP', port: 0, want: false },
  ])('$ip $protocol/$port conflicts: $want', ({ ip, protocol, port, want }) => {
    expect(used.checkConflict(ip, protocol, port)).toBe(want);
  });
});

describe('Snapshot', () => {
  it('places bound pods on their nodes and leaves the rest out', () => {
    const s = Snapshot.fromObjects(
      [makeNode('n1').image(100, 'nginx:latest').obj(), makeNode('n2').image(100, 'nginx:latest', 'nginx:1').obj()],
      [
        makePod('a').node('n1').obj(),
        makePod('b').obj(),
        makePod('c').node('gone').obj(),
        { ...makePod('d').node('n2').obj(), status: { phase: 'Succeeded' } },
        makePod('e').node('n2').podAntiAffinity('kubernetes.io/hostname', 'x', 'y').obj(),
      ],
    );
    expect(s.size).toBe(2);
    expect(s.get('n1')!.pods.map((p) => p.pod.metadata?.name)).toEqual(['a']);
    expect(s.get('n2')!.pods.map((p) => p.pod.metadata?.name)).toEqual(['e']);
    expect(s.havePodsWithAffinity.map((n) => n.name)).toEqual(['n2']);
    expect(s.havePodsWithRequiredAntiAffinity.map((n) => n.name)).toEqual(['n2']);
    expect(s.imageNumNodes('nginx:latest')).toBe(2);
    expect(s.imageNumNodes('nginx:1')).toBe(1);
    expect(s.get('nope')).toBeUndefined();
  });

  it('skips NodeInfos without a Node object', () => {
    const orphan = new NodeInfo();
    orphan.addPod(makePod('a').obj());
    expect(new Snapshot([orphan, new NodeInfo(makeNode('n1').obj())]).nodeInfos.map((n) => n.name)).toEqual(['n1']);
  });
});
