export * from './errors';
export * from './store';
export * from './guaranteed-update';
export * from './embedded';
export * from './etcd';
