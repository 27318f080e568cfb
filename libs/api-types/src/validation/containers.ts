import type {
  Container,
  ContainerPort,
  EnvFromSource,
  EnvVar,
  EphemeralContainer,
  HTTPGetAction,
  Lifecycle,
  LifecycleHandler,
  PodSpec,
  Probe,
  Volume,
  VolumeMount,
} from 'kubernetes-types/core/v1';
import { validEnvDownwardAPIFieldPaths, validateObjectFieldSelector, validateResourceFieldSelector } from './downward-api';
import { type FieldError, type FieldPath, duplicate, forbidden, internalError, invalid, notFound, notSupported, required } from './field';
import { isConfigMapKey, isDNS1123Label, isEnvVarName, isHTTPHeaderName, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from './name';
import { validateNonnegativeField } from './object-meta';
import { validateLocalDescendingPath } from './paths';
import { validateResourceRequirements } from './resources';
import { validateSecurityContext } from './security-context';

/**
 * Containers, init containers and ephemeral containers of a pod spec: names, images, ports,
 * environment, mounts, probes and lifecycle handlers, as Kubernetes' validateContainers and
 * validateInitContainers check them.
 */

const supportedPortProtocols = ['SCTP', 'TCP', 'UDP'];

function validateContainerPorts(ports: ContainerPort[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = path.index(i);
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length > 0) for (const msg of msgs) errs.push(invalid(p.child('name'), port.name, msg));
      else if (names.has(port.name)) errs.push(duplicate(p.child('name'), port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(required(p.child('containerPort')));
    else for (const msg of isValidPortNum(port.containerPort)) errs.push(invalid(p.child('containerPort'), port.containerPort, msg));
    if (port.hostPort) {
      for (const msg of isValidPortNum(port.hostPort)) errs.push(invalid(p.child('hostPort'), port.hostPort, msg));
    }
    if (!port.protocol) errs.push(required(p.child('protocol')));
    else if (!supportedPortProtocols.includes(port.protocol)) errs.push(notSupported(p.child('protocol'), port.protocol, supportedPortProtocols));
  });
  return errs;
}

function validateEnv(vars: EnvVar[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const p = path.index(i);
    if (!ev.name) errs.push(required(p.child('name')));
    else for (const msg of isEnvVarName(ev.name)) errs.push(invalid(p.child('name'), ev.name, msg));
    errs.push(...validateEnvVarValueFrom(ev, p.child('valueFrom')));
  });
  return errs;
}

function validateKeySelector(s: { name?: string; key: string }, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const msg of nameIsDNSSubdomain(s.name ?? '', false)) errs.push(invalid(path.child('name'), s.name ?? '', msg));
  if (!s.key) errs.push(required(path.child('key')));
  else for (const msg of isConfigMapKey(s.key)) errs.push(invalid(path.child('key'), s.key, msg));
  return errs;
}

function validateEnvVarValueFrom(ev: EnvVar, path: FieldPath): FieldError[] {
  const vf = ev.valueFrom;
  if (!vf) return [];
  const errs: FieldError[] = [];
  let n = 0;
  if (vf.fieldRef) {
    n++;
    errs.push(...validateObjectFieldSelector(vf.fieldRef, validEnvDownwardAPIFieldPaths, path.child('fieldRef')));
  }
  if (vf.resourceFieldRef) {
    n++;
    errs.push(...validateResourceFieldSelector(vf.resourceFieldRef, path.child('resourceFieldRef'), false));
  }
  if (vf.configMapKeyRef) {
    n++;
    errs.push(...validateKeySelector(vf.configMapKeyRef, path.child('configMapKeyRef')));
  }
  if (vf.secretKeyRef) {
    n++;
    errs.push(...validateKeySelector(vf.secretKeyRef, path.child('secretKeyRef')));
  }
  if (n === 0) {
    errs.push(invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  } else if (ev.value) {
    errs.push(invalid(path, '', 'may not be specified when `value` is not empty'));
  } else if (n > 1) {
    errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

function validateEnvFrom(sources: EnvFromSource[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (sources ?? []).forEach((src, i) => {
    const p = path.index(i);
    if (src.prefix) for (const msg of isEnvVarName(src.prefix)) errs.push(invalid(p.child('prefix'), src.prefix, msg));
    let n = 0;
    for (const [key, ref] of [
      ['configMapRef', src.configMapRef],
      ['secretRef', src.secretRef],
    ] as const) {
      if (!ref) continue;
      n++;
      if (!ref.name) errs.push(required(p.child(key, 'name')));
      else for (const msg of nameIsDNSSubdomain(ref.name, true)) errs.push(invalid(p.child(key, 'name'), ref.name, msg));
    }
    if (n === 0) errs.push(invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

const supportedMountPropagations = ['Bidirectional', 'HostToContainer', 'None'];

function validateVolumeMounts(
  ctr: Container,
  volumes: ReadonlyMap<string, Volume>,
  extraNames: readonly string[],
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  const devices = new Map((ctr.volumeDevices ?? []).map((d) => [d.name, d.devicePath]));
  const devicePaths = new Set(devices.values());
  (ctr.volumeMounts ?? []).forEach((m: VolumeMount, i) => {
    const p = path.index(i);
    if (!m.name) errs.push(required(p.child('name')));
    if (!volumes.has(m.name) && !extraNames.includes(m.name)) errs.push(notFound(p.child('name'), m.name));
    if (!m.mountPath) errs.push(required(p.child('mountPath')));
    if (mountPoints.has(m.mountPath)) errs.push(invalid(p.child('mountPath'), m.mountPath, 'must be unique'));
    mountPoints.add(m.mountPath);
    if (devices.has(m.name)) errs.push(invalid(p.child('name'), m.name, 'must not already exist in volumeDevices'));
    if (devicePaths.has(m.mountPath)) {
      errs.push(invalid(p.child('mountPath'), m.mountPath, 'must not already exist as a path in volumeDevices'));
    }
    // Kubernetes reports subPath problems at the list's path, not the item's.
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, path.child('subPath')));
    if (m.subPathExpr) {
      if (m.subPath) errs.push(invalid(p.child('subPathExpr'), m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(m.subPathExpr, path.child('subPathExpr')));
    }
    if (m.mountPropagation !== undefined) {
      const mp = path.child('mountPropagation');
      if (!supportedMountPropagations.includes(m.mountPropagation)) errs.push(notSupported(mp, m.mountPropagation, supportedMountPropagations));
      if (m.mountPropagation === 'Bidirectional' && ctr.securityContext?.privileged !== true) {
        errs.push(forbidden(mp, 'Bidirectional mount propagation is available only to privileged containers'));
      }
    }
    if (m.recursiveReadOnly !== undefined) {
      const rp = path.child('recursiveReadOnly');
      switch (m.recursiveReadOnly) {
        case 'Disabled':
          break;
        case 'Enabled':
        case 'IfPossible':
          if (!m.readOnly) errs.push(forbidden(rp, 'may only be specified when readOnly is true'));
          if (m.mountPropagation !== undefined && m.mountPropagation !== 'None') {
            errs.push(forbidden(rp, 'may only be specified when mountPropagation is None or not specified'));
          }
          break;
        default:
          errs.push(notSupported(rp, m.recursiveReadOnly, ['Disabled', 'Enabled', 'IfPossible']));
      }
    }
  });
  return errs;
}

function validateVolumeDevices(ctr: Container, volumes: ReadonlyMap<string, Volume>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  const names = new Set<string>();
  const mounts = new Map((ctr.volumeMounts ?? []).map((m) => [m.name, m.mountPath]));
  const mountPaths = new Set(mounts.values());
  (ctr.volumeDevices ?? []).forEach((d, i) => {
    const p = path.index(i);
    const vol = volumes.get(d.name);
    if (!d.name) errs.push(required(p.child('name')));
    if (names.has(d.name)) errs.push(invalid(p.child('name'), d.name, 'must be unique'));
    if (vol && !vol.persistentVolumeClaim && !vol.ephemeral) {
      errs.push(invalid(p.child('name'), d.name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    }
    if (!vol) errs.push(notFound(p.child('name'), d.name));
    if (!d.devicePath) errs.push(required(p.child('devicePath')));
    if (paths.has(d.devicePath)) errs.push(invalid(p.child('devicePath'), d.devicePath, 'must be unique'));
    if (d.devicePath && d.devicePath.split('/').includes('..')) {
      errs.push(invalid(p.child('devicePath'), d.devicePath, "can not contain backsteps ('..')"));
    } else {
      paths.add(d.devicePath);
    }
    if (mounts.has(d.name)) errs.push(invalid(p.child('name'), d.name, 'must not already exist in volumeMounts'));
    if (mountPaths.has(d.devicePath)) errs.push(invalid(p.child('devicePath'), d.devicePath, 'must not already exist as a path in volumeMounts'));
    if (d.name) names.add(d.name);
  });
  return errs;
}

const supportedPullPolicies = ['Always', 'IfNotPresent', 'Never'];

function validateResizePolicy(ctr: Container, path: FieldPath, podRestartPolicy: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (ctr.resizePolicy ?? []).forEach((p, i) => {
    if (seen.has(p.resourceName)) errs.push(duplicate(path.index(i), p.resourceName));
    seen.add(p.resourceName);
    if (!p.resourceName) errs.push(required(path));
    else if (p.resourceName !== 'cpu' && p.resourceName !== 'memory') errs.push(notSupported(path, p.resourceName, ['cpu', 'memory']));
    if (!p.restartPolicy) errs.push(required(path));
    else if (p.restartPolicy !== 'NotRequired' && p.restartPolicy !== 'RestartContainer') {
      errs.push(notSupported(path, p.restartPolicy, ['NotRequired', 'RestartContainer']));
    }
    if (podRestartPolicy === 'Never' && p.restartPolicy !== 'NotRequired') {
      errs.push(invalid(path, p.restartPolicy, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
    }
  });
  return errs;
}

/** What container validation needs to know about the pod around the containers. */
export interface ContainerContext {
  /** The pod's valid volumes by name: what volumeMounts and volumeDevices may refer to. */
  volumes: ReadonlyMap<string, Volume>;
  /** Further names mounts may refer to (a StatefulSet's claim templates). */
  extraVolumeNames: readonly string[];
  /** The pod's restartPolicy, which constrains resize policies. */
  podRestartPolicy: string;
  /** Whether the pod shares the host's user namespace (`hostUsers` unset or true). */
  hostUsers: boolean;
  /** terminationGracePeriodSeconds, the upper bound of sleep lifecycle handlers. */
  gracePeriod: number;
}

function validateContainerCommon(ctr: Container, path: FieldPath, cx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const namePath = path.child('name');
  if (!ctr.name) errs.push(required(namePath));
  else for (const msg of isDNS1123Label(ctr.name)) errs.push(invalid(namePath, ctr.name, msg));
  if (!ctr.image) errs.push(required(path.child('image')));
  const tmp = ctr.terminationMessagePolicy;
  if (!tmp) errs.push(required(path.child('terminationMessagePolicy')));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(notSupported(path.child('terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  }
  errs.push(...validateContainerPorts(ctr.ports, path.child('ports')));
  errs.push(...validateEnv(ctr.env, path.child('env')));
  errs.push(...validateEnvFrom(ctr.envFrom, path.child('envFrom')));
  errs.push(...validateVolumeMounts(ctr, cx.volumes, cx.extraVolumeNames, path.child('volumeMounts')));
  errs.push(...validateVolumeDevices(ctr, cx.volumes, path.child('volumeDevices')));
  const pull = ctr.imagePullPolicy;
  if (!pull) errs.push(required(path.child('imagePullPolicy')));
  else if (!supportedPullPolicies.includes(pull)) errs.push(notSupported(path.child('imagePullPolicy'), pull, supportedPullPolicies));
  errs.push(...validateResourceRequirements(ctr.resources, path.child('resources')));
  errs.push(...validateResizePolicy(ctr, path.child('resizePolicy'), cx.podRestartPolicy));
  errs.push(...validateSecurityContext(ctr.securityContext, path.child('securityContext'), cx.hostUsers));
  return errs;
}

type Handler = Pick<LifecycleHandler, 'exec' | 'httpGet' | 'tcpSocket' | 'sleep'> & { grpc?: Probe['grpc'] };

function validatePortNumOrName(port: number | string | undefined, path: FieldPath): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((msg) => invalid(path, port, msg));
  if (typeof port === 'string') return isValidPortName(port).map((msg) => invalid(path, port, msg));
  return [internalError(path, `unknown type: ${typeof port}`)];
}

function validateHTTPGet(http: HTTPGetAction, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!http.path) errs.push(required(path.child('path')));
  errs.push(...validatePortNumOrName(http.port, path.child('port')));
  if (http.scheme !== 'HTTP' && http.scheme !== 'HTTPS') errs.push(notSupported(path.child('scheme'), http.scheme ?? '', ['HTTP', 'HTTPS']));
  for (const h of http.httpHeaders ?? []) {
    for (const msg of isHTTPHeaderName(h.name)) errs.push(invalid(path.child('httpHeaders'), h.name, msg));
  }
  return errs;
}

function validateHandler(h: Handler, gracePeriod: number, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  const one = (name: string, check: () => FieldError[]) => {
    if (n > 0) {
      errs.push(forbidden(path.child(name), 'may not specify more than 1 handler type'));
    } else {
      n++;
      errs.push(...check());
    }
  };
  if (h.exec) one('exec', () => ((h.exec!.command ?? []).length === 0 ? [required(path.child('exec', 'command'))] : []));
  if (h.httpGet) one('httpGet', () => validateHTTPGet(h.httpGet!, path.child('httpGet')));
  if (h.tcpSocket) one('tcpSocket', () => validatePortNumOrName(h.tcpSocket!.port, path.child('tcpSocket', 'port')));
  if (h.grpc) one('grpc', () => validatePortNumOrName(h.grpc!.port, path.child('grpc', 'port')));
  if (h.sleep) {
    one('sleep', () => {
      const s = h.sleep!.seconds;
      return s <= 0 || s > gracePeriod
        ? [invalid(path.child('sleep'), s, `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod})`)]
        : [];
    });
  }
  if (n === 0) errs.push(required(path, 'must specify a handler type'));
  return errs;
}

function validateLifecycle(lc: Lifecycle, gracePeriod: number, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (lc.postStart) errs.push(...validateHandler(lc.postStart, gracePeriod, path.child('postStart')));
  if (lc.preStop) errs.push(...validateHandler(lc.preStop, gracePeriod, path.child('preStop')));
  return errs;
}

function validateProbe(probe: Probe, gracePeriod: number, path: FieldPath): FieldError[] {
  const errs = validateHandler(
    { exec: probe.exec, httpGet: probe.httpGet, tcpSocket: probe.tcpSocket, grpc: probe.grpc },
    gracePeriod,
    path,
  );
  errs.push(...validateNonnegativeField(probe.initialDelaySeconds ?? 0, path.child('initialDelaySeconds')));
  errs.push(...validateNonnegativeField(probe.timeoutSeconds ?? 0, path.child('timeoutSeconds')));
  errs.push(...validateNonnegativeField(probe.periodSeconds ?? 0, path.child('periodSeconds')));
  errs.push(...validateNonnegativeField(probe.successThreshold ?? 0, path.child('successThreshold')));
  errs.push(...validateNonnegativeField(probe.failureThreshold ?? 0, path.child('failureThreshold')));
  if (probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds <= 0) {
    errs.push(invalid(path.child('terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  return errs;
}

function validateProbes(ctr: Container, gracePeriod: number, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (ctr.livenessProbe) {
    errs.push(...validateProbe(ctr.livenessProbe, gracePeriod, path.child('livenessProbe')));
    if ((ctr.livenessProbe.successThreshold ?? 0) !== 1) {
      errs.push(invalid(path.child('livenessProbe', 'successThreshold'), ctr.livenessProbe.successThreshold ?? 0, 'must be 1'));
    }
  }
  if (ctr.readinessProbe) {
    errs.push(...validateProbe(ctr.readinessProbe, gracePeriod, path.child('readinessProbe')));
    if (ctr.readinessProbe.terminationGracePeriodSeconds !== undefined) {
      errs.push(
        invalid(
          path.child('readinessProbe', 'terminationGracePeriodSeconds'),
          ctr.readinessProbe.terminationGracePeriodSeconds,
          'must not be set for readinessProbes',
        ),
      );
    }
  }
  if (ctr.startupProbe) {
    errs.push(...validateProbe(ctr.startupProbe, gracePeriod, path.child('startupProbe')));
    if ((ctr.startupProbe.successThreshold ?? 0) !== 1) {
      errs.push(invalid(path.child('startupProbe', 'successThreshold'), ctr.startupProbe.successThreshold ?? 0, 'must be 1'));
    }
  }
  return errs;
}

/** Host ports are unique per protocol and host IP across the given containers. */
function checkHostPortConflicts(containers: readonly Container[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((ctr, ci) => {
    (ctr.ports ?? []).forEach((port, pi) => {
      if (!port.hostPort) return;
      const key = `${port.protocol ?? ''}/${port.hostIP ?? ''}/${port.hostPort}`;
      if (seen.has(key)) errs.push(duplicate(path.index(ci).child('ports').index(pi).child('hostPort'), key));
      else seen.add(key);
    });
  });
  return errs;
}

/** The regular containers: at least one, unique names, probes and lifecycle allowed, no restartPolicy, unique host ports. */
export function validateContainers(containers: Container[] | undefined, path: FieldPath, cx: ContainerContext): FieldError[] {
  const list = containers ?? [];
  if (list.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((ctr, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(ctr, p, cx));
    if (names.has(ctr.name)) errs.push(duplicate(p.child('name'), ctr.name));
    else names.add(ctr.name);
    if (ctr.lifecycle) errs.push(...validateLifecycle(ctr.lifecycle, cx.gracePeriod, p.child('lifecycle')));
    errs.push(...validateProbes(ctr, cx.gracePeriod, p));
    if (ctr.restartPolicy !== undefined) errs.push(forbidden(p.child('restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(list, path));
  return errs;
}

/** Init containers: names unique among all containers; probes and lifecycle only for restartable (sidecar) ones. */
export function validateInitContainers(
  initContainers: Container[] | undefined,
  containers: Container[] | undefined,
  path: FieldPath,
  cx: ContainerContext,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set((containers ?? []).map((c) => c.name));
  (initContainers ?? []).forEach((ctr, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(ctr, p, cx));
    let restartAlways = false;
    if (ctr.restartPolicy !== undefined) {
      if (ctr.restartPolicy !== 'Always') errs.push(notSupported(p.child('restartPolicy'), ctr.restartPolicy, ['Always']));
      restartAlways = ctr.restartPolicy === 'Always';
    }
    if (names.has(ctr.name)) errs.push(duplicate(p.child('name'), ctr.name));
    else if (ctr.name) names.add(ctr.name);
    errs.push(...checkHostPortConflicts([ctr], path));
    if (restartAlways) {
      if (ctr.lifecycle) errs.push(...validateLifecycle(ctr.lifecycle, cx.gracePeriod, p.child('lifecycle')));
      errs.push(...validateProbes(ctr, cx.gracePeriod, p));
    } else {
      const msg = 'may not be set for init containers without restartPolicy=Always';
      if (ctr.lifecycle) errs.push(forbidden(p.child('lifecycle'), msg));
      if (ctr.livenessProbe) errs.push(forbidden(p.child('livenessProbe'), msg));
      if (ctr.readinessProbe) errs.push(forbidden(p.child('readinessProbe'), msg));
      if (ctr.startupProbe) errs.push(forbidden(p.child('startupProbe'), msg));
    }
    if ((ctr.resizePolicy ?? []).length > 0) errs.push(invalid(p.child('resizePolicy'), ctr.resizePolicy, 'must not be set for init containers'));
  });
  return errs;
}

/** Fields an ephemeral container may not set: they would change how the pod is scheduled or run. */
const ephemeralForbiddenFields = ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe', 'ports', 'resources', 'resizePolicy', 'restartPolicy'] as const;

/** Ephemeral (debug) containers: unique names and none of the fields that affect scheduling or restarts. */
export function validateEphemeralContainers(spec: PodSpec, path: FieldPath, cx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const others = new Set([...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c) => c.name));
  const names = new Set<string>();
  (spec.ephemeralContainers ?? []).forEach((ec: EphemeralContainer, i) => {
    const p = path.index(i);
    errs.push(...validateContainerCommon(ec as Container, p, cx));
    if (others.has(ec.name) || names.has(ec.name)) errs.push(duplicate(p.child('name'), ec.name));
    else names.add(ec.name);
    for (const f of ephemeralForbiddenFields) {
      const v = (ec as unknown as Record<string, unknown>)[f];
      const set = Array.isArray(v) ? v.length > 0 : v !== undefined && !(typeof v === 'object' && v && Object.keys(v).length === 0);
      if (set) errs.push(forbidden(p.child(f), 'cannot be set for an Ephemeral Container'));
    }
    if (ec.targetContainerName && !(spec.containers ?? []).some((c) => c.name === ec.targetContainerName) &&
      !(spec.initContainers ?? []).some((c) => c.name === ec.targetContainerName)) {
      errs.push(notFound(p.child('targetContainerName'), ec.targetContainerName, 'must be an existing container in pod'));
    }
  });
  return errs;
}
