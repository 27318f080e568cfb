import type { Job } from 'kubernetes-types/batch/v1';
import type { Namespace, Service } from 'kubernetes-types/core/v1';
import { isIPv6String } from '../validation/ip';

/**
 * Create-time preparation Kubernetes' REST strategies do after decoding (and defaulting) and
 * before validating, for the kinds where validation depends on it. Unlike defaulting these run
 * on create only. Each mutates and returns its argument.
 */

/**
 * The namespace strategy's PrepareForCreate: status reset to phase Active and the `kubernetes`
 * finalizer added to spec.finalizers (appended when other finalizers are present), which the
 * namespace controller removes once the namespace's content is gone.
 */
export function prepareNamespaceForCreate(ns: Namespace): Namespace {
  (ns as { status?: Namespace['status'] }).status = { phase: 'Active' };
  const spec = (ns.spec ??= {});
  const finalizers = spec.finalizers ?? [];
  if (!finalizers.includes('kubernetes')) spec.finalizers = [...finalizers, 'kubernetes'];
  return ns;
}

/**
 * The job strategy's selector generation (unless `spec.manualSelector` is true): the template
 * gets `job-name`, `batch.kubernetes.io/job-name`, `controller-uid` and
 * `batch.kubernetes.io/controller-uid` labels (labels the user set are kept; validation rejects a
 * conflict), and the selector matches `batch.kubernetes.io/controller-uid`. Needs the uid the
 * apiserver assigned.
 */
export function generateJobSelector(job: Job): Job {
  const spec = job.spec;
  if (!spec || spec.manualSelector) return job;
  const name = job.metadata?.name ?? '';
  const uid = job.metadata?.uid ?? '';
  const template = (spec.template ??= {});
  const meta = (template.metadata ??= {});
  const labels = (meta.labels ??= {});
  const wanted: [string, string][] = [
    ['batch.kubernetes.io/controller-uid', uid],
    ['batch.kubernetes.io/job-name', name],
    ['controller-uid', uid],
    ['job-name', name],
  ];
  for (const [k, v] of wanted) if (!Object.hasOwn(labels, k)) labels[k] = v;
  const selector = (spec.selector ??= {});
  const matchLabels = (selector.matchLabels ??= {});
  if (!Object.hasOwn(matchLabels, 'batch.kubernetes.io/controller-uid')) matchLabels['batch.kubernetes.io/controller-uid'] = uid;
  return job;
}

/** Options of `prepareServiceForCreate`. */
export interface ServiceIPFamilyOptions {
  /**
   * The cluster's service IP families, primary first: `['IPv4']` (the default) for a
   * single-stack cluster, two entries for a dual-stack one.
   */
  clusterFamilies?: readonly ('IPv4' | 'IPv6')[];
}

/**
 * The service strategy's PrepareForCreate and the IP family part of its allocator, run before
 * validation: status cleared; `clusterIP` and `clusterIPs` made consistent; `ipFamilies`
 * inferred from given cluster IPs, else the cluster's primary family (both families for
 * dual-stack requests on a dual-stack cluster); `ipFamilyPolicy` SingleStack unless two families
 * are requested, and RequireDualStack for a headless Service without selector. Allocating the
 * cluster IP itself is the caller's (the apiserver's allocator). ExternalName Services are left
 * alone.
 */
export function prepareServiceForCreate(svc: Service, opts: ServiceIPFamilyOptions = {}): Service {
  (svc as { status?: Service['status'] }).status = {};
  const spec = (svc.spec ??= {});
  if (spec.type === 'ExternalName') return svc;
  if (spec.clusterIP && (spec.clusterIPs ?? []).length === 0) spec.clusterIPs = [spec.clusterIP];
  else if (!spec.clusterIP && (spec.clusterIPs ?? []).length > 0) spec.clusterIP = spec.clusterIPs![0];
  const cluster = opts.clusterFamilies && opts.clusterFamilies.length > 0 ? opts.clusterFamilies : (['IPv4'] as const);
  const families = [...(spec.ipFamilies ?? [])];
  (spec.clusterIPs ?? []).forEach((ip, i) => {
    if (ip === 'None' || i < families.length) return;
    families.push(isIPv6String(ip) ? 'IPv6' : 'IPv4');
  });
  if (families.length > 0) spec.ipFamilies = families;
  if (spec.ipFamilyPolicy === undefined && families.length === 2) spec.ipFamilyPolicy = 'RequireDualStack';
  const addSecondary = () => {
    const fams = spec.ipFamilies!;
    if (fams.length === 1 && cluster.length > 1) {
      const other = cluster.find((f) => f !== fams[0]);
      if (other) fams.push(other);
    }
  };
  if (spec.clusterIP === 'None' && Object.keys(spec.selector ?? {}).length === 0) {
    if (families.length === 0) spec.ipFamilies = [cluster[0]!];
    if (spec.ipFamilyPolicy === undefined) spec.ipFamilyPolicy = 'RequireDualStack';
    if (spec.ipFamilyPolicy === 'PreferDualStack' || spec.ipFamilyPolicy === 'RequireDualStack') addSecondary();
    return svc;
  }
  if (spec.ipFamilyPolicy === undefined) spec.ipFamilyPolicy = 'SingleStack';
  if ((spec.ipFamilies ?? []).length === 0) spec.ipFamilies = [cluster[0]!];
  if (spec.ipFamilyPolicy !== 'SingleStack') addSecondary();
  return svc;
}
