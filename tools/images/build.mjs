#!/usr/bin/env node
// Builds the local cluster's images (pause, busybox, nginx) as OCI archives from this machine's
// Debian packages, and optionally imports them into containerd: no registry is ever needed.
//
// Usage: node tools/images/build.mjs [--out dir] [--import --address sock [--if-missing]
//                                     [--namespace k8s.io] [--snapshotter name]] [image ...]
//   --out          where <image>.tar goes (default dist/images)
//   --import       import the archives with ctr into --address's containerd
//   --if-missing   import (and build) only images containerd lacks; implies --import
//   image ...      a subset of pause, busybox, nginx (default: all)
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importImages, listImages } from './import.mjs';
import { BUSYBOX_IMAGE, BUSYBOX_LATEST_IMAGE, BUSYBOX_VERSION, CRI_NAMESPACE, NGINX_IMAGE, NGINX_LATEST_IMAGE, NGINX_VERSION, PAUSE_IMAGE } from './names.mjs';
import { buildLayer, ociArchive } from './oci.mjs';
import { DEBIAN_PATHS, DEFAULT_PATH, PAUSE_SCRIPT, busyboxLayer, busyboxVersion, nginxLayer, nginxVersion, pauseLayer } from './rootfs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_OUT_DIR = join(root, 'dist/images');

/**
 * Every file and config carries this time, so builds are reproducible: SOURCE_DATE_EPOCH when
 * set (the reproducible-builds convention), else Debian 12's release day.
 */
export function buildEpoch(env = process.env) {
  const fromEnv = Number(env.SOURCE_DATE_EPOCH);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Date.UTC(2023, 5, 10) / 1000;
}

export const IMAGE_NAMES = ['pause', 'busybox', 'nginx'];

/** A tag must name the version actually inside: refuse to call busybox 1.36 `busybox:1.35`. */
function checkVersion(what, found, tagged) {
  if (!found.startsWith(`${tagged}.`)) {
    throw new Error(`images: ${what} here is ${found}, but names.mjs tags it ${tagged}; update names.mjs (and what uses it) to match the installed package`);
  }
}

/**
 * The images with their references; `spec()` reads the host files and builds the layers, so
 * asking only for the references (to see what containerd lacks) stays cheap.
 * @param {typeof DEBIAN_PATHS} [paths]
 * @returns {{ name: string, refs: string[], spec: (mtime: number) => import('./oci.mjs').ImageSpec }[]}
 */
export function imageDefinitions(paths = DEBIAN_PATHS) {
  const bbVersion = busyboxVersion(paths.busybox);
  const ngVersion = nginxVersion(paths.nginx);
  checkVersion('busybox', bbVersion, BUSYBOX_VERSION);
  checkVersion('nginx', ngVersion, NGINX_VERSION);
  // nginx sits on busybox's layer (a shell and tar in the nginx image, as upstream's has), so the
  // two images share that blob; build it once per run.
  const layers = new Map();
  const layer = (key, make, mtime) => {
    const k = `${key}@${mtime}`;
    if (!layers.has(k)) layers.set(k, buildLayer(make(), { mtime }));
    return layers.get(k);
  };
  const base = (mtime) => layer('busybox', () => busyboxLayer(paths), mtime);
  return [
    {
      name: 'pause',
      refs: [PAUSE_IMAGE],
      spec: (mtime) => ({
        refs: [PAUSE_IMAGE],
        layers: [layer('pause', () => pauseLayer(paths), mtime)],
        config: { Entrypoint: ['/bin/busybox', 'sh', '-c', PAUSE_SCRIPT], Env: [`PATH=${DEFAULT_PATH}`], WorkingDir: '/' },
        history: [`busybox ${bbVersion} (Debian busybox-static), sleeping until SIGTERM or SIGINT`],
      }),
    },
    {
      name: 'busybox',
      refs: [BUSYBOX_IMAGE, `docker.io/library/busybox:${bbVersion}`, BUSYBOX_LATEST_IMAGE],
      spec: (mtime) => ({
        refs: [BUSYBOX_IMAGE, `docker.io/library/busybox:${bbVersion}`, BUSYBOX_LATEST_IMAGE],
        layers: [base(mtime)],
        config: { Cmd: ['sh'], Env: [`PATH=${DEFAULT_PATH}`], WorkingDir: '/' },
        history: [`busybox ${bbVersion} (Debian busybox-static) with its applets in /bin`],
      }),
    },
    {
      name: 'nginx',
      refs: [NGINX_IMAGE, `docker.io/library/nginx:${ngVersion}`, NGINX_LATEST_IMAGE],
      spec: (mtime) => ({
        refs: [NGINX_IMAGE, `docker.io/library/nginx:${ngVersion}`, NGINX_LATEST_IMAGE],
        layers: [base(mtime), layer('nginx', () => nginxLayer(paths), mtime)],
        config: {
          Cmd: ['nginx', '-g', 'daemon off;'],
          Env: [`PATH=${DEFAULT_PATH}`, `NGINX_VERSION=${ngVersion}`],
          WorkingDir: '/',
          ExposedPorts: { '80/tcp': {} },
          // As upstream: SIGQUIT lets nginx finish the requests in flight.
          StopSignal: 'SIGQUIT',
        },
        history: [`busybox ${bbVersion} (Debian busybox-static) with its applets in /bin`, `nginx ${ngVersion} (Debian nginx) with its shared libraries`],
      }),
    },
  ];
}

/** @param {string[]} names */
function checkNames(names) {
  for (const n of names) if (!IMAGE_NAMES.includes(n)) throw new Error(`images: unknown image ${n} (known: ${IMAGE_NAMES.join(', ')})`);
  return names;
}

/**
 * Builds `<outDir>/<name>.tar` for each image (all, or those in `only`).
 * @param {{ outDir?: string, only?: string[], paths?: typeof DEBIAN_PATHS, mtime?: number }} [o]
 * @returns {{ name: string, archive: string, refs: string[], manifestDigest: string }[]}
 */
export function buildImages(o = {}) {
  const outDir = o.outDir ?? DEFAULT_OUT_DIR;
  const mtime = o.mtime ?? buildEpoch();
  const only = checkNames(o.only ?? IMAGE_NAMES);
  mkdirSync(outDir, { recursive: true });
  const built = [];
  for (const def of imageDefinitions(o.paths).filter((d) => only.includes(d.name))) {
    const { archive, manifests } = ociArchive([def.spec(mtime)], { mtime });
    const path = join(outDir, `${def.name}.tar`);
    // Written aside and renamed, so an import never reads a half-written archive.
    writeFileSync(`${path}.tmp`, archive);
    renameSync(`${path}.tmp`, path);
    built.push({ name: def.name, archive: path, refs: def.refs, manifestDigest: manifests[0].digest });
  }
  return built;
}

/**
 * What the local cluster runs on start: builds and imports the images containerd lacks.
 * Idempotent; a second call with every image present runs only `ctr images list`.
 * @param {{ address: string, namespace?: string, snapshotter?: string, outDir?: string, only?: string[], paths?: typeof DEBIAN_PATHS }} o
 * @returns {Promise<{ imported: string[], skipped: string[] }>}
 */
export async function ensureImages(o) {
  const only = checkNames(o.only ?? IMAGE_NAMES);
  const have = new Set(await listImages(o));
  const defs = imageDefinitions(o.paths).filter((d) => only.includes(d.name));
  const missing = defs.filter((d) => !d.refs.every((r) => have.has(r))).map((d) => d.name);
  const skipped = defs.map((d) => d.name).filter((n) => !missing.includes(n));
  if (!missing.length) return { imported: [], skipped };
  const built = buildImages({ outDir: o.outDir, only: missing, paths: o.paths });
  const { imported } = await importImages({ ...o, archives: built });
  return { imported, skipped };
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      import: { type: 'boolean', default: false },
      'if-missing': { type: 'boolean', default: false },
      address: { type: 'string' },
      namespace: { type: 'string', default: CRI_NAMESPACE },
      snapshotter: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('usage: node tools/images/build.mjs [--out dir] [--import --address sock [--if-missing] [--namespace ns] [--snapshotter name]] [pause|busybox|nginx ...]\n');
    return;
  }
  const doImport = values.import || values['if-missing'];
  if (doImport && !values.address) throw new Error('--import needs --address <containerd socket>');
  const only = positionals.length ? positionals : undefined;
  const outDir = values.out ? resolve(values.out) : undefined;
  const ctr = { address: values.address ?? '', namespace: values.namespace, snapshotter: values.snapshotter };

  if (values['if-missing']) {
    const { imported, skipped } = await ensureImages({ ...ctr, outDir, only });
    for (const n of imported) console.log(`${n}: imported`);
    for (const n of skipped) console.log(`${n}: already in containerd`);
    return;
  }
  const built = buildImages({ outDir, only });
  for (const b of built) console.log(`${b.name}: ${b.archive} ${b.manifestDigest} ${b.refs.join(' ')}`);
  if (doImport) {
    const { imported } = await importImages({ ...ctr, archives: built });
    for (const n of imported) console.log(`${n}: imported`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err.message.startsWith('images:') ? err.message : `images: ${err.message}`);
    process.exit(1);
  });
}
