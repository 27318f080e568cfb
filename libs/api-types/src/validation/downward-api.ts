import type { ObjectFieldSelector, ResourceFieldSelector } from 'kubernetes-types/core/v1';
import { type FieldError, type FieldPath, invalid, notSupported, required } from './field';
import { isQualifiedName } from './name';
import { quantityAt } from './resources';

/** Downward API references (fieldRef, resourceFieldRef) in environment variables and volumes. */

/** Pod fields a downwardAPI volume file may expose. */
export const validVolumeDownwardAPIFieldPaths = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
/** Pod fields an environment variable may take its value from. */
export const validEnvDownwardAPIFieldPaths = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
const validContainerResourceFieldPaths = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];

/** Fields a pod's downward API may name at all (podshelper.ConvertDownwardAPIFieldLabel). */
const downwardAPIConvertible = new Set([
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'metadata.generateName',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.serviceAccountName',
  'spec.schedulerName',
  'status.phase',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
]);

/** `path['subscript']` split as Kubernetes' fieldpath.SplitMaybeSubscriptedPath does. */
function splitSubscriptedPath(fp: string): [string, string] | undefined {
  if (!fp.endsWith("']")) return undefined;
  const s = fp.slice(0, -2);
  const at = s.indexOf("['");
  if (at <= 0) return undefined;
  return [s.slice(0, at), s.slice(at + 2)];
}

/** A fieldRef: apiVersion v1 and one of the `allowed` fields, or a label or annotation subscript. */
export function validateObjectFieldSelector(fs: ObjectFieldSelector, allowed: readonly string[], path: FieldPath): FieldError[] {
  if (!fs.apiVersion) return [required(path.child('apiVersion'))];
  if (!fs.fieldPath) return [required(path.child('fieldPath'))];
  const converting = (why: string) => [invalid(path.child('fieldPath'), fs.fieldPath, `error converting fieldPath: ${why}`)];
  if (fs.apiVersion !== 'v1') return converting(`unsupported pod version: ${fs.apiVersion}`);
  const sub = splitSubscriptedPath(fs.fieldPath);
  if (sub) {
    const [base, key] = sub;
    if (base === 'metadata.annotations') return isQualifiedName(key.toLowerCase()).map((msg) => invalid(path, key.toLowerCase(), msg));
    if (base === 'metadata.labels') return isQualifiedName(key).map((msg) => invalid(path, key, msg));
    return converting(`field label does not support subscript: ${fs.fieldPath}`);
  }
  if (!downwardAPIConvertible.has(fs.fieldPath)) return converting(`field label not supported: ${fs.fieldPath}`);
  if (!allowed.includes(fs.fieldPath)) return [notSupported(path.child('fieldPath'), fs.fieldPath, allowed)];
  return [];
}

const cpuDivisors = ['1m', '1'];
const byteDivisors = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'];

/** A resourceFieldRef: a container resource (containerName required in volumes) and a supported divisor. */
export function validateResourceFieldSelector(fs: ResourceFieldSelector, path: FieldPath, volume: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const resource = fs.resource ?? '';
  if (volume && !fs.containerName) {
    errs.push(required(path.child('containerName')));
  } else if (!resource) {
    errs.push(required(path.child('resource')));
  } else if (
    !validContainerResourceFieldPaths.includes(resource) &&
    !resource.startsWith('requests.hugepages-') &&
    !resource.startsWith('limits.hugepages-')
  ) {
    errs.push(notSupported(path.child('resource'), resource, validContainerResourceFieldPaths));
  }
  if (fs.divisor !== undefined) {
    const q = quantityAt(fs.divisor, path.child('divisor'), errs);
    if (q && !q.zero) {
      const d = q.canonical;
      const onlyBytes = (what: string) =>
        invalid(path.child('divisor'), resource, `only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the ${what}`);
      if ((resource === 'limits.cpu' || resource === 'requests.cpu') && !cpuDivisors.includes(d)) {
        errs.push(invalid(path.child('divisor'), resource, "only divisor's values 1m and 1 are supported with the cpu resource"));
      }
      if ((resource === 'limits.memory' || resource === 'requests.memory') && !byteDivisors.includes(d)) {
        errs.push(onlyBytes('memory resource'));
      }
      if ((resource === 'limits.ephemeral-storage' || resource === 'requests.ephemeral-storage') && !byteDivisors.includes(d)) {
        errs.push(onlyBytes('local ephemeral storage resource'));
      }
      if ((resource.startsWith('requests.hugepages-') || resource.startsWith('limits.hugepages-')) && !byteDivisors.includes(d)) {
        errs.push(onlyBytes('hugepages resource'));
      }
    }
  }
  return errs;
}
