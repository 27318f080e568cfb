import { describe, expect, it } from 'vitest';
import { Snapshot } from '../../framework/snapshot';
import { makeNode, makePod, scoreNodes } from '../../framework/testing';
import { ImageLocality, normalizedImageName } from './image-locality';

const MB = 1024 * 1024;

describe('ImageLocality', () => {
  it.each([
    {
      name: 'two images on two nodes: the larger image wins, scaled by its spread',
      nodes: [makeNode('n1').image(40 * MB, 'gcr.io/40:latest'), makeNode('n2').image(300 * MB, 'gcr.io/300:latest')],
      pod: makePod('p').container({}, 'gcr.io/40').container({}, 'gcr.io/300'),
      // n1: 40 MB * 1/2 is under the 23 MB floor; n2: 150 MB over [23 MB, 2000 MB] → 6.
      want: { n1: 0, n2: 6 },
    },
    {
      name: 'an image on every node counts in full',
      nodes: [makeNode('n1').image(2000 * MB, 'big:v1'), makeNode('n2').image(2000 * MB, 'big:v1')],
      pod: makePod('p').container({}, 'big:v1'),
      want: { n1: 100, n2: 100 },
    },
    {
      name: 'no node holding any image skips scoring (all would score 0)',
      nodes: [makeNode('n1'), makeNode('n2')],
      pod: makePod('p').container({}, 'nginx'),
      want: 'skip' as const,
    },
  ])('$name', ({ nodes, pod, want }) => {
    expect(scoreNodes(new ImageLocality(), pod.obj(), Snapshot.fromObjects(nodes.map((n) => n.obj())))).toEqual(want);
  });

  it.each([
    ['nginx', 'nginx:latest'],
    ['nginx:1.25', 'nginx:1.25'],
    ['registry:5000/app', 'registry:5000/app:latest'],
    ['registry:5000/app:v2', 'registry:5000/app:v2'],
  ])('normalizes %s to %s', (name, want) => {
    expect(normalizedImageName(name)).toBe(want);
  });
});
