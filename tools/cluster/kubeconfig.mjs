import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** Writes the admin kubeconfig for the local cluster and returns its path. */
export function writeKubeconfig(dataDir, server) {
  mkdirSync(dataDir, { recursive: true });
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'tskube', cluster: { server } }],
    users: [{ name: 'admin', user: {} }],
    contexts: [{ name: 'tskube', context: { cluster: 'tskube', user: 'admin', namespace: 'default' } }],
    'current-context': 'tskube',
    preferences: {},
  };
  const path = join(dataDir, 'kubeconfig');
  writeFileSync(path, stringify(config), { mode: 0o600 });
  return path;
}
