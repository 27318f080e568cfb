import { describe, expect, it } from 'vitest';
import { CycleState } from '../../framework/cycle-state';
import { PodInfo } from '../../framework/pod-info';
import { Code } from '../../framework/status';
import { makePod } from '../../framework/testing';
import { defaultBinderFactory } from './default-binder';
import type { BindPlugin } from '../../framework/interfaces';
import { testHandle } from '../../framework/testing';

describe('DefaultBinder', () => {
  const pod = new PodInfo(makePod('p').obj());
  it.each([
    { name: 'a successful bind', bind: () => Promise.resolve(), want: undefined },
    { name: 'a refused bind is an Error status', bind: () => Promise.reject(new Error('pods "p" is already assigned')), want: Code.Error },
    { name: 'no bind function configured', bind: undefined, want: Code.Error },
  ])('$name', async ({ bind, want }) => {
    const plugin = defaultBinderFactory(bind)(undefined, testHandle()) as BindPlugin;
    expect((await plugin.bind(new CycleState(), pod, 'n1'))?.code).toBe(want);
  });
});
