import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setVolumeOwnership } from './ownership';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tskube-owner-'));
  mkdirSync(join(dir, 'sub'), { mode: 0o700 });
  writeFileSync(join(dir, 'sub', 'file'), 'x', { mode: 0o600 });
  writeFileSync(join(dir, 'exec'), 'x', { mode: 0o700 });
  symlinkSync('/etc/passwd', join(dir, 'link'));
  chmodSync(dir, 0o700);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const owner = (path: string) => {
  const s = statSync(path);
  return [s.gid, s.mode & 0o7777];
};

describe('setVolumeOwnership', () => {
  it.each([
    { name: 'read-write', readOnly: false, want: { root: 0o2770, sub: 0o2770, file: 0o660, exec: 0o760 } },
    { name: 'read-only', readOnly: true, want: { root: 0o2750, sub: 0o2750, file: 0o640, exec: 0o740 } },
  ])('gives the group access to every file and directory ($name)', async ({ readOnly, want }) => {
    const passwd = statSync('/etc/passwd');
    await setVolumeOwnership(dir, 1234, { readOnly });
    expect(owner(dir)).toEqual([1234, want.root]);
    expect(owner(join(dir, 'sub'))).toEqual([1234, want.sub]);
    expect(owner(join(dir, 'sub', 'file'))).toEqual([1234, want.file]);
    expect(owner(join(dir, 'exec'))).toEqual([1234, want.exec]);
    // Links are not followed.
    expect([statSync('/etc/passwd').gid, statSync('/etc/passwd').mode]).toEqual([passwd.gid, passwd.mode]);
  });

  it('walks nothing when the root already matches and the policy is OnRootMismatch', async () => {
    chownSync(dir, -1, 1234);
    chmodSync(dir, 0o2770);
    await setVolumeOwnership(dir, 1234, { readOnly: false, onRootMismatch: true });
    expect(owner(join(dir, 'sub', 'file'))[1]).toBe(0o600);
    await setVolumeOwnership(dir, 4321, { readOnly: false, onRootMismatch: true });
    expect(owner(join(dir, 'sub', 'file'))).toEqual([4321, 0o660]);
  });
});
