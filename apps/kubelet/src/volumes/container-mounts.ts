import { chmodSync, lstatSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { corev1 } from '@tskube/api-types';
import { cri } from '@tskube/proto';
import { expand } from '../env/index';
import { VolumeError } from './errors';

/** A set-up volume as containers mount it. */
export interface ResolvedVolume {
  /** The host path a container's mount binds. */
  path: string;
  /**
   * Whether every mount of it is read-only whatever the volumeMount says: configMap, secret,
   * downwardAPI and projected volumes, and claims mounted readOnly.
   */
  readOnly: boolean;
}

/** CRI's propagation for a volumeMount's mountPropagation (None and unset are private). */
export function translatePropagation(mode: string | undefined): cri.MountPropagation {
  switch (mode) {
    case undefined:
    case '':
    case 'None':
      return cri.MountPropagation.PROPAGATION_PRIVATE;
    case 'HostToContainer':
      return cri.MountPropagation.PROPAGATION_HOST_TO_CONTAINER;
    case 'Bidirectional':
      return cri.MountPropagation.PROPAGATION_BIDIRECTIONAL;
    default:
      throw new VolumeError(`invalid MountPropagation mode: "${mode}"`);
  }
}

/** A subPathExpr with `$(VAR)` taken from the container's environment; every name must have a non-empty value. */
export function expandSubPathExpr(expr: string, env: ReadonlyArray<{ name: string; value: string }>): string {
  const vars = new Map(env.map((e) => [e.name, e.value]));
  const missing = new Set<string>();
  const out = expand(expr, (name) => {
    const value = vars.get(name);
    if (!value) missing.add(name);
    return value ?? '';
  });
  if (missing.size > 0) throw new VolumeError(`missing value for ${[...missing].sort().join(', ')}`);
  return out;
}

function within(base: string, path: string): boolean {
  return path === base || path.startsWith(base.endsWith('/') ? base : `${base}/`);
}

/**
 * Creates `sub` (and its missing parents) inside `base` with `mode`, never through a link that
 * leads out of `base`: what a subPath needs before it can be mounted.
 */
function safeMakeDir(base: string, sub: string, mode: number): void {
  const realBase = realpathSync(base);
  let current = base;
  for (const part of sub.split('/').filter((p) => p && p !== '.')) {
    current = posix.join(current, part);
    let exists = true;
    try {
      lstatSync(current);
    } catch {
      exists = false;
    }
    if (exists) {
      const real = realpathSync(current);
      if (!within(realBase, real)) throw new Error(`${current} leads outside the volume`);
      if (!statSync(real).isDirectory()) throw new Error(`${current} is not a directory`);
      continue;
    }
    mkdirSync(current, { mode });
    chmodSync(current, mode);
  }
}

/**
 * The CRI mounts of a container's volumeMounts, as the kubelet makes them: the volume's host path,
 * or its subPath (subPathExpr expanded from `env`), created as a directory with the volume's mode
 * when missing and refused when it resolves outside the volume; read-only when the mount or the
 * volume says so; mountPropagation translated. The subPath's real path is mounted, so a subPath of
 * a configMap or secret volume keeps the contents it had when the container started, as in
 * Kubernetes. Throws VolumeError with the kubelet's messages.
 */
export function containerMounts(container: corev1.Container, volumes: ReadonlyMap<string, ResolvedVolume>, env: ReadonlyArray<{ name: string; value: string }> = []): cri.Mount[] {
  const mounts: cri.Mount[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    if (!volume) throw new VolumeError(`cannot find volume "${mount.name}" to mount into container "${container.name}"`);
    let hostPath = volume.path;
    let subPath = mount.subPath ?? '';
    if (mount.subPathExpr) subPath = expandSubPathExpr(mount.subPathExpr, env);
    if (subPath) {
      if (subPath.startsWith('/')) throw new VolumeError(`error SubPath \`${subPath}\` must not be an absolute path`);
      if (subPath.split('/').includes('..')) throw new VolumeError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
      const full = posix.join(volume.path, subPath);
      let exists = true;
      try {
        statSync(full);
      } catch {
        exists = false;
      }
      if (!exists) {
        try {
          safeMakeDir(volume.path, subPath, statSync(volume.path).mode & 0o7777);
        } catch (err) {
          throw new VolumeError(`failed to create subPath directory for volumeMount "${mount.name}" of container "${container.name}"`, { cause: err });
        }
      }
      let real: string;
      try {
        real = realpathSync(full);
        if (!within(realpathSync(volume.path), real)) throw new Error(`${full} resolves to ${real}, outside the volume`);
      } catch (err) {
        throw new VolumeError(`failed to prepare subPath for volumeMount "${mount.name}" of container "${container.name}"`, { cause: err });
      }
      hostPath = real;
    }
    mounts.push({
      containerPath: mount.mountPath,
      hostPath,
      readonly: Boolean(mount.readOnly) || volume.readOnly,
      selinuxRelabel: false,
      propagation: translatePropagation(mount.mountPropagation),
    });
  }
  return mounts;
}
