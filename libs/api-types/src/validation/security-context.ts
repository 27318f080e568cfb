import type { PodSecurityContext, PodSpec, SeccompProfile, SecurityContext } from 'kubernetes-types/core/v1';
import { MAX_INT32 } from './constants';
import { type FieldError, type FieldPath, duplicate, invalid, notSupported, required } from './field';
import { byteLength, inclusiveRangeError } from './name';
import { validateLocalDescendingPath } from './paths';

/** Container and pod security contexts: user and group ids, seccomp and AppArmor profiles, sysctls. */

function validateSeccompProfile(sp: SeccompProfile | undefined, path: FieldPath): FieldError[] {
  if (!sp) return [];
  const errs: FieldError[] = [];
  const types = ['Localhost', 'RuntimeDefault', 'Unconfined'];
  if (!sp.type) errs.push(required(path.child('type'), 'type is required when seccompProfile is set'));
  else if (!types.includes(sp.type)) errs.push(notSupported(path.child('type'), sp.type, types));
  if (sp.type === 'Localhost') {
    if (sp.localhostProfile === undefined) {
      errs.push(required(path.child('localhostProfile'), 'must be set when seccomp type is Localhost'));
    } else {
      errs.push(...validateLocalDescendingPath(sp.localhostProfile, path.child('localhostProfile')));
    }
  } else if (sp.localhostProfile !== undefined) {
    errs.push(invalid(path.child('localhostProfile'), sp, 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

function validateAppArmorProfile(profile: SecurityContext['appArmorProfile'], path: FieldPath): FieldError[] {
  if (!profile) return [];
  const errs: FieldError[] = [];
  const types = ['Localhost', 'RuntimeDefault', 'Unconfined'];
  if (!profile.type) errs.push(required(path.child('type'), 'type is required when appArmorProfile is set'));
  else if (!types.includes(profile.type)) errs.push(notSupported(path.child('type'), profile.type, types));
  if (profile.type === 'Localhost') {
    if (!profile.localhostProfile) {
      errs.push(required(path.child('localhostProfile'), 'must be set when AppArmor type is Localhost'));
    } else if (profile.localhostProfile.trim() !== profile.localhostProfile) {
      errs.push(invalid(path.child('localhostProfile'), profile.localhostProfile, 'must not be padded with whitespace'));
    } else if (byteLength(profile.localhostProfile) > 4095) {
      errs.push(invalid(path.child('localhostProfile'), profile.localhostProfile, 'must be no more than 4095 bytes'));
    }
  } else if (profile.localhostProfile !== undefined) {
    errs.push(invalid(path.child('localhostProfile'), profile, 'can only be set when AppArmor type is Localhost'));
  }
  return errs;
}

const idRange = (v: number) => (v >= 0 && v <= MAX_INT32 ? [] : [inclusiveRangeError(0, MAX_INT32)]);

/** A container securityContext: ids in range, proc mount, seccomp and AppArmor profiles, privilege escalation. */
export function validateSecurityContext(sc: SecurityContext | undefined, path: FieldPath, hostUsers: boolean): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  if (sc.runAsUser !== undefined) for (const msg of idRange(sc.runAsUser)) errs.push(invalid(path.child('runAsUser'), sc.runAsUser, msg));
  if (sc.runAsGroup !== undefined) for (const msg of idRange(sc.runAsGroup)) errs.push(invalid(path.child('runAsGroup'), sc.runAsGroup, msg));
  if (sc.procMount !== undefined) {
    if (sc.procMount !== 'Default' && sc.procMount !== 'Unmasked') {
      errs.push(notSupported(path.child('procMount'), sc.procMount, ['Default', 'Unmasked']));
    }
    if (hostUsers && sc.procMount === 'Unmasked') {
      errs.push(invalid(path.child('procMount'), sc.procMount, '`hostUsers` must be false to use `Unmasked`'));
    }
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, path.child('seccompProfile')));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged) errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    for (const cap of sc.capabilities?.add ?? []) {
      if (cap === 'CAP_SYS_ADMIN') {
        errs.push(invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
      }
    }
  }
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, path.child('appArmorProfile')));
  return errs;
}

const SYSCTL_SEGMENT = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const SYSCTL_FMT = `(${SYSCTL_SEGMENT}[\\./])*${SYSCTL_SEGMENT}`;
const sysctlRegexp = new RegExp(`^${SYSCTL_FMT}$`);
const SYSCTL_MAX_LENGTH = 253;

/** The pod-level securityContext (and the host namespace fields that live on the spec in v1). */
export function validatePodSecurityContext(spec: PodSpec, path: FieldPath): FieldError[] {
  const sc: PodSecurityContext | undefined = spec.securityContext;
  if (!sc) return [];
  const errs: FieldError[] = [];
  if (sc.fsGroup !== undefined) for (const msg of idRange(sc.fsGroup)) errs.push(invalid(path.child('fsGroup'), sc.fsGroup, msg));
  if (sc.runAsUser !== undefined) for (const msg of idRange(sc.runAsUser)) errs.push(invalid(path.child('runAsUser'), sc.runAsUser, msg));
  if (sc.runAsGroup !== undefined) for (const msg of idRange(sc.runAsGroup)) errs.push(invalid(path.child('runAsGroup'), sc.runAsGroup, msg));
  (sc.supplementalGroups ?? []).forEach((g, i) => {
    for (const msg of idRange(g)) errs.push(invalid(path.child('supplementalGroups').index(i), g, msg));
  });
  if (spec.shareProcessNamespace && spec.hostPID) {
    errs.push(invalid(path.child('shareProcessNamespace'), spec.shareProcessNamespace, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  const seen = new Set<string>();
  (sc.sysctls ?? []).forEach((s, i) => {
    const p = path.child('sysctls').index(i).child('name');
    if (!s.name) errs.push(required(p));
    else if (byteLength(s.name) > SYSCTL_MAX_LENGTH || !sysctlRegexp.test(s.name)) {
      errs.push(invalid(p, s.name, `must have at most ${SYSCTL_MAX_LENGTH} characters and match regex ^${SYSCTL_FMT}$`));
    } else if (seen.has(s.name)) errs.push(duplicate(p, s.name));
    const name = s.name.replaceAll('/', '.');
    if (spec.hostNetwork && (name.startsWith('net.') && name !== 'net.ipv4.ip_local_port_range')) {
      errs.push(invalid(p, s.name, "may not be specified when 'hostNetwork' is true"));
    }
    if (spec.hostIPC && (name.startsWith('kernel.shm') || name.startsWith('kernel.msg') || name === 'kernel.sem' || name.startsWith('fs.mqueue.'))) {
      errs.push(invalid(p, s.name, "may not be specified when 'hostIPC' is true"));
    }
    seen.add(s.name);
  });
  if (sc.fsGroupChangePolicy !== undefined && sc.fsGroupChangePolicy !== 'Always' && sc.fsGroupChangePolicy !== 'OnRootMismatch') {
    errs.push(notSupported(path.child('fsGroupChangePolicy'), sc.fsGroupChangePolicy, ['Always', 'OnRootMismatch']));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, path.child('seccompProfile')));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, path.child('appArmorProfile')));
  return errs;
}
