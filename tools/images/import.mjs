// Imports image archives into containerd with its own client, ctr (shipped with Debian's
// containerd): no registry is needed, and the images land in the namespace the CRI plugin reads.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CRI_NAMESPACE } from './names.mjs';

const run = promisify(execFile);

/**
 * @typedef {{ address: string, namespace?: string, ctr?: string, timeoutMs?: number }} CtrOptions
 * address: containerd's socket; namespace defaults to the CRI plugin's `k8s.io`.
 */

/** @param {CtrOptions} o @param {string[]} args */
async function ctr(o, args) {
  const argv = ['--address', o.address, '--namespace', o.namespace ?? CRI_NAMESPACE, ...args];
  try {
    const { stdout } = await run(o.ctr ?? 'ctr', argv, { timeout: o.timeoutMs ?? 120_000, maxBuffer: 16 << 20 });
    return stdout;
  } catch (err) {
    const detail = /** @type {{ stderr?: string }} */ (err).stderr?.trim();
    throw new Error(`ctr ${args.slice(0, 2).join(' ')} failed${detail ? `: ${detail}` : ''}`, { cause: err });
  }
}

/**
 * The references of every image in the namespace.
 * @param {CtrOptions} o
 * @returns {Promise<string[]>}
 */
export async function listImages(o) {
  const out = await ctr(o, ['images', 'list', '--quiet']);
  return out.split('\n').map((s) => s.trim()).filter(Boolean);
}

/**
 * Imports one OCI archive, all references in its index, and unpacks it into the snapshotter
 * (containerd's default unless given) so a container can start from it at once.
 * @param {CtrOptions & { archive: string, snapshotter?: string }} o
 */
export async function importArchive(o) {
  const args = ['images', 'import', '--all-platforms'];
  if (o.snapshotter) args.push('--snapshotter', o.snapshotter);
  await ctr(o, [...args, o.archive]);
}

/**
 * Imports archives; with `ifMissing`, only those with a reference containerd does not already
 * have (the local cluster's first start, without redoing it on every start).
 * @param {CtrOptions & { archives: { name: string, archive: string, refs: string[] }[], ifMissing?: boolean, snapshotter?: string }} o
 * @returns {Promise<{ imported: string[], skipped: string[] }>} image names, in the order given
 */
export async function importImages(o) {
  const have = o.ifMissing ? new Set(await listImages(o)) : new Set();
  const imported = [];
  const skipped = [];
  for (const a of o.archives) {
    if (o.ifMissing && a.refs.every((r) => have.has(r))) {
      skipped.push(a.name);
      continue;
    }
    await importArchive({ ...o, archive: a.archive });
    imported.push(a.name);
  }
  return { imported, skipped };
}
