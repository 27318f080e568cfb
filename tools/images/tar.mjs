// A deterministic tar writer (POSIX ustar): the same entries always give the same bytes, so an
// image layer built twice has the same digest. Entries are sorted by path, every entry carries the
// same mtime and root ownership, and nothing from the host (atime, owner names, inode order) leaks in.

/**
 * @typedef {{ path: string, type: 'file', mode: number, data: Buffer | string, uid?: number, gid?: number }
 *   | { path: string, type: 'dir', mode: number, uid?: number, gid?: number }
 *   | { path: string, type: 'symlink', target: string, uid?: number, gid?: number }} TarEntry
 */

const BLOCK = 512;
const TYPEFLAG = { file: '0', symlink: '2', dir: '5' };

/**
 * Serialises entries into a tar archive. Paths are relative (`bin/sh`, no leading slash); the
 * writer sorts them, so a parent directory always precedes what it holds.
 * @param {TarEntry[]} entries
 * @param {{ mtime: number }} options mtime in seconds since the epoch, stamped on every entry
 * @returns {Buffer}
 */
export function tarArchive(entries, { mtime }) {
  const seen = new Set();
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const chunks = [];
  for (const e of sorted) {
    if (e.path.startsWith('/') || e.path === '' || e.path.split('/').includes('..')) {
      throw new Error(`tar: entry path ${JSON.stringify(e.path)} must be relative and stay inside the archive`);
    }
    if (seen.has(e.path)) throw new Error(`tar: duplicate entry ${e.path}`);
    seen.add(e.path);
    const data = e.type === 'file' ? Buffer.from(e.data) : Buffer.alloc(0);
    chunks.push(header(e, data.length, mtime));
    if (data.length) {
      chunks.push(data);
      const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
      if (pad) chunks.push(Buffer.alloc(pad));
    }
  }
  // Two zero blocks end the archive.
  chunks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(chunks);
}

/** @param {TarEntry} e @param {number} size @param {number} mtime */
function header(e, size, mtime) {
  const h = Buffer.alloc(BLOCK);
  const name = e.type === 'dir' ? e.path.replace(/\/?$/, '/') : e.path;
  const [prefix, base] = splitName(name);
  h.write(base, 0, 100, 'utf8');
  octal(h, 100, 8, e.type === 'symlink' ? 0o777 : e.mode);
  octal(h, 108, 8, e.uid ?? 0);
  octal(h, 116, 8, e.gid ?? 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, mtime);
  h.write(TYPEFLAG[e.type], 156, 1, 'ascii');
  if (e.type === 'symlink') {
    if (Buffer.byteLength(e.target) > 100) throw new Error(`tar: symlink target of ${e.path} is longer than 100 bytes`);
    h.write(e.target, 157, 100, 'utf8');
  }
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  // Owner names stay empty: readers then use the numeric ids, which is what a layer means.
  octal(h, 329, 8, 0);
  octal(h, 337, 8, 0);
  h.write(prefix, 345, 155, 'utf8');
  // The checksum is computed with its own field read as spaces.
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

/** ustar keeps up to 100 bytes of name and 155 of prefix, split at a slash. */
function splitName(name) {
  if (Buffer.byteLength(name) <= 100) return ['', name];
  for (let i = name.lastIndexOf('/', name.length - 2); i > 0; i = name.lastIndexOf('/', i - 1)) {
    const prefix = name.slice(0, i);
    const base = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(base) <= 100) return [prefix, base];
  }
  throw new Error(`tar: path ${name} does not fit a ustar header`);
}

function octal(h, offset, width, value) {
  if (!Number.isInteger(value) || value < 0 || value >= 8 ** (width - 1)) {
    throw new Error(`tar: value ${value} does not fit a ${width}-byte octal field`);
  }
  h.write(value.toString(8).padStart(width - 1, '0') + '\0', offset, width, 'ascii');
}

/**
 * Reads a tar archive this writer (or any ustar writer) produced; for tests and for checking
 * an archive before importing it. Only the entry kinds the writer emits are understood.
 * @param {Buffer} buf
 * @returns {{ path: string, type: 'file' | 'dir' | 'symlink' | 'other', mode: number, uid: number, gid: number, mtime: number, size: number, target: string, data: Buffer }[]}
 */
export function readTar(buf) {
  const out = [];
  let off = 0;
  while (off + BLOCK <= buf.length) {
    const h = buf.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) break;
    const str = (o, n) => h.toString('utf8', o, o + n).replace(/\0.*$/s, '');
    const num = (o, n) => parseInt(str(o, n).trim() || '0', 8);
    const stored = num(148, 8);
    const check = Buffer.from(h);
    check.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of check) sum += b;
    if (sum !== stored) throw new Error(`tar: bad header checksum at offset ${off}`);
    const prefix = str(345, 155);
    const name = (prefix ? prefix + '/' : '') + str(0, 100);
    const size = num(124, 12);
    const flag = str(156, 1);
    const type = flag === '0' || flag === '' ? 'file' : flag === '5' ? 'dir' : flag === '2' ? 'symlink' : 'other';
    const data = buf.subarray(off + BLOCK, off + BLOCK + size);
    out.push({ path: name.replace(/\/$/, ''), type, mode: num(100, 8), uid: num(108, 8), gid: num(116, 8), mtime: num(136, 12), size, target: str(157, 100), data });
    off += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}
