export * from './errors.ts';
export * from './redact.ts';
export * from './cloud-config.ts';
export * from './auth.ts';
export * from './catalog.ts';
export * from './retry.ts';
export * from './session.ts';
