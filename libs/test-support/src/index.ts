export * from './ports';
export * from './etcd';
