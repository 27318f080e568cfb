import { describe, expect, it } from 'vitest';
import { CycleState, type StateData } from './cycle-state';
import { Registry, RegistryError } from './registry';
import { Code, PluginError, Status, codeOf, isSuccess } from './status';

describe('Status', () => {
  it.each([
    { status: Status.unschedulable('a', 'b'), rejected: true, message: 'a, b' },
    { status: Status.unresolvable('x'), rejected: true, message: 'x' },
    { status: Status.skip(), rejected: false, message: '' },
    { status: Status.error(new Error('boom')), rejected: false, message: 'boom' },
    { status: new Status(Code.Success), rejected: false, message: '' },
  ])('$status.code: rejected $rejected, message "$message"', ({ status, rejected, message }) => {
    expect(status.isRejected()).toBe(rejected);
    expect(status.message()).toBe(message);
  });

  it('treats undefined as success and stamps the plugin once', () => {
    expect(isSuccess(undefined)).toBe(true);
    expect(codeOf(undefined)).toBe(Code.Success);
    const s = Status.unschedulable('r').withPlugin('A').withPlugin('B');
    expect(s.plugin).toBe('A');
  });

  it('PluginError survives instanceof and carries the plugin', () => {
    const err = PluginError.fromStatus('Filter', 'P', Status.error(new Error('bad')));
    expect(err).toBeInstanceOf(PluginError);
    expect(err.message).toBe('running "P" Filter plugin: bad');
    expect(err.plugin).toBe('P');
  });
});

class Counter implements StateData {
  constructor(public n: number) {}
  clone(): StateData {
    return new Counter(this.n);
  }
}

describe('CycleState', () => {
  it('clones values through their clone and copies the skip sets', () => {
    const s = new CycleState();
    s.write('k', new Counter(1));
    s.skipFilterPlugins.add('A');
    const c = s.clone();
    c.read<Counter>('k')!.n = 2;
    c.skipFilterPlugins.add('B');
    expect(s.read<Counter>('k')!.n).toBe(1);
    expect([...s.skipFilterPlugins]).toEqual(['A']);
    expect(c.read('missing')).toBeUndefined();
  });
});

describe('Registry', () => {
  it('refuses duplicates and unknown removals', () => {
    const r = new Registry([['A', () => ({ name: 'A' })]]);
    expect(() => r.register('A', () => ({ name: 'A' }))).toThrow(RegistryError);
    expect(() => r.unregister('B')).toThrow('no plugin named B exists');
    r.merge(new Registry([['B', () => ({ name: 'B' })]]));
    expect(r.names()).toEqual(['A', 'B']);
    expect(() => r.merge(new Registry([['B', () => ({ name: 'B' })]]))).toThrow('a plugin named B already exists');
  });
});
