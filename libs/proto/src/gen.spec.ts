import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

// `npm test` is what CI runs, so the suite itself refuses generated code that proto/ no longer
// produces (a .proto edited without `npm run proto`, or src/gen edited by hand).
describe('src/gen', () => {
  it('is exactly what proto/ generates', () => {
    const r = spawnSync(process.execPath, ['tools/proto/check.mjs'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr + r.stdout).toContain('is up to date');
    expect(r.status).toBe(0);
  });
});
