import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStoreConformance } from '../testing';
import { EmbeddedStore } from './embedded-store';

describeStoreConformance('embedded (SQLite)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tskube-embedded-'));
  const store = EmbeddedStore.open({ path: join(dir, 'state.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
