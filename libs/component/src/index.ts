export * from './logger';
export * from './health-server';
export * from './lifecycle';
