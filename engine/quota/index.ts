export * from './quota-error.ts';
export * from './service-quota-api.ts';
export * from './quota-defaults.ts';
export * from './read-service-quotas.ts';
export * from './live-quotas.ts';
export * from './write-service-quota.ts';
export * from './quota-warnings.ts';
export * from './limit-catalog.ts';
