import type { corev1 } from '@tskube/api-types';
import { ProbeError } from './result';

/** Go's strconv.Atoi, with its error text; int64 range, since the kubelet runs on 64-bit nodes. */
function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new ProbeError(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) throw new ProbeError(`strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  return Number(n);
}

/**
 * The port number a probe's `port` names: a number as is, or the `containerPort` of the
 * container's port of that name, or, failing that, a number written as a string. Throws a
 * ProbeError worded as the kubelet's (`strconv.Atoi: parsing "http": invalid syntax`, `invalid
 * port number: 0`), which the prober turns into a `... probe errored` event.
 */
export function resolveContainerPort(port: number | string | undefined, container: corev1.Container): number {
  let n: number;
  if (typeof port === 'number') n = port;
  else if (typeof port === 'string') {
    const named = (container.ports ?? []).find((p) => p.name === port);
    n = named ? named.containerPort : atoi(port);
  } else throw new ProbeError(`intOrString had no kind: ${JSON.stringify(port ?? null)}`);
  if (Number.isInteger(n) && n > 0 && n < 65536) return n;
  throw new ProbeError(`invalid port number: ${n}`);
}
