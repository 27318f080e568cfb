export * from './types';
export * from './registry';
export * from './selectors';
export * from './quantity';
export * from './validation';
export * from './defaulting';
export * from './quota';
