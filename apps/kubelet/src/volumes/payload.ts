import type { corev1 } from '@tskube/api-types';
import { extractFieldPathAsString, resourceFieldValue } from '../env/index';
import { cleanPath, type Payload } from './atomic-writer';
import { aggregateMessage } from './errors';

/**
 * The files of configMap, secret and downwardAPI volumes (and of the projections of a projected
 * volume), as the kubelet's volume plugins compute them. Errors carry Kubernetes' messages.
 */

/** The mode of files whose volume says none: 0644 (the API server defaults defaultMode to it too). */
export const DEFAULT_MODE = 0o644;

function fromBase64(value: string): Buffer {
  return Buffer.from(value, 'base64');
}

/**
 * A ConfigMap's files: every key of data and binaryData, or only the listed items (at their paths,
 * with their modes). A listed key the ConfigMap lacks is an error unless the source is optional.
 */
export function configMapPayload(items: readonly corev1.KeyToPath[] | undefined, configMap: corev1.ConfigMap, defaultMode: number, optional: boolean): Payload {
  const payload: Payload = new Map();
  const data = configMap.data ?? {};
  const binary = configMap.binaryData ?? {};
  if (!items || items.length === 0) {
    for (const [key, value] of Object.entries(data)) payload.set(key, { data: Buffer.from(value), mode: defaultMode });
    for (const [key, value] of Object.entries(binary)) payload.set(key, { data: fromBase64(value), mode: defaultMode });
    return payload;
  }
  for (const item of items) {
    let content: Buffer;
    if (Object.hasOwn(data, item.key)) content = Buffer.from(data[item.key]!);
    else if (Object.hasOwn(binary, item.key)) content = fromBase64(binary[item.key]!);
    else if (optional) continue;
    else throw new Error(`configmap references non-existent config key: ${item.key}`);
    payload.set(item.path, { data: content, mode: item.mode ?? defaultMode });
  }
  return payload;
}

/** A Secret's files, as configMapPayload (its data is base64 on the wire). */
export function secretPayload(items: readonly corev1.KeyToPath[] | undefined, secret: corev1.Secret, defaultMode: number, optional: boolean): Payload {
  const payload: Payload = new Map();
  const data = secret.data ?? {};
  if (!items || items.length === 0) {
    for (const [key, value] of Object.entries(data)) payload.set(key, { data: fromBase64(value), mode: defaultMode });
    return payload;
  }
  for (const item of items) {
    if (!Object.hasOwn(data, item.key)) {
      if (optional) continue;
      throw new Error(`references non-existent secret key: ${item.key}`);
    }
    payload.set(item.path, { data: fromBase64(data[item.key]!), mode: item.mode ?? defaultMode });
  }
  return payload;
}

/**
 * A downwardAPI volume's files: pod metadata fields and container resources. Every item is
 * attempted; the failures are reported together (Kubernetes' aggregate message).
 */
export function downwardAPIPayload(
  items: readonly corev1.DownwardAPIVolumeFile[] | undefined,
  pod: corev1.Pod,
  defaultMode: number,
  allocatable: Readonly<Record<string, string>> | undefined,
): Payload {
  const payload: Payload = new Map();
  const errors: string[] = [];
  for (const item of items ?? []) {
    let content = Buffer.alloc(0);
    try {
      if (item.fieldRef) content = Buffer.from(extractFieldPathAsString(pod, item.fieldRef.fieldPath));
      else if (item.resourceFieldRef) content = Buffer.from(resourceFieldValue(item.resourceFieldRef, pod, undefined, allocatable));
    } catch (err) {
      errors.push((err as Error).message);
    }
    payload.set(cleanPath(item.path), { data: content, mode: item.mode ?? defaultMode });
  }
  if (errors.length > 0) throw new Error(aggregateMessage(errors));
  return payload;
}
