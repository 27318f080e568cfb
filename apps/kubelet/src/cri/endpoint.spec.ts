import { describe, expect, it } from 'vitest';
import { DEFAULT_RUNTIME_ENDPOINT, parseRuntimeEndpoint } from './endpoint';

describe('parseRuntimeEndpoint', () => {
  it.each([
    { name: 'the default endpoint', input: DEFAULT_RUNTIME_ENDPOINT, want: '/run/containerd/containerd.sock' },
    { name: 'unix:// with an absolute path', input: 'unix:///var/run/crio/crio.sock', want: '/var/run/crio/crio.sock' },
    { name: 'unix: with a single slash', input: 'unix:/tmp/c.sock', want: '/tmp/c.sock' },
    { name: 'a bare absolute path (deprecated in the kubelet, still accepted)', input: '/tmp/c.sock', want: '/tmp/c.sock' },
    { name: 'surrounding whitespace', input: ' unix:///tmp/c.sock\n', want: '/tmp/c.sock' },
  ])('accepts $name', ({ input, want }) => {
    expect(parseRuntimeEndpoint(input)).toEqual({ target: `unix://${want}`, socketPath: want });
  });

  it.each([
    { name: 'tcp endpoints', input: 'tcp://127.0.0.1:1234', want: /only unix sockets/ },
    { name: 'npipe endpoints', input: 'npipe:////./pipe/containerd', want: /only unix sockets/ },
    { name: 'relative paths', input: 'unix://run/containerd.sock', want: /must be absolute/ },
    { name: 'an empty value', input: '', want: /must be absolute/ },
    { name: 'paths too long for sockaddr_un', input: `unix:///${'x'.repeat(110)}`, want: /longer than 107 bytes/ },
  ])('refuses $name', ({ input, want }) => {
    expect(() => parseRuntimeEndpoint(input)).toThrow(want);
  });
});
