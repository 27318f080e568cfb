import type { corev1 } from '@tskube/api-types';
import { describe, expect, it } from 'vitest';
import { resolveContainerPort } from './port';
import { ProbeError } from './result';

const container: corev1.Container = { name: 'c', ports: [{ name: 'http', containerPort: 8080 }, { name: '9000', containerPort: 9001 }] };

describe('resolveContainerPort', () => {
  it.each([
    { port: 80, want: 80 },
    { port: 'http', want: 8080 },
    { name: 'a name wins over a number', port: '9000', want: 9001 },
    { port: '443', want: 443 },
    { port: '+443', want: 443 },
    { port: 65535, want: 65535 },
  ])('$port → $want', ({ port, want }) => expect(resolveContainerPort(port, container)).toBe(want));

  it.each([
    { port: 'grpc', message: 'strconv.Atoi: parsing "grpc": invalid syntax' },
    { port: '', message: 'strconv.Atoi: parsing "": invalid syntax' },
    { port: '99999999999999999999', message: 'strconv.Atoi: parsing "99999999999999999999": value out of range' },
    { port: 0, message: 'invalid port number: 0' },
    { port: 65536, message: 'invalid port number: 65536' },
    { port: '-5', message: 'invalid port number: -5' },
    { port: undefined, message: 'intOrString had no kind: null' },
  ])('refuses $port: $message', ({ port, message }) => {
    let err: unknown;
    try {
      resolveContainerPort(port, container);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProbeError);
    expect((err as Error).message).toBe(message);
  });

  it('looks in the container’s ports only', () => {
    expect(() => resolveContainerPort('http', { name: 'bare' })).toThrow('strconv.Atoi: parsing "http": invalid syntax');
  });
});
