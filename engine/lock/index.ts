export * from './lock-record.ts';
export * from './lock-error.ts';
export * from './platform-lock.ts';
export * from './lock-set.ts';
export * from './keystone-time.ts';
