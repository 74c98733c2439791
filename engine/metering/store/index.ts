export * from './metering-store.ts';
export * from './open-store.ts';
export * from './sqlite-store.ts';
export * from './postgres-store.ts';
export * from './migrations.ts';
