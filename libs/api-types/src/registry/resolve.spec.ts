import { describe, expect, it } from 'vitest';
import { parseResourceArg } from './resolve';

describe('parseResourceArg', () => {
  it.each([
    { input: 'pods', want: [{ name: 'pods', group: undefined, version: undefined }] },
    { input: 'Pods', want: [{ name: 'pods', group: undefined, version: undefined }] },
    { input: 'deployments.apps', want: [{ name: 'deployments', group: 'apps', version: undefined }] },
    {
      input: 'deploy.v1.apps',
      want: [
        { name: 'deploy', group: 'apps', version: 'v1' },
        { name: 'deploy', group: 'v1.apps', version: undefined },
      ],
    },
    {
      input: 'ingresses.networking.k8s.io',
      want: [
        { name: 'ingresses', group: 'k8s.io', version: 'networking' },
        { name: 'ingresses', group: 'networking.k8s.io', version: undefined },
      ],
    },
  ])('$input', ({ input, want }) => {
    expect(parseResourceArg(input)).toEqual(want);
  });
});
