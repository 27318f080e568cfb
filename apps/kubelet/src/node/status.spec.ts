import type { cri } from '@tskube/proto';
import { describe, expect, it } from 'vitest';
import { nodeImages, nodeStatusChanged } from './status';

const image = (id: string, size: number, tags: string[], digests: string[] = []): cri.Image => ({
  id,
  repoTags: tags,
  repoDigests: digests,
  size: BigInt(size),
  username: '',
  pinned: false,
});

describe('nodeImages', () => {
  it('lists the largest first (ties by ID, descending), digests before tags, at most 5 names', () => {
    const tags = ['a:1', 'a:2', 'a:3', 'a:4', 'a:5'];
    const got = nodeImages([image('sha256:1', 10, ['small:1']), image('sha256:2', 30, tags, ['a@sha256:x']), image('sha256:3', 10, ['tie:1']), image('sha256:4', 5, [])]);
    expect(got).toEqual([
      { names: ['a@sha256:x', 'a:1', 'a:2', 'a:3', 'a:4'], sizeBytes: 30 },
      { names: ['tie:1'], sizeBytes: 10 },
      { names: ['small:1'], sizeBytes: 10 },
    ]);
  });

  it('keeps at most 50 images', () => {
    const many = Array.from({ length: 60 }, (_, i) => image(`sha256:${i}`, i, [`img:${i}`]));
    const got = nodeImages(many);
    expect(got).toHaveLength(50);
    expect(got[0]?.sizeBytes).toBe(59);
  });
});

describe('nodeStatusChanged', () => {
  const cond = (hb: string) => ({ type: 'Ready', status: 'True', lastHeartbeatTime: hb, lastTransitionTime: 't0' });
  it('ignores heartbeats, condition order and the spelling of quantities', () => {
    const a = { capacity: { memory: '96636764000' }, conditions: [cond('t1'), { type: 'DiskPressure', status: 'False' }] };
    const b = { capacity: { memory: '96636764k' }, conditions: [{ type: 'DiskPressure', status: 'False' }, cond('t2')] };
    expect(nodeStatusChanged(a, b)).toBe(false);
  });

  it('sees everything else', () => {
    expect(nodeStatusChanged({ capacity: { cpu: '2' } }, { capacity: { cpu: '3' } })).toBe(true);
    expect(nodeStatusChanged({ conditions: [cond('t1')] }, { conditions: [{ ...cond('t1'), lastTransitionTime: 't9' }] })).toBe(true);
    expect(nodeStatusChanged({ addresses: [] }, { addresses: [{ type: 'Hostname', address: 'n' }] })).toBe(true);
  });
});
