import { describe, expect, it } from 'vitest';
import { expand, expandContainerCommand, mappingFor } from './expansion';

const vars = new Map([
  ['VAR_A', 'A'],
  ['VAR_B', 'B'],
  ['VAR_C', 'C'],
  ['VAR_REF', '$(VAR_A)'],
  ['VAR_EMPTY', ''],
]);
const mapping = mappingFor(vars);

describe('expand', () => {
  it.each([
    { name: 'no reference', input: 'plain text', want: 'plain text' },
    { name: 'a whole reference', input: '$(VAR_A)', want: 'A' },
    { name: 'references inside text', input: '___$(VAR_B)___$(VAR_C)', want: '___B___C' },
    { name: 'adjacent references', input: '$(VAR_A)$(VAR_B)$(VAR_C)', want: 'ABC' },
    { name: 'an empty value', input: 'x$(VAR_EMPTY)y', want: 'xy' },
    { name: 'an unknown name stays as written', input: 'x$(UNKNOWN)y', want: 'x$(UNKNOWN)y' },
    { name: 'an empty name stays as written', input: '$()', want: '$()' },
    { name: '$$ escapes a reference', input: '$$(VAR_A)', want: '$(VAR_A)' },
    { name: '$$$ escapes then expands', input: '$$$(VAR_A)', want: '$A' },
    { name: '$$$$ is two dollars', input: '$$$$(VAR_A)', want: '$$(VAR_A)' },
    { name: 'a lone trailing $', input: 'cost: 5$', want: 'cost: 5$' },
    { name: '$ before another character', input: '$VAR_A $x', want: '$VAR_A $x' },
    { name: 'an unclosed reference', input: '$(VAR_A', want: '$(VAR_A' },
    { name: 'an unclosed reference then a closed one', input: '$(VAR_A $(VAR_B)', want: '$(VAR_A $(VAR_B)' },
    { name: 'values are not expanded again', input: '$(VAR_REF)', want: '$(VAR_A)' },
    { name: 'nested parentheses end at the first close', input: '$(VAR_A)(x)', want: 'A(x)' },
    { name: 'non-ASCII around references', input: 'é$(VAR_A)ü', want: 'éAü' },
  ])('$name: $input → $want', ({ input, want }) => {
    expect(expand(input, mapping)).toBe(want);
  });

  it('looks names up in each context in turn', () => {
    const m = mappingFor(new Map([['X', 'first']]), new Map([['X', 'second'], ['Y', 'only-second']]));
    expect(expand('$(X) $(Y) $(Z)', m)).toBe('first only-second $(Z)');
  });
});

describe('expandContainerCommand', () => {
  const env = [
    { name: 'GREETING', value: 'hello' },
    { name: 'WHO', value: 'world' },
  ];

  it.each([
    { name: 'command and args', container: { name: 'c', command: ['/bin/echo', '$(GREETING)'], args: ['$(WHO)', '$$(WHO)', '$(NONE)'] }, want: { command: ['/bin/echo', 'hello'], args: ['world', '$(WHO)', '$(NONE)'] } },
    { name: 'only args', container: { name: 'c', args: ['$(GREETING)-$(WHO)'] }, want: { command: [], args: ['hello-world'] } },
    { name: 'neither', container: { name: 'c' }, want: { command: [], args: [] } },
  ])('$name', ({ container, want }) => {
    expect(expandContainerCommand(container, env)).toEqual(want);
  });

  it('uses the last definition of a repeated name', () => {
    expect(expandContainerCommand({ name: 'c', command: ['$(A)'] }, [{ name: 'A', value: '1' }, { name: 'A', value: '2' }]).command).toEqual(['2']);
  });
});
