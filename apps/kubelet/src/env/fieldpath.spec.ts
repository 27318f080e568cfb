import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { convertDownwardAPIFieldLabel, extractFieldPathAsString, formatMap, goQuote, splitSubscriptedPath } from './fieldpath';

const pod: corev1.Pod = {
  metadata: {
    name: 'web-0',
    namespace: 'shop',
    uid: '6b1b4c0e-0000-4000-8000-000000000001',
    labels: { app: 'web', 'tier.example.com/role': 'front', zeta: 'last' },
    annotations: { note: 'say "hi"\n', 'example.com/Build': '42' },
  },
  spec: { containers: [{ name: 'c' }] },
};

describe('splitSubscriptedPath', () => {
  it.each([
    { input: "metadata.labels['app']", want: ['metadata.labels', 'app'] },
    { input: "metadata.annotations['example.com/x']", want: ['metadata.annotations', 'example.com/x'] },
    { input: "metadata.labels['a']']", want: ['metadata.labels', "a']"] },
    { input: 'metadata.labels', want: undefined },
    { input: "['app']", want: undefined },
    { input: "metadata.labels'app']", want: undefined },
  ])('$input', ({ input, want }) => {
    expect(splitSubscriptedPath(input)).toEqual(want);
  });
});

describe('convertDownwardAPIFieldLabel', () => {
  it.each([
    { version: 'v1', label: 'metadata.name', want: 'metadata.name' },
    { version: undefined, label: 'status.podIPs', want: 'status.podIPs' },
    { version: 'v1', label: 'spec.host', want: 'spec.nodeName' },
    { version: 'v1', label: "metadata.labels['app']", want: "metadata.labels['app']" },
  ])('$label is $want', ({ version, label, want }) => {
    expect(convertDownwardAPIFieldLabel(version, label)).toBe(want);
  });

  it.each([
    { version: 'v2', label: 'metadata.name', error: 'unsupported pod version: v2' },
    { version: 'v1', label: 'spec.containers', error: 'field label not supported: spec.containers' },
    { version: 'v1', label: "metadata.name['x']", error: "field label does not support subscript: metadata.name['x']" },
  ])('refuses $label ($version)', ({ version, label, error }) => {
    expect(() => convertDownwardAPIFieldLabel(version, label)).toThrow(error);
  });
});

describe('extractFieldPathAsString', () => {
  it.each([
    { path: 'metadata.name', want: 'web-0' },
    { path: 'metadata.namespace', want: 'shop' },
    { path: 'metadata.uid', want: '6b1b4c0e-0000-4000-8000-000000000001' },
    { path: "metadata.labels['app']", want: 'web' },
    { path: "metadata.labels['missing']", want: '' },
    { path: "metadata.annotations['example.com/Build']", want: '42' },
    { path: 'metadata.labels', want: 'app="web"\ntier.example.com/role="front"\nzeta="last"' },
    { path: 'metadata.annotations', want: 'example.com/Build="42"\nnote="say \\"hi\\"\\n"' },
  ])('$path', ({ path, want }) => {
    expect(extractFieldPathAsString(pod, path)).toBe(want);
  });

  it.each([
    { path: 'spec.restartPolicy', error: 'unsupported fieldPath: spec.restartPolicy' },
    { path: "metadata.labels['bad key']", error: "invalid key subscript in metadata.labels['bad key']: name part must consist of alphanumeric characters" },
    { path: "metadata.name['x']", error: 'fieldPath "metadata.name[\'x\']" does not support subscript' },
  ])('refuses $path', ({ path, error }) => {
    expect(() => extractFieldPathAsString(pod, path)).toThrow(error);
  });

  it('writes nothing for a pod without labels', () => {
    expect(extractFieldPathAsString({ metadata: { name: 'x' } }, 'metadata.labels')).toBe('');
  });
});

describe('goQuote (Go %q)', () => {
  it.each([
    { input: 'plain', want: '"plain"' },
    { input: 'tab\tand "quotes" \\', want: '"tab\\tand \\"quotes\\" \\\\"' },
    { input: 'bell\x07 nul\x00 del\x7f', want: '"bell\\a nul\\x00 del\\x7f"' },
    { input: 'héllo wörld ✓ 日本', want: '"héllo wörld ✓ 日本"' },
    { input: 'nbsp\u00a0 ls\u2028', want: '"nbsp\\u00a0 ls\\u2028"' },
    { input: 'emoji 😀', want: '"emoji 😀"' },
  ])('$want', ({ input, want }) => {
    expect(goQuote(input)).toBe(want);
  });

  it('formats maps with keys in byte order', () => {
    expect(formatMap({ b: '2', B: '1', a: '3' })).toBe('B="1"\na="3"\nb="2"');
  });
});
