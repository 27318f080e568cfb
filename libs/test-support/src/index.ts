export * from './ports';
export * from './etcd';
export * from './apiserver';
export * from './component';
export * from './kubectl';
