export * from './resource.ts';
export * from './ids.ts';
export * from './address.ts';
export * from './tenant-key.ts';
export * from './constraints.ts';
export * from './markers.ts';
export * from './resource-set.ts';
export * from './quota-keys.ts';
