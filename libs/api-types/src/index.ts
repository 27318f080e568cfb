export * from './types';
export * from './registry';
export * from './selectors';
export * from './quantity';
