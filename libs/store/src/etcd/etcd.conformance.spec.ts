import { startEtcd, type EtcdServer } from '@tskube/test-support';
import { afterAll, beforeAll } from 'vitest';
import { describeStoreConformance } from '../testing';
import { EtcdStore } from './etcd-store';

let etcd: EtcdServer;

beforeAll(async () => {
  etcd = await startEtcd();
});

afterAll(async () => {
  await etcd?.stop();
});

describeStoreConformance('etcd', async () => {
  const store = new EtcdStore({ endpoints: etcd.endpoint });
  return { store, cleanup: () => store.close() };
});

describeStoreConformance('etcd with a key prefix', async () => {
  const store = new EtcdStore({ endpoints: etcd.endpoint, prefix: '/tenant-a' });
  return { store, cleanup: () => store.close() };
});
