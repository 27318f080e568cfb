import { describe, expect, it } from 'vitest';
import { StatusError } from '@tskube/api-types';
import { PatchType, applyPatchBody } from './patch';

const current = {
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { replicas: 3, template: { metadata: { labels: { app: 'web', extra: 'x' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.28' }, { name: 'side', image: 'busybox' }] } } },
};

const apply = (patch: unknown) => applyPatchBody(PatchType.StrategicMerge, structuredClone(current), Buffer.from(JSON.stringify(patch)));

describe('strategic merge patches the merge-patch path takes', () => {
  it.each([
    {
      name: 'a $patch: replace object replaces its target wholesale, lists inside included',
      patch: { spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] }, $patch: 'replace' } } },
      want: { ...current, spec: { replicas: 3, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } } },
    },
    {
      name: 'without directives or object lists it is a merge patch',
      patch: { spec: { replicas: 5 }, metadata: { labels: { extra: null } } },
      want: { ...current, spec: { ...current.spec, replicas: 5 } },
    },
  ])('$name', ({ patch, want }) => {
    expect(apply(patch)).toEqual(want);
  });

  it.each([
    { name: 'a list of objects outside a replaced object', patch: { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.29' }] } } } } },
    { name: '$patch: delete', patch: { spec: { template: { $patch: 'delete' } } } },
    { name: 'a directive inside a replaced object', patch: { spec: { template: { $patch: 'replace', spec: { $retainKeys: ['containers'] } } } } },
    { name: '$setElementOrder', patch: { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'app' }] } } } } },
  ])('refuses $name with 415', ({ patch }) => {
    let err: unknown;
    try {
      apply(patch);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).code).toBe(415);
  });
});
