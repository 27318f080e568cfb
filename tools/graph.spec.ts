import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

interface Graph {
  nodes: Record<string, { type: string; data: { tags?: string[]; root: string } }>;
  dependencies: Record<string, { target: string; type: string }[]>;
}

describe('Nx project graph', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tskube-graph-'));
  const file = join(dir, 'graph.json');
  execFileSync(process.execPath, [join(root, 'node_modules/nx/dist/bin/nx.js'), 'graph', `--file=${file}`], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    stdio: 'pipe',
  });
  const { graph } = JSON.parse(readFileSync(file, 'utf8')) as { graph: Graph };
  rmSync(dir, { recursive: true, force: true });
  const projects = Object.fromEntries(Object.entries(graph.nodes).filter(([, n]) => n.type !== 'npm'));

  it('has one project per app and lib of the architecture', () => {
    const apps = ['apiserver', 'scheduler', 'controller-manager', 'kubelet', 'kube-proxy', 'kubectl'];
    const libs = ['api-types', 'store', 'client', 'proto', 'component', 'test-support'];
    for (const a of apps) expect(projects[a]?.data.root).toBe(`apps/${a}`);
    for (const l of libs) expect(projects[l]?.data.root).toBe(`libs/${l}`);
  });

  it('has no app-to-app and no lib-to-app edge', () => {
    const isApp = (name: string) => projects[name]?.data.root.startsWith('apps/');
    const bad = Object.entries(graph.dependencies).flatMap(([from, deps]) =>
      deps.filter((d) => isApp(d.target)).map((d) => `${from} -> ${d.target}`),
    );
    expect(bad).toEqual([]);
  });

  it('tags every app type:app and every lib type:lib, which the lint boundaries rule enforces', () => {
    for (const [name, p] of Object.entries(projects)) {
      if (p.data.root.startsWith('apps/')) expect(p.data.tags, name).toContain('type:app');
      if (p.data.root.startsWith('libs/')) expect(p.data.tags, name).toContain('type:lib');
    }
  });
});
