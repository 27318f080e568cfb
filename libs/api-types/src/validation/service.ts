import type { Service, ServicePort } from 'kubernetes-types/core/v1';
import { type FieldError, type FieldPath, duplicate, fieldPath, forbidden, internalError, invalid, notSupported, required } from './field';
import { isDualStackIPs, isIPv6String, validateCIDR, validateIP, validateNonSpecialIP } from './ip';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortName, isValidPortNum, nameIsDNS1035Label } from './name';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './object-meta';

/**
 * Service validation: ValidateService and ValidateServiceUpdate of k8s.io/kubernetes
 * pkg/apis/core/validation (v1.30), on a defaulted Service whose cluster IPs the apiserver has
 * already allocated (Kubernetes allocates before it validates).
 */

const KUBELET_PORT = 10250;
const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;
const supportedServiceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const supportedSessionAffinity = ['ClientIP', 'None'];
const supportedProtocols = ['SCTP', 'TCP', 'UDP'];
const supportedIPFamilies = ['IPv4', 'IPv6'];
const supportedIPFamilyPolicies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const LB_SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';
const TOPOLOGY_HINTS_ANNOTATION = 'service.kubernetes.io/topology-aware-hints';
const TOPOLOGY_MODE_ANNOTATION = 'service.kubernetes.io/topology-mode';

const isHeadless = (svc: Service) => svc.spec?.clusterIPs?.length === 1 && svc.spec.clusterIPs[0] === 'None';

/** LoadBalancer, NodePort, or ClusterIP with external IPs: the kinds that take external traffic. */
export function externallyAccessible(svc: Service): boolean {
  const t = svc.spec?.type;
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && (svc.spec?.externalIPs ?? []).length > 0);
}

/** LoadBalancer with externalTrafficPolicy Local: the kinds that get a health check node port. */
export function needsHealthCheck(svc: Service): boolean {
  return svc.spec?.type === 'LoadBalancer' && svc.spec.externalTrafficPolicy === 'Local';
}

function validatePortNumOrName(port: number | string | undefined, path: FieldPath): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((msg) => invalid(path, port, msg));
  if (typeof port === 'string') return isValidPortName(port).map((msg) => invalid(path, port, msg));
  return [internalError(path, `unknown type: ${typeof port}`)];
}

function validateServicePort(sp: ServicePort, requireName: boolean, names: Set<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !sp.name) {
    errs.push(required(path.child('name')));
  } else if (sp.name) {
    errs.push(...isDNS1123Label(sp.name).map((msg) => invalid(path.child('name'), sp.name, msg)));
    if (names.has(sp.name)) errs.push(duplicate(path.child('name'), sp.name));
    else names.add(sp.name);
  }
  for (const msg of isValidPortNum(sp.port)) errs.push(invalid(path.child('port'), sp.port, msg));
  if (!sp.protocol) errs.push(required(path.child('protocol')));
  else if (!supportedProtocols.includes(sp.protocol)) errs.push(notSupported(path.child('protocol'), sp.protocol, supportedProtocols));
  errs.push(...validatePortNumOrName(sp.targetPort, path.child('targetPort')));
  if (sp.appProtocol !== undefined) {
    errs.push(...isQualifiedName(sp.appProtocol).map((msg) => invalid(path.child('appProtocol'), sp.appProtocol, msg)));
  }
  return errs;
}

function validateClusterIPsRelatedFields(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const specPath = fieldPath('spec');
  const clusterIPsPath = specPath.child('clusterIPs');
  const clusterIPs = spec.clusterIPs ?? [];
  if (spec.clusterIP) {
    if (clusterIPs.length === 0) errs.push(required(clusterIPsPath));
    else if (clusterIPs[0] !== spec.clusterIP) errs.push(invalid(clusterIPsPath, clusterIPs, 'first value must match `clusterIP`'));
  } else if (clusterIPs.length !== 0) {
    errs.push(invalid(clusterIPsPath, clusterIPs, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  (spec.ipFamilies ?? []).forEach((fam, i) => {
    const p = specPath.child('ipFamilies').index(i);
    if (!supportedIPFamilies.includes(fam)) errs.push(notSupported(p, fam, supportedIPFamilies));
    if (seen.has(fam)) errs.push(duplicate(p, fam));
    seen.add(fam);
  });
  if (spec.ipFamilyPolicy !== undefined && !supportedIPFamilyPolicies.includes(spec.ipFamilyPolicy)) {
    errs.push(notSupported(specPath.child('ipFamilyPolicy'), spec.ipFamilyPolicy, supportedIPFamilyPolicies));
  }
  let hasInvalidIPs = false;
  clusterIPs.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (clusterIPs.length > 1) {
        hasInvalidIPs = true;
        errs.push(invalid(clusterIPsPath, clusterIPs, "'None' must be the first and only value"));
      }
      return;
    }
    const e = validateIP(clusterIPsPath.index(i), ip);
    if (e.length > 0) hasInvalidIPs = true;
    errs.push(...e);
  });
  if (clusterIPs.length > 2) errs.push(invalid(clusterIPsPath, clusterIPs, 'may only hold up to 2 values'));
  if (hasInvalidIPs) return errs;
  if (clusterIPs.length > 1 && !isDualStackIPs(clusterIPs)) {
    errs.push(invalid(clusterIPsPath, clusterIPs, 'may specify no more than one IP for each IP family'));
  }
  const families = spec.ipFamilies ?? [];
  if (!isHeadless(svc) && clusterIPs.length > 0 && families.length > 0) {
    clusterIPs.forEach((ip, i) => {
      if (i > families.length - 1) return;
      if (families[i] === 'IPv4' && isIPv6String(ip)) {
        errs.push(invalid(clusterIPsPath.index(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      }
      if (families[i] === 'IPv6' && !isIPv6String(ip)) {
        errs.push(invalid(clusterIPsPath.index(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
      }
    });
  }
  return errs;
}

/** A Service on create (and, with the update checks, on update): ValidateService. */
export function validateService(svc: Service): FieldError[] {
  const metaPath = fieldPath('metadata');
  const errs = validateObjectMeta(svc.metadata, { namespaced: true, nameValidator: nameIsDNS1035Label }, metaPath);
  const annotations = svc.metadata?.annotations ?? {};
  if (
    Object.hasOwn(annotations, TOPOLOGY_MODE_ANNOTATION) &&
    Object.hasOwn(annotations, TOPOLOGY_HINTS_ANNOTATION) &&
    annotations[TOPOLOGY_MODE_ANNOTATION] !== annotations[TOPOLOGY_HINTS_ANNOTATION]
  ) {
    errs.push(
      invalid(
        metaPath.child('annotations').key(TOPOLOGY_MODE_ANNOTATION),
        annotations[TOPOLOGY_MODE_ANNOTATION],
        `must match annotations[${TOPOLOGY_HINTS_ANNOTATION}] when both are specified`,
      ),
    );
  }
  const spec = svc.spec ?? {};
  const specPath = fieldPath('spec');
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !isHeadless(svc) && spec.type !== 'ExternalName') errs.push(required(specPath.child('ports')));
  switch (spec.type) {
    case 'LoadBalancer':
      ports.forEach((p, i) => {
        if (p.port === KUBELET_PORT) {
          errs.push(invalid(specPath.child('ports').index(i), p.port, `may not expose port ${KUBELET_PORT} externally since it is used by kubelet`));
        }
      });
      if (isHeadless(svc)) errs.push(invalid(specPath.child('clusterIPs').index(0), 'None', "may not be set to 'None' for LoadBalancer services"));
      break;
    case 'NodePort':
      if (isHeadless(svc)) errs.push(invalid(specPath.child('clusterIPs').index(0), 'None', "may not be set to 'None' for NodePort services"));
      break;
    case 'ExternalName': {
      if ((spec.clusterIPs ?? []).length > 0) errs.push(forbidden(specPath.child('clusterIPs'), 'may not be set for ExternalName services'));
      if ((spec.ipFamilies ?? []).length > 0) errs.push(forbidden(specPath.child('ipFamilies'), 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy !== undefined) errs.push(forbidden(specPath.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
      const cname = (spec.externalName ?? '').replace(/\.$/, '');
      if (cname) errs.push(...isDNS1123Subdomain(cname).map((msg) => invalid(specPath.child('externalName'), cname, msg)));
      else errs.push(required(specPath.child('externalName')));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, specPath.child('ports').index(i))));
  if (spec.selector) errs.push(...validateLabels(spec.selector, specPath.child('selector')));
  if (!spec.sessionAffinity) errs.push(required(specPath.child('sessionAffinity')));
  else if (!supportedSessionAffinity.includes(spec.sessionAffinity)) {
    errs.push(notSupported(specPath.child('sessionAffinity'), spec.sessionAffinity, supportedSessionAffinity));
  }
  if (spec.sessionAffinity === 'ClientIP') {
    const p = specPath.child('sessionAffinityConfig');
    const cfg = spec.sessionAffinityConfig;
    const detail = 'when session affinity type is ClientIP';
    if (!cfg) errs.push(required(p, detail));
    else if (!cfg.clientIP) errs.push(required(p.child('clientIP'), detail));
    else if (cfg.clientIP.timeoutSeconds === undefined) errs.push(required(p.child('clientIP', 'timeoutSeconds'), detail));
    else {
      const t = cfg.clientIP.timeoutSeconds;
      if (t <= 0 || t > MAX_CLIENT_IP_AFFINITY_SECONDS) {
        errs.push(invalid(p.child('clientIP', 'timeoutSeconds'), t, `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`));
      }
    }
  } else if (spec.sessionAffinity === 'None' && spec.sessionAffinityConfig) {
    errs.push(forbidden(specPath.child('sessionAffinityConfig'), 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPsRelatedFields(svc));
  (spec.externalIPs ?? []).forEach((ip, i) => {
    const p = specPath.child('externalIPs').index(i);
    const e = validateIP(p, ip);
    errs.push(...(e.length > 0 ? e : validateNonSpecialIP(p, ip)));
  });
  if (!spec.type) errs.push(required(specPath.child('type')));
  else if (!supportedServiceTypes.includes(spec.type)) errs.push(notSupported(specPath.child('type'), spec.type, supportedServiceTypes));
  if (spec.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(forbidden(specPath.child('ports').index(i).child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const key = `${p.protocol ?? ''}/${p.nodePort}`;
    if (nodePorts.has(key)) errs.push(duplicate(specPath.child('ports').index(i).child('nodePort'), p.nodePort));
    nodePorts.add(key);
  });
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol ?? ''}/${p.port}`;
    if (portKeys.has(key)) errs.push(duplicate(specPath.child('ports').index(i), { port: p.port, protocol: p.protocol ?? '' }));
    portKeys.add(key);
  });
  if ((spec.loadBalancerSourceRanges ?? []).length > 0) {
    // Kubernetes spells this path with a capital L.
    const p = specPath.child('LoadBalancerSourceRanges');
    if (spec.type !== 'LoadBalancer') errs.push(forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    spec.loadBalancerSourceRanges!.forEach((v, i) => errs.push(...validateCIDR(p.index(i), v.trim())));
  } else if (Object.hasOwn(annotations, LB_SOURCE_RANGES_ANNOTATION)) {
    const p = fieldPath('metadata', 'annotations').key(LB_SOURCE_RANGES_ANNOTATION);
    if (spec.type !== 'LoadBalancer') errs.push(forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    const val = annotations[LB_SOURCE_RANGES_ANNOTATION]!.trim();
    if (val) for (const cidr of val.split(',')) errs.push(...validateCIDR(p, cidr.trim()));
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.type !== 'LoadBalancer') {
    errs.push(forbidden(specPath.child('allocateLoadBalancerNodePorts'), "may only be used when `type` is 'LoadBalancer'"));
  }
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) {
    errs.push(required(fieldPath('allocateLoadBalancerNodePorts')));
  }
  if (spec.type === 'LoadBalancer') {
    if (spec.loadBalancerClass !== undefined) {
      errs.push(...isQualifiedName(spec.loadBalancerClass).map((msg) => invalid(specPath.child('loadBalancerClass'), spec.loadBalancerClass, msg)));
    }
  } else if (spec.loadBalancerClass !== undefined) {
    errs.push(forbidden(specPath.child('loadBalancerClass'), "may only be used when `type` is 'LoadBalancer'"));
  }
  if (!externallyAccessible(svc)) {
    if (spec.externalTrafficPolicy) {
      errs.push(invalid(specPath.child('externalTrafficPolicy'), spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
    }
  } else if (!spec.externalTrafficPolicy) {
    errs.push(required(specPath.child('externalTrafficPolicy')));
  } else if (spec.externalTrafficPolicy !== 'Cluster' && spec.externalTrafficPolicy !== 'Local') {
    errs.push(notSupported(specPath.child('externalTrafficPolicy'), spec.externalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (!needsHealthCheck(svc)) {
    if (spec.healthCheckNodePort) {
      errs.push(
        invalid(
          specPath.child('healthCheckNodePort'),
          spec.healthCheckNodePort,
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        ),
      );
    }
  } else if (!spec.healthCheckNodePort) {
    errs.push(required(specPath.child('healthCheckNodePort')));
  } else {
    for (const msg of isValidPortNum(spec.healthCheckNodePort)) errs.push(invalid(specPath.child('healthCheckNodePort'), spec.healthCheckNodePort, msg));
  }
  if (spec.internalTrafficPolicy === undefined) {
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') {
      errs.push(required(specPath.child('internalTrafficPolicy')));
    }
  } else if (spec.internalTrafficPolicy !== 'Cluster' && spec.internalTrafficPolicy !== 'Local') {
    errs.push(notSupported(specPath.child('internalTrafficPolicy'), spec.internalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (spec.trafficDistribution !== undefined && spec.trafficDistribution !== 'PreferClose') {
    errs.push(notSupported(specPath.child('trafficDistribution'), spec.trafficDistribution, ['PreferClose']));
  }
  return errs;
}

function validateUpgradeDowngradeClusterIPs(old: Service, svc: Service): FieldError[] {
  if (svc.spec?.type === 'ExternalName' || old.spec?.type === 'ExternalName') return [];
  if (isHeadless(old) && isHeadless(svc)) return [];
  const errs: FieldError[] = [];
  const oldIPs = old.spec?.clusterIPs ?? [];
  const newIPs = svc.spec?.clusterIPs ?? [];
  const p = fieldPath('spec', 'clusterIPs');
  if (oldIPs.length === newIPs.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== newIPs[i]) errs.push(invalid(p.index(i), newIPs, 'may not change once set'));
    });
  } else if (oldIPs.length > newIPs.length) {
    if (newIPs.length === 0) errs.push(invalid(p.index(0), newIPs, 'primary clusterIP can not be unset'));
    if (oldIPs.length > 0 && newIPs.length > 0 && newIPs[0] !== oldIPs[0]) errs.push(invalid(p.index(0), newIPs, 'may not change once set'));
    if (newIPs.length === 1 && svc.spec?.ipFamilyPolicy !== 'SingleStack') {
      errs.push(
        invalid(fieldPath('spec', 'ipFamilyPolicy'), svc.spec?.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"),
      );
    }
  } else if (oldIPs.length > 0 && newIPs[0] !== oldIPs[0]) {
    errs.push(invalid(p.index(0), newIPs, 'may not change once set'));
  }
  return errs;
}

function validateUpgradeDowngradeIPFamilies(old: Service, svc: Service): FieldError[] {
  if (svc.spec?.type === 'ExternalName' || old.spec?.type === 'ExternalName') return [];
  if (isHeadless(old) !== isHeadless(svc) || isHeadless(svc)) return [];
  const errs: FieldError[] = [];
  const oldF = old.spec?.ipFamilies ?? [];
  const newF = svc.spec?.ipFamilies ?? [];
  const newIPs = svc.spec?.clusterIPs ?? [];
  const p = fieldPath('spec', 'ipFamilies');
  if (oldF.length === newF.length) {
    oldF.forEach((f, i) => {
      if (f !== newF[i]) errs.push(invalid(p.index(0), newF, 'may not change once set'));
    });
  } else if (oldF.length > newF.length) {
    if (newIPs.length === 0) errs.push(invalid(p.index(0), newF, 'primary ipFamily can not be unset'));
    if (newF.length > 0 && newF[0] !== oldF[0]) errs.push(invalid(p.index(0), newIPs, 'may not change once set'));
    if (newF.length === 1 && svc.spec?.ipFamilyPolicy !== 'SingleStack') {
      errs.push(
        invalid(fieldPath('spec', 'ipFamilyPolicy'), svc.spec?.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"),
      );
    }
  } else if (oldF.length > 0 && newF.length > 0 && newF[0] !== oldF[0]) {
    errs.push(invalid(p.index(0), newIPs, 'may not change once set'));
  }
  return errs;
}

/** A Service update: ValidateServiceUpdate. */
export function validateServiceUpdate(svc: Service, old: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  errs.push(...validateUpgradeDowngradeClusterIPs(old, svc));
  errs.push(...validateUpgradeDowngradeIPFamilies(old, svc));
  if (old.spec?.type === 'LoadBalancer' && svc.spec?.type === 'LoadBalancer' && old.spec.loadBalancerClass !== svc.spec.loadBalancerClass) {
    errs.push(invalid(fieldPath('spec', 'loadBalancerClass'), svc.spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  if (needsHealthCheck(old) && needsHealthCheck(svc) && old.spec?.healthCheckNodePort !== svc.spec?.healthCheckNodePort) {
    errs.push(forbidden(fieldPath('spec', 'healthCheckNodePort'), 'field is immutable'));
  }
  errs.push(...validateService(svc));
  return errs;
}
