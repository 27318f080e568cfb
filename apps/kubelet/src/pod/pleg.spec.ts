import { createLogger } from '@tskube/component';
import { cri } from '@tskube/proto';
import { describe, expect, it } from 'vitest';
import { Pleg } from './pleg';

describe('Pleg', () => {
  it('tells which pods had a container or sandbox appear, change state or disappear', async () => {
    let containers: Partial<cri.Container>[] = [
      { id: 'c1', state: cri.ContainerState.CONTAINER_RUNNING, labels: { 'io.kubernetes.pod.uid': 'p1' } },
      { id: 'c2', state: cri.ContainerState.CONTAINER_RUNNING, labels: { 'io.kubernetes.pod.uid': 'p2' } },
    ];
    let sandboxes: Partial<cri.PodSandbox>[] = [{ id: 's1', state: cri.PodSandboxState.SANDBOX_READY, labels: { 'io.kubernetes.pod.uid': 'p1' } }];
    const seen: string[][] = [];
    const pleg = new Pleg({
      runtime: { listContainers: async () => containers as cri.Container[], listPodSandbox: async () => sandboxes as cri.PodSandbox[] },
      logger: createLogger({ component: 't', level: 'error' }),
      onChange: (uids) => seen.push([...uids].sort()),
    });
    await pleg.relist();
    expect(seen).toEqual([['p1', 'p2']]);
    await pleg.relist();
    expect(seen).toHaveLength(1);
    containers = [{ ...containers[0]!, state: cri.ContainerState.CONTAINER_EXITED }, containers[1]!];
    await pleg.relist();
    expect(seen[1]).toEqual(['p1']);
    containers = [containers[0]!];
    sandboxes = [];
    await pleg.relist();
    expect(seen[2]).toEqual(['p1', 'p2']);
    expect(pleg.runtimeUIDs()).toEqual(new Set(['p1']));
    expect(pleg.containerCounts()).toEqual({ created: 0, running: 0, exited: 1, unknown: 0 });
    expect(pleg.healthy()).toBe(true);
  });
});
