import type { ResourceRequirements } from 'kubernetes-types/core/v1';
import { IS_NOT_INTEGER_ERROR_MSG } from './constants';
import { type FieldError, type FieldPath, duplicate, forbidden, invalid, required } from './field';
import { isQualifiedName } from './name';
import { IS_NEGATIVE_ERROR_MSG } from './object-meta';
import { type CheckedQuantity, checkQuantity } from './quantities';

/**
 * Resource names and quantities of containers (requests and limits) and pod overhead, as
 * Kubernetes' ValidateResourceRequirements and its helpers check them.
 */

/** A quantity string parsed for validation, reporting a malformed one at `path`. */
export function quantityAt(value: unknown, path: FieldPath, errs: FieldError[]): CheckedQuantity | undefined {
  const s = typeof value === 'number' ? String(value) : value;
  if (typeof s !== 'string') {
    errs.push(invalid(path, value, 'must be a quantity'));
    return undefined;
  }
  const q = checkQuantity(s);
  if (typeof q === 'string') {
    errs.push(invalid(path, s, q));
    return undefined;
  }
  return q;
}

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);
const standardResources = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);
const integerResources = new Set([
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

const isHugePageResourceName = (name: string) => name.startsWith('hugepages-');
const isQuotaHugePageResourceName = (name: string) => name.startsWith('hugepages-') || name.startsWith('requests.hugepages-');
/** No `/`, or in the kubernetes.io domain. */
const isNativeResource = (name: string) => !name.includes('/') || name.includes('kubernetes.io/');
/** Extended resources (`example.com/gpu`) can only be requested in whole units and never overcommitted. */
function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName('requests.' + name).length === 0;
}
const isOvercommitAllowed = (name: string) => isNativeResource(name) && !isHugePageResourceName(name);
const isIntegerResourceName = (name: string) => integerResources.has(name) || isExtendedResourceName(name);

function validateResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => invalid(path, name, msg));
  if (errs.length > 0) return errs;
  if (!name.includes('/') && !standardResources.has(name) && !isQuotaHugePageResourceName(name)) {
    return [invalid(path, name, 'must be a standard resource type or fully qualified')];
  }
  return [];
}

function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!standardContainerResources.has(name) && !isHugePageResourceName(name)) {
      errs.push(invalid(path, name, 'must be a standard resource for containers'));
    }
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** A quantity of a named resource: not negative, and whole for integer resources. */
export function validateResourceQuantityValue(
  name: string,
  q: CheckedQuantity,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  if (q.negative) errs.push(invalid(path, q.canonical, IS_NEGATIVE_ERROR_MSG));
  if (isIntegerResourceName(name) && !q.integer) errs.push(invalid(path, q.canonical, IS_NOT_INTEGER_ERROR_MSG));
  return errs;
}

/**
 * Container resources: known resource names, non-negative quantities, and requests not above
 * limits: `requests: Invalid value: "1": must be less than or equal to cpu limit of 500m`.
 * Extended resources and huge pages must have requests equal to limits.
 */
export function validateResourceRequirements(req: ResourceRequirements | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  const limits = new Map<string, CheckedQuantity>();
  let limCpuMem = false;
  let reqCpuMem = false;
  let hugePages = false;
  for (const [name, raw] of Object.entries(req?.limits ?? {})) {
    const p = limPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const q = quantityAt(raw, p, errs);
    if (q) {
      errs.push(...validateResourceQuantityValue(name, q, p));
      limits.set(name, q);
    }
    if (isHugePageResourceName(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') limCpuMem = true;
  }
  for (const [name, raw] of Object.entries(req?.requests ?? {})) {
    const p = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const q = quantityAt(raw, p, errs);
    if (q) {
      errs.push(...validateResourceQuantityValue(name, q, p));
      const limit = limits.get(name);
      if (limit) {
        const cmp = q.compare(limit);
        if (cmp !== 0 && !isOvercommitAllowed(name)) {
          errs.push(invalid(reqPath, q.canonical, `must be equal to ${name} limit of ${limit.canonical}`));
        } else if (cmp > 0) {
          errs.push(invalid(reqPath, q.canonical, `must be less than or equal to ${name} limit of ${limit.canonical}`));
        }
      } else if (!isOvercommitAllowed(name) && !Object.hasOwn(req?.limits ?? {}, name)) {
        errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
      }
    }
    if (isHugePageResourceName(name)) hugePages = true;
    if (name === 'cpu' || name === 'memory') reqCpuMem = true;
  }
  if (!limCpuMem && !reqCpuMem && hugePages) errs.push(forbidden(path, 'HugePages require cpu or memory'));
  const claims = new Set<string>();
  (req?.claims ?? []).forEach((c, i) => {
    if (!c.name) {
      errs.push(required(path.child('claims').index(i)));
    } else if (claims.has(c.name)) {
      errs.push(duplicate(path.child('claims').index(i), c.name));
    } else {
      claims.add(c.name);
    }
  });
  return errs;
}
