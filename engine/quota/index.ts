export * from './quota-backend.ts';
export * from './quota-error.ts';
export * from './service-quota-api.ts';
export * from './quota-defaults.ts';
export * from './limit-catalog.ts';
export * from './read-service-quotas.ts';
export * from './quota-warnings.ts';
