export * from './errors';
export * from './store';
export * from './embedded';
export * from './guaranteed-update';
