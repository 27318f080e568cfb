import { describe, expect, it } from 'vitest';
import { expandProbeCommand } from './expand';

const env = [
  { name: 'FILE', value: '/tmp/healthy' },
  { name: 'EMPTY', value: '' },
  { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
];

describe('expandProbeCommand', () => {
  it.each([
    { input: 'cat $(FILE)', want: 'cat /tmp/healthy' },
    { input: '$(FILE)$(FILE)', want: '/tmp/healthy/tmp/healthy' },
    { input: 'x$(EMPTY)y', want: 'xy' },
    { name: 'valueFrom variables are not known to probes: empty', input: '[$(FROM_SECRET)]', want: '[]' },
    { name: 'undeclared variables stay as written', input: '$(NOPE)', want: '$(NOPE)' },
    { name: '$$ escapes', input: '$$(FILE)', want: '$(FILE)' },
    { input: 'a$$b', want: 'a$b' },
    { name: 'a lone $ stays', input: 'cost $5', want: 'cost $5' },
    { name: 'a trailing $ stays', input: 'end$', want: 'end$' },
    { name: 'an unclosed reference stays', input: '$(FILE', want: '$(FILE' },
    { input: '$()', want: '$()' },
  ])('$input → $want', ({ input, want }) => expect(expandProbeCommand([input], env)).toEqual([want]));

  it('expands every argument and tolerates a container without env', () => {
    expect(expandProbeCommand(['sh', '-c', 'test -f $(FILE)'], env)).toEqual(['sh', '-c', 'test -f /tmp/healthy']);
    expect(expandProbeCommand(['echo', '$(X)'], undefined)).toEqual(['echo', '$(X)']);
  });
});
